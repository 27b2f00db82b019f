"""kb's general dictionary (jieba's, without its rarest words): the part of speech of its words.

Read as text on first use and searched, never turned into a table: a question needs the tags of
a handful of words (an aspect's name, a typo's correction, a follow-up's subject).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from kb.language.text import GENERAL_DICTIONARY

# jieba's part-of-speech tags (by their first letter) of words that tie words together rather
# than name anything: conjunction (只有, 而且), adverb, preposition, pronoun, particle, modal
# particle, interjection, onomatopoeia, numeral, measure word, status word, locality (之间).
GRAMMAR_TAGS = frozenset("cdpruyeomqzf")


@lru_cache(maxsize=1)
def _dictionary_lines() -> str:
    return "\n" + resources.files("kb").joinpath("data", GENERAL_DICTIONARY).read_text("utf-8")


@lru_cache(maxsize=4096)
def _entry(word: str) -> tuple[str, ...]:
    """The dictionary's line for a word (word, count, tag), () for a word it lacks. Looked up in
    the dictionary's text (read once, ≈ 0.01 s; a search ≈ 0.5 ms, remembered), so no table of
    137k entries is built for the few words a question needs."""
    if not word or any(c.isspace() for c in word):
        return ()
    lines = _dictionary_lines()
    at = lines.find("\n" + word + " ")
    if at < 0:
        return ()
    end = lines.find("\n", at + 1)
    return tuple(lines[at + 1 : end if end >= 0 else None].split(" "))


def dictionary_tag(word: str) -> str | None:
    """The part of speech kb's general dictionary gives a word (jieba's tags: n noun, v verb, c
    conjunction …), None for a word it lacks."""
    parts = _entry(word)
    return parts[2] if len(parts) == 3 else None


def general_frequency(word: str) -> int:
    """How often the general dictionary counted a word (0 for one it lacks)."""
    parts = _entry(word)
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else 0


def is_grammar(word: str) -> bool:
    """A word the dictionary tags as grammar (GRAMMAR_TAGS), not the name of anything."""
    tag = dictionary_tag(word)
    return tag is not None and tag[:1] in GRAMMAR_TAGS
