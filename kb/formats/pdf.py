"""PDF with a text layer, through pdfminer.six (MIT): it maps CJK CID fonts (Adobe-GB1,
Adobe-CNS1 …) to Unicode with the CMaps it ships, and lays pages out into lines in reading
order (a page in two columns: the left one first), which kb/formats/pdf_paragraphs.py joins into
paragraphs. Places are pages; a slide's text never runs on to the next slide.
Running headers and footers (the same line, digits aside, near the top or bottom of most pages)
and page numbers are dropped. Lines set in a monospace font are code: kept line for line, with
their indentation, between fence lines (kb/language/code.py). Kangxi radicals and doubled glyph
runs from macOS PDFs are mapped back to ideographs (kb/formats/glyphs.py); a page of glyphs with
no Unicode mapping is named in a warning.
"""

from __future__ import annotations

import io
import re
from typing import Any

from kb.formats import Extracted, glyphs
from kb.formats.pdf_paragraphs import SENTENCE_END, Line, Marks, page_text, space_marked
from kb.formats.pdf_streams import check_inflated_size
from kb.formats.scanned import with_scanned_pages
from kb.ingest.decoding import NotTextError
from kb.language.code import FENCE, code_by_form, is_monospace
from kb.provenance import Places

MARGIN_SHARE = 0.1  # of the page height: where running headers and footers sit
REPEATED_ON = 0.5  # share of pages a header/footer line appears on
COLUMN_LINES = 3  # lines of running text each side of a gutter that make a page two columns
COLUMN_LINE_CHARS = 8  # the median line of running text is at least this long
SPANNING_SHARE = 0.2  # of a page's text boxes at most may cross the gap between its columns
_PAGE_NUMBER = re.compile(
    r"^\s*(?:第\s*\d+\s*页(?:\s*[/／共]\s*\d+\s*页?)?|[-–—]?\s*\d+\s*[-–—]?|\d+\s*/\s*\d+|page\s*\d+)\s*$", re.I
)


def extract(data: bytes) -> Extracted:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    check_inflated_size(data)
    try:
        pages: list[tuple[float, list[Line]]] = []  # a laid-out page holds every glyph: keep only its lines
        slides: set[int] = set()  # landscape pages
        for number, page in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams()), start=1):
            pages.append((page.height, _lines(page, code_by_its_form=page.width <= page.height)))
            if page.width > page.height:
                slides.add(number)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise NotTextError("encrypted PDF (加密文件): save an unprotected copy") from None
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise NotTextError(f"damaged or unreadable PDF ({type(exc).__name__})") from None
    furniture = _running_lines(pages)
    space_ends = space_marked(
        [line for number, (_, lines) in enumerate(pages, start=1) if number in slides for line in lines]
    )
    text, starts, names, warnings = "", [], [], []
    runs_on = False
    for number, (height, lines) in enumerate(pages, start=1):
        body = [line for line in lines if not _is_furniture(line, height, furniture)]
        if not body:
            continue
        if warning := glyphs.unmapped_warning(number, "".join(line.text for line in body)):
            warnings.append(warning)
        marks = Marks(slide=number in slides, space_ends=space_ends and number in slides)
        text_of_page, page_runs_on = page_text(body, marks)
        # A paragraph cut by the page break continues unbroken; a full last line that ends a
        # sentence is taken to end its paragraph (no gap to tell across a page break). So does
        # a block of code: one block, not two fenced apart.
        if text.endswith("\n" + FENCE) and text_of_page.startswith(FENCE + "\n"):
            text, text_of_page = text[: -len(FENCE)], text_of_page[len(FENCE) + 1 :]
        elif text and not (runs_on and not SENTENCE_END.search(text)):
            text += "\n"
        starts.append(len(text))
        names.append(str(number))
        runs_on = page_runs_on and not marks.slide
        text += text_of_page
    extracted = Extracted(text, Places("page", tuple(starts), tuple(names)), "pdf", tuple(warnings))
    # Pages with no text at all are scans: read by OCR (formats/scanned.py).
    blank = [number for number, (_, lines) in enumerate(pages, start=1) if not lines]
    return with_scanned_pages(extracted, data, blank) if blank else extracted


def _lines(page: object, code_by_its_form: bool) -> list[Line]:
    """The page's lines in reading order; on a page of a document (not a slide, whose lines are
    kept as lines anyway), runs of lines that read as code marked code."""
    from pdfminer.layout import LTTextBox, LTTextLine

    found = []
    boxes = [box for box in page if isinstance(box, LTTextBox)]  # type: ignore[attr-defined]
    for box, column in _reading_order(boxes):
        for line in box:
            if isinstance(line, LTTextLine):
                text = glyphs.normalise(line.get_text().rstrip("\n"))
                if text.strip():
                    width = line.width / max(1, len(text))
                    found.append(Line(text, line.x0, line.x1, line.y0, width, _is_code(line), column))
    if code_by_its_form:
        for line, by_form in zip(found, code_by_form([line.text for line in found])):
            line.code = line.code or by_form
    return found


def _reading_order(boxes: list[Any]) -> list[tuple[Any, int]]:
    """Text boxes in reading order, each with its column: top to bottom, side-by-side boxes left
    first (pdfminer's own order can put a later paragraph first); on a page in two columns, the
    left column then the right one, band by band between boxes that span both (a title, a wide
    table)."""
    ordered = sorted(boxes, key=lambda b: (-round(b.y1), b.x0))
    gutter = _gutter(boxes)
    if gutter is None:
        return [(box, 0) for box in ordered]
    result: list[tuple[Any, int]] = []
    left: list[tuple[Any, int]] = []
    right: list[tuple[Any, int]] = []
    for box in ordered:
        if box.x1 <= gutter:
            left.append((box, 1))
        elif box.x0 >= gutter:
            right.append((box, 2))
        else:
            result += [*left, *right, (box, 0)]
            left, right = [], []
    return result + left + right


def _gutter(boxes: list[Any]) -> float | None:
    """The x of the gap between two columns: just left of where boxes in the middle of the
    page's text start, crossed by few boxes (a title, a wide table), with at least COLUMN_LINES
    lines of running text on each side (half of them COLUMN_LINE_CHARS characters or longer: a
    table's short cells, side by side, are read row by row instead)."""
    if not boxes:
        return None
    left, right = min(b.x0 for b in boxes), max(b.x1 for b in boxes)
    starts = {round(b.x0) for b in boxes if left + 0.2 * (right - left) < b.x0 < left + 0.8 * (right - left)}
    best: tuple[int, float] | None = None
    for x in sorted(starts):
        gutter = x - 1.0
        crossing = sum(1 for b in boxes if b.x0 < gutter < b.x1)
        sides = ([b for b in boxes if b.x1 <= gutter], [b for b in boxes if b.x0 >= gutter])
        if crossing <= SPANNING_SHARE * len(boxes) and all(_running_text(side) for side in sides):
            if best is None or crossing < best[0]:
                best = (crossing, gutter)
    return best[1] if best else None


def _running_text(boxes: list[Any]) -> bool:
    lengths = sorted(len(line.get_text().strip()) for box in boxes for line in box)
    return len(lengths) >= COLUMN_LINES and lengths[len(lengths) // 2] >= COLUMN_LINE_CHARS


def _is_code(line: object) -> bool:
    """A line all of whose characters are set in a monospace font."""
    from pdfminer.layout import LTChar

    fonts = [char.fontname for char in line if isinstance(char, LTChar) and char.get_text().strip()]  # type: ignore[attr-defined]
    return bool(fonts) and all(is_monospace(font) for font in fonts)


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _running_lines(pages: list[tuple[float, list[Line]]]) -> set[str]:
    """Lines (digits aside) found in the top or bottom margin of most pages."""
    if len(pages) < 2:
        return set()
    counts: dict[str, int] = {}
    for height, lines in pages:
        seen = {_key(line.text) for line in lines if _in_margin(line, height)}
        for key in seen:
            counts[key] = counts.get(key, 0) + 1
    return {key for key, count in counts.items() if count >= max(2, REPEATED_ON * len(pages))}


def _in_margin(line: Line, height: float) -> bool:
    return line.y < MARGIN_SHARE * height or line.y > (1 - MARGIN_SHARE) * height


def _is_furniture(line: Line, height: float, running: set[str]) -> bool:
    return _in_margin(line, height) and (_key(line.text) in running or bool(_PAGE_NUMBER.match(line.text)))
