"""The form of a sentence that defines a term: a definition question's cue.

「什么是分销」 prefers 「分销则是…」 over any sentence with 是 in it: the term opens a clause and a
defining verb follows (「触发器（Trigger）是…」), or a textbook names the term last (「若…，则称该
属性组为候选码」), or labels its definition (「定义 1（最优反应）」). A text may define the term
under another name it gives it (「SSO(Single Sign On)即单点登录」 … 「SSO 是在多个应用系统中…」):
those names (side_names.term_names) define it too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# 「外部性意味着…」, 「MemFree 表示未使用的 RAM 量」, 「内存碎片可以理解为…」 define too.
# A textbook's label over a definition it states in its own words: 「定义 1（最优反应）」.
DEFINITION_LABEL = r"定义\s*[\d.]*\s*[（(]"
# 是否 asks whether (「外码列是否允许空值」): no copula.
_DEFINITION = (
    r"(?:是指|指的是|说的是|就是|即是|即|定义为|称为|又称|被?(?:翻译|译)[为成]|是一种|是一个|是(?!否)|意味着|表示|"
    r"指(?![标南针导出挥数令定向])|理解[为成]|看作|视为)"
)
# 「你可以将内存碎片简单地理解为那些不可用的空闲内存」: the term taken as what it is.
_TAKEN_AS = r"(?:理解[为成]|看作|看成|视为|当作|当成)"
# What a term means, said without the term: 「指所有事务…」 (not 指标, 指南 …).
MEANS = r"(?:是指|指的是|指(?![标南针导出挥数令定向]))"
# A term after a quantifier speaks of some of what it names (「一些视图是不可更新的」), not of the term.
# Not 一个: translated textbooks define with it (「玩家 i 的一个信息集是其不能区分的节点的集合」).
_NOT_ALL_OF_IT = r"(?<!一些|有些|某些|这些|那些|部分|所有|每个|很多|许多|多数|少数)"
# The verbs that name a term after its description: 「称该属性组为候选码」, 「叫做候选码」.
NAMING_VERB = r"(?:称之?为?|叫做|叫作|定义为|记为|记作)"
# A name given as the word for what was described: 「有个专门的名词，元认知」, 「这个术语叫…」.
_WORD_FOR = r"(?:专门的?|专有)?(?:名词|术语|名称|叫法)"
_OPENS = r"(?<![\u4e00-\u9fff])"  # no Chinese character before: the word starts here
# The English acronym or name a question adds after a Chinese term (folded, brackets gone).
_GLOSS_AFTER = re.compile(r"(?<=[\u4e00-\u9fff]{2})[a-z][a-z0-9 ]*$")
# 「ONBUILD 指令」, 「docker stop 命令」 are defined as 「`ONBUILD` 是…」: a Latin name without the word
# of its kind after it.
_KIND_AFTER = re.compile(r"^([a-z][a-z0-9_.+#/-]*(?:\s+[a-z][a-z0-9_.+#/-]*)*)\s*[\u4e00-\u9fff]{1,4}$")
# 「触发器（Trigger）是…」: a gloss in brackets may stand between the term and its verb.
_GLOSS = r"(?:\s*[（(][^（()）]{1,40}[)）])?"
_QUOTED = r"[”’」』\"']?"  # the term in quotes: 「称为“静态方法”。」
_CLAUSE_ENDS = r"\s*(?:[。；;，,：:]|$)"  # where the term a sentence names last ends


def definition_cue(subject: str, also: Sequence[str] = ()) -> re.Pattern[str]:
    """A sentence (folded) defining `subject` (folded), or one of the names `also` gives it."""
    # 「嵌入式SQL中的游标」 is defined as 「游标是…」: the head noun after the last 的 too.
    # 「自治系统AS」, 「虚拟专用网（VPN）」 are defined as 「自治系统是…」: without their acronym too,
    # and 「ONBUILD 指令」 as 「ONBUILD 是…」 (_KIND_AFTER).
    heads = [subject, subject.rsplit("的", 1)[-1]]
    kinds = [kind.group(1) for name in heads if (kind := _KIND_AFTER.match(name.strip()))]
    names = dict.fromkeys([*heads, *(_GLOSS_AFTER.sub("", name) for name in heads), *kinds, *also])
    named = "|".join(re.escape(name) for name in names if name)
    # A term of one character (栈, 树) opens its clause: 「栈是…」, not 「子树是…」 or 「Tm是树」.
    opening = "|".join(re.escape(name) if len(name) > 1 else _OPENS + re.escape(name) for name in names if name)
    # An adverb may stand before the verb (「分销则是」, 「其实是」); a second subject may not
    # (「栈和队列是两种…」 says what both are), nor 都 (「栈都应该是空的」).
    forward = _NOT_ALL_OF_IT + f"(?:{opening}){_GLOSS}" + r"[^，。；,;和与及都]{0,3}?" + _DEFINITION
    # Textbooks name the term last: 「若…，则称该属性组为候选码」, 「…的属性称为主属性」.
    named_last = NAMING_VERB + r"[^，。；,;]{0,8}?为?" + f"(?:{named}){_GLOSS}{_QUOTED}" + _CLAUSE_ENDS
    # 「所谓“浸泡式学习”，就是…」: the term, then a comma before what it means.
    set_off = f"(?:{opening}){_GLOSS}{_QUOTED}" + r"\s*[，,]\s*(?:也就是|就是|是指|指的是|即)"
    # 「…关于思考的思考，有个专门的名词，元认知（metarecognition）」: named as a word for it.
    a_word_for = _WORD_FOR + r"[^，。；,;]{0,3}?[，,：:“\"]?\s*" + f"(?:{named}){_GLOSS}{_QUOTED}" + _CLAUSE_ENDS
    # A textbook's labelled definition: 「定义 1（最优反应）」 over the statement (subject_lines).
    labelled = DEFINITION_LABEL + r"\s*" + f"(?:{named})" + r"\s*[)）]\s*[^\s，。；,;]{4}"
    # The term opens a sentence, the next says what it means: 「中间人攻击英文名叫…。指攻击者…」.
    means_next = f"(?:^|(?<=[。！？!?；;\n]))\\s*(?:{opening}){_GLOSS}" + r"[^。！？!?\n]{0,60}[。！？!?]\s*" + MEANS
    taken_as = r"(?:将|把)\s*" + f"(?:{opening}){_GLOSS}{_QUOTED}" + r"[^，。；,;]{0,6}?" + _TAKEN_AS
    return re.compile(f"{forward}|{set_off}|{named_last}|{a_word_for}|{labelled}|{means_next}|{taken_as}")


# 「VFS（虚拟文件系统）」, 「虚拟文件系统（VFS）」: one thing named twice, in Latin and in Chinese.
_NAMED_TWICE = re.compile(
    r"[a-z][\w .-]*[（(]\s*([\u4e00-\u9fff]{2,12})\s*[)）]|([\u4e00-\u9fff]{2,12})\s*[（(]\s*[a-z][\w .,-]*[)）]"
)


def named_in_chinese(folded: str) -> str:
    """The (folded) text with a thing named twice, in Latin and in Chinese, named once in
    Chinese: 「内核里的vfs（虚拟文件系统）」 asks about 虚拟文件系统, which a text defines under its
    Chinese name (「虚拟文件系统」 over 「一组所有文件系统都支持的数据结构和标准接口」); run
    together, 「vfs虚拟文件系统」 is said nowhere."""
    return _NAMED_TWICE.sub(lambda m: m.group(1) or m.group(2), folded)
