"""PDF with a text layer, through pdfminer.six (MIT): it maps CJK CID fonts (Adobe-GB1,
Adobe-CNS1 …) to Unicode with the CMaps it ships, and lays pages out into lines in reading
order. Places are pages.

A PDF has no paragraphs, only positioned lines: a line that runs to the right edge of the text
continues in the next one (joined without a break, as Chinese is written) unless the next one
starts after a wider gap or an indent; a shorter line ends its paragraph. Running headers and
footers (the same line, digits aside, near the top or bottom of most pages) and page numbers
are dropped.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from ..decoding import NotTextError
from ..provenance import Places
from . import Extracted
from .scanned import with_scanned_pages

MARGIN_SHARE = 0.1  # of the page height: where running headers and footers sit
REPEATED_ON = 0.5  # share of pages a header/footer line appears on
FULL_LINE_CHARS = 3  # a line ending within this many characters of the right edge may run on
# (line breaking keeps 「，」「）」 off a line's start, so a full line can end short of the edge)
WIDER_GAP = 1.2  # a gap to the next line this many times the usual line pitch starts a paragraph
INDENT_CHARS = 1  # so does a next line starting this many characters right of the left edge
_PAGE_NUMBER = re.compile(
    r"^\s*(?:第\s*\d+\s*页(?:\s*[/／共]\s*\d+\s*页?)?|[-–—]?\s*\d+\s*[-–—]?|\d+\s*/\s*\d+|page\s*\d+)\s*$", re.I
)
_SENTENCE_END = re.compile(r"[。！？!?…][”’」』）)]*$")
_LATIN_END = re.compile(r"[A-Za-z0-9,.;:!?]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9(]")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    y: float
    char_width: float


def extract(data: bytes) -> Extracted:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    try:
        pages = [(page.height, _lines(page)) for page in extract_pages(io.BytesIO(data), laparams=LAParams())]
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise NotTextError("encrypted PDF (加密文件): save an unprotected copy") from None
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise NotTextError(f"damaged or unreadable PDF ({type(exc).__name__})") from None
    furniture = _running_lines(pages)
    text, starts, names = "", [], []
    runs_on = False
    for number, (height, lines) in enumerate(pages, start=1):
        body = [line for line in lines if not _is_furniture(line, height, furniture)]
        if not body:
            continue
        # A paragraph cut by the page break continues unbroken; a full last line that ends a
        # sentence is taken to end its paragraph (no gap to tell across a page break).
        if text and not (runs_on and not _SENTENCE_END.search(text)):
            text += "\n"
        starts.append(len(text))
        names.append(str(number))
        page_text, runs_on = _paragraphs(body)
        text += page_text
    extracted = Extracted(text, Places("page", tuple(starts), tuple(names)), "pdf")
    # Pages with no text at all are scans: read by OCR (formats/scanned.py).
    blank = [number for number, (_, lines) in enumerate(pages, start=1) if not lines]
    return with_scanned_pages(extracted, data, blank) if blank else extracted


def _lines(page: object) -> list[_Line]:
    from pdfminer.layout import LTTextBox, LTTextLine

    found = []
    boxes = [box for box in page if isinstance(box, LTTextBox)]  # type: ignore[attr-defined]
    # Top to bottom, then left to right: pdfminer's own box order can put a later paragraph
    # first; this keeps a column's paragraphs in order and puts side-by-side boxes left first.
    for box in sorted(boxes, key=lambda b: (-round(b.y1), b.x0)):
        for line in box:
            if isinstance(line, LTTextLine):
                text = line.get_text().rstrip("\n")
                if text.strip():
                    found.append(_Line(text, line.x0, line.x1, line.y0, line.width / max(1, len(text))))
    return found


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _running_lines(pages: list[tuple[float, list[_Line]]]) -> set[str]:
    """Lines (digits aside) found in the top or bottom margin of most pages."""
    if len(pages) < 2:
        return set()
    counts: dict[str, int] = {}
    for height, lines in pages:
        seen = {_key(line.text) for line in lines if _in_margin(line, height)}
        for key in seen:
            counts[key] = counts.get(key, 0) + 1
    return {key for key, count in counts.items() if count >= max(2, REPEATED_ON * len(pages))}


def _in_margin(line: _Line, height: float) -> bool:
    return line.y < MARGIN_SHARE * height or line.y > (1 - MARGIN_SHARE) * height


def _is_furniture(line: _Line, height: float, running: set[str]) -> bool:
    return _in_margin(line, height) and (_key(line.text) in running or bool(_PAGE_NUMBER.match(line.text)))


def _line_pitch(lines: list[_Line]) -> float:
    """The distance between lines inside a paragraph: the smallest gap that recurs (a page of
    one-line paragraphs has more gaps between paragraphs than within them)."""
    gaps = [round(a.y - b.y, 1) for a, b in zip(lines, lines[1:]) if a.y > b.y]
    recurring = sorted(gap for gap in set(gaps) if gaps.count(gap) > 1)
    return recurring[0] if recurring else (sorted(gaps)[len(gaps) // 2] if gaps else 0.0)


def _paragraphs(lines: list[_Line]) -> tuple[str, bool]:
    """The page's lines, each that runs to the right edge joined to the next; and whether the
    last one runs on (onto the next page)."""
    left, right = min(line.x0 for line in lines), max(line.x1 for line in lines)
    pitch = _line_pitch(lines)
    parts = []
    runs_on = False
    for line, following in zip(lines, [*lines[1:], None]):
        parts.append(line.text)
        runs_on = line.x1 >= right - FULL_LINE_CHARS * line.char_width
        if following is None:
            break
        wider_gap = pitch > 0 and line.y - following.y > WIDER_GAP * pitch
        indented = following.x0 > left + INDENT_CHARS * line.char_width
        if not runs_on or wider_gap or indented:
            parts.append("\n")
        elif _LATIN_END.search(line.text) and _LATIN_START.match(following.text):
            parts.append(" ")
    return "".join(parts), runs_on
