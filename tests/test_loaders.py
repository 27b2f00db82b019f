import pytest

from kb.errors import KbError
from kb.loaders import NotTextError, decode, load_paths, title_of

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
    assert texts == {"big5": TRADITIONAL, "gbk": SIMPLIFIED, "utf16": "# 标题\n" + SIMPLIFIED}
    assert len(result.skipped) == 3
    assert any(path.endswith("binary.txt") and "binary" in why for path, why in result.skipped)
    assert any(path.endswith("empty.txt") and "empty" in why for path, why in result.skipped)
    assert any(path.endswith("picture.png") and "unsupported" in why for path, why in result.skipped)


def test_missing_path_is_an_error_naming_it(tmp_path):
    with pytest.raises(KbError, match="nowhere"):
        load_paths([tmp_path / "nowhere"])


def test_title_prefers_markdown_heading_then_first_line():
    assert title_of("\n# 营销与销售\n正文", "x") == "营销与销售"
    assert title_of("\n\n第一行\n第二行", "x") == "第一行"
    assert title_of("", "fallback") == "fallback"
