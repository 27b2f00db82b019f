"""A PDF page's positioned lines joined into paragraphs (kb/formats/pdf.py reads the lines).

A PDF has no paragraphs, only positioned lines: a line continues in the next one (joined
without a break, as Chinese is written; a space between Latin words; a hyphen at a Latin wrap
dropped) unless the next one starts after a wider gap or an indent, or the line ends short of the
text's right edge — short, that is, by more than the next line's first word would have needed.
Word and WPS wrap early before a Latin word, a URL or a kinsoku character; those lines still
continue, and so do the lines of a paragraph indented as a whole, and the lines under a bullet's
text (its hanging indent, as LaTeX Beamer and Word set a wrapped list item).
The right edge is the one most lines reach, not the widest line (a table or URL can overhang).
Slides saved as PDF (landscape pages) by PowerPoint mark lines instead: a paragraph's last line
ends with a space and a wrapped line without one. Where most lines of such a PDF end in a space,
a line that does not (or that ends in 「，」) continues on the next one unless that one opens with
a bullet. A full line its author broke by hand, the rest aligned under it with spaces, continues
there when the break falls inside a word (jieba's, or a pair the page writes whole elsewhere) or
the next line closes the sentence. Symbol-font bullets (Wingdings glyphs in the private use
area) are dropped: they are list marks, not text. Code lines are kept line for line, fenced.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kb.language.code import fenced
from kb.language.text import splits_a_word

FULL_LINE_CHARS = 3  # a line ending this close to the right edge may run on (kinsoku leaves it short)
WIDER_GAP = 1.2  # a gap to the next line this many times the usual line pitch starts a paragraph
INDENT_CHARS = 1  # so does a next line starting this many characters right of the left edge
LEFT_EDGE_CHARS = 4  # a line starting within this many characters of the left edge starts there
PAGE_WORD_REPEATS = 2  # a pair of characters written whole this often on its page is a word
FULL_BOX_SHARE = 0.9  # a line broken by hand reaches this share of its widest neighbour
SPACE_MARKED_SHARE = 0.5  # of a slide PDF's lines at least end in a space: the others are wraps
_SENTENCE_CLOSE = re.compile(r"[。；;！!？?][”’」』）)]*$")  # the end of a sentence, or of a list item
SENTENCE_END = re.compile(r"[。！？!?…][”’」』）)]*$")
_LATIN_END = re.compile(r"[A-Za-z0-9,.;:!?)]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9(]")
_HYPHENATED = re.compile(r"[A-Za-z]-$")
# A line's first word: a run of Latin text (a word, URL or code), else one character.
_FIRST_WORD = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|.")
# A list mark opening a line: a symbol-font glyph (private use area), a bullet, a circled number,
# a dash and a space (a slide's second level: 「‒ 取消了首部长度字段」).
_BULLET = re.compile(r"^\s*(?:[\uf020-\uf0ff•●○◆◇■□▪▫►▶➢➤✓✔√①-⑳]|[‒–—](?=\s))")
_SYMBOL_BULLET = re.compile(r"[\uf020-\uf0ff][ \t]*")
# A line opening with the mark of an item of its own (a dash, a number), not a bullet's wrap.
_ITEM_MARK = re.compile(r"^\s*(?:[-‒–—*]\s|[(（]?[一二三四五六七八九十\d]+[)）、.．](?!\d)|[A-Za-z][.)]\s)")
HANGING_CHARS = 2.5  # a bullet's text starts within this many characters right of the bullet
_MID_CLAUSE_END = re.compile(r"[，、（(]\s*$")
# Chinese prose broken mid-sentence, before a Chinese character or a letter of any script
# (「…严格大于策略」 / 「β 产生的效用…」); not before a digit, which may number an item.
_CJK_WRAP = re.compile(r"[\u3400-\u9fff，、]\n[^\W\d_]")
# A line aligned by hand with spaces under Chinese text above that runs to its end unpunctuated
# (「（2）如果一个关系的一组属性经常出现在相等比较条」 / 「           件中，则…」): the rest of a line
# its author broke mid-word, not a new paragraph. Code and table rows (Latin or short) are not.
_BROKEN_BY_HAND = re.compile(r"[\u3400-\u9fff][^\n]{8,}[\u3400-\u9fff（(，、]\s*$")
_SPACE_ALIGNED = re.compile(r"^[ \t\u3000]{3,}(?![(（]?[一二三四五六七八九十\d]+[)）、.．])[\u3400-\u9fff]")
_NO_LINE_START = "，。、；：？！）」』”’》〉】,.;:?!)"  # kinsoku: kept off a line's start, they pull a character down


@dataclass
class Line:
    """A line of text where the page sets it (PDF points, y from the bottom)."""

    text: str
    x0: float
    x1: float
    y: float
    char_width: float
    code: bool = False  # set in a monospace font, or code by its form (kb/language/code.py)
    column: int = 0  # 1 and 2 on a page in two columns (left, right); 0 across the page


@dataclass(frozen=True)
class Marks:
    """How a PDF's lines say where paragraphs end, beyond their geometry."""

    slide: bool = False  # a landscape page: text never runs on to the next page
    space_ends: bool = False  # a line not ending in a space is wrapped (slides saved by PowerPoint)


def _line_pitch(lines: list[Line]) -> float:
    """The distance between lines inside a paragraph: the smallest gap that recurs (a page of
    one-line paragraphs has more gaps between paragraphs than within them)."""
    gaps = [round(a.y - b.y, 1) for a, b in zip(lines, lines[1:]) if a.y > b.y]
    recurring = sorted(gap for gap in set(gaps) if gaps.count(gap) > 1)
    return recurring[0] if recurring else (sorted(gaps)[len(gaps) // 2] if gaps else 0.0)


def _right_edge(lines: list[Line]) -> float:
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


def _text_width(line: Line) -> float:
    """How far a line's characters reach (its x1 counts the spaces a slide's text box pads it
    with): a wide character one em, others half."""
    return line.char_width * sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in line.text.rstrip())


def _first_word_width(line: Line) -> float:
    """The width the line's first word (a Latin word or URL, else one character, two when a
    kinsoku character follows it) would have needed at the end of the line before."""
    text = line.text.lstrip()
    word = _FIRST_WORD.match(text)
    length = len(word.group()) if word else 1
    if length == 1 and text[1:2] and text[1] in _NO_LINE_START:
        length = 2
    return length * line.char_width


def space_marked(lines: list[Line]) -> bool:
    """Whether most lines end in a space, as PowerPoint writes paragraph ends (and wraps do not)."""
    prose = [line.text for line in lines if not line.code]
    return bool(prose) and sum(text.endswith(" ") for text in prose) >= SPACE_MARKED_SHARE * len(prose)


def _beside_text(lines: list[Line]) -> list[Line]:
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


def page_text(lines: list[Line], marks: Marks) -> tuple[str, bool]:
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


def _indented(line: Line, following: Line, edges: tuple[float, float], full: bool) -> bool:
    """Whether `following` starts right of the left edge, as a paragraph does; not where a `full`
    line of Chinese prose across the column did, mid-sentence (a paragraph indented as a whole)."""
    left, right = edges
    across = line.x1 - line.x0 >= FULL_BOX_SHARE * (right - left) and abs(following.x0 - line.x0) <= line.char_width
    if full and across and _CJK_WRAP.fullmatch(line.text.rstrip()[-1:] + "\n" + following.text.lstrip()[:1]):
        return False
    return following.x0 > left + INDENT_CHARS * line.char_width


def _under_bullet(following: Line, bullet_x: float | None, char_width: float) -> bool:
    """Whether `following` starts under the text of a list item whose bullet stands at
    `bullet_x` (its hanging indent: the item's wrapped text, as LaTeX Beamer and Word set it),
    not a sub-item with a mark of its own."""
    if bullet_x is None or _ITEM_MARK.match(following.text):
        return False
    return bullet_x < following.x0 <= bullet_x + HANGING_CHARS * char_width


def _paragraphs(lines: list[Line], page: list[Line], marks: Marks) -> tuple[str, bool]:
    """Lines of prose, each joined to the next unless a paragraph ends there; and whether the
    last one runs on (onto the next page). Edges and line pitch are those of the line's column
    of the page's prose; a paragraph runs on from the foot of one column to the next."""
    edges = {}
    for column in {line.column for line in page}:
        in_column = [line for line in page if line.column == column]
        edges[column] = (min(line.x0 for line in in_column), _right_edge(in_column), _line_pitch(in_column))
    parts: list[str] = []
    runs_on = aligned = False
    bullet_x: float | None = None  # where the bullet of the list item being joined stands
    widest = max(_text_width(line) for line in lines)
    page_text = "".join(line.text for line in page)
    for line, following in zip(lines, [*lines[1:], None]):
        text = line.text.lstrip() if aligned else line.text
        left, right, pitch = edges[line.column]
        runs_on = line.x1 >= right - FULL_LINE_CHARS * line.char_width
        if following is None:
            parts.append(text)
            break
        if not parts or parts[-1] == "\n":
            # Slides PowerPoint saved mark their wraps by spaces instead (Marks.space_ends).
            # A numbered item (「33.  在一个…」) wraps under its text as a bulleted one does.
            marked = _BULLET.match(line.text) or _ITEM_MARK.match(line.text)
            bullet_x = line.x0 if marked and not marks.space_ends else None
        same_column = following.column == line.column
        wider_gap = same_column and pitch > 0 and line.y - following.y > WIDER_GAP * pitch
        indented = not _under_bullet(following, bullet_x, line.char_width) and _indented(
            line, following, edges[following.column][:2], runs_on and not marks.space_ends
        )
        wrapped = runs_on or (
            not SENTENCE_END.search(text.rstrip()) and right - line.x1 < _first_word_width(following) + line.char_width
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
