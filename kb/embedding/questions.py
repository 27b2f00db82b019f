"""What an embedding model reads of a question: the same text whoever encodes it.

`kb ask` encodes a question so, and ingest encodes the corpus's own sentences so when it
measures how close an answerable question comes to its passages (kb/ingest/calibrate.py):
both must read questions alike, or the measured cosines would not be the asked ones.
"""

from __future__ import annotations

from kb.language.text import fold

# Encoding time grows faster than length (15 ms for a short question, 560 ms for 1,000
# characters, all of it holding the one encoder), and a question's meaning is in its first
# sentences: BM25 and answer scoring still see all of it.
ENCODED_QUESTION_CHARS = 128


def encoded_question(question: str) -> str:
    """What the embedding model reads of a question: folded (市場 and 市场 are one question),
    whitespace collapsed, its first ENCODED_QUESTION_CHARS characters."""
    return fold(" ".join(question.split()))[:ENCODED_QUESTION_CHARS]
