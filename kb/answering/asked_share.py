"""How much of what a question asks a text holds: a how-to question is answered by the series
(steps.py) or the heading that holds the most of its information, weighed as sentence evidence
weighs it (evidence.py), or of the clause that asks how."""

from __future__ import annotations

import re
from collections.abc import Callable

from kb.answering.evidence import coverage
from kb.answering.plan import QuestionPlan
from kb.answering.question import CLAUSES, question_kind
from kb.answering.series import Line, Series
from kb.language.text import char_bigrams, fold

Tokenize = Callable[[str], list[str]]
# A procedure answers a how-to question when its title, lead-in and items hold this share of
# the question's information (steps_coverage).
STEPS_COVERAGE = 0.4
# 「按钮点击这种事件处理」: what comes before 这种 is an example of what is asked about.
_EXAMPLE_OF = re.compile(r"^.*?(?:这种|这类|这样的|那种|之类的)")


def names_what_is_asked(plan: QuestionPlan, asked: dict[str, float], heading: Line, tokenize: Tokenize | None) -> bool:
    """The heading holds STEPS_COVERAGE of the question's (IDF-weighted) words — 「解除死锁」
    for 「发现死锁以后怎么解除」 — or of `asked`, the words of the clause that asks how
    (_asked_clause); without a tokenizer, of its character pairs."""
    if tokenize is None:
        return held_shares(plan, heading.text, tokenize)[1] >= STEPS_COVERAGE
    held = matched_words(plan, heading.text, tokenize)
    return max(coverage(plan.terms.words, held), coverage(asked, held)) >= STEPS_COVERAGE


def asked_clause(plan: QuestionPlan) -> dict[str, float]:
    """The question's words in the clause that asks what the question asks (its kind: how,
    why …), when another clause only says which one is meant (「管道流怎么用？线程间通信那个」:
    a heading 「使用管道」 names what is asked; 「已经有信号量和锁了，为什么还要引入管程」 asks why
    of 引入管程), but for an example of it (「按钮点击这种事件处理要怎么写」 asks about 事件处理);
    none for a question of one clause."""
    clauses = [c for c in CLAUSES.split(fold(plan.text)) if c.strip()]
    asking = [_EXAMPLE_OF.sub("", c) for c in clauses if question_kind(c) == plan.kind] if len(clauses) > 1 else []
    return {w: weight for w, weight in plan.terms.words.items() if asking and w in asking[0]}


def steps_coverage(plan: QuestionPlan, series: Series, tokenize: Tokenize | None) -> float:
    """The share of the question's information the series' lines hold: the mean of the shares
    of its (IDF-weighted) words and of its character pairs, as sentence evidence weighs them
    (evidence.py: `lexical`, `bigrams`). Without a tokenizer, the pairs alone."""
    section = series.lead_in.passage.heading  # 「5. 精读的方法」 over the list's paragraph
    return coverage_of(plan, "\n".join([section, *(line.text for line in series.lines)]), tokenize)


def coverage_of(plan: QuestionPlan, text: str, tokenize: Tokenize | None) -> float:
    words, pairs = held_shares(plan, text, tokenize)
    return pairs if words is None else (words + pairs) / 2


def held_shares(plan: QuestionPlan, text: str, tokenize: Tokenize | None) -> tuple[float | None, float]:
    """The shares of the question's words (None without a tokenizer) and character pairs the
    text holds."""
    pairs = coverage(plan.terms.bigrams, set(char_bigrams(fold(text))))
    if tokenize is None:
        return None, pairs
    return coverage(plan.terms.words, matched_words(plan, text, tokenize)), pairs


def matched_words(plan: QuestionPlan, text: str, tokenize: Tokenize) -> set[str]:
    """The question's words the text holds (itself or as a synonym), or spells out across the
    words it is cut into (「事件处理」 in 「事件处理过程」, cut 事件 / 处理 / 处理过程)."""
    folded = fold(text)
    spelt = {word for word in plan.terms.words if len(word) > 1 and word in folded}
    return plan.terms.matched_words(frozenset(tokenize(folded)), folded) | spelt
