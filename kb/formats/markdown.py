"""Markdown files read as the text a reader sees, line for line with the file.

Study notes in Markdown hold syntax no reader reads: a table of contents of in-page links
(「* [僵尸进程](#僵尸进程)」), images and HTML blocks (「<div align="center"> <img …> </div>」),
emphasis marks (「**SQL 线程**」), link targets and backslash escapes (「\\<\\<」). Read as plain
text, these were indexed and quoted as answers. The file is parsed with markdown-it-py
(CommonMark, with GFM tables; MIT) and each block is written back on the lines it came from,
so places stay the file's line numbers:

- headings, paragraphs and list items: their text, links by their words, without emphasis
  marks (those CommonMark leaves as text before a Chinese character too) or images; inline
  code keeps its backticks; an ordered item keeps its number (「1. 」: steps stay steps), a
  bullet loses its mark;
- footnotes (GitHub's 「适合软炸[^1]」 … 「[^1]: 软炸是…」, mdit-py-plugins): the note's text on its
  line, without its label, the reference mark gone (read as CommonMark alone, a note without a
  space was a link definition, its text silently lost, and 「[^2]」 was quoted beside kb's [2]);
  an inline note 「^[…]」 stays text where it is written;
- a line that is nothing but links (a table of contents, a reading list), maybe after a short
  label (「**参考答案**：[Redis 内存碎片详解](…)。」), or 「[TOC]」, is dropped;
- fenced and indented code: verbatim, between fence lines (kb/language/code.py); but a diagram's
  source (「```mermaid」, PlantUML, Graphviz) is a picture, not code: its syntax is dropped (its
  「direction TB style Phase3 fill:#F5F7FA」 was indexed as passages and listed as sources), and
  a Mermaid diagram's labels are kept as lines of text (kb/formats/diagram.py: 「1. 发送 SIGTERM
  信号 → 2. 等待容器优雅退出 (默认 10 秒)」 was the only place a document said its default);
- table rows: their cells joined as other formats join them;
- formulas in dollars (「$\\tau=10$」, 「$$ … $$」, mdit-py-plugins' dollarmath, Pandoc's rule): as
  their text (pylatexenc: 「τ=10」, 「⊇」); slides' 「W(t, $\\Delta$)」 was indexed and quoted as LaTeX;
- YAML front matter (「---\ntitle: '进程管理'\ndate: …\npublished: true\n---」, as static site
  generators and note apps write it): settings a reader of the page never sees, dropped but for
  the title (its 「false」 and 「/post-images/…jpg」 were indexed, quizzed and taken for key terms);
- containers (「::: tip 提示」 … 「:::」, mdit-py-plugins, as VitePress and Docusaurus write notes):
  their lines read as any others, the opening line as its title without the kind and its
  symbols (「info 🎨 窗宽窗位：…」 was quoted), the closing line empty;
- HTML: comments dropped; in an HTML block, style and script bodies and every HTML element's
  tags (kb/ingest/markup.py: marp slides' 「<style> .container{…}」 and lone 「</div>」 were
  indexed), so an image block leaves nothing; inline, tags that are markup dropped as cleaning
  drops them from any text, so `<resultMap>` in prose stays.
"""

from __future__ import annotations

import html
import re
from typing import Any

from kb.formats import CELL_SEPARATOR, Extracted, check_text_size
from kb.formats.diagram import diagram_lines
from kb.ingest.decoding import decoded_with_warnings
from kb.ingest.markup import element_edits, script_edits
from kb.language.code import FENCE
from kb.provenance import Places

_COMMENT = re.compile(r"<!--.*?-->", re.S)
# Front matter: a first line 「---」, lines of 「key: value」 (or a list's 「- item」), a closing 「---」 or 「...」.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:[ \t]*(?:[\w-]+[ \t]*:.*|-[ \t].*)?\n)*?(?:---|\.\.\.)[ \t]*$", re.M)
_CONTENTS_MARKER = re.compile(r"\[(?:TOC|toc)\]|\[\[_?TOC_?\]\]")
# What a line of links may say besides them: a short label before them (「参考答案：」, 「相关阅读：」,
# 「资料：」) and the stop after them.
_LINKS_LABEL = re.compile(r"[^，,。；;！？!?：:\n]{1,12}[：:]\s*|")
_LINKS_END = "。.；;，, \t"
_TITLE = re.compile(r"^title[ \t]*:[ \t]*(.*?)[ \t]*$")
# The languages of a fenced block that draws a diagram.
_DIAGRAM = re.compile(r"(?:mermaid|plantuml|puml|dot|graphviz|flow|flowchart|sequence|mindmap|markmap|gantt)\b.*")
# What only LaTeX writes: a command, a sub- or superscript, a group.
_LATEX = re.compile(r"\\[A-Za-z]|[_^{]")
# Emphasis CommonMark leaves as text where it closes before a Chinese character after punctuation
# (「**信息对象定义（IOD）和服务类（Service Classes）**的组合」): the marks go, the words stay.
# Not between letters or digits (「2**3」, a power), nor around words without Chinese.
_STRAY_EMPHASIS = re.compile(r"(?<![A-Za-z0-9])\*\*(?=\S)([^*\n]*?[\u4e00-\u9fff][^*\n]*?)(?<=\S)\*\*(?![A-Za-z0-9])")
# A VitePress/VuePress/Docusaurus container 「::: tip 标题」 … 「:::」: its kind (a word) is markup,
# and so are the symbols opening its title (「💡」).
_ADMONITION = re.compile(r"\s*[A-Za-z][\w-]*")
_ADMONITION_TITLE = re.compile(r"^\s*[A-Za-z][\w-]*\s*[^\w\s]*\s*")
# Those written in Mermaid's syntax, whose labels are kept (kb/formats/diagram.py).
_LABELLED = re.compile(r"(?:mermaid|flowchart|mindmap)\b.*")


def extract(data: bytes) -> Extracted:
    text, encoding, warnings = decoded_with_warnings(data)
    check_text_size(text)
    shown = readable(text)
    return Extracted(shown, Places.lines(shown), encoding, warnings)  # line n shows line n of the file


def readable(source: str) -> str:
    """The Markdown source as the text it shows, one output line per source line."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.container import container_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    parser = (
        MarkdownIt("commonmark", {"html": True})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin, inline=False)
        # Pandoc's rule: no space inside the dollars, no digit after the closing one (「$5 和 $10」 is prices).
        .use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
        .use(container_plugin, name="admonition", validate=lambda params, *_: _ADMONITION.match(params) is not None)
    )
    source = _without_front_matter(source)
    source_lines = source.split("\n")
    lines = [""] * len(source_lines)
    tokens = parser.parse(source)
    for index, token in enumerate(tokens):
        if token.map is None:
            continue
        start, end = token.map
        if token.type == "fence" and _DIAGRAM.fullmatch(token.info.strip().lower()):
            if _LABELLED.fullmatch(token.info.strip().lower()):
                _place(lines, start + 1, diagram_lines(token.content.rstrip("\n").split("\n"))[: end - start - 2])
            continue
        if token.type == "container_admonition_open":  # 「::: info 💡 下一步学习」: its title alone
            lines[start] = _ADMONITION_TITLE.sub("", token.info)
        elif token.type == "fence":
            _place(lines, start, [FENCE, *token.content.rstrip("\n").split("\n"), FENCE][: end - start])
        elif token.type == "code_block":  # indented: kept as written, as in a text file
            _place(lines, start, source_lines[start:end])
        elif token.type == "math_block":  # 「$$ … $$」 on lines of its own: its formula as text
            _place(lines, start + 1, _math_text(token.content, "").strip().split("\n")[: max(end - start - 2, 1)])
        elif token.type == "html_block":
            _place(lines, start, _without_markup(token.content).rstrip("\n").split("\n")[: end - start])
        elif token.type == "inline" and not _in_table(tokens, index) and not _contents_entry(token):
            _place(lines, start, (_item_number(tokens, index) + _inline_text(token)).split("\n"))
        elif token.type == "tr_open":
            lines[start] = CELL_SEPARATOR.join(_row_cells(tokens, index))
    return "\n".join(lines)


def _without_front_matter(source: str) -> str:
    """The source with its front matter's lines blank (the title's line holds the title), so
    every other line keeps its number."""
    match = _FRONT_MATTER.match(source)
    if match is None:
        return source
    kept = []
    for line in match.group(0).split("\n"):
        title = _TITLE.match(line)
        kept.append(title.group(1).strip("'\"") if title else "")
    return "\n".join(kept) + source[match.end() :]


def _place(lines: list[str], start: int, block: list[str]) -> None:
    for offset, line in enumerate(block[: len(lines) - start]):
        lines[start + offset] = line


def _inline_text(token: Any) -> str:
    """What an inline run shows: its text, links by their words, inline code in backticks; no
    emphasis marks, images or inline HTML."""
    parts = []
    for child in token.children or []:
        if child.type == "text":
            parts.append(_STRAY_EMPHASIS.sub(r"\1", child.content))
        elif child.type == "code_inline":
            parts.append(child.markup + child.content + child.markup)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "math_inline":
            parts.append(_math_text(child.content))
        elif child.type == "html_inline":  # content or markup: cleaning tells (kb/ingest/markup.py)
            parts.append(child.content)
    return "".join(parts)


def _math_text(latex: str, dollars: str = "$") -> str:
    """A formula as a reader says it: 「W(t, $\\Delta$)」 → 「W(t, Δ)」, 「$\\supseteq$」 → 「⊇」
    (pylatexenc); dollars around no LaTeX (「$HOME/$USER」 in a shell note) and what it cannot
    read stay as written."""
    from pylatexenc.latex2text import LatexNodes2Text

    if not _LATEX.search(latex):
        return f"{dollars}{latex}{dollars}"
    try:
        return str(LatexNodes2Text().latex_to_text(latex))
    except Exception:  # noqa: BLE001 - a formula it cannot parse is kept, never lost
        return latex


def _without_markup(block: str) -> str:
    """An HTML block's text: comments, style and script bodies (a slide deck's 「.container{
    display: flex; }」) and every HTML element's tags gone (a block holding only 「</div>」 closes
    one opened blocks before), entities decoded; a tag that is no element (`<resultMap>` alone
    on its line) stays. Each removal keeps its line breaks, so lines keep their numbers."""
    block = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), block)
    for edits in (script_edits, element_edits):
        for start, end, _ in reversed(edits(block)):
            block = block[:start] + "\n" * block.count("\n", start, end) + block[end:]
    return "\n".join(html.unescape(line) if line.strip() else "" for line in block.split("\n"))


def _contents_entry(token: Any) -> bool:
    """A line that is only links: an entry of a table of contents (「[僵尸进程](#僵尸进程)」) or of
    a reading list (「[Git - 简明指南](http://…)」, 「参考答案：[Redis 内存碎片详解](…)」),
    pointers to elsewhere, never an answer (the title of the text it points to was quoted as
    the answer to 「内存碎片指的是什么」); or the 「[TOC]」 marker note apps replace with one."""
    if _CONTENTS_MARKER.fullmatch(token.content.strip()):
        return True
    children = token.children or []
    if not any(c.type == "link_open" for c in children):
        return False
    depth, outside = 0, []
    for child in children:
        depth += (child.type == "link_open") - (child.type == "link_close")
        if depth == 0 and child.type == "text":
            outside.append(child.content)
    return _LINKS_LABEL.fullmatch("".join(outside).strip().rstrip(_LINKS_END)) is not None


def _item_number(tokens: list[Any], index: int) -> str:
    """「3. 」 before the first line of an ordered list's item, else nothing."""
    if index < 2 or tokens[index - 1].type != "paragraph_open" or tokens[index - 2].type != "list_item_open":
        return ""
    item = tokens[index - 2]
    return f"{item.info}{item.markup} " if item.info else ""


def _in_table(tokens: list[Any], index: int) -> bool:
    return index > 0 and tokens[index - 1].type in ("th_open", "td_open")


def _row_cells(tokens: list[Any], index: int) -> list[str]:
    cells = []
    for token in tokens[index + 1 :]:
        if token.type == "tr_close":
            break
        if token.type == "inline":
            cells.append(_inline_text(token).replace("\n", " ").strip())
    return cells
