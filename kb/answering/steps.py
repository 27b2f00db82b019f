"""How-to answers that quote a procedure's steps, numbered over several slides (series.py).

A how-to question is answered by the procedure it asks for when one is written down: of the
series in the shown passages and the passages around them (which Answerer.retrieve adds for a
how-to question: the next slide may hold the procedure for what the shown one names), the
one whose lines, and whose lead-in, hold most of the question is quoted first — its lead-in
and each item's own line, not the detail lines between, each span cited by the passage it
comes from. A section whose numbered heading names what is asked better than the procedure's
own does is quoted instead (「5.2.3 抛出异常」, over slides repeating its number); a why or
which question is answered by the lines under a heading restating it (restated.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kb.answering.asked_share import (
    STEPS_COVERAGE,
    Tokenize,
    asked_clause,
    coverage_of,
    held_shares,
    matched_words,
    names_what_is_asked,
    steps_coverage,
)
from kb.answering.citing import quoted_length
from kb.answering.evidence import Evidence, coverage
from kb.answering.plan import QuestionPlan
from kb.answering.question import question_kind
from kb.answering.restated import restated_block
from kb.answering.sections import listed_under_a_colon, section_bounds, section_series
from kb.answering.sentence_quality import SECTION_NUMBER, junk_reason
from kb.answering.series import (
    Line,
    Series,
    all_series,
    bare_number,
    commented_steps,
    document_lines,
    heading_blocks,
    instructs,
    transcripts,
    walkthroughs,
)
from kb.answering.units import BARE_LEAD_IN, LIST_ITEM, marker_style, span_text
from kb.language.dictionary import is_grammar
from kb.language.text import fold
from kb.types import Hit, Passage

COMMENTED_STEPS_COVERAGE = 0.15
_SENTENCE_END = re.compile(r"[。！？!?]")
# The kinds of question quoted_steps may answer: how-to, a list, why (under a heading restating it).
QUOTED_KINDS = ("method", "list", "reason")
MAX_GAP_AFTER = 3  # characters (line breaks) between a procedure's last line and what it leads to


def quoted_steps(
    plan: QuestionPlan, hits: list[Hit], tokenize: Tokenize | None = None, lead: Evidence | None = None
) -> list[Evidence]:
    """The numbered procedure (series.py) that answers a how-to question, as spans to quote:
    its lead-in and each item's own line (not its details), lines that follow one another in
    a passage quoted as one span. Of the series in the documents of the shown passages, read
    through the passages around them in `hits`, the one holding most of the question's
    information (_best_covered), if its lines hold at least STEPS_COVERAGE; else a walkthrough
    (series.walkthroughs) holding `lead`, the sentence that would lead the answer without steps:
    a question in a trainee's words (「想把自己账号的默认 shell 从 bash 换成 fish，具体怎么操作」)
    shares few words with the steps that answer it, or a console session in the section of
    `lead` (_session_spans); then the lines under a heading naming what is asked, and last a
    slide's instructions under a colon lead-in (sections.listed_under_a_colon). A procedure or
    block yields to a section whose numbered heading names what is asked better
    (_asked_section). A why or which question (QUOTED_KINDS) is first answered by the block
    under a heading restating it (restated.py)."""
    ranks = {h.passage.id: h.rank for h in hits}
    shown_passages = [h.passage for h in hits if h.rank <= plan.shown]
    shown = {p.id for p in shown_passages}
    by_document: dict[str, list[Passage]] = {}
    for h in hits:
        by_document.setdefault(h.passage.doc_id, []).append(h.passage)
    documents = [document_lines(passages) for passages in by_document.values() if any(p.id in shown for p in passages)]
    on_shown = _on_shown(shown_passages)
    if plan.kind in ("reason", "list"):
        block = restated_block(documents, on_shown, _restating(plan, tokenize))
        if block is not None or plan.kind == "reason":
            return [] if block is None else _step_spans(block, ranks)
    walked = [series for lines in documents for series in walkthroughs(lines)]
    # What a question asking for a list (「需要做哪些设置」) is answered by is a procedure only where
    # notes walk through it; its numbered lists are quoted whole as lists (presenting.py).
    numbered = [series for lines in documents for series in all_series(lines)] + walked if plan.kind == "method" else []
    best = _best_covered(plan, numbered, ranks, tokenize)
    if best is not None:
        best = _asked_section(plan, best, documents, on_shown, tokenize) or best
    if best is None and plan.kind == "method":
        # Comments numbering a listing's steps say it is a procedure more surely than a numbered
        # list (reasons, features) does: one shown holding less of the question is quoted.
        commented = [series for lines in documents for series in commented_steps(lines) if _shown(series, on_shown)]
        best = _best_covered(plan, commented, ranks, tokenize, least=COMMENTED_STEPS_COVERAGE)
    if best is None and lead is not None:
        best = _best_covered(plan, [s for s in walked if _holds(s, lead)], ranks, tokenize, least=0.0)
    if best is None and (spans := _session_spans(plan, documents, ranks, tokenize, lead)):
        return spans
    if best is None and plan.kind == "method":
        block = _named_block(plan, documents, on_shown, ranks, tokenize)
        best = _asked_section(plan, block, documents, on_shown, tokenize) or block
    if best is None and plan.kind == "method":
        # Last, a slide's bullets under a lead-in ending in a colon (「调用 run_next_app 函数切换到
        # 下一个应用程序：」), which lists features as often as steps: only one whose lines say
        # what to do.
        listed = [
            s for lines in documents for s in listed_under_a_colon(lines) if _shown(s, on_shown) and _instructs(s)
        ]
        best = _best_covered(plan, listed, ranks, tokenize, least=COMMENTED_STEPS_COVERAGE)
    if best is None:
        return []
    return _step_spans(_in_whole_steps(best, by_document[best.lead_in.passage.doc_id], ranks), ranks)


def _session_spans(
    plan: QuestionPlan,
    documents: list[list[Line]],
    ranks: dict[int, int],
    tokenize: Tokenize | None,
    lead: Evidence | None,
) -> list[Evidence]:
    """The console session (series.transcripts) the section of `lead`, the sentence that would lead
    the answer, shows it in (「例如，如下操作…」 and the commands under 「答：…可以使用 Linux 软连接
    的方式来完成…」), after that sentence where both fit; none if that section shows none (or for
    a question asking no how)."""
    if lead is None or plan.kind != "method":
        return []
    sessions = [s for lines in documents for s in transcripts(lines) if _introduced_in(s, lead)]
    session = _best_covered(plan, sessions, ranks, tokenize, least=0.0)
    if session is None:
        return []
    spans = _step_spans(session, ranks)
    return [lead, *spans] if quoted_length([lead, *spans]) <= plan.max_chars else spans


def _named_block(
    plan: QuestionPlan,
    documents: list[list[Line]],
    on_shown: Callable[[Line], bool],
    ranks: dict[int, int],
    tokenize: Tokenize | None,
) -> Series | None:
    """With no numbered procedure: the lines under a shown heading that itself names what is
    asked, of those the ones whose lines say what to do (「为事件源注册事件监听器」), not what it is."""
    blocks = [s for lines in documents for s in heading_blocks(lines) if _shown(s, on_shown)]
    asked = asked_clause(plan)
    named = [
        s for s in blocks if names_what_is_asked(plan, asked, s.lead_in, tokenize) and not _titles_a_comparison(plan, s)
    ]
    instructed = [block for block in named if _instructs(block)]
    return _best_covered(plan, instructed or named, ranks, tokenize, least=0.0)


def _instructs(block: Series) -> bool:
    """Half its lines or more say what to do (「为事件源注册事件监听器」, 「构造应用程序开始执行所需的
    Trap 上下文；」), not what something is (「无胶片化：从传统胶片到数字影像」)."""
    return sum(map(instructs, block.items)) * 2 >= len(block.items)


def _restating(plan: QuestionPlan, tokenize: Tokenize | None) -> Callable[[str], float]:
    """How much of the question's asking clause (its grammar aside: 还要) a heading says, for
    restated_block; for a why question, only a heading that asks why too counts (「为什么引入
    管程？」; 「一般的…会自动建立主码索引」 states something, it asks nothing)."""
    asked = {w: weight for w, weight in (asked_clause(plan) or plan.terms.words).items() if not is_grammar(w)}

    def restates(text: str) -> float:
        if plan.kind == "reason" and question_kind(text) != "reason":
            return 0.0
        return coverage(asked, matched_words(plan, text, tokenize)) if tokenize else held_shares(plan, text, None)[1]

    return restates


def _on_shown(passages: list[Passage]) -> Callable[[Line], bool]:
    """Whether a shown passage holds the line (document_lines gives each line the first passage
    holding it, which may be one ranked below the shown ones)."""
    return lambda line: any(
        p.doc_id == line.passage.doc_id and p.start <= line.start and line.end <= p.end for p in passages
    )


def _asked_section(
    plan: QuestionPlan,
    series: Series | None,
    documents: list[list[Line]],
    shown: Callable[[Line], bool],
    tokenize: Tokenize | None,
) -> Series | None:
    """The section of the shown passages whose numbered heading names what is asked better than
    the series' own section, heading and lead-in do, as a series of its lines (sections.py) — for
    「如何抛出一个异常」 a slide's 「5.2.3 抛出异常」 over 「throw关键字」 and what it does, not the
    steps of 「5.2.2 异常处理语句」, whose first says 「系统将抛出一个异常对象e」 (how one is caught).
    A section holding the series is no other one (「10.6 具有检查点的恢复技术」 holds 「利用检查点
    的恢复步骤」). With no series, any section whose heading names what is asked; else None."""
    own = 0.0
    if series is not None:
        said_of_it = [series.lead_in.passage.heading, *(line.text for line in (series.title, series.lead_in) if line)]
        own = coverage_of(plan, "\n".join(said_of_it), tokenize)
    asked = asked_clause(plan)
    for lines in documents:
        for at, line in enumerate(lines):
            if not (
                SECTION_NUMBER.match(line.text)
                and line.is_heading
                and shown(line)
                and coverage_of(plan, line.text, tokenize) > own
                and names_what_is_asked(plan, asked, line, tokenize)
            ):
                continue
            first, last = section_bounds(lines, at)
            holds_the_series = series is not None and (
                series.lead_in.passage.doc_id == line.passage.doc_id
                and lines[first].start <= series.lead_in.start < lines[last - 1].end
            )
            section = section_series(lines, first, last)
            if section.items and not holds_the_series:
                return section
    return None


def _holds(series: Series, quoted: Evidence) -> bool:
    """One of the series' lines is (part of) the quoted span, or the span says what the series
    leads to, right after its last line (「以后不管在什么目录，直接输入脚本文件名，脚本就会执行」)."""
    lines = (*series.lines, *series.code)
    last = max(lines, key=lambda line: line.end)
    right_after = last.passage.doc_id == quoted.doc_id and 0 <= quoted.start - last.end <= MAX_GAP_AFTER
    return right_after or any(
        line.passage.doc_id == quoted.doc_id and line.start < quoted.end and quoted.start < line.end for line in lines
    )


def _introduced_in(series: Series, quoted: Evidence) -> bool:
    """The quoted span stands in the series' section, between its title and its first item."""
    first = series.items[0]
    top = series.title or series.lead_in
    return top.passage.doc_id == quoted.doc_id == first.passage.doc_id and top.start <= quoted.start < first.start


def _in_whole_steps(series: Series, passages: list[Passage], ranks: dict[int, int]) -> Series:
    """The series with each step — an item and the code block under it — read from one
    passage where one holds it all (the best-ranked): a block cut between two passages would
    be quoted as two spans, and the budget may drop the second, leaving the block open."""
    home: dict[Line, Line] = {}
    steps: list[list[Line]] = []
    code = set(series.code)
    for line in sorted({*series.lines, *series.code}, key=lambda line: line.start):
        if line in code and steps:
            steps[-1].append(line)
        else:
            steps.append([line])
    for step in steps:
        holding = [p for p in passages if p.start <= step[0].start and step[-1].end <= p.end]
        passage = min(holding, key=lambda p: ranks[p.id], default=None)
        for line in step:
            home[line] = line if passage is None else Line(line.start, line.end, passage)
    return Series(
        home[series.lead_in],
        tuple(home[line] for line in series.items),
        home[series.title] if series.title else None,
        tuple(home[line] for line in series.code),
    )


def _shown(series: Series, on_shown: Callable[[Line], bool]) -> bool:
    """A line of the series is held by a shown passage (_on_shown)."""
    return any(on_shown(line) for line in series.lines)


def _best_covered(
    plan: QuestionPlan,
    found: list[Series],
    ranks: dict[int, int],
    tokenize: Tokenize | None,
    least: float = STEPS_COVERAGE,
) -> Series | None:
    """Of the series covering at least `least` of the question, the one whose lines and whose
    lead-in cover most of it — 「系统故障的恢复步骤」, not 「事务故障的恢复步骤」, for
    「系统故障以后怎么恢复」, though their items say much the same; of equals, the one with the
    commands that do its steps (a lab report's 「三、实验过程」, not its 「二、实验内容」 in the
    same words), then the one quoted from the best-ranked passage."""
    scored = []
    for series in found:
        covered = steps_coverage(plan, series, tokenize)
        if covered >= least:
            named = coverage_of(plan, series.lead_in.text, tokenize)
            rank = min(ranks[line.passage.id] for line in series.lines)
            scored.append(((covered + named) / 2, bool(series.code), -rank, series))
    best = max(scored, key=lambda scored_series: scored_series[:3], default=None)
    return None if best is None else best[3]


def _titles_a_comparison(plan: QuestionPlan, block: Series) -> bool:
    """The heading names a comparison (「• 接口与抽象类的区别」): its lines set two things apart, they
    are no procedure."""
    folded = fold(block.lead_in.text)
    return any(word in folded for word in plan.naming_words)


def _step_spans(series: Series, ranks: dict[int, int]) -> list[Evidence]:
    """The lead-in and items as evidence, each cited by the passage it is quoted from; a bare
    lead-in with the line above it (「周期性地执行如下操作：建立检查点，保存数据库状态。\\n具体
    步骤是：」)."""
    opening = (series.title, series.lead_in) if series.title and BARE_LEAD_IN.fullmatch(series.lead_in.text) else None
    items = [_first_statement(item) for item in series.items]
    runs: list[list[Line]] = []
    for line in (*(opening or (series.lead_in,)), *sorted((*items, *series.code), key=lambda line: line.start)):
        last = runs[-1][-1] if runs else None
        between = span_text(line.passage, (last.end, line.start)).strip() if last else ""
        if last and last.passage.id == line.passage.id and (not between or bare_number(between)):
            runs[-1].append(line)
        else:
            runs.append([line])
    spans = []
    for run in runs:
        passage, start, end = run[0].passage, run[0].start, run[-1].end
        if run[0] is series.lead_in or run[0] is series.title:
            start += _number_length(run[0].text)  # 「(3) 介质故障恢复：」 is quoted from its words
        rank = ranks[passage.id]
        spans.append(Evidence(span_text(passage, (start, end)), passage, rank, start, end, citations=(rank,)))
    if len(spans) > 1 and junk_reason(spans[0].text):
        # A heading leading in, left alone at a passage's end (「实验过程及实验结果」): the steps
        # start the answer, numbered from 1.
        spans = spans[1:]
    # One line that cannot stand alone (a section's number and title run into its first
    # sentence: 「二、市场营销和销售区别的角度市场营销和…」) is no procedure.
    return [] if len(spans) == 1 and junk_reason(spans[0].text) else spans


def _first_statement(item: Line) -> Line:
    """An item's line up to its first sentence's end: a book writes a step's explanation on
    its line (「1. 挣扎着搞清楚每一句话的确切含义。运用一切可以运用的手段 —— 查词典…」); the step is
    what it says first."""
    end = _SENTENCE_END.search(item.text)
    if end is None or not item.text[end.end() :].strip():
        return item
    return Line(item.start, item.start + end.end(), item.passage)


def _number_length(text: str) -> int:
    """The length of a line's list or section number (「(3) 」, 「5.2.2 」) with the spaces after
    it; 0 for a line with none, or one opening with a sequence word (首先 is part of what it says)."""
    section = SECTION_NUMBER.match(text)
    if section:
        return section.end()
    marker = LIST_ITEM.match(text)
    if marker is None or marker_style(text) == "then":
        return 0
    rest = text[marker.end() :]
    return marker.end() + len(rest) - len(rest.lstrip())
