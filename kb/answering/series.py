"""Numbered steps spread over a document's passages, found as one series.

Slides number a procedure's steps 「（1）…」「（2）…」「（3）…」 over several slides: each slide
repeats its title with 「（续）」 and puts detail lines under each item, so one passage seldom
holds the whole procedure. A series is the items of one numbering style, numbered 1, 2, 3 …
in order (or 首先 … 然后 … 最后), each within a few lines of the one before; the lines between
(details, repeated titles, items numbered in another style) are not part of it. Its lead-in
is the line just before its first item (「系统故障的恢复步骤」, 「具体步骤是：」).

Lines are read from a document's passages in text order; each line is quoted from a passage
that holds it whole, so every item is still a verbatim span of a passage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kb.answering.units import LIST_ITEM, marker_style
from kb.types import Passage

# Lines and characters allowed between two items of a series: a slide's detail lines and the
# next slide's repeated 「…（续）」 title, not the rest of the chapter.
MAX_DETAIL_LINES = 8
MAX_DETAIL_CHARS = 400
LEAD_IN_CHARS = 40  # a line this short (or one ending in 「：」) before the first item is its lead-in
_CHINESE_DIGITS = {ch: n for n, ch in enumerate("一二三四五六七八九十", start=1)}
_FIRST_WORD = "首先"
_NEXT_WORDS = ("其次", "然后", "再次", "接着")
_LAST_WORD = "最后"


@dataclass(frozen=True)
class Line:
    """One line of a document, as offsets in its cleaned text, and a passage holding it whole."""

    start: int
    end: int
    passage: Passage

    @property
    def text(self) -> str:
        return self.passage.text[self.start - self.passage.start : self.end - self.passage.start]


@dataclass(frozen=True)
class Series:
    """A procedure's items in order, with its lead-in line (None when the first item opens
    its passage) and the line before the lead-in (a slide's title: what the steps are for)."""

    lead_in: Line | None
    items: tuple[Line, ...]
    title: Line | None = None

    @property
    def lines(self) -> tuple[Line, ...]:
        return tuple(line for line in (self.title, self.lead_in) if line) + self.items


def document_lines(passages: Sequence[Passage]) -> list[Line]:
    """The lines of the passages (of one document) in text order, each once, each from the
    first passage that holds it whole; blank lines and lines no passage holds whole are left
    out."""
    lines: dict[tuple[int, int], Line] = {}
    for passage in sorted(passages, key=lambda p: (p.start, p.end)):
        offset = passage.start
        for raw in passage.text.split("\n"):
            stripped = raw.strip()
            if stripped:
                start = offset + raw.index(stripped[0])
                lines.setdefault((start, start + len(stripped)), Line(start, start + len(stripped), passage))
            offset += len(raw) + 1
    ordered = sorted(lines.values(), key=lambda line: (line.start, -line.end))
    # A passage that starts mid-line yields a fragment inside a longer line: keep the longer.
    kept: list[Line] = []
    for line in ordered:
        if kept and line.start < kept[-1].end:
            continue
        kept.append(line)
    return kept


def item_number(text: str) -> tuple[str, int] | None:
    """The style (units.marker_style) and the number of the item a line opens with: 「（3）」 →
    ("(N)", 3), 「③」 → ("○", 3), 「首先」 → ("then", 1), 「然后」 → ("then", 0): the next one,
    「最后」 → ("then", -1): the last one; None for a line that is no item."""
    style = marker_style(text)
    marker = LIST_ITEM.match(text)
    if style is None or marker is None:
        return None
    found = marker.group().strip()
    if style == "then":
        if found == _FIRST_WORD:
            return style, 1
        return style, (-1 if found == _LAST_WORD else 0)
    digits = "".join(ch for ch in found if ch.isdigit() and ch.isascii())
    if digits:
        return style, int(digits)
    circled = [ch for ch in found if "①" <= ch <= "⑩"]
    if circled:
        return style, ord(circled[0]) - ord("①") + 1
    numerals = [_CHINESE_DIGITS[ch] for ch in found if ch in _CHINESE_DIGITS]
    if not numerals:
        return None
    if len(numerals) == 1:
        return style, numerals[0]
    # 十一 → 11, 二十 → 20, 二十一 → 21
    tens = numerals[0] if numerals[1] == 10 else 1
    return style, tens * 10 + (numerals[-1] if numerals[-1] != 10 else 0)


def _follows(previous: int, number: int) -> bool:
    """Does an item numbered `number` continue a series whose last item was `previous`? For
    sequence words, 0 (然后) and -1 (最后) follow anything but 最后, and 首先 follows nothing."""
    if previous == -1:
        return False
    return number <= 0 or (previous >= 1 and number == previous + 1)


def series_from(lines: Sequence[Line], first: int) -> Series | None:
    """The series whose first item (numbered 1, or 首先) is lines[first], or None when fewer
    than two items follow one another within MAX_DETAIL_LINES / MAX_DETAIL_CHARS."""
    opened = item_number(lines[first].text)
    if opened is None or opened[1] != 1:
        return None
    style, number = opened
    items = [lines[first]]
    gap_lines = gap_chars = 0
    for line in lines[first + 1 :]:
        found = item_number(line.text)
        if found is not None and found[0] == style:
            if not _follows(number, found[1]):
                break  # the numbering starts again: another list
            items.append(line)
            number, gap_lines, gap_chars = found[1], 0, 0
            continue
        gap_lines += 1
        gap_chars += line.end - line.start
        if gap_lines > MAX_DETAIL_LINES or gap_chars > MAX_DETAIL_CHARS:
            break
    if len(items) < 2:
        return None
    lead_in = title = None
    if first > 0 and _leads_in(lines[first - 1]):
        lead_in = lines[first - 1]
        above = item_number(lines[first - 2].text) if first > 1 else None
        if first > 1 and (above is None or above[0] != style):
            title = lines[first - 2]  # 「1. 查询结果为多条记录的SELECT语句」 over 「使用游标的步骤」
    return Series(lead_in, tuple(items), title)


def _leads_in(line: Line) -> bool:
    """A line before a first item that introduces it: short (a slide's 「恢复步骤」) or ending
    in 「：」 — not another list's item."""
    text = line.text
    return item_number(text) is None and (len(text) <= LEAD_IN_CHARS or text.rstrip().endswith(("：", ":")))


def all_series(lines: Sequence[Line]) -> list[Series]:
    """Every series of the lines, in text order."""
    return [s for s in (series_from(lines, i) for i in range(len(lines))) if s is not None]


def continues(before: str, span: str) -> bool:
    """Does `span` open with the item that follows the last line of `before` (「（2）…」 after
    「…\n（1）…」)? Such an item, quoted on its own from the next slide, is not a stray item."""
    last = item_number(before.rsplit("\n", 1)[-1].strip())
    opened = item_number(span.strip())
    return last is not None and opened is not None and last[0] == opened[0] and _follows(last[1], opened[1])
