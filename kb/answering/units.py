"""Spans an answer quotes whole: a list with its lead-in, steps, the code a sentence introduces.

A list asked for with 「哪些」 or steps asked for with 「如何」 read only as a whole: an introducing
sentence (「…包括以下几点：」) with its numbered items or short lines, a numbered item with its
neighbours, or a lead-in with the code block after it. Offsets are in the cleaned document,
so every unit is still a verbatim span of its passage.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kb.answering.evidence import Evidence
from kb.ingest.chunk import unbulleted
from kb.language.code import (
    FENCE,
    code_spans,
    leaves_a_block_open,
    passage_code_spans,
    reads_as_code,
    typed_at_prompt,
)
from kb.language.text import sentence_spans
from kb.types import Passage

MAX_UNIT_CHARS = 400
SHORT_ITEM_CHARS = 20  # a line this short after 「…如下：」 is an item of the list
_TABLE_ROW = re.compile(r"\S \| \S")  # cells as every format joins them (kb.formats.CELL_SEPARATOR)
END_PUNCT = re.compile(r"[。！？!?；;…]+[”’」』）)\]】〕\"']*$")
# 「7.2.6 保留文件元数据」 is a section's number, not an item's: no digit after the item's dot.
LIST_ITEM = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,2}(?:[)）、]|[.．](?!\d))|第[一二三四五六七八九十]+[，,、：:是点步]|[①-⑩]|[一二三四五六七八九十]是|首先|其次|再次|然后|最后)"
)
_SEQUENCE_WORDS = ("首先", "其次", "再次", "然后", "最后")
# Steps said in one run: 「首先…然后…」, 「先看 DNS，再用 ping 看 ICMP，然后用 nc 测端口」.
_IN_ORDER = re.compile(
    r"首先.*?(?:然后|其次|接着|最后|再)|(?<![首原优事预])先[^，,；;。！？\n]{1,40}[，,；;]\s*(?:再|然后|接着)", re.S
)
# A run of dashes between steps (「A———B———C」), and the marks of a sentence, which a line of steps
# lacks (prose uses 「——」 for an aside: 「营销——是关于企业如何发现…。」).
_DASHES = re.compile(r"—{2,}|-{3,}")
_SENTENCE_MARK = re.compile(r"[。！？!?；;]")
_LABELLED_ITEM = re.compile(r"[^\s：:，,。；;]{1,8}[：:]\s*\S")
_NEXT_LINE = re.compile(r"[ \t]*\n\s*([^\n]+)")
_HALF_WIDTH = str.maketrans("（）．", "().")
# Steps in one run of clauses: the first says what comes first, each next one goes on from it.
_FIRST_STEP = re.compile(r"首先|(?<![首原优事预])先")
GOES_ON = re.compile(r"\s*(?:再|然后|接着|其次|随后|之后|最后)")
CLAUSE_END = re.compile(r"[；;]\s*$")
INTRODUCES = re.compile(r"[:：]\s*$|如下[。：:]?$")
# A sentence naming steps or ways, then a numbered list: its lead-in, though it ends in 「。」
# (「道理都已经清楚了，之后就是平时练习的步骤了。」 over 「1. 挣扎着搞清楚每一句话的确切含义。…」).
ANNOUNCES = re.compile(r"(?:步骤|方法|做法|办法|流程|要点|几点|几步)[了啦]?[。.]?$")
# A lead-in that names nothing of its own (「具体步骤是：」, 「完整流程如下：」): what the list is
# of is said just before it, on its line or the line above.
BARE_LEAD_IN = re.compile(
    r"(?:具体|主要|基本|完整|整个|简化后|大致|详细|的|实现|执行|操作|步骤|过程|做法|方法|流程|是|为|有|如下|以下|[：:\s])+"
)

# Bullets a scraped page left inside a line (「…协调工作：定期会议。·定义谁参与哪些决策。·创造
# 机会整合团队…」): each opens an item, and a sentence announcing what follows (以下/如下 …：)
# leads them in, its first item glued to it.
_BULLETED = re.compile(r"^\s*[·•●▪]")
_BULLET_OPENS = re.compile(r"(?:^|(?<=[。；;！!？?\s]))[·•●▪]")
_GLUED_LEAD_IN = re.compile(r"(?:以下|如下)[^。；;：:]{0,16}[：:]")


def enumeration(passage: Passage, start: int, end: int) -> tuple[int, int]:
    """The list a sentence belongs to, as one span (offsets in the cleaned document): an introducing
    sentence (「…包括以下几点：」, a bare one with the sentence before it) with the items after it
    (numbered, short lines of their own: 「战术到战略」, a table's rows, or the lines of a code
    block), or a numbered item with its neighbouring items. Other sentences: unchanged."""
    spans = [(passage.start + s, passage.start + e) for s, e in sentence_spans(passage.text)]
    if (start, end) not in spans:
        return start, end
    first = last = _past_repeats(passage, spans, spans.index((start, end)))
    texts = [span_text(passage, span) for span in spans]

    numbered = [bool(LIST_ITEM.match(text)) for text in texts]
    introduces = [
        bool(INTRODUCES.search(text) or (ANNOUNCES.search(text) and j + 1 < len(texts) and numbered[j + 1]))
        for j, text in enumerate(texts)
    ]

    blocks = [(a, b) for a, b in passage_code_spans(passage.text) if "\n" in passage.text[a:b]]

    def code_line(j: int) -> tuple[int, int] | None:
        """The code block (fenced or indented) holding sentence j, if any."""
        s, e = (offset - passage.start for offset in spans[j])
        return next((block for block in blocks if block[0] <= s and e <= block[1]), None)

    def style(j: int) -> str | None:
        return marker_style(texts[j])

    # 「(3) 介质故障恢复：」 before 「① 装入…」: a lead-in, numbered in another style than its items.
    lead_in = introduces[first] and first + 1 < len(spans) and numbered[first + 1] and style(first + 1) != style(first)
    if listed := _bulleted_list(texts, first) or _run_in_order(passage, spans, texts, first):
        first, last = listed
    elif numbered[first] or lead_in:
        items = style(first + 1) if lead_in else style(first)
        while not lead_in and first > 0 and numbered[first - 1] and style(first - 1) == items:
            first -= 1
        if not lead_in and first > 0 and introduces[first - 1]:
            first -= 1
        while last + 1 < len(spans) and numbered[last + 1] and style(last + 1) == items:
            last += 1
    elif introduces[first] and first + 1 < len(spans) and code_line(first + 1):  # 「抛出异常的写法如下：」
        block = code_line(first + 1)  # and the lines of the code block after it
        while last + 1 < len(spans) and code_line(last + 1) == block:
            last += 1
        while last > first + 1 and texts[last].startswith(FENCE):
            last -= 1  # the closing fence: the answer ends on the code
    elif introduces[first]:
        last = _lines_led_in(passage, spans, first, [n or i for n, i in zip(numbered, introduces)])
    first -= first < last and _said_before(passage, spans, first)
    while spans[last][1] - spans[first][0] > MAX_UNIT_CHARS and spans[last][1] > end:
        last -= 1
    return spans[first][0], spans[last][1]


def _lines_led_in(passage: Passage, spans: list[tuple[int, int]], first: int, starts_other: list[bool]) -> int:
    """The last sentence of the unnumbered lines a lead-in (sentence `first`) introduces: short
    lines of their own, one ending in 。 closing the list, a numbered line or another lead-in
    (`starts_other`) starting what comes next (「违约处理」 / 「6.」 / 「SQL定义如下：」); or lines
    each opening with a short label and a colon, whole (「…非常高效：」 over 「复用：…」 and
    「轻量分发：…；不过…」)."""
    text = passage.text

    def bounds(j: int) -> tuple[int, int]:
        return spans[j][0] - passage.start, spans[j][1] - passage.start

    def short_line(j: int) -> bool:  # short or a table's row (「volatile-lru | 从已设置过期时间的…」)
        s, e = bounds(j)
        own_line = text[s - 1 : s] == "\n" and text[e : e + 1] in ("\n", "")
        return own_line and (e - s <= SHORT_ITEM_CHARS or bool(_TABLE_ROW.search(text, s, e)))

    def labelled_line(j: int) -> bool:
        s, e = bounds(j)
        return text[s - 1 : s] == "\n" and bool(_LABELLED_ITEM.match(text, s, e))

    def same_line(j: int) -> bool:  # sentence j goes on the line of sentence j - 1
        return "\n" not in text[bounds(j - 1)[1] : bounds(j)[0]]

    last = first
    while last + 1 < len(spans) and short_line(last + 1) and not starts_other[last + 1]:
        last += 1
        if END_PUNCT.search(text, *bounds(last)):
            break
    if last == first or labelled_line(last):
        while last + 1 < len(spans) and (labelled_line(last + 1) or same_line(last + 1)):
            last += 1
    return last


def _bulleted_list(texts: list[str], j: int) -> tuple[int, int] | None:
    """(first, last) of the sentences of a list of bullets inside a line that sentence j opens,
    belongs to or leads in (_GLUED_LEAD_IN), or None."""
    bulleted = [bool(_BULLETED.match(text)) for text in texts]
    if not (bulleted[j] or (_GLUED_LEAD_IN.search(texts[j]) and j + 1 < len(texts) and bulleted[j + 1])):
        return None
    first = last = j
    while bulleted[first] and first > 0 and (bulleted[first - 1] or _GLUED_LEAD_IN.search(texts[first - 1])):
        first -= 1
    while last + 1 < len(texts) and bulleted[last + 1]:
        last += 1
    return first, last


def _run_in_order(passage: Passage, spans: list[tuple[int, int]], texts: list[str], j: int) -> tuple[int, int] | None:
    """(first, last) of the clauses of steps said in one run of 「；」 that sentence j belongs to
    (「…按这个顺序查：先看 DNS；再用 ping 看 ICMP；然后用 nc 测端口；最后用 curl 看 TLS。」), or
    None: split at each 「；」, its clauses would be quoted one by one."""

    def joined(i: int) -> bool:  # clause i + 1 goes on from clause i, on its line or a slide's next
        gap = span_text(passage, (spans[i][1], spans[i + 1][0]))
        following = unbulleted(texts[i + 1])
        goes_on = CLAUSE_END.search(texts[i]) is not None and bool(GOES_ON.match(following))
        led_in = INTRODUCES.search(texts[i]) is not None and bool(_FIRST_STEP.match(following))  # 「创建对象时：」
        return (goes_on or led_in) and ("\n" not in gap or texts[i + 1] != following)

    first = last = j
    while first > 0 and joined(first - 1):
        first -= 1
    while last + 1 < len(texts) and joined(last):
        last += 1
    opened = any(_FIRST_STEP.match(unbulleted(text)) for text in texts[first : first + 2])
    return (first, last) if last > first and (_FIRST_STEP.search(texts[first]) or opened) else None


def _said_before(passage: Passage, spans: list[tuple[int, int]], j: int) -> bool:
    """Span j is a bare lead-in (「完整流程如下：」) after a sentence on its line that says what the
    list is of (「对于密码传输这一场景，推荐使用非对称加密。」)."""
    if j == 0 or not BARE_LEAD_IN.fullmatch(span_text(passage, spans[j])):
        return False
    return "\n" not in span_text(passage, (spans[j - 1][1], spans[j][0]))


def _past_repeats(passage: Passage, spans: list[tuple[int, int]], j: int) -> int:
    """The last of the lines repeating span j right after it: a slide's title repeated as its
    first line (「拓扑排序的方法：」 twice) is quoted once, the list starting at the repeat."""
    while j + 1 < len(spans) and span_text(passage, spans[j]) == span_text(passage, spans[j + 1]):
        j += 1
    return j


def marker_style(text: str) -> str | None:
    """The form of a list item's marker with its number left out — 「(3)」 and 「(1)」 are both
    "(N)", 「①」 is "○", 「首先」/「然后」 are "then" — or None for a line that is no item: items of
    one list share a style, whatever the width of its brackets, and a lead-in numbered
    otherwise is not one of them."""
    marker = LIST_ITEM.match(text)
    if not marker:
        return None
    found = marker.group().strip()
    if found in _SEQUENCE_WORDS:
        return "then"
    # 「（1）」 and 「(2)」 are one style: slides mix full- and half-width brackets.
    found = found.translate(_HALF_WIDTH)
    return re.sub(r"[①-⑩]", "○", re.sub(r"\d+|[一二三四五六七八九十]+", "N", found))


# A comment line in code: 「# 指定堆转储文件的输出路径」 says what the lines under it do.
_COMMENT_LINE = re.compile(r"\s*(?:#|//|--\s|/\*)")
_HAN = re.compile(r"[\u3400-\u9fff]")
COMMENTED_LINES = 3  # code lines a comment is quoted with, at most


def with_commented_code(passage: Passage, start: int, end: int) -> tuple[int, int]:
    """A comment line with the lines of code under it, up to the next comment or blank line
    (at most COMMENTED_LINES, a command continued with 「\\」 counting once; a line with Chinese
    in it is prose, not code; one blank line may stand between the comment and its code, as
    some notes write it): alone the comment names a setting without giving it. A passage may
    start inside a block of code, its fence in the passage before, so the lines are judged by
    their form. Any other span is returned unchanged (offsets in the cleaned document)."""
    text, offset = passage.text, passage.start
    if not _COMMENT_LINE.match(text[start - offset : end - offset]) or "\n" in text[start - offset : end - offset]:
        return start, end
    at = last = end - offset  # `last`: the end of the last line of code taken
    taken = 0
    while taken < COMMENTED_LINES:
        newline = text.find("\n", at)
        if newline < 0 or text[at:newline].strip():
            break
        line_end = text.find("\n", newline + 1)
        line = text[newline + 1 : len(text) if line_end < 0 else line_end]
        if not line.strip() and last == end - offset and at == last:
            at = newline + 1  # one blank line between the comment and its first line of code
            continue
        if not line.strip() or _COMMENT_LINE.match(line) or line.strip().startswith(FENCE) or _HAN.search(line):
            break
        at = last = newline + 1 + len(line.rstrip())
        taken += not line.rstrip().endswith("\\")  # a command continued on the next line is one
    return start, offset + last


def span_text(passage: Passage, span: tuple[int, int]) -> str:
    return passage.text[span[0] - passage.start : span[1] - passage.start]


def adjacent(a: Evidence, b: Evidence) -> bool:
    """b directly follows a in the same passage (only whitespace between them)."""
    if a.passage.id != b.passage.id or b.start < a.end:
        return False
    return not span_text(a.passage, (a.end, b.start)).strip()


def holds_steps(evidence: Evidence) -> bool:
    """The span states steps: two or more numbered (or bulleted) lines, 首先 … 然后/再/最后, a
    chain of → (or of dashes on a line that ends no sentence inside: 「铁锅底部加入足量水———放入
    三脚架———开火关盖」), or a lead-in (prose, not code) with the code that does it."""
    text = evidence.text
    numbered = sum(bool(LIST_ITEM.match(line)) for line in text.splitlines()) + len(_BULLET_OPENS.findall(text))
    ordered = bool(_IN_ORDER.search(text))
    led_to_code = "\n" in text and is_code(evidence) and not _starts_in_code(evidence)
    arrows = text.count("→") + text.count("->") >= 2
    return numbered >= 2 or ordered or arrows or any(map(_is_chain, text.splitlines())) or led_to_code


def _is_chain(line: str) -> bool:
    """A line of steps joined by arrows or dashes (「A———B———C」) that is no sentence (prose's
    「Redis——一个内存数据库——支持持久化。」 ends in a full stop) nor a table's rule (「| --- | --- |」)."""
    joins = line.count("→") + line.count("->") + len(_DASHES.findall(line))
    return joins >= 2 and not _SENTENCE_MARK.search(line) and "|" not in line


def chain_below(evidence: Evidence) -> int | None:
    """Where the line right under a span ends, when that line is a chain of steps: 「如果没有蒸锅，
    …可以在锅底放置一个三脚架…。」 over 「铁锅底部加入足量水———放入三脚架———开火关盖」."""
    passage = evidence.passage
    below = _NEXT_LINE.match(passage.text, evidence.end - passage.start)
    return passage.start + below.end() if below and _is_chain(below.group(1)) else None


def _starts_in_code(evidence: Evidence) -> bool:
    """The span opens inside a block of code (a comment block's 「% Input：」 is no lead-in)."""
    p = evidence.passage
    start = evidence.start - p.start
    return any(a <= start < b for a, b in code_spans(p.text)) or reads_as_code(evidence.text.split("\n", 1)[0])


def shown_as_code(evidence: Evidence) -> bool:
    """The quoted span is code as a reader sees it: is_code, the passage read so that a first
    fence closing a block before it opens none (passage_code_spans); what the page shows as code."""
    return _ends_in_code(evidence, passage_code_spans)


def is_code(evidence: Evidence) -> bool:
    """The quoted span ends in code (a line of a code block, code between backticks, steps
    ending on their code line): cited without a 「。」 of its own."""
    return _ends_in_code(evidence, code_spans)


def _ends_in_code(evidence: Evidence, spans_of: Callable[[str], list[tuple[int, int]]]) -> bool:
    """The span leaves a block open (its passage cuts it), ends inside code as `spans_of` reads
    its passage, or its last line reads as code."""
    p = evidence.passage
    end = evidence.end - p.start
    in_code = any(a < end <= b for a, b in spans_of(p.text))
    last = evidence.text.rsplit("\n", 1)[-1]
    return leaves_a_block_open(evidence.text) or in_code or reads_as_code(last) or typed_at_prompt(last)
