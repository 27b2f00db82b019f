"""What the page says about the knowledge base it serves: a title and a few example questions.

A trainer can set both in kb.toml (`title`, `examples`); otherwise they are drawn from the
index itself, so a page serving a Java course never suggests 「营销和销售的区别」: the title
from the words most document titles share (else the corpus folder's name), the examples from
what the corpus compares in its titles and headings (「A和B的区别」), the terms it defines
(「X是指…」) and short headings that name a term (「什么是X？」).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import PurePosixPath

from .knowledge_base import KnowledgeBase
from .profile import Profile
from .text import Analyzer, fold
from .types import Passage

EXAMPLES = 3  # example questions the page offers
TITLE_WORDS = 3  # words a drawn title joins
CANDIDATES = 8  # example questions tried before giving up on more
SAMPLE = 5000  # passages read to draw them: enough for any corpus, quick at a million passages
DEFAULT_TITLE = "知识库"
GENERIC_FOLDERS = frozenset({"", ".", "corpus", "docs", "data", "documents", "files", "text", "texts"})

_TERM = r"[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9+#]{1,7}?"
# 「A与B的区别」「A和B有什么不同」 in a title or heading: what the corpus itself compares.
_COMPARES = re.compile(
    rf"({_TERM})(?:与|和|跟|同|及|vs\.?)({_TERM})(?:之间)?(?:的|有|有什么|有哪些)?(?:区别|不同|差异|差别|异同)"
)
# 「X是指…」 at a clause start (「而推销则是指…」): a term the corpus defines.
_DEFINES = re.compile(
    rf"(?:^|(?<=[。！？!?\n；;，,：:]))\s*(?:而|但|因为|所以|那么)?({_TERM})(?:则|就|其实|主要|通常|一般)?"
    r"(?:就是指|是指|指的是|的定义是|是一种)"
)
# A heading that is one short term: no clause punctuation, no joining words, no list number.
_TERM_HEADING = re.compile(r"[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9+#]{1,7}")
_JOINING = re.compile(r"[与和及的或]")


def corpus_title(passages: Sequence[Passage], profile: Profile) -> str:
    """A name for the corpus: the one document's title; the words shared by the most document
    titles (「销售、市场、营销」), if at least two titles share them; else the corpus folder's
    name, unless that is a generic one like `corpus`; else 「知识库」."""
    titles = {p.doc_id: p.title for p in passages}
    if len(titles) == 1:
        return next(iter(titles.values())).strip() or DEFAULT_TITLE
    analyzer = profile.analyzer
    ignore = analyzer.stopwords | profile.contrast.asking_words  # 「区别」 names no subject
    counts = Counter(
        word
        for title in titles.values()
        for word in {w for w in analyzer.tokenize(title) if len(w) >= 2 and w not in ignore and not w.isdigit()}
    )
    chosen: list[str] = []
    for word, documents in sorted(counts.items(), key=lambda item: (-item[1], -len(item[0]), item[0])):
        if documents < 2 or len(chosen) == TITLE_WORDS:
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
    the terms it defines most often, then for short headings that name a term."""
    analyzer = profile.analyzer
    labels = [fold(text) for p in passages for text in (p.title, p.heading) if text]
    compared = Counter(f"{a}和{b}的区别" for label in labels for a, b in _COMPARES.findall(label))
    defined = Counter(term for p in passages for term in _DEFINES.findall(fold(p.text)) if _is_word(term, analyzer))
    headings = Counter(
        h for h in (fold(p.heading).strip() for p in passages) if _TERM_HEADING.fullmatch(h) and not _JOINING.search(h)
    )
    terms: list[str] = []
    for term, _ in defined.most_common() + headings.most_common():
        if term not in analyzer.stopwords and not any(term in t or t in term for t in terms):
            terms.append(term)
    candidates = [q for q, _ in compared.most_common(1)] + [f"什么是{term}？" for term in terms]
    return tuple(q for q in candidates[:CANDIDATES] if answered(q))[:EXAMPLES]


def _is_word(term: str, analyzer: Analyzer) -> bool:
    """Whether jieba, under the profile's vocabulary, keeps the term whole: 「推销」 is a
    word, 「同时也」 is not."""
    return bool(analyzer.tokenizer.lcut(term) == [term])


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
    examples = profile.examples or example_questions(passages, profile, lambda question: kb.ask(question).found)
    return title, examples
