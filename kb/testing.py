"""Test helpers for code that extends kb: the store contract and a model-free embedder.

`StoreContract` is the test suite every store passes (haystack's `DocumentStoreBaseTests` is the
model): subclass it in a test module and override the one fixture `store_location`, a fresh
location of your store for each test. The contract builds the same corpus into your store and
into a local folder and checks that your store ranks, answers, keeps and swaps versions, and
fails exactly as the local store does. It needs pytest (kb's dev extra)::

    from kb.testing import StoreContract

    class TestMyStore(StoreContract):
        @pytest.fixture
        def store_location(self, tmp_path):
            return f"mystore://{tmp_path}/index"

`corpus` and `questions` may be overridden too, to test on your own documents.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pytest

from kb import KnowledgeBase
from kb.errors import KbError
from kb.ingest.pipeline import ingest
from kb.language.text import fold
from kb.stores import registry
from kb.stores.base import IndexContents, StoreBackend
from kb.types import Mode

SMALL_CORPUS = {
    "marketing.txt": "市场营销是企业发现并满足客户需求的过程，包括市场调研、产品定位、定价和推广。\n\n"
    "营销关注的是长期的品牌建设和需求创造，目标是让客户主动找上门来。\n",
    "sales.txt": "销售是把产品或服务卖给客户、完成交易的过程，销售人员负责跟进线索和签订合同。\n\n"
    "销售关注的是短期的业绩目标，例如本季度的成交额和回款。\n",
    "teams.txt": "营销部门负责制定推广计划和管理品牌，销售部门负责拜访客户和完成订单。\n\n"
    "两个部门需要共享客户信息，营销产生的线索交给销售去转化。\n",
}
SMALL_QUESTIONS = ["营销和销售的区别", "销售部门负责什么", "什么是市场营销", "营销产生的线索交给谁"]
ADDED_PARAGRAPH = "客户成功经理负责续约和增购，这是新加的一段。\n"


class BigramEmbedder:
    """A deterministic, model-free embedder for tests of storage and plumbing.

    Hashes character bigrams of the folded text into a normalised vector, so texts sharing
    wording get similar vectors. It stands in for the real model only where the test is about
    something else (atomic writes, reuse of vectors); `calls` and `encoded` count its work.
    """

    name = "test-bigram"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0
        self.encoded = 0

    def encode(
        self, texts: Sequence[str], batch_size: int = 32, on_batch: Callable[[int], None] | None = None
    ) -> np.ndarray:
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

    def encode_query(self, question: str) -> np.ndarray:
        return self.encode([question])[0]


class _FailsPartWay(Sequence[Any]):
    """The sentences of a version, as a store sees them when the disk fills halfway through
    writing them: iterating raises ENOSPC after half the rows."""

    def __init__(self, rows: Sequence[Any]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: Any) -> Any:
        return self._rows[index]

    def __iter__(self) -> Iterator[Any]:
        yield from self._rows[: len(self._rows) // 2]
        raise OSError(28, "No space left on device")


class _DiskFillsWhileWriting:
    """A store whose writes fail part way (the real store underneath)."""

    def __init__(self, backend: StoreBackend) -> None:
        self._backend = backend

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)

    def write(self, location: str, contents: IndexContents, *args: Any) -> str:
        return self._backend.write(
            location, dataclasses.replace(contents, sentences=_FailsPartWay(contents.sentences)), *args
        )


# How far two stores' scores of one passage may differ: the local store keeps sentence vectors
# in float16 (a best sentence's cosine moves by up to ~1e-3), other stores in float32.
SCORE_TOLERANCE = 2e-3


def _ranking(kb: KnowledgeBase, question: str, mode: Mode) -> tuple[list[tuple[int, int]], list[float]]:
    """The top five passages (id, rank) and their scores, from one search."""
    hits = kb.search(question, k=5, mode=mode)
    return [(h.passage.id, h.rank) for h in hits], [h.score for h in hits]


class StoreContract:
    """What every store must do, checked against the local store (the reference)."""

    @pytest.fixture
    def store_location(self, tmp_path: Path) -> str:
        """A fresh, empty location of the store under test (override this)."""
        raise NotImplementedError("override the store_location fixture: a fresh location of your store")

    @pytest.fixture
    def corpus(self, tmp_path: Path) -> Path:
        """A writable corpus folder to index (tests edit it)."""
        folder = tmp_path / "contract-corpus"
        folder.mkdir()
        for name, text in SMALL_CORPUS.items():
            (folder / name).write_text(text, "utf-8")
        return folder

    @pytest.fixture
    def questions(self) -> list[str]:
        """Questions about the corpus; the first is asked before and after a re-ingest."""
        return SMALL_QUESTIONS

    @pytest.fixture
    def embedder(self) -> BigramEmbedder:
        return BigramEmbedder()

    def test_ranks_and_answers_as_the_local_store(
        self, store_location: str, corpus: Path, questions: list[str], embedder: BigramEmbedder, tmp_path: Path
    ) -> None:
        reference = KnowledgeBase.build([corpus], tmp_path / "reference", embedder=embedder)
        kb = KnowledgeBase.build([corpus], store_location, embedder=embedder)
        for question in questions:
            for mode in get_args(Mode):
                ranked, scores = _ranking(kb, question, mode)
                expected, expected_scores = _ranking(reference, question, mode)
                assert ranked == expected, (question, mode)
                assert scores == pytest.approx(expected_scores, abs=SCORE_TOLERANCE), (question, mode)
            ours, theirs = kb.ask(question), reference.ask(question)
            assert ours.to_dict() == theirs.to_dict() and ours.contrast == theirs.contrast, question
        assert kb.passages() == reference.passages()  # text, spans, headings and file locations
        assert kb.index.documents() == reference.index.documents()
        assert kb.profile.fingerprint == reference.profile.fingerprint
        kb.index.verify()

    def test_reingest_embeds_only_what_changed_and_swaps_in_whole(
        self, store_location: str, corpus: Path, questions: list[str], embedder: BigramEmbedder
    ) -> None:
        first = ingest([corpus], store_location, embedder=embedder)
        unchanged = ingest([corpus], store_location, embedder=embedder)
        assert first.embedded == first.passages and unchanged.embedded == 0
        reader = KnowledgeBase.open(store_location, embedder=embedder)
        before = reader.search(questions[0], k=3)
        (corpus / "added.txt").write_text(ADDED_PARAGRAPH, "utf-8")
        changed = ingest([corpus], store_location, embedder=embedder)
        assert 0 < changed.embedded <= 3 and changed.reused >= first.passages - 3
        # The reader opened before the swap still answers from its own version …
        assert not reader.is_live() and reader.search(questions[0], k=3) == before
        # … and a new one sees the new passage.
        fresh = KnowledgeBase.open(store_location, embedder=embedder)
        assert fresh.is_live() and "客户成功经理" in fresh.search("客户成功经理负责什么", k=1)[0].passage.text
        assert fresh.info()["version"] != reader.info()["version"]

    def test_old_versions_are_retired_and_the_live_one_kept(
        self, store_location: str, corpus: Path, embedder: BigramEmbedder
    ) -> None:
        edited = sorted(corpus.glob("*.txt"))[0]
        for round_ in range(3):
            edited.write_text(edited.read_text("utf-8") + f"\n\n第{round_}轮新加的一段。\n", "utf-8")
            ingest([corpus], store_location, embedder=embedder)
        with KnowledgeBase.open(store_location, embedder=embedder) as kb:
            live = kb.info()["version"]
        kept = registry.index_versions(store_location)
        assert live in kept and len(kept) <= 2, kept

    def test_moving_an_index_into_the_store_reuses_every_vector(
        self, store_location: str, corpus: Path, questions: list[str], embedder: BigramEmbedder, tmp_path: Path
    ) -> None:
        reference = KnowledgeBase.build([corpus], tmp_path / "reference", embedder=embedder)
        moved = ingest([corpus], store_location, embedder=embedder, reuse_from=tmp_path / "reference")
        assert moved.embedded == 0 and moved.sentences_embedded == 0 and moved.passages == reference.index.passage_count
        kb = KnowledgeBase.open(store_location, embedder=embedder)
        assert _ranking(kb, questions[0], "hybrid")[0] == _ranking(reference, questions[0], "hybrid")[0]

    def test_a_failed_write_leaves_the_live_version_and_nothing_of_the_new_one(
        self,
        store_location: str,
        corpus: Path,
        questions: list[str],
        embedder: BigramEmbedder,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        ingest([corpus], store_location, embedder=embedder)
        version = KnowledgeBase.open(store_location, embedder=embedder).info()["version"]
        (corpus / "new.txt").write_text("渠道经理负责经销商的开发与管理。" * 5, "utf-8")
        real_backend_for = registry.backend_for
        with monkeypatch.context() as patch, pytest.raises((KbError, OSError)):
            patch.setattr(registry, "backend_for", lambda where: _DiskFillsWhileWriting(real_backend_for(where)))
            ingest([corpus], store_location, embedder=embedder)
        after = KnowledgeBase.open(store_location, embedder=embedder)
        assert after.info()["version"] == version and after.search(questions[0], k=1)
        assert registry.index_versions(store_location) == [version]

    def test_with_closes_the_store_and_closing_again_does_nothing(
        self, store_location: str, corpus: Path, questions: list[str], embedder: BigramEmbedder
    ) -> None:
        ingest([corpus], store_location, embedder=embedder)
        with KnowledgeBase.open(store_location, embedder=embedder) as kb:
            assert kb.search(questions[0], k=1)
        kb.close()
        kb.index.close()
        with pytest.raises(Exception):  # noqa: B017 - each store fails its own way once closed
            kb.index.documents()

    def test_an_empty_store_says_how_to_build_an_index(self, store_location: str) -> None:
        with pytest.raises(KbError, match="kb ingest"):
            KnowledgeBase.open(store_location)

    def test_document_names_with_quotes_and_backslashes_are_found(
        self, store_location: str, tmp_path: Path, embedder: BigramEmbedder
    ) -> None:
        """Stores that quote document ids in filters must not break on a name that is itself a quote."""
        corpus = tmp_path / "quotes"
        corpus.mkdir()
        (corpus / 'say "渠道" \\ 经理.txt').write_text("渠道经理负责经销商的开发与管理，并制定渠道政策。\n", "utf-8")
        (corpus / "plain.txt").write_text("客户成功经理负责续约和增购。\n", "utf-8")
        kb = KnowledgeBase.build([corpus], store_location, embedder=embedder)
        answer = kb.ask("渠道经理负责什么")
        assert answer.found and "渠道经理负责经销商" in answer.text
        quoted = next(h.passage for h in answer.hits if "渠道经理" in h.passage.text)
        assert quoted.source.endswith('say "渠道" \\ 经理.txt') and quoted.location is not None
