"""Cleaning, checked against the real seed articles."""

import re

import numpy as np
import pytest

from kb.ingest.clean import apply_edits, clean, removed_chars
from kb.profile import default_profile
from tests.conftest import CORPUS

SEED_FILES = sorted(CORPUS.glob("*.txt"))
# Every kind of debris the seed articles carry, as it appears in the raw files.
DEBRIS = {
    "pinyin gloss": re.compile(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+\)"),
    "bare entity": re.compile(r"mdash;|nbsp;"),
    "editor marker": re.compile(r"【/s2/】|\[S2/\]", re.I),
    "doc-site header": re.compile(r"^- (格式|大小|文档页数)", re.M),
    "copyright notice": re.compile(r"版權聲明|版权声明|免责声明|免責聲明"),
    "related reading": re.compile(r"擴展閱讀|扩展阅读"),
    "related-article byline": re.compile(r"作者:\S+詳情"),
    "hot-article list": re.compile(r"^- ?\d+\S", re.M),
    "watermark": re.compile(r"www\.daowen\.com"),
    "comment notice": re.compile(r"Comments are closed"),
    "html tag remnant": re.compile(r"br />"),
}

RULES = default_profile().cleaning_rules


def test_seed_files_carry_the_debris_the_rules_target():
    raw = "".join(p.read_text("utf-8") for p in SEED_FILES)
    missing = [name for name, pattern in DEBRIS.items() if not pattern.search(raw)]
    assert missing == []


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_no_debris_survives_cleaning(path):
    cleaned = clean(path.read_text("utf-8"), RULES).text
    found = {name: pattern.search(cleaned).group() for name, pattern in DEBRIS.items() if pattern.search(cleaned)}
    assert found == {}


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_origin_map_points_back_to_the_same_characters(path):
    raw = path.read_text("utf-8")
    result = clean(raw, RULES)
    assert len(result.origin) == len(result.text) + 1
    assert np.all(np.diff(result.origin) >= 0), "origin must be monotonic"
    # Only width/punctuation normalisation and entity replacements change characters.
    for i, char in enumerate(result.text):
        if char == raw[result.origin[i]]:
            continue
        assert char in "，：；？！（）—  " or raw[result.origin[i]] in ",:;?!()m", (i, char, raw[result.origin[i]])


def test_pinyin_glosses_are_removed_and_characters_kept():
    text = clean("市場營銷與銷售的區(qū)別和關(guān)系", RULES).text
    assert text == "市場營銷與銷售的區別和關系"


def test_bare_entities_become_characters():
    assert clean("政治部mdash;mdash;市场定位", RULES).text == "政治部——市场定位"


def test_article_text_is_kept_while_trailer_is_dropped():
    raw = (CORPUS / SEED_FILES[0].name).read_text("utf-8")
    cleaned = clean(raw, RULES).text
    assert "銷售漏斗的角度來看" in cleaned
    assert cleaned.endswith("因為大多數企業都非常重視銷售。")


def test_content_sentences_survive_in_every_seed_file():
    expected = {
        "02": "营销是一个系统，而销售只是营销的一部分。",
        "03": "营销就是把用户“拉”到产品上。",
        "04": "营销是将您的产品或服务摆在最有可能购买产品的人们面前的过程。",
        "05": "市场营销是一个系统，而销售只是营销的一部分。",
    }
    for path in SEED_FILES:
        prefix = path.name[:2]
        if prefix in expected:
            assert expected[prefix] in clean(path.read_text("utf-8"), RULES).text


def test_ascii_punctuation_inside_chinese_becomes_full_width_one_for_one():
    result = clean("销售人员有义务,将市场状况反馈给市场部?version 1.2, ok", RULES)
    assert result.text == "销售人员有义务，将市场状况反馈给市场部？version 1.2, ok"
    assert len(result.origin) == len(result.text) + 1


def test_apply_edits_composes_offsets():
    text, origin = apply_edits("abcdef", np.arange(7), [(1, 3, ""), (4, 5, "XY")])
    assert text == "adXYf"
    assert list(origin) == [0, 3, 4, 4, 5, 6]


def test_script_and_style_bodies_of_a_saved_web_page_are_removed():
    raw = (
        '<html><head><style type="text/css">p { color: red }</style>\n'
        "<script>var tracker = '营销' < 1; window.load();</script></head>\n"
        "<body><p>营销是一个系统。</p><SCRIPT src=x.js></SCRIPT>\n<p>销售是其中一部分。</p>\n"
        "<script>document.write('never closed')\n"
    )
    text = clean(raw, RULES).text
    assert "营销是一个系统。" in text and "销售是其中一部分。" in text
    for leftover in ("color", "tracker", "window", "never closed", "<", ">"):
        assert leftover not in text


# Content that looks like markup or boilerplate but is the document's text (issue 22.1, 23.2).
PROSE_WITH_BRACKETS = [
    "泛型可以定义 List<Integer>，不可以定义 List<int>。",
    "Map<K, V> 的键不能重复，HashMap<String, List<B>> 也一样。",
    "MyBatis 用 <resultMap> 描述映射，再在 <select> 里引用它。",
    "需要在网页中加入<script>统计代码，然后再发布页面。",
    "调用main()方法即可启动程序，再用System.out.println(x)打印结果。",
]


@pytest.mark.parametrize("sentence", PROSE_WITH_BRACKETS)
def test_generics_and_tags_named_in_prose_are_kept_verbatim(sentence):
    raw = f"第一段。\n{sentence}\n最后一段，到此为止。"
    assert clean(raw, RULES).text == raw


def test_html_markup_is_still_removed_around_content():
    raw = '<div class="post"><p>营销是一个系统。</p><br>\n<a href="/x">销售</a>是其中一部分。<br/></div>'
    assert clean(raw, RULES).text == "营销是一个系统。\n销售是其中一部分。"


def test_fenced_and_indented_code_is_kept_verbatim():
    code = "for (int i = 0; i < n; i++) {\n    list.add(i);  // 加入\n}\nMap<K, V> map = new HashMap<>();"
    indented = '    public static void main(String[] args) {\n        System.out.println("你好,世界");\n    }'
    raw = f"示例如下:\n\n```java\n{code}\n```\n\n再看一个:\n\n{indented}\n\n结束。"
    text = clean(raw, RULES).text
    assert f"```java\n{code}\n```" in text
    assert indented in text
    assert text.startswith("示例如下：")  # prose outside the code is still normalised


def test_indented_chinese_prose_is_not_code():
    raw = "    营销是一个系统，而销售只是营销的一部分(见下文)。\n    销售是把产品卖好。"
    assert "（见下文）" in clean(raw, RULES).text


def test_a_disclaimer_on_the_first_line_does_not_remove_the_document():
    raw = "免责声明：本文内容仅供学习参考。\n营销是一个系统，而销售只是营销的一部分。\n销售是把产品卖好。"
    assert clean(raw, RULES).text == raw


def test_a_reading_list_heading_inside_a_handout_does_not_cut_the_chapters_after_it():
    raw = (
        "第五章 集合\n集合用来保存对象，List 是有序的，Set 不允许重复。\n推荐阅读\n《Java编程思想》第11章\n"
        "第六章 异常\n异常是程序运行时的错误，用 try 和 catch 处理。\n抛出异常用 throw，声明异常用 throws。"
    )
    assert clean(raw, RULES).text == raw


def test_a_reading_list_label_followed_by_prose_to_the_end_cuts_nothing():
    chapter = "".join(f"第{n}节讲集合的第{n}种用法，先看定义，再看例子。\n" for n in range(1, 9))
    raw = f"集合用来保存对象，List 是有序的。\n推荐阅读\n{chapter}"
    assert clean(raw, RULES).text == raw.strip()


def test_a_related_list_at_the_end_of_an_article_is_still_cut():
    raw = (
        "营销是一个系统，而销售只是营销的一部分。\n相关阅读\n营销和销售有什么区别？\n销售技巧大全 2024.01.02\n"
        "版权声明：\n本文由用户投稿，不代表本站观点。\n如有侵权，请联系删除。\n- 1 热门文章 123"
    )
    assert clean(raw, RULES).text == "营销是一个系统，而销售只是营销的一部分。"


def test_removed_chars_counts_visible_characters_only():
    raw = "正文。\n\n\n\n相关阅读\n链接一\n"
    assert removed_chars(raw, clean(raw, RULES).text) == len("相关阅读链接一")
