"""Closing what is opened: `with KnowledgeBase.open(...)` releases the index version (an ingest
may then delete it), closing twice is harmless, and the server closes a knowledge base it
replaced once the last request using it has finished."""

from __future__ import annotations

import gc

import pytest

from kb import KnowledgeBase
from kb.errors import KbError
from kb.ingest.pipeline import ingest
from kb.interfaces.live import LiveKnowledgeBase
from tests.conftest import BigramEmbedder


def _versions(index) -> set[str]:
    return {path.name for path in index.iterdir() if path.name.startswith("v-")}


def _change(corpus, round_: int) -> None:
    (corpus / "extra.txt").write_text(f"第{round_}轮：渠道冲突需要市场部协调。", "utf-8")


@pytest.fixture
def index(corpus_copy, tmp_path, embedder):
    ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    return tmp_path / "index"


def test_with_releases_the_version_and_a_second_close_does_nothing(index, corpus_copy, embedder):
    held = KnowledgeBase.open(index, embedder=embedder)
    with KnowledgeBase.open(index, embedder=embedder) as kb:
        version = kb.info()["version"]
        assert kb.ask("营销和销售的区别").found
    assert kb.closed and not held.closed
    kb.close()
    _change(corpus_copy, 1)
    ingest([corpus_copy], index, embedder=embedder)
    assert version in _versions(index)  # `held` still pins it
    held.close()
    _change(corpus_copy, 2)
    ingest([corpus_copy], index, embedder=embedder)
    assert version not in _versions(index)  # nothing pins it any more: retired


@pytest.fixture
def no_garbage_collection():
    """An object left open is released only by garbage collection (an index refers to
    itself): without it, what is not closed stays open for the test to see."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def test_a_model_mismatch_leaves_nothing_open(index, corpus_copy, embedder, no_garbage_collection):
    with pytest.raises(KbError, match="built with model"):
        KnowledgeBase.open(index, model="another-model")
    with KnowledgeBase.open(index, embedder=embedder) as kb:
        version = kb.info()["version"]
    _change(corpus_copy, 1)
    ingest([corpus_copy], index, embedder=embedder)
    _change(corpus_copy, 2)
    ingest([corpus_copy], index, embedder=embedder)
    assert version not in _versions(index)


def test_the_server_closes_a_replaced_knowledge_base_after_its_last_reader(index, corpus_copy, embedder):
    live = LiveKnowledgeBase(index, embedder, check_seconds=0.0)  # look at the pointer on every request
    one, two = live.using(), live.using()  # two requests running on the first version
    first = one.__enter__()
    assert two.__enter__() is first
    _change(corpus_copy, 1)
    ingest([corpus_copy], index, embedder=embedder)
    with live.using() as second:  # a request arriving after the ingest gets the new version
        assert second is not first and second.is_live() and not first.is_live()
    one.__exit__(None, None, None)
    assert not first.closed and first.search("营销和销售的区别", k=1)  # the other request still uses it
    two.__exit__(None, None, None)
    assert first.closed and not second.closed
    # With nobody reading it, the replaced one is closed at the swap.
    _change(corpus_copy, 2)
    ingest([corpus_copy], index, embedder=embedder)
    assert live.reload() is not second and second.closed


class _Failing(BigramEmbedder):
    """Fails part-way through an ingest, once there is something new to embed."""

    def encode(self, texts, batch_size=32, on_batch=None):
        raise KbError("the encoder failed")


class _OtherModel(BigramEmbedder):
    name = "another-model"


def _unchanged_corpus(corpus, index, tmp_path, embedder) -> None:
    ingest([corpus], index, embedder=embedder)


def _failing_encoder(corpus, index, tmp_path, embedder) -> None:
    _change(corpus, 0)
    ingest([corpus], index, embedder=_Failing())


def _missing_profile(corpus, index, tmp_path, embedder) -> None:
    ingest([corpus], index, embedder=embedder, profile=tmp_path / "nowhere.toml")


def _reuse_from_another_model(corpus, index, tmp_path, embedder) -> None:
    other = tmp_path / "other"
    ingest([corpus], other, embedder=_OtherModel())
    _change(corpus, 0)
    ingest([corpus], index, embedder=embedder, reuse_from=other)


def _nothing_to_read(corpus, index, tmp_path, embedder) -> None:
    (tmp_path / "empty").mkdir()
    ingest([tmp_path / "empty"], index, embedder=embedder)


@pytest.mark.parametrize(
    "ingest_that",
    [_unchanged_corpus, _failing_encoder, _missing_profile, _reuse_from_another_model, _nothing_to_read],
)
def test_ingest_closes_the_live_index_it_read_on_every_way_out(
    ingest_that, index, corpus_copy, tmp_path, embedder, no_garbage_collection
):
    """An ingest reads the live index (its model, profile, vectors): however it ends, it lets
    go of it, so the next ingest can delete that version once it replaces it."""
    with KnowledgeBase.open(index, embedder=embedder) as kb:
        version = kb.info()["version"]
    try:
        ingest_that(corpus_copy, index, tmp_path, embedder)
    except KbError as failed:
        kept = failed  # its traceback holds on to whatever the failed ingest left open
    else:
        kept = None
    _change(corpus_copy, 1)
    ingest([corpus_copy], index, embedder=embedder)
    assert version not in _versions(index), kept
