"""Fault injection: bad inputs, damaged indexes, failing disks, interrupted ingests.
Each case must end in a clear one-line error (or a clean result), never a traceback, and
never cost the index that was live before."""

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import KnowledgeBase
from kb.cli import main
from kb.errors import KbError
from kb.ingest import ingest
from kb.store import StoredIndex
from tests.conftest import CORPUS

SIMPLIFIED = "市场营销与销售的区别：营销是一个系统，而销售只是营销的一部分。"


def _ranking(index_dir, mode="bm25"):
    kb = KnowledgeBase.open(index_dir)
    return [(h.passage.doc_id, h.passage.start, h.passage.end) for h in kb.search("营销和销售的区别", k=5, mode=mode)]


def test_mixed_encodings_binary_and_empty_files_are_all_searchable(tmp_path, embedder):
    corpus = tmp_path / "mixed"
    corpus.mkdir()
    texts = {
        "gbk": ("gbk", "甲方案：客户画像用于精准投放。"),
        "big5": ("big5", "乙方案：渠道衝突需要協調。"),
        "utf16": ("utf-16", "丙方案：品牌定位决定传播。"),
        "bom": ("utf-8-sig", "丁方案：售后回访提升复购。"),
    }
    for name, (encoding, text) in texts.items():
        (corpus / f"{name}.txt").write_bytes(text.encode(encoding))
    (corpus / "binary.txt").write_bytes(os.urandom(2048))
    (corpus / "empty.txt").write_bytes(b"")
    report = ingest([corpus], tmp_path / "index", embedder=embedder)
    assert report.documents == 4 and {Path(p).name for p, _ in report.skipped} == {"binary.txt", "empty.txt"}
    kb = KnowledgeBase.open(tmp_path / "index", embedder=embedder)
    for question, doc_id in [("客户画像", "gbk"), ("渠道冲突", "big5"), ("品牌定位", "utf16"), ("售后回访", "bom")]:
        assert kb.search(question, k=1, mode="bm25")[0].passage.doc_id == doc_id


def test_file_that_disappears_during_ingest_is_skipped_with_its_name(corpus_copy, tmp_path, embedder, monkeypatch):
    vanishing = sorted(corpus_copy.glob("*.txt"))[1]
    real_read = Path.read_bytes

    def read_bytes(self):
        if self == vanishing:
            self.unlink()
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    assert report.documents == 4
    assert [(Path(p).name, why) for p, why in report.skipped] == [
        (vanishing.name, "unreadable: No such file or directory")
    ]


def test_file_changed_during_ingest_is_indexed_as_read_and_updated_next_time(corpus_copy, tmp_path, embedder):
    target = sorted(corpus_copy.glob("*.txt"))[2]  # an article with no trailer to swallow the edit

    class EditingEmbedder(type(embedder)):
        def encode(self, texts, batch_size=32, on_batch=None):
            target.write_text(target.read_text("utf-8") + "\n后来补充：渠道冲突管理很重要。\n", "utf-8")
            return super().encode(texts, batch_size, on_batch)

    ingest([corpus_copy], tmp_path / "index", embedder=EditingEmbedder())
    index = StoredIndex(tmp_path / "index")
    assert not any("渠道冲突" in p.text for p in index.passages())  # the version read, consistently
    second = ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    assert 0 < second.embedded <= 2
    assert any("渠道冲突" in p.text for p in StoredIndex(tmp_path / "index").passages())


@pytest.mark.parametrize(
    "victim", ["passages.sqlite", "dense.faiss", "bm25/data.csc.index.npy", "bm25/vocab.index.json", "manifest.json"]
)
def test_truncated_index_files_are_reported_as_damaged(tmp_path, embedder, victim):
    ingest([CORPUS], tmp_path / "index", embedder=embedder)
    path = StoredIndex(tmp_path / "index").dir / victim
    path.write_bytes(path.read_bytes()[: max(1, path.stat().st_size // 3)])
    result = CliRunner().invoke(main, ["ask", "营销", "--mode", "bm25", "--index", str(tmp_path / "index")])
    assert result.exit_code == 1
    assert "damaged" in result.output and "kb ingest" in result.output and "Traceback" not in result.output


def test_disk_full_during_ingest_keeps_the_previous_index(corpus_copy, tmp_path, embedder, monkeypatch):
    ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    before = _ranking(tmp_path / "index")
    (corpus_copy / "new.txt").write_text("新文章：营销与销售的协同。", "utf-8")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("kb.versions.fsync_tree", full)
    with pytest.raises(KbError, match="No space left on device.*previous index is unchanged"):
        ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    assert _ranking(tmp_path / "index") == before
    assert len([p for p in (tmp_path / "index").iterdir() if p.name.startswith("v-")]) == 1


def test_overlong_question_is_a_one_line_cli_error(tmp_path, embedder):
    ingest([CORPUS], tmp_path / "index", embedder=embedder)
    result = CliRunner().invoke(main, ["ask", "营销" * 6000, "--index", str(tmp_path / "index")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: the question is 12000 characters long") and result.output.count("\n") == 1


@pytest.mark.model
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_interrupted_ingest_leaves_the_previous_index_answering_identically(real_index, tmp_path, how):
    index = tmp_path / "index"
    shutil.copytree(real_index, index)
    before = _ranking(index, "hybrid")
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    for i in range(60):  # enough new text that embedding takes well over the wait below
        (corpus / f"extra{i}.txt").write_text(f"第{i}篇：" + "市场部负责品牌推广，销售部负责签单和回款。" * 40, "utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "kb", "ingest", str(corpus), "--index", str(index)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    _wait_for_line(process, "Embedding")  # imports done, embedding under way
    assert process.poll() is None, "ingest finished before it could be interrupted"
    process.send_signal(how)
    output = process.communicate(timeout=60)[0].decode(errors="replace")
    assert process.returncode != 0
    if how == signal.SIGINT:
        assert "Interrupted" in output and "Traceback" not in output
    assert _ranking(index, "hybrid") == before
    ingest([CORPUS], index)  # the next ingest cleans up whatever the killed one left
    assert [p.name for p in index.iterdir() if p.name.startswith("v-")] == [StoredIndex(index).dir.name]


def _wait_for_line(process: subprocess.Popen, needle: str, timeout: float = 120) -> None:
    """Read the process's output until a line holds `needle` (a progress label)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"process ended before printing {needle!r}")
        if needle.encode() in line:
            return
    raise AssertionError(f"no {needle!r} within {timeout} s")
