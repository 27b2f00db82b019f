"""The lines under a heading that restates the question: slides and notes answer there.

A slide titled 「为什么引入管程？」 answers 「已经有信号量和锁了，为什么还要引入管程？」 in the lines
under it (「传统PV和锁机制的可读性差」, 「正确性难以保证：…」), which ingest reads as headings or
short labels, not sentences to quote; one titled 「形成死锁的必要条件」 lists them (「互斥」 /
「任何时刻只能有一个进/线程使用一个资源实例」 …) for 「形成死锁的必要条件都有哪些」. Where a shown
passage holds a heading that says all the asking clause says, the lines right under it, up to
the first blank line past them, are the answer (a listing among them left out: 「临界区访问规则」
over its pseudo-code, then the four rules); the heading leads them in. Numbered section titles
under it (「死锁处理办法」 over 「1.1 什么是死锁？」 「1.2 资源分配图」) are a contents list: no answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kb.answering.sentence_quality import SECTION_NUMBER
from kb.answering.series import Line, Series
from kb.language.code import FENCE

# A heading restates the question when it holds this share of the asking clause's information.
RESTATED = 0.8
MAX_BLOCK_LINES = 8  # lines quoted under it at most: a slide's block, not the rest of the chapter


def restated_block(
    documents: Sequence[Sequence[Line]], shown: Callable[[Line], bool], restates: Callable[[str], float]
) -> Series | None:
    """The block under the first heading of a shown passage (`shown`; documents' lines, in text
    order) that `restates` the question (the share of its asking clause a text holds) by RESTATED or
    more, as a series led in by that heading; None where none does or nothing stands under it."""
    for lines in documents:
        for at, line in enumerate(lines):
            if not line.is_heading or restates(line.text) < RESTATED or not shown(line):
                continue
            block: list[Line] = []
            last, in_code = line, False
            for below in lines[at + 1 :]:
                # A blank line ends the block, but after the heading or a lead-in ending in a colon
                # (「…导致探测到的符合事件减少：」 over 「不校正：深部结构会“偏暗”…」).
                leads_in = not block or last.text.rstrip().endswith(("：", ":"))
                if below.passage.doc_id != line.passage.doc_id or _breaks(last, below) > (2 if leads_in else 1):
                    break
                last = below
                if below.text.startswith(FENCE) or in_code:  # a listing under it is no line of the answer
                    in_code = in_code != below.text.startswith(FENCE)
                    continue
                if restates(below.text) >= RESTATED:
                    break  # the heading again, on the next slide
                block.append(below)
                if len(block) == MAX_BLOCK_LINES:
                    break
            if block and not all(SECTION_NUMBER.match(item.text) for item in block):
                return Series(line, tuple(block), None)  # (an outline's 「1.1 什么是死锁？」 … is no answer)
    return None


def _breaks(above: Line, below: Line) -> int:
    """The line breaks between two lines: one within a block; two, a blank line, end it (but
    between a heading and its block). Lines of two passages are told by their distance."""
    if above.passage is below.passage:
        offset = above.passage.start
        return above.passage.text.count("\n", above.end - offset, below.start - offset)
    return below.start - above.end
