"""Question → ranked passages: BM25 and dense rankers, fused, with near-duplicates removed.

BM25 runs over jieba tokens of script-folded text, so 市場營銷 and 市场营销 match. The dense
ranker embeds the question with the index's own model. Fusion is weighted reciprocal-rank:
the two rankers are not equally good, and a plain RRF lets the weaker one pull results down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from .embed import Embedder
from .errors import KbError
from .store import StoredIndex
from .text import fold, has_words, tokenize
from .types import Hit, Passage

Mode = Literal["hybrid", "dense", "bm25"]
MODES: tuple[str, ...] = ("hybrid", "dense", "bm25")
MAX_QUESTION_CHARS = 1000
MAX_K = 100


@dataclass(frozen=True)
class FusionSettings:
    """Weighted reciprocal-rank fusion: score = Σ weight / (rrf_k + rank)."""

    bm25_weight: float = 1.0
    dense_weight: float = 0.5
    rrf_k: int = 60
    candidates: int = 100
    duplicate_overlap: float = 0.8


def normalise_question(question: str) -> str:
    """Collapse whitespace; refuse questions with no words or beyond the length cap."""
    text = re.sub(r"\s+", " ", question or "").strip()
    if not has_words(text):
        raise KbError("the question is empty or only punctuation: ask something, e.g. kb ask \"营销和销售的区别\"")
    if len(text) > MAX_QUESTION_CHARS:
        raise KbError(f"the question is {len(text)} characters long; the limit is {MAX_QUESTION_CHARS}: shorten it")
    return text


def check_query_args(k: int, mode: str) -> None:
    if mode not in MODES:
        raise KbError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
    if not 1 <= k <= MAX_K:
        raise KbError(f"k must be between 1 and {MAX_K}, got {k}")


@lru_cache(maxsize=8192)
def _bigrams(text: str) -> frozenset[str]:
    folded = fold(re.sub(r"\W+", "", text))
    return frozenset(folded[i : i + 2] for i in range(len(folded) - 1))


def is_near_duplicate(a: Passage, b: Passage, threshold: float) -> bool:
    """Overlapping windows of one document, or (mostly) the same text in two articles."""
    if a.doc_id == b.doc_id:
        overlap = min(a.end, b.end) - max(a.start, b.start)
        if overlap > 0 and overlap >= 0.5 * min(a.end - a.start, b.end - b.start):
            return True
    grams_a, grams_b = _bigrams(a.text), _bigrams(b.text)
    if not grams_a or not grams_b:
        return False
    return len(grams_a & grams_b) / min(len(grams_a), len(grams_b)) >= threshold


class Retriever:
    """Ranks the passages of one stored index for a question."""

    def __init__(self, index: StoredIndex, embedder: Embedder | None = None, fusion: FusionSettings = FusionSettings()) -> None:
        self.index = index
        self._embedder = embedder
        self.fusion = fusion

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            name = self.index.model_name
            try:
                self._embedder = Embedder(name)
            except KbError as exc:
                raise KbError(f"the index was built with model {name}, which is not available here ({exc}); rebuild with `kb ingest --model …`") from exc
        return self._embedder

    def bm25_ranking(self, question: str, n: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """Top-n passage ids and BM25 scores (only passages sharing a term), and the query terms."""
        terms = tokenize(question)
        bm25 = self.index.bm25
        ids = [bm25.vocab_dict[t] for t in terms if t in bm25.vocab_dict]
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), terms
        scores = bm25.get_scores_from_ids(ids)
        top = np.argsort(-scores, kind="stable")[:n]
        top = top[scores[top] > 0]
        return top, scores[top], terms

    def dense_ranking(self, question: str, n: int) -> tuple[np.ndarray, np.ndarray]:
        vector = self.embedder.encode_query(fold(question)).reshape(1, -1).astype(np.float32)
        if vector.shape[1] != self.index.dense.d:
            raise KbError(
                f"model {self.embedder.name} gives {vector.shape[1]}-dim vectors but the index holds "
                f"{self.index.dense.d}-dim ones: use the index's model ({self.index.model_name}) or re-run kb ingest"
            )
        scores, ids = self.index.dense.search(vector, min(n, self.index.dense.ntotal))
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), scores[0][keep]

    def search(self, question: str, k: int = 5, mode: str = "hybrid") -> list[Hit]:
        """The k best passages, near-duplicates suppressed, each with its ranking signals."""
        check_query_args(k, mode)
        question = normalise_question(question)
        n = max(self.fusion.candidates, 4 * k)
        signals: dict[int, dict] = {}
        fused: dict[int, float] = {}
        weights = {"bm25": self.fusion.bm25_weight, "dense": self.fusion.dense_weight}
        if mode != "hybrid":
            weights = {mode: 1.0}
        if "bm25" in weights:
            ids, scores, terms = self.bm25_ranking(question, n)
            self._add_ranking("bm25", ids, scores, weights["bm25"], fused, signals)
            for pid in ids:
                signals[int(pid)]["terms"] = terms
        if "dense" in weights:
            ids, scores = self.dense_ranking(question, n)
            self._add_ranking("dense", ids, scores, weights["dense"], fused, signals)
        best_possible = sum(w / (self.fusion.rrf_k + 1) for w in weights.values())
        order = sorted(fused, key=lambda pid: (-fused[pid], pid))
        return self._diverse_top(order, k, fused, signals, best_possible)

    def _add_ranking(self, name, ids, scores, weight, fused, signals) -> None:
        for rank, (pid, score) in enumerate(zip(ids, scores), start=1):
            pid = int(pid)
            fused[pid] = fused.get(pid, 0.0) + weight / (self.fusion.rrf_k + rank)
            signals.setdefault(pid, {})[name] = {"score": round(float(score), 4), "rank": rank}

    def _diverse_top(self, order, k, fused, signals, best_possible) -> list[Hit]:
        hits: list[Hit] = []
        batch = max(2 * k, 20)
        for begin in range(0, len(order), batch):
            ids = order[begin : begin + batch]
            for passage in self.index.passages(ids):
                if any(is_near_duplicate(passage, h.passage, self.fusion.duplicate_overlap) for h in hits):
                    continue
                score = fused[passage.id] / best_possible
                hits.append(Hit(len(hits) + 1, score, passage, signals.get(passage.id, {})))
                if len(hits) == k:
                    return hits
        return hits
