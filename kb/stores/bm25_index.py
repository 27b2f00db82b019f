"""Read a bm25s index straight from its saved arrays, without importing bm25s.

bm25s builds and saves the index (`write_bm25_index`); answering only needs three memory-mapped
arrays and the vocabulary. Importing bm25s pulls in scipy, ≈ 0.3 s of every cold `kb ask`,
so queries read the files themselves and score exactly as bm25s' `get_scores_from_ids`.
"""

from __future__ import annotations

import json
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
