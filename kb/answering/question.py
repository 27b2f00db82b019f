"""What kind of answer a question asks for, read from its wording.

The kind decides the answer's shape (answer.py): a definition leads 「什么是…」, a reason leads
「为什么…」, a list stays whole for 「哪些…」, a number or date for 「多少/哪一年」, and how long
the answer may be. Patterns are matched on script-folded text, so 「為什麼」 counts as 「为什么」.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from kb.answering.definition_cue import NAMING_VERB, definition_cue, named_in_chinese
from kb.language.text import fold

QuestionKind = Literal[
    "contrast",
    "relation",
    "reason",
    "purpose",
    "definition",
    "advice",
    "list",
    "method",
    "yesno",
    "quantity",
    "place",
    "entity",
    "general",
]

ASKS_HOW = re.compile(r"(?<!无论)(?:怎么(?!样)|怎样|如何)")  # not 「无论如何都会执行」 (whatever happens)
# A question asking what something is. 「CSRF 攻击是怎么一回事」 asks it too; 「怎么回事」 alone
# (「登录突然失败，怎么回事」) asks why something happened.
_ASKS_WHAT_IT_IS = re.compile(
    r"什么是|是什么意思|是什么$|是什么[？?]?$|是指什么|指的是什么|什么叫|何为|何谓|的定义|的含义|的意思|是啥|"
    # 「外码怎么定义」 asks what it is; 「怎么定义一个类」 how to write one (a method).
    r"是怎么定义的|(?:怎么|如何)定义的?[？?呢]*$|是个什么东西|是什么东西|是个啥|什么概念|的概念|是怎么一?回事|"
    # 「拜占庭将军问题用大白话讲是在说什么」 asks what it is about.
    r"(?:是)?在(?:说|讲)(?:什么|啥)[？?呢]*$|(?:说|讲)的是(?:什么|啥)[？?呢]*$|指(?:什么|啥)[？?呢]*$|"
    # 「多态怎么理解」, 「如何理解封装」 ask what it means.
    r"^[^，,。？?]{0,12}(?:怎么|如何|怎样)去?理解[^，,。？?]{0,8}[？?呢]*$|是(?:怎样|怎么样|什么样)的?一?[种个类](?!过程|流程|步骤)"
)
# What must be done (「每一环分别要做什么」), in what order (「排查应该按什么顺序来」): as 「怎么做」.
_MUST_DO = r"(?:要|该|应该|需要|得|先)[做干]些?(?:什么|啥)|[按以照]什么顺序|(?:顺序|流程)是(?:什么|怎样|啥)|什么流程"
_ASKS_WHAT_FOR = re.compile(
    r"有什么用|有啥用|有何用|什么用处|有什么作用|起什么作用|的作用|[做干](?:什么|嘛|啥)用|(?:用来|拿来)[做干](?:什么|嘛|啥)|"
    r"是[干做]嘛的|的用途|有什么好处|的好处|(?<=[\u4e00-\u9fffA-Za-z0-9])的目的(?:是|在于)"
)
# The measure words after 几 that ask for an amount (「几个」, 「几年」, 「几级」), for the question's kind
# and for whether its last clause asks one.
_AMOUNT_MEASURES = "个次位种名岁人倍点号周成年月日天级层分秒克度斤"
# Checked in this order: 「是什么原因」 is a reason, 「哪些方法」 a list, 「怎么样」 not a method;
# but a list of steps (「要做哪几步」, 「有哪些步骤」) is asked as a procedure is.
_KINDS: tuple[tuple[QuestionKind, re.Pattern[str]], ...] = (
    # 「怎么」 before what happened, not before an action, asks how come: 「怎么出来个0」,
    # 「怎么还报错」, 「怎么就不行了」, 「咋过期了还赖在内存里」, 「X光管咋那么烫」.
    (
        "reason",
        re.compile(
            r"为什么|为何|什么原因|原因是|何故|凭什么|(?<!是)怎么一?回事|怎么(?:会|还(?!原)|就|又|总是|老是|没|不(?!同)|出来|成了)|"
            r"怎么(?:这么|那么)|怎么[^，,。？?]{1,6}?了(?:还|却|也|都)"
        ),
    ),
    ("method", re.compile(r"哪[几两二三四五六七八九十\d]步|几个?步骤|哪些步骤|什么步骤|步骤(?:有|是)(?:哪些|什么)")),
    # How two things bear on each other: 「营销和销售的联系」, 「A与B之间有什么关系」.
    ("relation", re.compile(r"[和与跟同及].{1,24}?(?:之间)?(?:的|有什么|有啥|有何|有哪些)(?:联系|关联|关系)")),
    # What something is made of is a list of its parts, not a procedure: 「成绩是怎么构成的」.
    (
        "list",
        re.compile(
            # 「哪三方面」, 「哪两种」 name how many they ask for (「哪一年」 asks for one).
            r"哪些|哪[几两二三四五六七八九十\d]|包括什么|包含什么|有几种|有几个|有几类|分为|几个方面|几类|哪几种|列举|"
            r"(?:怎么|怎样|如何)(?:构成|组成)的|由(?:什么|啥)(?:构成|组成)"
        ),
    ),
    # What something is for: 「git stash 是做什么用的」, 「CRM有什么用」, 「视图的作用是什么」.
    ("purpose", _ASKS_WHAT_FOR),
    ("definition", _ASKS_WHAT_IT_IS),
    # What should I do: 「…该怎么办」, 「要不要…」, 「应该先…吗」, 「该选哪个」 — answered by a recommendation.
    (
        "advice",
        re.compile(
            r"怎么办|咋办|要不要|该不该|应不应该|需不需要|值不值得|值得.*吗|应该.*吗|建议|最好.*吗|(?:选|挑|选择|选用)哪[个种一]"
        ),
    ),
    ("method", re.compile(ASKS_HOW.pattern + r"|方法|步骤|做法|办法|" + _MUST_DO)),
    (
        "quantity",
        re.compile(
            rf"多少|几[{_AMOUNT_MEASURES}]|是几[？?]?$|百分之几|哪一?年|何时|什么时候|多久|多长|多大|多高|多远|多重|几何时|哪天|哪一天|年代"
        ),
    ),
    ("place", re.compile(r"哪里|哪儿|何地|何处|什么地方|哪个(?:国家|城市|省|地区)|哪国|哪座城|位于哪|在哪")),
    (
        "entity",
        re.compile(r"谁|哪位|哪个|哪一|哪座|哪家|什么(?:名字|人|国家|城市|组织|公司|东西)|叫什么|称为什么|被称为|又称"),
    ),
    ("yesno", re.compile(r"吗[？?]?$|是否|能不能|可不可以|有没有|会不会|是不是|对不对")),
)
# Any statement of an amount, a date or a time: digits (not of a name: 「B2B」, 「G1」, 「HTTP/1.1」),
# or Chinese numerals with a unit or measure word — a lone 一 (「一个」, 「一种」) is an article. A 「多少/哪一年」
# question answered by sentences holding none is not answered (see `states_a_quantity`).
_QUANTITY = re.compile(
    r"(?<![A-Za-z/.])[\d０-９]|百分之|分之|(?:[每约仅只近达超逾]|不到|超过)一\s*(?:个|次|位|种|名|人|倍)|(?:[零〇二三四五六七八九十百千万亿两几半数][零〇一二三四五六七八九十百千万亿两]*|一[零〇一二三四五六七八九十百千万亿两]+)(?:多|余|来)?"
    r"\s*(?:年|月|日|号|天|周|个|次|位|种|名|岁|人|倍|米|公里|千米|万|亿|元|块|小时|分钟|秒|世纪|家|所|台|条|项|成|件|本|部|层|点|代|届|场|批|组|类|级|期|座|辆|篇)"
)
# List numbering (「1、」, 「2.」 at a line's or clause's start) counts nothing. A number before
# 「、」 numbers an item wherever it stands: scraped lists lose their line breaks (「…的销售计划2、全面
# 掌握…」), and in a series of amounts (「2、3年」) the last one still states the amount.
_ENUMERATION = re.compile(r"(?:^|(?<=[\s：:；;，,。]))[（(]?\d{1,2}(?:[、)）]|[.．](?!\d))|(?<![\d.])\d{1,2}、")


# Questions asking for an amount (not for a time: 「何时」 is answered by 「傍晚」, 「近年」; 「哪几种」 asks which).
ASKS_AN_AMOUNT = re.compile(rf"多少|(?<!哪)几[{_AMOUNT_MEASURES}]|是几$|百分之几|哪一?年|几成")
_ASKS_A_COUNT = re.compile(r"几\s*([个次位种名岁人倍家所台条项件本部层类级期座辆篇张])")
CLAUSES = re.compile(r"[，,；;。！!？?\n]+")
# A rate asked for is a share too (「离职率一般是多少」, 「缓存命中率有多少」), but for one in time or
# per unit (频率, 速率, 功率, 效率, 汇率), or one asked in a measure (「胜率新纪录是多少胜」); so is
# what something 占多少 of, but not in a unit (「UDP 首部占多少个字节」, 「占多少内存」).
_ASKS_A_SHARE = re.compile(
    r"百分之几|百分比|几成|比例|占比|占多少(?:[呢啊呀吧]?$|份额|比重)|几分之|(?<![频速功效汇])率\w{0,4}多少[呢啊呀吧]?$"
)
# A decimal below one is a share too: 「阈值 T = E × 0.85」.
_SHARE = re.compile(
    r"[%％‰]|百分之|分之|[\d一二三四五六七八九十半]\s*成(?![为立功本员果长熟])|一半|比例|占比|(?<![\d.])0\.\d+"
)


def asks_an_amount(question: str) -> bool:
    """Whether the question asks for an amount or a date. Only its last clause asks: in
    「我老问他预算多少，对方都不太想说，该怎么问」 the amount is the trainee's story, the
    question is how to ask."""
    return bool(ASKS_AN_AMOUNT.search(last_clause(question)))


def asks_a_share(question: str) -> bool:
    """Whether the question asks for a proportion (「占营收的百分之几」, 「几成」, 「比例是多少」):
    then only a share answers it, not any number."""
    return bool(_ASKS_A_SHARE.search(last_clause(question)))


def counted_in(question: str) -> str | None:
    """The measure word a 「几个/几种/几次…」 question counts in (个, 种, 次 …), if it asks for a count."""
    count = _ASKS_A_COUNT.search(last_clause(question))
    return count.group(1) if count else None


def last_clause(question: str) -> str:
    """The question's last clause (script-folded), where what it asks for is said; "" if none."""
    clauses = [c for c in CLAUSES.split(fold(question)) if c.strip()]
    return clauses[-1] if clauses else ""


def states_a_quantity(text: str, counting: str | None = None, share: bool = False) -> bool:
    """Whether a text (script-folded) states an amount or a date, not counting list numbers.
    A lone 「一个」 is an article, unless the question counts in 个 (`counting`): then it is the
    count asked for (「几个聚簇索引」 ← 「最多只能建立一个聚簇索引」). With `share`
    (asks_a_share) only a proportion counts: 「两个部门」 does not say what share of revenue."""
    folded = _ENUMERATION.sub(" ", fold(text))
    if share:
        return bool(_SHARE.search(folded))
    return bool(_QUANTITY.search(folded)) or (counting is not None and f"一{counting}" in folded)


# Phrases that ask rather than describe: never expected in the answering sentence. Removed
# from the question before its terms are taken, so 「哪一年」 does not leave 「一年」 behind.
ASKING_PHRASES = re.compile(
    r"请问|哪一?(?:年|天|月|个|位|种|家|国|座|所|条|部|本|里|儿|些|项|方)?|什么(?:时候|样|人|地方|名字|意思)?|多少|"
    rf"几[{_AMOUNT_MEASURES}步项条类件家所台本部期座辆篇张]?|谁|何(?:时|地|处|为|谓|种)?|怎么样?|怎样|如何|为什么|为何|是否|"
    r"是不是|有没有|能不能|吗|呢|啥|多久|多长|多大|多高|多远|一步一?步"
)


@dataclass(frozen=True)
class AnswerShape:
    """How an answer to one kind of question is built.

    `cue` matches sentences of the expected form (a definition, a cause, a step, a number);
    `budget` is the length in characters the answer may grow to past its first sentence,
    `units` says whether numbered or 、-lists spanning sentences are quoted whole, `against`
    matches sentences of the wrong form, and `follows_context` credits a sentence for the
    one before it.
    """

    kind: QuestionKind
    cue: re.Pattern[str] | None
    budget: int
    units: bool = False
    # Sentences of the wrong form for this kind: a trait both sides share, for a contrast;
    # someone's belief restated (「许多人认为…」, 「误区一：…」), for yes/no and advice.
    against: re.Pattern[str] | None = None
    # Sentences right after one that restates the question often settle it: score the
    # preceding sentence's match with the question too.
    follows_context: bool = False
    cue_strength: float = 1.0  # how much the cue counts: a recommendation is what advice asks for
    # For a definition: what it asks about, folded (「嵌入式SQL中的游标」).
    subject: str = ""
    # For a follow-up asking the question before about something else (「那销售部呢」): what it
    # asks about now, folded; the best sentence naming it leads.
    focus: str = ""
    # For a 「几种/几个…」 question: the measure word it counts in; the sentence that states the
    # count (「Redis 具体有 6 种淘汰策略：」) answers it.
    counts: str = ""

    def has_cue(self, folded: str) -> bool:
        """Whether a (script-folded) sentence has the form this kind asks for. For a definition,
        not where the subject stands in a condition: 「若一个视图是从单个基本表导出的，…我们称这类
        视图为行列子集视图」 supposes a view, it says what a kind of view is called; a term
        named after its condition (「若…则称R为第二范式」) is defined there all the same."""
        if self.cue is None:
            return False
        if self.kind != "definition":
            return self.cue.search(folded) is not None
        return any(
            re.match(NAMING_VERB, m.group()) or not _CONDITION.search(_clause_before(folded, m.start()))
            for m in self.cue.finditer(folded)
        )

    def states_the_count(self, text: str) -> bool:
        """The text states a number of what the question counts (「6 种」, 「三类」)."""
        folded = fold(text)  # the measure word is folded (counted_in): 「6 種」 counts in 种
        stated = re.search(rf"(?:\d+|[两二三四五六七八九十]+)\s*多?{self.counts}", folded)
        return bool(self.counts) and stated is not None


# A clause that supposes rather than states: 「若…」, 「如果…」, 「当…时」.
_CONDITION = re.compile(r"^\s*(?:若|如果|假如|假设|倘若|要是|如若|当|一旦|只要)")


def _clause_before(text: str, at: int) -> str:
    """The text of the clause `at` stands in, up to `at`."""
    start = max(text.rfind(mark, 0, at) for mark in "，,。；;：:\n") + 1
    return text[start:at]


# What is left of a definition question once its asking words go: 「什么是销售漏斗」 → 销售漏斗.
_DEFINITION_WORDING = re.compile(
    r"请问|是(?:怎样|怎么样|什么样)的?一?[种个类]\w{0,6}$|^(?:这|那)(?:个|里的?|种)|(?:具体)?(?:是指|指的是|指|是)个?(?:啥|什么)(?:现象|情况|东西|概念|问题)|是个?啥意思|啥意思|指的是(?:啥|什么)(?:情况|东西)?|(?:具体)?指(?:什么|啥)|什么是|是什么意思|是个什么东西|是什么东西|是什么|是指什么|指的是什么|什么叫|何为|何谓|的定义|的含义|的意思|是个啥|"
    r"是啥|是怎么定义的|怎么定义|如何定义|什么概念|的概念|是怎么一?回事|到底|究竟|(?:是)?在(?:说|讲)(?:什么|啥)|"
    r"(?:说|讲)的是(?:什么|啥)|(?:应该|该|要)?(?:怎么|如何|怎样)去?理解|(?:用)?(?:大白话|白话|通俗(?:地|点)?|简单(?:地|点)?)(?:讲|说|来说|解释)?|[\s\W_]+"
)
# Words that point at where a term is used: 「数据库里说的事务」, 「redis 里经常说的内存碎片」 ask
# about 数据库的事务, redis 的内存碎片.
_SAID_IN = re.compile(r"(?:里|中|上)(?:经常|常常|常|通常|老是?|总是?)?(?:说|讲|提到|提起)的|所谓的?")
# A belief someone holds, stated so as to be answered: 「许多人认为…」, 「误区一：…」.
_BELIEF = re.compile(r"认为|以为|觉得|误区|常说|很多人|许多人|有人说|似乎|据说|不少人|经常说|误解")
# A trait both sides share (「营销和销售的最终目标都是…」): not what a contrast question asks.
_SHARED = r"(?:都|共同|同样|一样|相同|均|一致|相互|密切|两个|两种|两类|两者|二者)"
# What it is for is said by what it serves or allows: 「用来撤销…」, 「可以…避免 XSS 攻击」.
_SERVES = r"用来|用于|用以|可以|能够|作用|目的|为了|以便|从而|使得|好处|帮助|避免|防止|保证|提高"
SHAPES: dict[QuestionKind, AnswerShape] = {
    "contrast": AnswerShape("contrast", None, 300),
    "reason": AnswerShape("reason", re.compile(r"因为|由于|所以|因此|因而|原因|之所以|为了|导致|使得|在于"), 300),
    "definition": AnswerShape("definition", None, 240),  # the cue names the subject: see answer_shape
    "purpose": AnswerShape("purpose", re.compile(_SERVES), 240),
    # A relation is stated by how one side bears on the other (「两者是相互支撑的」, 「营销是销售
    # 的前提和基础」), not by sentences naming both (「营销和销售是两个重要的概念」).
    "relation": AnswerShape(
        "relation",
        re.compile(
            r"相互|互相|依存|依赖|离不开|密不可分|相辅相成|基础|前提|一部分|组成部分|属于|支撑|配合|服务于|"
            r"为[^，。；]{1,8}服务|决定|促进|推动|补充|延伸|手段|目的|上游|下游|反馈|协同|统一"
        ),
        300,
        against=re.compile(r"区别|不同|差异|差别"),  # how they differ is another question
        cue_strength=2.0,
    ),
    "list": AnswerShape(
        "list",
        re.compile(
            r"、|包括|包含|分为|以下|如下|[:：]\s*$|^\s*(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]|第[一二三四五六七八九十])"
        ),
        300,
        units=True,
    ),
    "method": AnswerShape(
        "method",
        re.compile(
            r"首先|其次|然后|最后|第[一二三四五六七八九十]|步骤|通过|可以|需要|应该|要先|方法|^\s*[（(]?\d+[)）、.．]"
        ),
        300,
        units=True,
    ),
    # A recommendation or a warning: what the trainee should (not) do.
    "advice": AnswerShape(
        "advice",
        re.compile(
            r"建议|推荐|优先(?!级)|更适合|应该|应当|必须|需要|不要|不能|别|千万|最好|切记|务必|记住|一定要|不妨|可以先|避免|注意"
        ),
        240,
        against=_BELIEF,
        follows_context=True,
        cue_strength=3.0,
    ),
    # The sentence that settles a yes/no question states a verdict, often a negation.
    "yesno": AnswerShape(
        "yesno",
        re.compile(
            r"不是|并非|并不|不等于|不同|不一定|不能|不会|没有|无法|其实|事实上|实际上|离事实|错误|误解|当然|确实|必须"
        ),
        240,
        against=_BELIEF,
        follows_context=True,
    ),
    "quantity": AnswerShape(
        "quantity",
        # A number, not a digit of a name (「Ext2」, 「HTTP/1.1」).
        re.compile(
            r"(?<![A-Za-z/.\d])[\d０-９]|[零〇一二三四五六七八九十百千万亿两]{2,}\s*(?:年|月|日|天|个|次|位|种|名|岁|人|倍|米|公里|万|亿|元|小时|分钟|世纪)"
        ),
        160,
    ),
    "place": AnswerShape("place", re.compile(r"[省市县州国岛城镇村区乡山河湖港湾洲部]|位于|地区|一带"), 160),
    "entity": AnswerShape("entity", None, 160),
    "general": AnswerShape("general", None, 300),
}


def answer_shape(question: str, sides: Sequence[str] | None = None) -> AnswerShape:
    """The shape of the answer to this question (`sides`: the two things a contrast question
    compares). A definition's cue is its subject followed by 是/指/即 …: 「什么是分销」 prefers
    「分销则是…」 over any sentence with 是 in it. A contrast's cue is a sentence that sets one
    side against the other (「营销是一个系统，而销售只是营销的一部分」)."""
    kind = question_kind(question, contrast=bool(sides))
    shape = SHAPES[kind]
    if kind in ("list", "quantity") and (measure := counted_in(question)):
        shape = replace(shape, counts=measure)
    if kind == "contrast" and sides:
        a, b = (re.escape(fold(side)) for side in sides[:2])
        # One side opens a clause, the other opens the next: 「营销是一个系统，而销售只是…」.
        joint = r"[^，,；;。]{2,60}?[，,；;]\s*(?:而且|而|但是|但|则|另一方面)?\s*[`'\"“‘「『《]?"  # 「，`#` 可以…」
        sets_apart = f"{a}{joint}{b}(?![和与及、])|{b}{joint}{a}(?![和与及、])"
        # A trait both share, unless the sentence also sets them apart (「两个通配符容易混：`*` 只匹配
        # 一个单词，`#` 可以匹配零个或多个单词」 names both as 两个, then tells them apart).
        return replace(
            shape,
            cue=re.compile(sets_apart),
            against=re.compile(f"^(?!.*(?:{sets_apart}))(?=.*{a})(?=.*{b}).*{_SHARED}", re.DOTALL),
        )
    if kind == "definition" and (subject := definition_subject(question)):
        return replace(shape, cue=definition_cue(subject), subject=subject)
    if kind == "purpose" and (names := purpose_subjects(question)):  # what it serves, said of it
        served = "|".join(r"\s*".join(map(re.escape, name)) for name in names)  # 「git stash」 spaced
        return replace(shape, cue=re.compile(f"(?:{served})[^，。；,;]{{0,12}}?(?:{_SERVES})"))
    return shape


_FOR_WHOM = re.compile(r"[对给为跟向]")
_BECOMES = re.compile(r"(?:做成|变成|改成|设计成|设计为|弄成|搞成|采用|使用)(.{2,})$")  # what a thing is made into


def purpose_subjects(question: str) -> list[str]:
    """The names of what a purpose question asks the use of (folded), the shortest last: 「TLS 握手里
    老提到的 SNI 是干嘛用的」 → its whole subject, then sni (the head after the last 的); or none.
    Its answer says what that serves, of it (「SNI 的作用是…」), not 「可以看到…SNI」."""
    clause = next((c for c in reversed(CLAUSES.split(fold(question))) if _ASKS_WHAT_FOR.search(c)), "")
    subject = _DEFINITION_WORDING.sub("", _ASKS_WHAT_FOR.sub("", clause)).strip("的是")
    if not subject or _POINTS_BACK.fullmatch(subject) or _FOR_WHOM.match(subject):
        return []  # 「…，对我们销售到底有啥用」 names whom it serves: its subject was said before
    head = subject.rsplit("的", 1)[-1]
    made = _BECOMES.search(head)  # 「镜像做成分层存储」: the good of 分层存储
    return sorted({subject, head, *(made.groups() if made else ())}, key=lambda name: (-len(name), name))


def definition_subject(question: str) -> str:
    """What a definition question asks about, folded: 「什么是销售漏斗？」 → 销售漏斗. Read
    from the clause that asks it: 「请问老师，单点登录是什么意思？」 asks about 单点登录, not
    老师单点登录, and 「什么是视图，能简单讲讲吗」 about 视图. A clause that asks about 「这」
    (「开会时领导提到POA，这是什么意思？」) leaves the whole question to say what."""
    folded = named_in_chinese(_BRACKETED.sub("", fold(question)))  # 「heredoc（就是 << EOF 那种写法）」: a gloss
    asking = [c for c in CLAUSES.split(folded) if _ASKS_WHAT_IT_IS.search(c.strip() + "？")]
    subject = _subject_in(asking[-1]) if asking else ""
    if subject and not _POINTS_BACK.fullmatch(subject):
        return subject
    quoted = _QUOTED_TERM.findall(folded)  # 「碰到“软炸”这个词，它是…」: the term it points back to
    return quoted[0] if len(quoted) == 1 else _subject_in(folded)


_QUOTED_TERM = re.compile(r"[“「『\"]([^”」』\"]{1,12})[”」』\"]")
_BRACKETED = re.compile(r"\s*[（(]\s*(?:就是|也就是|即|指的是|指|说的是|意思是)[^（）()]*[)）]")
# A subject that only points at what was said before it.
_POINTS_BACK = re.compile(r"[这那它其此](?:个|些|种|里|样)?")


def _subject_in(folded: str) -> str:
    return _DEFINITION_WORDING.sub("", _SAID_IN.sub("的", folded)).strip("的")


def question_kind(question: str, contrast: bool = False) -> QuestionKind:
    """The kind of answer wanted; `contrast` when the question compares two things."""
    if contrast:
        return "contrast"
    folded = fold(question).strip()
    for kind, pattern in _KINDS:
        if pattern.search(folded):
            return kind
    return "general"
