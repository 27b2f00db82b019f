"""What a profile file (kb.toml, kb/data/profile.toml, an index's stored profile.toml) may hold:
every key, the type of its value and its range, as a pydantic schema.

A profile is input kb did not write: a corpus folder's kb.toml arrives with the corpus. A value
of the wrong type or out of range must fail when the profile is read, named, not later as a
traceback in `kb ask` or as a silent change of answers (`min_coverage = nan` refuses every
question). The schema only validates: the profile keeps the data as written, so its
fingerprint and `kb profile show` do not change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import regex
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

MAX_TERM_CHARS = 100  # a word, stopword, synonym, alias or cue
MAX_TEXT_CHARS = 200  # a title, an example question, a rule's name
MAX_PATTERN_CHARS = 2000
MAX_EXAMPLES = 10
# Sizes: a profile arrives with a corpus, so none of its lists may cost without bound. A synonym
# group is expanded into every question holding one of its terms (a 3,000-term group made each
# `kb ask` take 4 s and 860 MB); the word list becomes jieba's user dictionary (≈ 65 µs a word
# to load). The shipped profile uses 34 words and groups of at most 7 terms.
MAX_WORDS = 50_000
MAX_STOPWORDS = 5_000
MAX_SYNONYM_GROUPS = 5_000
MAX_SYNONYM_TERMS = 32  # in one group
MAX_CONTRAST_TERMS = 1_000  # asking or relating phrases, aliases, aspects, cues of one aspect
MAX_RULES = 200  # of one kind
SHOWN_VALUE_CHARS = 40  # of a bad value, in the error message

Term = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TERM_CHARS, pattern=r"\S")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT_CHARS, pattern=r"\S")]
# jieba's user-dictionary form: a word, then optionally a frequency and a part of speech.
WordEntry = Annotated[
    str, StringConstraints(max_length=MAX_TERM_CHARS, pattern=r"^\s*\S+(?:\s+\d{1,9})?(?:\s+[A-Za-z]{1,8})?\s*$")
]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
Cosine = Annotated[float, Field(ge=-1.0, le=1.0)]


class _Table(BaseModel):
    """Strict: no unknown keys, no "0.5" for 0.5, no true for 1, no NaN or infinity."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class Vocabulary(_Table):
    words: Annotated[list[WordEntry], Field(max_length=MAX_WORDS)] = []
    stopwords: Annotated[list[Term], Field(max_length=MAX_STOPWORDS)] = []
    synonyms: Annotated[
        list[Annotated[list[Term], Field(min_length=2, max_length=MAX_SYNONYM_TERMS)]],
        Field(max_length=MAX_SYNONYM_GROUPS),
    ] = []


class Retrieval(_Table):
    synonym_weight: Annotated[float, Field(ge=0.0, le=10.0)] | None = None


class Answerable(_Table):
    min_coverage: Share | None = None
    dense: dict[Term, Cosine] = {}


Terms = Annotated[list[Term], Field(max_length=MAX_CONTRAST_TERMS)]


class Aspect(_Table):
    name: Text
    cues: Terms


class Contrast(_Table):
    asking: Terms = []
    relating: Terms = []
    aliases: Annotated[dict[Term, Terms], Field(max_length=MAX_CONTRAST_TERMS)] = {}
    aspects: Annotated[list[Aspect], Field(max_length=MAX_CONTRAST_TERMS)] = []


class Rule(_Table):
    name: Text
    pattern: Annotated[str, StringConstraints(min_length=1, max_length=MAX_PATTERN_CHARS)]

    @model_validator(mode="after")
    def _compiles(self) -> Rule:
        """Compiled by the engine that runs it (kb/ingest/clean.py uses the `regex` package)."""
        try:
            regex.compile(self.pattern)
        except regex.error as exc:
            raise ValueError(f"the pattern does not compile ({exc})") from None
        return self


class InlineRule(Rule):
    replace: Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)] = ""

    @model_validator(mode="after")
    def _has_entity_group(self) -> InlineRule:
        if self.replace == "@html" and regex.compile(self.pattern).groups < 1:
            raise ValueError('replace = "@html" needs a group in the pattern: the entity name, e.g. (mdash|hellip);')
        return self


class Cleaning(_Table):
    trailer: Annotated[list[Rule], Field(max_length=MAX_RULES)] = []
    line: Annotated[list[Rule], Field(max_length=MAX_RULES)] = []
    inline: Annotated[list[InlineRule], Field(max_length=MAX_RULES)] = []


class ProfileFile(_Table):
    """A whole profile file. `title` and `examples` describe one knowledge base (the page shows
    them), so they are never taken over from the shipped profile."""

    extends: bool = True
    title: Text | None = None
    examples: Annotated[list[Text], Field(max_length=MAX_EXAMPLES)] = []
    vocabulary: Vocabulary | None = None
    retrieval: Retrieval | None = None
    answerable: Answerable | None = None
    contrast: Contrast | None = None
    cleaning: Cleaning | None = None


def problem(raw: Mapping[str, Any]) -> str | None:
    """What is wrong with a parsed profile file, in one line naming the key; None when it is valid."""
    try:
        ProfileFile.model_validate(raw)
    except ValidationError as exc:
        return _described(exc.errors()[0])
    return None


def _described(error: Any) -> str:
    loc = [part for part in error["loc"] if part != "[key]"]  # pydantic's marker for a table's key
    key = "".join(f"[{part}]" if isinstance(part, int) else f".{part or repr(part)}" for part in loc).lstrip(".")
    if error["type"] == "extra_forbidden":
        if len(loc) == 1:
            return f"unknown key {key} (known: {', '.join(ProfileFile.model_fields)})"
        return f"unknown key {key}"
    if error["type"] == "missing":
        return f"{key} is missing"
    message = str(error["msg"]).removeprefix("Value error, ").replace(" after validation", "")
    if isinstance(error["input"], dict):  # a rule's own check: the message names the value
        return f"{key}: {message}"
    shown = repr(error["input"])
    if len(shown) > SHOWN_VALUE_CHARS:
        shown = shown[:SHOWN_VALUE_CHARS] + "…"
    return f"{key}: {message} (got {shown})"
