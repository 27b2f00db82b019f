"""What a cold `kb ask` loads once per process, kept in kb's cache: jieba's prefix dictionary in
a form that loads fast, and the profiles already seen to pass the schema."""

from __future__ import annotations

import math
from importlib import resources

import jieba
import pytest

import kb.profile_schema
from kb.language.jieba_cache import load_prefix_dictionary
from kb.language.text import GENERAL_DICTIONARY
from kb.profile import default_profile
from kb.profile_check import problem

QUESTION = "市场营销和销售漏斗有什么区别？客户关系管理系统怎么用"


@pytest.fixture
def dictionary():
    with resources.as_file(resources.files("kb").joinpath("data", GENERAL_DICTIONARY)) as path:
        yield path


def test_the_cached_prefix_dictionary_is_jiebas_own_and_segments_alike(tmp_path, monkeypatch, dictionary):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    own = jieba.Tokenizer(str(dictionary))
    own.initialize()
    first = jieba.Tokenizer(str(dictionary))
    load_prefix_dictionary(first, dictionary)  # builds the cache from jieba's own
    cached = jieba.Tokenizer(str(dictionary))
    load_prefix_dictionary(cached, dictionary)  # reads it
    assert list((tmp_path / "kb" / "jieba").glob("prefix-*.npz"))
    assert cached.initialized and cached.total == own.total and cached.FREQ == own.FREQ
    assert cached.lcut_for_search(QUESTION) == own.lcut_for_search(QUESTION)


def test_an_unreadable_cache_file_is_rebuilt_not_an_error(tmp_path, monkeypatch, dictionary):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    load_prefix_dictionary(jieba.Tokenizer(str(dictionary)), dictionary)
    (cache_file,) = (tmp_path / "kb" / "jieba").glob("prefix-*.npz")
    cache_file.write_bytes(cache_file.read_bytes()[: cache_file.stat().st_size // 2])  # a disk filled mid-write
    tokenizer = jieba.Tokenizer(str(dictionary))
    load_prefix_dictionary(tokenizer, dictionary)
    assert tokenizer.lcut(QUESTION) == jieba.Tokenizer(str(dictionary)).lcut(QUESTION)
    reread = jieba.Tokenizer(str(dictionary))
    load_prefix_dictionary(reread, dictionary)
    assert reread.FREQ == tokenizer.FREQ  # the cache was written whole again


def test_a_profile_that_passed_is_not_checked_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    data = dict(default_profile().data)
    assert problem(data) is None

    def schema_problem(raw):
        raise AssertionError("checked again")

    monkeypatch.setattr(kb.profile_schema, "problem", schema_problem)
    assert problem(data) is None
    with pytest.raises(AssertionError):  # other data is checked
        problem(dict(data, title="新的标题"))


def test_a_profile_that_failed_is_refused_every_time(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    bad = dict(default_profile().data, answerable={"min_coverage": math.nan})
    for _ in range(2):
        assert "answerable.min_coverage: Input should be a finite number" in (problem(bad) or "")
    assert problem(dict(default_profile().data, answerable={"min_coverage": 1})) is None
    assert "Input should be a valid number" in (problem(dict(bad, answerable={"min_coverage": True})) or "")
