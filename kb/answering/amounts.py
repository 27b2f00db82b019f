"""Whether an answer states the amount a question asks for.

「销售人员的平均工资是多少」 answered by sentences stating no amount, or 「亨利·福特是哪一年…开始用
装配线的」 by 「1905年在当地建造了一座铝厂」, a year sharing no word with it, is not answered: the
index does not hold it. Lines that run on without a full stop are read as one statement (a
formula over its condition); sentences ending in 「。」 each stand alone.
"""

from __future__ import annotations

from kb.answering.evidence import Evidence
from kb.answering.plan import QuestionPlan
from kb.answering.question import ASKING_PHRASES, ASKS_AN_AMOUNT, CLAUSES, asks_a_share, counted_in, states_a_quantity
from kb.answering.units import END_PUNCT, adjacent, span_text
from kb.language.text import fold


def states_the_amount(chosen: list[Evidence], plan: QuestionPlan) -> bool:
    """Whether a quoted statement holding one of the question's words (across languages: none)
    states the amount it asks for."""
    counting, share = counted_in(plan.text), asks_a_share(plan.text)
    return any(
        states_a_quantity(text, counting, share) and (plan.reading.cross_language or _holds_a_question_word(text, plan))
        for text in _statements(chosen)
    )


def _statements(chosen: list[Evidence]) -> list[str]:
    """The chosen spans as statements: lines that run on without a full stop, one under the
    other, are one (「若…续约数 R < T，则进入自我保护」 over 「阈值 T = E × 0.85」); sentences ending
    in 「。」 each stand alone (「福特开始用装配线。1905年当地建造了一座铝厂」 states no year of it)."""
    statements: list[str] = []
    last: Evidence | None = None
    for c in sorted(chosen, key=lambda c: (c.passage.id, c.start)):
        if (
            last
            and adjacent(last, c)
            and "\n" in span_text(c.passage, (last.end, c.start))
            and not END_PUNCT.search(last.text)
        ):
            statements[-1] += "\n" + c.text
        else:
            statements.append(c.text)
        last = c
    return statements


def _holds_a_question_word(text: str, plan: QuestionPlan) -> bool:
    """Whether a sentence holds one of the question's words of two characters or more, as text:
    jieba may cut it otherwise there (「严秋华于1993年起退出幕前」 holds 严秋华)."""
    folded = fold(text)
    return any(len(word) >= 2 and word in folded for word in plan.terms.words)


def earlier_amounts(question: str) -> list[str]:
    """What each clause before the last asks the amount of, when the clause after it asks
    something too: the words before its 「多少」 (「HashMap 的负载因子默认是」 of 「…默认是多少，什么时候
    扩容」). A clause followed by one that says something (「我老问他预算多少，对方都不太想说」) tells
    the trainee's story; it asks nothing."""
    clauses = [c for c in CLAUSES.split(fold(question)) if c.strip()]
    return [
        clause[: found.start()]
        for clause, after in zip(clauses, clauses[1:])
        if (found := ASKS_AN_AMOUNT.search(clause)) and ASKING_PHRASES.search(after)
    ]
