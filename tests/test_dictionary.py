"""The part of speech of kb's general dictionary's words: what tells grammar from names."""

import pytest

from kb.language.dictionary import dictionary_tag, is_grammar


@pytest.mark.parametrize(
    ("word", "tag"),
    [("一", "m"), ("只有", "c"), ("关系", "n"), ("营销", "vn"), ("不存在的词", None), ("", None), ("关 系", None)],
)
def test_a_word_s_tag_is_the_dictionary_s(word, tag):
    assert dictionary_tag(word) == tag


def test_grammar_is_what_ties_words_together():
    assert is_grammar("只有") and is_grammar("可以") and is_grammar("之间") and is_grammar("一")
    assert not is_grammar("关系") and not is_grammar("营销") and not is_grammar("销售漏斗")  # not in it: a name
