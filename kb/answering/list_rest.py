"""The rest of a numbered list, or of a block of code, that runs past the end of the passage
it is quoted from.

Passages are a few hundred characters: a procedure of four steps often ends in the next one
(「1. 服务端生成公私钥对… 2. … 3. …」 in one passage, 「4. 服务端对原始密码进行哈希处理、加盐后
存储」 in the next), and so does a block of settings (「# 指定堆转储文件的输出路径」 over
「-XX:HeapDumpPath=…」). A list quoted to its passage's end is read on in the next passage of the
document (Answerer.beside) for the items that continue its numbering, a block of code for its
lines up to the closing fence; they are quoted from there, cited to that passage, as far as the
answer's length allows.
"""

from __future__ import annotations

import re

from kb.answering.citing import quoted_length
from kb.answering.doc_tables import Beside
from kb.answering.evidence import Evidence
from kb.answering.sentence_quality import ends_opening_a_block
from kb.answering.series import item_number
from kb.answering.units import CLAUSE_END, GOES_ON, span_text
from kb.language.code import FENCE
from kb.language.duplicates import overlaps
from kb.types import Hit, Passage

MAX_GAP = 2  # line breaks between one passage's end and the next one's start
CODE_LINES = 6  # lines of a block of code read on into the next passage, at most
_SENTENCE_END = re.compile(r"[。！？!?]|\n")


def with_list_rest(
    chosen: list[Evidence], hits: list[Hit], beside: Beside, max_chars: int
) -> tuple[list[Evidence], list[Hit]]:
    """`chosen` with each numbered list (or block of code) that reaches its passage's end
    followed by its next items (or lines) from the next passage, and `hits` with that passage
    added after the others (score 0, listed only if cited); what is quoted after the list gives
    way to them within max_chars."""
    quoted, hits = list(chosen), list(hits)
    for at, evidence in reversed(list(enumerate(chosen))):
        rest = _rest(evidence, beside)
        if rest is None:
            continue
        passage, start, end = rest
        hit = next((h for h in hits if h.passage.id == passage.id), None) or Hit(
            max(h.rank for h in hits) + 1, 0.0, passage
        )
        for line_end in _line_ends(passage, start, end):  # as many of its lines as fit
            span = Evidence(
                span_text(passage, (start, line_end)), passage, hit.rank, start, line_end, citations=(hit.rank,)
            )
            if any(overlaps(span, other) for other in quoted):
                break  # already quoted: a procedure's steps are read across passages (steps.py)
            longer = [*quoted[: at + 1], span, *quoted[at + 1 :]]
            while quoted_length(longer) > max_chars and len(longer) > at + 2:
                longer.pop()  # the list's own items before what supports it
            if quoted_length(longer) <= max_chars:
                quoted = longer
                hits = hits if hit in hits else [*hits, hit]
                break
    return quoted, hits


def _line_ends(passage: Passage, start: int, end: int) -> list[int]:
    """Where a span of whole lines of the passage may end, the longest first: at `end`, or at the
    end of an earlier line of it (an item of a list, a line of code) that is not blank."""
    text = span_text(passage, (start, end))
    ends = [start + i for i, char in enumerate(text) if char == "\n" and text[:i].strip() and text[i - 1] != "\n"]
    return [end, *reversed(ends)]


def _rest(evidence: Evidence, beside: Beside) -> tuple[Passage, int, int] | None:
    """(passage, start, end) of what goes on in the next passage, if `evidence` ends its passage
    on a numbered item (the items numbered after it), inside a block of code (its lines up to
    the closing fence, at most CODE_LINES) or on a clause of steps said in one run (the clauses
    going on from it, units._run_in_order)."""
    passage = evidence.passage
    if passage.text[evidence.end - passage.start :].strip():
        return None
    numbered = item_number(evidence.text.rsplit("\n", 1)[-1].strip())
    # An odd fence count: the span opens a block or closes one begun before it — ending on the
    # closing fence, it leaves no block to read on.
    ends_on_fence = evidence.text.rstrip().endswith(FENCE)
    in_code = evidence.text.count(FENCE) % 2 == 1 and (not ends_on_fence or ends_opening_a_block(evidence.text))
    in_run = numbered is None and CLAUSE_END.search(evidence.text) is not None
    following = beside(passage, 1)
    if (numbered is None and not in_code and not in_run) or following is None or following.doc_id != passage.doc_id:
        return None
    if not following.start <= evidence.end + MAX_GAP or evidence.end >= following.end:
        return None  # not the text right after it
    text, position = following.text, max(evidence.end - following.start, 0)
    start = position + len(text[position:]) - len(text[position:].lstrip())
    if in_code:
        lines = _code_lines(text, position)
    else:
        lines = _clauses(text, start) if in_run else _items(text, position, *(numbered or ("", 0)))
    return (following, following.start + start, following.start + lines) if lines > start else None


def _items(text: str, position: int, style: str, number: int) -> int:
    """Where the items numbered after `number` end, read from `position` (blank lines between them allowed)."""
    end = position
    for line in text[position:].split("\n"):
        found = item_number(line.strip()) if line.strip() else None
        if line.strip() and found != (style, number + 1):
            break
        position += len(line) + 1
        if found is not None:
            number, end = found[1], position - 1
    return end


def _clauses(text: str, start: int) -> int:
    """Where the clauses going on from a run of steps (「…然后用 nc 测端口；」 | 「最后用 curl 看
    TLS。」) end: at the sentence's end, if the text at `start` goes on from it."""
    if not GOES_ON.match(text, start):
        return start
    end = _SENTENCE_END.search(text, start)
    return len(text) if end is None else end.end() if end.group() != "\n" else end.start()


def _code_lines(text: str, position: int) -> int:
    """Where a block of code read from `position` ends: its closing fence, or CODE_LINES lines on."""
    end = position
    for count, line in enumerate(text[position:].split("\n")):
        position += len(line) + 1
        if line.strip():
            end = position - 1
        if line.strip() == FENCE or count + 1 >= CODE_LINES:
            break
    return end
