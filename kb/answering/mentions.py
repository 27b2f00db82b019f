"""Whether the retrieved passages, and the answer, speak of what a comparison compares.

An index that never mentions one side of 「B树和B+树有什么区别」 cannot say how the two differ,
however much it says about the other: such a question is not answered (Answerer.answerable).
Nor is one whose answer, with no table, quotes sentences about neither side: notes holding
only a heading 「数据报与虚电路」 answer 「数据报和虚电路有什么不同」 with sentences on channel
capacity (speaks_of_a_side).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from kb.answering.contrast import ContrastVocabulary
from kb.answering.question import ASKING_PHRASES
from kb.answering.side_names import MIN_CORE_CHARS, side_cores, side_names
from kb.answering.typos import Homophones
from kb.language.text import fold, fold_taiwan
from kb.types import Hit

MIN_HEAD_CHARS = 3  # a side's head this long, said loosely, mentions it

# A side written as one name (「B树」, 「数据仓库」, 「MongoDB」), not a clause the question's
# wording ran into (「做销售策划，时间跨度上有啥」): only such a side can be looked up.
_PLAIN_SIDE = re.compile(r"[\w+#.\-]{1,12}")


def unmentioned_side(
    sides: Sequence[str], hits: list[Hit], vocabulary: ContrastVocabulary, tokenize: Callable[[str], Sequence[str]]
) -> str | None:
    """A side of the comparison that no retrieved passage mentions, if any: the index cannot
    say how 「B树」 differs from 「B+树」 when it never speaks of B树, however much it says
    about B+树. A side is mentioned by any of its names (contrast.side_names), by its core (静态 for
    静态转储, two characters at least), or, so that a typo (「共享所」 for 共享锁) is not taken
    for a new subject, when each of its words of two or more characters occurs, or by what it
    is after its 的, said loosely (「跟踪指数的被动基金」 by 「被动型基金」). Sides that are not plain
    names (a clause, an asking word) are never called unmentioned."""
    if not _plain(sides):
        return None
    sources = [h.passage.headed_text for h in hits]
    texts = [fold(text) for text in sources]
    missing = _first_unmentioned(sides, texts, vocabulary, tokenize)
    if missing is None:
        return None
    # A Taiwan text names things in its own words (陣列 for 数组, 物件 for 对象): read it so too,
    # only when the plain reading misses a side (the conversion costs a pass over every hit).
    texts += [taiwan for text in sources if (taiwan := fold_taiwan(text)) not in texts]
    return _first_unmentioned(sides, texts, vocabulary, tokenize)


def _first_unmentioned(
    sides: Sequence[str], texts: list[str], vocabulary: ContrastVocabulary, tokenize: Callable[[str], Sequence[str]]
) -> str | None:
    for side, names in zip(sides, _names_of_each(sides, texts, vocabulary)):
        if any(name in text for name in names for text in texts):
            continue
        words = {w for w in tokenize(side) if len(w) >= 2}
        if words and all(any(w in text for text in texts) for w in words):
            continue
        if not _head_said_loosely(side, texts):
            return side
    return None


def _head_said_loosely(side: str, texts: Sequence[str]) -> bool:
    """「跟踪指数的被动基金」: what the side is, after its last 的, is said loosely (「被动型基金」)."""
    head = side.rsplit("的", 1)[-1] if "的" in side else ""
    return len(head) >= MIN_HEAD_CHARS and any(loosely(head).search(text) for text in texts)


def loosely(phrase: str, homophones: Homophones | None = None) -> re.Pattern[str]:
    """The phrase's characters in order, at most two others between each, each one or (with
    `homophones`) a character read alike."""
    alike = [re.escape(c) + "".join(homophones.of(c) if homophones else ()) for c in phrase]
    return re.compile(".{0,2}?".join(f"[{chars}]" for chars in alike))


def _names_of_each(sides: Sequence[str], texts: list[str], vocabulary: ContrastVocabulary) -> list[list[str]]:
    """Each side's names in `texts` (folded): side_names, and its core of two characters or more
    (静态 for 静态转储)."""
    cores = side_cores(list(sides))
    return [
        [*side_names(side, texts, other, vocabulary.aliases), *(c for c in core if len(c) >= MIN_CORE_CHARS)]
        for side, other, core in ((sides[0], sides[1], cores[0]), (sides[1], sides[0], cores[1]))
    ]


def _plain(sides: Sequence[str]) -> bool:
    """Every side is a name that can be looked up (_PLAIN_SIDE), not a clause or an asking word."""
    return all(_PLAIN_SIDE.fullmatch(side) and not ASKING_PHRASES.search(side) for side in sides)


def speaks_of_a_side(
    sides: Sequence[str], quoted: Sequence[str], hits: list[Hit], vocabulary: ContrastVocabulary
) -> bool:
    """Whether a quoted text names a side of the comparison, by any of its names (side_names,
    read from the hits), its core (静态 for 静态转储) or its head said loosely. Sides that are
    not plain names (「进容器用docker exec」: the question's wording ran into it) are not looked
    for: true."""
    if not _plain(sides):
        return True
    names = [name for each in _names_of_each(sides, [fold(h.passage.text) for h in hits], vocabulary) for name in each]
    said = [fold(text) for text in quoted]
    return any(name in text for name in names for text in said) or any(_head_said_loosely(s, said) for s in sides)


def discussed_together(sides: Sequence[str] | None, hits: Sequence[Hit]) -> bool:
    """Whether one of `hits` names every side (plain names only): it speaks of them together, so
    the index holds what sets them apart, however much the question pads them (「挂糊和上浆听起来
    差不多，两者到底有什么区别」 shares few of its words with 「【挂糊】…【上浆】…」)."""
    if not sides or not _plain(sides):
        return False
    # A Latin name is a whole word: 「java」 is not said in 「javascript」.
    names = [re.compile(rf"(?<![a-z0-9]){re.escape(fold(side))}(?![a-z0-9])") for side in sides]
    return any(all(name.search(text) for name in names) for text in (fold(h.passage.headed_text) for h in hits))
