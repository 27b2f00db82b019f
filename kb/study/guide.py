"""Study material from the knowledge base: questions answered with citations, key topics,
the main contrast table, flashcards and a cloze quiz. Every item is corpus text, cited.

Building (this module) is separate from writing files (study_export.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from kb.answering.citing import cite
from kb.answering.sides import contrast_sides
from kb.language.text import fold
from kb.profile import Profile
from kb.study.quiz import Blank, Terms, build_quiz
from kb.types import Answer, Passage

if TYPE_CHECKING:
    from kb.knowledge_base import KnowledgeBase

MIN_TERM_CHARS = 2


@dataclass(frozen=True)
class Card:
    """A flashcard: a prompt, its cited answer, and where the answer comes from."""

    front: str
    back: str
    sources: str


@dataclass(frozen=True)
class ClozeItem:
    """A key sentence with one term blanked out, and the citation of the sentence. With
    `choices`, a multiple-choice item: the answer among other terms of the corpus (quiz.py)."""

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
    quoted: list[Passage] = field(default_factory=list)  # the quiz's passages

    @cached_property
    def _numbering(self) -> tuple[list[Passage], list[dict[int, int]]]:
        """Every passage an answer, table or quiz item cites, numbered once for the whole pack."""
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
        for passage in self.quoted:
            key = (passage.doc_id, passage.start, passage.end)
            if key not in seen:
                sources.append(passage)
                seen[key] = len(sources)
        return sources, per_question

    def number_of(self, passage: Passage) -> int:
        """The pack's number of a passage it quotes."""
        key = (passage.doc_id, passage.start, passage.end)
        return next(n for n, p in enumerate(self.sources, start=1) if (p.doc_id, p.start, p.end) == key)

    @property
    def sources(self) -> list[Passage]:
        return self._numbering[0]

    @property
    def source_numbers(self) -> list[dict[int, int]]:
        return self._numbering[1]


def key_terms(texts: Sequence[str], profile: Profile, n: int = 8) -> list[str]:
    """The corpus's key terms: TF-IDF of jieba nouns and verbal nouns against jieba's general
    Chinese IDF, so words frequent here but rare in general Chinese rank first."""
    counts, _ = tagged_term_counts(texts, profile)
    return ranked_terms(counts, profile, n)


_KEY_TAGS = frozenset({"n", "vn", "nz", "nr", "ns", "nt", "eng"})


def tagged_term_counts(texts: Sequence[str], profile: Profile) -> tuple[Counter[str], dict[str, str]]:
    """How often the texts use each noun-like jieba word (folded), and its part of speech."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)  # its dictionary's loading is no news to a trainer

    counts: Counter[str] = Counter()
    tags: dict[str, str] = {}
    for pair in jieba.posseg.dt.cut(fold("\n".join(texts))):
        word, tag = pair.word.strip(), pair.flag
        if tag in _KEY_TAGS and len(word) >= MIN_TERM_CHARS:
            counts[word] += 1
            tags.setdefault(word, tag)
    return counts, tags


def ranked_terms(counts: Counter[str], profile: Profile, n: int) -> list[str]:
    """The n words of highest TF-IDF (jieba's general IDF), without stopwords and asking words."""
    idf, median = _general_idf()
    stop = profile.analyzer.stopwords | profile.contrast.asking_words
    ranked = sorted((w for w in counts if w not in stop), key=lambda w: (-counts[w] * idf.get(w, median), w))
    return ranked[:n]


@lru_cache(maxsize=1)
def _general_idf() -> tuple[dict[str, float], float]:
    """jieba's IDF table of general Chinese and its median (for words it does not list)."""
    import jieba.analyse

    loader = jieba.analyse.TFIDF().idf_loader
    return loader.idf_freq, loader.median_idf


# 「X是…」「X指的是…」 at a sentence or clause start: X is a term the corpus defines.
_DEFINES = re.compile(
    r"(?:^|(?<=[。！？\n；，,：:]))\s*(?:而|则)?([\u4e00-\u9fff]{2,8}?|[a-z][a-z0-9_]{1,30})\s*(?:则|就|其实)?(?:是指|指的是|就是指|是一种|是一个|是)"
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


def compared_pairs(texts: Sequence[str], profile: Profile, terms: Collection[str]) -> list[tuple[str, str]]:
    """Pairs the corpus itself compares (「接口和抽象类的区别是…」, 「throw和throws的区别在于…」),
    most often compared first: a clause read as a contrast question, each side cut to the
    longest known term or jieba word at its end (side 1) or start (side 2)."""
    counts: dict[tuple[str, str], int] = {}
    tokenizer = profile.analyzer.tokenizer
    for text in texts:
        for clause in _CLAUSES.split(fold(text)):
            sides = contrast_sides(clause.strip(), profile.contrast)
            if not sides:
                continue
            a = _edge_term(sides[0], terms, tokenizer, last=True)
            b = _edge_term(sides[1], terms, tokenizer, last=False)
            if a and b and a != b:
                counts[(a, b)] = counts.get((a, b), 0) + 1
    both = {pair: counts[pair] + counts.get((pair[1], pair[0]), 0) for pair in counts}  # either order
    ranked = sorted(counts, key=lambda pair: (-both[pair], -counts[pair]))
    kept: dict[frozenset[str], tuple[str, str]] = {}
    for pair in ranked:
        kept.setdefault(frozenset(pair), pair)  # the order the corpus writes it more often
    return list(kept.values())


_CLAUSES = re.compile(r"[。！？；，,.!?;：:\n]")


def _edge_term(side: str, terms: Collection[str], tokenizer: Any, last: bool) -> str | None:
    """The longest known term that ends (last) or starts the side, else its last or first
    jieba word; None when that is a single character."""
    known = [t for t in terms if (side.endswith(t) if last else side.startswith(t))]
    if known:
        return max(known, key=len)
    words = [w for w in tokenizer.lcut(side) if w.strip()]
    word = (words[-1] if last else words[0]) if words else ""
    return word if len(word) >= MIN_TERM_CHARS else None


def spread_topics(first: Sequence[str], per_document: Sequence[Sequence[str]], n: int) -> list[str]:
    """`first`, then each document's next term in turn, so that a ten-deck course gets topics
    from every deck rather than six from the longest one."""
    topics = list(dict.fromkeys(first))
    depth = 0
    while len(topics) < n and any(depth < len(terms) for terms in per_document):
        for terms in per_document:
            if depth < len(terms) and terms[depth] not in topics and len(topics) < n:
                topics.append(terms[depth])
        depth += 1
    return topics[:n]


def study_terms(kb: KnowledgeBase, texts: Mapping[str, str], n: int) -> Terms:
    """Key terms of every document and of the corpus, each document's defined terms first."""
    profile = kb.profile
    vocabulary = {fold(entry.split()[0]) for entry in profile.analyzer.words}
    corpus_counts: Counter[str] = Counter()
    tags: dict[str, str] = {}
    own: dict[str, list[str]] = {}
    for doc_id, text in texts.items():
        counts, doc_tags = tagged_term_counts([text], profile)
        corpus_counts += counts
        tags = doc_tags | tags
        own[doc_id] = ranked_terms(counts, profile, n)
    corpus = ranked_terms(corpus_counts, profile, n)
    by_doc = {
        doc_id: list(dict.fromkeys(defined_terms([texts[doc_id]], {*terms, *corpus, *vocabulary}) + terms))
        for doc_id, terms in own.items()
    }
    whole = "\n".join(texts.values())
    return Terms(by_doc, corpus, tags, {t: written_form(t, whole) for t in tags if t.isascii()})


def written_form(term: str, text: str) -> str:
    """A folded term as the corpus first writes it: 「arraylist」 → 「ArrayList」."""
    match = re.search(re.escape(term), text, re.IGNORECASE) if term.isascii() else None
    return match.group(0) if match else term


def build_study_guide(
    kb: KnowledgeBase, questions: Sequence[str] | None = None, k: int = 5, topics: int = 6
) -> StudyGuide:
    """Answer the given questions — or, without them, an outline drawn from the corpus: the
    contrast of a pair the corpus itself compares (none when it compares none), then 「什么是…」
    for terms of every document in turn, the terms each defines (「分销则是…」) first. The quiz
    asks about every document of the outline, or of the answers to the given questions (quiz.py)."""
    texts = {d.doc_id: d.text for d in kb.index.documents()}
    terms = study_terms(kb, texts, n=max(3 * topics, 30))
    pairs = [] if questions else compared_pairs(list(texts.values()), kb.profile, set(terms.corpus))
    whole = "\n".join(texts.values())
    pair = tuple(written_form(t, whole) for t in pairs[0]) if pairs else None
    folded_topics = spread_topics(pairs[0] if pairs else (), list(terms.by_doc.values()), max(topics, 1))
    outline = [written_form(t, whole) for t in folded_topics]
    if questions:
        asked = [q for q in (q.strip() for q in questions) if q]
        title = "学习资料"
    else:
        asked = ([contrast_question(*pair)] if pair else []) + [topic_question(t) for t in outline]
        title = f"学习提纲：{pair[0]}与{pair[1]}" if pair else "学习提纲：" + "、".join(outline[:3])
    answers = [kb.ask(q, k=k) for q in asked]
    guide = StudyGuide(title, answers, topics=outline)
    guide.cards = flashcards(answers)
    sides = {fold(side) for a in answers if a.contrast for side in a.contrast.sides}
    quoted = {h.passage.id for a in answers for h in a.hits}
    cited = {s.doc_id for a in answers if a.found for s in a.sentences}  # asked questions: quiz on their documents
    blanks = build_quiz(
        [p for p in kb.passages() if not questions or p.doc_id in cited],
        terms,
        kb.profile.analyzer.tokenizer,
        quoted,
        sides,
        kb.profile.analyzer.synonyms,
        names_a_contrast=lambda text: contrast_sides(text, kb.profile.contrast) is not None,
    )
    guide.quoted = [b.passage for b in blanks]
    guide.cloze = [cloze_item(guide, b) for b in blanks]
    return guide


def cloze_item(guide: StudyGuide, blank: Blank) -> ClozeItem:
    """A quiz item cited by its passage's number in the pack."""
    number = guide.number_of(blank.passage)
    citation = f"[{number}] {blank.passage.title}（{blank.passage.cited_as()}）"
    return ClozeItem(blank.prompt, blank.answer, citation, blank.choices, (number,))
