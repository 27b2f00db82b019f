"""What a store is: the read protocol answering uses, the write protocol ingest uses, and what
every store shares (the contents of a version, the record names, top-n by score).

A store keeps versions of one index at a location; ingest writes a whole new version beside the
live one and swaps it in, and readers hold the version they opened (swap.py holds that sequence,
shared by every store). Which store serves a location is said by its scheme (registry.py):

    index/                       a local folder (local.py: SQLite + FAISS + BM25 arrays)
    milvus://./kb-milvus.db      Milvus Lite, embedded, in that file (milvus:///abs/path.db too)
    http(s)://host:19530         a Milvus server or cluster (token in KB_MILVUS_TOKEN)

Every store keeps what kb computes (passages, provenance, vectors, BM25 weights) and ranks the
same way; fusion, answers and tables are kb's on top of any, so they match too
(kb.testing.StoreContract checks that a store does).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, Self

import numpy as np

if TYPE_CHECKING:
    from kb.profile import Profile
    from kb.provenance import Location
    from kb.stores.manifest import Manifest
    from kb.stores.passage_db import StoredDocument, StoredSentence
    from kb.types import KnownSentence, Passage, Progress

Ranking = tuple[np.ndarray, np.ndarray]  # passage ids and scores, best first

# Records every store keeps besides passages and vectors, by name.
PROFILE = "profile.toml"  # the effective profile the index was built with (kb/profile.py)
PROFILE_LAYER = "kb.toml"  # the user's own profile file it came from, when there was one
PROVENANCE_CACHE = 1024  # documents whose place maps an open index keeps


@dataclass(frozen=True)
class IndexContents:
    """Everything one index version holds, as ingest computed it: what a store writes."""

    documents: Sequence[StoredDocument]
    passages: Sequence[Passage]
    passage_hashes: Sequence[str]
    vectors: np.ndarray
    bm25_terms: list[list[str]]
    sentences: Sequence[StoredSentence]
    sentence_vectors: np.ndarray
    profile: Profile


def stored_sentence_vectors(vectors: np.ndarray) -> np.ndarray:
    """Sentence vectors as every store keeps them: float16 halves the space; cosines move by
    < 1e-3, far below the gaps answers are chosen on, and all stores answer from the same numbers."""
    return np.asarray(vectors, dtype=np.float16)


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

    def sentence_ranking(self, vector: np.ndarray, n: int) -> Ranking:
        """The n passages whose best stored sentence vector has the largest inner product with
        `vector`, with that product (none without sentence vectors): see
        kb.stores.sentence_search.passages_by_best_sentence."""

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


class StoreBackend(Protocol):
    """A kind of store, registered for its location schemes (kb.plugins `register_stores`):
    opens the live version at a location and writes new ones. `location` is as the user gave
    it (a folder path, or `scheme://…`)."""

    def open(self, location: str) -> IndexStore:
        """The live version; KbError saying how to build one when there is none."""

    def previous(self, location: str) -> IndexStore | None:
        """The live version, or None when there is none yet (ingest then builds from scratch)."""

    def check_writable(self, location: str) -> None:
        """KbError now, before ingest reads and embeds a corpus, if writing would be refused."""

    def versions(self, location: str) -> list[str]:
        """The names of the versions kept at the location, oldest first (the live one among them)."""

    def write(
        self, location: str, contents: IndexContents, manifest: Manifest, progress: Progress | None = None
    ) -> str:
        """Write a new version and make it live once complete (the old one answers until then;
        a failure leaves it live and nothing of the new one); returns the new version's name."""


def top_scores(scores: np.ndarray, n: int) -> Ranking:
    """The n highest positive scores, ties in id order: what a full stable sort gives, but
    sorting only the candidates (at 1M passages a full sort took 60 ms of an 80 ms query)."""
    candidates = np.flatnonzero(scores > 0)
    if len(candidates) > n:
        nth = scores[candidates[np.argpartition(-scores[candidates], n - 1)[:n]]].min()
        candidates = candidates[scores[candidates] >= nth]  # every tie at the boundary, in id order
    top = candidates[np.argsort(-scores[candidates], kind="stable")[:n]]
    return top.astype(np.int64), scores[top]
