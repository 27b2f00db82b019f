"""Spoken question wording in the written form documents use.

Trainees type as they speak: 「搞市场的和跑业务的到底差在哪」, 「跑销售的具体都干些啥」.
Documents are written: 「做市场的人」, 「做什么」, 「有什么区别」. Spoken grammar leaves
retrieval with words no document holds (啥, 差在哪, 到底: the rarest terms, so the heaviest)
and hides the question's kind (「差在哪」 asks for a difference, not a place). Only grammar is
rewritten, never a domain word (those reach the corpus's words through the profile's synonyms
and the embedding model):

- spoken question words: 啥 → 什么, 咋 → 怎么, 干啥 → 做什么, 差在哪 → 有什么区别 (的区别在哪 →
  的区别是什么), 图个啥 → 的目的是什么;
- emphasis that asks nothing: 到底, 究竟; nor does whom the question is put to (「老师，」, 「请问各位
  大佬，」 opening it);
- the spoken verbs of doing a line of work, before the work's name (a word the index holds):
  搞市场, 跑业务, 干销售 → 做…;
- a person named by the work they do, 「做销售的」 standing for a noun (the clause ends, or a
  conjunction, adverb or modal follows, not a noun): 「做销售的人」.

Words are told apart by closed classes of grammar words and the index's own words, with the
index's segmenter: no part-of-speech tagger is loaded (building one costs 0.25 s of an ask).

On the trainee questions this moves the passage holding the answer to 「搞市场的和跑业务的到底
差在哪」 from outside the top 40 to the top 5 (both rankers: dense 41 → 17, BM25 65 → 3).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kb.answering.question import ASKING_PHRASES

# Whom the question is put to, opening it: 「老师，」, 「请问各位大佬：」.
_ADDRESSED = r"^\s*(?:请问)?\s*(?:各位)?(?:老师|同学|大佬|大神|前辈|师兄|师姐|学长|学姐)们?好?\s*[，,！!：:]\s*"
# Spoken phrases and their written form, applied in order.
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(_ADDRESSED), ""),
    (re.compile(r"(?:到底|究竟)(?!部)"), ""),
    (re.compile(r"的(?:差别|区别|不同)在哪(?:儿|里)?"), "的区别是什么"),
    (re.compile(r"(?:差|差别|区别|不同)在哪(?:儿|里)?"), "有什么区别"),
    (re.compile(r"图个?(?:啥|什么)"), "的目的是什么"),
    (re.compile(r"干(些|点)?(?:啥|嘛)"), r"做\1什么"),
    (re.compile(r"为啥"), "为什么"),
    (re.compile(r"咋"), "怎么"),
    (re.compile(r"啥"), "什么"),
)
# Verbs that speak of doing a line of work (搞市场, 跑业务, 干销售), reduplicated or not.
_SPOKEN_DOING = frozenset({"搞", "跑", "干", "搞搞", "跑跑", "干干"})
_DOING = _SPOKEN_DOING | {"做", "做做"}
# Directional and resultative complements (跑过去, 干起来, 搞清楚): never the name of a work.
_COMPLEMENTS = frozenset(
    "起来 出来 过来 过去 下来 下去 上来 上去 进来 进去 回来 回去 出去 开来 清楚 明白 成功 好了 完了 定了 砸了".split()
)
# What may follow 「做X的」 when it names a person rather than qualifies a noun (「做市场的工资」):
# the end of a clause, a conjunction, an adverb, a modal or a copula.
_FOLLOWS_A_PERSON = frozenset(
    "和 跟 与 同 及 或 是 都 就 也 还 又 要 该 得 会 能 可以 在 不 没 没有 很 真 最 总 老 常 靠 有 需要 应该 "
    "天天 整天 每天 平时 一般 通常 主要 具体 到底 究竟 为什么 怎么 是不是 能不能 要不要 都是".split()
)
_WORK_NAME = re.compile(r"[\u4e00-\u9fff]{2,}|[A-Za-z]{2,}")
_MEASURED = re.compile(r"[\d０-９][^\s，,。]{0,3}$")
_CLAUSE_END = re.compile(r"[\s，,。！？!?；;：:、]")


def written_question(question: str, segment: Callable[[str], list[str]], known: Callable[[str], bool]) -> str:
    """The question with its spoken grammar in written form (matched in simplified script, as
    typed otherwise: its case and Latin words are kept for display). `segment` splits a text
    into words as the index does; `known` says whether the index holds a word. A spoken verb
    of doing becomes 做 only before the name of a work: a word of two or more characters that
    the index holds (or a Latin one), not a complement (「跑过去」); the verbs that stay as
    they are form words of their own (搞清楚, 干净, 跑步), which the segmenter keeps whole."""
    text = question
    for pattern, written in _PHRASES:
        text = pattern.sub(written, text)
    words = segment(text)

    def names_work(word: str) -> bool:
        return (
            bool(_WORK_NAME.fullmatch(word))
            and word not in _COMPLEMENTS
            and not ASKING_PHRASES.fullmatch(word)  # 「做什么的」 asks, names no work
            and (word.isascii() or known(word))
        )

    def spoken_doing(i: int) -> bool:
        """A spoken verb of doing, not the event a number measures (「100米跑赛事」)."""
        return words[i] in _SPOKEN_DOING and not _MEASURED.search("".join(words[max(i - 2, 0) : i]))

    out: list[str] = []
    for i, word in enumerate(words):
        after = words[i + 1] if i + 1 < len(words) else ""
        if spoken_doing(i) and after == word and i + 2 < len(words) and names_work(words[i + 2]):
            continue  # 「跑跑销售」: one 做
        if spoken_doing(i) and names_work(after):
            out.append("做")
        elif (
            word == "的"
            and i >= 2
            and words[i - 2] in _DOING
            and names_work(words[i - 1])
            and (not after or _CLAUSE_END.match(after) or after in _FOLLOWS_A_PERSON)
        ):
            out.append("的人")
        else:
            out.append(word)
    return "".join(out)
