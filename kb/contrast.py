"""Contrast questions (营销和销售的区别): find the two sides and fill an aspect table.

Comparison articles are full of parallel statements — «市场是…；销售是…», «销售是把产品卖好，
营销是让产品好卖» — so each sentence is cut into clauses at 「；」 and 「，而」, and a clause that
opens with a side's name describes that side. A side's names are the question's word, its
alias group in the profile (kb/data/profile.toml), and the short names the retrieved text itself defines
(「客户服务（简称客服）」). The aspect a clause speaks to comes from the article's own numbered
label or heading (「1、目标不同：」 → 目标), else from the profile's cue words.
Every cell is a verbatim clause of a retrieved passage and carries its citation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .chunk import is_heading
from .text import fold, sentence_spans
from .types import CitedSpan, Hit

_CLAUSE_BREAK = re.compile(r"[；;]|[，,](?=而|但|则|相比之下)|。")
_CONNECTOR = re.compile(
    r"(?:而且|而|但是|但|则|那么|相比之下[，,]?|另外[，,]?|同时[，,]?|其次[，,]?|首先[，,]?|总之[，,]?)"
)
_LABEL = re.compile(r"^[(（]?[一二三四五六七八九十\d]+[)）、.．]?\s*([^：:]{1,12})[：:]")
# A heading that names an aspect: 「2、思考的角度不同」, 「三、目标上的区别」, 「衡量标准：」.
_ASPECT_HEADING = re.compile(
    r"^\s*(?:[(（]?[一二三四五六七八九十\d]+(?:\.\d+)?[)）、.．]\s*)?(.{1,10}?)(?:上|方面)?(?:的)?(?:不同|区别|差异|差别|之别|不一样)?\s*[：:]?\s*$"
)
_NUMBERED = re.compile(r"^\s*[(（]?[一二三四五六七八九十\d]+(?:\.\d+)?[)）、.．]")
_DIFFERENCE_WORDS = re.compile(r"不同|区别|差异|差别|之别|不一样")
# 「客户服务（简称客服）」, 「客户成功，也叫CS」: short names the text defines for a side.
_DEFINED_NAME = (
    r"(?:[（(](?:简称|又称|也称|也叫|即|下称)?[“「\"]?([\w]{1,8}?)[”」\"]?[）)]"
    r"|[，,]?(?:简称|又称|也称|也叫|俗称)[“「\"]?([\w]{1,8}?)[”」\"]?(?=[，,。；;）)]))"
)
MIN_CELL_CHARS, MAX_CELL_CHARS = 6, 90
SIDE_WINDOW = 4  # a side's name must start within this many characters of the clause


@dataclass
class ContrastRow:
    """One aspect; a cell per side, each a verbatim clause with its citation."""

    aspect: str
    cells: list[CitedSpan]


@dataclass
class Contrast:
    sides: list[str]
    rows: list[ContrastRow] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "sides": self.sides,
            "rows": [{"aspect": r.aspect, "cells": [c.to_dict() for c in r.cells]} for r in self.rows],
        }


@dataclass(frozen=True)
class Aspect:
    """A row of contrast tables: its name and the cue words of clauses that speak to it."""

    name: str
    cues: tuple[str, ...]


@dataclass(frozen=True)
class ContrastVocabulary:
    """A profile's words for contrasts (the `[contrast]` table of kb/data/profile.toml), folded.

    `aliases` are groups of names for the same side, each listed longest first."""

    asking: tuple[str, ...]
    relating: tuple[str, ...]
    aliases: tuple[tuple[str, ...], ...]
    aspects: tuple[Aspect, ...]

    @property
    def asking_words(self) -> frozenset[str]:
        """Words that say what kind of answer is wanted (区别, 不同, 联系 …), not its subject."""
        return frozenset(self.asking + self.relating)


def contrast_sides(question: str, vocabulary: ContrastVocabulary) -> list[str] | None:
    """The two things a contrast question compares, or None if it is not one.

    「营销和销售的区别」 → [营销, 销售]; 「市場營銷與銷售有什麼不同」 → [市场营销, 销售].
    """
    q = fold(question)
    asking = "|".join(map(re.escape, vocabulary.asking))
    match = re.search(
        rf"^(?:请问|请)?[，,\s]*(.+?)\s*(?:和|与|跟|同|及|对比|vs\.?|、)\s*(.+?)(?:之间|两者)?(?:的|有|存在)?(?:什么|哪些|何)?(?:{asking})",
        q,
    )
    if not match:
        return None
    sides = [re.sub(r"(的|之间)$", "", s).strip() for s in match.groups()]
    # 「市场部和销售部的工作目标有什么不同」 compares 销售部 (on 工作目标), not 「销售部的工作目标」.
    sides[1] = sides[1].split("的")[0] if "的" not in sides[0] else sides[1]
    return sides if all(sides) and sides[0] != sides[1] else None


def _names(side: str, texts: list[str], other: str, aliases: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """Every name the corpus may use for a side, longest first: its alias group, and short
    names the retrieved texts define for it (「客户服务（简称客服）」 → 客服) unless they would
    also name the other side."""
    names = {side}
    for group in aliases:
        if side in group:
            names.update(group)
    pattern = re.compile("(?:" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + ")" + _DEFINED_NAME)
    for text in texts:
        for match in pattern.finditer(text):
            alias = match.group(1) or match.group(2)
            if alias and len(alias) >= 2 and alias not in other and other not in alias:
                names.add(alias)
    return tuple(sorted(names, key=len, reverse=True))


def _aspect_of_heading(heading: str, names: set[str]) -> str | None:
    """The aspect a numbered label or heading names (「2、思考的角度不同」 → 思考的角度), if
    any; a heading that names a side (「营销与销售的区别」) names no aspect."""
    if not (_NUMBERED.match(heading) or _DIFFERENCE_WORDS.search(heading)):
        return None
    match = _ASPECT_HEADING.match(heading)
    name = match.group(1).strip() if match else ""
    if not 2 <= len(name) <= 8 or _DIFFERENCE_WORDS.search(name) or any(n in name for n in names):
        return None
    return name


def _section_headings(text: str) -> list[tuple[int, str]]:
    """(position, folded text) of the heading lines inside a passage text."""
    return [(s, fold(text[s:e])) for s, e in sentence_spans(text) if is_heading(text, s, e)]


def _clauses(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of clauses: sentence pieces cut at ；, ，而 and 。, connectors stripped."""
    for s, e in sentence_spans(text):
        cursor = s
        for brk in list(_CLAUSE_BREAK.finditer(text, s, e)) + [None]:
            end = brk.start() if brk else e
            start = cursor
            connector = _CONNECTOR.match(text, start, end)
            if connector:
                start = connector.end()
            if end > start:
                yield start, end
            cursor = brk.end() if brk else e


def _opening(body: str, names: tuple[str, ...]) -> tuple[int, int] | None:
    """(position, length) of the earliest of a side's names, if within the opening window."""
    found = [(body.find(n), -len(n)) for n in names if 0 <= body.find(n) <= SIDE_WINDOW]
    if not found:
        return None
    position, negative_length = min(found)
    return position, -negative_length


def _side_of(body: str, names: list[tuple[str, ...]], asking: tuple[str, ...]) -> int | None:
    """Which side a clause body is about: the one whose name opens it. A body that joins both
    sides (「市场营销和销售虽然…」) or talks about the difference itself (区别, 不同 …) describes
    neither."""
    if any(word in body for word in asking):
        return None
    openings = sorted((o, i) for i, o in enumerate(_opening(body, n) for n in names) if o is not None)
    if not openings:
        return None
    (position, length), side = openings[0]
    if body[position + length : position + length + 1] in {"和", "与", "及", "、", "跟", "同"}:
        return None
    return side


def _aspect(body: str, label: str, sides: list[tuple[str, ...]], aspects: tuple[Aspect, ...]) -> str | None:
    """The aspect a clause speaks to: a generic aspect whose cue it (or its label) holds, else
    the aspect its label or heading names. Cues that are a side's own name do not count
    (comparing 战略 and 战术, 「战略」 says nothing about the aspect)."""
    names = {n for group in sides for n in group}
    for aspect in aspects:
        if any(c not in names and (c in label or (not label and c in body)) for c in aspect.cues):
            return aspect.name
    named = _aspect_of_heading(label, names) if label else None
    if named:
        return named
    for aspect in aspects:
        if any(c in body and c not in names for c in aspect.cues):
            return aspect.name
    return None


def build_contrast(
    sides: list[str], hits: list[Hit], vocabulary: ContrastVocabulary, min_rows: int = 4
) -> Contrast | None:
    """Fill the aspect table from the hits' passages; None when fewer than min_rows rows fill."""
    texts = [fold(h.passage.text) for h in hits]
    names = [
        _names(side, texts, other, vocabulary.aliases) for side, other in ((sides[0], sides[1]), (sides[1], sides[0]))
    ]
    candidates: dict[tuple[str, int], list[tuple[float, CitedSpan]]] = {}
    order: list[str] = [aspect.name for aspect in vocabulary.aspects]
    for hit in hits:
        p = hit.passage
        headings = _section_headings(p.text)
        for s, e in _clauses(p.text):
            label = _LABEL.match(fold(p.text[s:e]))
            if label:  # 「1、对象不同：市场的对象是…」: the label names the aspect, the rest is the cell
                s += label.end()
            body = fold(p.text[s:e])
            if not MIN_CELL_CHARS <= e - s <= MAX_CELL_CHARS:
                continue
            side = _side_of(body, names, vocabulary.asking)
            if side is None:
                continue
            heading = next((h for position, h in reversed(headings) if position < s), fold(p.heading))
            label_text = label.group(0) if label else heading
            aspect = _aspect(body, label_text, names, vocabulary.aspects)
            if aspect is None:
                continue
            if aspect not in order:
                order.append(aspect)
            # Better-ranked passages first; labelled parallel statements are the clearest.
            score = 1.0 / (1 + 0.2 * (hit.rank - 1)) + (0.5 if label else 0.0) - (0.3 if e - s > 60 else 0.0)
            cell = CitedSpan(p.text[s:e], (hit.rank,), p.doc_id, p.start + s, p.start + e)
            candidates.setdefault((aspect, side), []).append((score, cell))
    rows: list[ContrastRow] = []
    used_docs: set[str] = set()
    used_text: set[str] = set()
    for aspect in order:
        cells = []
        for side in range(len(sides)):
            options = [
                (score + (0.6 if cell.doc_id not in used_docs else 0.0), cell)
                for score, cell in candidates.get((aspect, side), [])
                if cell.text not in used_text
            ]
            if not options:
                break
            cells.append(max(options, key=lambda o: o[0])[1])
        if len(cells) == len(sides):
            rows.append(ContrastRow(aspect, cells))
            used_docs.update(c.doc_id for c in cells)
            used_text.update(c.text for c in cells)
    return Contrast(sides, rows) if len(rows) >= min_rows else None
