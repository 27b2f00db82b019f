"""Answering: a question → ranked passages (retrieve) → scored sentences (evidence) → a cited answer
and its contrast table (answer, contrast).
"""
