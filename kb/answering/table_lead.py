"""A comparison's answer led by its table.

The sentences that score best one by one may share the question's words without saying how
its two sides differ (「选择运算应尽可能先做」 for 「选择运算和投影运算有什么不同」), while the
contrast table read from the corpus has found one statement per side on the same aspect
(「…是从行的角度进行的运算」 | 「投影操作主要是从列的角度进行运算」): those lead.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from kb.answering.aspects import DEFINITION_ASPECT
from kb.answering.contrast import ContrastVocabulary, profile_knows
from kb.answering.defining import defining_sentence
from kb.answering.evidence import Evidence
from kb.answering.presenting import presentable
from kb.answering.sides import weighs
from kb.formats import CELL_SEPARATOR
from kb.language.duplicates import overlaps
from kb.language.text import fold
from kb.types import Contrast, ContrastRow, Hit

if TYPE_CHECKING:
    from kb.answering.plan import QuestionPlan

# A sentence that names the difference and says it (「它与 Docker 最大的区别在于它是通过模拟硬件…」).
_EITHER = ("前者", "后者", "两者", "二者")  # words that speak of the sides without their names
SAYS_THE_DIFFERENCE = re.compile(r"(?:区别|不同|差异|差别)(?:之处)?(?:主要)?(?:在于|就在于|是|就是).{4,}")


def led_by_table(
    contrast: Contrast,
    plan: QuestionPlan,
    vocabulary: ContrastVocabulary,
    hits: list[Hit],
    candidates: list[Evidence],
    chosen: list[Evidence],
) -> list[Evidence]:
    """`chosen` led by a row of the table (_leading_row; `candidates`: the sentences an answer
    may quote), when the best chosen sentence neither sets the sides against each other (its
    `cue` feature) nor says how they differ (SAYS_THE_DIFFERENCE), and the table was read from
    the corpus: a profile's aspects come in the profile's order, not the question's. An answer
    led by what each side is (defining.led_by_definitions: 「排它锁又称为写锁」, 「共享锁又称为读锁」;
    「协作式调度 / 可执行程序主动放弃处理器使用」) keeps that lead and quotes the first row after it
    that says how they differ (not its 定义 row: what each is is said). A question weighing the
    sides (「各有什么优缺点」) is led by what each is, then the row. Each cell is quoted as the
    candidate sentence that holds it, else as the table quotes it (a cell may come from a
    passage beyond the shown ones); two cells of one sentence quote it once, each as an answer
    quotes it (presentable), or a cell of a document's table too short to stand alone as its row's
    line, where that is no row of bare names (sentence_quality); a cell that cannot be quoted
    (「‒ 则是按照…」 opens mid-clause) leads with no row. With nothing chosen (the slide lines
    「标准库：依赖操作系统」, 「核心库：与操作系统无关」 are too short to be stored sentences), the row
    is the answer."""
    if not contrast.rows or not plan.sides or profile_knows(list(plan.sides), vocabulary):
        return chosen
    if not chosen:
        return _quoted_row(_leading_row(contrast.rows), plan, hits, candidates) or []
    definitions = [defining_sentence(side, hits) for side in plan.sides]
    defined = _led_by_definitions(definitions, chosen)
    if not defined and weighs(plan.text):
        chosen, defined = _led_by_what_each_is(definitions, chosen)
    if not defined and (chosen[0].features.get("cue") or SAYS_THE_DIFFERENCE.search(fold(chosen[0].text))):
        return chosen
    head = chosen[:defined]
    # The table's 定义 row may be the very lines that lead: the row after it says how they differ.
    rows = [
        row
        for row in contrast.rows
        if not any(overlaps(cell, quoted) for cell in row.cells for quoted in head)
        and not (head and row.aspect == DEFINITION_ASPECT)
    ]
    row = _quoted_row(_leading_row(rows), plan, hits, candidates) if rows else None
    if row is None:
        return chosen
    row = [cell for cell in row if not any(overlaps(cell, quoted) for quoted in head)]
    # After the row, only what speaks of a side, by its name or as 前者/后者: 「核心算法对应为实现算法的
    # 函数」 shares 核心 with 「标准库和核心库」, no more.
    named = [c for c in chosen[defined:] if any(side in fold(c.text) for side in (*plan.sides, *_EITHER))]
    return head + row + [c for c in named if not any(overlaps(c, quoted) for quoted in row)]


def _leading_row(rows: list[ContrastRow]) -> ContrastRow:
    """The first row whose cells are one line each, statements set against each other; else the
    first: a cell of several lines (a label's list, 「类声明，…」 / 「Java程序的所有语句都…」)
    belongs in the table, not at the head of the answer."""
    return next((row for row in rows if not any("\n" in cell.text.strip() for cell in row.cells)), rows[0])


def _led_by_definitions(definitions: list[Evidence | None], chosen: list[Evidence]) -> int:
    """2 when `chosen` opens with the sentences that define the two sides (`definitions`:
    defining_sentence of each), else 0. Such a lead may only name them (「排它锁又称为写锁」) or
    say what each is without setting them apart: how they differ comes after it."""
    if len(chosen) < len(definitions):
        return 0
    for definition, quoted in zip(definitions, chosen):
        if definition is None or (definition.doc_id, definition.start) != (quoted.doc_id, quoted.start):
            return 0
    return len(definitions)


def _led_by_what_each_is(definitions: list[Evidence | None], chosen: list[Evidence]) -> tuple[list[Evidence], int]:
    """For 「A和B各有什么优缺点」, whose table sets out the pros and cons: `chosen` led by the
    sentences (or slide lines) that say what each side is (`definitions`), when both are found,
    and how many lead; else `chosen` as it was."""
    found = [d for d in definitions if d is not None]
    if len(found) < len(definitions) or (found[0].doc_id, found[0].start) == (found[1].doc_id, found[1].start):
        return chosen, 0
    return found + [c for c in chosen if not any(overlaps(c, d) for d in found)], len(found)


def _quoted_row(
    row: ContrastRow, plan: QuestionPlan, hits: list[Hit], candidates: list[Evidence]
) -> list[Evidence] | None:
    """A row's cells as an answer quotes them, each once; None if a cell cannot be quoted."""
    by_rank = {h.rank: h for h in hits}
    lead: list[Evidence] = []
    for cell in row.cells:
        holder = next(
            (c for c in candidates if c.doc_id == cell.doc_id and c.start <= cell.start and cell.end <= c.end), None
        )
        if holder is None:
            hit = by_rank[cell.citations[0]]
            holder = Evidence(cell.text, hit.passage, hit.rank, cell.start, cell.end, citations=cell.citations)
        shown = presentable(holder, plan.shape)
        if shown is None and (row_line := _row_line(holder)) is not None:
            shown = presentable(row_line, plan.shape)
        if shown is None:
            return None
        if not any(overlaps(shown, quoted) for quoted in lead):
            lead.append(shown)
    return lead


def _row_line(cell: Evidence) -> Evidence | None:
    """The line of a document's table row holding a cell (「工作方式 | 在容器内启动新进程 | 附加到主进程」),
    which the contrast builder read as one statement per side, or the line that labels the cell
    with its side's name (「标准库：依赖操作系统」); None for a cell of neither."""
    text, offset = cell.passage.text, cell.start - cell.passage.start
    start, end = text.rfind("\n", 0, offset) + 1, text.find("\n", offset)
    end = len(text) if end < 0 else end
    labelled = text[start:offset].rstrip().endswith(("：", ":"))
    if CELL_SEPARATOR not in text[start:end] and not labelled:
        return None
    return dataclasses.replace(
        cell, text=text[start:end], start=cell.passage.start + start, end=cell.passage.start + end
    )
