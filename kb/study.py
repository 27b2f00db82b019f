"""Study material from the knowledge base: questions answered with citations, key topics,
the main contrast table, flashcards and a cloze quiz. Every item is corpus text, cited.

Building (this module) is separate from writing files (study_export.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .answer import cite
from .profile import Profile
from .text import fold
from .types import Answer, Passage

if TYPE_CHECKING:
    from .knowledge_base import KnowledgeBase

MIN_TERM_CHARS = 2
MIN_CONTEXT_CHARS = 12  # of a cloze sentence around its blank, so that it can be answered
CHOICES = 4  # of a multiple-choice item


@dataclass(frozen=True)
class Card:
    """A flashcard: a prompt, its cited answer, and where the answer comes from."""

    front: str
    back: str
    sources: str


@dataclass(frozen=True)
class ClozeItem:
    """A key sentence with one term blanked out, and the citation of the sentence. With
    `choices`, a multiple-choice item: the answer among other terms of the corpus."""

    prompt: str
    answer: str
    citation: str
    choices: tuple[str, ...] = ()
    sources: tuple[int, ...] = ()  # the pack's source numbers holding the sentence


@dataclass
class StudyGuide:
    """What a study pack holds. `sources` are the passages it quotes, once each, in pack order;
    `source_numbers[q]` maps question q's passage ranks to their numbers in `sources`."""

    title: str
    answers: list[Answer]
    topics: list[str] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    cloze: list[ClozeItem] = field(default_factory=list)

    @cached_property
    def _numbering(self) -> tuple[list[Passage], list[dict[int, int]]]:
        """Every passage an answer or table cites, numbered once for the whole pack."""
        seen: dict[tuple[str, int, int], int] = {}
        sources: list[Passage] = []
        per_question: list[dict[int, int]] = []
        for answer in self.answers:
            cited = {n for s in answer.sentences for n in s.citations}
            if answer.contrast:
                cited |= {n for row in answer.contrast.rows for cell in row.cells for n in cell.citations}
            numbers = {}
            for hit in (h for h in answer.hits if h.rank in cited):
                key = (hit.passage.doc_id, hit.passage.start, hit.passage.end)
                if key not in seen:
                    sources.append(hit.passage)
                    seen[key] = len(sources)
                numbers[hit.rank] = seen[key]
            per_question.append(numbers)
        return sources, per_question

    @property
    def sources(self) -> list[Passage]:
        return self._numbering[0]

    @property
    def source_numbers(self) -> list[dict[int, int]]:
        return self._numbering[1]


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


# 「X是…」「X指的是…」 at a sentence or clause start: X is a term the corpus defines.
_DEFINES = re.compile(
    r"(?:^|(?<=[。！？\n；，,：:]))\s*(?:而|则)?([\u4e00-\u9fff]{2,8}?)(?:则|就|其实)?(?:是指|指的是|就是指|是一种|是一个|是)"
)


def defined_terms(texts: Sequence[str], candidates: Collection[str]) -> list[str]:
    """Terms the corpus defines (「分销则是…」, 「营销是指…」) that are also key terms or
    vocabulary of the profile, most often defined first."""
    counts: dict[str, int] = {}
    for text in texts:
        for match in _DEFINES.finditer(fold(text)):
            if match.group(1) in candidates:
                counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return sorted(counts, key=lambda term: -counts[term])


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


def cloze_items(
    answers: Sequence[Answer],
    terms: Sequence[str],
    avoid: Collection[str] = (),
    source_numbers: Sequence[dict[int, int]] = (),
    limit: int = 12,
) -> list[ClozeItem]:
    """Blank a key term of answer sentences and table cells: 「____则是销售里面的其中一个环节。」→ 分销.

    A sentence's blank is the term it is about that no earlier item has asked for — the
    contrast sides (`avoid`) only when it holds nothing else, so twelve blanks are not twelve
    「销售」 — and it keeps at least MIN_CONTEXT_CHARS around the blank. Every other item is
    multiple choice, its distractors other terms of the corpus that the sentence does not hold."""
    items: list[ClozeItem] = []
    used: set[str] = set()
    seen: set[str] = set()
    ranked = sorted(dict.fromkeys(terms), key=len, reverse=True)
    for q, answer in enumerate(answers):
        spans = list(answer.sentences)
        if answer.contrast:
            spans += [cell for row in answer.contrast.rows for cell in row.cells]
        for span in spans:
            folded = fold(span.text)
            if span.text in seen:
                continue
            present = [t for t in ranked if t in folded and len(folded) - len(t) >= MIN_CONTEXT_CHARS]
            fresh = [t for t in present if t not in used]
            options = [t for t in fresh if t not in avoid] or fresh or [t for t in present if t not in avoid]
            if not options:
                continue
            term = options[0]
            position = folded.find(term)
            original = span.text[position : position + len(term)]  # the sentence's own script
            prompt = span.text[:position] + "____" + span.text[position + len(term) :]
            choices: tuple[str, ...] = ()
            if len(items) % 2:
                distractors = [t for t in ranked if t not in folded and t != term][: CHOICES - 1]
                if len(distractors) == CHOICES - 1:
                    order = sorted([original, *distractors], key=lambda c: hashlib.sha1(c.encode()).hexdigest())
                    choices = tuple(order)
            numbers = source_numbers[q] if q < len(source_numbers) else {}
            items.append(
                ClozeItem(
                    prompt,
                    original,
                    _sources(answer, span.citations),
                    choices,
                    tuple(numbers.get(n, n) for n in span.citations),
                )
            )
            used.add(term)
            seen.add(span.text)
            if len(items) >= limit:
                return items
    return items


def build_study_guide(
    kb: KnowledgeBase, questions: Sequence[str] | None = None, k: int = 5, topics: int = 6
) -> StudyGuide:
    """Answer the given questions — or, without them, an outline drawn from the corpus: the
    contrast of its two main concepts, then 「什么是…」 for each term the corpus itself defines
    (「分销则是…」), key terms after them."""
    texts = [d.text for d in kb.index.documents()]
    keys = key_terms(texts, kb.profile, n=max(3 * topics, 30))
    vocabulary = {fold(entry.split()[0]) for entry in kb.profile.analyzer.words}
    defined = defined_terms(texts, set(keys) | vocabulary)
    outline = list(dict.fromkeys(defined + keys))[: max(topics, 2)]
    if questions:
        asked = [q for q in (q.strip() for q in questions) if q]
        title = "学习资料"
    else:
        asked = [contrast_question(outline[0], outline[1])] + [topic_question(t) for t in outline[:topics]]
        title = f"学习提纲：{outline[0]}与{outline[1]}"
    answers = [kb.ask(q, k=k) for q in asked]
    guide = StudyGuide(title, answers, topics=outline[:topics])
    guide.cards = flashcards(answers)
    sides = {fold(side) for a in answers if a.contrast for side in a.contrast.sides}
    guide.cloze = cloze_items(answers, defined + keys, avoid=sides, source_numbers=guide.source_numbers)
    return guide
