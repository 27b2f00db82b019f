"""What the page says about the knowledge base it serves: a title and a few example questions.

A trainer can set both in kb.toml (`title`, `examples`); otherwise they are drawn from the
index itself, so a page serving a Java course never suggests 「营销和销售的区别」: the title
from the words most document titles share (else the corpus folder's name), the examples from
what the corpus compares in its titles and headings (「A和B的区别」), the terms it defines
(「X是指…」) and short headings that name a term (「什么是X？」).
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import PurePosixPath

from kb.answering.question import answer_shape
from kb.knowledge_base import KnowledgeBase
from kb.language.text import Analyzer, fold
from kb.profile import Profile
from kb.types import Passage

EXAMPLES = 3  # example questions the page offers
TITLE_WORDS = 3  # words a drawn title joins
CANDIDATES = 16  # example questions tried before giving up on more
SAMPLE = 5000  # passages read to draw them: enough for any corpus, quick at a million passages
DEFAULT_TITLE = "知识库"
# A folder's own description of what it holds.
_READMES = frozenset({"readme", "index", "目录", "说明"})
_COLON = re.compile(r"[：:]")
# Words of titles that name a kind of text, not a subject: 「SSO 单点登录详解」, 「常见加密算法总结」.
_TEXT_KINDS = frozenset(
    {"详解", "总结", "概述", "入门", "指南", "教程", "简介", "笔记", "汇总", "专题", "常见", "介绍"}
)
# A term asked about is used at least this many times more often in the corpus than in Chinese
# at large (_keyness): 营销 in five marketing articles ≈ 27,000, 纳什均衡 in a game theory course
# ≈ 150,000; 特点 in a data structures course ≈ 200, 错乱 (once in 1,357 passages) ≈ 200.
MIN_KEYNESS = 1000
GENERAL_SMOOTHING = 100  # added to a word's dictionary count: a word jieba lacks is still no certainty
# Headings that name a part of a document, not a subject.
STRUCTURE = frozenset(
    "小结 总结 本章小结 概述 引言 前言 目录 参考文献 附录 习题 练习 思考题 例题 实验题 实验目的 实验内容 实验步骤 "
    "实验结果 实验总结 内容提要 学习目标 本章要点".split()
)
GENERIC_FOLDERS = frozenset({"", ".", "corpus", "docs", "data", "documents", "files", "text", "texts"})

# A term: Chinese or Latin, 2-8 characters, without the words that join or predicate
# (「视图和基本表有些什么的区别」 compares 视图 and 基本表).
_TERM = r"[\u4e00-\u9fffA-Za-z](?:(?![的有是和与跟同及或])[\u4e00-\u9fffA-Za-z0-9+#]){1,7}?"
# 「A与B的区别」「试述A和B有什么不同」 in a title or heading: what the corpus itself compares.
_COMPARES = re.compile(
    rf"(?:试述|简述|请问|说明|比较|谈谈)?({_TERM})(?:与|和|跟|同|及|vs\.?)({_TERM})"
    r"(?:之间)?(?:有些什么|有什么|有哪些|有何)?的?(?:区别|不同|差异|差别|异同)"
)
# Adverbs between a term and its 是指 (「而推销则是指…」); alone before it they are no term (「，一般是指」).
_ADVERBS = ("则", "就", "其实", "主要", "通常", "一般")
# A phrase saying how something is put (「一般来说是指…」, 「简单而言」) names no term.
_MANNER_OF_SAYING = re.compile(r"(?:来说|而言|来讲|地说|地讲)$")
# 「X是指…」 at a clause start: a term the corpus defines.
_DEFINES = re.compile(
    # A law's 「本法所称X是指」, 「前款规定的X是指」 define X.
    rf"(?:^|(?<=[。！？!?\n；;，,：:]))\s*(?:而|但|因为|所以|那么|(?:本[法条章款]|本条例|前款)(?:所称|规定)的?)?"
    rf"({_TERM})(?:{'|'.join(_ADVERBS)})?"
    r"(?:就是指|是指|指的是|的定义是|是一种)"
)
# A heading's number (「3.3」「第二章」「一、」) and continuation mark (「（续）」), around its term.
_HEADING_NOISE = re.compile(
    r"^\s*(?:第[^章节]{1,4}[章节]|[一二三四五六七八九十]+[、.．]|[\d.．]+)\s*|\s*(?:[（(]续[）)]|[：:])\s*$"
)
_TERM_HEADING = re.compile(r"[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9+#]{1,7}")
# A side that opens by pointing or counting (该, 这, 两个) is a cut phrase, not a term.
_POINTS_OR_COUNTS = re.compile(r"[该這这那此其本每各某一二两兩三四五六七八九十几幾\d]")
_JOINING = re.compile(r"[与和及的或]")  # 「销售与营销」「两者格局的差异」 are not one term
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A title set with a space between its characters (「计 算 机 网 络」) reads as one word run together.
_LETTER_SPACED = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff](?: [\u4e00-\u9fff]){2,}(?![\u4e00-\u9fff])")
# A title's number (「第九章」, 「第3讲」, 「12」) names a part of a course, not its subject.
_NUMBERING = re.compile(r"第?[\d一二三四五六七八九十百]+[章节讲课篇部单元]?$")


def corpus_title(passages: Sequence[Passage], profile: Profile) -> str:
    """A name for the corpus: the one document's title; the title of the folder's README (or
    index), up to its colon (「认证授权与数据安全专题：JWT、SSO…」); the words shared by the most
    document titles (「销售、市场、营销」), if at least two titles share them, words naming a kind
    of text (详解, 总结) aside; else the corpus folder's name, unless that is a generic one like
    `corpus`; else 「知识库」."""
    titles = {p.doc_id: _LETTER_SPACED.sub(lambda m: m.group().replace(" ", ""), p.title) for p in passages}
    if len(titles) == 1:
        return next(iter(titles.values())).strip() or DEFAULT_TITLE
    readme = {_COLON.split(p.title)[0].strip() for p in passages if PurePosixPath(p.source).stem.lower() in _READMES}
    if len(readme) == 1 and (named := next(iter(readme))):
        return named
    analyzer = profile.analyzer
    ignore = analyzer.stopwords | profile.contrast.asking_words | _TEXT_KINDS  # 「区别」 names no subject
    counts = Counter(
        word
        for title in titles.values()
        for word in {w for w in analyzer.tokenize(title) if len(w) >= 2 and w not in ignore and not _NUMBERING.match(w)}
    )
    chosen: list[str] = []
    most = max(counts.values(), default=0)
    for word, documents in sorted(counts.items(), key=lambda item: (-item[1], -len(item[0]), item[0])):
        if documents < max(2, most / 2) or len(chosen) == TITLE_WORDS:  # 「数据库」, not 「数据库、技术、概论」
            break
        if not any(word in other or other in word for other in chosen):
            chosen.append(word)
    if chosen:
        return "、".join(_as_written(word, titles.values()) for word in chosen)
    try:
        folder = PurePosixPath(os.path.commonpath([p.source for p in passages])).name if passages else ""
    except ValueError:  # absolute and relative sources mixed
        folder = ""
    return folder if folder.lower() not in GENERIC_FOLDERS else DEFAULT_TITLE


def example_questions(
    passages: Sequence[Passage], profile: Profile, answered: Callable[[str], bool] = lambda _: True
) -> tuple[str, ...]:
    """Up to EXAMPLES questions the corpus answers (as `answered` judges; trying at most
    CANDIDATES): the comparison its titles and headings make most often, then 「什么是X？」 for
    the terms it defines most often, then for the headings that name a term (numbers and
    「（续）」 aside), most frequent first."""
    analyzer = profile.analyzer
    labels = [fold(text) for p in passages for text in (p.title, p.heading) if text]
    compared = Counter(
        f"{a}和{b}的区别"
        for label in labels
        for a, b in _COMPARES.findall(label)
        # not 「该应用涉和两个的区别」, nor 「while语句和while语句」 (「do-while语句和while语句」 cut)
        if a != b and not (_POINTS_OR_COUNTS.match(a) or _POINTS_OR_COUNTS.match(b))
    )
    defined = Counter(
        term
        for p in passages
        for term in _DEFINES.findall(fold(p.text))
        if term not in _ADVERBS and not _MANNER_OF_SAYING.search(term) and _is_term(term, analyzer)
    )
    headings = Counter(_HEADING_NOISE.sub("", fold(p.heading)) for p in passages)
    texts = [fold(p.text) for p in passages]

    @functools.cache
    def mentions(term: str) -> int:
        """How many of the sampled passages mention the term (asked once per term)."""
        return sum(term in text for text in texts)

    named = [  # a heading the passages talk about: 「关系模式」, not 「小结」 or 「查询结果如下」
        h
        for h, _ in headings.most_common()
        if _TERM_HEADING.fullmatch(h) and not _JOINING.search(h) and mentions(h) >= 2
    ]
    terms: list[str] = []
    for term in [t for t, _ in defined.most_common()] + named:
        if len(_CJK.findall(term)) < 2 or term in analyzer.stopwords or term in STRUCTURE:
            continue  # not 「c1」, 「where」, a lone character or 「实验内容」
        if _keyness(term, mentions(term) / max(1, len(texts)), analyzer) < MIN_KEYNESS:
            continue  # 「特点」, 「默认」, 「错乱」: words of any text, or said once
        if not any(term in t or t in term for t in terms):
            terms.append(term)
    candidates = [q for q, _ in compared.most_common(1)] + [f"什么是{term}？" for term in terms]
    return tuple(q for q in candidates[:CANDIDATES] if answered(q))[:EXAMPLES]


def _keyness(term: str, share: float, analyzer: Analyzer) -> float:
    """How many times more often the corpus's passages mention the term (`share`: of the
    passages read) than Chinese at large uses it (jieba's dictionary counts, smoothed): what a
    course is about (纳什均衡, 链表, 营销) scores thousands, a word any text uses (特点, 本质) or
    one the corpus says once (错乱) far less."""
    tokenizer = analyzer.tokenizer
    tokenizer.check_initialized()
    return share * tokenizer.total / (tokenizer.FREQ.get(term, 0) + GENERAL_SMOOTHING)


def _is_term(term: str, analyzer: Analyzer) -> bool:
    """Whether jieba, under the profile's vocabulary, reads the term as one word or a compound
    of words (「推销」, 「数据库管理系统」), not as words and particles (「同时也」)."""
    return all(len(piece) >= 2 for piece in analyzer.tokenizer.lcut(term))


def _as_written(word: str, titles: Iterable[str]) -> str:
    """The word as a title spells it when it differs only in case (「Java」, not 「java」)."""
    for title in titles:
        found = re.search(re.escape(word), title, re.IGNORECASE)
        if found:
            return found.group(0)
    return word


def describe(kb: KnowledgeBase) -> tuple[str, tuple[str, ...]]:
    """The title and example questions of the page: the profile's (kb.toml) where given, else
    drawn from an even sample of at most SAMPLE passages, keeping only examples the index
    answers (a suggestion answered 「没有找到」 would tell a trainee the page is broken)."""
    profile = kb.profile
    if profile.title and profile.examples:
        return profile.title, profile.examples
    count = kb.index.passage_count
    passages = kb.index.passages(range(0, count, max(1, count // SAMPLE)))  # ids run from 0 to count - 1
    title = profile.title or corpus_title(passages, profile)
    examples = profile.examples or example_questions(passages, profile, lambda question: shows_an_answer(kb, question))
    return title, examples


def shows_an_answer(kb: KnowledgeBase, question: str) -> bool:
    """Whether an example is worth offering: the index answers it, and a 「什么是X？」 from
    passages of which one defines X in a form a definition's answer is cued by (「转储是指…」,
    「定义（纳什均衡）…」). A heading that names a slide's part (「分析」, 「例子一」, 「注意」) is
    asked about as readily as a term, and its answer is stray lines that use the word: the
    first question a trainee clicks would show kb at its worst."""
    answer = kb.ask(question)
    shape = answer_shape(question)
    if shape.kind != "definition" or shape.cue is None or not answer.found:
        return answer.found
    return any(shape.cue.search(fold(hit.passage.text)) for hit in answer.hits)
