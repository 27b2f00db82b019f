"""Near-duplicate spans: overlapping windows of one document, or a paragraph copied between two
(the same sentence quoted once, with both citations; the same passage retrieved once)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol

from kb.language.text import fold

_DUPLICATE_GRAMS = 8192


@lru_cache(maxsize=_DUPLICATE_GRAMS)
def _bigram_set(text: str) -> frozenset[str]:
    folded = fold(re.sub(r"\W+", "", text))
    return frozenset(folded[i : i + 2] for i in range(len(folded) - 1))


class Span(Protocol):
    """A span of a cleaned document: a passage, or a sentence quoted from one."""

    @property
    def doc_id(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...


def is_near_duplicate(a: Span, b: Span, threshold: float) -> bool:
    """Overlapping windows of one document (they share at least half of the shorter one), or
    (mostly) the same text in two articles: the share of the shorter one's character pairs
    that the other holds reaches `threshold` — the same paragraph copied between articles."""
    if a.doc_id == b.doc_id:
        overlap = min(a.end, b.end) - max(a.start, b.start)
        if overlap > 0 and overlap >= 0.5 * min(a.end - a.start, b.end - b.start):
            return True
    grams_a, grams_b = _bigram_set(a.text), _bigram_set(b.text)
    if not grams_a or not grams_b:
        return False
    return len(grams_a & grams_b) / min(len(grams_a), len(grams_b)) >= threshold


def overlaps(a: Span, b: Span) -> bool:
    """Two spans share characters of one document: a sentence already quoted as a step, a
    table's cell already quoted as a sentence."""
    return a.doc_id == b.doc_id and a.start < b.end and b.start < a.end
