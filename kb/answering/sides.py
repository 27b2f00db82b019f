"""What a contrast question compares: its two sides, read from its wording alone.

「营销和销售的区别」 → 营销, 销售. A side ends where its clause does (「A和B，时间跨度上有什么不同」
compares B on 时间跨度), is the work rather than its doing (「做市场的人」 → 市场), and carries no
word that modifies the difference asked about: its degree (「最本质的区别」, 「主要的不同」) or
the respect it is asked in (「在数据处理上的区别」).
"""

from __future__ import annotations

import re

from kb.answering.contrast import ContrastVocabulary
from kb.language.dictionary import dictionary_tag
from kb.language.text import fold

# 「死锁和饥饿怎么区分」 asks how to tell them apart (not 「以做区分」, 「来区分雷暴的种类」), and so
# does saying they get confused (「缓存穿透和缓存击穿老是搞混」) or asking where they part
# (「redis跟memcached比到底差在哪」).
_TELLING_APART = (
    "(?:怎么|如何|怎样)(?:区分|分辨|辨别)|(?:老是|总是|经常|常常|容易|总|老)?(?:搞混|混淆|弄混|分不清|搞不清)"
    "|差在哪|差别在哪|不同在哪"
)
# 「Redis Stream和Kafka哪个好」, 「同步刷盘和异步刷盘怎么选」: which to take asks for a comparison too.
_WHICH = "(?:哪个|哪一个|哪种|哪样|谁)(?:更|比较)?(?:好|优|强|快|合适|适合|划算)|(?:怎么|如何|该)选(?!项)"
# A question that weighs two things against each other compares them too: 「A和B各有什么优缺点」.
_WEIGHING = "优缺点|优劣|利弊|异同|好处坏处|好处和坏处|长处和短处|优点和缺点|好坏|好在哪"
_CLAUSE_END = re.compile(r"[，,；;。？?！!]")
# 「做X」, 「从事X的人」: the verb of doing a line of work and the person doing it, around its name.
_DOING_WORK = re.compile(r"^(?:做|从事|负责)(.{2,}?)(?:的人|的)?$")
# How much or in what way two things differ, said between the second side and the asking word.
_DEGREE = r"最(?:大|主要|本质|根本|核心|关键|重要|明显)|本质|根本|主要|核心|关键|明显|显著|具体"
# 「FIFO和LRU哪个好，区别在哪」: which of them is better is asked, it names no side.
_WHICH_IS_BETTER = re.compile(r"(?<=.)(?:哪个|哪一个|哪种|谁)更?[好优强快]?$")
# 「存时间用DATETIME还是TIMESTAMP比较好」, 「RDB好还是AOF好」: a choice between two is a comparison.
# (「你觉得还是先学好基础比较好吗」: after a verb of thinking, 还是 is 「had better」, no choice.)
_CHOICE = re.compile(
    r"(?:^|[，,\s])([^，,\s]{1,20}?)(?<!觉得)(?<!认为)(?<!感觉)(?<![我你是])好?还是(?:用|选)?([^，,？?]{1,16}?)"
    r"(?:比较|更)?(?:好|合适|划算)(?=[？?。！!，,]|$)"
)
# 「进容器用 docker exec 还是 docker attach？两者有啥不同」: a choice between two, then a difference
# asked of them in a clause after it (the whole clause before 还是 is read, Latin names have spaces).
_CHOICE_THEN = (
    r"(?:^|[，,；;])\s*([^，,；;？?]{{1,30}}?)(?<!觉得)(?<!认为)(?<!感觉)(?<![我你是])\s*还是\s*(?:用|选)?([^，,；;？?]{{1,24}}?)\s*[？?，,；;]"
    r"\s*[^。？?]*?(?:{asking})"
)
# 「Docker 容器跟传统虚拟机比，主要差别在哪里」: the second side ends before the verb comparing them.
_COMPARED_WITH = re.compile(r"(?<=\S)\s*(?:比起来|相比较?|相较|比较起来|比)$")
# 「存时间用DATETIME」: what is chosen follows the verb of using it.
_USING = re.compile(r"^.*?(?:选用|选择|使用|采用|用|选)\s*(?=[a-z])")
_MADE_INTO = re.compile(r"^[\u4e00-\u9fff]成\s*(?=[\u4e00-\u9fff]{2}|[a-z])")
# 「做消息队列的话Redis Stream和Kafka哪个好」: the condition before 「的话」 is no part of a side, nor
# is the time before 「的时候」 (「腌肉时」: see _when_dropped), nor who says the name (「…说的湿性发泡」).
_CONDITION = re.compile(
    r"^.*(?:的话|的时候)|^.*?(?:所说的|(?<![\u4e00-\u9fff])(?:说的|讲的)|(?<=[时里中上])(?:说的|讲的)|提到的|所谓的?)(?=\S{2})"
)
# The respect a difference is asked in: 「…在数据处理上的区别」, 「…在功能方面有什么不同」,
# 「ACID 和 BASE 对事务中间状态的态度…」.
_IN_RESPECT = re.compile(r"(?<=.)\s*(?:在[^在]{1,16}?(?:上|方面|中)|对[^对]{2,16})$")
# What both sides are, said after the second (「反熵和谣言传播这两种方式」, 「…这两种java程序」), and where both are
# found, said before the first (「Gossip 里反熵和…」): neither is part of a side.
# 「Kafka 和 Disruptor 都叫消息队列」: what is said of both after the second side is no part of it.
# So is how they seem (「挂糊和上浆听起来差不多，两者…」).
_SAID_OF_BOTH = re.compile(
    r"(?<=\S{2})\s*(?:(?:都|也都|均)(?:是|叫|算|属于|有|能|会|可以|用|被|在|称为)|听起来|看起来|看上去|好像|似乎|差不多|(?:很|挺|有点)像).*$"
)
_BOTH_NAMED = re.compile(
    r"\s*(?:这|那)?(?:(?:两|俩|二)(?:种|个|类|者)\s*(?:[a-z]+\s*)?[\u4e00-\u9fff]{0,6}|(?:两|俩|二)(?:方式|方法|算法|机制|模式|模型|协议|概念|东西)?)$"
)
_FOUND_IN = re.compile(r"^[^\s]{1,12}?\s*(?:里面|当中|里)(?:说的|讲的|提到的|所说的|所谓的?|的)?\s*(?=\S{2})")
# 「用句柄和用直接指针」: two ways of doing a thing, each named by its means (what precedes it in
# the first side says what is done).
_BY_MEANS = re.compile(r"^.*?(?:使用|采用|通过|用(?![户于法途量品语处意时]))\s*(?=\S{2})")
# 「RocketMQ 同步刷盘和异步刷盘」: so is a product named before the first side, a space between.
_PRODUCT_BEFORE = re.compile(r"^[A-Za-z][\w.+#-]*\s+(?=[\u4e00-\u9fff]{2})")
_PRODUCT_OF = re.compile(r"^[A-Za-z][\w.+#-]*(?:\s+[A-Za-z][\w.+#-]*)*\s*的\s*(?=\S{2})")
_LATIN_AT_START = re.compile(r"^[a-z][a-z0-9_.+#/-]*(?:\s+[a-z0-9_.+#/-]+)*(?=\s*[\u4e00-\u9fff])")
_LATIN_AT_END = re.compile(r"(?<![a-z0-9_.+#/-])[a-z][a-z0-9_.+#/-]*(?:\s+[a-z0-9_.+#/-]+)*$")
# 「字符串比较用 == 和 equals()」: an operator after a space is a side of its own, as a Latin name is.
_OPERATOR_AT_END = re.compile(r"(?<=\s)[=!<>&|^~+*/%-]{1,3}$")
_QUOTES = "“”\"'「」『』‘’"
# 「301 跟 302 状态码我老搞混」: who confuses them is no part of a side.
_WHO_ASKS = re.compile(r"\s*(?:我|我们|你|你们|大家|他们|人)(?:总|老|总是|老是|经常|常常|容易)?$")
# 「TCP 和 UDP 协议」, 「301 跟 302 状态码」: after a second Latin or numbered side, the word
# naming what both are (the first side is named without it).
_KIND_OF_BOTH = re.compile(r"^([a-z0-9+\-][a-z0-9_.+#/-]*)\s+[\u4e00-\u9fff]{1,6}$")
# 「ZooKeeper 和 Eureka 各自偏向什么」: what each of the two does is asked.
_EACH = r"(?:(?<=各自)|(?<=分别)|(?<=各))[\u4e00-\u9fff]{1,6}?(?:什么|啥|哪些)"
# 「从发送、存储到消费每一环分别要做什么」 lists the stages of a range, it compares no two of them.
_RANGE = re.compile(r"^从.+到")
# 「中断、异常和陷入这三个有什么区别」, 「参数、返回值和系统调用号分别放在哪」: a list of three or more
# is asked about, no two sides set against each other.
_MORE_THAN_TWO = re.compile(r"、[^、，,；;。？?]+?(?:和|与|跟|及|、)")


# 比较 asks to compare where it ends what is asked (「两者比较」, 「比较一下」); before an adjective it
# only says 「rather」 (「该怎么处理比较合适」 compares nothing).
_COMPARING = r"比较(?=\s*(?:[？?。！!，,；;的]|$|一下|起来|而言))"


def contrast_sides(question: str, vocabulary: ContrastVocabulary) -> list[str] | None:
    """The two things a contrast question compares, or None if it is not one.

    「营销和销售的区别」 → [营销, 销售]; 「市場營銷與銷售有什麼不同」 → [市场营销, 销售].
    """
    q = fold(question)
    asking = [_COMPARING if word == "比较" else re.escape(word) for word in vocabulary.asking]
    match = _joined(q, "|".join([*asking, _WEIGHING, _TELLING_APART, _WHICH, _EACH]))
    if not match or _MORE_THAN_TWO.search(q[match.start(1) : match.end(2)]):
        return None
    # The sides stay inside the clause that joins them: 「A和B，时间跨度上有什么不同」 compares B
    # on 时间跨度; 「1962年1月，…上，邓小平和谁…」 compares 邓小平.
    first, second = _CLAUSE_END.split(match.group(1))[-1], _COMPARED_WITH.sub("", _CLAUSE_END.split(match.group(2))[0])
    # 「横向比较和纵向比较有什么区别」: the second side ends as the first does, not at its 比较.
    if len(first) > 2 and not second.endswith(first[-2:]) and q.startswith(first[-2:], match.end(2)):
        second += first[-2:]
    if _RANGE.match(f"{first}{second}"):
        return None
    first = _CONDITION.sub("", _when_dropped(first, second))
    if _BY_MEANS.match(first) and (means := _BY_MEANS.match(second)) and means.end() <= 2:  # 「…用句柄和用直接指针」
        first, second = _BY_MEANS.sub("", first), _BY_MEANS.sub("", second)
    elif _USING.match(first):  # 「用 alias 和写成函数」: the other way is what the thing is made into
        first, second = _USING.sub("", first), _MADE_INTO.sub("", _USING.sub("", second))
    first = _FOUND_IN.sub("", first)
    first = _aligned(first, second)
    sides = [_named_work(re.sub(r"(的|之间)$", "", side).strip().strip(_QUOTES)) for side in (first, second)]
    # 「RocketMQ 的集群消费和广播消费」: the product named before 的 is where both are found.
    sides[0] = _PRODUCT_OF.sub("", sides[0]) if "的" not in sides[1] else sides[0]
    sides[0] = _PRODUCT_BEFORE.sub("", sides[0]) if re.match(r"[\u4e00-\u9fff]", sides[1]) else sides[0]
    # 「线上看到一堆 TIME_WAIT 和 CLOSE_WAIT」, 「RSA 密钥交换和 ECDHE」: a Latin name compared with
    # one is the side, not the words around it.
    latin = (
        (_LATIN_AT_END.search(sides[0]) or _LATIN_AT_START.search(sides[0]) or _OPERATOR_AT_END.search(sides[0]))
        if sides[1].isascii()
        else None
    )
    sides[0] = latin.group().strip() if latin and not sides[0].isascii() else sides[0]
    # 「市场部和销售部的工作目标」 compares 销售部; 「经济补偿金和违法解除的赔偿金」 赔偿金 (of 金's kind).
    owner, _, owned = sides[1].partition("的")
    sides[1] = sides[1] if "的" in sides[0] or not owner else owned if owned[-1:] == sides[0][-1:] else owner
    sides[1] = _BOTH_NAMED.sub(
        "", _WHICH_IS_BETTER.sub("", _IN_RESPECT.sub(_respect, _SAID_OF_BOTH.sub("", _WHO_ASKS.sub("", sides[1]))))
    ).strip()
    kind_of_both = _KIND_OF_BOTH.match(sides[1]) if sides[0].isascii() else None
    sides[1] = kind_of_both.group(1) if kind_of_both else sides[1]
    # 「重载(Overload)和覆盖(Override)」: a side's gloss is another name of it, not part of it (the
    # text writes 「重载（Overload）」 in its own brackets, and 「重载的方法…」 without).
    sides = [_GLOSSED.sub("", side) or side for side in sides]
    return sides if all(sides) and sides[0] != sides[1] else None


def _joined(q: str, asking: str) -> re.Match[str] | None:
    """The match whose two groups hold the sides of a contrast question (folded), or None: two
    things joined by a word (和, 与, 跟 …) before a word asking how they differ (`asking`), or
    a choice between two (_CHOICE, _CHOICE_THEN)."""
    # 同 and 及 join two sides only where no other word does: 「同步刷盘和异步刷盘」 is joined by 和.
    return (
        next(
            (
                found
                for joining in ("和|与|跟|对比|vs\\.?|、", "同|及")
                if (
                    found := re.search(
                        rf"^(?:请问|请)?[，,\s]*(.+?)\s*(?:{joining})\s*(.+?)(?:比起来|相比|比)?(?:之间|两者)?(?:到底|究竟)?"
                        rf"(?:各自|分别|各)?(?:{_DEGREE})?(?:的)?(?:有|存在)?(?:什么|哪些|何|啥)?(?:{_DEGREE})?(?:{asking})",
                        q,
                    )
                )
            ),
            None,
        )
        or _CHOICE.search(q)
        or re.search(_CHOICE_THEN.format(asking=asking), q)
    )


_HAN_CHARACTER = re.compile(r"[\u4e00-\u9fff]")
_GLOSSED = re.compile(r"\s*[（(][^（()）]{1,40}[)）]$")


def _aligned(first: str, second: str) -> str:
    """The first side from where it says what the second opens with: 「字符串外面套单引号和套双引号」
    compares 套单引号 with 套双引号 — a single character (a verb: 套, 加, 放) opening the second
    side, no word with the character after it, that the first has after other words."""
    at = first.rfind(second[:1], 1)
    # A first side no longer than the second has nothing before it to trim: 「单队列多处理器调度」
    # beside 「多队列多处理器调度」 is not 「多处理器调度」.
    if len(second) < 3 or len(first) <= len(second) or not _HAN_CHARACTER.match(second) or at < 1:
        return first
    if dictionary_tag(second[:2]):
        return first
    if dictionary_tag(first[at - 1 : at + 1]):  # 「上传代码和传文件」: 传 is part of 上传
        return first
    return first[at:] if len(first) - at >= 3 else first


def _when_dropped(first: str, second: str) -> str:
    """The first side after a 「时」 that says when (「腌肉时生抽和老抽…」 → 生抽): one that forms no
    word with the character on either side (not 实时, 同时, 时间)."""
    at = first.rfind("时", 1, len(first) - 2)
    if at < 1 or dictionary_tag(first[at - 1 : at + 1]) or dictionary_tag(first[at : at + 2]) or "时" in second:
        return first  # 「非高峰时电价和高峰时电价」: 时 is part of both
    return first[at + 1 :]


def weighs(question: str) -> bool:
    """Whether a comparison asks for each side's pros and cons (「A和B各有什么优缺点」)."""
    return re.search(_WEIGHING, fold(question)) is not None


def _respect(match: re.Match[str]) -> str:
    """The respect a difference is asked in, dropped — but for a word that opens with 对
    (「非对称加密」: 对称 is no 「对…」 of respect)."""
    said = match.group().strip()
    return match.group() if said.startswith("对") and dictionary_tag(said[:2]) else ""


def _named_work(side: str) -> str:
    """A side named by doing it, or by the person who does it, is the work itself:
    「做市场营销策划」 → 市场营销策划, 「做销售的人」 → 销售 (documents name the work, not the
    doing)."""
    match = _DOING_WORK.match(side)
    return match.group(1) if match else side
