"""Embedding spread over worker processes or a local Ray cluster builds the same index as one
process: the same passages, the same vectors, bit for bit."""

from __future__ import annotations

import os
import tempfile

import numpy as np
import pytest

from kb.embedding.parallel import SpreadEmbedder
from kb.errors import KbError
from kb.ingest.pipeline import ingest
from kb.stores.local import StoredIndex
from tests.conftest import CORPUS, ROOT, BigramEmbedder


def _contents(index_dir):
    index = StoredIndex(index_dir)
    try:
        return index.passages(), index.vectors_by_hash(), index.sentence_vectors_by_hash()
    finally:
        index.close()


def _assert_same_index(one, other):
    passages, vectors, sentence_vectors = _contents(one)
    other_passages, other_vectors, other_sentence_vectors = _contents(other)
    assert passages == other_passages
    assert vectors.keys() == other_vectors.keys() and sentence_vectors.keys() == other_sentence_vectors.keys()
    assert all(np.array_equal(vectors[h], other_vectors[h]) for h in vectors)
    assert all(np.array_equal(sentence_vectors[h], other_sentence_vectors[h]) for h in sentence_vectors)


def test_two_worker_processes_build_the_single_process_index(tmp_path, embedder):
    single = ingest([CORPUS], tmp_path / "single", embedder=embedder)
    spread = ingest([CORPUS], tmp_path / "spread", embedder=embedder, workers=2)
    assert spread.embedded == single.embedded and spread.sentences_embedded == single.sentences_embedded
    _assert_same_index(tmp_path / "single", tmp_path / "spread")


class _FailingEmbedder(BigramEmbedder):
    def encode(self, texts, batch_size=32, on_batch=None):
        if any("销售漏斗" in t for t in texts):
            raise KbError("the model ran out of memory")
        return super().encode(texts, batch_size, on_batch)


def test_a_failing_worker_fails_the_ingest_and_keeps_the_live_index(tmp_path, embedder, corpus_copy):
    ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    before = StoredIndex(tmp_path / "index").version
    (corpus_copy / "funnel.txt").write_text("销售漏斗把潜在客户分成几个阶段。\n\n" * 3, "utf-8")
    with pytest.raises(KbError, match="ran out of memory"):
        ingest([corpus_copy], tmp_path / "index", embedder=_FailingEmbedder(), workers=2)
    assert StoredIndex(tmp_path / "index").version == before


def test_workers_must_be_positive(embedder):
    with pytest.raises(KbError, match="--workers must be at least 1"):
        SpreadEmbedder(embedder, workers=0)


@pytest.mark.model
def test_e5_vectors_from_two_workers_equal_one_process():
    from kb.embedding.models import load_embedder

    texts = [line for path in sorted(CORPUS.glob("*.txt")) for line in path.read_text("utf-8").splitlines() if line][
        :96
    ]
    model = load_embedder("e5-small")
    assert np.array_equal(SpreadEmbedder(model, workers=2).encode(texts), model.encode(texts))


def test_a_local_ray_cluster_builds_the_single_process_index(tmp_path, embedder, monkeypatch):
    if not os.environ.get("CI"):  # in CI the setup installs the scale extra: fail, not skip
        pytest.importorskip("ray", reason="Ray needs kb[scale]: pip install -e '.[scale]'")
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # Ray keeps a token under ~/.ray
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # Ray's workers import this test's embedder
    ingest([CORPUS], tmp_path / "single", embedder=embedder)
    # Ray's sockets live under its temporary folder, whose path must stay short (≤ 107 bytes).
    with tempfile.TemporaryDirectory(prefix="kb-ray-", dir="/tmp") as ray_tmp:
        monkeypatch.setenv("RAY_TMPDIR", ray_tmp)
        report = ingest([CORPUS], tmp_path / "ray-built", embedder=embedder, workers=2, ray="local")
    assert report.embedded > 0
    _assert_same_index(tmp_path / "single", tmp_path / "ray-built")


def test_no_ray_cluster_to_join_is_one_line(tmp_path, embedder, monkeypatch):
    if not os.environ.get("CI"):
        pytest.importorskip("ray", reason="Ray needs kb[scale]: pip install -e '.[scale]'")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    with pytest.raises(KbError, match="cannot reach a Ray cluster at auto: Could not find any running Ray") as caught:
        ingest([CORPUS], tmp_path / "index", embedder=embedder, ray="auto")
    assert "\n" not in str(caught.value) and not (tmp_path / "index").exists()
