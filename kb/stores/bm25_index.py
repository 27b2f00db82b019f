"""Read a bm25s index straight from its saved arrays, without importing bm25s.

bm25s builds and saves the index (`write_bm25_index`); answering only needs three memory-mapped
arrays and the vocabulary. Importing bm25s pulls in scipy, ≈ 0.3 s of every cold `kb ask`,
so queries read the files themselves and score exactly as bm25s' `get_scores_from_ids`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


class Bm25Index:
    """Precomputed BM25 scores in CSC form: column t lists (passage, score) for term t."""

    def __init__(self, folder: Path) -> None:
        params = json.loads((folder / "params.index.json").read_text("utf-8"))
        self.num_docs = int(params["num_docs"])
        self.dtype = np.dtype(params["dtype"])
        self.vocab: dict[str, int] = json.loads((folder / "vocab.index.json").read_text("utf-8"))
        self.data = np.load(folder / "data.csc.index.npy", mmap_mode="r")
        self.indices = np.load(folder / "indices.csc.index.npy", mmap_mode="r")
        self.indptr = np.load(folder / "indptr.csc.index.npy", mmap_mode="r")
        nonoccurrence = folder / "nonoccurrence_array.index.npy"  # only BM25L / BM25+ save one
        self.nonoccurrence = np.load(nonoccurrence) if nonoccurrence.exists() else None
        # bm25s leaves the last vocabulary entry (its empty-token slot) out of the matrix.
        if not 0 < len(self.indptr) <= len(self.vocab) + 1 or len(self.data) != len(self.indices):
            raise ValueError("BM25 arrays and vocabulary disagree in size")
        self._columns = len(self.indptr) - 1

    def document_frequencies(self) -> np.ndarray:
        """How many passages hold each term (by term id)."""
        df = np.zeros(len(self.vocab), dtype=np.int64)
        df[: self._columns] = np.diff(np.asarray(self.indptr))
        return df

    def scores(self, term_ids: list[int]) -> np.ndarray:
        """BM25 score of every passage for the terms (a term listed twice counts twice)."""
        weights: dict[int, float] = {}
        for term in term_ids:
            weights[term] = weights.get(term, 0.0) + 1.0
        return self.weighted_scores(weights)

    def weighted_scores(self, weights: dict[int, float]) -> np.ndarray:
        """Σ weight × BM25 score of each term, for every passage."""
        scores = np.zeros(self.num_docs, dtype=self.dtype)
        present = [t for t in weights if t < self._columns]
        for term in present:
            start, end = self.indptr[term], self.indptr[term + 1]
            np.add.at(scores, self.indices[start:end], self.dtype.type(weights[term]) * self.data[start:end])
        if self.nonoccurrence is not None:
            scores += sum(weights[t] * self.nonoccurrence[t] for t in present)
        return scores


def build_bm25(passage_terms: list[list[str]], params: dict[str, float]) -> Any:
    """The bm25s index of these passages (scores precomputed per term, in CSC arrays)."""
    import bm25s

    bm25 = bm25s.BM25(**params)
    # An all-stopword passage still needs one token for bm25s; "" is its empty-token slot.
    bm25.index([terms or [""] for terms in passage_terms], show_progress=False)
    return bm25


def write_bm25_index(folder: Path, passage_terms: list[list[str]], params: dict[str, float]) -> None:
    """Build the index with bm25s and save it to `folder`."""
    build_bm25(passage_terms, params).save(str(folder), show_progress=False)


@dataclass(frozen=True)
class SparseBm25Rows:
    """Each passage's BM25 weights by term id, the vocabulary and each term's df."""

    rows: list[dict[int, float]]
    vocab: dict[str, int]
    df: np.ndarray


def sparse_bm25_rows(passage_terms: list[list[str]], params: dict[str, float]) -> SparseBm25Rows:
    """bm25s's per-term scores, turned around into one sparse row per passage: a store that
    searches sparse vectors (Milvus) then ranks by the sparse inner product of a question's term
    weights, which is Σ weight × BM25 score as the local store ranks. Sparse stores refuse an empty
    vector: a passage with no weighted term gets a dimension no query uses."""
    bm25 = build_bm25(passage_terms, params)
    vocab: dict[str, int] = {str(t): int(i) for t, i in bm25.vocab_dict.items()}
    data, indices, indptr = (np.asarray(bm25.scores[k]) for k in ("data", "indices", "indptr"))
    terms_of = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    rows: list[dict[int, float]] = [{} for _ in passage_terms]
    for passage, term, score in zip(indices.tolist(), terms_of.tolist(), data.tolist()):
        if score > 0:
            rows[passage][term] = score
    unused = len(vocab)
    rows = [row or {unused: 1.0} for row in rows]
    df = np.zeros(len(vocab), dtype=np.int64)
    df[: len(indptr) - 1] = np.diff(indptr)
    return SparseBm25Rows(rows, vocab, df)
