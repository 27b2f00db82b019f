"""Technical text survives ingest as written (issue 22.1): generics, XML-like tags and code
named in prose, and code blocks, in every format, come back verbatim in the stored text; code
blocks are fenced so that kb.language.code.code_spans finds them."""

import html
from pathlib import Path

import pytest

from kb.ingest.chunk import ChunkSettings
from kb.ingest.contents import prepare
from kb.ingest.loaders import load_paths
from kb.language.code import code_spans, passage_code_spans
from kb.profile import default_profile
from tests.documents import write_epub_chapters, write_word_exported_pdf

PROSE = (
    "泛型可以定义 List<Integer>，不可以定义 List<int>；Map<K, V> 的键不能重复，用 <resultMap> 描述映射，"
    '调用main()方法启动程序，用 title("原图") 给图加标题，还需要在网页中加入<script>统计代码。'
)
AFTER = "运行后会打印出列表的内容，这说明泛型在编译期就保证了类型安全。"
INLINE_BEFORE, INLINE_CODE, INLINE_AFTER = "页面的外层用 ", '<div class="box">', " 包住全部内容，样式写在 CSS 文件里。"
CODE = [
    "public static void main(String[] args) {",
    "    List<Integer> list = new ArrayList<>();",
    "    list.add(1);  // add(1) <br/> stays",
    "}",
]


def _txt(path: Path) -> Path:
    indented = "\n".join("    " + line for line in CODE)
    path.with_suffix(".txt").write_text(f"泛型讲义\n\n{PROSE}\n\n{indented}\n\n{AFTER}\n", "utf-8")
    return path.with_suffix(".txt")


def _md(path: Path) -> Path:
    code = "\n".join(CODE)
    path.with_suffix(".md").write_text(f"# 泛型讲义\n\n{PROSE}\n\n```java\n{code}\n```\n\n{AFTER}\n", "utf-8")
    return path.with_suffix(".md")


def _html_body() -> str:
    code = html.escape("\n".join(CODE))
    inline = f"<p>{INLINE_BEFORE}<code>{html.escape(INLINE_CODE)}</code>{INLINE_AFTER}</p>"
    body = f"<h1>泛型讲义</h1><p>{html.escape(PROSE)}</p>{inline}<pre><code>{code}</code></pre>"
    return f"{body}<p>{html.escape(AFTER)}</p>"


def _html(path: Path) -> Path:
    head = '<head><meta charset="utf-8"><title>泛型讲义</title></head>'
    page = f"<html>{head}<body><article>{_html_body()}</article></body></html>"
    path.with_suffix(".html").write_text(page, "utf-8")
    return path.with_suffix(".html")


def _epub(path: Path) -> Path:
    chapter = (
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
        f"<head><title>泛型</title></head><body>{_html_body()}</body></html>"
    )
    return write_epub_chapters([chapter], path.with_suffix(".epub"))


def _docx(path: Path, code_font: str | None = "Consolas") -> Path:
    import docx

    document = docx.Document()
    document.add_heading("泛型讲义", level=1)
    document.add_paragraph(PROSE)
    mixed = document.add_paragraph(INLINE_BEFORE)
    mixed.add_run(INLINE_CODE).font.name = "Consolas"
    mixed.add_run(INLINE_AFTER)
    for line in CODE:
        document.add_paragraph().add_run(line).font.name = code_font
    document.add_paragraph(AFTER)
    document.save(str(path.with_suffix(".docx")))
    return path.with_suffix(".docx")


def _pptx(path: Path) -> Path:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = "泛型讲义"
    frame = slide.shapes.add_textbox(Inches(0.5), Inches(1.5), Inches(9), Inches(5)).text_frame
    frame.text = PROSE
    mixed = frame.add_paragraph()
    for text, font in ((INLINE_BEFORE, None), (INLINE_CODE, "Courier New"), (INLINE_AFTER, None)):
        mixed.add_run().text = text
        mixed.runs[-1].font.name = font
    for line in CODE:
        frame.add_paragraph().add_run().text = line
        frame.paragraphs[-1].runs[0].font.name = "Courier New"
    frame.add_paragraph().text = AFTER
    deck.save(str(path.with_suffix(".pptx")))
    return path.with_suffix(".pptx")


def _pdf(path: Path, code: str = "code") -> Path:
    blocks = [("heading", "泛型讲义"), ("paragraph", PROSE), (code, "\n".join(CODE)), ("paragraph", AFTER)]
    return write_word_exported_pdf(blocks, path.with_suffix(".pdf"))


WRITERS = {"txt": _txt, "md": _md, "html": _html, "epub": _epub, "docx": _docx, "pptx": _pptx, "pdf": _pdf}


@pytest.mark.parametrize("kind", WRITERS)
def test_generics_tags_and_code_come_back_verbatim(tmp_path, kind):
    source = WRITERS[kind](tmp_path / "generics")
    loaded = load_paths([source])
    assert loaded.skipped == [], loaded.skipped
    stored, _ = prepare(loaded.documents, ChunkSettings(), default_profile())
    text = stored[0].text
    assert PROSE in text and AFTER in text
    code = "\n".join(("    " if kind == "txt" else "") + line for line in CODE)  # a text file indents its code
    assert code in text
    start = text.index(code)
    assert any(s <= start and start + len(code) <= e for s, e in code_spans(text)), "the code block is not marked"


# Code pasted into Word in the body font: nothing marks it but its form.
IN_THE_BODY_FONT = {"docx": lambda path: _docx(path, code_font=None), "pdf": lambda path: _pdf(path, "body code")}


@pytest.mark.parametrize("kind", IN_THE_BODY_FONT)
def test_code_in_the_body_font_is_found_by_its_form(tmp_path, kind):
    loaded = load_paths([IN_THE_BODY_FONT[kind](tmp_path / "generics")])
    stored, _ = prepare(loaded.documents, ChunkSettings(), default_profile())
    text = stored[0].text
    assert PROSE in text and AFTER in text  # prose stays prose
    lines = [line.strip() for line in CODE]
    start = text.index(lines[0])
    block = next((s, e) for s, e in code_spans(text) if s <= start < e)
    assert [line.strip() for line in text[block[0] : block[1]].split("\n")[1:-1]] == lines


@pytest.mark.parametrize("kind", ["html", "epub", "docx", "pptx"])
def test_inline_code_is_kept_between_backticks(tmp_path, kind):
    source = WRITERS[kind](tmp_path / "generics")
    stored, _ = prepare(load_paths([source]).documents, ChunkSettings(), default_profile())
    assert f"{INLINE_BEFORE}`{INLINE_CODE}`{INLINE_AFTER}" in stored[0].text


def test_markdown_inline_code_is_left_as_written(tmp_path):
    line = f"{INLINE_BEFORE}`{INLINE_CODE}`{INLINE_AFTER}"
    (tmp_path / "page.md").write_text(f"# 页面结构\n\n{line}\n", "utf-8")
    stored, _ = prepare(load_paths([tmp_path / "page.md"]).documents, ChunkSettings(), default_profile())
    assert line in stored[0].text


def test_a_passage_opening_on_the_fence_that_closes_a_block_reads_its_prose_as_prose():
    """A passage read from the middle of its document may begin on the closing fence of a block
    before it: the Chinese sentence after that fence is no code, the next block is."""
    passage = "```\n\n为了确保临时文件创建成功，mktemp命令后面最好使用 OR 运算符。\n\n```\nTMPFILE=$(mktemp)\n```"
    prose = passage.index("为了")
    assert not any(a <= prose < b for a, b in passage_code_spans(passage))
    assert any(a <= passage.index("TMPFILE") < b for a, b in passage_code_spans(passage))
    assert any(a <= prose < b for a, b in code_spans(passage))  # a document is read as Markdown reads it


def test_a_block_opening_on_a_chinese_comment_after_prose_is_code():
    """「发送自定义信号」 then a block whose first line is 「## 发送 SIGHUP（…）」: that fence opens a
    block (prose before it, a comment after it); its command was cited as a sentence, with a 「。」."""
    passage = "发送自定义信号\n\n```\n## 发送 SIGHUP（让进程重新加载配置）\n\n$ docker kill -s HUP c\n```"
    spans = passage_code_spans(passage)
    assert any(a <= passage.index("$ docker") < b for a, b in spans)
    assert not any(a <= passage.index("发送自定义") < b for a, b in spans)
    after_prose = "上面的例子。\n```\n为了确保临时文件创建成功，最好检查。"  # prose, fence, prose: it still opens
    assert passage_code_spans(after_prose) == code_spans(after_prose)


def test_a_passage_opening_inside_a_block_that_ends_on_its_closing_fence_is_code():
    """「## 4. 后续命令以 appuser 身份运行」 and 「CMD ["node", "server.js"]」 then the block's closing
    fence: all code (the command was cited with a 「。」 of its own, as a sentence)."""
    passage = '## 4. 后续命令以 appuser 身份运行\n\nCMD ["node", "server.js"]\n```'
    assert passage_code_spans(passage) == [(0, len(passage))]
    lead_in = "写法如下：\n```"  # a lead-in before a fence that opens a block
    assert passage_code_spans(lead_in) == code_spans(lead_in)
