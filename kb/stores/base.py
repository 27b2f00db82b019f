"""What answering and ingest need of a stored index, and which store a location names.

An index lives in a local folder (store.py: SQLite + FAISS + BM25 arrays; the default) or in
Milvus (milvus_store.py, with `pip install kb[scale]`), named by a URI:

    index/                       a local folder
    milvus://./kb-milvus.db      Milvus Lite, embedded, in that file (milvus:///abs/path.db too)
    http(s)://host:19530         a Milvus server or cluster (token in KB_MILVUS_TOKEN)

Both keep what kb computes (passages, provenance, vectors, BM25 weights) and rank the same
way; fusion, answers and tables are kb's on top of either, so they match too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Self

import numpy as np

if TYPE_CHECKING:
    from kb.profile import Profile
    from kb.provenance import Location
    from kb.stores.local import IndexContents
    from kb.stores.manifest import Manifest
    from kb.stores.passage_db import StoredDocument
    from kb.types import KnownSentence, Passage, Progress

Ranking = tuple[np.ndarray, np.ndarray]  # passage ids and scores, best first
STORE_URI = re.compile(r"^(milvus|https?)://", re.IGNORECASE)


class IndexStore(Protocol):
    """One version of an index, read-only, held open (an ingest that replaces it meanwhile
    leaves it readable until `close`)."""

    manifest: Manifest

    @property
    def location(self) -> str:
        """Where the index lives: its folder, or its store URI."""

    @property
    def version(self) -> str:
        """The name of the version this object reads."""

    @property
    def profile(self) -> Profile: ...

    @property
    def model_name(self) -> str: ...

    @property
    def passage_count(self) -> int: ...

    @property
    def has_sentence_vectors(self) -> bool: ...

    def passages(self, ids: Iterable[int] | None = None) -> list[Passage]:
        """Passages by id in the given order (all of them, in id order, when ids is None)."""

    def locate(self, doc_id: str, start: int, end: int) -> Location | None: ...

    def documents(self) -> list[StoredDocument]: ...

    def sentences_in(self, passage: Passage) -> dict[tuple[int, int], KnownSentence]: ...

    def vectors_by_hash(self) -> dict[str, np.ndarray]: ...

    def sentence_vectors_by_hash(self) -> dict[str, np.ndarray]: ...

    def bm25_ranking(self, query: Mapping[str, float], n: int) -> Ranking:
        """The n best passages by Σ weight × BM25 score of each query term (only passages
        holding at least one of them)."""

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many passages hold each term (0 for a term the index never saw)."""

    def dense_ranking(self, vector: np.ndarray, n: int) -> Ranking:
        """The n passages whose vectors have the largest inner product with `vector`."""

    def verify(self) -> None:
        """Check every part of the index now; raises IndexDamaged."""

    def is_live(self) -> bool:
        """Whether this is still the live version (no ingest has replaced it)."""

    def close(self) -> None:
        """Release what the store holds open (files, version pin, a client); safe to repeat."""

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...


class ClosesOnExit:
    """`with store:` closes the store when the block ends (an exception too); stores make
    `close` safe to call again."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ManifestFacts:
    """What every store reads straight from its manifest."""

    manifest: Manifest

    @property
    def model_name(self) -> str:
        return self.manifest.model.name

    @property
    def passage_count(self) -> int:
        return self.manifest.counts.passages


def is_store_uri(location: str | Path) -> bool:
    return isinstance(location, str) and bool(STORE_URI.match(location))


def open_index(location: str | Path) -> IndexStore:
    """The live version of the index at a folder or store URI."""
    if is_store_uri(location):
        from kb.stores.milvus import MilvusIndex

        return MilvusIndex(str(location))
    from kb.stores.local import StoredIndex

    return StoredIndex(Path(location))


def previous_index(location: str | Path) -> IndexStore | None:
    """The live index at a location, or None if there is none (or it cannot be read)."""
    if is_store_uri(location):
        from kb.stores.milvus import previous_milvus_index

        return previous_milvus_index(str(location))
    from kb.stores.local import previous_stored_index

    return previous_stored_index(Path(location))


def check_writable(location: str | Path) -> None:
    """KbError now when a local index folder cannot be written or another ingest holds it (a
    Milvus store reports its own errors when written)."""
    if not is_store_uri(location):
        from kb.stores.versions import check_writable as check_folder

        check_folder(Path(location))


def write_index(
    location: str | Path, contents: IndexContents, manifest: Manifest, progress: Progress | None = None
) -> None:
    """Write a new version and make it live once complete; the old one answers until then.
    Writing to Milvus reports its rows as the "store" stage of `progress`."""
    if is_store_uri(location):
        from kb.stores.milvus import write_milvus_version

        write_milvus_version(str(location), contents, manifest, progress)
        return
    from kb.stores.local import write_stored_version

    write_stored_version(Path(location), contents, manifest)


def top_scores(scores: np.ndarray, n: int) -> Ranking:
    """The n highest positive scores, ties in id order: what a full stable sort gives, but
    sorting only the candidates (at 1M passages a full sort took 60 ms of an 80 ms query)."""
    candidates = np.flatnonzero(scores > 0)
    if len(candidates) > n:
        nth = scores[candidates[np.argpartition(-scores[candidates], n - 1)[:n]]].min()
        candidates = candidates[scores[candidates] >= nth]  # every tie at the boundary, in id order
    top = candidates[np.argsort(-scores[candidates], kind="stable")[:n]]
    return top.astype(np.int64), scores[top]
