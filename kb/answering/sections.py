"""A numbered section of a document's lines (「5.2.3 抛出异常」 and what follows it, up to the next
number) read as a series, for a how-to question whose answer is a section's lines (steps.py)."""

from __future__ import annotations

import re

from kb.answering.sentence_quality import SECTION_NUMBER
from kb.answering.series import MAX_BLOCK_ITEMS, Line, Series

_HAN = re.compile(r"[\u4e00-\u9fff]")  # a line that says something, not a file's name (「ExceptionMethods.java」)


def section_bounds(lines: list[Line], at: int) -> tuple[int, int]:
    """Where the section headed by lines[at], a numbered heading, starts and ends (the next
    numbered heading). Slides repeat a section's number over several (「7.2.1 创建线程<方法一>」,
    「<方法二>」, 「7.2.1 创建线程」): the section runs over all of them."""

    def numbered(line: Line) -> str | None:
        found = SECTION_NUMBER.match(line.text)
        return found.group(0).strip() if found else None

    key = numbered(lines[at])
    first = at
    for before in range(at - 1, -1, -1):
        if numbered(lines[before]) not in (None, key):
            break
        if numbered(lines[before]) == key:
            first = before
    last = next((after for after in range(at + 1, len(lines)) if numbered(lines[after]) not in (None, key)), len(lines))
    return first, last


def section_series(lines: list[Line], first: int, last: int) -> Series:
    """A numbered section (lines[first:last]) as a series: its heading without the number
    (「抛出异常」) leads in; its lines that say something (not a file's name,
    「ExceptionMethods.java」) are the items, each other slide's title among them
    (「创建线程<方法二>」), up to MAX_BLOCK_ITEMS."""
    heading = lines[first]
    number = SECTION_NUMBER.match(heading.text)
    at = number.end() if number else 0
    title = heading.text[at:]
    items = []
    for line in lines[first + 1 : last]:
        own = SECTION_NUMBER.match(line.text)
        if own is None:
            items.append(line)
        elif line.text[own.end() :] != title:
            items.append(Line(line.start + own.end(), line.end, line.passage))
    said = tuple(item for item in items if _HAN.search(item.text))[:MAX_BLOCK_ITEMS]
    return Series(Line(heading.start + at, heading.end, heading.passage), said, None)
