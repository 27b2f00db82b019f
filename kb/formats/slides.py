""".pptx through python-pptx (MIT): one unit per slide — its title, the text of its other
shapes (tables a row per line) in order, then its speaker notes; paragraphs set in a monospace
font verbatim, between fence lines (kb/language/code.py). In a text box of several levels, a
bulleted paragraph opens with its level's bullet as a PDF export of the slide reads
(「• 使用管道」 / 「– 调用connect()方法」, two spaces deeper for each level below):
kb/ingest/chunk.py reads dashed lines as the items of the bulleted line above them. Places
are slides."""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Callable

from kb.formats import CELL_SEPARATOR, Extracted, damage
from kb.formats.package import checked
from kb.ingest.decoding import NotTextError
from kb.language.code import fenced, is_monospace, with_inline_code

NOTES_LABEL = "备注："
# PowerPoint's own bullets of the first and second level, and two spaces more for each level below.
ITEM_MARK, SUB_ITEM_MARK = "• ", "– "
_INDENT = "  "
# Placeholders of every slide's furniture: its number, date and footer (「37」, 「2013/3/5」), no content.
_FURNITURE = frozenset({"SLIDE_NUMBER", "DATE", "FOOTER"})
# Placeholders whose text the master's body style sets (bulleted); a title, a date or a text
# box the master's other styles (no bullets).
_BODY_PLACEHOLDERS = frozenset({"BODY", "OBJECT"})


def extract(data: bytes) -> Extracted:
    """The deck's text; NotTextError when its package or a part of it (a slide, its layout,
    relationships, content types) is damaged: python-pptx reads parts when they are first
    used, so damage can show anywhere in the reading."""
    from lxml import etree
    from pptx import Presentation
    from pptx.exc import PackageNotFoundError

    try:
        deck = Presentation(io.BytesIO(checked(data, "a PowerPoint file")))
        lines = [
            (line, str(number)) for number, slide in enumerate(deck.slides, start=1) for line in _slide_lines(slide)
        ]
    except NotTextError:
        raise
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as exc:
        raise NotTextError(f"damaged or not a PowerPoint file ({damage(exc)}): open and save it again") from None
    return Extracted.from_lines(lines, "slide", "pptx")


def _slide_lines(slide: object) -> list[str]:
    shapes = list(slide.shapes)  # type: ignore[attr-defined]
    title = slide.shapes.title  # type: ignore[attr-defined]
    title_id = title.shape_id if title is not None else None
    ordered = ([title] if title is not None else []) + [
        s for s in shapes if s.shape_id != title_id and not _is_furniture(s)
    ]
    lines = []
    for shape in ordered:
        if shape.has_text_frame:
            lines += _frame_lines(shape.text_frame, functools.partial(_bullet_styles, shape, slide))
        elif getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                cells = [cell.text.replace("\v", " ").strip() for cell in row.cells]
                if any(cells):
                    lines.append(CELL_SEPARATOR.join(cells))
    if slide.has_notes_slide:  # type: ignore[attr-defined]
        notes = slide.notes_slide.notes_text_frame  # type: ignore[attr-defined]
        paragraphs = notes.paragraphs if notes is not None else []
        note_lines = [line.strip() for p in paragraphs for line in p.text.split("\v") if line.strip()]
        if note_lines:
            lines.append(NOTES_LABEL + note_lines[0])
            lines += note_lines[1:]
    return lines


def _is_furniture(shape: object) -> bool:
    if not shape.is_placeholder:  # type: ignore[attr-defined]
        return False
    kind = shape.placeholder_format.type  # type: ignore[attr-defined]
    return kind is not None and kind.name in _FURNITURE


def _frame_lines(frame: object, bullet_styles: Callable[[], list[object]]) -> list[str]:
    """A text box's paragraphs, one per line, code runs inside them between backticks; a run of
    code paragraphs as a fenced block; in a frame of more than one level, a bulleted paragraph
    after its level's mark (bullet_styles: where its bullet is set when the paragraph does not
    say, nearest first; read only for such a frame)."""
    lines: list[str] = []
    code: list[str] = []
    # Bullets mark a hierarchy; a frame of one level is a list the lines already show.
    nested = any(p.level > 0 and p.text.strip() for p in frame.paragraphs)  # type: ignore[attr-defined]
    styles = bullet_styles() if nested else []
    for paragraph in frame.paragraphs:  # type: ignore[attr-defined]
        runs = [run for run in paragraph.runs if run.text.strip()]
        if runs and all(is_monospace(run.font.name) for run in runs):
            code += paragraph.text.replace("\v", "\n").split("\n")  # a line break inside the paragraph
            continue
        if code:
            lines += fenced(code)
            code = []
        text = paragraph.text
        if "".join(run.text for run in paragraph.runs) == text:  # else a field or break: the text whole
            text = with_inline_code([(run.text, is_monospace(run.font.name)) for run in paragraph.runs])
        # A line break inside a paragraph (Shift+Enter) reads as a vertical tab: a line of its own.
        shown = [line.strip() for line in text.split("\v") if line.strip()]
        level = paragraph.level
        if shown and nested and _bulleted(paragraph, styles):
            shown[0] = (_INDENT * (level - 1) + SUB_ITEM_MARK if level else ITEM_MARK) + shown[0]
        lines += shown
    return lines + (fenced(code) if code else [])


def _bullet_styles(shape: object, slide: object) -> list[object]:
    """The list styles a paragraph of the shape inherits its bullet from, nearest first: the
    shape's own, its layout's and master's placeholder, then the master's body style (body and
    content placeholders) or its other style (text boxes, titles are never bulleted)."""
    styles = [*shape.text_frame._txBody.xpath("a:lstStyle")]  # type: ignore[attr-defined]
    master = slide.slide_layout.slide_master._element  # type: ignore[attr-defined]
    if not shape.is_placeholder:  # type: ignore[attr-defined]
        return [*styles, *master.xpath("p:txStyles/p:otherStyle")]
    kind = shape.placeholder_format.type  # type: ignore[attr-defined]
    if kind is None or kind.name not in _BODY_PLACEHOLDERS:
        return []
    base = getattr(shape, "_base_placeholder", None)
    while base is not None:
        styles += base.text_frame._txBody.xpath("a:lstStyle") if base.has_text_frame else []
        base = getattr(base, "_base_placeholder", None)
    return [*styles, *master.xpath("p:txStyles/p:bodyStyle")]


def _bulleted(paragraph: object, styles: list[object]) -> bool:
    """Whether the paragraph shows a bullet: its own setting, else the nearest style's for its level."""
    from pptx.oxml.ns import qn

    level = qn(f"a:lvl{paragraph.level + 1}pPr")  # type: ignore[attr-defined]
    settings = [paragraph._p.pPr] + [style.find(level) for style in styles]  # type: ignore[attr-defined]
    for setting in settings:
        if setting is None:
            continue
        for child in setting:
            name = child.tag.rpartition("}")[2]
            if name == "buNone":
                return False
            if name in ("buChar", "buAutoNum", "buBlip"):
                return True
    return False
