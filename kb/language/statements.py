"""Whether a short line without final punctuation states something or only names a topic.

Slides and outlines drop the full stop: 「在一个基本表上最多只能建立一个聚簇索引」 is a claim a
trainee asks about, 「创建聚簇索引」 or 「营销与销售的区别」 is a title. Ingest must tell them
apart: a title is a heading (context for the sentences under it, never quoted), a claim is a
sentence (embedded and quotable). The test is grammatical, not topical: a copula, modal or
relational verb that rarely occurs inside a noun compound, no question word, not a numbered
section title and not a lead-in ending in a colon.
"""

from __future__ import annotations

import re

# Verbs that make a line a claim. Written out in both scripts so no conversion is needed; single
# characters that are common inside compounds (有 in 有效, 为 in 行为, 对 in 对象) are left out.
_PREDICATE = re.compile(
    r"是(?!否)|可以|能够|不能|只能|可能|必须|必須|应该|應該|应当|應當|需要|称为|稱為|叫做|包括|包含|用于|用於|用来|用來|"
    r"允许|允許|具有|没有|沒有|属于|屬於|等于|等於|不会|不會|不可|不必|不要|只有|就会|就會|都要|会被|會被|"
    r"意味着|意味著|不一定|无法|無法|不再|已经|已經|对应[为于]|對應[為於]|"
    # 为 before an amount says what something is (「物理内存的默认大小为 128MiB」, 「划分为三类」).
    r"[为為](?=\s*[\d两兩二三四五六七八九十百千])|"
    # The aspect marker after a verb (「视图提供了逻辑独立性」, 「T2封锁了数据R2」); not in 为了, 除了,
    # 了解 or 了结, which open or name.
    r"(?<![为為除])了(?![解结結])"
)
# 几 asks, except as 「一个或几个」「好几」 (some).
_QUESTION = re.compile(r"什么|什麼|怎么|怎麼|怎样|怎樣|如何|为何|為何|哪|(?<![或好十])[几幾]|多少|吗|嗎|是否|[？?]")
# A numbered section title (「2.2 销售是营销的最终目标」, 「第三章」): a heading even when it has a verb.
_SECTION_TITLE = re.compile(r"\s*(?:\d{1,2}(?:[.．]\d{1,2})+|第[一二三四五六七八九十百\d]+[章节節部篇])")
_LEAD_IN = re.compile(r"[:：]\s*$")
MIN_CLAIM_CHARS = 8
# A slide bullet states something of its slide's subject without naming it: 「可以避免由于Java的单继承
# 带来的局限性」, 「适合多个相同程序代码的线程去处理同一资源的情况」 open with the predicate. A title
# opens with what it names or teaches (「创建线程」, 「了解视图的定义」), never with a modal or with
# what a thing is good for; 避免, 保证 and 使得 open titles too (「避免死锁的方法」): not counted.
_OPENS_WITH_A_PREDICATE = re.compile(
    r"(?:可以|能够|不能|只能|必须|必須|应该|應該|应当|應當|用于|用於|用来|用來|具有|允许|允許|属于|屬於|无法|無法|"
    r"不会|不會|不可|适合|適合|适用于|適用於|有利于|有利於|便于|便於|可用于|可用來|"
    # 「可通过定义Exception类的子类创建自己的异常类」: 可 before how it is done.
    r"可(?:通过|通過|使用|将|將|把|在|直接|由|从|從))"
)


def states_something(line: str) -> bool:
    """True for a line that reads as a claim although it has no final punctuation."""
    stripped = line.strip()
    return (
        len(stripped) >= MIN_CLAIM_CHARS
        and not _SECTION_TITLE.match(stripped)
        and not _LEAD_IN.search(stripped)
        and not _QUESTION.search(stripped)
        and (_PREDICATE.search(stripped, 1) is not None or _OPENS_WITH_A_PREDICATE.match(stripped) is not None)
    )


def asks_something(line: str) -> bool:
    """True for a line that asks a question (「什么是审计」, 「如何恢复？」)."""
    return _QUESTION.search(line) is not None


# Single characters that make a phrase a clause rather than a name (copula, prepositions,
# disposal and causative markers), in both scripts.
_CLAUSE_CHARS = re.compile(r"[是由在有于於指被把将將从從向到让讓使给給以]")
_CJK_ONLY = re.compile(r"[\u3400-\u9fff]+")


def names_a_topic(phrase: str) -> bool:
    """True for a phrase that can only be a title: Chinese characters alone, no verb or
    preposition, not cut off after 的, a conjunction or a negation (「营销与销售的区别与联系」, not
    「普朗特在流体力学方面的主要贡献有」, 「中高层大气闪电或」 nor 「关系数据库系统与非」)."""
    return (
        _CJK_ONLY.fullmatch(phrase) is not None
        and not _PREDICATE.search(phrase)
        and not _CLAUSE_CHARS.search(phrase)
        and phrase[-1] not in "的或及和与與、非不无無未"
    )
