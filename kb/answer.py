"""Extractive answers: the best sentences of the retrieved passages, each cited.

Every sentence of an answer is a verbatim span of a cited passage; nothing is generated, and
`check_grounding` proves it before an answer leaves this module. Near-identical sentences from
different articles are merged and carry all their citations. Contrast questions also get an
aspect table (see contrast.py).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from .chunk import is_heading
from .contrast import asking_words, build_contrast, contrast_sides
from .retrieve import is_near_duplicate
from .text import sentence_spans, tokenize
from .types import Answer, CitedSpan, Hit, Passage

NOT_FOUND = "知识库中没有找到能回答这个问题的内容。"
MIN_SENTENCE_CHARS = 8
ASKING_WORDS = asking_words()
_QUESTION = re.compile(r"[？?][”’」』）)\]】〕\"']*$")
_END_PUNCT = re.compile(r"[。！？!?；;…]+[”’」』）)\]】〕\"']*$")


class GroundingError(AssertionError):
    """An answer sentence or table cell that is not verbatim in the passage it cites."""


@dataclass
class _Candidate:
    text: str
    passage: Passage
    start: int  # offset in the cleaned document
    end: int
    score: float
    citations: list[int]
    about_difference: bool = False  # repeats 区别/不同 … instead of saying something


def content_terms(question: str) -> set[str]:
    """The question's terms minus words that only ask for a comparison (区别, 不同 …):
    sentences about the compared things answer it, sentences repeating 区别 rarely do."""
    terms = set(tokenize(question))
    return terms - ASKING_WORDS if terms - ASKING_WORDS else terms


def _candidates(question_terms: set[str], hits: list[Hit]) -> list[_Candidate]:
    found = []
    for hit in hits:
        p = hit.passage
        for s, e in sentence_spans(p.text):
            sentence = p.text[s:e]
            if e - s < MIN_SENTENCE_CHARS or is_heading(p.text, s, e) or _QUESTION.search(sentence):
                continue
            tokens = set(tokenize(sentence))
            matched = question_terms & tokens
            if not matched:
                continue
            coverage = len(matched) / len(question_terms)
            # Sentences that only restate the question ("营销和销售的区别很大") say little.
            substance = min(1.0, len(tokens - question_terms - ASKING_WORDS) / 8)
            score = coverage + 0.5 * substance + 0.3 * hit.score
            found.append(_Candidate(sentence, p, p.start + s, p.start + e, score, [hit.rank], bool(tokens & ASKING_WORDS)))
    return found


def _merge_duplicates(candidates: list[_Candidate]) -> list[_Candidate]:
    kept: list[_Candidate] = []
    for c in sorted(candidates, key=lambda c: -c.score):
        as_passage = Passage(-1, c.passage.doc_id, "", "", c.start, c.end, c.text)
        twin = next((k for k in kept if is_near_duplicate(as_passage, Passage(-1, k.passage.doc_id, "", "", k.start, k.end, k.text), 0.8)), None)
        if twin is None:
            kept.append(c)
            continue
        rank = c.citations[0]
        if rank in twin.citations:
            continue
        if rank < min(twin.citations):
            # Quote the best-ranked copy, so the first citation is where the text comes from.
            twin.text, twin.passage, twin.start, twin.end = c.text, c.passage, c.start, c.end
        twin.citations.append(rank)
    return kept


def cite(sentence: str, citations: list[int] | tuple[int, ...]) -> str:
    """Put the citation marks before the sentence's closing punctuation: 「…一部分[1]。」"""
    marks = "".join(f"[{n}]" for n in sorted(citations))
    end = _END_PUNCT.search(sentence)
    if end:
        return sentence[: end.start()] + marks + sentence[end.start() :]
    return sentence + marks + "。"


def _select(candidates: list[_Candidate], max_chars: int) -> list[_Candidate]:
    chosen: list[_Candidate] = []
    used = 0
    for c in candidates:
        if used + len(c.text) > max_chars and chosen:
            continue
        chosen.append(c)
        used += len(c.text)
    chosen.sort(key=lambda c: (min(c.citations), c.start))
    return chosen


def _renumber(hits: list[Hit], cited: set[int], shown: int) -> tuple[list[Hit], dict[int, int]]:
    """Keep the top `shown` hits plus any cited beyond them, renumbered 1..n in rank order."""
    kept = [h for h in hits if h.rank <= shown or h.rank in cited]
    mapping = {h.rank: i for i, h in enumerate(kept, start=1)}
    return [dataclasses.replace(h, rank=mapping[h.rank]) for h in kept], mapping


def compose_answer(question: str, hits: list[Hit], max_chars: int = 300, shown: int | None = None, answerable: bool = True) -> Answer:
    """Pick the sentences that cover the question best, within max_chars, in reading order.

    `hits` may hold more passages than the `shown` best: extra ones serve as evidence for a
    contrast table and are listed (after the shown ones) only if cited. With
    `answerable=False` (see Retriever.answerable) the answer says the index does not know.
    """
    shown = len(hits) if shown is None else shown
    terms = content_terms(question)
    top = [h for h in hits if h.rank <= shown]
    candidates = _candidates(terms, top) if terms and answerable else []
    # Sentences about the difference itself (「本文将探讨营销和销售的区别」) only when nothing
    # better is there.
    substantive = [c for c in candidates if not c.about_difference]
    chosen = _select(_merge_duplicates(substantive or candidates), max_chars)
    if not chosen:
        return Answer(question, NOT_FOUND, [], top, found=False)
    sides = contrast_sides(question)
    contrast = build_contrast(sides, hits) if sides else None
    cited = {n for c in chosen for n in c.citations}
    if contrast:
        cited |= {n for row in contrast.rows for cell in row.cells for n in cell.citations}
    kept, mapping = _renumber(hits, cited, shown)
    sentences = [
        CitedSpan(c.text, tuple(sorted(mapping[n] for n in c.citations)), c.passage.doc_id, c.start, c.end) for c in chosen
    ]
    if contrast:
        for row in contrast.rows:
            row.cells = [dataclasses.replace(cell, citations=tuple(mapping[n] for n in cell.citations)) for cell in row.cells]
    text = "".join(cite(s.text, s.citations) for s in sentences)
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
        if not (passage.start <= span.start and span.end <= passage.end) or passage.text[span.start - passage.start : span.end - passage.start] != span.text:
            raise GroundingError(f"{span.text!r} is not verbatim in passage [{span.citations[0]}]")
