"""Numbered steps spread over a document's passages, found as one series.

Slides number a procedure's steps 「（1）…」「（2）…」「（3）…」 over several slides: each slide
repeats its title with 「（续）」 and puts detail lines under each item, so one passage seldom
holds the whole procedure. A series is the items of one numbering style, numbered 1, 2, 3 …
in order, each within a few lines of the one before, after a lead-in: the line just before
the first item, short or ending in 「：」 (「系统故障的恢复步骤」, 「具体步骤是：」). The lines
between items (details, repeated titles, items numbered in another style) are not part of it.
Paragraphs opening with 首先/其次 argue rather than list steps: they make no series (steps
joined by 首先 … 然后 within a span are units.holds_steps').

Slides also list a procedure's steps without numbers, as the lines under a title that names
it (「解除死锁」 over 「选择一个处理死锁代价最小的事务，将其撤消」 and 「释放此事务持有的所有的锁…」):
a heading block (heading_blocks) is such a title and the short statement lines under it, up
to the next heading.

Lines are read from a document's passages in text order; each line is quoted from a passage
that holds it whole, so every item is still a verbatim span of a passage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kb.answering.units import ANNOUNCES, LIST_ITEM, marker_style
from kb.ingest.chunk import is_heading, unbulleted
from kb.language.code import FENCE, only_boilerplate, reads_as_code, typed_at_prompt
from kb.language.dictionary import dictionary_tag
from kb.types import Passage

# Lines and characters allowed between two items of a series: a slide's detail lines and the
# next slide's repeated 「…（续）」 title, not the rest of the chapter.
MAX_DETAIL_LINES = 8
MAX_DETAIL_CHARS = 400
CODE_STEP_LINES = 4  # a code block this short under an item is the command that does the step
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A sentence saying which step it is: 首先, 然后, 接着, 最后, 第一步.
_STEP_WORD = re.compile(r"(?:^|[，,。；;])\s*(?:首先|然后|接着|随后|之后|最后|第[一二三四五六七八九十]步)")
WALKTHROUGH_CODE_LINES = 8  # a walkthrough's block this short is its step's commands
LEAD_IN_CHARS = 40  # a line this short (or one ending in 「：」) before the first item is its lead-in
_CHINESE_DIGITS = {ch: n for n, ch in enumerate("一二三四五六七八九十", start=1)}
# A heading block's items: two to this many statement lines under the heading, each a
# slide's bullet (at most BULLET_CHARS), not a paragraph.
MAX_BLOCK_ITEMS = 6
BULLET_CHARS = 60


@dataclass(frozen=True)
class Line:
    """One line of a document, as offsets in its cleaned text, and a passage holding it whole."""

    start: int
    end: int
    passage: Passage

    @property
    def text(self) -> str:
        return self.passage.text[self.start - self.passage.start : self.end - self.passage.start]

    @property
    def is_heading(self) -> bool:
        """A title line, not a statement (chunk.is_heading, within its passage)."""
        offset = self.passage.start
        return is_heading(self.passage.text, self.start - offset, self.end - offset)


@dataclass(frozen=True)
class Series:
    """A procedure's items in order, with its lead-in line and the line before the lead-in
    (a slide's title: what the steps are for), if any, and the short code blocks right under
    its items (「(3) 启动/停止 MySQL」 over 「net start mysql」: the command that does the step)."""

    lead_in: Line
    items: tuple[Line, ...]
    title: Line | None = None
    code: tuple[Line, ...] = ()

    @property
    def lines(self) -> tuple[Line, ...]:
        return (*((self.title,) if self.title else ()), self.lead_in, *self.items)


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
    """The style (units.marker_style) and the number of the numbered item a line opens with:
    「（3）」 → ("(N)", 3), 「③」 → ("○", 3), 「十二、」 → ("N、", 12); None for a line that is
    no item or opens with a sequence word (首先)."""
    style = marker_style(text)
    marker = LIST_ITEM.match(text)
    if style is None or style == "then" or marker is None:
        return None
    found = marker.group().strip()
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


def series_from(lines: Sequence[Line], first: int) -> Series | None:
    """The series whose first item (numbered 1) is lines[first], or None when it has no
    lead-in or fewer than two items follow one another within MAX_DETAIL_LINES /
    MAX_DETAIL_CHARS."""
    opened = item_number(lines[first].text)
    if opened is None or opened[1] != 1:
        return None
    style, number = opened
    items = [lines[first]]
    gap_lines = gap_chars = 0
    for line in lines[first + 1 :]:
        found = item_number(line.text)
        if found is not None and found[0] == style:
            if found[1] != number + 1:
                break  # the numbering starts again: another list
            items.append(line)
            number, gap_lines, gap_chars = found[1], 0, 0
            continue
        gap_lines += 1
        gap_chars += line.end - line.start
        if gap_lines > MAX_DETAIL_LINES or gap_chars > MAX_DETAIL_CHARS:
            break
    # A bare outer number (「1.」, its words on the line above) stands between the items and their lead-in.
    lead = first - 1 - (first > 1 and bare_number(lines[first - 1].text))
    if len(items) < 2 or lead < 0 or not _leads_in(lines[lead], style):
        return None
    above = item_number(lines[lead - 1].text) if lead > 0 else None
    # 「1. 查询结果为多条记录的SELECT语句」 over 「使用游标的步骤」: a title, numbered otherwise.
    title = lines[lead - 1] if lead > 0 and (above is None or above[0] != style) else None
    code = tuple(line for item in items for line in _code_under(lines, lines.index(item)))
    return Series(lines[lead], tuple(items), title, code)


def bare_number(text: str) -> bool:
    """A list number with no words after it (「1.」)."""
    marker = LIST_ITEM.match(text)
    return marker is not None and not text[marker.end() :].strip()


def _code_under(lines: Sequence[Line], at: int, most: int = CODE_STEP_LINES) -> list[Line]:
    """The fenced code block right under lines[at], fences included, if it holds at most
    `most` lines: a command, not a listing."""
    if at + 1 >= len(lines) or lines[at + 1].text != FENCE:
        return []
    end = next((j for j in range(at + 2, len(lines)) if lines[j].text == FENCE), None)
    if end is None or end - at - 2 > most:
        return []
    return list(lines[at + 1 : end + 1])


def _leads_in(line: Line, style: str) -> bool:
    """A line before a first item that introduces it: short (a slide's 「恢复步骤」), ending
    in 「：」 or naming steps (units.ANNOUNCES) — not an item of the same list, but perhaps
    numbered in another style (「(3) 介质故障恢复：」 over 「① …」)."""
    text = line.text
    if marker_style(text) == style or bare_number(text) or not text.strip():
        return False  # an item of this list, or a bare number (「1.」) that introduces nothing
    # 「…，之后就是平时练习的步骤了。」 names what the list under it is.
    return len(text) <= LEAD_IN_CHARS or text.rstrip().endswith(("：", ":")) or bool(ANNOUNCES.search(text.rstrip()))


def heading_blocks(lines: Sequence[Line]) -> list[Series]:
    """Every heading block of the lines: a heading (its lead-in; the line above it, its
    title) and the two to MAX_BLOCK_ITEMS unnumbered statement lines of at most BULLET_CHARS
    right under it, ending at the next heading. Lines running on past that many are a
    passage of prose, no list of steps; nor are the lines of a code listing (its fence, its
    imports)."""
    headings = [line.is_heading for line in lines]
    blocks = []
    for i, line in enumerate(lines):
        if not headings[i]:
            continue
        items = []
        for below, is_heading_below in zip(lines[i + 1 :], headings[i + 1 :]):
            if is_heading_below and not _instruction(below.text):
                break
            items.append(below)
            if len(items) > MAX_BLOCK_ITEMS:
                break
        bullets = all(item.end - item.start <= BULLET_CHARS and item_number(item.text) is None for item in items)
        listing = any(FENCE in item.text or only_boilerplate(item.text) for item in (line, *items))
        if 2 <= len(items) <= MAX_BLOCK_ITEMS and bullets and not listing:
            blocks.append(Series(line, tuple(items), lines[i - 1] if i else None))
    return blocks


# Verbs of a syllabus, not of a procedure: 「了解视图的定义」 is what a chapter teaches.
_OBJECTIVES = ("了解", "掌握", "理解", "熟悉", "学习", "学会", "认识")


def instructs(line: Line) -> bool:
    """The line says what to do (_instruction)."""
    return _instruction(line.text)


def _instruction(text: str) -> bool:
    """A short line that says what to do, which ingest reads as a heading (no verb of
    statement): 「为事件源注册事件监听器」, 「实现事件监听器接口」 under 「事件处理过程」 are the steps
    of a slide's procedure, not headings of their own. It opens with a verb or with the
    preposition an instruction opens with (为, 用, 将, 把, 对, 向, 给)."""
    line = unbulleted(text).strip()
    opening = dictionary_tag(line[:2])  # 「对象…」, 「用户…」 open with a noun, not a preposition
    return not line.startswith(_OBJECTIVES) and (
        (opening or "").startswith("v") or (opening is None and line[:1] in "为用将把对向给")
    )


def all_series(lines: Sequence[Line]) -> list[Series]:
    """Every series of the lines, in text order."""
    return [s for s in (series_from(lines, i) for i in range(len(lines))) if s is not None]


# A comment opening a line of code: 「## 1. 创建用户和组」, 「// 1. 加载驱动」, 「-- 2. 建表」.
_COMMENT = re.compile(r"^(?:#+|//+|--|/\*+|<!--)\s*")


def commented_steps(lines: Sequence[Line]) -> list[Series]:
    """Every fenced block whose comments number its steps (「## 1. 创建用户和组」 … 「## 4. 后续
    命令以 appuser 身份运行」, 「// 1. 加载驱动」 … 「// 3. 执行SQL」): tutorials write a procedure
    as one listing, each step's comment over the code that does it. The numbered comments are
    the items (1, 2, … in order, one style, two or more), the block's other lines, fences
    included, the code; the line right above the block leads in (the heading or sentence that
    introduces it), a heading right above that is its title."""
    found = []
    for at, end in _fenced_blocks(lines):
        items = _numbered_comments(lines[at + 1 : end])
        if len(items) >= 2:
            code = tuple(line for line in lines[at : end + 1] if line not in items)
            found.append(Series(lines[at - 1], tuple(items), _title_over(lines, at), code))
    return found


def transcripts(lines: Sequence[Line]) -> list[Series]:
    """Every fenced console session with two or more commands typed at a prompt (「[root@s26 ~]#
    service docker stop」 … 「[root@s26 lib]# service docker start」) under the line that
    introduces it (「例如，如下操作将默认存储位置迁移到 /storage/docker。」): a procedure shown by
    doing it. The commands are its items; what they print is left out. The heading above, a few
    lines up at most, is its title."""
    found = []
    for at, end in _fenced_blocks(lines):
        commands = [line for line in lines[at + 1 : end] if typed_at_prompt(line.text)]
        if len(commands) >= 2:
            # The question a FAQ's session answers is its heading, a few lines up.
            found.append(Series(lines[at - 1], tuple(commands), _heading_above(lines, at - 1)))
    return found


def _fenced_blocks(lines: Sequence[Line]) -> Iterator[tuple[int, int]]:
    """The (opening, closing) fence line numbers of each block with a line above it that is no
    fence (what introduces the block)."""
    at = 0
    while at < len(lines):
        if lines[at].text != FENCE or not _opens_a_block(lines, at):
            at += 1
            continue
        end = next((j for j in range(at + 1, len(lines)) if lines[j].text == FENCE), len(lines))
        if at > 0 and lines[at - 1].text != FENCE:
            yield at, end
        at = end + 1


def _title_over(lines: Sequence[Line], at: int) -> Line | None:
    """The heading right above the line that introduces the block at lines[at], if that line is
    no heading itself."""
    lead = lines[at - 1]
    return lines[at - 2] if at > 1 and not lead.is_heading and lines[at - 2].is_heading else None


def _numbered_comments(block: Sequence[Line]) -> list[Line]:
    """The block's comment lines numbered 1, 2, … in one style, in order (none unless from 1)."""
    items: list[Line] = []
    style = ""
    for line in block:
        comment = _COMMENT.match(line.text)
        found = item_number(line.text[comment.end() :]) if comment else None
        if found is None:
            continue
        if found[1] == 1 and not items:
            style = found[0]
        elif not items or found != (style, len(items) + 1):
            break
        items.append(line)
    return items


def walkthroughs(lines: Sequence[Line]) -> list[Series]:
    """Every walkthrough of the lines: notes walk through a procedure as sentences each ending
    in 「：」 over the command it introduces (「一个最小的全量备份流程如下：」 over 「xtrabackup
    --backup …」, then 「备份完成后…需要先 prepare，让数据文件达到一致状态：」 over 「xtrabackup
    --prepare …」). Two or more such sentences in a row, with at most MAX_DETAIL_LINES lines of
    prose between them and no heading, are a series: the first leads in, the others are its
    items, each with its block (at most WALKTHROUGH_CODE_LINES lines: a command, not a
    listing); the heading above it, a few lines up at most, is its title."""
    found: list[Series] = []
    steps: list[tuple[int, list[Line]]] = []
    gap = i = 0
    inside = False  # in a block no step introduces: its lines are code, neither steps nor headings
    while i < len(lines):
        block = [] if inside else _introduced_code(lines, i)
        if block:
            steps.append((i, block))
            gap, i = 0, i + len(block) + 1
            continue
        if lines[i].text == FENCE:
            inside = not inside and _opens_a_block(lines, i)
        gap += 1
        if (lines[i].is_heading and not inside and lines[i].text != FENCE) or gap > MAX_DETAIL_LINES:
            found += _walkthrough(lines, steps)
            steps, gap = [], 0
        i += 1
    return found + _walkthrough(lines, steps)


def _introduced_code(lines: Sequence[Line], at: int) -> list[Line]:
    """The fenced block (fences included) right under lines[at] when that line introduces it —
    ends in 「：」 or says which step it is (「…首先要找出 Fish 可执行文件的位置。」, 「然后，使用
    chsh 命令切换默认 Shell。」) — and the block holds at most WALKTHROUGH_CODE_LINES lines;
    else none."""
    text = lines[at].text.rstrip()
    introduces = text.endswith(("：", ":")) or _STEP_WORD.search(text)
    return _code_under(lines, at, WALKTHROUGH_CODE_LINES) if introduces else []


def _opens_a_block(lines: Sequence[Line], at: int) -> bool:
    """The fence at lines[at], met outside a block, opens one — unless a Chinese sentence follows
    it: a passage read from its middle may begin on the closing fence of a block before it."""
    after = lines[at + 1].text if at + 1 < len(lines) else ""
    return not (_HAN.search(after) and not reads_as_code(after))


def _heading_above(lines: Sequence[Line], at: int) -> Line | None:
    """The nearest heading at most MAX_DETAIL_LINES lines above lines[at], outside code blocks
    (a short command such as 「$ cat /etc/shells」 reads as a heading)."""
    inside = False
    for line in reversed(lines[max(0, at - MAX_DETAIL_LINES) : at]):
        if line.text == FENCE:
            inside = not inside
        elif not inside and line.is_heading:
            return line
    return None


def _walkthrough(lines: Sequence[Line], steps: list[tuple[int, list[Line]]]) -> list[Series]:
    """The walkthrough of the steps found (line index, block), if two or more."""
    if len(steps) < 2:
        return []
    first = steps[0][0]
    title = _heading_above(lines, first)
    items = tuple(lines[at] for at, _ in steps[1:])
    return [Series(lines[first], items, title, tuple(line for _, block in steps for line in block))]


def continues(before: str, span: str) -> bool:
    """Does `span` open with the item that follows the last item of `before` (「（2）…」 after
    「…\n（1）…」, or after 「(3) 启动/停止 MySQL」 and the command under it)? Such an item,
    quoted on its own from the next slide, is not a stray item."""
    numbered = (item_number(line.strip()) for line in reversed(before.split("\n")))
    last = next((number for number in numbered if number is not None), None)
    opened = item_number(span.strip())
    return last is not None and opened is not None and last[0] == opened[0] and opened[1] == last[1] + 1
