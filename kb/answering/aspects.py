"""Aspects of a contrast that the corpus itself states, for subjects no profile describes.

A course compares its own pairs (接口/抽象类, 选择/投影, WHERE/HAVING) in parallel statements:
「抽象类中可以定义构造方法，而接口中不能定义构造方法」, 「选择运算是从行的角度进行的运算」 beside
「投影操作主要是从列的角度进行运算」. Two clauses, one opening with each side, that share a content
word speak to the same aspect, and that word names it (构造方法, 角度). Two clauses that define
their sides (「抽象类是…」, 「接口是…」) make the row 「定义」. A lead-in such as 「从设计上看，」 names
the aspect of the sentence it opens. Only the form of Chinese discourse is read here, never a
subject's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from kb.language.dictionary import dictionary_tag, is_grammar
from kb.language.duplicates import overlaps
from kb.types import CitedSpan, ContrastRow

DEFINITION_ASPECT = "定义"
# 「抽象类是…」, 「视图是指…」, a law's 「固定期限劳动合同，是指…」: a clause that says what its side is.
_DEFINES = re.compile(r"^[，,\s]*(?:就|即|则|也)?(?:是指|指的是|是一种|是一个|是一组|是|指|即)(?!否|不是)")
# What a statement holds and a title or label does not: a verb or copula (「接口的定义与使用」 has none).
PREDICATE = re.compile(
    r"是|为|指|可以|能|不|只|会|要|需|必须|由|被|用来|用于|有|把|将|对|在|从|进行|包含|包括|允许|实现|继承|属于|称"
)


def says_something(text: str, tokenize: Callable[[str], Sequence[str]] | None = None) -> bool:
    """A PREDICATE, or (with the index's tokenizer) a word the dictionary tags a verb:
    「LRU关注多久未访问」 states what LRU weighs, 「HAVING <条件表达式>」 (表达式) names a clause."""
    if PREDICATE.search(text):
        return True
    return tokenize is not None and any((dictionary_tag(word) or "").startswith("v") for word in tokenize(text))


# 「从设计上看，」, 「在实现方面，」, 「就效率而言，」, 「从通信方式来看：」: a lead-in naming the
# aspect of its sentence.
LEAD_IN = re.compile(
    r"^\s*(?:从|在|就|对于|关于)([^，,。；;：:\s]{1,8}?)(?:的角度|角度|层面|方面|上)?(?:看|来看|上看|来说|而言|讲|来讲)?\s*[，,：:]"
)
# A labelled item of a list of differences: 「线程是否安全：HashMap 是非线程安全的，Hashtable 是…」,
# 「设计目的：接口主要用于…」. The label is the aspect, but for labels that only introduce
# (_INTRODUCING) or give an example (EXAMPLE).
LABEL_LEAD = re.compile(r"^\s*([^，,。；;：:\s]{2,16}?)(?:上|方面)?(?:的?(?:不同|区别|差异))?\s*[：:]\s*")
_INTRODUCING = frozenset("注意 注 总结 总之 结论 答 问 原因 备注 提示 说明 解释 补充 结果 输出".split())
# An example (「例如：…」, 「举个例子：」, 「例在转储期间…」) illustrates the statement above it: no
# label, no aspect, no cell (outline.py too).
EXAMPLE = re.compile(r"^[\[［【(（]?\s*(?:例|比如|举例|举个例子|示例|如[：:])")
# Words that say nothing of what a clause is about, though the dictionary tags them as content
# (verbs, adjectives, nouns): never an aspect's name. Conjunctions, adverbs, pronouns, numerals
# and the like are kb.language.dictionary.is_grammar.
_FUNCTION_WORDS = frozenset(
    "不能 能够 不会 进行 主要 使用 用来 用于 需要 没有 时候 所有 部分 不同 区别 一般 特殊 简称".split()
)
MIN_ASPECT_CHARS = 2
# How a thing is done names no aspect of it: 「直接」 (an adjective as adverb) paired 「你可以直接修改
# 这个对象中的某些字段」 with 「都是直接用」 in a Redis/Memcached table.
_NO_ASPECT_TAGS = frozenset({"ad"})
COMMON_SHARE, COMMON_COUNT = 0.1, 4  # a word in this share and number of retrieved sentences
# An aspect is named in the corpus's language: the English of 「（Discretionary Access Control）」 and
# 「（Mandatory Access Control）」 glosses the sides' names, it names no aspect.
_HAN = re.compile(r"[\u3400-\u9fff]")
# Characters that make a token a piece of grammar (「是从」, 「的值」), not the name of an aspect.
# What says a side lacks a word's quality: 非同步, 不可变, 无状态, 没有返回值.
_NEGATION = "(?:非|不|无|未|没有|不是|不能|不可)"
_GRAMMAR_CHARS = re.compile(r"[是为的了从在和与及或而则就都也把被对向于以其该此这那么之]")


@dataclass(frozen=True)
class SideClause:
    """A clause that opens with one side's name: where it is and what it says after the name."""

    side: int
    body: str  # folded, from the side's name on
    after_name: str  # folded, what follows the name
    sentence: int  # index of its sentence among all the hits' sentences
    score: float  # how good a cell it makes (better-ranked passages, shorter clauses)


def lead_in_aspect(sentence: str) -> tuple[str, int] | None:
    """The aspect a sentence's lead-in or label names and where the rest begins: 「从设计上看，
    抽象类…」 → (设计, 6), 「效率：HashMap 要比…」 → (效率, 3)."""
    match = LEAD_IN.match(sentence)
    if match is None and "\n" not in sentence.strip():  # a label names its own line's aspect only
        match = LABEL_LEAD.match(sentence)
        label = match.group(1) if match else ""
        if match and (label in _INTRODUCING or EXAMPLE.match(label) or not _HAN.search(label)):
            return None
    if not match or len(match.group(1)) < MIN_ASPECT_CHARS:
        return None
    return match.group(1), match.end()


def defines(clause: SideClause) -> bool:
    """The clause says what its side is: 「接口是一组方法声明的集合」."""
    return bool(_DEFINES.match(clause.after_name))


def shared_aspect(
    a: SideClause, b: SideClause, tokenize: Callable[[str], Sequence[str]], names: set[str], common: set[str]
) -> str | None:
    """The content word two clauses about the two sides share, naming their common aspect, or
    None. What one side is and the other is not comes first (_polar: 同步 of 「…都是线程同步的」
    and 「…是非同步的」). Else side names (and their parts), function words, grammar
    (conjunctions such as 只有, is_grammar), words without a Chinese character and single
    characters do not count; nor does a word of the subject itself (see common_words); of
    several, the longest (a compound names a thing: 日志文件 before 建立)."""
    in_a, in_b = set(tokenize(a.body)), set(tokenize(b.body))
    said, words = in_a | in_b, in_a & in_b
    # Of any word either says, since one side's may be cut otherwise (是非|同步, 非同步).
    polar = [w for w in said if _polar(w, a.body, b.body) and not any(w in n or n in w for n in names)]
    shared = polar or [
        w
        for w in words
        if len(w) >= MIN_ASPECT_CHARS
        and w not in _FUNCTION_WORDS
        and not is_grammar(w)
        and dictionary_tag(w) not in _NO_ASPECT_TAGS
        and not _GRAMMAR_CHARS.search(w)
        and _HAN.search(w)
        and not any(w in n or n in w for n in names)
        and not w.isdigit()
        and w not in common
    ]
    return min(shared, key=lambda w: (-len(w), w), default=None)


def _polar(word: str, a: str, b: str) -> bool:
    """Both clauses end on the word, and one says its side is not it (「…都是线程同步的」,
    「…是非同步的」, 「…不支持线程的同步」): the word is what sets them apart, whatever the
    dictionary tags it (同步 is an adverb there) and however common it is. A word inside the
    clause is no predicate: 「可以定义构造方法」 and 「不能定义构造方法」 differ on 构造方法, not on
    定义."""
    if len(word) < MIN_ASPECT_CHARS or not _HAN.search(word) or word in _FUNCTION_WORDS:
        return False
    ending = re.compile(f"{re.escape(word)}(?:的|了)?[。.！!]?$")
    # 「HashMap不支持线程的同步」 denies it too: a negation a few characters before the word.
    negated = re.compile(f"{_NEGATION}(?!仅|但|只)[^，,；;]{{0,6}}?{re.escape(word)}")
    return all(ending.search(c.strip()) for c in (a, b)) and bool(negated.search(a)) != bool(negated.search(b))


def common_words(texts: Sequence[str], tokenize: Callable[[str], Sequence[str]]) -> set[str]:
    """The words of the subject itself: those in COMMON_SHARE or more of the texts (the retrieved
    sentences) and in at least COMMON_COUNT (数据 in a database course). They name no aspect."""
    counts: dict[str, int] = {}
    for text in texts:
        for word in set(tokenize(text)):
            counts[word] = counts.get(word, 0) + 1
    floor = max(COMMON_COUNT, COMMON_SHARE * len(texts))
    return {word for word, count in counts.items() if count >= floor}


def subject_words(frequencies: Mapping[str, int], passages: int) -> set[str]:
    """Of words with the number of the index's passages holding each (`frequencies`), those the
    whole index is about: in COMMON_SHARE of its `passages` and at least COMMON_COUNT (关系 in
    a database course, in a fifth of its passages, though few of the sentences retrieved for
    水平分解 and 垂直分解 hold it). Like common_words, they name no aspect."""
    floor = max(COMMON_COUNT, COMMON_SHARE * passages)
    return {word for word, count in frequencies.items() if count >= floor}


def parallel_rows(
    statements: list[tuple[SideClause, CitedSpan]],
    tokenize: Callable[[str], Sequence[str]],
    names: set[str],
    common: set[str],
    taken: set[str],
    used_text: set[str],
) -> list[ContrastRow]:
    """Rows from pairs of statements, one about each side, on a shared aspect (see
    shared_aspect): the best-scored pair per aspect, a pair within one sentence first; no
    cell used twice."""
    best: dict[str, tuple[float, CitedSpan, CitedSpan]] = {}
    for a, cell_a in (item for item in statements if item[0].side == 0):
        for b, cell_b in (item for item in statements if item[0].side == 1):
            if cell_a.text == cell_b.text:
                continue
            aspect = DEFINITION_ASPECT if defines(a) and defines(b) else None
            aspect = aspect or shared_aspect(a, b, tokenize, names, common)
            if aspect is None or aspect in taken:
                continue
            score = a.score + b.score + (1.0 if a.sentence == b.sentence else 0.0)
            if aspect not in best or score > best[aspect][0]:
                best[aspect] = (score, cell_a, cell_b)
    rows = []
    for aspect, (_, cell_a, cell_b) in sorted(best.items(), key=lambda item: -item[1][0]):
        if cell_a.text in used_text or cell_b.text in used_text:
            continue
        rows.append(ContrastRow(aspect, [cell_a, cell_b]))
        used_text.update((cell_a.text, cell_b.text))
    return rows


def distinct_rows(rows: Sequence[ContrastRow]) -> list[ContrastRow]:
    """The rows, each quoting what no row before it quotes: 「内碎片：分配单元内部未被使用内存」 is
    read both as the side's label line (its 定义) and as a clause on 单元; one row says it."""
    kept: list[ContrastRow] = []
    for row in rows:
        quoted = [cell for earlier in kept for cell in earlier.cells]
        if not any(overlaps(cell, other) for cell in row.cells for other in quoted):
            kept.append(row)
    return kept
