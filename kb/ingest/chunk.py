"""Sentences → passages: contiguous runs of whole sentences with exact character spans.

A passage is `cleaned[start:end]` verbatim, so citations point at real text. Passages break
at headings when they already hold enough text, and the nearest heading travels with each
passage as retrieval context (it is not part of the passage text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.language.code import FENCE, code_spans
from kb.language.statements import asks_something, states_something
from kb.language.text import glued_heading_end, sentence_spans

_TERMINAL = re.compile(r"[。！？!?；;…”」』\"]$")
_QUESTION = re.compile(r"[？?][”’」』）)\]】〕\"']*$")
# An exercise asks in the imperative (「请简述无线网络为何无法采用 CSMA/CD」, 「试述视图的作用。」):
# a question, however it ends; an answer never quotes it.
_EXERCISE = re.compile(
    r"\s*(?:[(（]?\d{1,2}[)）.、．]\s*)?"
    r"(?:(?:请|试)(?:简[述要答]|说明|论述|解释|画出|列[举出]|比较|分析|计算|证明|写出|描述|举例|回答|给出|指出|阐述|讨论|设计)|[简论试]述|简答)"
)
HEADING_MAX_CHARS = 30
# Two clauses on one line, one of five characters or more, make a statement, not a title
# (「选择一个处理死锁代价最小的事务，将其撤消」); 「社交媒体，博客和SEO等数字营销」 lists names.
_CLAUSES = re.compile(
    r"[\u3400-\u9fff]{5}\s*[，,；;]\s*[\u3400-\u9fff]{3}|[\u3400-\u9fff]{3}\s*[，,；;]\s*[\u3400-\u9fff]{5}"
)
MIN_QUOTE_CHARS = 8
# What a heading names: two Chinese characters or a Latin word. A line of numbers, symbols or
# one letter (a table row 「9, −9 4, −4」, a slide's 「2」 or 「```」) names no section.
_NAMES_SOMETHING = re.compile(r"[\u3400-\u9fff]{2}|[A-Za-z]{2}")
# A sentence says something in words: a line of numbers and signs alone (a payoff matrix's row
# 「9, −9 4, −4」) is a table's cell, never quoted on its own.
_HAS_LETTER = re.compile(r"[\u3400-\u9fffA-Za-z]")
# A table of contents run into one line (a slide deck's outline: 「1 消耗战游戏2 有限游戏没有
# 合作3 有限游戏有合作4 概率型囚徒困境」): three or more numbered titles; it is never quoted.
_CONTENTS_LINE = re.compile(r"(?:\s*\d{1,2}(?:\.\d{1,2})*\s*[^\d\s。，；,;]{2,20}){3,}\s*")
# A list item's bullet: what follows it is an item of a list, not the title of a section (nor
# words of an answer: kb/answering/presenting.py quotes the item without it). Slides mark their
# second level with a figure or en dash and a space (「‒ 发送的帧不编号」).
BULLET = re.compile(r"\s*(?:[•●○◆◇■□▪▫►▶➢➤✓✔√]|[‒–](?=\s))\s*")
# A second-level item under it: a dash and a space (「‒ 简单和开销较小，…」).
_SUB_ITEM = re.compile(r"[ \t]*[‒–-][ \t]")
# A line that is a date alone (「1995年5月」, 「2006年底」, 「2009年4月20日」): a timeline's date, over what
# happened then (「以"Java"的名称正式发布」, a statement however short).
DATE_LINE = re.compile(r"\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[初底末中])?")
# A line ending in a colon that is not itself numbered: 「市场部的工作包括以下几项：」, not 「1、目标不同：」.
# Used with fullmatch(text, start, end): a `^` would only match at the start of the whole text.
_INTRODUCES_LIST = re.compile(r"(?![(（]?[一二三四五六七八九十\d]+[)）、.．]).*[:：]")


@dataclass(frozen=True)
class ChunkSpan:
    """A passage's span in the cleaned document and its heading context."""

    start: int
    end: int
    heading: str


@dataclass(frozen=True)
class ChunkSettings:
    """Passage size in characters and sentences of overlap between neighbours."""

    max_chars: int = 240
    overlap_sentences: int = 1

    def __post_init__(self) -> None:
        if self.max_chars < 20:
            raise ValueError("max_chars must be at least 20")
        if self.overlap_sentences < 0:
            raise ValueError("overlap_sentences must be >= 0")


def is_heading(text: str, start: int, end: int) -> bool:
    """A short line of its own with no sentence-final punctuation that names a topic, e.g.
    「2、思考的角度不同：」. A slide bullet that states something without its full stop
    (「触发器只能定义在基本表上」) is a sentence, not a heading; so is a line of two clauses, a
    line under one that asks and a bulleted item (「• 玩家：射手和守门员」), unless it labels
    the dashed items under it (「• 静态路由选择策略」 / 「‒ 简单和开销较小，…」); a line naming
    nothing (「9, −9 4, −4」) is neither; nor is a line under a date alone (a timeline's event)."""
    own_line = (start == 0 or text[start - 1] == "\n") and (end == len(text) or text[end] == "\n")
    line = text[start:end]
    return (
        own_line
        and end - start <= HEADING_MAX_CHARS
        and _NAMES_SOMETHING.search(line) is not None
        and (not BULLET.match(line) or _labels_sub_items(text, start, end))
        and (not _TERMINAL.search(line) or _asks_as_a_title(line))
        and not states_something(line)
        and not _CLAUSES.search(line)
        and not _answers_the_line_above(text, start)
        and not _dated(text, start)
    )


def _asks_as_a_title(line: str) -> bool:
    """A short line of its own that ends in a question mark titles what follows it, as study
    notes and FAQs title their sections (Markdown 「## Cookie 和 Session 有什么区别？」, a Word
    heading 「为什么要三次握手？」): the passage under it starts there and carries it as context."""
    return _QUESTION.search(line) is not None and not _EXERCISE.match(line)


def _labels_sub_items(text: str, start: int, end: int) -> bool:
    """The next line is an item of a level below (a dash and a space) and the line is not one
    itself: the bulleted line above it names what its items are about. A dashed item over
    deeper ones is an item still (「– 调用connect()方法」 / 「  – in.connect(out);」), and so are two
    of one level (「– ==比较…」 / 「– equals()方法比较…」)."""
    return _SUB_ITEM.match(text, end + 1) is not None and _SUB_ITEM.match(text, text.rfind("\n", 0, start) + 1) is None


def unbulleted(line: str) -> str:
    """A line without the bullet that opens it: a label as it names its section, an item as
    it reads."""
    bullet = BULLET.match(line)
    return line[bullet.end() :] if bullet else line


def _answers_the_line_above(text: str, start: int) -> bool:
    """The line follows a short line that asks (a slide titled 「什么是审计」): it is the answer,
    however it is worded (「启用一个专用的审计日志（Audit Log）」)."""
    above_end = text.rfind("\n", 0, start)
    if above_end <= 0:
        return False
    above = text[text.rfind("\n", 0, above_end) + 1 : above_end].strip()
    # A title that asks: a question mark or no sentence end (「建议：告诉别人你今天有什么资源。」 asks nothing).
    titled = not _TERMINAL.search(above) or _QUESTION.search(above) is not None
    return 0 < len(above) <= HEADING_MAX_CHARS and titled and asks_something(above)


def _dated(text: str, start: int) -> bool:
    """The line follows a date alone on its line (a timeline): it says what happened then."""
    above_end = text.rfind("\n", 0, start)
    return (
        above_end > 0 and DATE_LINE.fullmatch(text[text.rfind("\n", 0, above_end) + 1 : above_end].strip()) is not None
    )


def is_glued_title(text: str, start: int, end: int) -> bool:
    """A title that scraping ran into the line of its first sentence (text.glued_heading_end):
    never quoted. It is not made the heading of what follows either: in a page of several
    scraped articles it would name every passage up to the next heading."""
    if not (start == 0 or text[start - 1] == "\n") or end == len(text) or text[end] == "\n":
        return False
    line_end = text.find("\n", end)
    return glued_heading_end(text, start, len(text) if line_end < 0 else line_end) == end


def quotable_sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences an answer may quote: not headings (a line that introduces a
    list, 「工作包括以下几项：」, is quotable), not questions or exercises, not fragments under
    MIN_QUOTE_CHARS but a lead-in whose list follows (「应包括：」). Ingest embeds exactly these,
    and answers choose among them."""
    return [(s, e) for s, e, _ in headed_sentences(text)]


def _short_lead_in(text: str, start: int, end: int) -> bool:
    """A lead-in line too short to quote alone (「应包括：」) whose list follows on the next lines:
    an answer quotes it with its items (kb/answering/units.py), which may be too short to quote
    one by one (「违约处理」). Prose only: a short line of code ending in a colon (「else:」) is no
    lead-in (headed_sentences asks this outside code)."""
    own_line = (start == 0 or text[start - 1] == "\n") and text[end : end + 1] == "\n"
    return own_line and _INTRODUCES_LIST.fullmatch(text, start, end) is not None


def headed_sentences(text: str) -> list[tuple[int, int, str]]:
    """The quotable sentences, each with the nearest heading line before it ("" if none). A
    line of code is never a heading: the code line that does it answers a how-to question;
    outside code a line of numbers and signs alone, or a table of contents run into one line,
    is never quoted."""
    found = []
    heading = ""
    code = code_spans(text)
    for s, e in sentence_spans(text):
        in_code = any(a <= s and e <= b for a, b in code)
        own_heading = is_heading(text, s, e) and not in_code
        if in_code and text[s:e].startswith(FENCE):
            continue
        if (
            (e - s >= MIN_QUOTE_CHARS or (not in_code and _short_lead_in(text, s, e)))
            and (in_code or (_HAS_LETTER.search(text, s, e) and not _CONTENTS_LINE.fullmatch(text, s, e)))
            and not _QUESTION.search(text, s, e)
            and not _EXERCISE.match(text, s, e)
            and not is_glued_title(text, s, e)
            and (not own_heading or _INTRODUCES_LIST.fullmatch(text, s, e))
        ):
            found.append((s, e, heading))
        if own_heading:
            heading = unbulleted(text[s:e])
    return found


def split_passages(text: str, settings: ChunkSettings = ChunkSettings()) -> list[ChunkSpan]:
    """Group sentences into passages of at most `max_chars` (a single longer sentence stands alone).
    A line of code is never a heading (「# --- 推荐的基础配置 ---」 is a comment)."""
    sentences = sentence_spans(text)
    code = code_spans(text)
    passages: list[ChunkSpan] = []
    current: list[tuple[int, int]] = []
    heading = ""  # nearest heading before the first sentence of `current`
    last_heading = ""
    for s, e in sentences:
        heading_here = is_heading(text, s, e) and not any(a <= s and e <= b for a, b in code)
        too_long = current and e - current[0][0] > settings.max_chars
        section_break = heading_here and current and current[-1][1] - current[0][0] >= settings.max_chars // 2
        if too_long or section_break:
            passages.append(ChunkSpan(current[0][0], current[-1][1], heading))
            keep = current[-settings.overlap_sentences :] if settings.overlap_sentences and not section_break else []
            if keep and e - keep[0][0] > settings.max_chars:
                keep = []
            current = keep
            heading = last_heading
        if not current:
            heading = last_heading
        current.append((s, e))
        if heading_here:
            last_heading = unbulleted(text[s:e])
    if current:
        passages.append(ChunkSpan(current[0][0], current[-1][1], heading))
    return _drop_contained(passages)


def _drop_contained(passages: list[ChunkSpan]) -> list[ChunkSpan]:
    """An overlap can leave a passage wholly inside its successor; keep only the larger one."""
    kept: list[ChunkSpan] = []
    for p in passages:
        if kept and kept[-1].start >= p.start and kept[-1].end <= p.end:
            kept.pop()
        if kept and p.start >= kept[-1].start and p.end <= kept[-1].end:
            continue
        kept.append(p)
    return kept
