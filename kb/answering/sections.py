"""Parts of a document's lines read as a series, for a how-to question whose answer is not a
numbered list (steps.py): a numbered section (「5.2.3 抛出异常」 and what follows it, up to the
next number), or the lines right under a lead-in ending in a colon (a slide's bullets, which
ingest keeps without their marks: 「调用 run_next_app 函数切换到下一个应用程序：」 over
「构造应用程序开始执行所需的 Trap 上下文；」 …)."""

from __future__ import annotations

import re

from kb.answering.sentence_quality import SECTION_NUMBER
from kb.answering.series import BULLET_CHARS, MAX_BLOCK_ITEMS, Line, Series, item_number
from kb.language.code import FENCE, reads_as_code, typed_at_prompt

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


def listed_under_a_colon(lines: list[Line]) -> list[Series]:
    """Every lead-in line ending in a colon with two to MAX_BLOCK_ITEMS lines right under it (no
    blank line between, none numbered, none longer than BULLET_CHARS, no code): its items; the
    heading right above the lead-in is its title. Numbered lists are all_series'."""
    found = []
    for at, line in enumerate(lines):
        if not line.text.rstrip().endswith(("：", ":")) or SECTION_NUMBER.match(line.text):
            continue
        if at and item_number(lines[at - 1].text) is not None:
            continue  # 「2.」 over 「日志提交 Journal Commit：」: an item of a numbered list (all_series)
        items: list[Line] = []
        for below in lines[at + 1 :]:
            last = items[-1] if items else line
            if below.start - last.end > 1 or below.text.rstrip().endswith(("：", ":")):
                break  # a blank line (or the next lead-in) ends the list
            items.append(below)
        fits = all(item.end - item.start <= BULLET_CHARS and not _code(item.text) for item in items)
        numbered = any(SECTION_NUMBER.match(i.text) or item_number(i.text) is not None for i in items)
        if 2 <= len(items) <= MAX_BLOCK_ITEMS and fits and not numbered and item_number(line.text) is None:
            title = lines[at - 1] if at and lines[at - 1].is_heading else None
            found.append(Series(line, tuple(items), title))
    return found


def _code(text: str) -> bool:
    """A line of code (「EXEC SQL CLOSE SX;」) or a fence: a listing, no bullet."""
    return FENCE in text or reads_as_code(text) or typed_at_prompt(text)
