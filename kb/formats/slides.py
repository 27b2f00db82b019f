""".pptx through python-pptx (MIT): one unit per slide — its title, the text of its other
shapes (tables a row per line) in order, then its speaker notes; paragraphs set in a monospace
font verbatim, between fence lines (kb/language/code.py). Places are slides."""

from __future__ import annotations

import io
import zipfile

from kb.formats import CELL_SEPARATOR, Extracted, damage
from kb.formats.package import checked
from kb.ingest.decoding import NotTextError
from kb.language.code import fenced, is_monospace, with_inline_code

NOTES_LABEL = "备注："


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
    ordered = ([title] if title is not None else []) + [s for s in shapes if s.shape_id != title_id]
    lines = []
    for shape in ordered:
        if shape.has_text_frame:
            lines += _frame_lines(shape.text_frame)
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


def _frame_lines(frame: object) -> list[str]:
    """A text box's paragraphs, one per line, code runs inside them between backticks; a run of
    code paragraphs as a fenced block."""
    lines: list[str] = []
    code: list[str] = []
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
        lines += [line.strip() for line in text.split("\v") if line.strip()]
    return lines + (fenced(code) if code else [])
