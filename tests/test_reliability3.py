"""Reliability, round three (issue 23, items 1, 3 and 5): kb reads only the files it found, indexes
only text that reads as text, and refuses profile values of the wrong type or range, each with a
one-line reason naming the file (and the page or key)."""

from __future__ import annotations

import math

import pytest
from click.testing import CliRunner

from kb import KbError, KnowledgeBase, Profile
from kb.cli import main
from kb.ingest import ingest
from kb.profile import default_profile

ARTICLE = "营销和销售的区别：营销是一个系统，关注长期的品牌和客户需求；而销售只是营销的一部分，关注短期业绩。\n"


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


def test_an_index_whose_stored_profile_holds_nan_is_refused_when_opened(tmp_path, embedder):
    """An index an older kb built with `min_coverage = nan` (its checksums intact) is refused
    when opened, naming the key, instead of refusing every question."""
    bad = dict(default_profile().data, answerable={"min_coverage": math.nan})
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE, "utf-8")
    ingest([corpus], tmp_path / "index", embedder=embedder, profile=Profile(bad, "old/kb.toml"))
    with pytest.raises(KbError, match=r"answerable\.min_coverage: Input should be a finite number"):
        KnowledgeBase.open(tmp_path / "index", embedder=embedder)


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
