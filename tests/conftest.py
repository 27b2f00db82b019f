"""Shared fixtures: the bundled corpus, a fast stand-in embedder, and a real-model index."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from kb.language.text import fold

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


class BigramEmbedder:
    """A deterministic, model-free embedder for tests of storage and plumbing.

    Hashes character bigrams of the folded text into a normalised vector, so texts sharing
    wording get similar vectors. It stands in for the real model only where the test is about
    something else (atomic writes, reuse of vectors); the real model has its own tests.
    """

    name = "test-bigram"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0
        self.encoded = 0

    def encode(self, texts, batch_size=32, on_batch=None):
        self.calls += 1
        self.encoded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            folded = fold(text)
            for i in range(len(folded) - 1):
                bucket = int(hashlib.md5(folded[i : i + 2].encode()).hexdigest()[:8], 16) % self.dim
                out[row, bucket] += 1.0
            out[row] /= max(np.linalg.norm(out[row]), 1e-9)
        if on_batch:
            on_batch(len(texts))
        return out

    def encode_query(self, question):
        return self.encode([question])[0]


@pytest.fixture
def embedder() -> BigramEmbedder:
    return BigramEmbedder()


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the bundled corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def stub_index(tmp_path_factory) -> tuple[Path, BigramEmbedder]:
    """The bundled corpus indexed once per test run with the stand-in embedder, and that
    embedder. Read-only: a test that changes an index builds its own."""
    from kb import KnowledgeBase

    embedder = BigramEmbedder()
    index = tmp_path_factory.mktemp("stub") / "index"
    KnowledgeBase.build([CORPUS], index, embedder=embedder)
    return index, embedder


@pytest.fixture(scope="session")
def real_index(tmp_path_factory) -> Path:
    """The bundled corpus indexed with the real bundled model (built once per test run)."""
    from kb.ingest.pipeline import ingest

    index_dir = tmp_path_factory.mktemp("real") / "index"
    ingest([CORPUS], index_dir)
    return index_dir


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch) -> Path:
    """kb's per-machine cache (verified checksums, eval indexes) in a folder of this test run,
    never the user's own."""
    cache = tmp_path_factory.getbasetemp() / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache
