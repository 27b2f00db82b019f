"""What a profile file (kb.toml, kb/data/profile.toml, an index's stored profile.toml) may hold:
every key, the type of its value and its range, as a pydantic schema.

A profile is input kb did not write: a corpus folder's kb.toml arrives with the corpus. A value
of the wrong type or out of range must fail when the profile is read, named, not later as a
traceback in `kb ask` or as a silent change of answers (`min_coverage = nan` refuses every
question). The schema only validates: the profile keeps the data as written, so its
fingerprint and `kb profile show` do not change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

MAX_TERM_CHARS = 100  # a word, stopword, synonym, alias or cue
MAX_TEXT_CHARS = 200  # a title, an example question, a rule's name
MAX_PATTERN_CHARS = 2000
MAX_EXAMPLES = 10
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
    words: list[WordEntry] = []
    stopwords: list[Term] = []
    synonyms: list[Annotated[list[Term], Field(min_length=2)]] = []


class Retrieval(_Table):
    synonym_weight: Annotated[float, Field(ge=0.0, le=10.0)] | None = None


class Answerable(_Table):
    min_coverage: Share | None = None
    dense: dict[Term, Cosine] = {}


class Aspect(_Table):
    name: Text
    cues: list[Term]


class Contrast(_Table):
    asking: list[Term] = []
    relating: list[Term] = []
    aliases: dict[Term, list[Term]] = {}
    aspects: list[Aspect] = []


class Rule(_Table):
    name: Text
    pattern: Annotated[str, StringConstraints(min_length=1, max_length=MAX_PATTERN_CHARS)]

    @model_validator(mode="after")
    def _compiles(self) -> Rule:
        try:
            re.compile(self.pattern)
        except re.error as exc:
            raise ValueError(f"the pattern does not compile ({exc})") from None
        return self


class InlineRule(Rule):
    replace: Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)] = ""

    @model_validator(mode="after")
    def _has_entity_group(self) -> InlineRule:
        if self.replace == "@html" and re.compile(self.pattern).groups < 1:
            raise ValueError('replace = "@html" needs a group in the pattern: the entity name, e.g. (mdash|hellip);')
        return self


class Cleaning(_Table):
    trailer: list[Rule] = []
    line: list[Rule] = []
    inline: list[InlineRule] = []


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
    message = str(error["msg"]).removeprefix("Value error, ")
    if isinstance(error["input"], dict):  # a rule's own check: the message names the value
        return f"{key}: {message}"
    shown = repr(error["input"])
    if len(shown) > SHOWN_VALUE_CHARS:
        shown = shown[:SHOWN_VALUE_CHARS] + "…"
    return f"{key}: {message} (got {shown})"
