"""The term a question asks the meaning or the use of: if the index never says it, it cannot answer.

「联合索引的最左前缀原则是什么意思」 over a course that never says 最左前缀原则 was answered with
whatever passage on 索引 ranked first, 「数据库连接池有什么作用」 with 「target是要连接的数据库服务器」.
Only a Chinese term is looked for (three to eight characters, nothing that points, asks or
describes; a Latin name is names.py's to judge); a question asking what something is
(「宣传短片的主题曲是什么」) asks a fact, not a term's meaning, and names nothing to look for. A
how-to question names what it asks how to do something with where its clause opens with it
(「MySQL主从复制怎么配置」): a thing, with a word the index never holds. The Answerer looks for the
term in its passages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from kb.answering.plan import QuestionPlan
from kb.answering.question import ASKS_HOW, purpose_subjects
from kb.answering.sentence_quality import CLAUSE_MARKS
from kb.language.dictionary import dictionary_tag, general_frequency
from kb.language.text import fold

# A term: three to eight Chinese characters (or digits); no word that points or asks (「这玩意儿」,
# 「开会时领导提到POA这」), nor a preposition or 没 (「渗透一词在英文中」, 「比九号风球高一级」,
# 「…发展没不可能」 describe what is asked: no term).
_POINTS_OR_ASKS = re.compile(r"[这那它啥么哪谁没]")
_PREPOSITIONS = frozenset("在比被把对从向于")  # as words of their own: 「主从复制」 is a term
_TERM = re.compile(r"[\u4e00-\u9fff0-9]{3,8}")
_LATIN = re.compile(r"[a-z]")
_WORD = re.compile(r"[\u4e00-\u9fff]{2}")
EVERYDAY_WORD = 200  # a word the general dictionary counted this often is an everyday one (进度 392)
_ASKER = re.compile(r"(?:我|我们|自己|你|咱们?)?")  # 「自己怎么…」: no thing before 怎么
# Asking what a term means, not what something is.
_ASKS_MEANING = re.compile(r"什么是|什么叫|啥是|意思|含义|定义|指的是|是指|指什么|是啥")
_JOINS = re.compile(r"[和与及跟同]")  # 「销售团队和市场团队怎么…」 names two things, no term
# Words between a how-to question's subject and its 怎么: 「…具体应该怎么…」, 「…是一步步怎么…」.
_HOW_ADVERBS = re.compile(r"(?:具体|到底|究竟|应该|应当|需要|可以|能够|才能|一步一?步|逐步|要|该|能|得|又|都|还|是)+$")
_LATIN_PREFIX = re.compile(r"^[a-z0-9][a-z0-9 ._+#-]*(?=[\u4e00-\u9fff])")
# jieba's tags of the words a term may open with that name none of it: time, numeral, measure,
# pronoun, adverb, place (「当时石英矿」, 「十个城堡」 are 石英矿, 城堡).
_MODIFIER_TAGS = frozenset({"t", "m", "q", "r", "d", "f"})


def _done_how(question: str, segment: Callable[[str], list[str]]) -> str:
    """What a how-to question asks how to do something with, when its clause opens with it
    (「MySQL主从复制怎么配置」 → 主从复制; a product's Latin name before it is names.py's), or,
    opening with the asker (「自己怎么定义一个注解」), the thing its verb is done to (注解): a
    clause that opens with 怎么 names no such thing (「系统盘快满了，怎么把…」)."""
    asking = ASKS_HOW.search(question)
    if asking is None:
        return ""
    opening = CLAUSE_MARKS.split(question[: asking.start()])[-1].strip()
    opening = _HOW_ADVERBS.sub("", opening).rsplit("的", 1)[-1]
    if _ASKER.fullmatch(opening):
        return _done_to(CLAUSE_MARKS.split(question[asking.end() :])[0], segment)
    return "" if _JOINS.search(opening) else _LATIN_PREFIX.sub("", opening)


def _done_to(clause: str, segment: Callable[[str], list[str]]) -> str:
    """The nouns a how-to clause's verb takes, when they end it (「定义一个注解」 → 注解); ""
    for anything else (「把…搬到…」, 「搭起来」)."""
    words = [w for w in segment(clause.strip()) if w.strip()]
    # The verb: tagged so, or a word a numeral follows (「定义一个…」: 定义, a noun to jieba, acts here).
    counted = len(words) > 1 and dictionary_tag(words[1]) in ("m", "q")
    if not words or not ((dictionary_tag(words[0]) or "").startswith("v") or counted):
        return ""
    rest = words[1:]
    while rest and dictionary_tag(rest[0]) in _MODIFIER_TAGS:
        rest.pop(0)  # 一个, 这个
    # After a numeral what follows is counted, a thing (「一个注解」, 注解 a verb to jieba).
    nominal = rest and (len(rest) < len(words) - 1 or all((dictionary_tag(w) or "n").startswith("n") for w in rest))
    return "".join(rest) if nominal else ""


def _names_an_unknown_thing(words: list[str], frequencies: Callable[[list[str]], Mapping[str, int]]) -> bool:
    """A how-to question's subject names a thing, not an action (「发现死锁」, 「操心产品」 open with
    a verb; a word alone, 「开场白」 or 「注解」, names a thing whatever jieba tags it), with a word
    the index never holds. One character that names or describes counts (not 了 of 「打印机卡纸了」):
    「E-R图里的弱实体应该怎么画」 over a course that never writes 弱 was answered with how E-R
    diagrams become relations."""
    if not words or (len(words) > 1 and (dictionary_tag(words[0]) or "").startswith("v")):
        return False
    # A character of grammar (了, 的) says nothing of what the thing is.
    naming = [w for w in words if len(w) > 1 or (dictionary_tag(w) or "").startswith(("n", "a"))]
    held = frequencies(naming)  # one lookup for all its words
    unknown = [w for w in naming if not held.get(w, 0)]
    # An everyday word after words the index holds asks about an ordinary side of a thing it
    # knows (「基础实验进度」: 进度 of 基础实验), not about an unknown one (「私域流量」, 「弱实体」).
    everyday_head = unknown == naming[-1:] and len(naming) > 1 and general_frequency(naming[-1]) >= EVERYDAY_WORD
    return bool(unknown) and not everyday_head


def _says_where(word: str) -> bool:
    """A word of place: a localizer (上, 里), one the dictionary tags a place (书上, 网上), or a
    noun and its localizer cut as one unknown word (「课上」 of 「课上是怎么给它下定义的」)."""
    tag = dictionary_tag(word)
    if tag in ("f", "s"):
        return True
    noun = (dictionary_tag(word[:-1]) or "").startswith("n")
    return tag is None and len(word) > 1 and dictionary_tag(word[-1]) == "f" and noun


def asked_term(
    plan: QuestionPlan, segment: Callable[[str], list[str]], frequencies: Callable[[list[str]], Mapping[str, int]]
) -> str:
    """The term a question asks the meaning or the use of, or how to do something with, without
    the words of time, number or pointing it opens with (`segment`: the index's jieba cut); ""
    when it names none. Not for a reading of English, whose terms are the glossary's words, not
    the asker's. A how-to question's subject is often the asker's own phrase for what the index
    says otherwise (「营销邮件」, the text's 邮件营销): it is a term only with a word the index
    never holds (`frequencies`: passage counts) — 「主从复制」, 「弱实体」."""
    if plan.notes:
        return ""
    if plan.shape.kind == "purpose":
        term = (purpose_subjects(plan.text) or [""])[-1]
    elif plan.shape.kind == "definition" and _ASKS_MEANING.search(fold(plan.text)):
        term = plan.shape.subject.rsplit("的", 1)[-1].removesuffix("是")
    elif plan.shape.kind == "method":
        term = _done_how(fold(plan.text), segment)
    else:
        return ""
    words = segment(term)
    if _POINTS_OR_ASKS.search(term) or _PREPOSITIONS & set(words) or _LATIN.search(term):
        return ""  # a Latin name is judged by names.unknown_names (「CRM系统」: the text says CRM)
    while words and (words[0].isdigit() or dictionary_tag(words[0]) in _MODIFIER_TAGS):
        words.pop(0)
    if plan.shape.kind == "method":
        # 「工业上乙二醛是怎么制得的」: where it is done (上, 里, 中) is no part of the thing.
        places = [at for at, word in enumerate(words) if _says_where(word)]
        words = words[places[-1] + 1 :] if places else words
        if not _names_an_unknown_thing(words, frequencies):
            return ""
    term = "".join(words)
    # A how-to's thing of two characters counts: it holds a word the index never does.
    named = plan.shape.kind == "method" and _WORD.fullmatch(term) is not None
    return term if _TERM.fullmatch(term) or named else ""
