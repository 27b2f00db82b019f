"""Contrast cells from slide outlines: a side's name on a line of its own, labelled lines under it.

Lecture slides compare in outline, not in sentences: 「静态转储」 on a line, its description, then
「优点：实现简单」 and 「缺点：降低了数据库的可用性」; further on 「动态转储」, 「优点」 over two
items, and 「动态转储的缺点」 over its own. No line opens with a side's name and states something,
so clause reading (contrast.py) finds nothing; here a line that is a side's name (alone, with a
gloss in brackets, 「什么是X」, or with a label: 「X的缺点」) opens that side's section, and a label
inside it (「优点：…」, or a short label line over items) gives a cell under that label; under the
name alone (「重载(Overload)」), the statement on the next line says what the side is. A row
still needs the same label under each side, so an item line taken for a label pairs with nothing.
A section runs on into the next passage of the same document when that passage was retrieved
too (a slide cut between passages). Only the outline's form is read, never a subject's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from kb.answering.aspects import DEFINITION_ASPECT, EXAMPLE, PREDICATE, says_something
from kb.answering.sentence_quality import SECTION_NUMBER
from kb.language.statements import names_a_topic
from kb.language.text import fold
from kb.types import CitedSpan, Hit, Passage

# Bullets and item numbers before a line's words: private-use glyphs, •, ■, 「1.」, 「（2）」.
_LEAD = re.compile(r"[\s\ue000-\uf8ff•·▪■□◆◇○●❖➢➤►▶√※*‒–-]*(?:[（(]\d{1,2}[)）]|\d{1,2}[、.．](?!\d))?\s*")
_LABEL_WORDS = r"[\u4e00-\u9fff]{2,6}"
# 「优点：实现简单」 (a label and its statement) or 「优点」 / 「优点：」 over items.
_LABELLED = re.compile(rf"^({_LABEL_WORDS})\s*[：:]\s*(.*)$")
# 「throws 关键字」, 「ABAC 模型的原理」: what kind of thing the side is, after its name; no label.
_KIND = r"(?:(?!的)[\u4e00-\u9fff]){2,6}"
_BARE_LABEL = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_GLOSS = r"(?:\s*[（(][^）)]{0,60}[）)])?"
# 「大内核/单内核/宏内核」: the side's name among others for the same thing.
_OTHER_NAMES = r"(?:[^/／\s]{1,12}[/／])*"
_BRACKETED = re.compile(r"[（(][^）)]{0,60}[）)]")
_DEFINED_BY_LABEL = frozenset({"定义", "概念", "含义"})  # 「X的定义」 states what 「什么是X」 asks
# 「连接（续）」: a slide's title carried over to the next slide; a side's section ends there.
_CONTINUED = re.compile(r"[（(]续[)）]\s*$")
MAX_CELL_CHARS = 90  # a cell of items stops at the item that would take it past this
MAX_LABEL_LINE_CHARS = 30  # a line longer than this states something, it names no section
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]")
MIN_CHARACTERISING_HAN = 4  # Chinese characters after 「X：」 that say what X is
# 「页表，堆，栈，寄存器」: names, no statement.
_NAMES = re.compile(r"[^，,、；;]{1,4}(?:\s*[，,、]\s*[^，,、；;]{1,4})+")


@dataclass(frozen=True)
class OutlineCell:
    """A statement in one side's section of an outline: under an aspect's label, or (`aspect`
    None) a line of its own that states something, for contrast rows of parallel statements."""

    aspect: str | None
    side: int
    cell: CitedSpan


@dataclass
class _Section:
    """Where the outline is: the side whose section it is in, and a label waiting for its items."""

    side: int | None = None
    label: str | None = None
    start: int = 0
    end: int = 0
    named_here: bool = False  # the side's name line is in the passage being read
    defining: bool = False  # the line just read was the side's name alone: the next says what it is


@dataclass(frozen=True)
class _Outline:
    """How a line is read: `side_line` matches a side's name line, `sides` find each side's names."""

    side_line: re.Pattern[str]
    sides: list[re.Pattern[str]]
    states: Callable[[str], bool]  # the text states something (aspects.says_something)


def outline_cells(
    hits: Sequence[Hit], names: Sequence[tuple[str, ...]], tokenize: Callable[[str], Sequence[str]] | None = None
) -> list[OutlineCell]:
    """Every labelled statement under a side's name line in the hits' passages, in rank order.
    `names`: each side's names (folded, longest first); `tokenize` (the index's analyzer) tells
    a statement after a side's name and colon (「核心库：与操作系统无关」) from a list of names
    (「线程：栈，寄存器」)."""
    by_id = {h.passage.id: h for h in hits}
    patterns = [re.compile("|".join(map(re.escape, g))) for g in names if g]
    words = _whole_words(tokenize) if tokenize is not None else None
    outline = _Outline(_side_line_pattern(names), patterns, lambda text: says_something(text, words))
    cells: list[OutlineCell] = []
    for hit in sorted(hits, key=lambda h: (h.passage.doc_id, h.passage.id)):
        before = by_id.get(hit.passage.id - 1)
        carried = before is not None and before.passage.doc_id == hit.passage.doc_id
        section = _Section(_last_side(before.passage, outline) if carried and before else None)
        cells += _cells(hit, outline, section)
    return sorted((c for c in cells if not _contents(c.cell.text)), key=lambda c: c.cell.citations)


def _contents(text: str) -> bool:
    """Lines that only name topics (「多道程序与协作式调度 / 2. 分时多任务与抢占式调度」 under a
    slide's 「提纲」): a contents list, no statement about a side."""
    lines = [_LEAD.sub("", line, count=1).strip() for line in text.split("\n") if line.strip()]
    return len(lines) >= 2 and all(names_a_topic(line) for line in lines)


def _whole_words(tokenize: Callable[[str], Sequence[str]]) -> Callable[[str], list[str]]:
    """The words `tokenize` cuts a text into, but those inside a longer one: the index's analyzer
    also gives 「寄存」 of 「寄存器」, which the dictionary tags a verb."""

    def whole(text: str) -> list[str]:
        words = list(tokenize(text))
        return [w for w in words if not any(w != o and w in o for o in words)]

    return whole


def compared_in_one_document(cells: Sequence[OutlineCell]) -> list[OutlineCell]:
    """The cells of documents that outline both sides: an outline compares within one. A recipe
    listing 老抽 among its ingredients, its 「计算」 and 「操作」 sections after, pairs with no other
    recipe's 「生抽」 and sections."""
    sides = {doc: {c.side for c in cells if c.cell.doc_id == doc} for doc in {c.cell.doc_id for c in cells}}
    return [c for c in cells if len(sides[c.cell.doc_id]) > 1]


def _side_line_pattern(names: Sequence[tuple[str, ...]]) -> re.Pattern[str]:
    """A line that is a side's name: alone, glossed (「强制存取控制（MAC）」), after its other
    names (「大内核/单内核/宏内核」), asked after (「什么是垂直分解」), with a label (「动态转储的
    缺点」, 「自主存取控制缺点：」), after what kind of thing it is (「throws 关键字」, 「ABAC 模型的
    原理」: words after the name with neither 的 nor a colon after them name no label)."""
    groups = "|".join(f"(?P<side{i}>{'|'.join(map(re.escape, group))})" for i, group in enumerate(names) if group)
    return re.compile(
        rf"^(?P<asked>什么是|何为|何谓)?{_OTHER_NAMES}(?:{groups}){_GLOSS}"
        rf"\s*(?P<kind>{_KIND})??(?:的(?P<label>{_LABEL_WORDS})|(?P<bare>{_LABEL_WORDS})(?=\s*[：:]))?\s*(?:[：:]\s*(?P<rest>.*))?$"
    )


def _lines(passage: Passage) -> Iterator[tuple[int, int, str]]:
    """(start, end, folded words) of each line of a passage, bullets and item numbers skipped."""
    text = passage.text
    position = 0
    for line in text.split("\n"):
        lead = _LEAD.match(line)
        start = position + (lead.end() if lead else 0)
        end = position + len(line.rstrip())
        if end > start:
            yield start, end, fold(text[start:end])
        position += len(line) + 1


def _last_side(passage: Passage, outline: _Outline) -> int | None:
    """The side whose section a passage ends in, if any."""
    section = _Section()
    for _, _, words in _lines(passage):
        _read_side_line(words, outline, section)
    return section.side


def _read_side_line(words: str, outline: _Outline, section: _Section) -> re.Match[str] | None:
    """Move `section` on if the line is a side's name line, or a title naming both sides
    (「静态转储与动态转储（续）」: no side's section); the match, for its label and statement.
    「排它锁又称为写锁」 states something after the name: no name line."""
    if len(_BRACKETED.sub("", words)) > MAX_LABEL_LINE_CHARS:
        return None
    match = outline.side_line.match(words)
    if match is None and (_CONTINUED.search(words) or all(side.search(words) for side in outline.sides)):
        section.side, section.label = None, None
    label = _label(match) if match else None
    kind = match.group("kind") if match else None
    # 「udp不可靠传输」, 「tcp有连接」 state something of the side: no name line.
    if match is None or (label and not _is_label(label)) or (kind and PREDICATE.search(kind)):
        return None
    section.named_here = True
    section.side = next(int(key[4:]) for key, value in match.groupdict().items() if key.startswith("side") and value)
    section.label = _aspect_name(match) if not (match.group("rest") or "").strip() else None
    section.defining = not (label or kind or match.group("asked") or (match.group("rest") or "").strip())
    section.start = section.end = 0
    return match


def _characterises(rest: str, outline: _Outline) -> bool:
    """What follows a side's name and colon says what the side is: a statement in words, not
    an example, a name in Latin letters (「Rust: std」) or a list of names (「栈，寄存器」)."""
    if len(_HAN_RUN.findall(rest)) < MIN_CHARACTERISING_HAN or EXAMPLE.match(rest) or _NAMES.fullmatch(rest):
        return False
    return outline.states(rest)


def _is_label(words: str) -> bool:
    """Words that name what the lines after them say (优点, 适用范围), not a statement or an example."""
    return not PREDICATE.search(words) and not EXAMPLE.match(words)


def _label(match: re.Match[str]) -> str | None:
    """The label a side's name line gives, after 的 or before a colon."""
    return match.group("label") or match.group("bare")


def _aspect_name(match: re.Match[str]) -> str | None:
    """The aspect a side's name line labels: 「的缺点」 → 缺点, 「什么是X」 → 定义."""
    label = _label(match)
    if match.group("asked") or label in _DEFINED_BY_LABEL:
        return DEFINITION_ASPECT
    return label


def _cells(hit: Hit, outline: _Outline, section: _Section) -> list[OutlineCell]:
    """The labelled statements of one passage, reading on from `section`: a label's items make
    one cell, up to MAX_CELL_CHARS, ending at an example or the next label."""
    passage, found = hit.passage, []
    for start, end, words in _lines(passage):
        match = _read_side_line(words, outline, section)
        if match is not None:
            rest, label = (match.group("rest") or "").strip(), _aspect_name(match)
            if rest and section.side is not None and (label or _characterises(rest, outline)):
                # 「标准库：依赖操作系统」 over 「核心库：与操作系统无关」: what each side is.
                found.append(_cell(hit, label or DEFINITION_ASPECT, section.side, (end - len(rest), end)))
            continue
        defining, section.defining = section.defining, False  # only the line right under the name
        if section.side is None:
            continue
        if SECTION_NUMBER.match(words):  # 「1.3.2 编译和运行Java程序」: the next section's title
            section.side = section.label = None
            continue
        labelled = _LABELLED.match(words)
        if not labelled and len(words) <= MAX_LABEL_LINE_CHARS and words.endswith(("：", ":")):
            section.side = section.label = None  # 「JDK1.7 的 ConcurrentHashMap:」 heads another thing's lines
            continue
        label = labelled.group(1) if labelled else words if _BARE_LABEL.match(words) else None
        if label is not None and _is_label(label):
            section.label, section.start, section.end = label, 0, 0
            if labelled and labelled.group(2).strip():
                found.append(_cell(hit, label, section.side, (start + labelled.start(2), end)))
                section.label = None
        elif section.label is None or EXAMPLE.match(words) or (section.end and end - section.start > MAX_CELL_CHARS):
            section.label = None
            statement = PREDICATE.search(words) and not EXAMPLE.match(words) and len(words) <= MAX_CELL_CHARS
            # Under 「## binlog」, 「redo log 它是物理日志…」 is said of the other side.
            others = (side for i, side in enumerate(outline.sides) if i != section.side)
            if statement and section.named_here and not any(side.match(words) for side in others):
                found.append(_cell(hit, DEFINITION_ASPECT if defining else None, section.side, (start, end)))
        elif not section.end:
            section.start, section.end = start, end
            found.append(_cell(hit, section.label, section.side, (start, end)))
        else:
            section.end = end
            found[-1] = _cell(hit, section.label, section.side, (section.start, end))
    return found


def _cell(hit: Hit, aspect: str | None, side: int, span: tuple[int, int]) -> OutlineCell:
    p = hit.passage
    s, e = span
    return OutlineCell(aspect, side, CitedSpan(p.text[s:e], (hit.rank,), p.doc_id, p.start + s, p.start + e))
