"""PDF with a text layer, through pdfminer.six (MIT): it maps CJK CID fonts (Adobe-GB1,
Adobe-CNS1 …) to Unicode with the CMaps it ships, and lays pages out into lines in reading
order. Places are pages.

A PDF has no paragraphs, only positioned lines: a line continues in the next one (joined
without a break, as Chinese is written; a space between Latin words; a hyphen at a Latin wrap
dropped) unless the next one starts after a wider gap or an indent, or the line ends short of the
text's right edge — short, that is, by more than the next line's first word would have needed.
Word and WPS wrap early before a Latin word, a URL or a kinsoku character; those lines still
continue, and so do the lines of a paragraph indented as a whole.
The right edge is the one most lines reach, not the widest line (a table or URL can overhang).
Slides saved as PDF (landscape pages) mark lines instead: PowerPoint ends a paragraph's last line
with a space and a wrapped line without one, and puts a continuation under the text after the
bullet (a hanging indent, not a new paragraph). Where most lines of such a PDF end in a space, a
line that does not (or that ends in 「，」) continues on the next one unless that one opens with a
bullet; a slide's text never runs on to the next slide. A full line its author broke by hand,
the rest aligned under it with spaces, continues there when the break falls inside a word
(jieba's, or a pair the page writes whole elsewhere) or the next line closes the sentence.
Symbol-font bullets (Wingdings glyphs in the private use area) are dropped: they are list
marks, not text.
Running headers and footers (the same line, digits aside, near the top or bottom of most pages)
and page numbers are dropped. Lines set in a monospace font are code: kept line for line, with
their indentation, between fence lines (kb/language/code.py). Kangxi radicals and doubled glyph
runs from macOS PDFs are mapped back to ideographs (kb/formats/glyphs.py); a page of glyphs with
no Unicode mapping is named in a warning.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from kb.formats import Extracted, glyphs
from kb.formats.pdf_streams import check_inflated_size
from kb.formats.scanned import with_scanned_pages
from kb.ingest.decoding import NotTextError
from kb.language.code import FENCE, code_by_form, fenced, is_monospace
from kb.language.text import splits_a_word
from kb.provenance import Places

MARGIN_SHARE = 0.1  # of the page height: where running headers and footers sit
REPEATED_ON = 0.5  # share of pages a header/footer line appears on
FULL_LINE_CHARS = 3  # a line ending this close to the right edge may run on (kinsoku leaves it short)
WIDER_GAP = 1.2  # a gap to the next line this many times the usual line pitch starts a paragraph
INDENT_CHARS = 1  # so does a next line starting this many characters right of the left edge
LEFT_EDGE_CHARS = 4  # a line starting within this many characters of the left edge starts there
COLUMN_LINES = 3  # lines of running text each side of a gutter that make a page two columns
COLUMN_LINE_CHARS = 8  # the median line of running text is at least this long
SPANNING_SHARE = 0.2  # of a page's text boxes at most may cross the gap between its columns
PAGE_WORD_REPEATS = 2  # a pair of characters written whole this often on its page is a word
FULL_BOX_SHARE = 0.9  # a line broken by hand reaches this share of its widest neighbour
SPACE_MARKED_SHARE = 0.5  # of a slide PDF's lines at least end in a space: the others are wraps
_PAGE_NUMBER = re.compile(
    r"^\s*(?:第\s*\d+\s*页(?:\s*[/／共]\s*\d+\s*页?)?|[-–—]?\s*\d+\s*[-–—]?|\d+\s*/\s*\d+|page\s*\d+)\s*$", re.I
)
_SENTENCE_CLOSE = re.compile(r"[。；;！!？?][”’」』）)]*$")  # the end of a sentence, or of a list item
_SENTENCE_END = re.compile(r"[。！？!?…][”’」』）)]*$")
_LATIN_END = re.compile(r"[A-Za-z0-9,.;:!?)]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9(]")
_HYPHENATED = re.compile(r"[A-Za-z]-$")
# A line's first word: a run of Latin text (a word, URL or code), else one character.
_FIRST_WORD = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|.")
# A list mark opening a line: a symbol-font glyph (private use area), a bullet, a circled number.
_BULLET = re.compile(r"^\s*[\uf020-\uf0ff•●○◆◇■□▪▫►▶➢➤✓✔√①-⑳]")
_SYMBOL_BULLET = re.compile(r"[\uf020-\uf0ff][ \t]*")
_MID_CLAUSE_END = re.compile(r"[，、（(]\s*$")
_CJK_WRAP = re.compile(r"[\u3400-\u9fff，、]\n[\u3400-\u9fff]")  # Chinese prose broken mid-sentence
# A line aligned by hand with spaces under Chinese text above that runs to its end unpunctuated
# (「（2）如果一个关系的一组属性经常出现在相等比较条」 / 「           件中，则…」): the rest of a line
# its author broke mid-word, not a new paragraph. Code and table rows (Latin or short) are not.
_BROKEN_BY_HAND = re.compile(r"[\u3400-\u9fff][^\n]{8,}[\u3400-\u9fff（(，、]\s*$")
_SPACE_ALIGNED = re.compile(r"^[ \t\u3000]{3,}(?![(（]?[一二三四五六七八九十\d]+[)）、.．])[\u3400-\u9fff]")
_NO_LINE_START = "，。、；：？！）」』”’》〉】,.;:?!)"  # kinsoku: kept off a line's start, they pull a character down


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    y: float
    char_width: float
    code: bool = False  # set in a monospace font, or code by its form (kb/language/code.py)
    column: int = 0  # 1 and 2 on a page in two columns (left, right); 0 across the page


@dataclass(frozen=True)
class _Marks:
    """How a PDF's lines say where paragraphs end, beyond their geometry."""

    slide: bool = False  # a landscape page: text never runs on to the next page
    space_ends: bool = False  # a line not ending in a space is wrapped (slides saved by PowerPoint)


def extract(data: bytes) -> Extracted:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    check_inflated_size(data)
    try:
        pages: list[tuple[float, list[_Line]]] = []  # a laid-out page holds every glyph: keep only its lines
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
    space_ends = _space_marked(
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
        marks = _Marks(slide=number in slides, space_ends=space_ends and number in slides)
        page_text, page_runs_on = _page_text(body, marks)
        # A paragraph cut by the page break continues unbroken; a full last line that ends a
        # sentence is taken to end its paragraph (no gap to tell across a page break). So does
        # a block of code: one block, not two fenced apart.
        if text.endswith("\n" + FENCE) and page_text.startswith(FENCE + "\n"):
            text, page_text = text[: -len(FENCE)], page_text[len(FENCE) + 1 :]
        elif text and not (runs_on and not _SENTENCE_END.search(text)):
            text += "\n"
        starts.append(len(text))
        names.append(str(number))
        runs_on = page_runs_on and not marks.slide
        text += page_text
    extracted = Extracted(text, Places("page", tuple(starts), tuple(names)), "pdf", tuple(warnings))
    # Pages with no text at all are scans: read by OCR (formats/scanned.py).
    blank = [number for number, (_, lines) in enumerate(pages, start=1) if not lines]
    return with_scanned_pages(extracted, data, blank) if blank else extracted


def _lines(page: object, code_by_its_form: bool) -> list[_Line]:
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
                    found.append(_Line(text, line.x0, line.x1, line.y0, width, _is_code(line), column))
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


def _right_edge(lines: list[_Line]) -> float:
    """The right edge of the page's text: the furthest any two lines reach (within a character),
    so that one overhanging line (a wide table row, a long URL) does not set it."""
    ends = sorted((line.x1 for line in lines), reverse=True)
    tolerance = max(line.char_width for line in lines)
    for first, second in zip(ends, ends[1:]):
        if first - second <= tolerance:
            return first
    return ends[0]


def _inside_a_word(left: str, right: str, page_text: str) -> bool:
    """Whether a line broken at the end of `left` was broken inside a word: one jieba knows
    (条|件) or a pair of characters the page writes whole elsewhere (聚|簇 on a slide about 聚簇)."""
    pair = left.rstrip()[-1:] + right.lstrip()[:1]
    return splits_a_word(left, right) or page_text.count(pair) >= PAGE_WORD_REPEATS


def _text_width(line: _Line) -> float:
    """How far a line's characters reach (its x1 counts the spaces a slide's text box pads it
    with): a wide character one em, others half."""
    return line.char_width * sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in line.text.rstrip())


def _first_word_width(line: _Line) -> float:
    """The width the line's first word (a Latin word or URL, else one character, two when a
    kinsoku character follows it) would have needed at the end of the line before."""
    text = line.text.lstrip()
    word = _FIRST_WORD.match(text)
    length = len(word.group()) if word else 1
    if length == 1 and text[1:2] and text[1] in _NO_LINE_START:
        length = 2
    return length * line.char_width


def _space_marked(lines: list[_Line]) -> bool:
    """Whether most lines end in a space, as PowerPoint writes paragraph ends (and wraps do not)."""
    prose = [line.text for line in lines if not line.code]
    return bool(prose) and sum(text.endswith(" ") for text in prose) >= SPACE_MARKED_SHARE * len(prose)


def _beside_text(lines: list[_Line]) -> list[_Line]:
    """The lines of a one-column page beside its text: starting right of where every line from
    the left edge ends and reaching past it, as Word prints its comment balloons (批注) in a
    margin it adds (a right-aligned date or signature ends where the text does)."""
    across = [line for line in lines if line.column == 0]
    if not across:
        return []
    left = min(line.x0 for line in across)
    reach = max(line.x1 for line in across if line.x0 <= left + LEFT_EDGE_CHARS * line.char_width)
    middle = sorted(line.x1 for line in across)[len(across) // 2]
    return [
        line for line in across if line.x0 >= max(reach, middle) and line.x1 > reach + FULL_LINE_CHARS * line.char_width
    ]


def _page_text(lines: list[_Line], marks: _Marks) -> tuple[str, bool]:
    """The page's prose as paragraphs and its code lines (monospace, or code by form) as fenced
    blocks, kept line for line with their indentation; and whether the page's last line runs
    on. Lines beside the text come after it, as paragraphs of their own: they set no right
    edge and break no paragraph they stand next to."""
    notes = _beside_text(lines)
    beside = {id(line) for line in notes}
    lines = [line for line in lines if id(line) not in beside]
    prose = [line for line in lines if not line.code]
    pieces: list[str] = []
    runs_on = False
    start = 0
    while start < len(lines):
        code = lines[start].code
        end = start
        while end < len(lines) and lines[end].code == code:
            end += 1
        run = lines[start:end]
        if code:
            left = min(line.x0 for line in run)
            indented = [" " * round((line.x0 - left) / line.char_width) + line.text.rstrip() for line in run]
            pieces.append("\n".join(fenced(indented)))
            runs_on = False
        else:
            text, runs_on = _paragraphs(run, prose, marks)
            pieces.append(text)
        start = end
    if notes:
        pieces.append(_paragraphs(notes, notes, marks)[0])
    return _SYMBOL_BULLET.sub("", "\n".join(pieces)), runs_on


def _indented(line: _Line, following: _Line, edges: tuple[float, float], full: bool) -> bool:
    """Whether `following` starts right of the left edge, as a paragraph does; not where a `full`
    line of Chinese prose across the column did, mid-sentence (a paragraph indented as a whole)."""
    left, right = edges
    across = line.x1 - line.x0 >= FULL_BOX_SHARE * (right - left) and abs(following.x0 - line.x0) <= line.char_width
    if full and across and _CJK_WRAP.fullmatch(line.text.rstrip()[-1:] + "\n" + following.text.lstrip()[:1]):
        return False
    return following.x0 > left + INDENT_CHARS * line.char_width


def _paragraphs(lines: list[_Line], page: list[_Line], marks: _Marks) -> tuple[str, bool]:
    """Lines of prose, each joined to the next unless a paragraph ends there; and whether the
    last one runs on (onto the next page). Edges and line pitch are those of the line's column
    of the page's prose; a paragraph runs on from the foot of one column to the next."""
    edges = {}
    for column in {line.column for line in page}:
        in_column = [line for line in page if line.column == column]
        edges[column] = (min(line.x0 for line in in_column), _right_edge(in_column), _line_pitch(in_column))
    parts = []
    runs_on = aligned = False
    widest = max(_text_width(line) for line in lines)
    page_text = "".join(line.text for line in page)
    for line, following in zip(lines, [*lines[1:], None]):
        text = line.text.lstrip() if aligned else line.text
        left, right, pitch = edges[line.column]
        runs_on = line.x1 >= right - FULL_LINE_CHARS * line.char_width
        if following is None:
            parts.append(text)
            break
        same_column = following.column == line.column
        wider_gap = same_column and pitch > 0 and line.y - following.y > WIDER_GAP * pitch
        indented = _indented(line, following, edges[following.column][:2], runs_on and not marks.space_ends)
        wrapped = runs_on or (
            not _SENTENCE_END.search(text.rstrip()) and right - line.x1 < _first_word_width(following) + line.char_width
        )
        aligned = bool(
            _SPACE_ALIGNED.match(following.text)
            and _BROKEN_BY_HAND.search(text.lstrip())
            and _text_width(line) >= FULL_BOX_SHARE * widest
            and (_inside_a_word(text, following.text, page_text) or _SENTENCE_CLOSE.search(following.text.rstrip()))
        )
        if _BULLET.match(following.text):
            wrapped = aligned = False
        elif aligned:
            wrapped, wider_gap, indented, text = True, False, False, text.rstrip()
        elif marks.space_ends and (not text.endswith(" ") or _MID_CLAUSE_END.search(text)):
            # A wrap under a hanging indent, or a line broken by hand inside a clause.
            wrapped, wider_gap, indented = True, False, False
        if not wrapped or wider_gap or indented:
            parts += [text, "\n"]
        elif _HYPHENATED.search(text) and following.text[:1].islower():
            parts.append(text[:-1])
        elif _LATIN_END.search(text) and _LATIN_START.match(following.text):
            parts += [text, " "]
        else:
            parts.append(text)
    return "".join(parts), runs_on
