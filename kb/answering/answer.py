"""Extractive answers: the sentences of the retrieved passages that answer best, each cited.

Every sentence of an answer is a verbatim span of a cited passage; nothing is generated, and
`check_grounding` proves it before an answer leaves this module. Sentences are ranked by their
evidence (evidence.py); the answer's shape follows the question (question.py): the best
sentence comes first, then supporting sentences in order of their evidence, as long as they
score close to the best and fit the length budget of the question's kind. Lists asked for with
「哪些」 or steps asked for with 「如何」 are quoted whole. Near-identical sentences from different
articles are merged and carry all their citations. Contrast questions also get an aspect table
(see contrast.py).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from kb.answering.contrast import build_contrast, contrast_sides
from kb.answering.evidence import Evidence, score_sentences
from kb.answering.question import AnswerShape, answer_shape, asks_an_amount, states_a_quantity
from kb.answering.sentence_quality import ITEM_MARKER, junk_reason
from kb.language.code import FENCE, code_spans, ends_in_code, reads_as_code
from kb.language.text import fold, is_near_duplicate, sentence_spans
from kb.profile import Profile, default_profile
from kb.provenance import Location
from kb.types import Answer, CitedSpan, Hit, Passage

NOT_FOUND = "知识库中没有找到能回答这个问题的内容。"
# Where a span of a document's cleaned text is in the original file: (doc_id, start, end).
Locate = Callable[[str, int, int], Location | None]
DUPLICATE_OVERLAP = 0.8  # share of character pairs that makes two sentences copies of each other
# A supporting sentence joins the answer only if its evidence is within this of the best's.
SUPPORT_MARGIN = 3.5
MAX_UNIT_CHARS = 400
RUN_ON_SENTENCES = 2  # sentences quoted after one that restates a yes/no question
CROSS_LANGUAGE_BUDGET = 160  # characters past the first sentence, for a question in another language
SHORT_ITEM_CHARS = 20  # a line this short after 「…如下：」 is an item of the list
_END_PUNCT = re.compile(r"[。！？!?；;…]+[”’」』）)\]】〕\"']*$")
_LIST_ITEM = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,2}[)）、.．]|第[一二三四五六七八九十]+[，,、：:是点步]|[①-⑩]|[一二三四五六七八九十]是|首先|其次|再次|然后|最后)"
)
_SEQUENCE_WORDS = ("首先", "其次", "再次", "然后", "最后")
_GOES_ON = re.compile(r"[：:].{8,}")
_CLAUSE_END = re.compile(r"[；;：:]\s*$")
_LEADING_MARKS = re.compile(r"^[\s，,、；;：:]+")
_INTRODUCES = re.compile(r"[:：]\s*$|如下[。：:]?$")


class GroundingError(AssertionError):
    """An answer sentence or table cell that is not verbatim in the passage it cites."""


def _restates(evidence: Evidence, shape: AnswerShape, asking_words: frozenset[str]) -> bool:
    """For a contrast: the sentence names the difference instead of stating it (「本文将探讨营销
    和销售的区别」) — it holds an asking word (区别, 不同 …) but neither sets the sides against
    each other (the shape's cue) nor goes on after a colon (「…的工作区别：1.工作目标…」)."""
    folded = fold(evidence.text)
    if not any(word in folded for word in asking_words):
        return False
    return not (shape.cue and shape.cue.search(folded)) and not _GOES_ON.search(folded)


def _merge_duplicates(candidates: list[Evidence]) -> list[Evidence]:
    kept: list[Evidence] = []
    for c in candidates:
        # The same sentence twice: from overlapping passages, or copied between articles.
        twin = next((k for k in kept if is_near_duplicate(c, k, DUPLICATE_OVERLAP)), None)
        if twin is None:
            kept.append(c)
            continue
        if c.rank in twin.citations:
            continue
        if c.rank < min(twin.citations):
            # Quote the best-ranked copy, so the first citation is where the text comes from.
            twin.text, twin.passage, twin.start, twin.end = c.text, c.passage, c.start, c.end
        twin.citations.append(c.rank)
    return kept


def cite(sentence: str, citations: list[int] | tuple[int, ...], code: bool = False) -> str:
    """Put the citation marks before the sentence's closing punctuation: 「…一部分[1]。」. A line
    of code keeps its text as it is, the marks after it: `throw new IOException();[1]`."""
    marks = "".join(f"[{n}]" for n in sorted(citations))
    if code:
        return sentence + marks + "\n"
    end = _END_PUNCT.search(sentence)
    if end:
        return sentence[: end.start()] + marks + sentence[end.start() :]
    return sentence + marks + "。"


def answer_candidates(
    evidence: list[Evidence], shape: AnswerShape, shown: int, asking_words: frozenset[str]
) -> list[Evidence]:
    """The sentences of the `shown` passages an answer may quote, best first, duplicates merged.

    Without a vector to vouch for it, a sentence sharing no word or character pair with the
    question is not quoted. For a contrast, sentences about the difference itself
    (「本文将探讨营销和销售的区别」) only when nothing better is there."""
    candidates = [ev for ev in evidence if ev.rank <= shown and (ev.cosine is not None or _shares_words(ev))]
    contrast = shape.kind == "contrast"
    substantive = [c for c in candidates if not (contrast and _restates(c, shape, asking_words))]
    return _merge_duplicates(substantive or candidates)


def enumeration(passage: Passage, start: int, end: int) -> tuple[int, int]:
    """The list a sentence belongs to, as one span (offsets in the cleaned document): an
    introducing sentence (「…包括以下几点：」) with the items after it (numbered, short lines of
    their own: 「战术到战略」, or the lines of a code block), or a numbered item with its
    neighbouring items. Other sentences are returned unchanged."""
    spans = [(passage.start + s, passage.start + e) for s, e in sentence_spans(passage.text)]
    if (start, end) not in spans:
        return start, end
    first = last = spans.index((start, end))

    def numbered(j: int) -> bool:
        return bool(_LIST_ITEM.match(_text(passage, spans[j])))

    def introduces(j: int) -> bool:
        return bool(_INTRODUCES.search(_text(passage, spans[j])))

    blocks = [(a, b) for a, b in code_spans(passage.text) if "\n" in passage.text[a:b]]

    def code_line(j: int) -> tuple[int, int] | None:
        """The code block (fenced or indented) holding sentence j, if any."""
        s, e = (offset - passage.start for offset in spans[j])
        return next((block for block in blocks if block[0] <= s and e <= block[1]), None)

    def short_line(j: int) -> bool:
        s, e = (offset - passage.start for offset in spans[j])
        text = passage.text
        return e - s <= SHORT_ITEM_CHARS and text[s - 1 : s] == "\n" and text[e : e + 1] in ("\n", "")

    def style(j: int) -> str | None:
        return marker_style(_text(passage, spans[j]))

    # 「(3) 介质故障恢复：」 before 「① 装入…」: a lead-in, numbered in another style than its items.
    lead_in = introduces(first) and first + 1 < len(spans) and numbered(first + 1) and style(first + 1) != style(first)
    if numbered(first) or lead_in:
        items = style(first + 1) if lead_in else style(first)
        while not lead_in and first > 0 and numbered(first - 1) and style(first - 1) == items:
            first -= 1
        if not lead_in and first > 0 and introduces(first - 1):
            first -= 1
        while last + 1 < len(spans) and numbered(last + 1) and style(last + 1) == items:
            last += 1
    elif introduces(first) and first + 1 < len(spans) and code_line(first + 1):
        # 「抛出异常的写法如下：」 and the code after it: the lines of that block.
        block = code_line(first + 1)
        while last + 1 < len(spans) and code_line(last + 1) == block:
            last += 1
        while last > first + 1 and _text(passage, spans[last]).startswith(FENCE):
            last -= 1  # the closing fence: the answer ends on the code
    elif introduces(first):
        # Unnumbered short lines of their own; one ending in 。 closes the list.
        while last + 1 < len(spans) and short_line(last + 1):
            last += 1
            if _END_PUNCT.search(_text(passage, spans[last])):
                break
    while spans[last][1] - spans[first][0] > MAX_UNIT_CHARS and spans[last][1] > end:
        last -= 1
    return spans[first][0], spans[last][1]


def marker_style(text: str) -> str | None:
    """The form of a list item's marker with its number left out — 「(3)」 and 「(1)」 are both
    "(N)", 「①」 is "○", 「首先」/「然后」 are "then" — or None for a line that is no item: items of
    one list share a style, and a lead-in numbered otherwise is not one of them."""
    marker = _LIST_ITEM.match(text)
    if not marker:
        return None
    found = marker.group().strip()
    if found in _SEQUENCE_WORDS:
        return "then"
    return re.sub(r"[①-⑩]", "○", re.sub(r"\d+|[一二三四五六七八九十]+", "N", found))


def _text(passage: Passage, span: tuple[int, int]) -> str:
    return passage.text[span[0] - passage.start : span[1] - passage.start]


def _as_unit(evidence: Evidence) -> Evidence:
    start, end = enumeration(evidence.passage, evidence.start, evidence.end)
    if (start, end) == (evidence.start, evidence.end):
        return evidence
    return _respan(evidence, start, end)


def _respan(evidence: Evidence, start: int, end: int) -> Evidence:
    """The evidence quoting another span of its passage (offsets in the cleaned document)."""
    return dataclasses.replace(
        evidence, text=_text(evidence.passage, (start, end)), start=start, end=end, citations=list(evidence.citations)
    )


def _adjacent(a: Evidence, b: Evidence) -> bool:
    """b directly follows a in the same passage (only whitespace between them)."""
    if a.passage.id != b.passage.id or b.start < a.end:
        return False
    return not _text(a.passage, (a.end, b.start)).strip()


def select(
    ranked: list[Evidence], shape: AnswerShape, max_chars: int, margin: float = SUPPORT_MARGIN, lexical: bool = True
) -> list[Evidence]:
    """The best sentence, then supporting ones in order of evidence while they score within
    `margin` of the best and share a word with the question (the sentences just before and
    after it: within twice that margin, sharing words or not, since an answer often runs on
    into the next sentence), and fit the budget (the question kind's, at most max_chars)."""
    ranked = [shown for shown in (presentable(c, shape) for c in ranked) if shown is not None]
    if not ranked:
        return []
    if shape.kind == "method":
        ranked = _steps_first(ranked, 2 * margin)
    if shape.follows_context and ranked[0].features.get("against"):
        # 「许多人认为营销和销售是一回事。」 restates the question; the sentences after it settle
        # it: they follow it whatever their own evidence.
        previous, lifted = ranked[0], []
        for _ in range(RUN_ON_SENTENCES):
            after = next((c for c in ranked[1:] if _adjacent(previous, c) and c not in lifted), None)
            if after is None:
                break
            lifted.append(dataclasses.replace(after, score=ranked[0].score))
            previous = after
        ranked = [ranked[0], *lifted, *(c for c in ranked[1:] if all(c.start != x.start for x in lifted))]
    budget = min(shape.budget, max_chars)
    best = ranked[0]
    chosen, used = [best], len(best.text)
    for candidate in ranked[1:]:
        gap = ranked[0].score - candidate.score
        if gap > 2 * margin:
            break
        neighbour = _adjacent(best, candidate) or _adjacent(candidate, best)
        if gap > margin and not neighbour:
            continue
        related = _shares_words(candidate) if lexical else candidate.cosine is not None
        if used + len(candidate.text) > budget or not (neighbour or related):
            continue
        if any(
            c.passage.doc_id == candidate.passage.doc_id and c.start <= candidate.start and candidate.end <= c.end
            for c in chosen
        ):
            continue  # already quoted inside a list
        chosen.append(candidate)
        used += len(candidate.text)
    return _arrange(chosen)


def holds_steps(evidence: Evidence) -> bool:
    """The span states steps: two or more numbered lines, 首先 … 然后/再/最后, a chain of →, or
    a lead-in with the code that does it."""
    text = evidence.text
    numbered = sum(bool(_LIST_ITEM.match(line)) for line in text.splitlines())
    ordered = "首先" in text and any(word in text for word in ("然后", "其次", "接着", "最后", "再"))
    return numbered >= 2 or ordered or text.count("→") + text.count("->") >= 2 or ("\n" in text and is_code(evidence))


def _steps_first(ranked: list[Evidence], margin: float) -> list[Evidence]:
    """For a how-to question, the best-evidenced span that states steps leads (with its lead-in,
    see enumeration) if it scores within `margin` of the best: 「抛出一个异常分为三步：1、…」
    answers 「如何抛出一个异常」 better than a sentence explaining throw against throws."""
    steps = next((c for c in ranked if holds_steps(c)), None)
    if steps is None or steps is ranked[0] or ranked[0].score - steps.score > margin:
        return ranked
    return [dataclasses.replace(steps, score=ranked[0].score), *(c for c in ranked if c is not steps)]


def presentable(evidence: Evidence, shape: AnswerShape) -> Evidence | None:
    """The span to quote for a candidate sentence, or None if it cannot stand on its own.

    For a list or steps the whole list is quoted with its lead-in (enumeration). Elsewhere a
    numbered item is quoted without its number (「17.市场是对资源的组织和协调；」 → from 市场),
    still a verbatim span. Headings, wrap-ups and pointers (「总之，看了这么多…」), fragments cut
    mid-clause and clauses ending in 「：」 are not quoted (sentence_quality.junk_reason)."""
    shown = _as_unit(evidence) if shape.units else evidence
    # A numbered lead-in (「(3) 介质故障恢复：\n① …」) is quoted from its words, as a lone item is.
    lead_in = shown is not evidence and _INTRODUCES.search(shown.text.split("\n", 1)[0])
    if not shape.units or shown is evidence or lead_in:
        marker = ITEM_MARKER.match(shown.text)
        if marker and marker.end() < len(shown.text):
            shown = _respan(shown, shown.start + marker.end(), shown.end)
    lead = _LEADING_MARKS.match(shown.text)
    if lead and lead.end() < len(shown.text):
        # 「，又名《离岛大夫日志》…」: scraping lost what came before the comma; quote what follows.
        shown = _respan(shown, shown.start + lead.end(), shown.end)
    return None if junk_reason(shown.text) else shown


def is_code(evidence: Evidence) -> bool:
    """The quoted span ends in code (a line of a code block, code between backticks, steps
    ending on their code line): cited without a 「。」 of its own."""
    p = evidence.passage
    return ends_in_code(p.text, evidence.end - p.start) or reads_as_code(evidence.text.rsplit("\n", 1)[-1])


def _shares_words(evidence: Evidence) -> bool:
    """A supporting sentence must share a word or a character pair with the question, unless it
    continues the best one: its vector alone (「它发生得如此之快。」 under a relevant heading)
    is not enough."""
    return evidence.features["lexical"] > 0 or evidence.features["bigrams"] > 0


def _arrange(chosen: list[Evidence]) -> list[Evidence]:
    """Reading order where sentences touch: a sentence chosen right after another follows it
    directly (an answer often runs on), and a clause ending in ；/： next to a chosen sentence
    is the other half of that sentence and is quoted with it as one span
    (「市场是发现和制造的需求；销售只是为了满足需求。」) — not a line of code ending in 「;」.
    Otherwise the order is kept."""
    arranged: list[Evidence] = []
    for candidate in chosen:
        for i, kept in enumerate(arranged):
            first, second = (candidate, kept) if _adjacent(candidate, kept) else (kept, candidate)
            if _adjacent(first, second) and _CLAUSE_END.search(first.text) and not is_code(first):
                citations = list(dict.fromkeys(kept.citations + candidate.citations))
                arranged[i] = dataclasses.replace(
                    kept,
                    text=_text(kept.passage, (first.start, second.end)),
                    start=first.start,
                    end=second.end,
                    citations=citations,
                )
                break
        else:
            before = next((i for i, kept in enumerate(arranged) if _adjacent(kept, candidate)), None)
            arranged.insert(len(arranged) if before is None else before + 1, candidate)
    return arranged


def _within(chosen: list[Evidence], max_chars: int) -> list[Evidence]:
    """The chosen sentences, the last ones dropped until the printed answer — citation marks
    included — fits max_chars (the first is kept whatever its length: it is the answer). Marks
    are counted with the passages' current ranks, which renumbering only makes smaller."""
    kept = list(chosen)
    while len(kept) > 1 and sum(len(cite(c.text, c.citations, is_code(c))) for c in kept) > max_chars:
        kept.pop()
    return kept


def _renumber(hits: list[Hit], cited: set[int], shown: int) -> tuple[list[Hit], dict[int, int]]:
    """Keep the top `shown` hits plus any cited beyond them, renumbered 1..n in rank order."""
    kept = [h for h in hits if h.rank <= shown or h.rank in cited]
    mapping = {h.rank: i for i, h in enumerate(kept, start=1)}
    return [dataclasses.replace(h, rank=mapping[h.rank]) for h in kept], mapping


def compose_answer(
    question: str,
    hits: list[Hit],
    max_chars: int = 300,
    shown: int | None = None,
    answerable: bool = True,
    evidence: list[Evidence] | None = None,
    profile: Profile | None = None,
    locate: Locate | None = None,
    cross_language: bool = False,
) -> Answer:
    """The sentences that answer best, within max_chars, the best first.

    `hits` may hold more passages than the `shown` best: extra ones serve as evidence for a
    contrast table and are listed (after the shown ones) only if cited. `evidence` is the
    scored sentences of the shown passages (KnowledgeBase.ask adds sentence vectors); without
    it they are scored from their words alone. With `answerable=False` (see
    Retriever.answerable) the answer says the index does not know. `profile` is the index's
    (contrast sides and aspects, vocabulary); the shipped one by default. `locate` places each
    quoted span in its original file (StoredIndex.locate). A `cross_language` question (English
    asked of Chinese sources) shares no words with them: sentences vouched for by their vectors
    may support the best one.
    """
    profile = profile or default_profile()
    asking = profile.contrast.asking_words
    shown = len(hits) if shown is None else shown
    top = [h for h in hits if h.rank <= shown]
    sides = contrast_sides(question, profile.contrast)
    shape = answer_shape(question, sides)
    if evidence is None:
        evidence = score_sentences(question, top, shape, profile.analyzer, ignore=asking)
    if cross_language:
        # Vouched for by vectors alone, supporting sentences drift: keep the answer short.
        shape = dataclasses.replace(shape, budget=min(shape.budget, CROSS_LANGUAGE_BUDGET))
    candidates = answer_candidates(evidence, shape, shown, asking)
    chosen = select(candidates, shape, max_chars, lexical=not cross_language) if answerable else []
    if asks_an_amount(question) and not any(states_a_quantity(c.text) for c in chosen):
        chosen = []  # 「销售人员的平均工资是多少」 with no amount in what would be quoted: not in the index
    chosen = _within(chosen, max_chars)
    if not chosen:
        return Answer(question, NOT_FOUND, [], top, found=False)
    contrast = build_contrast(sides, hits, profile.contrast, tokenize=profile.analyzer.tokenize) if sides else None
    cited = {n for c in chosen for n in c.citations}
    if contrast:
        cited |= {n for row in contrast.rows for cell in row.cells for n in cell.citations}
    kept, mapping = _renumber(hits, cited, shown)
    place = locate or (lambda doc_id, start, end: None)
    sentences = [
        CitedSpan(
            c.text,
            tuple(sorted(mapping[n] for n in c.citations)),
            c.passage.doc_id,
            c.start,
            c.end,
            place(c.passage.doc_id, c.start, c.end),
            is_code(c),
        )
        for c in chosen
    ]
    if contrast:
        for row in contrast.rows:
            row.cells = [
                dataclasses.replace(
                    cell,
                    citations=tuple(mapping[n] for n in cell.citations),
                    location=place(cell.doc_id, cell.start, cell.end),
                )
                for cell in row.cells
            ]
    text = "".join(cite(s.text, s.citations, s.code) for s in sentences).rstrip("\n")
    answer = Answer(question, text, sentences, kept, contrast=contrast)
    check_grounding(answer)
    return answer


def check_grounding(answer: Answer) -> None:
    """Raise GroundingError unless every sentence and table cell is verbatim in the passage it
    cites first, at the offsets it claims (offsets are into the cleaned document)."""
    by_rank = {h.rank: h.passage for h in answer.hits}
    spans = list(answer.sentences)
    if answer.contrast:
        spans += [cell for row in answer.contrast.rows for cell in row.cells]
    for span in spans:
        if not span.citations or any(n not in by_rank for n in span.citations):
            raise GroundingError(f"uncited or dangling citation for {span.text!r}")
        passage = by_rank[span.citations[0]]
        if (
            not (passage.start <= span.start and span.end <= passage.end)
            or passage.text[span.start - passage.start : span.end - passage.start] != span.text
        ):
            raise GroundingError(f"{span.text!r} is not verbatim in passage [{span.citations[0]}]")
