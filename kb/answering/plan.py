"""A question plan: everything read from a question, read once, before anything is retrieved.

The question as typed, what is answered (completed from the conversation before it, typos
corrected), whether it is in another language than its sources, its kind and the shape of a
good answer, the two sides a contrast compares, its terms weighed by the index, its vector,
and how many passages to retrieve, show and quote. Retrieval, sentence evidence, the answer,
its contrast table and the grounding check all read this one plan (see answerer.py): none of
them analyses the question again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from kb.answering.contrast import ContrastVocabulary
from kb.answering.evidence import QuestionTerms
from kb.answering.question import AnswerShape, QuestionKind, answer_shape
from kb.answering.sides import contrast_sides
from kb.answering.understand import SOURCES_ARE_CHINESE, Reading
from kb.language.text import fold
from kb.profile import Profile
from kb.types import Mode

CROSS_LANGUAGE_BUDGET = 160  # characters past the first sentence, for a question in another language
# What may follow a word that asks (「…的区别是什么？」, 「…有何不同呢」) before the clause ends.
_CLAUSE_TAIL = re.compile(r"[^，,。！？!?；;\s]{0,4}(?:[，,。！？!?；;\s]|$)")


@dataclass(frozen=True)
class QuestionPlan:
    """How one question is answered; built once per `ask` (Answerer.plan), read by every stage.

    `coverage_weights` are the IDF of the question's terms, for answerability (none for a
    cross-language question: its terms are not expected in Chinese sources); `vector` is its
    embedding (None in bm25 mode), the one the dense ranker and sentence evidence both use;
    `depth` is how many passages are retrieved: `shown` (k), or more for a contrast's table.
    """

    reading: Reading
    shape: AnswerShape
    terms: QuestionTerms
    sides: tuple[str, str] | None = None
    coverage_weights: Mapping[str, float] = field(default_factory=dict)
    vector: np.ndarray | None = None
    mode: Mode = "hybrid"
    shown: int = 5
    depth: int = 5
    max_chars: int = 300

    @property
    def text(self) -> str:
        """What is answered: the question completed from the conversation, typos corrected."""
        return self.reading.text

    @property
    def kind(self) -> QuestionKind:
        return self.shape.kind

    @property
    def asking_words(self) -> frozenset[str]:
        """The words this question asks with (区别 in 「A和B的区别」): not searched for."""
        return self.terms.asked

    @property
    def naming_words(self) -> frozenset[str]:
        """Every word that can name a comparison (区别, 不同, 关系 …), asked here or not, but for
        those the question describes with and searches for (「字符串比较用 == 和 equals()」: 比较)."""
        return self.terms.ignore - self.terms.words.keys()

    @property
    def notes(self) -> tuple[str, ...]:
        """What a reader of an answer found should know: that the sources are in Chinese."""
        return (SOURCES_ARE_CHINESE,) if self.reading.cross_language or self.reading.translated else ()


def shape_of(text: str, vocabulary: ContrastVocabulary, cross_language: bool) -> tuple[list[str] | None, AnswerShape]:
    """The sides a question compares (None unless it is a contrast) and its answer's shape.
    Vouched for by vectors alone, supporting sentences drift: a cross-language answer is kept
    short."""
    sides = contrast_sides(text, vocabulary)
    shape = answer_shape(text, sides)
    if cross_language:
        shape = replace(shape, budget=min(shape.budget, CROSS_LANGUAGE_BUDGET))
    return sides, shape


def asking_words_in(question: str, vocabulary: ContrastVocabulary, sides: Sequence[str] | None) -> frozenset[str]:
    """The words of `vocabulary.asking_words` this question uses to ask (区别 in 「A和B的区别」),
    not to describe: a word asks where it stands after the first side a contrast compares
    and outside the sides, or at the end of a clause. In a database course 「关系」 is the
    subject (「关系模型最早是谁提出来的」), in 「营销和销售的关系」 it asks; before the sides it says
    what is compared (「字符串比较用 == 和 equals() 有什么区别」); a word that describes stays a
    search term."""
    folded = fold(question)
    first = folded.find(fold(sides[0])) if sides else -1
    outside = folded[max(first, 0) :]
    for side in sides or ():
        outside = outside.replace(fold(side), " ")
    asked = set()
    for word in vocabulary.asking_words:
        at = outside.find(word)
        while at >= 0:
            if sides or _CLAUSE_TAIL.match(outside, at + len(word)):
                asked.add(word)
                break
            at = outside.find(word, at + 1)
    return frozenset(asked)


def plan_from_words(question: str, profile: Profile, shown: int, max_chars: int = 300) -> QuestionPlan:
    """The plan for a question answered from given passages without an index: read as typed,
    its terms unweighed (every term weighs 1), no vector."""
    sides, shape = shape_of(question, profile.contrast, cross_language=False)
    asked = asking_words_in(question, profile.contrast, sides)
    terms = QuestionTerms.of(question, profile.analyzer, profile.contrast.asking_words, asked=asked)
    pair = (sides[0], sides[1]) if sides else None
    return QuestionPlan(Reading(question, question), shape, terms, pair, shown=shown, depth=shown, max_chars=max_chars)
