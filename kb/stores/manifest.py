"""The manifest of an index version: what it was built from and with, and what files it holds.

Written once by ingest, read on every open. Typed, so a reader never looks a key up by string,
and checked when read: a manifest that lacks a part (edited by hand, cut short) is reported as
a damaged index, never as a traceback or a false "all files match". Older formats are read by
`Manifest.from_dict`, which fills in what they did not record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from kb.errors import IndexDamaged, KbError
from kb.ingest.chunk import ChunkSettings

FORMAT_VERSION = 5
# 1: no quotable-sentence table or vectors (answers rank sentences by words alone).
# 2: no stored profile (built with the shipped one).
# 3: no places in the original files (provenance is cleaned character offsets).
# 4: no answerable cosine measured on the corpus (the profile's threshold holds).
# All are read; the next ingest upgrades them (reusing their vectors).
READABLE_FORMATS = (1, 2, 3, 4, 5)
REBUILD_HINT = "rebuild it with `kb ingest`"


@dataclass(frozen=True)
class ModelEntry:
    name: str
    dim: int


@dataclass(frozen=True)
class Counts:
    documents: int
    passages: int
    sentences: int = 0


@dataclass(frozen=True)
class SourceEntry:
    """A source file: its document id, the sha256 of its decoded text, the encoding it had."""

    doc_id: str
    sha256: str
    encoding: str


@dataclass(frozen=True)
class ProfileEntry:
    """The profile an index was built with: its fingerprint and where it came from."""

    fingerprint: str
    source: str


@dataclass(frozen=True)
class FileEntry:
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """Everything recorded about one index version (manifest.json)."""

    kb_version: str
    pipeline: str
    created: str
    model: ModelEntry
    chunking: ChunkSettings
    bm25: dict[str, float]
    counts: Counts
    sources: dict[str, SourceEntry]
    profile: ProfileEntry | None = None  # None: built before profiles were stored (the shipped one)
    dense_index: dict[str, Any] = field(default_factory=dict)
    files: dict[str, FileEntry] = field(default_factory=dict)  # of a local index; none in Milvus
    format_version: int = FORMAT_VERSION
    store: str = "local"  # the store that wrote it: "local", "milvus" or a plug-in's (registry.py)
    # The cosine at which the best passage alone says the index answers a question, measured on
    # this corpus by ingest (kb/ingest/calibrate.py); None: built before kb measured it, or too
    # few sentences to measure (the profile's threshold holds).
    answerable_cosine: float | None = None

    def with_files(self, files: dict[str, FileEntry], dense_index: dict[str, Any]) -> Manifest:
        return replace(self, files=files, dense_index=dense_index)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (also what `kb info --json` and GET /info print)."""
        data = asdict(self)
        if self.profile is None:
            del data["profile"]
        return data

    @classmethod
    def from_dict(cls, raw: Any, where: str) -> Manifest:
        """Read a manifest of any readable format; KbError naming the part that is wrong."""
        if not isinstance(raw, dict):
            raise _damaged(where, "not a JSON object")
        found = raw.get("format_version")
        if found not in READABLE_FORMATS:
            readable = ", ".join(map(str, READABLE_FORMATS))
            raise KbError(f"index at {where} has format version {found}, this kb reads {readable}; {REBUILD_HINT}")
        try:
            counts = raw["counts"]
            manifest = cls(
                kb_version=str(raw["kb_version"]),
                pipeline=str(raw["pipeline"]),
                created=str(raw["created"]),
                model=ModelEntry(str(raw["model"]["name"]), int(raw["model"]["dim"])),
                chunking=ChunkSettings(int(raw["chunking"]["max_chars"]), int(raw["chunking"]["overlap_sentences"])),
                bm25={str(k): float(v) for k, v in raw["bm25"].items()},
                counts=Counts(int(counts["documents"]), int(counts["passages"]), int(counts.get("sentences", 0))),
                sources={
                    str(s): SourceEntry(str(m["doc_id"]), str(m["sha256"]), str(m["encoding"]))
                    for s, m in raw["sources"].items()
                },
                profile=ProfileEntry(str(raw["profile"]["fingerprint"]), str(raw["profile"]["source"]))
                if "profile" in raw
                else None,
                dense_index=dict(raw.get("dense_index", {})),
                files={str(f): FileEntry(int(m["size"]), str(m["sha256"])) for f, m in raw["files"].items()},
                format_version=int(found),
                store=str(raw.get("store", "local")),
                answerable_cosine=_cosine(raw.get("answerable_cosine")),
            )
        except KeyError as exc:
            raise _damaged(where, f"{exc.args[0]} missing") from exc
        except (TypeError, ValueError, AttributeError) as exc:
            raise _damaged(where, f"unreadable entry: {exc}") from exc
        if not manifest.files and manifest.store == "local":
            raise _damaged(where, "it lists no files")
        if manifest.counts.passages < 1 or manifest.counts.documents < 1 or not manifest.sources:
            raise _damaged(where, "it records no documents or passages")
        return manifest


def _cosine(value: Any) -> float | None:
    """A recorded cosine, or None; ValueError for anything but a number from -1 to 1."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not -1.0 <= value <= 1.0:
        raise ValueError(f"answerable_cosine {value!r} is not a cosine")
    return float(value)


def _damaged(where: str, what: str) -> IndexDamaged:
    return IndexDamaged(f"index at {where} is damaged (manifest.json: {what}); {REBUILD_HINT}")
