import pytest

from kb.errors import KbError
from kb.ingest.decoding import NotTextError, decode
from kb.ingest.loaders import load_paths, title_of

SIMPLIFIED = "市场营销与销售的区别：营销是一个系统，而销售只是营销的一部分。销售是把产品卖好，营销是让产品好卖。"
TRADITIONAL = "市場營銷與銷售的區別：營銷是一個系統，而銷售只是營銷的一部分。銷售是把產品賣好，營銷是讓產品好賣。"


@pytest.mark.parametrize(
    "text, encoding",
    [
        (SIMPLIFIED, "utf-8"),
        (SIMPLIFIED, "utf-8-sig"),
        (SIMPLIFIED, "utf-16"),
        (SIMPLIFIED, "utf-16-le"),
        (SIMPLIFIED, "gbk"),
        (SIMPLIFIED, "gb18030"),
        (TRADITIONAL, "big5"),
    ],
)
def test_decode_reads_chinese_in_every_supported_encoding(text, encoding):
    decoded, _ = decode(text.encode(encoding))
    assert decoded == text


def test_decode_refuses_binary():
    with pytest.raises(NotTextError):
        decode(bytes(range(256)) * 8)
    with pytest.raises(NotTextError):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))


def test_mixed_folder_loads_text_and_skips_binary_and_empty(tmp_path):
    (tmp_path / "gbk.txt").write_bytes(SIMPLIFIED.encode("gbk"))
    (tmp_path / "big5.txt").write_bytes(TRADITIONAL.encode("big5"))
    (tmp_path / "utf16.md").write_bytes(("# 标题\n" + SIMPLIFIED).encode("utf-16"))
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG")
    result = load_paths([tmp_path])
    texts = {d.id: d.text for d in result.documents}
    assert texts == {
        "big5": TRADITIONAL,
        "gbk": SIMPLIFIED,
        "utf16": "标题\n" + SIMPLIFIED,
    }  # a Markdown heading, read as its text
    assert len(result.skipped) == 3
    assert any(path.endswith("binary.txt") and "binary" in why for path, why in result.skipped)
    assert any(path.endswith("empty.txt") and "empty" in why for path, why in result.skipped)
    assert any(path.endswith("picture.png") and "damaged or not an image" in why for path, why in result.skipped)


@pytest.mark.parametrize("cut", [1, 2])
def test_a_utf8_file_that_stops_inside_its_last_character_is_read_and_said_to(tmp_path, cut):
    """A copy or download cut short ends inside a character: the file is read without those
    bytes (no whole character is lost) and a warning says so; it had been refused as binary."""
    whole = (SIMPLIFIED + "最后一个字").encode("utf-8")
    (tmp_path / "cut.txt").write_bytes(whole[:-cut])
    (tmp_path / "notes.md").write_bytes(b"# T\n" + whole[:-cut])
    result = load_paths([tmp_path])
    texts = {d.id: d.text for d in result.documents}
    assert texts == {"cut": SIMPLIFIED + "最后一个", "notes": "T\n" + SIMPLIFIED + "最后一个"}
    assert not result.skipped
    warned = {path.rsplit("/", 1)[-1]: why for path, why in result.suspect}
    assert set(warned) == {"cut.txt", "notes.md"} and all("ends inside a character" in w for w in warned.values())
    gbk = SIMPLIFIED.encode("gbk")
    assert decode(gbk[:-1] + b"\xe6")[1] != "utf-8"  # not UTF-8 before its end: decoded as before


def test_missing_path_is_an_error_naming_it(tmp_path):
    with pytest.raises(KbError, match="nowhere"):
        load_paths([tmp_path / "nowhere"])


def test_title_prefers_markdown_heading_then_first_line():
    assert title_of("\n# 营销与销售\n正文", "x") == "营销与销售"
    assert title_of("\n\n第一行\n第二行", "x") == "第一行"
    assert title_of("", "fallback") == "fallback"


def test_a_comment_in_a_code_block_is_no_title():
    text = "能 Ping 通，TCP 就一定能连通吗？\n\n```\n# 通\nping example.com\n```\n正文。\n"
    assert title_of(text, "x") == "能 Ping 通，TCP 就一定能连通吗？"


KOREAN = "대한민국의 수도는 서울이다. 마케팅과 판매의 차이점은 무엇인가? " * 4 + "마케팅은 장기적인 전략이다. " * 4
JAPANESE = "日本の首都は東京です。マーケティングと販売の違いは何ですか？" * 4 + "販売は短期的な目標です。" * 4


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (KOREAN.encode("euc-kr"), "does not read as Chinese in gb18030"),
        (JAPANESE.encode("euc-jp"), "Japanese text, not Chinese|unsupported encoding"),  # GB2312 has kana
        (JAPANESE.encode("shift_jis"), "not Chinese|not read as Chinese"),
        (KOREAN.encode("utf-8"), "Korean text"),
        (JAPANESE.encode("utf-8"), "Japanese text"),
        (b"\xff\xfe" + bytes((i * 7919) % 251 for i in range(4000)), "not Chinese|not read as Chinese|invalid bytes"),
        (b"\xff\xfe" + SIMPLIFIED.encode("utf-16-le") + b"\x00\xd8", "UTF-16 byte-order mark but has invalid bytes"),
        (b"\xef\xbb\xbf" + SIMPLIFIED.encode() + b"\xff\xfe", "UTF-8 byte-order mark but has invalid bytes"),
    ],
    ids=[
        "euc-kr",
        "euc-jp",
        "shift-jis",
        "korean-utf8",
        "japanese-utf8",
        "random-after-ff-fe",
        "bad-utf16",
        "bad-utf8-bom",
    ],
)
def test_text_that_is_not_chinese_or_not_in_its_encoding_is_refused_with_the_reason(data, reason):
    with pytest.raises(NotTextError, match=reason):
        decode(data)


def test_an_undecodable_file_is_skipped_and_the_rest_of_the_folder_goes_in(tmp_path):
    (tmp_path / "good.txt").write_text(SIMPLIFIED, "utf-8")
    (tmp_path / "korean.txt").write_bytes(KOREAN.encode("euc-kr"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + SIMPLIFIED.encode() + b"\xff")
    result = load_paths([tmp_path])
    assert [d.text for d in result.documents] == [SIMPLIFIED]
    assert {name.rsplit("/", 1)[-1] for name, _ in result.skipped} == {"korean.txt", "bom.txt"}


def test_chinese_with_some_english_and_an_english_note_are_kept():
    mixed = SIMPLIFIED + " Marketing is a system; sales is one part of it. CRM、SaaS 和 KPI 常见。"
    assert decode(mixed.encode("gbk"))[0] == mixed
    assert decode(b"Meeting notes: see the attached slides.")[0].startswith("Meeting")


def test_a_slide_repeating_a_few_technical_words_is_not_taken_for_another_encoding():
    """A slide tracing a recursive call repeats 「函数调用」, 「函数结束」, 「返回」: few different
    characters, some outside the most common thousand. Too few to judge a distribution by: it
    was skipped as "does not read as Chinese"."""
    from kb.ingest.readable import garbled

    slide = "\n".join(
        ["facl( n)函数调用1", "result =n*facl(n-1);", "facl( )函数结束", "main( )函数", "main( )函数结束"]
        + ["facl( )函数结束", "递归函数返回", "栈帧返回", "返回1", "返回2", "返回6"] * 2
    )
    assert garbled(slide, "pptx") is None


def test_a_slide_of_technical_terms_reads_as_chinese_and_another_encoding_does_not():
    """A slide labelling a cable's layers (聚氯乙烯, 屏蔽层, 绝缘层, 铜线) draws 60 % of its
    characters from the most common thousand, where prose draws ≈ 90 % and text decoded in the
    wrong encoding 3–32 %: it was skipped as another encoding. Read as Shift-JIS, Chinese turns
    into half-width katakana, which passed as too little Chinese to judge."""
    from kb.ingest.readable import garbled

    slide = (
        "不同类型的电缆\n• 三种不同类型的电缆示意图\n无屏蔽双绞线 UTP\n屏蔽双绞线 STP\n"
        "聚氯乙烯\n套层\n绝缘层\n铜线\n聚氯乙烯\n套层\n屏蔽层\n绝缘层\n铜线\n同轴电缆\n"
        "绝缘保护套层\n外导体屏蔽层 绝缘层\n内导体\n"
    )
    assert garbled(slide, "pdf") is None
    misread = (slide * 3).encode("gbk", errors="ignore").decode("big5", errors="ignore")
    assert "does not read as Chinese" in (garbled(misread, "txt") or "")
    as_shift_jis = (slide * 3).encode("gbk", errors="ignore").decode("shift_jis", errors="ignore")
    assert "mojibake: Chinese read as Shift-JIS" in (garbled(as_shift_jis, "txt") or "")
