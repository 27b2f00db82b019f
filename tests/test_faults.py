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
from kb.errors import KbError
from kb.ingest.pipeline import ingest
from kb.interfaces.cli import main
from kb.stores.local import StoredIndex
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
    from kb.ingest import loaders

    vanishing = sorted(corpus_copy.glob("*.txt"))[1]
    real_find = loaders.find_files

    def find_files(*args, **kwargs):
        found = real_find(*args, **kwargs)
        vanishing.unlink()  # after it was found, before it is read
        return found

    monkeypatch.setattr(loaders, "find_files", find_files)
    report = ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    assert report.documents == 4
    assert [(Path(p).name, why) for p, why in report.skipped] == [
        (vanishing.name, "unreadable: No such file or directory")
    ]


def test_file_changed_during_ingest_is_indexed_as_read_and_updated_next_time(corpus_copy, tmp_path, embedder):
    target = sorted(corpus_copy.glob("*.txt"))[2]  # an article with no trailer to swallow the edit

    class EditingEmbedder(type(embedder)):
        def encode(self, texts, batch_size=32, on_batch=None):
            if not self.calls:  # the file is edited once, while the corpus it was read with is embedded
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

    monkeypatch.setattr("kb.stores.versions.fsync_tree", full)
    with pytest.raises(KbError, match="No space left on device.*previous index is unchanged"):
        ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    assert _ranking(tmp_path / "index") == before
    assert len([p for p in (tmp_path / "index").iterdir() if p.name.startswith("v-")]) == 1


def _sqlite_full(*args, **kwargs):
    import sqlite3

    raise sqlite3.OperationalError("database or disk is full")


def _faiss_full(*args, **kwargs):
    raise RuntimeError("Error in faiss::FileIOWriter::operator() ... 'ret == (n)' failed: write error")


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize(
    ("target", "failure"),
    [
        ("kb.stores.local.write_passage_db", _sqlite_full),
        ("faiss.write_index", _faiss_full),
        ("kb.stores.local.write_bm25_index", _disk_full),
        ("numpy.save", _disk_full),
    ],
    ids=["sqlite", "faiss", "bm25", "sentence-vectors"],
)
def test_a_full_disk_in_any_writer_is_one_line_and_keeps_the_previous_index(
    corpus_copy, tmp_path, embedder, monkeypatch, target, failure
):
    ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    before = _ranking(tmp_path / "index")
    (corpus_copy / "new.txt").write_text("新文章：营销与销售的协同。", "utf-8")
    monkeypatch.setattr(target, failure)
    with pytest.raises(KbError, match="previous index is unchanged") as error:
        ingest([corpus_copy], tmp_path / "index", embedder=embedder)
    assert "\n" not in str(error.value)
    monkeypatch.undo()
    assert _ranking(tmp_path / "index") == before
    assert len([p for p in (tmp_path / "index").iterdir() if p.name.startswith("v-")]) == 1


def test_an_index_or_study_folder_that_cannot_be_created_is_one_line(tmp_path, embedder):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", "utf-8")
    with pytest.raises(KbError, match="cannot write to index folder"):
        ingest([CORPUS], blocker / "index", embedder=embedder)
    from kb.study.export import write_study_guide
    from kb.study.guide import StudyGuide

    with pytest.raises(KbError, match="cannot write study files"):
        write_study_guide(StudyGuide("t", []), blocker / "study")


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
    # Enough new text that embedding takes well over the wait below: every sentence its own (a
    # repeated one is embedded once and reused, and the ingest could finish before the signal).
    for i in range(60):
        sentences = (f"第{i}篇第{j}句：市场部负责品牌推广，销售部负责签单和回款。" for j in range(40))
        (corpus / f"extra{i}.txt").write_text("".join(sentences), "utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "kb", "ingest", str(corpus), "--index", str(index)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=_as_from_a_terminal,
    )
    _wait_for_line(process, "Embedding")  # imports done, embedding under way
    assert process.poll() is None, "ingest finished before it could be interrupted"
    process.send_signal(how)
    output = process.communicate(timeout=60)[0].decode(errors="replace")
    assert process.returncode != 0, output
    if how == signal.SIGINT:
        assert "Interrupted" in output and "Traceback" not in output
    assert _ranking(index, "hybrid") == before
    ingest([CORPUS], index)  # the next ingest cleans up whatever the killed one left
    assert [p.name for p in index.iterdir() if p.name.startswith("v-")] == [StoredIndex(index).dir.name]


def _as_from_a_terminal() -> None:
    """Ctrl-C as a shell delivers it: the child inherits blocked or ignored signals, and an earlier
    test in the same pytest process left SIGINT so (in a full run the ingest ran on through the
    signal and exited 0)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


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


INDEX_FILES = [
    "passages.sqlite",
    "dense.faiss",
    "sentences.npy",
    "profile.toml",
    "bm25/data.csc.index.npy",
    "bm25/indices.csc.index.npy",
    "bm25/indptr.csc.index.npy",
    "bm25/vocab.index.json",
    "bm25/params.index.json",
]


def _flip_a_bit(path: Path, where: float = 0.5) -> None:
    data = bytearray(path.read_bytes())
    data[int(len(data) * where)] ^= 0x04
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("victim", INDEX_FILES)
@pytest.mark.parametrize("asked_before", [False, True], ids=["fresh", "after-a-verified-ask"])
def test_one_flipped_bit_in_any_index_file_is_an_error_not_a_changed_answer(tmp_path, embedder, victim, asked_before):
    ingest([CORPUS], tmp_path / "index", embedder=embedder)
    assert set(StoredIndex(tmp_path / "index").manifest.files) == set(INDEX_FILES)  # every file is tried
    if asked_before:  # this machine has already found the files intact once
        assert KnowledgeBase.open(tmp_path / "index", embedder=embedder).ask("营销和销售的区别").found
    _flip_a_bit(StoredIndex(tmp_path / "index").dir / victim)
    with pytest.raises(KbError, match=f"damaged .*{victim}"):
        KnowledgeBase.open(tmp_path / "index", embedder=embedder).ask("营销和销售的区别")


def test_a_flipped_bit_reaches_the_command_line_as_one_line(tmp_path, embedder):
    ingest([CORPUS], tmp_path / "index", embedder=embedder)
    _flip_a_bit(StoredIndex(tmp_path / "index").dir / "passages.sqlite")
    result = CliRunner().invoke(main, ["ask", "营销和销售的区别", "--mode", "bm25", "--index", str(tmp_path / "index")])
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "damaged (passages.sqlite fails its checksum)" in result.output


@pytest.mark.parametrize(
    "edit",
    [
        lambda m: m.update(counts={}),
        lambda m: m.update(files={}),
        lambda m: m["counts"].update(passages=0),
        lambda m: m.pop("model"),
        lambda m: m.update(sources=[]),
    ],
    ids=["counts-emptied", "files-emptied", "no-passages", "no-model", "sources-a-list"],
)
def test_an_edited_manifest_is_an_error(tmp_path, embedder, edit):
    import json

    ingest([CORPUS], tmp_path / "index", embedder=embedder)
    path = StoredIndex(tmp_path / "index").dir / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    edit(manifest)
    path.write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(KbError, match="damaged \\(manifest.json"):
        StoredIndex(tmp_path / "index")
    result = CliRunner().invoke(main, ["info", "--verify", "--index", str(tmp_path / "index")])
    assert result.exit_code == 1 and "damaged" in result.output and "match" not in result.output


def test_readers_never_see_a_damaged_index_while_ingests_replace_it(tmp_path, embedder):
    """Readers open and ask in a loop while one ingest after another replaces the index, and
    a slower ingest reads the old version's vectors meanwhile: no reader ever fails."""
    import threading

    from tests.helpers import Workers

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    ingest([corpus], index, embedder=embedder)
    done = threading.Event()
    answers = 0

    def read() -> None:  # any exception, a KbError or an assertion, fails the test (Workers.join)
        nonlocal answers
        while not done.is_set():
            with KnowledgeBase.open(index, embedder=embedder) as kb:
                assert kb.ask("营销和销售的区别").found
            answers += 1

    readers = Workers(read, 3).start()
    try:
        for round_ in range(8):  # each round changes one file: a new version, the old one retired
            (corpus / "extra.txt").write_text(f"第{round_}轮：渠道冲突需要市场部协调。", "utf-8")
            ingest([corpus], index, embedder=embedder)
    finally:
        done.set()
        readers.join(timeout=60)
    assert answers > 0
    ingest([CORPUS], index, embedder=embedder)  # with no reader left, the retired versions go
    assert [p.name for p in index.iterdir() if p.name.startswith("v-")] == [StoredIndex(index).dir.name]


def test_a_slow_ingest_keeps_the_version_it_reads_from(tmp_path, embedder):
    """A second ingest opened the old version (to reuse its vectors) before a first one
    replaced it: it still reads that version's vectors, then writes its own."""
    from kb.stores.local import StoredIndex as Index

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    ingest([corpus], index, embedder=embedder)
    slow_reader = Index(index)  # what the slow ingest holds while it embeds
    (corpus / "extra.txt").write_text("渠道冲突需要市场部协调。", "utf-8")
    ingest([corpus], index, embedder=embedder)  # the fast one replaces the version
    assert not slow_reader.is_live()
    assert len(slow_reader.vectors_by_hash()) == slow_reader.passage_count  # files still there
    slow_reader.close()
    again = ingest([corpus], index, embedder=embedder)
    assert again.embedded == 0


def _odd_corpus(tmp_path: Path) -> Path:
    """One good article among the things a shared folder can hold besides articles."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(sorted(CORPUS.glob("*.txt"))[0], corpus / "good.txt")
    outside = tmp_path / "outside.txt"
    outside.write_text("机密：这份文件不在语料库里。", "utf-8")
    (corpus / "leak.txt").symlink_to(outside)
    (corpus / "loop.txt").symlink_to("loop.txt")
    (corpus / "a.txt").symlink_to("b.txt")
    (corpus / "b.txt").symlink_to("a.txt")
    (corpus / "gone.txt").symlink_to("nowhere.txt")
    (corpus / "inside.txt").symlink_to("good.txt")
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "folder_link").symlink_to(tmp_path)
    (corpus / "locked").mkdir()
    (corpus / "locked" / "x.txt").write_text("锁住的文件夹里的文章。", "utf-8")
    with open(os.fsencode(corpus) + b"/bad\xffname.txt", "wb") as handle:
        handle.write("名字不是UTF-8的文件。".encode())
    return corpus


def test_links_pipes_loops_odd_names_and_locked_folders_are_named_and_the_rest_goes_in(tmp_path, embedder, monkeypatch):
    corpus = _odd_corpus(tmp_path)
    real_scandir = os.scandir

    def scandir(path="."):  # a folder this user may not read (tests may run as root)
        if os.fspath(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = ingest([corpus], tmp_path / "index", embedder=embedder)  # never hangs on the pipe
    reasons = {Path(path).name: reason for path, reason in report.skipped}
    assert reasons["leak.txt"].startswith("link leads outside the corpus") and "--follow-links" in reasons["leak.txt"]
    assert reasons["loop.txt"] == reasons["a.txt"] == reasons["b.txt"] == "symbolic link loop"
    assert reasons["gone.txt"].startswith("broken symbolic link")
    assert reasons["pipe.txt"].startswith("not a regular file")
    assert reasons["folder_link"].startswith("link to a folder")
    assert reasons["locked"].startswith("unreadable folder")
    assert reasons["bad\\xffname.txt"].startswith("file name is not valid UTF-8")
    texts = "".join(p.text for p in StoredIndex(tmp_path / "index").passages())
    assert "机密" not in texts and "锁住" not in texts
    sources = {p.source for p in StoredIndex(tmp_path / "index").passages()}
    assert {Path(s).name for s in sources} == {"good.txt", "inside.txt"}  # a link inside the corpus is fine


def test_follow_links_indexes_what_a_link_leads_to(tmp_path, embedder):
    corpus = _odd_corpus(tmp_path)
    for name in ("pipe.txt", "loop.txt", "a.txt", "b.txt"):
        (corpus / name).unlink()
    ingest([corpus], tmp_path / "index", embedder=embedder, follow_links=True)
    assert any("机密" in p.text for p in StoredIndex(tmp_path / "index").passages())


@pytest.mark.model
def test_the_cli_warns_about_each_odd_file_and_counts_them(tmp_path):
    corpus = _odd_corpus(tmp_path)
    result = CliRunner().invoke(main, ["ingest", str(corpus), "--index", str(tmp_path / "index")])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("Warning: skipped")]
    assert len(warnings) == 8 and "Skipped 8 files" in result.output  # "locked" is readable here
    assert "Indexed 3 documents" in result.output and "Traceback" not in result.output
