"""Remove scraping debris and normalise width/punctuation, keeping a map to the original.

The debris rules are data (the `[cleaning]` table of a profile, kb/data/profile.toml); this
module only applies them. Every edit is recorded so that each character of the cleaned text
knows its offset in the original file: provenance survives cleaning.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

_CJK = r"\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
# ASCII punctuation written inside Chinese text becomes its full-width form: one character for
# one, so offsets are unaffected, and sentence splitting sees a single convention.
_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_ASCII_PUNCT_IN_CJK = re.compile(rf"(?<=[{_CJK}])[,:;?!(]|[,:;?!()](?=[{_CJK}])|(?<=[{_CJK}])[)](?=[^A-Za-z0-9]|$)")
_FULLWIDTH_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000]")
# The lookbehind starts a match only at the start of a run of spaces: otherwise a long run
# that ends in text is scanned again from each of its characters (quadratic).
_TRAILING_SPACE = re.compile(r"(?<![ \t\u00a0\u3000])[ \t\u00a0\u3000]+$", re.MULTILINE)
_EXTRA_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")

Edit = tuple[int, int, str]


@dataclass(frozen=True)
class Rule:
    """One debris rule from the rules file."""

    kind: str  # "trailer", "line" or "inline"
    name: str
    pattern: re.Pattern[str]
    replace: str = ""


@dataclass(frozen=True)
class CleanText:
    """Cleaned text and, for each of its characters, the offset in the original text.

    `origin` has len(text) + 1 entries; the last one is the original length, so a cleaned
    span [start, end) maps back to original [origin[start], origin[end - 1] + 1).
    """

    text: str
    origin: np.ndarray

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            return int(self.origin[start]), int(self.origin[start])
        return int(self.origin[start]), int(self.origin[end - 1]) + 1


RULE_KINDS = ("trailer", "line", "inline")


def compile_rules(raw: Mapping[str, Sequence[Mapping[str, str]]]) -> tuple[Rule, ...]:
    """Rules from a profile's `[cleaning]` table, in application order: trailers, then lines,
    then inline. Raises re.error for a pattern that does not compile."""
    rules = []
    for kind in RULE_KINDS:
        for entry in raw.get(kind, []):
            flags = re.MULTILINE if kind != "inline" else 0
            rules.append(Rule(kind, entry["name"], re.compile(entry["pattern"], flags), entry.get("replace", "")))
    return tuple(rules)


def clean(text: str, rules: Sequence[Rule]) -> CleanText:
    """Apply the debris rules (a profile's `cleaning_rules`), then width/punctuation/whitespace
    normalisation."""
    origin = np.arange(len(text) + 1, dtype=np.int64)
    for rule in rules:
        text, origin = apply_edits(text, origin, _edits_for(rule, text))
    for edits in (_width_edits, _whitespace_edits):
        text, origin = apply_edits(text, origin, edits(text))
    return CleanText(text, origin)


def _edits_for(rule: Rule, text: str) -> list[Edit]:
    if rule.kind == "trailer":
        match = rule.pattern.search(text)
        return [(match.start(), len(text), "")] if match else []
    if rule.kind == "line":
        return [(m.start(), _line_end(text, m.end()), "") for m in rule.pattern.finditer(text)]
    if rule.replace == "@html":
        return [(m.start(), m.end(), html.unescape(f"&{m.group(1)};")) for m in rule.pattern.finditer(text)]
    return [(m.start(), m.end(), rule.replace) for m in rule.pattern.finditer(text)]


def _line_end(text: str, end: int) -> int:
    """Extend a line match over its line break so no empty line is left behind."""
    return end + 1 if text[end : end + 1] == "\n" else end


def _width_edits(text: str) -> list[Edit]:
    edits = [(m.start(), m.end(), _HALF_TO_FULL[m.group()]) for m in _ASCII_PUNCT_IN_CJK.finditer(text)]
    for m in _FULLWIDTH_ALNUM.finditer(text):
        char = m.group()
        edits.append((m.start(), m.end(), " " if char == "\u3000" else chr(ord(char) - 0xFEE0)))
    return sorted(edits)


def _whitespace_edits(text: str) -> list[Edit]:
    """Normalise line breaks, drop trailing spaces, keep at most one blank line, trim the ends."""
    edits: list[Edit] = [(m.start(), m.end(), "") for m in _TRAILING_SPACE.finditer(text)]
    edits += [(m.start(), m.end(), "\n\n") for m in _EXTRA_BLANK_LINES.finditer(text)]
    edits += [(m.start(), m.end(), "\n") for m in re.finditer(r"\r\n?", text)]
    edits = _drop_overlaps(sorted(edits))
    lead = len(text) - len(text.lstrip())
    tail = len(text.rstrip())
    if lead:
        edits = [(0, lead, "")] + [e for e in edits if e[0] >= lead]
    if tail < len(text):
        edits = [e for e in edits if e[1] <= tail] + [(tail, len(text), "")]
    return edits


def _drop_overlaps(edits: list[Edit]) -> list[Edit]:
    kept: list[Edit] = []
    for edit in edits:
        if kept and edit[0] < kept[-1][1]:
            continue
        kept.append(edit)
    return kept


def apply_edits(text: str, origin: np.ndarray, edits: list[Edit]) -> tuple[str, np.ndarray]:
    """Apply sorted, non-overlapping (start, end, replacement) edits to text and its origin map.

    A replacement of the same length maps character for character; otherwise every inserted
    character maps to the start of what it replaced.
    """
    if not edits:
        return text, origin
    pieces: list[str] = []
    maps: list[np.ndarray] = []
    cursor = 0
    for start, end, replacement in edits:
        pieces.append(text[cursor:start])
        maps.append(origin[cursor:start])
        pieces.append(replacement)
        if len(replacement) == end - start:
            maps.append(origin[start:end])
        else:
            maps.append(np.full(len(replacement), origin[start], dtype=origin.dtype))
        cursor = end
    pieces.append(text[cursor:])
    maps.append(origin[cursor:])
    return "".join(pieces), np.concatenate(maps)
