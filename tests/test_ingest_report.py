"""What ingest tells while it runs (issue 22.3, 23.2): each skipped or suspect file when it is
met, lock and temporary files left out quietly and counted, and how much of each document
cleaning removed, with a warning when that is a large share."""

from pathlib import Path

import kb.loaders
from kb.ingest import ingest
from kb.store import StoredIndex

ARTICLE = "营销是一个系统，而销售只是营销的一部分。市场营销包括市场调研、市场推广和品牌策划。\n"


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    return corpus


def test_a_skipped_file_is_told_when_it_is_met_not_at_the_end(tmp_path, embedder, monkeypatch):
    corpus = _corpus(tmp_path)
    (corpus / "a_broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (corpus / "b_good.txt").write_text(ARTICLE, "utf-8")
    events: list[str] = []
    read = kb.loaders.load_file

    def load_file(found, *args):
        events.append(f"read {found.path.name}")
        return read(found, *args)

    monkeypatch.setattr(kb.loaders, "load_file", load_file)
    report = ingest([corpus], tmp_path / "index", embedder=embedder, warn=lambda line: events.append(line))
    assert events[0] == "read a_broken.docx"
    assert events[1].startswith("skipped ") and "a_broken.docx: damaged" in events[1]
    assert events[2] == "read b_good.txt"
    assert [Path(path).name for path, _ in report.skipped] == ["a_broken.docx"]


def test_lock_and_temporary_files_are_left_out_quietly_and_counted(tmp_path, embedder):
    corpus = _corpus(tmp_path)
    (corpus / "讲义.txt").write_text(ARTICLE, "utf-8")
    (corpus / "~$任务5.docx").write_bytes(b"\x00" * 162)  # Word's owner file: not a zip
    (corpus / ".~lock.讲义.txt#").write_text("王老师,pc,/home,01.12.2026 14:00;", "utf-8")
    (corpus / "导出.tmp").write_bytes(b"\x00\x01")
    (corpus / ".讲义.md.swp").write_bytes(b"b0VIM 8.2")
    warned: list[str] = []
    report = ingest([corpus], tmp_path / "index", embedder=embedder, warn=warned.append)
    assert report.documents == 1 and report.skipped == [] and warned == []
    assert report.temporary == 4


def test_a_disclaimer_on_the_first_line_keeps_its_document(tmp_path, embedder):
    corpus = _corpus(tmp_path)
    for name in ("a", "b", "c"):
        (corpus / f"{name}.txt").write_text(ARTICLE, "utf-8")
    (corpus / "d.txt").write_text("免责声明：本文内容仅供学习参考。\n销售是把产品卖好，营销是让产品好卖。\n", "utf-8")
    report = ingest([corpus], tmp_path / "index", embedder=embedder)
    assert report.documents == 4 and report.suspect == []
    texts = {d.doc_id: d.text for d in StoredIndex(tmp_path / "index").documents()}
    assert texts["d"] == "免责声明：本文内容仅供学习参考。\n销售是把产品卖好，营销是让产品好卖。"


def test_cleaning_that_removes_much_of_a_document_is_reported_and_named(tmp_path, embedder):
    corpus = _corpus(tmp_path)
    (corpus / "article.txt").write_text(ARTICLE, "utf-8")
    links = "".join(f"第{n}篇相关文章的标题 2024.01.{n:02d}\n" for n in range(1, 9))
    (corpus / "page.txt").write_text(f"{ARTICLE}相关阅读\n{links}", "utf-8")
    (corpus / "links.txt").write_text(f"相关阅读\n{links}", "utf-8")
    warned: list[str] = []
    report = ingest([corpus], tmp_path / "index", embedder=embedder, warn=warned.append)
    by_name = {Path(source).name: counts for source, counts in report.removed.items()}
    assert by_name["article.txt"][0] == 0
    removed, visible = by_name["page.txt"]
    assert removed == len("相关阅读" + links.replace("\n", "").replace(" ", "")) and removed > 0.3 * visible
    named = {Path(source).name: message for source, message in report.suspect}
    assert set(named) == {"page.txt", "links.txt"}
    assert "cleaning removed" in named["page.txt"] and "all its text" in named["links.txt"]
    assert len(warned) == 2 and all("page.txt" in w or "links.txt" in w for w in warned)
    assert report.documents == 2  # links.txt had nothing left, and says so
