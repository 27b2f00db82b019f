"""The passage that defines what a definition question asks about.

A course introduces a term once, often on a slide that ranks below the ones using it: 「触发器
（Trigger）是用户定义在关系表上的一类由事件驱动的特殊过程」 sits under a chapter's contents list,
while five slides of trigger syntax share more of 「什么叫触发器」's words and vectors. A definition
question therefore reads deeper than it shows (DEFINITION_REACH) and, when none of the shown
passages defines the subject, shows the best-ranked deeper one that does in place of the last.
A comparison that asks only how two terms differ, where no sentence sets them apart, is
answered by what each is: the sentences (or slide lines) that define them (led_by_definitions).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

from kb.answering.aspects import EXAMPLE
from kb.answering.evidence import Evidence
from kb.answering.mentions import loosely
from kb.ingest.chunk import quotable_sentences
from kb.language.duplicates import overlaps
from kb.language.text import fold
from kb.types import Hit

_OWNER_PARTS = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]+")
DEFINITION_REACH = 20  # passages a definition question retrieves to find the one that defines
# The verbs that open a definition right after its term (or on the next line, under it).
_DEFINING_VERB = (
    r"(?:是指|指的是|说的是|就是|即是|即|定义为|称为|又称|被?(?:翻译|译)[为成]|是一种|是一个|是(?!为了|因为|由于)|指)"
)
# Where a term opens what it defines: a line, a sentence or a clause.
_OPENING = r"(?:^|(?<=[\n。；;！!？?，,：:]))\s*"
# A gloss in brackets after the term (「触发器（Trigger）」), not a slide's 「（续）」 (continued).
_GLOSS = r"(?:\s*[（(](?!续|續)[^（()）\n]{1,40}[)）])?"
# A slide's bullet, kept by ingest (「• 重载(Overload)」 over 「– 同一类中存在参数列表不同的同名方法」).
_SLIDE_BULLET = r"(?:[•●○◆◇■□▪▫►▶➢➤✓✔√‒–][ \t]*)?"
# The term's English name on a line of its own under it (「单队列多处理器调度」 over 「Single Queue
# Multiprocessor Scheduling, SQMS」): its definition is the line after.
_ENGLISH_NAME_LINE = r"(?:[A-Za-z][^\n\u4e00-\u9fff]*\n\s*)?"
# Lines under a term that do not define it: an example (「例如，在例5.11的…」), a note, or the next
# term of a list with its own gloss (「行级触发器（FOR EACH ROW）」 over 「语句级触发器（FOR EACH STATEMENT）」).
_NOT_A_DEFINITION = r"(?!例|如|比如|注|[^\n]{1,24}[（(][^\n（(]*[)）][ \t]*(?:\n|$))"


def defining_form(subject: str, slide_lines: bool = False) -> re.Pattern[str]:
    """The subject opening a line or clause, then its definition's verb — on the same line
    (「触发器（Trigger）是…」) or opening the next (「两段锁协议\\n指所有事务…」) — unlike a
    sentence that only uses it (「触发器名必须是唯一的」). With `slide_lines`, also a line that
    is the term alone (or asks 「什么是…」) over a line of 8 or more characters that is neither an
    example nor the next term with its gloss, as slides define (「静态转储\\n在系统中无运行事务时
    进行的转储操作」); the match ends on that line's first character."""
    # A gloss may stand inside the term too: 「超线程(Hyperthread, …)处理器」 names 超线程处理器.
    folded = fold(subject)
    named = "".join(re.escape(c) + (_GLOSS if at < len(folded) - 1 else "") for at, c in enumerate(folded))
    verb = _OPENING + _SLIDE_BULLET + named + _GLOSS + r"(?:[ \t]*|[ \t]*\n\s*)" + _DEFINING_VERB + r"(?![，。；,;]|$)"
    if not slide_lines:
        return re.compile(verb, re.M)
    term_line = (
        r"(?:^|(?<=\n))[ \t]*"
        + _SLIDE_BULLET
        + r"(?:什么是)?"
        + named
        + _GLOSS
        + r"[ \t]*[？?：:]?[ \t]*\n\s*"
        + _ENGLISH_NAME_LINE
        + _SLIDE_BULLET
        + r"(?=[^\n]{8})(?=[^\n]*[\u4e00-\u9fff])"  # a line that says something in Chinese
        + _NOT_A_DEFINITION
        + r"\S"
    )
    return re.compile(f"{verb}|{term_line}", re.M)


def with_definition(hits: Sequence[Hit], shown: int, subject: str) -> list[Hit]:
    """The `shown` best hits; the last replaced by the best-ranked deeper one that defines
    `subject` when none of them does (its rank is then `shown`, its score its own)."""
    top = list(hits[:shown])
    if not subject or len(top) < shown:
        return top
    # 「Java输入输出的流」 is defined as 流 (what it is, after its 的): 「– 流是一组有顺序的…字节集合」.
    forms = [defining_form(name) for name in dict.fromkeys([subject, subject.rsplit("的", 1)[-1]])]

    def defined(hit: Hit) -> bool:
        return any(form.search(fold(hit.passage.text)) for form in forms)

    if any(map(defined, top)):
        return top
    deeper = next((h for h in hits[shown:] if defined(h)), None)
    if deeper is None:
        return top
    return [*top[:-1], dataclasses.replace(deeper, rank=shown)]


def defining_sentence(subject: str, hits: Sequence[Hit]) -> Evidence | None:
    """The sentence of the best-ranked hit that defines `subject` (defining_form, slide lines
    included), as evidence citing that hit; a definition on the line under its term is quoted
    with the term's line (「静态转储\\n在系统中无运行事务时进行的转储操作」), verbatim; not one saying
    only that the subject is an idea (says_only_a_word)."""
    form = defining_form(subject, slide_lines=True)
    for hit in hits:
        text = hit.passage.text
        folded = fold(text)
        if len(folded) != len(text):
            continue  # offsets would not hold in the text
        for found in form.finditer(folded):
            if (span := _defining_span(hit, found)) is not None and not says_only_a_word(span):
                return span
    return None


def _defining_span(hit: Hit, found: re.Match[str]) -> Evidence | None:
    """The sentence holding a defining form found in the hit's passage, or None when it asks
    (「分页是怎么完成地址转换的？」 is a section's question, it defines nothing)."""
    text = hit.passage.text
    said = found.end() - 1  # the verb's last character, or the first of the line under the term
    term = found.start() + len(found.group()) - len(found.group().lstrip())
    # The sentence that says it; a slide line too short or bare for ingest to call it one
    # (「在系统中无运行事务时进行的转储操作」 reads as a heading) is quoted as its line.
    line_end = text.find("\n", said)
    end = next((e for s, e in quotable_sentences(text) if s <= said < e), len(text) if line_end < 0 else line_end)
    start = min(term, said)
    end = start + len(text[start:end].rstrip())
    if text[start:end].rstrip("”」』\"')）").endswith(("？", "?")):
        return None
    offset = hit.passage.start
    span = (offset + start, offset + end)
    return Evidence(text[start:end], hit.passage, hit.rank, *span, {"cue": 1.0}, citations=(hit.rank,))


def led_by_definitions(
    sides: tuple[str, str] | None, words: Sequence[str], hits: Sequence[Hit], chosen: list[Evidence]
) -> list[Evidence]:
    """`chosen` led by what each side is, when the question asks nothing of them but how they
    differ (`words`, the question's searched words, are the sides' own) and its best sentence
    does not set them against each other (its `cue`) nor follows the text asking the same:
    「水平分解和垂直分解的区别」 is answered by 「什么是水平分解 / 把（基本）关系的元组分为若干
    子集合…」 and the line defining 垂直分解, wherever among the contrast's passages they are
    (both, or neither). 「…的思维方式有什么不一样」 asks about one aspect: not by definitions."""
    if not sides or not chosen or chosen[0].features.get("cue") or chosen[0].features.get("asked_here"):
        return chosen  # it sets them apart, or it is what the text answers where it asks the same
    if any(not any(word in side for side in sides) for word in words):
        return chosen
    # 「方法的重载」 is defined as 重载 (what it is, after its 的).
    lead = [defining_sentence(side, hits) or _head_defined(side, hits) for side in sides]
    if lead[0] is None or lead[1] is None or (lead[0].doc_id, lead[0].start) == (lead[1].doc_id, lead[1].start):
        return chosen
    both = [lead[0], lead[1]]
    return both + [c for c in chosen if not any(overlaps(c, d) for d in both)]


def _head_defined(side: str, hits: Sequence[Hit]) -> Evidence | None:
    """The definition of what a side is, after its last 的, if it has one."""
    return defining_sentence(side.rsplit("的", 1)[-1], hits) if "的" in side else None


# A definition that only says what kind of word the term is (「市场营销策划是一个广泛的概念，需要…」,
# 「营销和销售是商业中两个十分重要的概念」) tells a trainee nothing: the one stating what it is leads.
_SAYS_ONLY_A_WORD = re.compile(
    r"是[^，。；,;！？!?]{0,12}?(?:概念|术语|名词|词语?|说法|话题)(?:之一)?\s*(?:[，。；,;！？!?]|$)"
)


def defines(evidence: Evidence, subject: str) -> bool:
    """A definition's form, in a passage about the subject's owner (「职业是…秘书」 elsewhere: not
    白鸟百合子的职业; the file's name counts: 「Dockerfile 里的 ONBUILD 指令」 is defined in
    07_dockerfile_7.13_onbuild.md, whose section never repeats 「Dockerfile」), and not an
    example's (「举个例子：…那这多余出来的 8 字节…就可以被称为内存碎片」
    names the term of one case; the sentence that defines it leads)."""
    p, owner = evidence.passage, subject.rsplit("的", 1)[0].rstrip("中里内上")
    about = fold(p.doc_id + p.title + p.heading + p.text)
    return (
        bool(evidence.features.get("cue"))
        and (owner in about or _said_in_parts(owner, about))
        and not EXAMPLE.match(evidence.text.lstrip())
        and not says_only_a_word(evidence)
    )


def says_only_a_word(evidence: Evidence) -> bool:
    """The sentence says of its subject only that it is a word or idea (_SAYS_ONLY_A_WORD)."""
    return _SAYS_ONLY_A_WORD.search(fold(evidence.text)) is not None


def _said_in_parts(owner: str, text: str) -> bool:
    """Each Latin word and Chinese run of the owner is said, loosely (「Java输入输出」 by a deck
    JavaCh9 titled 「输入/输出流」)."""
    parts = _OWNER_PARTS.findall(owner)
    return bool(parts) and all(loosely(part).search(text) for part in parts)


def introduces(evidence: Evidence, subject: str) -> bool:
    """A definition introducing its term with its English name (「事务（Transaction）是用户定义的…」),
    where a text first defines it, not a later summary (「事务是数据库的逻辑工作单位」)."""
    term = re.escape(subject.rsplit("的", 1)[-1])
    return defines(evidence, subject) and re.search(term + r"\s*[（(]\s*[a-z]", fold(evidence.text)) is not None


def with_unquotable_definition(subject: str, candidates: list[Evidence], shown: Sequence[Hit]) -> list[Evidence]:
    """`candidates` led by the line of the `shown` hits that defines `subject` (defining_form,
    slide lines included) when ingest did not make it a sentence and no candidate opens with the
    subject's definition: a slide's 「视图\n从一个或几个基本表导出的表」 or 「视图是一个虚表」 (too short
    to quote) answers 「视图到底是个什么东西」 before a lab report's 「用法几乎完全一致，…而视图是…」."""
    term = subject.rsplit("的", 1)[-1]
    form = defining_form(term)
    if not term or any(form.search(fold(c.text)) for c in candidates):
        return candidates
    found = defining_sentence(term, shown)
    # A candidate that is part of it (the term's line alone, 「超线程(…)处理器」) gives way to it.
    inside = (
        [c for c in candidates if overlaps(found, c) and found.start <= c.start and c.end <= found.end] if found else []
    )
    if found is None or any(overlaps(found, c) for c in candidates if c not in inside):
        return candidates
    top = candidates[0].score if candidates else 0.0
    return [dataclasses.replace(found, score=top), *(c for c in candidates if c not in inside)]


# A slide's term over its first item (「• 封装（encapsulation）\n– OOP中信息隐藏思想的技术实现」).
_LABEL_OVER_ITEM = re.compile(r"[•●○◆◇■□▪▫►▶➢➤✓✔√][^\n]*\n([ \t]*)[‒–-][ \t][^\n]+")


def with_sibling_items(best: Evidence, budget: int) -> Evidence:
    """A slide's term quoted over its first item, with the items after it under the same term
    (「– 将数据和对数据的操作组合起来构成不可分割的实体」, 「– 隐藏实现细节，通过接口与外部联系」)
    while they fit `budget`: together they say what the term is; the first alone says what it
    is an instance of. A deeper line or any other ends them."""
    shape = _LABEL_OVER_ITEM.fullmatch(best.text)
    if shape is None:
        return best
    passage, end = best.passage, best.end
    sibling = re.compile(rf"\n{re.escape(shape.group(1))}[‒–-][ \t][^\n]+")
    while (item := sibling.match(passage.text, end - passage.start)) and end + len(item.group()) - best.start <= budget:
        end += len(item.group())
    if end == best.end:
        return best
    return dataclasses.replace(best, text=passage.text[best.start - passage.start : end - passage.start], end=end)


def definition_forms(subject: str) -> list[Callable[[Evidence], bool]]:
    """What a definition's answer is led by, each in turn preferred (answer._form_first): a
    sentence that says more than that the subject is an idea (says_only_a_word), one that
    defines the subject, one that introduces it."""
    return [lambda c: not says_only_a_word(c), lambda c: defines(c, subject), lambda c: introduces(c, subject)]
