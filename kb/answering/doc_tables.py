"""Contrast rows from the documents' own tables.

Technical notes and handouts compare in tables: 「对比维度 | 静态代理 | 动态代理」 over rows
「实现方式 | 手动编写代理类… | 无需手动编写代理类…」. Every format writes a table row as one line,
its cells joined by CELL_SEPARATOR (kb/formats), so a table is a run of such lines with as many
cells each. When its header names the two sides, each row is an aspect (its first cell) with a
cell per side; when its first column names them, each column is an aspect (its header) and the
sides' rows give the cells. The header may lie in a passage before the retrieved one (a long
table is cut between passages), so the document is read on around it (`beside`); a cell is
only taken from a row whole inside a retrieved passage, which it cites.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kb.formats import CELL_SEPARATOR
from kb.language.text import fold
from kb.types import CitedSpan, Hit, Passage

# The passage next to one in its document (step -1: before, +1: after), or None at its edge.
Beside = Callable[[Passage, int], Passage | None]

MAX_STEPS = 3  # passages read on either side for a table's header and rows
MAX_GAP = 3  # characters between two passages read as the blank lines the chunker left out
MAX_ASPECT_CHARS = 16  # a row label longer than this is a statement, not an aspect's name
MIN_HEAD_CHARS = 2  # a label naming a side by the end of its name holds this many characters
_NOTHING = re.compile(r"[\s\-—–/\\|·.。,，:：;；]*")


@dataclass(frozen=True)
class TableCell:
    """A cell of a document's table that speaks of one side under one aspect."""

    aspect: str
    side: int
    cell: CitedSpan


@dataclass(frozen=True)
class _Row:
    """A table row: the document offsets of its line and of each of its cells."""

    start: int
    end: int
    cells: tuple[tuple[int, int], ...]


def table_cells(hits: Sequence[Hit], names: Sequence[tuple[str, ...]], beside: Beside | None) -> list[TableCell]:
    """The cells of every table in or around the hits' passages that compares the sides
    (`names`: each side's folded names), in table order."""
    found: list[TableCell] = []
    seen: set[tuple[str, int]] = set()
    for hit in hits:
        if CELL_SEPARATOR not in hit.passage.text:
            continue
        start, text = _window(hit.passage, beside)
        for table in _tables(start, text):
            if (hit.passage.doc_id, table[0].start) in seen:
                continue
            seen.add((hit.passage.doc_id, table[0].start))
            found += _compared(table, start, text, names, hits, hit.passage.doc_id)
    return found


def _window(passage: Passage, beside: Beside | None) -> tuple[int, str]:
    """(start, text) of the document around a passage: the passages before and after it that
    continue its text, up to MAX_STEPS each way."""
    start, end, text = passage.start, passage.end, passage.text
    if beside is None:
        return start, text
    for step in (-1, 1):
        current = passage
        for _ in range(MAX_STEPS):
            nearby = beside(current, step)
            if nearby is None or nearby.doc_id != passage.doc_id:
                break
            if step < 0 and start - MAX_GAP <= nearby.end and nearby.start < start:
                gap = "\n" * max(start - nearby.end, 0)  # the blank lines between two passages
                text, start = nearby.text[: start - nearby.start] + gap + text, nearby.start
            elif step > 0 and nearby.start <= end + MAX_GAP and end < nearby.end:
                gap = "\n" * max(nearby.start - end, 0)
                text, end = text + gap + nearby.text[max(end - nearby.start, 0) :], nearby.end
            else:
                break
            current = nearby
    return start, text


def is_table_header(passage: Passage, start: int, end: int) -> bool:
    """Whether a span (document offsets) lies in the first row of a table in the passage: its
    column names (「特性 | docker exec | docker attach」), which say nothing without the rows. A
    row line after other text that ends the passage counts: a table cut after its header."""
    at = 0
    lines = passage.text.split("\n")
    for i, line in enumerate(lines):
        line_start, at = passage.start + at, at + len(line) + 1
        if not (line_start <= start and end <= line_start + len(line)) or CELL_SEPARATOR not in line:
            continue
        before = next((other for other in reversed(lines[:i]) if other.strip()), "")
        after = next((other for other in lines[i + 1 :] if other.strip()), None)
        width = line.count(CELL_SEPARATOR)
        return CELL_SEPARATOR not in before and (after is None or after.count(CELL_SEPARATOR) == width)
    return False


def _tables(start: int, text: str) -> list[list[_Row]]:
    """The tables of a text: runs of row lines with as many cells each (blank lines between
    them allowed: Markdown's header rule leaves one), with document offsets."""
    tables: list[list[_Row]] = []
    current: list[_Row] = []
    position = 0
    for line in text.split("\n"):
        row = _row(line, start + position) if CELL_SEPARATOR in line else None
        if row is not None and current and len(row.cells) == len(current[0].cells):
            current.append(row)
        elif row is not None:
            tables.append(current := [row])
        elif line.strip():
            current = []
        position += len(line) + 1
    return [table for table in tables if len(table) >= 2]


def _row(line: str, start: int) -> _Row:
    cells: list[tuple[int, int]] = []
    cursor = 0
    for piece in line.split(CELL_SEPARATOR):
        stripped = piece.strip()
        lead = piece.find(stripped) if stripped else 0
        cells.append((start + cursor + lead, start + cursor + lead + len(stripped)))
        cursor += len(piece) + len(CELL_SEPARATOR)
    return _Row(start, start + len(line), tuple(cells))


def _compared(
    table: list[_Row], start: int, text: str, names: Sequence[tuple[str, ...]], hits: Sequence[Hit], doc_id: str
) -> list[TableCell]:
    """The table's cells by aspect and side, if its header or first column names the sides."""

    def cell_text(span: tuple[int, int]) -> str:
        return text[span[0] - start : span[1] - start]

    header = [fold(cell_text(span)) for span in table[0].cells]
    columns = _naming(header, names)
    if columns is not None and 0 not in columns:
        return [
            TableCell(aspect, side, cell)
            for row in table[1:]
            if _names_an_aspect(aspect := cell_text(row.cells[0]))
            for side, column in enumerate(columns)
            if (cell := _cited(row, column, cell_text, hits, doc_id))
        ]
    rows = _naming([fold(cell_text(row.cells[0])) for row in table[1:]], names)
    if rows is None:
        return []
    return [
        TableCell(aspect, side, cell)
        for column in range(1, len(table[0].cells))
        if _names_an_aspect(aspect := cell_text(table[0].cells[column]))
        for side, row_index in enumerate(rows)
        if (cell := _cited(table[1 + row_index], column, cell_text, hits, doc_id))
    ]


def _names_an_aspect(label: str) -> bool:
    """A row's first cell or a column's header names an aspect: short words, not a statement."""
    return not _NOTHING.fullmatch(label) and len(label) <= MAX_ASPECT_CHARS


def _naming(labels: Sequence[str], names: Sequence[tuple[str, ...]]) -> list[int] | None:
    """For each side, the one label (column header or row's first cell) that names it best
    (its longest name, or the name's head: 「逻辑备份」 names 「mysql逻辑备份」), or None unless
    every side has its own."""
    chosen: list[int] = []
    for side_names in names:
        lengths = [max((_naming_length(n, label) for n in side_names), default=0) for label in labels]
        best = max(range(len(labels)), key=lambda i: lengths[i], default=None)
        if best is None or lengths[best] == 0 or best in chosen:
            return None
        chosen.append(best)
    return chosen


def _naming_length(name: str, label: str) -> int:
    """How much of a side's name a label says: the name within it, or the label as the name's end."""
    if name and name in label:
        return len(name)
    return len(label) if len(label) >= MIN_HEAD_CHARS and name.endswith(label) else 0


def _cited(
    row: _Row, column: int, cell_text: Callable[[tuple[int, int]], str], hits: Sequence[Hit], doc_id: str
) -> CitedSpan | None:
    """The row's cell in `column`, citing the best-ranked hit that holds the whole row; None for
    an empty cell or a row no retrieved passage holds whole."""
    span = row.cells[column]
    text = cell_text(span)
    if _NOTHING.fullmatch(text):
        return None
    holder = min(
        (
            h.rank
            for h in hits
            if h.passage.doc_id == doc_id and h.passage.start <= row.start < row.end <= h.passage.end
        ),
        default=None,
    )
    return None if holder is None else CitedSpan(text, (holder,), doc_id, span[0], span[1])
