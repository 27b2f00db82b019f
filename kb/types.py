"""Plain data carried between pipeline stages and returned by the public API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, get_args

if TYPE_CHECKING:
    import numpy as np

    from kb.provenance import Location, Places


Warn = Callable[[str], None]  # a one-line warning naming a file skipped or suspect, told when met
Progress = Callable[[str, int, int], None]  # (stage, done, total) of long work, e.g. progress.ProgressReport

# How passages are ranked: both rankers fused, embeddings only, or BM25 only. The one list the
# command line, the HTTP API and the Python API all take.
Mode = Literal["hybrid", "dense", "bm25"]
MODES: tuple[Mode, ...] = get_args(Mode)
Ranker = Literal["bm25", "dense"]


@dataclass(frozen=True)
class Document:
    """A loaded source file (or an in-memory document), before cleaning.

    `text` is the decoded original (for a PDF, Word file … the text extracted from it);
    `source` is the path shown in provenance; `places` names where each line, page, slide or
    section of `text` starts (lines when None).
    """

    id: str
    title: str
    source: str
    text: str
    encoding: str = "utf-8"
    places: Places | None = None


@dataclass(frozen=True)
class Passage:
    """A run of whole sentences of one cleaned document.

    `text == cleaned_document[start:end]` always holds; `heading` is the nearest heading
    before the passage, used as retrieval context but never part of `text`; `location` is its
    place in the original file, when the index records it.
    """

    id: int
    doc_id: str
    title: str
    source: str
    start: int
    end: int
    text: str
    heading: str = ""
    location: Location | None = None

    @property
    def headed_text(self) -> str:
        """Its heading, then its text: what is read of a passage to tell whether it holds a
        word (coverage, names, the sides of a comparison), the heading being its context."""
        return self.heading + "\n" + self.text

    def to_dict(self) -> dict[str, Any]:
        """The record `kb export` writes per passage."""
        return {f: getattr(self, f) for f in ("id", "doc_id", "title", "source", "start", "end", "text", "heading")} | (
            {"location": self.location.to_dict()} if self.location else {}
        )

    def cited_as(self) -> str:
        """Where to find the passage: 「file.txt:L12–L14」, 「handout.pdf p.3」, or the cleaned
        character span for an index that does not record original places."""
        return cite_place(self.source, self.location, self.start, self.end)


def cite_place(source: str, location: Location | None, start: int, end: int) -> str:
    """A place a reader can open: 「a.txt:L12–L14」, 「b.pdf p.3」, 「c.pptx slide 2」, 「d.docx § 标题」;
    the cleaned span 「a.txt:5209-5413」 when no original place is known."""
    if location is None or not location.label:
        return f"{source}:{start}-{end}"
    separator = ":" if location.label.startswith("L") else " "
    return f"{source}{separator}{location.label}"


@dataclass(frozen=True)
class RankSignal:
    """One ranker's verdict on a passage: its raw score and its rank among that ranker's results."""

    score: float
    rank: int


@dataclass(frozen=True)
class Explanation:
    """Why a passage ranked where it did: the question's terms it holds, each ranker's score
    and rank (absent when that ranker did not return it), and the fused score."""

    rank: int
    matched_terms: tuple[str, ...]
    signals: dict[Ranker, RankSignal]
    fused: float

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rank": self.rank, "matched_terms": list(self.matched_terms)}
        for ranker in get_args(Ranker):
            signal = self.signals.get(ranker)
            data[ranker] = {"score": signal.score, "rank": signal.rank} if signal else None
        return data | {"fused": round(self.fused, 4)}


@dataclass(frozen=True)
class Hit:
    """A passage as ranked for one question.

    `signals` holds the evidence behind the rank (each ranker's score and rank) for
    `--explain` and for evaluation; a ranker that did not return the passage is absent.
    """

    rank: int
    score: float
    passage: Passage
    signals: dict[Ranker, RankSignal] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The passage object of the citation contract (DESIGN.md)."""
        p = self.passage
        data: dict[str, Any] = {
            "rank": self.rank,
            "score": round(float(self.score), 4),
            "doc_id": p.doc_id,
            "title": p.title,
            "source": p.source,
            "start": p.start,
            "end": p.end,
            "text": p.text,
        }
        if p.location:
            data["location"] = p.location.to_dict()
        return data


@dataclass(frozen=True)
class KnownSentence:
    """What ingest stored about a quotable sentence: its vector and its jieba tokens."""

    vector: np.ndarray
    tokens: frozenset[str]


@dataclass(frozen=True)
class CitedSpan:
    """Verbatim text of a passage and where it came from: an answer sentence or a cell of a
    contrast table.

    `citations` are passage ranks (the `[n]` shown); `doc_id`/`start`/`end` locate the first
    cited copy in its cleaned document, `location` in its original file. `code` marks a line
    of code, which is cited without a 「。」 of its own.
    """

    text: str
    citations: tuple[int, ...]
    doc_id: str
    start: int
    end: int
    location: Location | None = None
    code: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = {"text": self.text, "citations": list(self.citations), "doc_id": self.doc_id, "start": self.start}
        data["end"] = self.end
        if self.location:
            data["location"] = self.location.to_dict()
        data["code"] = self.code  # the page shows it as code (page.js), without a 「。」 of its own
        return data


@dataclass(frozen=True)
class ContrastRow:
    """One aspect of a contrast table; a cell per side, each a verbatim clause with its citation."""

    aspect: str
    cells: list[CitedSpan]


@dataclass(frozen=True)
class Contrast:
    """The aspect table of a contrast question (「营销和销售的区别」): its two sides, a row per aspect."""

    sides: list[str]
    rows: list[ContrastRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sides": self.sides,
            "rows": [{"aspect": r.aspect, "cells": [c.to_dict() for c in r.cells]} for r in self.rows],
        }


@dataclass(frozen=True)
class Answer:
    """The result of `ask`: an extractive answer plus the ranked passages it cites."""

    question: str
    text: str
    sentences: list[CitedSpan]
    hits: list[Hit]
    found: bool = True
    contrast: Contrast | None = None
    explanations: list[Explanation] | None = None  # with ask(..., explain=True)
    # The question as answered, when it differs from what was typed: completed from the
    # conversation before it and/or with a typo corrected (「营销和销售的联系」).
    understood_as: str | None = None
    corrected: str | None = None  # the question with its typos corrected, when there were any
    notes: tuple[str, ...] = ()  # what a reader should know: 「来源为中文资料」 for an English question
    # The script `text` is shown in (script_display.shown_in_script); None: as quoted.
    script: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The citation contract printed by `kb ask --json` and served over HTTP."""
        data: dict[str, Any] = {
            "question": self.question,
            "answer": self.text,
            "found": self.found,
            "sentences": [s.to_dict() for s in self.sentences],
            "passages": [h.to_dict() for h in self.hits],
        }
        if self.understood_as is not None:
            data["understood_as"] = self.understood_as
        if self.corrected is not None:
            data["corrected"] = self.corrected
        if self.notes:
            data["notes"] = list(self.notes)
        if self.script is not None:
            data["script"] = self.script
        if self.contrast is not None:
            data["contrast"] = self.contrast.to_dict()
        if self.explanations is not None:
            data["explain"] = [e.to_dict() for e in self.explanations]
        return data
