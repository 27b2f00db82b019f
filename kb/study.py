"""Study material from the knowledge base: questions answered with citations, key topics,
the main contrast table, flashcards and a cloze quiz. Every item is corpus text, cited.

Building (this module) is separate from writing files (study_export.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .answer import cite
from .profile import Profile
from .text import fold
from .types import Answer

if TYPE_CHECKING:
    from .knowledge_base import KnowledgeBase

MIN_TERM_CHARS = 2


@dataclass(frozen=True)
class Card:
    """A flashcard: a prompt, its cited answer, and where the answer comes from."""

    front: str
    back: str
    sources: str


@dataclass(frozen=True)
class ClozeItem:
    """A key sentence with one term blanked out, and the citation of the sentence."""

    prompt: str
    answer: str
    citation: str


@dataclass
class StudyGuide:
    title: str
    answers: list[Answer]
    topics: list[str] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    cloze: list[ClozeItem] = field(default_factory=list)


def key_terms(texts: Sequence[str], profile: Profile, n: int = 8) -> list[str]:
    """The corpus's key terms: TF-IDF of jieba nouns and verbal nouns against jieba's general
    Chinese IDF, so words frequent here but rare in general Chinese rank first. Segmented with
    the profile's vocabulary, which keeps its terms (市场营销, 销售漏斗) whole."""
    import jieba.analyse

    extractor = jieba.analyse.TFIDF()
    extractor.tokenizer = profile.analyzer.tokenizer
    folded = fold("\n".join(texts))
    candidates = extractor.extract_tags(folded, topK=n * 3, allowPOS=("n", "vn", "nz", "nr", "ns", "nt", "eng"))
    stop = profile.analyzer.stopwords | profile.contrast.asking_words
    return [t for t in candidates if len(t) >= MIN_TERM_CHARS and t not in stop][:n]


def topic_question(term: str) -> str:
    return f"什么是{term}？"


def contrast_question(a: str, b: str) -> str:
    return f"{a}和{b}的区别"


def _sources(answer: Answer, citations: Sequence[int]) -> str:
    by_rank = {h.rank: h.passage for h in answer.hits}
    return "；".join(
        f"[{n}] {by_rank[n].title}（{by_rank[n].cited_as()}）" for n in sorted(set(citations)) if n in by_rank
    )


def flashcards(answers: Sequence[Answer]) -> list[Card]:
    """One card per answered question, plus one per contrast-table row."""
    cards = []
    for answer in answers:
        if not answer.found:
            continue
        cited = [n for s in answer.sentences for n in s.citations]
        cards.append(Card(answer.question, answer.text, _sources(answer, cited)))
        if answer.contrast:
            sides = answer.contrast.sides
            for row in answer.contrast.rows:
                back = "；".join(f"{side}：{cite(cell.text, cell.citations)}" for side, cell in zip(sides, row.cells))
                cards.append(
                    Card(
                        f"{' vs '.join(sides)}：{row.aspect}",
                        back,
                        _sources(answer, [n for c in row.cells for n in c.citations]),
                    )
                )
    return cards


def cloze_items(answers: Sequence[Answer], terms: Sequence[str], limit: int = 12) -> list[ClozeItem]:
    """Blank a key term in answer sentences: 「____是一个系统，而销售只是营销的一部分。」→ 营销."""
    items, seen = [], set()
    for answer in answers:
        for sentence in answer.sentences:
            folded = fold(sentence.text)
            for term in sorted(terms, key=len, reverse=True):
                position = folded.find(term)
                if position < 0 or sentence.text in seen:
                    continue
                original = sentence.text[position : position + len(term)]  # keep the sentence's own script
                prompt = sentence.text[:position] + "____" + sentence.text[position + len(term) :]
                items.append(ClozeItem(prompt, original, _sources(answer, sentence.citations)))
                seen.add(sentence.text)
                break
            if len(items) >= limit:
                return items
    return items


def build_study_guide(
    kb: KnowledgeBase, questions: Sequence[str] | None = None, k: int = 5, topics: int = 6
) -> StudyGuide:
    """Answer the given questions — or, without them, an outline drawn from the corpus: one
    question per key topic and the contrast of its two main concepts."""
    documents = kb.index.documents()
    terms = key_terms([d.text for d in documents], kb.profile, n=max(topics, 2))
    if questions:
        asked = [q for q in (q.strip() for q in questions) if q]
        title = "学习资料"
    else:
        asked = [contrast_question(terms[0], terms[1])] + [topic_question(t) for t in terms[:topics]]
        title = f"学习提纲：{terms[0]}与{terms[1]}"
    answers = [kb.ask(q, k=k) for q in asked]
    guide = StudyGuide(title, answers, topics=terms[:topics])
    guide.cards = flashcards(answers)
    guide.cloze = cloze_items(answers, terms)
    return guide
