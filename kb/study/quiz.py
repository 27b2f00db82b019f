"""The study pack's quiz: sentences of every document with one key term blanked out, some of
them multiple choice. Mechanisms, not word lists, so that a Java course gets as fair a quiz as
five marketing articles:

- items are taken from the documents in turn, so every document is asked about;
- a blank is one whole jieba word that is a key term, and no term is the answer twice;
- distractors are key terms of the same kind (code names with code names, nouns with nouns)
  from the same passage first, then the same document (never another one: a term from another
  lesson is told apart by its topic alone), each used as rarely as possible; a term the corpus
  itself writes next to the blank's neighbours (「产品卖给客户」 where the blank is
  「产品卖给____」) could also be right, so it is never a distractor;
- a sentence that only names a comparison (「接口和抽象类的区别是…」) is not asked about: its
  blank could be either side;
- a slide's bullet (「– 」) or a label that leads a line (「备注：」, 「Note:」) is not part of a
  statement, and a line that ends in a colon introduces a list rather than saying something.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kb.answering.sentence_quality import junk_reason
from kb.ingest.chunk import unbulleted
from kb.language.text import fold, in_script, sentence_spans
from kb.types import Passage

MIN_CONTEXT_CHARS = 12  # of a sentence around its blank, so that it can be answered
CHOICES = 4  # of a multiple-choice item
BLANK = "____"
SLOT_CONTEXT_CHARS = 4  # of the words either side of a blank checked against the corpus
_LEADING_LABEL = re.compile(r"^[^\s，。；：:,.;!?！？]{1,6}[：:]\s*")
_INCOMPLETE_END = re.compile(r"[：:，,、]\s*$")
_WORD_CHARS = re.compile(r"[\w<>]")
_PROPER_NAME_TAGS = frozenset({"nr", "ns", "nt"})


@dataclass(frozen=True)
class Terms:
    """Key terms (folded) as one document and the whole corpus rank them, with their kind and
    how the corpus writes them (「ArrayList」 for the folded 「arraylist」)."""

    by_doc: Mapping[str, Sequence[str]]
    corpus: Sequence[str]
    tags: Mapping[str, str]  # jieba part of speech of each term
    written: Mapping[str, str]

    def kind(self, term: str) -> str:
        """Code and Latin names, proper names, verbal nouns (销售, 封装) or other nouns: a
        distractor is of its answer's kind."""
        if term.isascii() or self.tags.get(term) == "eng":
            return "code"
        tag = self.tags.get(term)
        return "name" if tag in _PROPER_NAME_TAGS else "action" if tag == "vn" else "noun"

    def rank(self, doc_id: str, term: str) -> int:
        ranked = self.by_doc.get(doc_id, ())
        if term in ranked:
            return list(ranked).index(term)
        return len(ranked) + (list(self.corpus).index(term) if term in self.corpus else len(self.corpus))


@dataclass(frozen=True)
class Blank:
    """A quiz item before the pack numbers its source: the prompt with one blank, the answer as
    the sentence writes it, the choices of a multiple-choice item, and the passage it is from."""

    prompt: str
    answer: str
    passage: Passage
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Sentence:
    text: str  # as quoted, without a leading label
    folded: str
    words: tuple[tuple[str, int, int], ...]  # jieba words of `folded`, with their spans
    passage: Passage
    labelled: bool  # it followed a label such as 「备注：」: a note to the speaker, asked about last


def statement(sentence: str) -> str | None:
    """The sentence a quiz may ask about: without a leading bullet (「– 」, 「• 」) or label
    (「备注：」), None when it introduces a list, asks a question or is what an answer never
    quotes alone (sentence_quality.junk_reason: a heading, a syllabus's line of topics …)."""
    text = _LEADING_LABEL.sub("", unbulleted(sentence.strip()), count=1).strip()
    if _INCOMPLETE_END.search(text) or text.endswith(("？", "?")) or junk_reason(text):
        return None
    return text


def build_quiz(
    passages: Sequence[Passage],
    terms: Terms,
    tokenizer: Any,
    quoted: Collection[int] = (),
    avoid: Collection[str] = (),
    synonyms: Mapping[str, Collection[str]] | None = None,
    names_a_contrast: Callable[[str], bool] = lambda text: False,
    limit: int = 12,
) -> list[Blank]:
    """Up to `limit` items taken from the documents in turn (in index order), each document's
    sentences that the pack already quotes (passage ids in `quoted`) and that hold its highest
    ranked terms first. Every other item is multiple choice when three fair distractors exist.
    Contrast sides (`avoid`) are blanked only when a sentence holds no other term."""
    synonyms = synonyms or {}
    known = set(terms.corpus) | {t for ranked in terms.by_doc.values() for t in ranked}
    corpus_text = "\n".join(fold(p.text) for p in passages)
    queues = _sentences_by_document(passages, tokenizer, known, terms, quoted, names_a_contrast)
    items: list[Blank] = []
    used: set[str] = set()
    uses: dict[str, int] = {}
    while len(items) < limit and any(queues.values()):
        for queue in queues.values():
            while queue and len(items) < limit:
                sentence = queue.pop(0)
                term = _blank_term(sentence, terms, known, used, avoid)
                if term is None:
                    continue
                word, start, end = term
                choices: tuple[str, ...] = ()
                if len(items) % 2:
                    choices = _choices(sentence, (word, start, end), terms, known, corpus_text, avoid, synonyms, uses)
                items.append(
                    Blank(
                        sentence.text[:start] + BLANK + sentence.text[end:],
                        sentence.text[start:end],
                        sentence.passage,
                        choices,
                    )
                )
                used.add(word)
                break
    return items


def _sentences_by_document(
    passages: Sequence[Passage],
    tokenizer: Any,
    known: Collection[str],
    terms: Terms,
    quoted: Collection[int],
    names_a_contrast: Callable[[str], bool],
) -> dict[str, list[_Sentence]]:
    """Each document's quotable statements, once each (passages overlap), best first."""
    queues: dict[str, list[_Sentence]] = {}
    seen: set[str] = set()
    for passage in passages:
        queue = queues.setdefault(passage.doc_id, [])
        for s, e in sentence_spans(passage.text):
            text = statement(passage.text[s:e])
            if text is None or text in seen or names_a_contrast(text):
                continue
            seen.add(text)
            folded = fold(text)
            if len(folded) != len(text):  # a conversion that changed length: positions would not map
                continue
            words = tuple(tokenizer.tokenize(folded))
            queue.append(_Sentence(text, folded, words, passage, text != passage.text[s:e].strip()))
    for doc_id, queue in queues.items():

        def best_term_rank(sentence: _Sentence, doc_id: str = doc_id) -> int:
            ranks = [terms.rank(doc_id, w) for w, _, _ in sentence.words if w in known]
            return min(ranks, default=1_000_000)

        queue.sort(key=lambda s: (s.passage.id not in quoted, s.labelled, best_term_rank(s)))
    return queues


def _blank_term(
    sentence: _Sentence, terms: Terms, known: Collection[str], used: Collection[str], avoid: Collection[str]
) -> tuple[str, int, int] | None:
    """The sentence's best ranked key term that no earlier item asked for and the sentence
    writes once, as a whole word with MIN_CONTEXT_CHARS of context left around it; a contrast
    side only when nothing else fits."""
    options = [
        (word, start, end)
        for word, start, end in sentence.words
        if word in known
        and word not in used
        and sentence.folded.count(word) == 1  # written again elsewhere in the sentence, it gives itself away
        and len(sentence.text) - (end - start) >= MIN_CONTEXT_CHARS
    ]
    options.sort(key=lambda o: (o[0] in avoid, terms.rank(sentence.passage.doc_id, o[0]), o[1]))
    return options[0] if options else None


def _choices(
    sentence: _Sentence,
    blank: tuple[str, int, int],
    terms: Terms,
    known: Collection[str],
    corpus_text: str,
    avoid: Collection[str],
    synonyms: Mapping[str, Collection[str]],
    uses: dict[str, int],
) -> tuple[str, ...]:
    """The answer and three distractors in a stable order, or () when three fair ones do not exist."""
    answer, start, end = blank
    left, right = _slot(sentence, start, end)
    passage_terms = _words_of(fold(sentence.passage.text), known)
    doc_terms = list(terms.by_doc.get(sentence.passage.doc_id, ()))
    pool: dict[str, int] = {}  # term → 0 when the passage holds it, 1 when only its document does
    for tier, group in enumerate((passage_terms, doc_terms)):
        for term in group:
            pool.setdefault(term, tier)

    def fair(term: str) -> bool:
        return (
            term != answer
            and term not in sentence.folded
            and answer not in term
            and terms.kind(term) == terms.kind(answer)
            and term not in synonyms.get(answer, ())
            and not (answer in avoid and term in avoid)
            and not (left and left + term in corpus_text)
            and not (right and term + right in corpus_text)
        )

    ranked = sorted(
        (t for t in pool if fair(t)), key=lambda t: (pool[t], uses.get(t, 0), terms.rank(sentence.passage.doc_id, t))
    )
    distractors = ranked[: CHOICES - 1]
    if len(distractors) < CHOICES - 1:
        return ()
    for term in distractors:
        uses[term] = uses.get(term, 0) + 1
    traditional = sentence.folded != sentence.text.lower()  # distractors in the sentence's own script
    shown = [sentence.text[start:end]] + [
        in_script(t, "traditional") if traditional else terms.written.get(t, t) for t in distractors
    ]
    return tuple(sorted(shown, key=lambda c: hashlib.sha1(c.encode()).hexdigest()))


def _slot(sentence: _Sentence, start: int, end: int) -> tuple[str, str]:
    """The words just before and after a blank (at least SLOT_CONTEXT_CHARS each, not across
    punctuation), folded: what a distractor is checked against."""
    before = [w for w, _, e in sentence.words if e <= start]
    after = [w for w, s, _ in sentence.words if s >= end]
    left = ""
    for word in reversed(before):
        if not _WORD_CHARS.search(word):
            break
        left = word + left
        if len(left) >= SLOT_CONTEXT_CHARS:
            break
    right = ""
    for word in after:
        if not _WORD_CHARS.search(word):
            break
        right += word
        if len(right) >= SLOT_CONTEXT_CHARS:
            break
    return left, right


def _words_of(folded: str, known: Collection[str]) -> list[str]:
    """Key terms in the order a text first mentions them."""
    found = [(folded.find(term), term) for term in known if term in folded]
    return [term for _, term in sorted(found)]
