"""The names a term goes by in the retrieved text: a comparison's sides, a definition's subject.

A side is named by the question's word, its alias group in the profile, the short names the
text itself defines for it (「客户服务（简称客服）」 → 客服, 「排它锁（Exclusive Locks，简记为X锁）」 →
X锁), and, for two sides sharing a head or tail, their cores (静态转储/动态转储 → 静态/动态). A
term may also be named by the acronym a text puts before it (「SSO(Single Sign On)即单点登录」)
or the Chinese name it puts before a Latin term (「地址解析协议（Address Resolution Protocol，ARP）」).
A table's cell that names the other side and not its own is no statement of its side.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from kb.language.dictionary import dictionary_tag
from kb.language.text import fold
from kb.types import ContrastRow

# 「客户服务（简称客服）」, 「排它锁（Exclusive Locks，简记为X锁）」, 「排它锁又称为写锁」,
# 「客户成功，也叫CS」: short names the text defines for a side.
_NAMING = r"(?:简称|简记|又称|也称|也叫|俗称|下称)为?"
_DEFINED_NAME = (
    r"(?:[（(](?:简称|又称|也称|也叫|即|下称|简记)?为?[“「\"]?([\w]{1,8}?)[”」\"]?[）)]"
    rf"|[（(][^（）()]{{1,40}}?[，,、]\s*{_NAMING}[“「\"]?([\w]{{1,8}}?)[”」\"]?[）)]"
    rf"|[，,]?{_NAMING}[“「\"]?([\w]{{1,8}}?)[”」\"]?(?=[，,。；;）)]))"
)
_NAME_START = r"(?:(?<![\u3400-\u9fff])|(?<=[的是为和与及即称、]))"
_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]{4,}")
MIN_CORE_CHARS = 2  # a side's name without the head or tail it shares with the other side
# An amount in brackets (「40ml」, 「2个」, 「30%」): a figure and its unit are no name (a lone letter
# may be one: 「第五代移动通信（5G）」).
_AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:ml|kg|mg|mm|cm|km|ms|min|kb|mb|gb|%|[\u4e00-\u9fff])?")


def side_names(side: str, texts: list[str], other: str, aliases: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """Every name the corpus may use for a side, longest first: its alias group, and short
    names the retrieved texts define for it (「客户服务（简称客服）」 → 客服) unless they would
    also name the other side."""
    names = {side}
    for group in aliases:
        if side in group:
            names.update(group)
    # The side's own name, not the tail of a longer one: 「共享意向排它锁（…简称SIX锁）」 names no 排它锁.
    pattern = re.compile(
        _NAME_START + "(?:" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + ")" + _DEFINED_NAME
    )
    for text in texts:
        for match in pattern.finditer(text):
            alias = match.group(1) or match.group(2) or match.group(3)
            if not alias or len(alias) < 2 or alias in other or other in alias:
                continue
            named = re.search(_NAMING + "|即", match.group(0)) is not None  # always so but in bare brackets
            if named or _may_shorten(side, alias):
                names.add(alias)
    names.update(_named_before(side, other, texts))
    names.update(_head_named(side, other, texts))
    if not any(side in text for text in texts) and (written := _written_in_full(side, texts)):
        names.add(written)
    return tuple(sorted(names, key=lambda name: (-len(name), name)))  # longest first, in one order


def _named_before(side: str, other: str, texts: list[str]) -> set[str]:
    """Names the texts give a side before it, the side in brackets as their gloss, when they are
    of its kind (end as it does): 「后台线程（守护线程）」 names 守护线程 后台线程."""
    before = re.compile(r"([\u4e00-\u9fff]{2,10})\s*[（(]\s*" + re.escape(side) + r"\s*[)）]")
    found = {match.group(1).rsplit("的", 1)[-1] for text in texts for match in before.finditer(text)}
    return {name for name in found if name[-2:] == side[-2:] and name != side and other not in name}


def _head_named(side: str, other: str, texts: list[str]) -> set[str]:
    """What the side is, after its last 的, where the texts name it so and it does not name the
    other side: 「组件的paint()方法」 is the slide's 「paint ()方法：…」 (beside 「repaint()方法」,
    whose Latin word holds no paint of its own: find_name)."""
    head = side.rsplit("的", 1)[-1]
    if head == side or len(head) < 2 or find_name(other, head) >= 0:
        return set()
    return {head} if any(find_name(text, head) >= 0 for text in texts) else set()


def _written_in_full(side: str, texts: list[str]) -> str | None:
    """The side as the texts write it with a word the asker left out, when they never write it
    as asked: 「固定期限合同」 is the law's 「固定期限劳动合同」 (a two-character word of the
    dictionary put in at one place, the name standing at a name's start)."""
    if not _HAN_ONLY.fullmatch(side):
        return None
    for at in range(2, len(side) - 1):
        pattern = re.compile(_NAME_START + re.escape(side[:at]) + r"([\u4e00-\u9fff]{2})" + re.escape(side[at:]))
        for text in texts:
            found = pattern.search(text)
            if found and dictionary_tag(found.group(1)):
                return found.group(0)
    return None


def _may_shorten(side: str, bracketed: str) -> bool:
    """Whether a word in bare brackets after a side may be its other name: one in the other
    script (「单点登录（SSO）」, 「Session（会话）」), or the side's own letters in order, first
    to first (「客户服务（客服）」). 「ZooKeeper（CP）」 in a table says what ZooKeeper is, not
    what it is called: 「CP 架构…」 is no statement about ZooKeeper."""
    if _AMOUNT.fullmatch(bracketed):  # 「生抽(40ml)」 in a recipe: how much, not what it is called
        return False
    if side.isascii() != bracketed.isascii():
        return True
    if bracketed[0] != side[0]:
        return False
    rest = iter(side[1:])
    return all(character in rest for character in bracketed[1:])


def find_name(body: str, name: str) -> int:
    """Where the name first stands in the body as a name: a Latin name not inside a longer Latin
    word (「throw」 is not in 「Throwable类」, 「Map」 not in 「HashMap」), a space before its
    brackets or not; -1 where it does not."""
    before = "(?<![a-z0-9_])" if name[:1].isascii() and name[:1].isalnum() else ""
    after = "(?![a-z0-9_])" if name[-1:].isascii() and name[-1:].isalnum() else ""
    if not before and not after and "(" not in name:
        return body.find(name)
    # A slide writes a method 「paint ()」 as often as 「paint()」.
    spelt = re.escape(name).replace(r"\(", r"\s?\(")
    whole = re.search(f"{before}{spelt}{after}", body)
    return whole.start() if whole else -1


def side_cores(sides: list[str]) -> list[tuple[str, ...]]:
    """Shorter names for sides that share a head or a tail: 选择运算/投影运算 are also 选择/投影
    (「投影操作主要是…」), 静态转储/动态转储 also 静态/动态 (not 静/动: a core keeps at least
    MIN_CORE_CHARS, or is a Latin word such as WHERE)."""
    a, b = sides[0], sides[1]
    cores: list[tuple[str, ...]] = [(), ()]
    for shared, cut in (
        (len(os.path.commonprefix([a[::-1], b[::-1]])), lambda side, n: side[: len(side) - n]),
        (len(os.path.commonprefix([a, b])), lambda side, n: side[n:]),
    ):
        for n in range(shared, 0, -1):
            pair = (cut(a, n), cut(b, n))
            if all(_names_a_core(core) and _whole_words(core, side) for core, side in zip(pair, (a, b))):
                cores = [cores[0] + (pair[0],), cores[1] + (pair[1],)]
                break
    return cores


def _whole_words(core: str, side: str) -> bool:
    """The core is cut at a word's edge: 「throws」 beside 「throw」 has no core 「ws」."""
    at = side.find(core)
    edges = (side[at - 1 : at] + core[:1], core[-1:] + side[at + len(core) : at + len(core) + 1])
    return not any(len(pair) == 2 and pair.isascii() and pair.isalnum() for pair in edges)


def _names_a_core(core: str) -> bool:
    """Long enough to name something, or a Latin word; never a number (301/302 → 01/02)."""
    return (len(core) >= MIN_CORE_CHARS or core.isascii() and core.isalpha()) and not core.isdigit()


# 「SSO(Single Sign On)即单点登录」, 「SSO 英文全称 Single Sign On，单点登录」: an acronym the text
# puts before a term it names, with its English in brackets or after 英文全称; or the term first,
# its acronym in brackets (「单点登录（SSO）」: side_names).
_ACRONYM_BEFORE = (
    r"(?<![a-z0-9])([a-z][a-z0-9]{1,9})\s*"
    r"(?:[（(][^（）()\n]{1,40}[)）]\s*(?:即|也就是)|英文全称[^，,。\n]{1,40}[，,])\s*"
)
# 「地址解析协议（Address Resolution Protocol，ARP）」: the Chinese name of a Latin term, opening its clause.
_CHINESE_NAME_BEFORE = r"(?:^|(?<=[\n。；;，,：:]))\s*([\u4e00-\u9fff]{2,12})\s*[（(](?:[^（）()\n]{0,40}?[，,、]\s*)?"


def term_names(term: str, texts: list[str]) -> tuple[str, ...]:
    """The other names the (folded) `texts` give a (folded) term: short names they define for it
    (side_names), the acronym they put before a Chinese term, the Chinese name they put before a
    Latin one."""
    names = set(side_names(term, texts, "\0", ())) - {term}
    if term.isascii():
        pattern = re.compile(_CHINESE_NAME_BEFORE + re.escape(term) + r"\s*[)）]")
    else:
        pattern = re.compile(_ACRONYM_BEFORE + re.escape(term))
    names.update(match.group(1) for text in texts for match in pattern.finditer(text))
    return tuple(sorted(names, key=lambda name: (-len(name), name)))  # longest first, in one order


def of_the_other_side(row: ContrastRow, names: Sequence[tuple[str, ...]]) -> bool:
    """A cell filed under one side that names the other and not its own (「(包含paint()方法的Applet
    子类）」 under Application, placed by the slide it stands on): it is no statement of its side."""
    for side, cell in enumerate(row.cells[:2]):
        text = fold(cell.text)
        own, other = names[side], names[1 - side]
        if not any(n in text for n in own) and any(n in text for n in other if not any(n in m for m in own)):
            return True
    return False
