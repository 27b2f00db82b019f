"""Shared fixtures: the bundled corpus, a fast stand-in embedder, and a real-model index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.testing import BigramEmbedder

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


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
