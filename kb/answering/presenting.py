"""The span an answer quotes for a candidate sentence: a list whole with its lead-in, an item
without its number or bullet, and nothing that cannot stand on its own (sentence_quality); a
label over several quoted items read once (labelled_once)."""

from __future__ import annotations

import dataclasses
import re

from kb.answering.doc_tables import is_table_header
from kb.answering.evidence import Evidence
from kb.answering.question import AnswerShape
from kb.answering.sentence_quality import ITEM_MARKER, OPENS_A_LIST, junk_reason, opens_past_the_first_item
from kb.answering.units import INTRODUCES, enumeration, span_text, with_commented_code
from kb.formats.slides import NOTES_LABEL
from kb.ingest.chunk import BULLET, unbulleted
from kb.language.code import FENCE, bare_code, leaves_a_block_open, passage_code_spans

# A fence line a sentence opens with: the end of the block before it (sentences split around code).
_CLOSING_FENCE = re.compile(rf"^\s*{FENCE}[ \t]*\n\s*")
# Marks a scraped line opens with, and the label ingest puts before a slide's speaker notes.
_LEADING_MARKS = re.compile(rf"^(?:{NOTES_LABEL}|[\s，,、；;：:])+")
_SENTENCE_ENDS = ("。", "！", "？", "!", "?", "；", ";")
# Kinds of question answered in words: a bare line of code is no answer to them (bare_code).
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SAID_IN_WORDS = frozenset({"reason", "definition", "yesno", "advice"})


def presentable(evidence: Evidence, shape: AnswerShape) -> Evidence | None:
    """The span to quote for a candidate sentence, or None if it cannot stand on its own.

    For a list or steps the whole list is quoted with its lead-in (enumeration), and for any
    question a lead-in ending in 「：」 (「…的原因：」) is quoted with its list; for a how-to, a
    comment in code with the code lines under it (units.with_commented_code). Elsewhere a
    numbered item is quoted without its number (「17.市场是对资源的组织和协调；」 → from 市场),
    and a bulleted line without its bullet, still a verbatim span. Headings, wrap-ups and
    pointers (「总之，看了这么多…」), fragments cut mid-clause and clauses ending in 「：」 with no list are not
    quoted (sentence_quality.junk_reason), nor a table's header row alone, nor is bare code where
    the question asks why, what or whether. A fence line a sentence opens with closes the block
    before it: the sentence is quoted from its words."""
    # A lead-in (「…的原因：」) is quoted with its list whatever the kind: alone it says nothing.
    shown = _as_unit(evidence) if shape.units or OPENS_A_LIST.search(evidence.text) else evidence
    if shown is not evidence and opens_past_the_first_item(shown.text):
        # The list opened in the passage before (「营销人员的具体工作内容如下：1、…」 then 「6、…」 to
        # 「9、…」 here): its item is quoted on its own, without its number, as any item elsewhere.
        shown = evidence
    whole_list = shown is not evidence
    if not whole_list and shape.kind == "method":  # 「# 指定堆转储文件的输出路径」 with the setting under it
        shown = _respan(evidence, *with_commented_code(evidence.passage, evidence.start, evidence.end))
    # A numbered lead-in (「(3) 介质故障恢复：\n① …」) is quoted from its words, as a lone item is.
    lead_in = whole_list and INTRODUCES.search(shown.text.split("\n", 1)[0])
    if not shape.units or not whole_list or lead_in:
        marker = ITEM_MARKER.match(shown.text)
        if marker and marker.end() < len(shown.text):
            shown = _respan(shown, shown.start + marker.end(), shown.end)
    closing = _CLOSING_FENCE.match(shown.text)
    if closing and closing.end() < len(shown.text) and not leaves_a_block_open(shown.text[closing.end() :]):
        # 「```\n💡 结合 `USER` 指令使用…」: the fence closes the code before it; the sentence is what follows.
        shown = _respan(shown, shown.start + closing.end(), shown.end)
    lead = _LEADING_MARKS.match(shown.text)
    if lead and lead.end() < len(shown.text):
        # 「，又名《离岛大夫日志》…」: scraping lost what came before the comma; quote what follows.
        # 「备注：…」 is kb's label for a speaker's note, not words of the slide.
        shown = _respan(shown, shown.start + lead.end(), shown.end)
    if shape.kind in _SAID_IN_WORDS and _only_code(shown):
        return None
    # A bulleted line is judged and quoted by its words: 「‒ 则是按照…」 opens mid-clause, 「• 静态
    # 路由与动态路由」 in a deck's outline only names a topic.
    bullet = BULLET.match(shown.text)
    if bullet and ("\n" in shown.text or bullet.end() == len(shown.text)):
        bullet = None
    if junk_reason(shown.text[bullet.end() :] if bullet else shown.text) or is_table_header(
        shown.passage, shown.start, shown.end
    ):
        return None
    return _without_trailing_titles(_respan(shown, shown.start + bullet.end(), shown.end) if bullet else shown)


def _without_trailing_titles(shown: Evidence) -> Evidence:
    """The quote without the lines after its last blank line that only title what comes next: a
    heading, or the header of a table it does not reach (「…没有进行硬件虚拟：\n\n关键区别\n\n特性 |
    Docker 容器 | 传统虚拟机」) — a heading only after a sentence's end: the last item of a loose
    list (「权限\n\n修改时间」) stays, and so does what a lead-in ending in 「：」 introduces."""
    while (cut := shown.text.rfind("\n\n") + 2) > 1:
        line, kept = shown.text[cut:], shown.text[:cut].rstrip()
        header = is_table_header(shown.passage, shown.start + cut, shown.end)
        heading = junk_reason(line) == "heading" and kept.endswith(_SENTENCE_ENDS)
        if "\n" in line or not kept or not (header or heading):
            break
        shown = _respan(shown, shown.start, shown.start + len(kept))
    return shown


def _only_code(evidence: Evidence) -> bool:
    """Code and nothing said about it: lines that read as code (bare_code), or a span inside a
    code block that says nothing in Chinese (a shell session's 「$ cat << _EOF_」)."""
    if bare_code(evidence.text):
        return True
    p = evidence.passage
    start, end = evidence.start - p.start, evidence.end - p.start
    return not _HAN.search(evidence.text) and any(a <= start and end <= b for a, b in passage_code_spans(p.text))


def _as_unit(evidence: Evidence) -> Evidence:
    start, end = enumeration(evidence.passage, evidence.start, evidence.end)
    if (start, end) == (evidence.start, evidence.end):
        return evidence
    return _respan(evidence, start, end)


def _respan(evidence: Evidence, start: int, end: int) -> Evidence:
    """The evidence quoting another span of its passage (offsets in the cleaned document)."""
    return dataclasses.replace(evidence, text=span_text(evidence.passage, (start, end)), start=start, end=end)


def labelled_once(chosen: list[Evidence]) -> list[Evidence]:
    """A quote opening with the line that opened an earlier one (a slide's label over each of
    its items, 「• 收到相邻路由器的一个 RIP 报文」 over 「‒ 第一步…」 and 「‒ 第二步…」, or a label
    repeated slide after slide) is quoted from its next line: the label is read once — unless
    that line cannot stand alone (junk_reason: 「‒ 第二步，…重复：」 ends on a colon)."""
    seen: set[str] = set()
    kept = []
    for evidence in chosen:
        label, _, rest = evidence.text.partition("\n")
        if label.strip() in seen and rest.strip() and junk_reason(unbulleted(rest.strip())) is None:
            start = evidence.start + len(evidence.text) - len(rest.lstrip())
            evidence = dataclasses.replace(
                evidence, text=span_text(evidence.passage, (start, evidence.end)), start=start
            )
        elif rest.strip():
            seen.add(label.strip())
        kept.append(evidence)
    return kept
