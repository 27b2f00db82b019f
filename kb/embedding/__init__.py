"""Embedding: which model a name means, how it encodes, and encoding spread over processes or a Ray cluster."""
