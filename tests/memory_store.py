"""A third store, defined only in tests: proof that a store plugs into kb without editing kb.

    memory://NAME     an index kept in this process's memory
    pickled://FILE    the same, saved to FILE after each write (so a `kb ask` process reads what
                      a `kb ingest` process wrote)

It registers through the `register_stores` hook like any plug-in, writes versions through
kb.stores.swap.publish, ranks BM25 over kb's shared sparse rows and dense by inner product,
and passes kb.testing.StoreContract (tests/test_store_plugins.py). It imports only kb, so
tests.helpers.installed_plugin can install it for a `kb` subprocess as it stands.
"""

from __future__ import annotations

import contextlib
import dataclasses
import pickle
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from kb.errors import IndexDamaged, KbError
from kb.plugins import Register, hookimpl
from kb.profile import Profile
from kb.provenance import Location, ProvenanceCache
from kb.stores.base import ClosesOnExit, IndexContents, ManifestFacts, Ranking, stored_sentence_vectors, top_scores
from kb.stores.bm25_index import sparse_bm25_rows
from kb.stores.manifest import Manifest
from kb.stores.passage_db import StoredDocument
from kb.stores.sentence_search import passages_by_best_sentence
from kb.stores.swap import publish
from kb.types import KnownSentence, Passage, Progress


@dataclass
class StoredVersion:
    """One version as the memory store keeps it: what ingest computed, the profile as text."""

    contents: IndexContents  # its profile is None: see `profile`
    manifest: Manifest
    profile: tuple[str, str, str | None]  # effective TOML, source, the user's layer


@dataclass
class Shelf:
    """The versions kept at one location, and which is live."""

    versions: dict[str, StoredVersion] = field(default_factory=dict)
    live: str | None = None


class MemoryVersions:
    """A shelf's versions as swap.publish drives them; readers cannot be seen, so the one before
    the live version is kept too."""

    keeps_previous = True

    def __init__(self, shelf: Shelf, save: Callable[[], None]) -> None:
        self.shelf, self._save = shelf, save

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        yield
        self._save()

    def live(self) -> str | None:
        return self.shelf.live

    def versions(self) -> list[str]:
        return sorted(self.shelf.versions)

    def new_version(self) -> str:
        return f"m{time.time_ns():020d}"

    def fill(self, version: str, contents: IndexContents, manifest: Manifest, progress: Progress | None) -> None:
        kept = dataclasses.replace(
            contents,
            documents=list(contents.documents),
            passages=list(contents.passages),
            sentences=list(contents.sentences),
            sentence_vectors=stored_sentence_vectors(contents.sentence_vectors),
            profile=None,  # kept as text below, as stores keep it (a Profile holds caches that do not pickle)
        )
        profile = (contents.profile.to_toml(), contents.profile.source, contents.profile.layer)
        self.shelf.versions[version] = StoredVersion(kept, dataclasses.replace(manifest, store="memory"), profile)

    def swap(self, version: str) -> None:
        self.shelf.live = version

    def drop(self, version: str) -> None:
        self.shelf.versions.pop(version, None)

    def failure(self, error: BaseException) -> KbError | None:
        return None


class MemoryIndex(ManifestFacts, ClosesOnExit):
    """One version of a shelf, read-only (implements kb.stores.base.IndexStore)."""

    def __init__(self, location: str, version: str, stored: StoredVersion, live: Callable[[], str | None]) -> None:
        self._location, self._version, self._live = location, version, live
        self._stored: StoredVersion | None = stored
        self.manifest = stored.manifest
        self._places = ProvenanceCache(self._provenance)

    @property
    def _contents(self) -> IndexContents:
        if self._stored is None:
            raise KbError(f"the index at {self._location} was closed")
        return self._stored.contents

    def close(self) -> None:
        self._stored = None

    @property
    def location(self) -> str:
        return self._location

    @property
    def version(self) -> str:
        return self._version

    @cached_property
    def profile(self) -> Profile:
        assert self._stored is not None
        return Profile.stored(*self._stored.profile)

    @property
    def has_sentence_vectors(self) -> bool:
        return True

    def is_live(self) -> bool:
        return self._live() == self._version

    def verify(self) -> None:
        if len(self._contents.passages) != self.manifest.counts.passages:
            raise IndexDamaged(f"index at {self._location} is damaged (passages missing)")

    def _provenance(self, doc_id: str) -> object:
        return next((d.provenance for d in self._contents.documents if d.doc_id == doc_id), None)

    def locate(self, doc_id: str, start: int, end: int) -> Location | None:
        return self._places.locate(doc_id, start, end)

    def passages(self, ids: Iterable[int] | None = None) -> list[Passage]:
        stored = self._contents.passages
        chosen = stored if ids is None else [stored[int(i)] for i in ids]
        return [dataclasses.replace(p, location=self.locate(p.doc_id, p.start, p.end)) for p in chosen]

    def documents(self) -> list[StoredDocument]:
        return [dataclasses.replace(d, provenance=None) for d in self._contents.documents]

    def sentences_in(self, passage: Passage) -> dict[tuple[int, int], KnownSentence]:
        contents = self._contents
        return {
            (s.start, s.end): KnownSentence(np.asarray(contents.sentence_vectors[row], np.float32), frozenset(s.tokens))
            for row, s in enumerate(contents.sentences)
            if s.doc_id == passage.doc_id and passage.start <= s.start < passage.end and s.end <= passage.end
        }

    def vectors_by_hash(self) -> dict[str, np.ndarray]:
        return dict(zip(self._contents.passage_hashes, self._contents.vectors))

    def sentence_vectors_by_hash(self) -> dict[str, np.ndarray]:
        vectors = np.asarray(self._contents.sentence_vectors, dtype=np.float32)
        return {s.hash: vector for s, vector in zip(self._contents.sentences, vectors)}

    @cached_property
    def _postings(self) -> tuple[dict[str, int], np.ndarray, dict[int, tuple[np.ndarray, np.ndarray]]]:
        """kb's shared sparse BM25 rows turned into (passages, scores) per term id."""
        rows = sparse_bm25_rows(self._contents.bm25_terms, self.manifest.bm25)
        postings: dict[int, tuple[list[int], list[float]]] = {}
        for passage, row in enumerate(rows.rows):
            for term, score in row.items():
                postings.setdefault(term, ([], []))[0].append(passage)
                postings[term][1].append(score)
        arrays = {t: (np.array(p), np.array(s, dtype=np.float32)) for t, (p, s) in postings.items()}
        return rows.vocab, rows.df, arrays

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        vocab, df, _ = self._postings
        return {t: int(df[vocab[t]]) if t in vocab else 0 for t in terms}

    def bm25_ranking(self, query: Mapping[str, float], n: int) -> Ranking:
        vocab, _, postings = self._postings
        scores = np.zeros(len(self._contents.passages), dtype=np.float32)
        for term, weight in query.items():
            if term in vocab and vocab[term] in postings:
                passages, term_scores = postings[vocab[term]]
                np.add.at(scores, passages, np.float32(weight) * term_scores)
        return top_scores(scores, n)

    def dense_ranking(self, vector: np.ndarray, n: int) -> Ranking:
        scores = np.asarray(self._contents.vectors, dtype=np.float32) @ np.asarray(vector, dtype=np.float32)
        top = np.argsort(-scores, kind="stable")[:n]
        return top.astype(np.int64), scores[top]

    def sentence_ranking(self, vector: np.ndarray, n: int) -> Ranking:
        contents = self._contents
        scores = np.asarray(contents.sentence_vectors, dtype=np.float32) @ np.asarray(vector, dtype=np.float32)
        owners = [
            [p.id for p in contents.passages if p.doc_id == s.doc_id and p.start <= s.start and s.end <= p.end]
            for s in contents.sentences
        ]
        return passages_by_best_sentence(zip(scores.tolist(), owners), n)


class MemoryBackend:
    """memory://NAME: shelves in this process (implements kb.stores.base.StoreBackend)."""

    def __init__(self) -> None:
        self._shelves: dict[str, Shelf] = {}

    def _shelf(self, location: str) -> Shelf:
        return self._shelves.setdefault(location, Shelf())

    def _save(self, location: str, shelf: Shelf) -> None:
        """Nothing to do: the shelf lives in memory."""

    def open(self, location: str) -> MemoryIndex:
        shelf = self._shelf(location)
        if shelf.live is None:
            raise KbError(f"no index at {location}: build one with `kb ingest --store {location}`")
        return MemoryIndex(location, shelf.live, shelf.versions[shelf.live], lambda: self._shelf(location).live)

    def previous(self, location: str) -> MemoryIndex | None:
        return self.open(location) if self._shelf(location).live else None

    def check_writable(self, location: str) -> None:
        """Memory is always writable."""

    def versions(self, location: str) -> list[str]:
        return sorted(self._shelf(location).versions)

    def write(
        self, location: str, contents: IndexContents, manifest: Manifest, progress: Progress | None = None
    ) -> str:
        shelf = self._shelf(location)
        return publish(MemoryVersions(shelf, lambda: self._save(location, shelf)), contents, manifest, progress)


class PickledBackend(MemoryBackend):
    """pickled://FILE: a memory shelf read from FILE on each use and saved to it after each write."""

    def _shelf(self, location: str) -> Shelf:
        path = Path(location.removeprefix("pickled://"))
        if not path.exists():
            return Shelf()
        with path.open("rb") as file:
            shelf: Shelf = pickle.load(file)
        return shelf

    def _save(self, location: str, shelf: Shelf) -> None:
        with Path(location.removeprefix("pickled://")).open("wb") as file:
            pickle.dump(shelf, file)


MEMORY = MemoryBackend()  # the one memory of this process


@hookimpl
def register_stores(register: Register) -> None:
    register("memory", MEMORY)
    register("pickled", PickledBackend())
