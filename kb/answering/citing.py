"""An answer's text as a reader sees it: each quoted span with its citation marks, lines kept
where the sources break them (steps, lists, a term over its definition). The spans themselves
stay verbatim (grounding.py); only this text is laid out."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from kb.answering.evidence import Evidence
from kb.answering.sentence_quality import junk_reason
from kb.answering.series import continues, item_number
from kb.answering.units import END_PUNCT, is_code
from kb.ingest.chunk import BULLET
from kb.language.code import FENCE, leaves_a_block_open, typed_at_prompt
from kb.language.text import in_typed_case
from kb.provenance import Location
from kb.types import Contrast, ContrastRow

Locate = Callable[[str, int, int], Location | None]  # a quoted span's place in its original file

_LINE_INDENT = re.compile(r"\n[ \t\u3000]+")


def cite(sentence: str, citations: list[int] | tuple[int, ...], code: bool = False) -> str:
    """Put the citation marks before the sentence's closing punctuation: 「…一部分[1]。」. A line
    of code keeps its text as it is, the marks after it: `throw new IOException();[1]`; prose
    loses the indentation a slide gave its later lines."""
    marks = "".join(f"[{n}]" for n in sorted(citations))
    if code:
        return sentence + marks + "\n"
    sentence = _LINE_INDENT.sub("\n", sentence)
    end = END_PUNCT.search(sentence)
    if end:
        return sentence[: end.start()] + marks + sentence[end.start() :]
    return sentence + marks + "。"


def joined_text(spans: list[tuple[str, tuple[int, ...], bool]]) -> str:
    """The answer's text: each span cited (text, citations, code). Steps read one to a line:
    the next item of the list quoted just before (「（2）…」 after 「…（1）…」) starts a line of
    its own, and so do a span of several lines, a slide's bulleted item (「‒ 第二步，…」) and
    what follows a numbered list (one span of several lines, or items quoted one by one) or
    a bulleted item, and a command typed at a prompt."""
    text, previous, listed = "", "", False
    for span, citations, code in spans:
        step = bool(previous) and continues(previous, span)
        bulleted = BULLET.match(span) is not None
        command = typed_at_prompt(span)
        if text and not text.endswith("\n") and (step or listed or bulleted or command or "\n" in span.strip()):
            text += "\n"
        text += cite(span, citations, code)
        ends_in_item = item_number(span.rsplit("\n", 1)[-1].strip()) is not None
        listed = bulleted or ends_in_item and (step or "\n" in span.strip())
        previous = span
    return text.rstrip("\n")


def quoted_length(quoted: list[Evidence]) -> int:
    """The length of the printed answer quoting these spans, citation marks included."""
    return len(joined_text([(c.text, c.citations, is_code(c)) for c in quoted]))


def within(chosen: list[Evidence], max_chars: int) -> list[Evidence]:
    """The chosen sentences, the last ones dropped until the printed answer — citation marks
    included — fits max_chars (the first is kept whatever its length: it is the answer), and
    leaves no code block open. Marks
    are counted with the passages' current ranks, which renumbering only makes smaller."""
    kept = list(chosen)
    while len(kept) > 1 and quoted_length(kept) > max_chars:
        kept.pop()
    # A code block cut between two passages is quoted in two spans: when the budget drops the
    # second, the first would leave the block open (its fence and first command only). The
    # block's rest is kept where it fits (the dropped span up to its closing fence); else the
    # first ends before the block, or is dropped too (what is left may only lead into it).
    if len(kept) < len(chosen) and _opens_a_block(kept) and _opens_a_block(kept[-1:]):
        rest, last = chosen[len(kept)], kept[-1]
        closing = rest.text.find(FENCE + "\n") if not rest.text.startswith(FENCE) else 0
        closing = closing if closing >= 0 else (len(rest.text) - len(FENCE) if rest.text.endswith(FENCE) else -1)
        if closing >= 0 and rest.doc_id == last.doc_id and 0 <= rest.start - last.end <= 2:
            end = closing + len(FENCE)
            closed = dataclasses.replace(rest, text=rest.text[:end], end=rest.start + end)
            if quoted_length([*kept, closed]) <= max_chars:
                return [*kept, closed]
    while len(kept) < len(chosen) and _opens_a_block(kept) and _opens_a_block(kept[-1:]):
        last = kept.pop()
        cut = last.text.rfind("\n" + FENCE)
        before = last.text[:cut].rstrip() if cut > 0 else ""
        if before and not (kept and junk_reason(before)):  # after others, 「…datadir 为空：」 says nothing
            kept.append(dataclasses.replace(last, text=before, end=last.start + len(before)))
        elif not kept:  # the answer itself opens with the block: kept as it is
            return [last]
    return kept


def _opens_a_block(kept: list[Evidence]) -> bool:
    """The spans leave a code block open: an odd number of fence lines. (A span that ends its
    passage inside a block leaves it open too; the budget has nothing to do with that.)"""
    return leaves_a_block_open("\n".join(c.text for c in kept))


def renumbered_table(contrast: Contrast, mapping: dict[int, int], place: Locate, question: str) -> Contrast:
    """The table with its cells citing the renumbered passages, each placed in its original file,
    its sides named as the question writes them (「HashMap」, not the folded 「hashmap」)."""
    rows = [
        ContrastRow(
            row.aspect,
            [
                dataclasses.replace(
                    cell,
                    citations=tuple(mapping[n] for n in cell.citations),
                    location=place(cell.doc_id, cell.start, cell.end),
                )
                for cell in row.cells
            ],
        )
        for row in contrast.rows
    ]
    return Contrast([in_typed_case(side, [question]) for side in contrast.sides], rows)
