"""Reliability, round three (issue 23, items 1, 3 and 5): kb reads only the files it found, indexes
only text that reads as text, and refuses profile values of the wrong type or range, each with a
one-line reason naming the file (and the page or key)."""

from __future__ import annotations

import math
import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb import KbError, KnowledgeBase, Profile
from kb.ingest import loaders
from kb.ingest.pipeline import ingest
from kb.interfaces.cli import main
from kb.profile import default_profile
from kb.stores.local import StoredIndex
from tests import documents
from tests.conftest import CORPUS
from tests.helpers import write_corpus

ARTICLE = "营销和销售的区别：营销是一个系统，关注长期的品牌和客户需求；而销售只是营销的一部分，关注短期业绩。\n"
PASSWD = "".join(
    f"{name}:x:{uid}:{uid}:{name}:/home/{name}:/bin/bash\n" for uid, name in enumerate(["root", "daemon", "bin", "sys"])
)
ENGLISH = "Marketing creates demand over the long term, while sales converts that demand into revenue this quarter.\n"


def _indexed_text(index_dir: Path) -> str:
    return "\n".join(passage.text for passage in StoredIndex(index_dir).passages())


def _swap_after_discovery(monkeypatch, victim: Path, swap) -> None:
    """Replace `victim` right after kb found the corpus files and before it reads them."""
    real_find = loaders.find_files

    def find_files(*args, **kwargs):
        found = real_find(*args, **kwargs)
        victim.unlink()
        swap(victim)
        return found

    monkeypatch.setattr(loaders, "find_files", find_files)


# --- 1. a file swapped after discovery; data that is not text -----------------------------------


def test_a_file_swapped_for_a_link_after_discovery_is_not_read(tmp_path, embedder, monkeypatch):
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_text("营销秘密：" + PASSWD, "utf-8")  # Chinese enough to pass any text check
    corpus = write_corpus(tmp_path, {"a.txt": ARTICLE, "b.txt": ARTICLE.replace("营销", "市场")})
    _swap_after_discovery(monkeypatch, corpus / "b.txt", lambda path: path.symlink_to(secret))
    report = ingest([corpus], tmp_path / "index", embedder=embedder)
    assert report.documents == 1
    assert [(Path(p).name, why) for p, why in report.skipped] == [
        ("b.txt", "replaced by a symbolic link after it was found: not read")
    ]
    assert "root:x:0:0" not in _indexed_text(tmp_path / "index")


def test_a_file_swapped_for_another_file_after_discovery_is_not_read(tmp_path, embedder, monkeypatch):
    corpus = write_corpus(tmp_path, {"a.txt": ARTICLE, "b.txt": ARTICLE})
    intruder = tmp_path / "intruder.txt"
    intruder.write_text("营销秘密：" + PASSWD, "utf-8")
    _swap_after_discovery(monkeypatch, corpus / "b.txt", lambda path: os.link(intruder, path))
    report = ingest([corpus], tmp_path / "index", embedder=embedder)
    assert report.documents == 1 and "replaced by another file" in report.skipped[0][1]
    assert "root:x:0:0" not in _indexed_text(tmp_path / "index")


def test_a_file_swapped_for_a_pipe_after_discovery_does_not_block_ingest(tmp_path, embedder, monkeypatch):
    corpus = write_corpus(tmp_path, {"a.txt": ARTICLE, "b.txt": ARTICLE})
    _swap_after_discovery(monkeypatch, corpus / "b.txt", os.mkfifo)
    reports = []
    worker = threading.Thread(
        target=lambda: reports.append(ingest([corpus], tmp_path / "index", embedder=embedder)), daemon=True
    )
    worker.start()
    worker.join(timeout=30)
    if worker.is_alive():  # release the blocked reader so the thread can end
        os.close(os.open(corpus / "b.txt", os.O_WRONLY | os.O_NONBLOCK))
    assert reports, "ingest blocked on a pipe put in a corpus file's place"
    assert reports[0].documents == 1 and "replaced by a pipe" in reports[0].skipped[0][1]


def test_data_with_no_chinese_and_no_prose_is_skipped_and_english_prose_goes_in_with_a_note(tmp_path, embedder):
    corpus = write_corpus(tmp_path, {"article.txt": ARTICLE, "passwd.txt": PASSWD, "notes.md": ENGLISH})
    report = ingest([corpus], tmp_path / "index", embedder=embedder)
    assert report.documents == 2
    assert [(Path(p).name, why.split(" (")[0]) for p, why in report.skipped] == [
        ("passwd.txt", "no Chinese and no prose")
    ]
    assert [(Path(p).name, note) for p, note in report.notes] == [
        ("notes.md", "no Chinese text: indexed as text in another language")
    ]
    text = _indexed_text(tmp_path / "index")
    assert "root:x:0:0" not in text and "Marketing creates demand" in text and "营销是一个系统" in text


@pytest.mark.model
def test_the_cli_names_skipped_data_and_notes_english_prose(tmp_path):
    corpus = write_corpus(tmp_path, {"article.txt": ARTICLE, "passwd.txt": PASSWD, "notes.md": ENGLISH})
    result = CliRunner().invoke(main, ["ingest", str(corpus), "--index", str(tmp_path / "index")])
    assert result.exit_code == 0, result.output
    assert "Warning: skipped " in result.output and "passwd.txt: no Chinese and no prose" in result.output
    assert "Note: " in result.output and "notes.md: no Chinese text" in result.output


# --- 5. profile values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[answerable]\nmin_coverage = nan\n", "answerable.min_coverage: Input should be a finite number"),
        ("[retrieval]\nsynonym_weight = nan\n", "retrieval.synonym_weight: Input should be a finite number"),
        ("[retrieval]\nsynonym_weight = inf\n", "retrieval.synonym_weight: Input should be a finite number"),
        ("[retrieval]\nsynonym_weight = true\n", "retrieval.synonym_weight: Input should be a valid number"),
        ("[answerable]\nmin_coverage = 3.0\n", "answerable.min_coverage: Input should be less than or equal to 1"),
        ('[[cleaning.inline]]\nname = "x"\npattern = "a"\nreplace = 5\n', "cleaning.inline[0].replace"),
        ('[[cleaning.inline]]\nname = "x"\npattern = "mdash;"\nreplace = "@html"\n', "needs a group in the pattern"),
        ('[answerable.dense]\n"e5-small" = "abc"\n', "answerable.dense.e5-small: Input should be a valid number"),
        ("[retrieval]\nsynonym_weight = " + "7" * 5000 + "\n", "not valid TOML (Exceeds the limit"),
        ('[vocabulary]\nwords = ["市场 ' + "9" * 5000 + ' n"]\n', "vocabulary.words[0]"),
        ("title = " + "[" * 100_000 + "]" * 100_000 + "\n", "nested too deeply"),
        ("title = 5\n", "title: Input should be a valid string"),
        ("examples = [" + ", ".join(f'"问题{n}"' for n in range(11)) + "]\n", "examples: List should have at most 10"),
        ("extends = 1\n", "extends: Input should be a valid boolean"),
    ],
)
def test_a_profile_value_of_the_wrong_type_or_range_is_one_line_naming_the_file_and_key(text, needle):
    with pytest.raises(KbError) as error:
        Profile.from_toml(text, "corpus/kb.toml")
    message = str(error.value)
    assert message.startswith("profile corpus/kb.toml") and needle in message and "\n" not in message
    assert len(message) < 400


def test_ingest_refuses_a_corpus_kb_toml_with_nan_and_builds_nothing(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE, "utf-8")
    (corpus / "kb.toml").write_text("[answerable]\nmin_coverage = nan\n", "utf-8")
    result = CliRunner().invoke(main, ["ingest", str(corpus), "--index", str(tmp_path / "index")])
    assert result.exit_code == 1
    assert "kb.toml: answerable.min_coverage" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "index").exists()


def test_an_index_whose_stored_profile_holds_nan_is_refused_when_opened(tmp_path, embedder, monkeypatch):
    """An index an older kb built with `min_coverage = nan` (its checksums intact: that kb
    checked no profile) is refused when opened, naming the key, instead of refusing every question."""
    bad = dict(default_profile().data, answerable={"min_coverage": math.nan})
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE, "utf-8")
    with monkeypatch.context() as older_kb:
        older_kb.setattr("kb.profile.problem", lambda data: None)
        ingest([corpus], tmp_path / "index", embedder=embedder, profile=Profile(bad, "old/kb.toml"))
    with pytest.raises(KbError, match=r"answerable\.min_coverage: Input should be a finite number"):
        KnowledgeBase.open(tmp_path / "index", embedder=embedder)


def test_ingest_refuses_a_profile_object_holding_nan_and_keeps_the_index_it_had(tmp_path, embedder):
    """A Profile made in Python skips the checks of a kb.toml; the ingest reads the profile back
    as a question will, so it fails there, naming the key, and the index built before stays."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE, "utf-8")
    ingest([corpus], tmp_path / "index", embedder=embedder)
    before = sorted(p.name for p in (tmp_path / "index").iterdir())
    (corpus / "b.txt").write_text(ARTICLE.replace("营销", "推销"), "utf-8")
    bad = dict(default_profile().data, answerable={"min_coverage": math.nan})
    with pytest.raises(KbError, match=r"answerable\.min_coverage: Input should be a finite number"):
        ingest([corpus], tmp_path / "index", embedder=embedder, profile=Profile(bad, "made/in/python"))
    assert sorted(p.name for p in (tmp_path / "index").iterdir()) == before
    assert KnowledgeBase.open(tmp_path / "index", embedder=embedder).ask("营销是什么").found


def test_title_and_examples_are_kept_with_the_index_and_not_inherited(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE, "utf-8")
    profile_text = 'title = "营销与销售"\nexamples = ["营销和销售的区别", "什么是销售漏斗"]\n'
    (corpus / "kb.toml").write_text(profile_text, "utf-8")
    ingest([corpus], tmp_path / "index", embedder=embedder)
    profile = KnowledgeBase.open(tmp_path / "index", embedder=embedder).profile
    assert profile.title == "营销与销售" and profile.examples == ("营销和销售的区别", "什么是销售漏斗")
    assert default_profile().title is None and default_profile().examples == ()


# --- 3. garbage indexed as text ----------------------------------------------------------------


def _mojibake(text: str) -> str:
    """UTF-8 bytes read as Windows-1252, as a browser does (Latin-1 for the bytes it leaves undefined)."""
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


def test_epub_chapters_without_a_declaration_are_read_as_utf8(tmp_path, embedder):
    lines = documents.article_lines(sorted(CORPUS.glob("*.txt"))[0])
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    documents.write_epub(lines, corpus / "book.epub", declaration=False)
    report = ingest([corpus], tmp_path / "index", embedder=embedder)
    assert report.documents == 1 and not report.skipped
    text = _indexed_text(tmp_path / "index")
    assert lines[3][:8] in text and "è" not in text


def test_a_pdf_page_whose_font_has_no_unicode_map_is_skipped_naming_the_page(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pages = [
        (ARTICLE.strip(), True),
        ("客户关系管理是销售团队的日常工作，需要长期投入。" * 3, False),
        ("销售漏斗描述了客户从认识到购买的过程。", True),
    ]
    documents.write_cid_pdf(pages, corpus / "handout.pdf")
    report = ingest([corpus], tmp_path / "index", embedder=embedder)
    assert report.documents == 1
    assert len(report.skipped) == 1 and report.skipped[0][0].endswith("handout.pdf p.2")
    assert "glyphs without a Unicode mapping" in report.skipped[0][1]
    text = _indexed_text(tmp_path / "index")
    assert "(cid:" not in text and "营销是一个系统" in text and "销售漏斗描述了" in text
    cited = KnowledgeBase.open(tmp_path / "index", embedder=embedder).search("销售漏斗描述了客户", k=1, mode="bm25")[0]
    assert cited.passage.cited_as().endswith("handout.pdf pp.1–3")  # pages keep their own numbers


def test_a_pdf_with_no_mapped_page_is_skipped_with_the_reason(tmp_path, embedder):
    corpus = write_corpus(tmp_path, {"a.txt": ARTICLE})
    documents.write_cid_pdf([(ARTICLE.strip(), False)], corpus / "scan.pdf")
    report = ingest([corpus], tmp_path / "index", embedder=embedder)
    assert report.documents == 1
    assert [Path(p).name for p, _ in report.skipped] == ["scan.pdf"] and "(cid:N)" in report.skipped[0][1]


@pytest.mark.parametrize("kind", ["docx", "pptx", "html", "epub"])
def test_mojibake_from_any_format_is_skipped_naming_the_file(tmp_path, embedder, kind):
    lines = [_mojibake(line) for line in documents.article_lines(sorted(CORPUS.glob("*.txt"))[0])[:12]]
    corpus = write_corpus(tmp_path, {"a.txt": ARTICLE})
    writer = {"docx": documents.write_docx, "pptx": documents.write_pptx, "html": documents.write_html}
    writer.get(kind, documents.write_epub)(lines, corpus / f"garbled.{kind}")
    report = ingest([corpus], tmp_path / "index", embedder=embedder)
    assert report.documents == 1, report.skipped
    names = [Path(p.split(" ")[0]).name for p, _ in report.skipped]
    assert f"garbled.{kind}" in names and any("mojibake" in why for _, why in report.skipped)
    assert "è" not in _indexed_text(tmp_path / "index")


def test_symbol_font_bullets_and_code_heavy_chinese_handouts_go_in_whole(tmp_path, embedder):
    """What real course files hold must not be judged garbage: decks exported with Wingdings
    bullets (private-use characters, 15 % of a slide's characters) and homework that is mostly
    SQL around a few Chinese sentences."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    bullets = [
        "小结",
        "\uf076关系数据结构",
        "\uf06e 关系",
        "\uf06c 域",
        "\uf06c 笛卡尔积",
        "\uf0d8 候选码，主码，主属性",
    ]
    documents.write_pptx(bullets * 2, corpus / "deck.pptx")
    sql = "\n".join(f"SELECT S.*, T.E FROM S, T WHERE S.C = T.C AND S.D = {n};" for n in range(40))
    (corpus / "homework.txt").write_text(
        "数据库技术作业：写出与下列查询等价的SQL表达式，并说明每个连接条件的含义。\n" + sql, "utf-8"
    )
    report = ingest([corpus], tmp_path / "index", embedder=embedder)
    assert report.documents == 2 and not report.skipped and not report.notes
    assert "候选码，主码，主属性" in _indexed_text(tmp_path / "index")
