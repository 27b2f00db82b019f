"""Where a span of cleaned text is in the original file, in terms a person can follow.

Passages, answer sentences and table cells are spans of a document's *cleaned* text (debris
removed); `start`/`end` in the JSON contract are offsets there. A reader needs the place in
the file they have: the lines of a text file (`L12–L14`), the page of a PDF (`p.3`), the slide
of a deck (`slide 4`), the heading path of a Word document or web page (`§ 目标 › 考核`).
Cleaning records, for each cleaned character, its offset in the extracted original; a format's
loader records where each line, page, slide or section starts there. Both are stored with the
document, compactly, and combined here.
"""

from __future__ import annotations

import bisect
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

# "image": a picture is one place, named by how it was read (「(OCR 97%)」).
PlaceKind = Literal["line", "page", "slide", "section", "image"]
_NEWLINE = re.compile("\n")


@dataclass(frozen=True)
class Location:
    """A span's place in the original file: a label (L12–L14, p.3, slide 4, § 标题 › 小节) and
    its offsets in the file's extracted text (for a text file, its decoded characters)."""

    label: str
    start: int
    end: int

    def to_dict(self) -> dict[str, str | int]:
        return {"label": self.label, "original_start": self.start, "original_end": self.end}


@dataclass(frozen=True)
class Places:
    """Named places of an extracted text: where each starts (sorted offsets) and its name."""

    kind: PlaceKind
    starts: tuple[int, ...]
    names: tuple[str, ...]

    @classmethod
    def lines(cls, text: str) -> Places:
        """Every line of a text, named by its number from 1."""
        starts = [0] + [match.end() for match in _NEWLINE.finditer(text)]  # 20× faster than a loop
        return cls("line", tuple(starts), tuple(str(n) for n in range(1, len(starts) + 1)))

    def name_at(self, offset: int) -> str:
        index = max(0, bisect.bisect_right(self.starts, offset) - 1)
        return self.names[index] if self.names else ""

    def label(self, start: int, end: int) -> str:
        """The place of [start, end): one place, or the first and last of a range."""
        first, last = self.name_at(start), self.name_at(max(start, end - 1))
        if self.kind == "line":
            return f"L{first}" if first == last else f"L{first}–L{last}"
        if self.kind == "page":  # a page read by OCR is named 「3 (OCR 97%)」
            if first == last:
                return f"p.{first}"
            (a, _, note_a), (b, _, note_b) = first.partition(" "), last.partition(" ")
            return " ".join([f"pp.{a}–{b}", *dict.fromkeys(note for note in (note_a, note_b) if note)])
        if self.kind == "image":
            return first
        if self.kind == "slide":
            return f"slide {first}" if first == last else f"slides {first}–{last}"
        return f"§ {first}" if first else ""

    def to_json(self) -> str:
        return json.dumps({"kind": self.kind, "starts": self.starts, "names": self.names}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Places:
        data = json.loads(text)
        return cls(data["kind"], tuple(data["starts"]), tuple(data["names"]))


def origin_runs(origin: np.ndarray) -> list[tuple[int, int]]:
    """A cleaned text's offset map (original offset per cleaned character, plus one for the end)
    as runs: (cleaned offset, original offset) where the mapping stops being consecutive.
    Cleaning removes or replaces a few spans, so a document needs a handful of runs, not a
    number per character."""
    if len(origin) == 0:
        return []
    breaks = np.flatnonzero(np.diff(origin) != 1) + 1
    starts = np.concatenate(([0], breaks))
    return [(int(s), int(origin[s])) for s in starts]


@dataclass(frozen=True)
class Provenance:
    """Everything needed to place a span of one cleaned document in its original file."""

    runs: tuple[tuple[int, int], ...]
    places: Places

    def original(self, offset: int) -> int:
        """The original offset of a cleaned offset (run start plus the distance into the run)."""
        index = max(0, bisect.bisect_right(self.runs, (offset, float("inf"))) - 1)
        cleaned, original = self.runs[index]
        return original + (offset - cleaned)

    def locate(self, start: int, end: int) -> Location:
        original_start = self.original(start)
        original_end = self.original(end - 1) + 1 if end > start else original_start
        return Location(self.places.label(original_start, original_end), original_start, original_end)

    def to_json(self) -> tuple[str, str]:
        return json.dumps(self.runs), self.places.to_json()

    @classmethod
    def from_json(cls, runs: str, places: str) -> Provenance:
        return cls(tuple((int(c), int(o)) for c, o in json.loads(runs)), Places.from_json(places))

    @classmethod
    def of(cls, origin: np.ndarray, places: Places) -> Provenance:
        return cls(tuple(origin_runs(origin)), places)


class ProvenanceCache:
    """The place maps of an open index's documents, read on first use. Bounded (oldest out
    first), so a server that has touched every document of a large corpus does not hold all
    their maps; locked, because server threads share an open index."""

    def __init__(self, read: Callable[[str], Provenance | None], size: int = 1024) -> None:
        self._read = read
        self._size = size
        self._maps: dict[str, Provenance | None] = {}
        self._lock = threading.Lock()

    def locate(self, doc_id: str, start: int, end: int) -> Location | None:
        """The place in its original file of a span of a document's cleaned text."""
        with self._lock:
            if doc_id not in self._maps:
                if len(self._maps) >= self._size:
                    del self._maps[next(iter(self._maps))]
                self._maps[doc_id] = self._read(doc_id)
            provenance = self._maps[doc_id]
        return provenance.locate(start, end) if provenance else None
