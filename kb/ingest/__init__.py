"""Ingest: files → documents (loaders, formats) → cleaned text → passages → vectors → a stored index version."""

from kb._moved import forward_names

# `from kb.ingest import ingest` of the flat layout: the names of the former kb/ingest.py module,
# now in pipeline.py (or contents.py, for what building the contents needs).
__getattr__ = forward_names("kb.ingest", ("kb.ingest.pipeline", "kb.ingest.contents"))
