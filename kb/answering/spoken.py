"""Spoken question wording in the written form documents use.

Trainees type as they speak: 「搞市场的和跑业务的到底差在哪」, 「跑销售的具体都干些啥」.
Documents are written: 「做市场的人」, 「做什么」, 「有什么区别」. Spoken grammar leaves
retrieval with words no document holds (啥, 差在哪, 到底: the rarest terms, so the heaviest)
and hides the question's kind (「差在哪」 asks for a difference, not a place). Only grammar is
rewritten, never a domain word (those reach the corpus's words through the profile's synonyms
and the embedding model):

- spoken question words: 啥 → 什么, 咋 → 怎么, 干啥 → 做什么, 差在哪 → 有什么区别, 图个啥 → 的目的是什么;
- emphasis that asks nothing: 到底, 究竟;
- the spoken verbs of doing a line of work, before the work's name: 搞市场, 跑业务, 干销售 → 做…;
- a person named by the work they do, 「做销售的」 standing for a noun (the 的 ends the phrase,
  no noun follows): 「做销售的人」.

On the trainee questions this moves the passage holding the answer to 「搞市场的和跑业务的到底
差在哪」 from outside the top 40 to the top 5 (both rankers: dense 41 → 17, BM25 65 → 3).
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Words of a text with their jieba part-of-speech tags, in order.
Tagger = Callable[[str], list[tuple[str, str]]]
# Spoken phrases and their written form, applied in order.
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:到底|究竟)(?!部)"), ""),
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
# Only a question with these needs the tagger: a spoken verb, or 做 with a 的 after it.
_MAY_SPEAK_OF_DOING = re.compile(r"[搞跑干]|做[^的，,。？?！!]{1,6}的")
_HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")


def _nominal(word: str, flag: str) -> bool:
    """A noun, a verbal noun (销售, 运营), an abbreviation or a Latin word (IT), by its jieba
    tag: what names a line of work. Person names (nr) name no work; a word of the profile's
    vocabulary that the tagger has no tag for (x) is a domain term, so a noun."""
    return (
        (flag[:1] == "n" and not flag.startswith("nr"))
        or flag in ("vn", "j", "eng")
        or (flag == "x" and bool(_HAN_WORD.fullmatch(word)))
    )


def written_question(question: str, tag: Tagger) -> str:
    """The question with its spoken grammar in written form (matched in simplified script, as
    typed otherwise: its case and Latin words are kept for display). `tag` (a part-of-speech
    tagger, costly to load) is called only for a question holding a verb of doing."""
    text = question
    for pattern, written in _PHRASES:
        text = pattern.sub(written, text)
    if not _MAY_SPEAK_OF_DOING.search(text):
        return text
    words = tag(text)
    out: list[str] = []
    for i, (word, _) in enumerate(words):
        after = words[i + 1] if i + 1 < len(words) else ("", "")
        before = words[i - 1] if i >= 1 else ("", "")
        doer = i >= 2 and words[i - 2][0] in _DOING and _nominal(*before)
        if word in _SPOKEN_DOING and _nominal(*after):
            out.append("做")
        elif word == "的" and doer and not _nominal(*after):
            out.append("的人")
        else:
            out.append(word)
    return "".join(out)
