"""The passage that defines what a definition question asks about.

A course introduces a term once, often on a slide that ranks below the ones using it: 「触发器
（Trigger）是用户定义在关系表上的一类由事件驱动的特殊过程」 sits under a chapter's contents list,
while five slides of trigger syntax share more of 「什么叫触发器」's words and vectors. A definition
question therefore reads deeper than it shows (DEFINITION_REACH) and, when none of the shown
passages defines the subject, shows the best-ranked deeper one that does in place of the last.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from kb.language.text import fold
from kb.types import Hit

DEFINITION_REACH = 20  # passages a definition question retrieves to find the one that defines
# The verbs that open a definition right after its term (or on the next line, under it).
_DEFINING_VERB = r"(?:是指|指的是|就是|即是|即|定义为|称为|又称|是一种|是一个|是|指)"
# Where a term opens what it defines: a line, a sentence or a clause.
_OPENING = r"(?:^|(?<=[\n。；;！!？?，,：:]))\s*"
_GLOSS = r"(?:\s*[（(][^（()）\n]{1,40}[)）])?"


def defining_form(subject: str) -> re.Pattern[str]:
    """The subject opening a line or clause, then its definition's verb — on the same line
    (「触发器（Trigger）是…」) or opening the next (「两段锁协议\\n指所有事务…」) — unlike a
    sentence that only uses it (「触发器名必须是唯一的」)."""
    named = re.escape(fold(subject))
    return re.compile(
        _OPENING + named + _GLOSS + r"(?:[ \t]*|[ \t]*\n\s*)" + _DEFINING_VERB + r"(?![，。；,;]|$)", re.M
    )


def with_definition(hits: Sequence[Hit], shown: int, subject: str) -> list[Hit]:
    """The `shown` best hits; the last replaced by the best-ranked deeper one that defines
    `subject` when none of them does (its rank is then `shown`, its score its own)."""
    top = list(hits[:shown])
    if not subject or len(top) < shown:
        return top
    form = defining_form(subject)
    if any(form.search(fold(h.passage.text)) for h in top):
        return top
    deeper = next((h for h in hits[shown:] if form.search(fold(h.passage.text))), None)
    if deeper is None:
        return top
    return [*top[:-1], dataclasses.replace(deeper, rank=shown)]
