"""Remove scraping debris and normalise width/punctuation, keeping a map to the original.

The debris rules are data (the `[cleaning]` table of a profile, kb/data/profile.toml); this
module only applies them, plus the HTML markup that a pattern cannot tell from content
(kb/ingest/markup.py). Every edit is recorded so that each character of the cleaned text knows its
offset in the original file: provenance survives cleaning.

Content is never cleaned away: code blocks (kb/language/code.py) are left verbatim, and a trailer rule
(「相关阅读」, 「版权声明：」) cuts the rest of a document only when nothing after its own notice
reads as prose — a 「推荐阅读」 heading in the middle of a handout, or a disclaimer on its
first line, cuts nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import regex

from kb.errors import KbError
from kb.ingest.markup import Edit, script_edits, tag_edits
from kb.language.code import code_spans

_CJK = r"\u3400-\u9fff\u3000-\u303f\uff00-\uffef"
# ASCII punctuation written inside Chinese text becomes its full-width form: one character for
# one, so offsets are unaffected, and sentence splitting sees a single convention.
_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
# Brackets are turned as a pair, and only when the pair belongs to the Chinese text: 「销售(sales)」
# → 「销售（sales）」, but `main()方法` keeps its ASCII brackets.
_ASCII_PUNCT_IN_CJK = re.compile(rf"[,:;?!](?:(?<=[{_CJK}].)|(?=[{_CJK}]))")
_BRACKET_PAIR = re.compile(r"\(([^()\n]{0,200})\)")
# Each pattern starts with the character it turns, so the engine scans for it instead of trying
# a lookbehind at every position.
_LONE_BRACKET = re.compile(rf"\((?<=[{_CJK}]\()|\)(?:(?<=[{_CJK}]\))(?=[^A-Za-z0-9]|$)|(?=[{_CJK}]))")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_CALL_WITH_STRING = re.compile(r"""\w["']""", re.ASCII)  # a name, then a string argument
_FULLWIDTH_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000]")
# The lookbehind starts a match only at the start of a run of spaces: otherwise a long run
# that ends in text is scanned again from each of its characters (quadratic).
_TRAILING_SPACE = re.compile(r"(?<![ \t\u00a0\u3000])[ \t\u00a0\u3000]+$", re.MULTILINE)
_EXTRA_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_PROSE_END = re.compile(r"[。！？!?][”’」』）)]*$")
_CLAUSE = re.compile(r"[，,；;。！？!?]")
_WORD = re.compile(r"\w")
NOTICE_LINES = 5  # a copyright or disclaimer notice under its label is at most this many lines
# CPU seconds for one profile rule over one document. A rule's pattern comes with the corpus
# (kb.toml), and one such as `(a|aa)+$` backtracks for hours on a line of a's: the `regex`
# package stops it, which the standard `re` cannot. The slowest shipped rule takes 0.05 s per
# million characters (scripts/bench_clean.py's adversarial text), twenty times less than allowed.
RULE_SECONDS = 2.0
RULE_SECONDS_PER_MILLION_CHARS = 1.0


@dataclass(frozen=True)
class Rule:
    """One debris rule from the rules file."""

    kind: str  # "trailer", "line" or "inline"
    name: str
    pattern: regex.Pattern[str]
    replace: str = ""

    def matches(self, text: str) -> list[regex.Match[str]]:
        """Every match in the text within its time budget; RuleTooSlow past it."""
        budget = RULE_SECONDS + RULE_SECONDS_PER_MILLION_CHARS * len(text) / 1e6
        try:
            return list(self.pattern.finditer(text, timeout=budget))
        except TimeoutError:
            raise RuleTooSlow(
                f"cleaning rule {self.kind} {self.name!r} ran over {budget:.0f} s (a pattern with nested repeats "
                "such as (a|aa)+ backtracks without end): simplify its pattern in the profile"
            ) from None


class RuleTooSlow(KbError):
    """A cleaning rule ran out of time on a document (the caller names the document)."""


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
    """Rules from a profile's `[cleaning]` table (`clean` applies lines, then inline, then
    trailers). Raises regex.error for a pattern that does not compile."""
    rules = []
    for kind in RULE_KINDS:
        for entry in raw.get(kind, []):
            flags = regex.MULTILINE if kind != "inline" else 0
            rules.append(Rule(kind, entry["name"], regex.compile(entry["pattern"], flags), entry.get("replace", "")))
    return tuple(rules)


def clean(text: str, rules: Sequence[Rule]) -> CleanText:
    """Apply the debris rules (a profile's `cleaning_rules`) and remove HTML markup, then
    width/punctuation/whitespace normalisation; code blocks are left as they are."""
    origin = np.arange(len(text) + 1, dtype=np.int64)
    code = np.zeros(len(text) + 1, dtype=bool)
    for start, end in code_spans(text):
        code[start:end] = True
    trailers = [rule for rule in rules if rule.kind == "trailer"]
    # Trailers are found last, on text rid of glosses and markup (「版權(quán)聲明」 is a notice).
    passes: list[Callable[[str, np.ndarray], list[Edit]]] = [_rule_pass(r) for r in rules if r.kind == "line"]
    passes += [_plain(script_edits), _plain(tag_edits)]
    passes += [_rule_pass(rule) for rule in rules if rule.kind == "inline"]
    passes += [partial(_trailer_edits, trailers), _plain(_width_edits), _plain(_whitespace_edits)]
    for edits_of in passes:
        in_code = code[origin]
        text, origin = apply_edits(text, origin, _outside_code(edits_of(text, in_code), in_code))
    return CleanText(text, origin)


def _rule_pass(rule: Rule) -> Callable[[str, np.ndarray], list[Edit]]:
    return lambda text, in_code: _edits_for(rule, text)


def _plain(edits_of: Callable[[str], list[Edit]]) -> Callable[[str, np.ndarray], list[Edit]]:
    return lambda text, in_code: edits_of(text)


def removed_chars(original: str, cleaned: str) -> int:
    """Visible characters cleaning took out of a document (whitespace changes do not count):
    what ingest reports per document, and warns about when it is a large share."""
    return len(original) - len(cleaned) - (_spaces(original) - _spaces(cleaned))


def _spaces(text: str) -> int:
    return sum(1 for char in text if char.isspace())


def _outside_code(edits: list[Edit], in_code: np.ndarray) -> list[Edit]:
    """The edits that touch no code character (`in_code` is aligned with the current text)."""
    if not edits or not in_code.any():
        return edits
    before = np.concatenate(([0], np.cumsum(in_code)))  # code characters before each offset
    return [(s, e, r) for s, e, r in edits if before[max(e, s + 1)] == before[s]]


def _trailer_edits(rules: Sequence[Rule], text: str, in_code: np.ndarray) -> list[Edit]:
    """Cut the page furniture that ends an article: from the first trailer line on, provided
    that after each trailer's own notice nothing up to the next trailer (or the end) reads as
    prose or code. Otherwise the line is a heading or a notice inside the content, and stays."""
    starts = sorted(
        {
            (text.rfind("\n", 0, m.start()) + 1, m.end())
            for rule in rules
            for m in rule.matches(text)
            if not in_code[m.start()]
        }
    )
    cut = None
    boundary = len(text)
    for start, match_end in reversed(starts):
        if start >= boundary:
            continue
        if _holds_content(text, _notice_end(text, match_end), boundary, in_code):
            break
        cut = boundary = start
    return [] if cut is None else [(cut, len(text), "")]


def _notice_end(text: str, match_end: int) -> int:
    """Where a trailer's own notice ends: its line, and when the line is only a label
    (「版權聲明:」) the sentence-like lines (holding punctuation) under it, NOTICE_LINES at most:
    a label followed by more prose heads content, not a notice."""
    line_end = _end_of_line(text, match_end)
    if _WORD.search(text, match_end, line_end):
        return line_end
    end = line_end
    for _ in range(NOTICE_LINES):
        following = _end_of_line(text, end + 1)
        if end >= len(text) or not _CLAUSE.search(text, end + 1, following):
            break
        end = following
    return end


def _holds_content(text: str, start: int, end: int, in_code: np.ndarray) -> bool:
    if in_code[start:end].any():
        return True
    return any(_is_prose(line) for line in text[start:end].split("\n"))


def _is_prose(line: str) -> bool:
    """A line of running text: it ends a sentence and holds more than one clause (a linked
    title such as 「营销和销售有什么区别？」 is one clause; a teaser cut off mid-word ends none)."""
    line = line.rstrip()
    while line.endswith(">") and "<" in line:  # a tag left at the end: 「…負責。<br />」
        line = line[: line.rindex("<")].rstrip()
    return bool(_PROSE_END.search(line)) and bool(_CLAUSE.search(line[:-1].rstrip("”’」』）)")))


def _end_of_line(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _edits_for(rule: Rule, text: str) -> list[Edit]:
    if rule.kind == "line":
        return [(m.start(), _line_end(text, m.end()), "") for m in rule.matches(text)]
    if rule.replace == "@html":
        return [(m.start(), m.end(), html.unescape(f"&{m.group(1)};")) for m in rule.matches(text)]
    return [(m.start(), m.end(), rule.replace) for m in rule.matches(text)]


def _line_end(text: str, end: int) -> int:
    """Extend a line match over its line break so no empty line is left behind."""
    return end + 1 if text[end : end + 1] == "\n" else end


def _width_edits(text: str) -> list[Edit]:
    edits = [(m.start(), m.end(), _HALF_TO_FULL[m.group()]) for m in _ASCII_PUNCT_IN_CJK.finditer(text)]
    paired: set[int] = set()
    for m in _BRACKET_PAIR.finditer(text):
        paired.update((m.start(), m.end() - 1))
        if _is_chinese_bracket(text, m):
            edits += [(m.start(), m.start() + 1, "（"), (m.end() - 1, m.end(), "）")]
    lone = (m for m in _LONE_BRACKET.finditer(text) if m.start() not in paired)
    edits += [(m.start(), m.end(), _HALF_TO_FULL[m.group()]) for m in lone]
    for m in _FULLWIDTH_ALNUM.finditer(text):
        char = m.group()
        edits.append((m.start(), m.end(), " " if char == "\u3000" else chr(ord(char) - 0xFEE0)))
    return sorted(edits)


def _is_chinese_bracket(text: str, pair: re.Match[str]) -> bool:
    """A bracket pair of the Chinese text: after a Chinese character, or holding Chinese
    (「POA(季度计划)」); not `main()` before 「方法」, nor a call with a Chinese string
    (`title("原图")`, `printf("你好")`)."""
    before = text[pair.start() - 1 : pair.start()]
    if _CALL_WITH_STRING.match(before + pair.group(1)):
        return False
    return bool(_CJK_CHAR.match(before) or _CJK_CHAR.search(pair.group(1)))


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
