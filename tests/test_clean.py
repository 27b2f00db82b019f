"""Cleaning, checked against the real seed articles."""

import re

import numpy as np
import pytest

from kb.clean import apply_edits, clean
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
