"""Sentences whose subject stands on the line above, as slides and textbooks lay them out.

A slide writes 「两段锁协议」 over 「指所有事务必须分两个阶段…」, labels an item 「• 静态路由选择
策略」 over 「‒ 简单和开销较小，…」, or puts 「• 定义」 between a title and its definition. Read
alone, such a line names nothing the question asks about; read with the line above it, it is
the answer. The rest of the answer code judges and quotes the pair as one sentence.
"""

from __future__ import annotations

import re

from kb.answering.definition_cue import DEFINITION_LABEL, MEANS
from kb.formats.slides import NOTES_LABEL
from kb.ingest.chunk import BULLET, DATE_LINE, is_heading, unbulleted
from kb.language.text import fold
from kb.types import Passage

# A line that opens with the definition's verb has its subject on the line above, as slides
# write it: 「两段锁协议\n指所有事务必须分两个阶段…」.
_HEADLESS_DEFINITION = re.compile(r"(?:是指|指的是|就是|是|指|即|表示|意味着)")
# A sentence that opens with what its subject means, the subject named in the sentence before.
_MEANS = re.compile(MEANS)
_DEFINITION_LABEL = re.compile(DEFINITION_LABEL)  # 「定义（严格占优策略）」 over the statement
# A slide's term alone on its line, perhaps bulleted and glossed, no clause of its own.
_TERM_LINE = re.compile(r"[^，。；：,;:！？!?\s][^，。；：,;:！？!?]{0,29}")
_GLOSS = re.compile(r"\s*[（(][^（()）]*[)）]")
# A term, not a phrase about terms: no 的/与/和/及 (「域名与IP地址的区别」 titles a comparison).
_TERM_CHARACTER = r"[^，。；：,;:！？!?\s的与和及]"
_TERM = re.compile(_TERM_CHARACTER + "{2,16}")
# A label over the definition of the slide's title: 「• 定义」 / 「‒ 指网卡接收所有经过它的数据流…」.
_DEFINES_BELOW = re.compile(r"(?:定义|含义|概念|释义)[：:]?")
# A definition labelled on its own line (「定义：限定在表尾进行插入/删除操作的线性表。」) under its term.
_LABELLED_DEFINITION = re.compile(r"(?:定义|含义|概念|释义)\s*[：:]\s*")
_SECTION_NUMBER = re.compile(r"^\d{1,2}(?:[.．]\d{1,2})*(?:[.．、]|\s)\s*")  # 「3.1 栈（stack）」 names 栈
_LABELLED_TERM = re.compile(_TERM_CHARACTER + "{1,16}")  # a label says it is one: 栈 will do
SUBJECT_LINE_CHARS = 30
# A line a slide opens with a short label (「原因：较高安全性级别提供的安全保护…」, 「解决：…」) says
# that of the line above it (「实现强制存取控制时要首先实现自主存取控制」); a speaker's note
# (「备注：」, kb's label) is about the whole slide.
# Two things joined in a title: 「用户线程和后台线程的区别」, 「equals()方法和==」.
_TWO_NAMED = re.compile(r"\S\s*[和与跟及]\s*\S")
_LABELLED_LINE = re.compile(r"\s*[\u4e00-\u9fff]{2,4}[：:]\s*[^\s：:]")


def subject_line_text(kind: str, passage: Passage, start: int, folded: str) -> tuple[str, int, bool]:
    """What the sentence of `passage` at `start` (its text script-folded: `folded`) is judged
    on for an answer of this kind, where that starts in the passage, and whether it is quoted
    from there whatever the form: itself; for a definition that opens a line with its
    verb or sits under a definition's label (「定义（严格占优策略）」 / 「如果无论对方…，则…」),
    the short line above it (or the passage's heading, which is not in the passage: the
    sentence's own start) and itself; for a slide's sub-item under a term alone, 「term是item」;
    for the first dashed item under a bulleted label (「• 静态路由选择策略」 / 「‒ 简单和开销较小，
    …」), the label and the item: the item's subject is the label; so for a line opening with a
    short label (「原因：较高安全性级别…」), whose subject is the line above."""
    unchanged = (folded, start, False)
    text = passage.text
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        # 「中间人攻击英文名叫…，简称「MITM 攻击」。指攻击者与通讯的两端…」: the sentence before it
        # on its line names what it defines.
        if kind == "definition" and _MEANS.match(folded.lstrip()):
            before = _sentence_start_before(text, line_start, start)
            return fold(text[before:start]) + folded, before, False
        return unchanged  # the verb follows other words on its line: not a line's opening
    above, above_start = _line_before(text, line_start) if line_start else (passage.heading, start)
    if not 0 < len(_GLOSS.sub("", above).strip()) <= SUBJECT_LINE_CHARS:  # a gloss does not count
        return unchanged
    # Quoted from the term: a section number (「3.1 栈（stack）」) would make it a heading. (A
    # heading above is not in the passage: the sentence is quoted from its own start.)
    numbered = _SECTION_NUMBER.match(above.lstrip()) if line_start else None
    subject_start = above_start + len(above) - len(above.lstrip()) + (numbered.end() if numbered else 0)
    if kind == "definition":
        title = _line_before(text, above_start)[0] if line_start else passage.heading
        defined = _as_definition(fold(above), folded, fold(title))
        if defined:
            return defined, subject_start, False
    # Under a sibling label (「优点：…」 over 「缺点：…」) the subject is further up: read alone.
    labelled_line = (
        _LABELLED_LINE.match(folded)
        and not folded.lstrip().startswith(NOTES_LABEL)
        and not _LABELLED_LINE.match(unbulleted(above.strip()))
    )
    dated = DATE_LINE.fullmatch(above.strip()) is not None  # a timeline: 「1995年5月」 / 「以"Java"的名称正式发布」
    if line_start and (_is_label(text, above_start, line_start - 1) or labelled_line or dated):
        return fold(above) + "\n" + folded, subject_start, True
    return unchanged


def _sentence_start_before(text: str, line_start: int, start: int) -> int:
    """Where the sentence before the one at `start` begins, within its line."""
    end = max(text.rfind(mark, line_start, start - 1) for mark in "。！？!?；;")
    return max(end + 1, line_start)


def _line_before(text: str, line_start: int) -> tuple[str, int]:
    """The line before the one starting at `line_start`, and where it starts ("" before the first)."""
    if line_start == 0:
        return "", 0
    start = text.rfind("\n", 0, line_start - 1) + 1
    return text[start : line_start - 1], start


def _as_definition(above: str, folded: str, title: str) -> str | None:
    """A definition laid out over two lines, as one sentence for its cue: a verb opening the
    line under its term (「两段锁协议 / 指所有事务…」) or under a label 「定义（X）」; a term alone
    over its item, with no verb (「• 多穴主机」 / 「‒ 多个网络连接的计算机，…」: the term is what
    the item says); an item under the label 「定义」, which defines the slide's title above it
    (「混杂模式（Promiscuous Mode）」 / 「• 定义」 / 「‒ 指网卡接收所有经过它的数据流…」), and a
    line labelled 「定义：」 under a term (「3.1 栈（stack）」 / 「定义：限定在表尾…」)."""
    if _HEADLESS_DEFINITION.match(folded.lstrip()) or _DEFINITION_LABEL.match(above.strip()):
        return above + folded
    term = unbulleted(above).strip()
    item = unbulleted(folded)
    labelled = _LABELLED_DEFINITION.match(item)
    if labelled and _LABELLED_TERM.fullmatch(_GLOSS.sub("", _SECTION_NUMBER.sub("", term))):
        return term + "是" + item  # 「3.1 栈（stack）」 / 「定义：限定在表尾…」: the label stays a word of it
    if not BULLET.match(folded) or not _TERM_LINE.fullmatch(_GLOSS.sub("", term)):
        return None
    if _DEFINES_BELOW.fullmatch(term):
        return f"{title}{term}：{item}" if title else None
    # An item naming the term again says something about it (「• 多穴主机可以提高可靠性」).
    name = _GLOSS.sub("", term)
    return term + "是" + item if _TERM.fullmatch(name) and name not in item else None


def _is_label(text: str, start: int, end: int) -> bool:
    """A bulleted line naming what the dashed items under it are about (「• 静态路由选择策略」,
    「• 控制连接（默认端口：21）」): is_heading takes a bullet only as such a label. One naming two
    things (「• 字符串的equals()方法和==」) titles a comparison: each item under it speaks of one."""
    line = text[start:end]
    label = _GLOSS.sub("", unbulleted(line)).strip()
    return (
        bool(BULLET.match(line))
        and _TERM_LINE.fullmatch(label) is not None
        and not _TWO_NAMED.search(label)
        and is_heading(text, start, end)
    )
