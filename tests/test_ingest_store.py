"""Building, reusing and protecting the index folder (fast stand-in embedder)."""

import json
import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from kb import KnowledgeBase
from kb.errors import KbError
from kb.ingest.pipeline import ingest
from kb.stores.local import StoredIndex
from kb.stores.versions import CURRENT
from kb.types import Document
from tests.conftest import CORPUS


def _snapshot(index_dir):
    index = StoredIndex(index_dir)
    return index.dir.name, [(p.doc_id, p.start, p.end, p.text) for p in index.passages()]


def test_every_passage_is_a_verbatim_span_of_its_cleaned_document(tmp_path, embedder):
    ingest([CORPUS], tmp_path / "index", embedder=embedder)
    index = StoredIndex(tmp_path / "index")
    docs = {d.doc_id: d.text for d in index.documents()}
    passages = index.passages()
    assert len(docs) == 5 and len(passages) > 50
    for p in passages:
        assert docs[p.doc_id][p.start : p.end] == p.text


def test_reingest_of_unchanged_corpus_embeds_nothing(corpus_copy, tmp_path, embedder):
    first = ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    second = ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    assert first.embedded == first.passages and second.embedded == 0
    assert second.reused == first.passages
    assert first.sentences_embedded > first.passages and second.sentences_embedded == 0


def test_an_edited_profile_rebuilds_the_index_but_reuses_every_vector(corpus_copy, tmp_path, embedder):
    ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    built = (tmp_path / "index" / CURRENT).read_text()
    ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    assert (tmp_path / "index" / CURRENT).read_text() == built  # nothing changed: kept as is
    (corpus_copy / "kb.toml").write_text('[vocabulary]\nstopwords = ["区别"]\n', "utf-8")
    again = ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    assert (tmp_path / "index" / CURRENT).read_text() != built
    assert again.embedded == 0 and again.reused == again.passages and again.sentences_embedded == 0
    assert "区别" in StoredIndex(tmp_path / "index").profile.analyzer.stopwords


def test_changing_one_file_reembeds_only_its_passages(corpus_copy, tmp_path, embedder):
    first = ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    target = sorted(corpus_copy.glob("*.txt"))[2]
    target.write_text(target.read_text("utf-8") + "\n新增的一段：市场部负责品牌，销售部负责签单。\n", "utf-8")
    second = ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    doc_id = target.stem
    changed = [p for p in StoredIndex(tmp_path / "index").passages() if p.doc_id == doc_id]
    assert 0 < second.embedded <= 2
    assert second.embedded < len(changed) < first.passages
    assert second.sentences_embedded == 1  # the one new sentence


def test_failed_ingest_leaves_previous_index_answering_identically(corpus_copy, tmp_path, embedder):
    ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    before = _snapshot(tmp_path / "index")

    class Exploding(type(embedder)):
        def encode(self, texts, batch_size=32, on_batch=None):
            raise KeyboardInterrupt  # what Ctrl-C looks like mid-embedding

    (corpus_copy / "new.txt").write_text("全新的文章：营销与销售。", "utf-8")
    with pytest.raises(KeyboardInterrupt):
        ingest([corpus_copy], tmp_path / "index", embedder=Exploding())
    assert _snapshot(tmp_path / "index") == before
    assert [p.name for p in (tmp_path / "index").iterdir() if p.name.startswith("v-")] == [before[0]]


def test_half_written_version_from_a_killed_ingest_is_ignored_and_cleaned(corpus_copy, tmp_path, embedder):
    ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    before = _snapshot(tmp_path / "index")
    orphan = tmp_path / "index" / "v-20000101T000000-dead00"
    orphan.mkdir()
    (orphan / "passages.sqlite").write_bytes(b"half")
    assert _snapshot(tmp_path / "index") == before
    (corpus_copy / "new.txt").write_text("新增的文章：市场部与销售部。", "utf-8")
    ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    assert not orphan.exists()


def test_truncated_index_file_is_reported_as_damaged(tmp_path, embedder):
    ingest([CORPUS], tmp_path / "index", embedder=embedder)
    version = StoredIndex(tmp_path / "index").dir
    faiss_file = version / "dense.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    with pytest.raises(KbError, match="damaged.*dense.faiss.*kb ingest"):
        StoredIndex(tmp_path / "index")


def test_corrupted_bytes_fail_the_checksum(tmp_path, embedder):
    ingest([CORPUS], tmp_path / "index", embedder=embedder)
    db = StoredIndex(tmp_path / "index").dir / "passages.sqlite"
    data = bytearray(db.read_bytes())
    data[200] ^= 0xFF
    db.write_bytes(bytes(data))
    with pytest.raises(KbError, match="checksum"):
        StoredIndex(tmp_path / "index").verify()


def test_other_format_version_is_refused(tmp_path, embedder):
    ingest([CORPUS], tmp_path / "index", embedder=embedder)
    manifest_path = StoredIndex(tmp_path / "index").dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["format_version"] = 99
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(KbError, match="format version 99"):
        StoredIndex(tmp_path / "index")


def test_every_quotable_sentence_has_a_vector_row_inside_its_passages(tmp_path, embedder):
    ingest([CORPUS], tmp_path / "index", embedder=embedder)
    index = StoredIndex(tmp_path / "index")
    assert index.sentence_vectors.shape == (index.manifest.counts.sentences, embedder.dim)
    docs = {d.doc_id: d.text for d in index.documents()}
    for p in index.passages()[:30]:
        sentences = index.sentences_in(p)
        assert sentences, p.text
        for (start, end), known in sentences.items():
            assert p.start <= start < end <= p.end and known.vector.shape == (embedder.dim,)
            assert np.isclose(np.linalg.norm(known.vector), 1.0, atol=2e-3)
            assert known.tokens == frozenset(index.profile.analyzer.tokenize(docs[p.doc_id][start:end]))


def test_a_sentence_is_embedded_under_the_heading_it_stands_under(tmp_path, embedder):
    text = "文章标题\n开头的第一句话写在这里，没有小节标题。\n第二节 渠道\n渠道冲突需要市场部协调。"
    ingest([Document("d", "d", "d.txt", text)], tmp_path / "index", embedder=embedder)
    index = StoredIndex(tmp_path / "index")
    (passage,) = index.passages()
    sentences = index.sentences_in(passage)
    first = text.index("开头")
    expected = {
        (first, text.index("\n第二节")): "文章标题：开头的第一句话写在这里，没有小节标题。",
        (text.index("渠道冲突"), len(text)): "第二节 渠道：渠道冲突需要市场部协调。",
    }
    assert set(sentences) == set(expected)
    for span, context_and_sentence in expected.items():
        assert np.allclose(sentences[span].vector, embedder.encode([context_and_sentence])[0], atol=2e-3)


def test_index_from_before_sentence_vectors_answers_and_is_upgraded(tmp_path, embedder):
    ingest([CORPUS], tmp_path / "index", embedder=embedder)
    version = StoredIndex(tmp_path / "index").dir
    manifest = json.loads((version / "manifest.json").read_text())
    manifest["format_version"] = 1  # what kb wrote before sentence vectors
    del manifest["files"]["sentences.npy"]
    (version / "sentences.npy").unlink()
    (version / "manifest.json").write_text(json.dumps(manifest))
    old = KnowledgeBase.open(tmp_path / "index", embedder=embedder)
    assert not old.index.has_sentence_vectors
    assert old.ask("什么是销售漏斗").found
    upgraded = ingest([CORPUS], tmp_path / "index", embedder=embedder)
    index = StoredIndex(tmp_path / "index")
    distinct = len(set(index.db.sentence_hashes()))
    assert upgraded.embedded == 0 and upgraded.sentences_embedded == distinct > 0  # identical sentences once
    assert index.has_sentence_vectors


def test_model_mismatch_is_refused(tmp_path, embedder):
    ingest([CORPUS], tmp_path / "index", embedder=embedder)
    with pytest.raises(KbError, match="built with model test-bigram"):
        KnowledgeBase.open(tmp_path / "index", model="m3e-small")


def test_refuses_to_write_into_a_foreign_folder(tmp_path, embedder):
    target = tmp_path / "photos"
    target.mkdir()
    (target / "holiday.jpg").write_bytes(b"x")
    with pytest.raises(KbError, match="not a kb index"):
        ingest([CORPUS], target, embedder=embedder)
    assert [p.name for p in target.iterdir()] == ["holiday.jpg"]


def test_empty_corpus_is_an_error(tmp_path, embedder):
    (tmp_path / "empty").mkdir()
    with pytest.raises(KbError, match="no text to index"):
        ingest([tmp_path / "empty"], tmp_path / "index", embedder=embedder)
    assert not (tmp_path / "index" / CURRENT).exists()


def test_read_only_index_folder_is_a_clear_error(tmp_path, embedder, monkeypatch):
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    if os.geteuid() == 0:  # root ignores permissions: make opening the lock file fail instead
        real_open = Path.open

        def read_only_open(self, mode="r", *args, **kwargs):
            if self.parent == index_dir and any(c in mode for c in "aw+"):
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, mode, *args, **kwargs)

        monkeypatch.setattr(Path, "open", read_only_open)
    else:
        index_dir.chmod(0o500)
    with pytest.raises(KbError, match="cannot write to index folder"):
        ingest([CORPUS], index_dir, embedder=embedder)


def test_documents_can_be_built_from_memory(tmp_path, embedder):
    from kb import Document

    docs = [
        Document("a", "甲", "mem://a", "营销是让产品好卖。销售是把产品卖好。"),
        Document("b", "乙", "mem://b", "市场部负责品牌推广。"),
    ]
    kb = KnowledgeBase.build(docs, tmp_path / "index", embedder=embedder)
    hits = kb.search("品牌推广", k=2, mode="bm25")
    assert hits[0].passage.doc_id == "b"
    with sqlite3.connect(kb.index.dir / "passages.sqlite") as db:
        assert db.execute("select count(*) from documents").fetchone()[0] == 2


def test_large_indexes_switch_to_ivf_and_record_it(corpus_copy, tmp_path, embedder, monkeypatch):
    import kb.stores.vector_index

    monkeypatch.setattr(kb.stores.vector_index, "EXACT_SEARCH_LIMIT", 10)
    first = ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    index = StoredIndex(tmp_path / "index")
    params = index.manifest.dense_index
    assert params["type"] == "ivf-flat-ip" and params["nprobe"] >= 1 and params["nlist"] > 1
    assert index.dense.nprobe == params["nprobe"]
    kb = KnowledgeBase.open(tmp_path / "index", embedder=embedder)
    assert len(kb.search("营销和销售的区别", k=5, mode="dense")) == 5
    (corpus_copy / "new.txt").write_text("新增：渠道冲突的管理。", "utf-8")
    second = ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    assert second.reused == first.passages  # vectors read back from the IVF index


def test_ingest_options_and_the_keywords_of_before_build_the_same_index(tmp_path, embedder, stub_index):
    from kb import IngestOptions
    from kb.ingest.chunk import ChunkSettings

    small = ChunkSettings(120, 0)
    given = KnowledgeBase.build(
        [CORPUS], tmp_path / "options", options=IngestOptions(embedder=embedder, chunking=small, profile="default")
    )
    built = KnowledgeBase.build([CORPUS], tmp_path / "keywords", embedder=embedder, chunking=small, profile="default")
    ingested = ingest([CORPUS], tmp_path / "ingest", embedder=embedder, settings=small, profile="default")
    passages = [(p.doc_id, p.start, p.end) for p in given.passages()]
    assert passages == [(p.doc_id, p.start, p.end) for p in built.passages()]
    assert len(passages) == ingested.passages > StoredIndex(stub_index[0]).passage_count  # shorter than by default
    assert given.index.manifest.chunking == small and given.profile.source == "default"
    with pytest.raises(TypeError, match="not both"):
        KnowledgeBase.build([CORPUS], tmp_path / "both", options=IngestOptions(embedder=embedder), model="m3e-small")


def test_versions_written_in_one_second_are_retired_oldest_first(corpus_copy, tmp_path, embedder, monkeypatch):
    """Two ingests within one second: the newer version stays live and the older one is removed,
    whatever their random tags (once the tag decided which one counted as newer)."""
    import itertools
    import secrets
    import time

    tags, real_token_hex = iter(["ffffff", "000000"]), secrets.token_hex
    monkeypatch.setattr(secrets, "token_hex", lambda n: next(tags) if n == 3 else real_token_hex(n))
    ticks = itertools.count()
    monkeypatch.setattr(time, "time", lambda: 1_767_268_800.0 + next(ticks) * 1e-6)  # all within one second
    index = tmp_path / "index"
    ingest([corpus_copy], index, embedder=embedder)
    first = (index / CURRENT).read_text().strip()
    (corpus_copy / next(iter(sorted(p.name for p in corpus_copy.iterdir())))).write_text("改过的内容。", "utf-8")
    ingest([corpus_copy], index, embedder=embedder)
    live = (index / CURRENT).read_text().strip()
    assert live != first
    assert sorted(p.name for p in index.iterdir() if p.name.startswith("v-")) == [live]
