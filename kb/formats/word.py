""".docx through python-docx (MIT): paragraphs and tables in document order, a table row per
line (cells joined by ' | '); paragraphs set in a monospace font (or a code style), or a run of
them that reads as code (statements, comments, 「end」: pasted in the body font), verbatim,
between fence lines (kb/language/code.py). Places are sections: the path of headings above a paragraph
(「营销与销售 › 目标不同」), or the paragraph number where no heading comes before it."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from kb.formats import CELL_SEPARATOR, Extracted, damage
from kb.formats.package import checked
from kb.ingest.decoding import NotTextError
from kb.language.code import code_by_form, fenced, is_monospace, with_inline_code

_HEADING_STYLE = re.compile(r"^(?:Heading|标题)\s*(\d)$|^Title$", re.I)
_CODE_STYLE = re.compile(r"code|preformatted|macro|代码", re.I)


def extract(data: bytes) -> Extracted:
    """The document's text; NotTextError when its package or a part of it (the body, styles,
    relationships, content types) is damaged: python-docx reads parts when they are first
    used, so damage can show anywhere in the reading."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    try:
        return _extract(docx.Document(io.BytesIO(checked(data, "a Word document"))))
    except NotTextError:
        raise
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as exc:
        raise NotTextError(f"damaged or not a Word document ({damage(exc)}): open and save it again") from None


def _extract(document: Any) -> Extracted:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[tuple[str, str]] = []  # (text, place name)
    headings: list[str] = []
    paragraph_number = 0
    code: list[str] = []  # the lines of the code block being read: one paragraph each

    def place() -> str:
        return " › ".join(headings) if headings else f"¶{paragraph_number}"

    blocks = [b for b in document.iter_inner_content() if isinstance(b, Paragraph | Table)]
    # Code pasted in the body font reads as code by its form (a table breaks a run).
    by_form = code_by_form([b.text if isinstance(b, Paragraph) else "" for b in blocks])
    for block, code_by_its_form in zip(blocks, by_form):
        if isinstance(block, Paragraph) and (code_by_its_form or _is_code(block)):
            if not code:
                paragraph_number += 1
            code.append(block.text)
            continue
        if code:
            lines += [(line, place()) for line in fenced(code)]
            code = []
        if isinstance(block, Paragraph):
            text = _paragraph_text(block).strip()
            if not text:
                continue
            paragraph_number += 1
            level = _heading_level(block.style.name if block.style is not None else "")
            if level is not None:
                headings = [*headings[: level - 1], text]
        else:
            rows = [CELL_SEPARATOR.join(cell.text.strip() for cell in row.cells) for row in block.rows]
            text = "\n".join(row for row in rows if row.strip(CELL_SEPARATOR + " "))
            if not text:
                continue
            paragraph_number += 1
        lines.append((text, place()))
    if code:
        lines += [(line, place()) for line in fenced(code)]
    return Extracted.from_lines(lines, "section", "docx")


def _is_code(paragraph: object) -> bool:
    """A paragraph of code: in a code style, or all its text in a monospace font (its own, or
    its style's)."""
    style = paragraph.style  # type: ignore[attr-defined]
    if style is not None and _CODE_STYLE.search(style.name or ""):
        return True
    runs = [run for run in paragraph.runs if run.text.strip()]  # type: ignore[attr-defined]
    style_font = style.font.name if style is not None else None
    return bool(runs) and all(is_monospace(run.font.name or style_font) for run in runs)


def _paragraph_text(paragraph: object) -> str:
    """The paragraph's text, its runs in a monospace font between backticks; when the runs do
    not hold all of it (a hyperlink, a field), the whole text as Word gives it."""
    runs = paragraph.runs  # type: ignore[attr-defined]
    text: str = paragraph.text  # type: ignore[attr-defined]
    if "".join(run.text for run in runs) != text:
        return text
    style = paragraph.style  # type: ignore[attr-defined]
    style_font = style.font.name if style is not None else None
    return with_inline_code([(run.text, is_monospace(run.font.name or style_font)) for run in runs])


def _heading_level(style: str) -> int | None:
    match = _HEADING_STYLE.match(style.strip())
    if not match:
        return None
    return int(match.group(1)) if match.group(1) else 1
