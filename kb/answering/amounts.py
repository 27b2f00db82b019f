"""Whether an answer states the amount a question asks for.

「销售人员的平均工资是多少」 answered by sentences stating no amount, or 「亨利·福特是哪一年…开始用
装配线的」 by 「1905年在当地建造了一座铝厂」, a year sharing no word with it, is not answered: the
index does not hold it. Lines that run on without a full stop are read as one statement (a
formula over its condition); sentences ending in 「。」 each stand alone.
"""

from __future__ import annotations

import re

from kb.answering.evidence import Evidence
from kb.answering.plan import QuestionPlan
from kb.answering.question import (
    ASKING_PHRASES,
    ASKS_AN_AMOUNT,
    CLAUSES,
    asks_a_share,
    counted_in,
    last_clause,
    states_a_quantity,
)
from kb.answering.units import END_PUNCT, adjacent, span_text
from kb.language.text import fold

# Units by what they measure: as a question may name them, and the Latin letters a text's figure
# may also be stated in. A question that names its unit (「煮几分钟」, 「默认是多少秒」, 「放多少克」)
# or asks how long (「蒸多久」) is answered by a figure in a unit of that kind: 「大火大约 8 分钟」, not
# 「将 4 汤匙酱油…倒入小锅中」 from the same recipe, which states an amount of something else. A
# question's lone letter names no unit surely (「最大内存设置为多少G」), nor do 位 (「几位发起人」),
# 米 (「放多少米」: rice) or 度电.
_UNITS = {
    "time": (r"毫秒|秒钟?|分钟|小时|钟头|天|周|星期|个月|年|ms|min", r"s|h"),
    "weight": (r"毫克|千克|公斤|克|斤|mg|kg", r"g"),
    "volume": (r"毫升|升|ml", r"l"),
    "temperature": (r"摄氏度|华氏度|度(?!电)|°c|℃|°f|℉", ""),
    "length": (r"毫米|厘米|公里|千米|mm|cm|km", ""),
    "size": (r"字节|比特|bytes?|bits?|kb|mb|gb", ""),
}
_UNIT_ASKED = re.compile(r"(?:多少|几)\s*个?\s*(" + "|".join(asked for asked, _ in _UNITS.values()) + r")(?![a-z])")
_SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]")
_HOW_LONG = re.compile(r"多久|多长时间|多长的时间")
_FIGURE = r"\d+(?:\.\d+)?"
_NUMBER = rf"(?:{_FIGURE}|[零〇一二三四五六七八九十百千万两半]+)"
_IN_UNIT = {
    # A temperature in figures: 「一度被认为…」 says once, not one degree.
    kind: re.compile(
        rf"{_FIGURE if kind == 'temperature' else _NUMBER}\s*(?:[-–~～到至]\s*{_NUMBER}\s*)?个?\s*"
        rf"(?:{'|'.join(filter(None, units))})(?![a-z])"
    )
    for kind, units in _UNITS.items()
}


def asked_unit(question: str) -> str | None:
    """What the amount a question asks for measures (a key of _UNITS: 「几分钟」, 「多久」 → time),
    when its last clause says so."""
    last = last_clause(question)
    if found := _UNIT_ASKED.search(last):
        return next(kind for kind, (asked, _) in _UNITS.items() if re.fullmatch(asked, found.group(1)))
    return "time" if _HOW_LONG.search(last) else None


def states_in_unit(text: str, unit: str) -> bool:
    """Whether a text states a figure in a unit of the kind `unit` (asked_unit)."""
    return _IN_UNIT[unit].search(fold(text)) is not None


def states_it_of_the_question(text: str, plan: QuestionPlan, unit: str | None) -> bool:
    """Whether a figure in the unit asked for (`unit`: asked_unit of the question) follows a word
    of the question in its sentence: 「…转最小的火继续蒸 4 分钟」 says how long to 蒸, 「放入冰箱冷藏
    等待 1 - 2 小时，让鸡蛋充分入味」 how long something else takes, though it holds 鸡蛋 too."""
    if unit is None:
        return False
    folded = fold(text)
    for figure in _IN_UNIT[unit].finditer(folded):
        before = _SENTENCE_BREAK.split(folded[: figure.start()])[-1]
        if any(word in before for word in plan.terms.words):
            return True
    return False


def states_the_amount(chosen: list[Evidence], plan: QuestionPlan) -> bool:
    """Whether a quoted statement holding one of the question's words (across languages: none)
    states the amount it asks for, in the unit it asks for when it names one."""
    counting, share, unit = counted_in(plan.text), asks_a_share(plan.text), asked_unit(plan.text)
    return any(
        states_a_quantity(text, counting, share)
        and (unit is None or states_in_unit(text, unit))
        and (plan.reading.cross_language or _holds_a_question_word(text, plan))
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


# Words between a noun and the amount asked of it: 「因子默认是多少」, 「预算大概有多少」.
BETWEEN_NOUN_AND_AMOUNT = frozenset(
    "是 有 为 占 要 需要 得 能 可以 默认 一般 通常 大概 大约 一共 总共 共 又 还 最多 最少 至少 应该".split()
)
# The measure an amount is asked in, before the noun it counts: 「多少天产假」, 「几个小时」.
_MEASURE_AFTER = re.compile(
    r"^个?(?:小时|分钟|摄氏度|[次位种名岁人倍点号周成年月日天级层分秒克度斤组块张条篇本件台辆座所家份批套间只头颗片根支项道首部场届期回轮遍趟页章节元吨米升])?"
)


def amounts_asked(question: str) -> list[tuple[str, str]]:
    """Around each amount the question asks for — in its last clause, and in a clause before it
    when the clause after asks something too (「HashMap 的负载因子默认是多少，什么时候扩容」; a clause
    followed by one that says something, 「我老问他预算多少，对方都不太想说」, tells the trainee's
    story) — the words before it (「hashmap 的负载因子默认是」), and right after it, bar its
    measure (「产假」 of 「一共能休多少天产假」). The amount is of the noun ending
    the first or opening the second: 「女员工生孩子一共能休多少天产假」 asks an amount of 产假, not 孩子."""
    clauses = [c for c in CLAUSES.split(fold(question)) if c.strip()]
    asked = [
        clause
        for i, clause in enumerate(clauses)
        if i == len(clauses) - 1 or (ASKS_AN_AMOUNT.search(clause) and ASKING_PHRASES.search(clauses[i + 1]))
    ]
    # The last amount of a clause is the one asked: 「工龄到十几年又是几天」 asks 几天, not 几年.
    found = ((clause, [*ASKS_AN_AMOUNT.finditer(clause)][-1:]) for clause in asked)
    return [
        (
            clause[: at[0].start()],
            # 「哪一年东罗马皇帝让希腊语成为官方语言」: after a year asked, the event, not what is counted
            _MEASURE_AFTER.sub("", clause[at[0].end() :]) if at[0].group().startswith(("多少", "几")) else "",
        )
        for clause, at in found
        if at
    ]
