"""Read a bm25s index straight from its saved arrays, without importing bm25s.

bm25s builds and saves the index (`write_bm25_index`); answering only needs three memory-mapped
arrays and the vocabulary. Importing bm25s pulls in scipy, ≈ 0.3 s of every cold `kb ask`,
so queries read the files themselves and score exactly as bm25s' `get_scores_from_ids`.
"""

from __future__ import annotations

import json
from pathlib import Path

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
        scores = np.zeros(self.num_docs, dtype=self.dtype)
        for term in term_ids:
            if term >= self._columns:
                continue
            start, end = self.indptr[term], self.indptr[term + 1]
            np.add.at(scores, self.indices[start:end], self.data[start:end])
        if self.nonoccurrence is not None:
            scores += self.nonoccurrence[[t for t in term_ids if t < self._columns]].sum()
        return scores


def write_bm25_index(folder: Path, passage_terms: list[list[str]], params: dict[str, float]) -> None:
    """Build the index with bm25s (scores precomputed per term) and save it to `folder`."""
    import bm25s

    bm25 = bm25s.BM25(**params)
    # An all-stopword passage still needs one token for bm25s; "" is its empty-token slot.
    bm25.index([terms or [""] for terms in passage_terms], show_progress=False)
    bm25.save(str(folder), show_progress=False)
