"""Extractive answers: the best sentences of the retrieved passages, each cited.

Every sentence of an answer is a verbatim span of a cited passage; nothing is generated.
Near-identical sentences from different articles are merged and carry all their citations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .chunk import is_heading
from .retrieve import is_near_duplicate
from .text import sentence_spans, tokenize
from .types import Answer, AnswerSentence, Hit, Passage

NOT_FOUND = "知识库中没有找到能回答这个问题的内容。"
MIN_SENTENCE_CHARS = 8
ASKING_WORDS = frozenset({"区别", "不同", "差异", "差别", "异同", "对比", "比较", "联系", "关系", "区分"})
_QUESTION = re.compile(r"[？?][”’」』）)\]】〕\"']*$")
_END_PUNCT = re.compile(r"[。！？!?；;…]+[”’」』）)\]】〕\"']*$")


@dataclass
class _Candidate:
    text: str
    passage: Passage
    start: int  # offset in the cleaned document
    end: int
    score: float
    citations: list[int]


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
            meta = 0.5 if tokens & ASKING_WORDS else 0.0
            score = coverage + 0.5 * substance + 0.3 * hit.score - meta
            found.append(_Candidate(sentence, p, p.start + s, p.start + e, score, [hit.rank]))
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


def cite(sentence: str, citations: list[int]) -> str:
    """Put the citation marks before the sentence's closing punctuation: 「…一部分[1]。」"""
    marks = "".join(f"[{n}]" for n in sorted(citations))
    end = _END_PUNCT.search(sentence)
    if end:
        return sentence[: end.start()] + marks + sentence[end.start() :]
    return sentence + marks + "。"


def content_terms(question: str) -> set[str]:
    """The question's terms minus words that only ask for a comparison (区别, 不同 …):
    sentences about the compared things answer it, sentences repeating 区别 rarely do."""
    terms = set(tokenize(question))
    return terms - ASKING_WORDS if terms - ASKING_WORDS else terms


def compose_answer(question: str, hits: list[Hit], max_chars: int = 300) -> Answer:
    """Pick the sentences that cover the question best, within max_chars, in reading order."""
    terms = content_terms(question)
    candidates = _merge_duplicates(_candidates(terms, hits)) if terms else []
    chosen: list[_Candidate] = []
    used = 0
    for c in candidates:
        if used + len(c.text) > max_chars and chosen:
            continue
        chosen.append(c)
        used += len(c.text)
    if not chosen:
        return Answer(question, NOT_FOUND, [], hits, found=False)
    chosen.sort(key=lambda c: (min(c.citations), c.start))
    sentences = [AnswerSentence(c.text, tuple(sorted(c.citations)), c.passage.doc_id, c.start, c.end) for c in chosen]
    text = "".join(cite(c.text, c.citations) for c in chosen)
    return Answer(question, text, sentences, hits)
