"""Read a question as the trainee meant it, before anything is retrieved.

Four readings, in order: a follow-up is completed from the conversation before it
(followup.py); English is read in the index's Chinese words (english.py: 「What is the
difference between marketing and sales?」 → 「营销和销售的区别」, an unknown English word in a
Chinese question replaced in place); spoken grammar is put in written form (spoken.py); typos
are corrected against the index's own words (typos.py). A question mostly in English with no
content word read is marked cross-language: the multilingual embedding model finds its Chinese
sources, but no Chinese term of the question can be expected in them, so answerability and
sentence choice rely on the vectors (see Retriever.answerable and answer.answer_candidates).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from kb.answering.english import EnglishReader, glossed_terms
from kb.answering.followup import complete, focus_of
from kb.answering.retrieve import normalise_question
from kb.answering.spoken import written_question
from kb.answering.typos import Homophones, correct, latin_typos, route_likelihood
from kb.errors import KbError
from kb.language.glossary import Glossary
from kb.language.text import fold, in_typed_case
from kb.profile import Profile
from kb.stores.base import IndexStore

MAX_PREVIOUS = 10  # earlier questions read for a follow-up (the latest ones)
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# A question is cross-language when fewer than this share of its words are Chinese characters.
CROSS_LANGUAGE_HAN_SHARE = 0.5
SOURCES_ARE_CHINESE = "来源为中文资料（the sources are in Chinese）"


@dataclass(frozen=True)
class Reading:
    """How a question is answered: `text` (what retrieval and the answer read), how it was
    arrived at (`previous`: the earlier questions it was read with, oldest first), and whether
    it is in another language than its sources: `cross_language` when `text` is (the vectors
    alone find its answer), `translated` when it was asked so and `text` reads it in Chinese."""

    asked: str
    text: str
    corrected: str | None = None
    cross_language: bool = False
    previous: tuple[str, ...] = ()
    translated: bool = False
    focus: str = ""  # what a 「那X呢」 follow-up asks about now (followup.focus_of), folded

    @property
    def understood_as(self) -> str | None:
        """The question answered, when it is not what was typed."""
        return self.text if fold(self.text) != fold(self.asked) else None


def is_cross_language(question: str, indexed: Callable[[str], bool] = lambda word: False) -> bool:
    """Mostly Latin-script words: 「What is the difference between marketing and sales?」,
    「a marketing plan 一般包括什么」 (counted per character: a Latin word weighs its letters/2,
    about what it takes in Chinese characters). In a question with Chinese in it, a Latin word
    the index holds (`indexed`) is one of the documents' own names and counts as Chinese:
    「mysql里where和having有什么区别」 asks in Chinese about SQL's keywords, not in English."""
    han = len(_HAN.findall(question))
    words = _LATIN_WORD.findall(question)
    latin = sum(len(word) for word in words if not (han and indexed(word))) / 2
    return latin > 0 and han < CROSS_LANGUAGE_HAN_SHARE * (han + latin)


CONTEXT_PASSAGES = 20  # a typo's correction must be a word of this many passages BM25 finds first


class QuestionReader:
    """Reads questions against one index (its words, its profile); the homophone table is
    built on the first question that needs it and kept."""

    def __init__(self, index: IndexStore, profile: Profile) -> None:
        self.index = index
        self.profile = profile
        self._homophones: Homophones | None = None
        self._english: EnglishReader | None = None

    def homophones(self) -> Homophones:
        if self._homophones is None:
            self._homophones = Homophones()
        return self._homophones

    def english(self) -> EnglishReader:
        """Built on the first question with English in it: the dictionary, and the terms the
        index's passages gloss in English (one pass over them)."""
        if self._english is None:
            terms = glossed_terms(p.text for p in self.index.passages())
            self._english = EnglishReader(Glossary(), self._frequencies, terms, self.index.passage_count)
        return self._english

    def written(self, question: str) -> str:
        """The question's spoken grammar in written form (spoken.py), read with the index's
        segmentation and words."""
        tokenizer = self.profile.analyzer.tokenizer
        tokenizer.check_initialized()
        return written_question(question, lambda text: tokenizer.lcut(text, HMM=False), lambda w: self._known(fold(w)))

    def _known(self, term: str) -> bool:
        return self._frequencies([term])[term] > 0

    def _frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many passages hold each term, matched folded, asked of the index at once."""
        folded = {term: fold(term) for term in terms}
        counts = self.index.document_frequencies(set(folded.values()))
        return {term: counts.get(key, 0) for term, key in folded.items()}

    def read(self, question: str, previous: Sequence[str] = ()) -> Reading:
        """The question completed from `previous` (oldest first) and corrected."""
        asked = normalise_question(question)
        if isinstance(previous, str):
            raise KbError("previous must be a list of earlier questions, not one string")
        earlier = [normalise_question(p) for p in list(previous)[-MAX_PREVIOUS:] if p and p.strip()]
        analyzer = self.profile.analyzer
        completed = complete(asked, earlier, self.profile.contrast, self._known, analyzer)
        completed = in_typed_case(completed, [asked, *earlier]) if completed else None
        text = completed or asked
        latin = latin_typos(
            text, self._frequencies, lambda word: self.english().is_word(word), self._in_context(fold(text))
        )
        text = latin or text
        if _LATIN_WORD.search(text):
            english = self._read_english(asked, text, tuple(earlier))
            if isinstance(english, Reading):
                return english
            text = english
        text = self.written(text)
        tokenizer = analyzer.tokenizer
        tokenizer.check_initialized()
        dictionary = tokenizer.FREQ
        corrected = correct(
            fold(text),
            self.index.document_frequencies,
            dictionary,
            self.homophones,
            segment=lambda t: tokenizer.lcut(t, HMM=False),
            stopwords=analyzer.stopwords,
            in_context=self._in_context(fold(text)),
            likelihood=lambda t: route_likelihood(tokenizer, t),
        )
        corrected = in_typed_case(corrected, [text]) if corrected else (text if latin else None)
        focus = focus_of(asked, completed) if completed else ""
        answered = corrected or text
        focus = focus if focus in fold(answered) else ""
        return Reading(asked, answered, corrected=corrected, previous=tuple(earlier), focus=focus)

    def _in_context(self, text: str) -> Callable[[str], bool]:
        """Whether a word is in the CONTEXT_PASSAGES passages BM25 ranks first for `text` as
        typed (looked up on the first call only): a typo's correction must be a word of the
        material the rest of the question points to."""
        looked_up: list[list[str]] = []  # the passages' folded texts, once looked up

        def said(word: str) -> bool:
            if not looked_up:
                query = dict.fromkeys(self.profile.analyzer.index_terms(text), 1.0)
                ids, _ = self.index.bm25_ranking(query, CONTEXT_PASSAGES)
                looked_up.append([fold(p.headed_text) for p in self.index.passages(ids.tolist())])
            return any(word in passage for passage in looked_up[0])

        return said

    def _read_english(self, asked: str, text: str, earlier: tuple[str, ...]) -> Reading | str:
        """A question mostly in English read as a Chinese one (nothing read: cross-language); a
        Chinese question with the English words the index does not use replaced (the text, read
        on as Chinese)."""
        english = self.english()
        if is_cross_language(text, lambda word: self._known(fold(word))):
            chinese = english.question(text)
            if chinese is None:
                return Reading(asked, text, cross_language=True, previous=earlier)
            return Reading(asked, chinese, previous=earlier, translated=True)
        return english.mixed(text, lambda word: not self._known(word))
