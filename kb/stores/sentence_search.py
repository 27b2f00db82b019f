"""Passages ranked by their best sentence: the dense ranking a question about one statement needs.

A passage's vector averages all its sentences, so a question answered by one bullet of a slide
(「什么叫触发器？」 → 「触发器（Trigger）是用户定义在关系表上的一类由事件驱动的特殊过程」) can rank
the passage below ones that mention the term in every line. Ingest already stores a vector per
quotable sentence (for answer evidence); searching those and scoring each passage by its best
sentence finds it. The vectors stay float16 in memory (FAISS's fp16 scalar quantizer): half the
size of a float32 copy, built once per open index, on the first question.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from kb.stores.base import Ranking

SENTENCES_PER_PASSAGE = 4  # sentences searched per passage asked for: a passage's best one is among them
ADD_BATCH = 65_536  # sentence vectors converted to float32 at a time while building the search


class SentenceSearch:
    """Best-sentence cosine per passage, over every stored sentence vector.

    `owners` lists, per sentence row, the passages holding it (one, or two where neighbouring
    passages overlap by a sentence)."""

    def __init__(self, vectors: np.ndarray, owners: Sequence[Sequence[int]]) -> None:
        import faiss

        self._search = faiss.IndexScalarQuantizer(
            vectors.shape[1], faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
        )
        for begin in range(0, len(vectors), ADD_BATCH):
            self._search.add(np.ascontiguousarray(vectors[begin : begin + ADD_BATCH], dtype=np.float32))
        self._owners = [tuple(passages) for passages in owners]

    def ranking(self, vector: np.ndarray, n: int) -> Ranking:
        """The n passages whose best sentence is closest to `vector`, with that cosine."""
        wanted = min(SENTENCES_PER_PASSAGE * n, self._search.ntotal)
        if wanted == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores, rows = self._search.search(np.asarray(vector, dtype=np.float32).reshape(1, -1), wanted)
        found = [(score, self._owners[row]) for row, score in zip(rows[0].tolist(), scores[0].tolist()) if row >= 0]
        return passages_by_best_sentence(found, n)


def passages_by_best_sentence(scored: Iterable[tuple[float, Iterable[int]]], n: int) -> Ranking:
    """The n passages with the best sentence scores, from (score, passages holding the
    sentence) pairs; each passage takes its best sentence's score, ties in id order. Every
    store ranks sentences through this, so all rank alike."""
    best: dict[int, float] = {}
    for score, passages in scored:
        for passage in passages:
            best[passage] = max(score, best.get(passage, score))
    ids = np.fromiter(best, dtype=np.int64, count=len(best))
    values = np.fromiter(best.values(), dtype=np.float32, count=len(best))
    order = np.lexsort((ids, -values))[:n]
    return ids[order], values[order]
