"""The term a question asks the meaning or the use of: if the index never says it, it cannot answer.

「联合索引的最左前缀原则是什么意思」 over a course that never says 最左前缀原则 was answered with
whatever passage on 索引 ranked first, 「数据库连接池有什么作用」 with 「target是要连接的数据库服务器」.
Only a Chinese term is looked for (three to eight characters, nothing that points, asks or
describes; a Latin name is names.py's to judge); a question asking what something is
(「宣传短片的主题曲是什么」) asks a fact, not a term's meaning, and names nothing to look for. The
Answerer looks for the term in its passages.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kb.answering.plan import QuestionPlan
from kb.answering.question import purpose_subjects
from kb.language.dictionary import dictionary_tag
from kb.language.text import fold

# A term: three to eight Chinese characters (or digits); no word that points or asks (「这玩意儿」,
# 「开会时领导提到POA这」), nor a preposition or 没 (「渗透一词在英文中」, 「比九号风球高一级」,
# 「…发展没不可能」 describe what is asked: no term).
_DESCRIBES = re.compile(r"[这那它啥么哪谁在比被把对从向于没]")
_TERM = re.compile(r"[\u4e00-\u9fff0-9]{3,8}")
_LATIN = re.compile(r"[a-z]")
# Asking what a term means, not what something is.
_ASKS_MEANING = re.compile(r"什么是|什么叫|啥是|意思|含义|定义|指的是|是指|指什么|是啥")
# jieba's tags of the words a term may open with that name none of it: time, numeral, measure,
# pronoun, adverb, place (「当时石英矿」, 「十个城堡」 are 石英矿, 城堡).
_MODIFIER_TAGS = frozenset({"t", "m", "q", "r", "d", "f"})


def asked_term(plan: QuestionPlan, segment: Callable[[str], list[str]]) -> str:
    """The term a question asks the meaning or the use of, without the words of time, number or
    pointing it opens with (`segment`: the index's jieba cut); "" when it names none. Not for a
    reading of English, whose terms are the glossary's words, not the asker's."""
    if plan.notes:
        return ""
    if plan.shape.kind == "purpose":
        term = (purpose_subjects(plan.text) or [""])[-1]
    elif plan.shape.kind == "definition" and _ASKS_MEANING.search(fold(plan.text)):
        term = plan.shape.subject.rsplit("的", 1)[-1].removesuffix("是")
    else:
        return ""
    if _DESCRIBES.search(term) or _LATIN.search(term):
        return ""  # a Latin name is judged by names.unknown_names (「CRM系统」: the text says CRM)
    words = segment(term)
    while words and (words[0].isdigit() or dictionary_tag(words[0]) in _MODIFIER_TAGS):
        words.pop(0)
    term = "".join(words)
    return term if _TERM.fullmatch(term) else ""
