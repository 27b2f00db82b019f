"""What is inside an index version, how it is written and how it is read back.

Layout of a version folder (versions.py owns the folders around it, swap.py the order they are written in)::

    manifest.json    format version, model, settings, profile, counts, per-file sizes + sha256
    profile.toml     the effective profile the index was built with (kb/profile.py)
    kb.toml          the user's own profile file it came from, if any
    passages.sqlite  documents (cleaned text), passages and quotable sentences (spans, hash, tokens)
    dense.faiss      FAISS inner-product index over normalised passage vectors
    sentences.npy    one normalised float16 vector per sentence row (answer evidence)
    bm25/            bm25s index over jieba tokens of the folded text

Only this module knows these names. Opening checks every file's size, and each file's sha256
is checked before it is first read (integrity.py); `verify` checks them all at once.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from kb.errors import IndexDamaged, KbError
from kb.profile import Profile, default_profile
from kb.provenance import Location, ProvenanceCache
from kb.stores.base import (
    PROFILE,
    PROFILE_LAYER,
    PROVENANCE_CACHE,
    ClosesOnExit,
    IndexContents,
    ManifestFacts,
    Ranking,
    stored_sentence_vectors,
    top_scores,
)
from kb.stores.bm25_index import Bm25Index, write_bm25_index
from kb.stores.integrity import VerifiedFiles, sha256_file
from kb.stores.manifest import REBUILD_HINT, FileEntry, Manifest
from kb.stores.passage_db import PassageDb, StoredDocument, write_passage_db
from kb.stores.sentence_search import SentenceSearch
from kb.stores.swap import publish
from kb.stores.vector_index import open_dense_index, write_dense_index
from kb.stores.versions import CURRENT, FolderVersions, check_writable, live_version, pin_live_version
from kb.types import KnownSentence, Passage, Progress

MANIFEST = "manifest.json"
PASSAGES_DB = "passages.sqlite"
DENSE_INDEX = "dense.faiss"
SENTENCE_VECTORS = "sentences.npy"
BM25_DIR = "bm25"


def write_version(version_dir: Path, contents: IndexContents, manifest: Manifest) -> None:
    """Write every file of one index version into `version_dir` (not yet live), manifest last.

    Storage failures inside SQLite and FAISS (a full disk) are raised as OSError, as the other
    writes raise them, so the caller reports them in one line and keeps the previous version."""
    try:
        write_passage_db(
            version_dir / PASSAGES_DB,
            contents.documents,
            contents.passages,
            contents.passage_hashes,
            contents.sentences,
        )
    except sqlite3.Error as exc:
        raise OSError(f"{PASSAGES_DB}: {exc}") from exc
    np.save(version_dir / SENTENCE_VECTORS, stored_sentence_vectors(contents.sentence_vectors))
    dense_params = write_dense_index(contents.vectors, version_dir / DENSE_INDEX)
    write_bm25_index(version_dir / BM25_DIR, contents.bm25_terms, manifest.bm25)
    stored_profile = contents.profile.to_toml()
    (version_dir / PROFILE).write_text(stored_profile, "utf-8")
    # Read back as every question will read it: the schema's pass is remembered now
    # (kb/profile_check.py), so not even the first question after an ingest loads pydantic.
    Profile.stored(stored_profile, contents.profile.source, contents.profile.layer)
    if contents.profile.layer is not None:
        (version_dir / PROFILE_LAYER).write_text(contents.profile.layer, "utf-8")
    files = {
        path.relative_to(version_dir).as_posix(): FileEntry(path.stat().st_size, sha256_file(path))
        for path in sorted(version_dir.rglob("*"))
        if path.is_file()
    }
    final = manifest.with_files(files, dense_params)
    (version_dir / MANIFEST).write_text(json.dumps(final.to_dict(), ensure_ascii=False, indent=2), "utf-8")
    verified = VerifiedFiles(version_dir)  # just hashed: the first reader need not hash again
    for rel, entry in files.items():
        verified.remember(rel, entry.sha256)
    verified.save()


class LocalBackend:
    """Index folders (implements base.StoreBackend): the store of a location with no scheme,
    or `file://FOLDER`."""

    def folder(self, location: str) -> Path:
        """The index folder a location names (a store of named folders overrides this)."""
        return Path(location.removeprefix("file://"))

    def open(self, location: str) -> StoredIndex:
        return StoredIndex(self.folder(location))

    def previous(self, location: str) -> StoredIndex | None:
        """The live index, or None if there is none (or it cannot be read: it is rebuilt)."""
        index_dir = self.folder(location)
        if not (index_dir / CURRENT).exists():
            return None
        try:
            return StoredIndex(index_dir)
        except KbError:
            return None

    def check_writable(self, location: str) -> None:
        check_writable(self.folder(location))

    def versions(self, location: str) -> list[str]:
        return FolderVersions(self.folder(location)).versions()

    def write(
        self, location: str, contents: IndexContents, manifest: Manifest, progress: Progress | None = None
    ) -> str:
        return publish(FolderVersions(self.folder(location), write_version), contents, manifest, progress)


class StoredIndex(ManifestFacts, ClosesOnExit):
    """A read-only view of the live version of an index folder, pinned while it is open (an
    ingest that replaces it meanwhile leaves its files in place until `close`). Implements
    base.IndexStore."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        if not self.index_dir.is_dir():
            raise KbError(f"no index at {self.index_dir}: build one with `kb ingest --index {self.index_dir}`")
        pin = pin_live_version(self.index_dir)
        if pin is None:
            raise KbError(
                f"{self.index_dir} is not a kb index (no {CURRENT} file): "
                f"build one with `kb ingest --index {self.index_dir}`"
            )
        self._pin = pin
        self.dir = pin.path
        try:
            raw = json.loads((self.dir / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise self._damaged("manifest unreadable") from exc
        self.manifest = Manifest.from_dict(raw, str(self.index_dir))
        self._check_sizes()
        self._verified = VerifiedFiles(self.dir)
        self._places = ProvenanceCache(lambda doc_id: self.db.provenance(doc_id), PROVENANCE_CACHE)

    def close(self) -> None:
        """Release the version (an ingest may then delete it once it is no longer live): the
        database, the memory-mapped FAISS index and arrays, and the pin. Safe to repeat."""
        if "db" in self.__dict__:
            self.db.db.close()
        for mapped in ("dense", "bm25", "sentence_vectors", "_document_frequencies"):
            self.__dict__.pop(mapped, None)
        self._pin.close()

    def _check_sizes(self) -> None:
        """Cheap check on every open: every file present with its recorded size."""
        for rel, entry in self.manifest.files.items():
            path = self.dir / rel
            if not path.is_file() or path.stat().st_size != entry.size:
                raise self._damaged(f"{rel} is missing or truncated")

    def _damaged(self, what: str) -> IndexDamaged:
        return IndexDamaged(f"index at {self.index_dir} is damaged ({what}); {REBUILD_HINT}")

    def verify(self) -> None:
        """Full check: every file's sha256 matches the manifest, hashed now."""
        for rel, entry in self.manifest.files.items():
            if sha256_file(self.dir / rel) != entry.sha256:
                raise self._damaged(f"{rel} fails its checksum")

    def _intact(self, part: str) -> None:
        """Check the files of one part (a file, or a folder such as bm25/) before first use."""
        for rel, entry in self.manifest.files.items():
            if rel == part or rel.startswith(part + "/"):
                self._verified.check(rel, entry.sha256, self._damaged(f"{rel} fails its checksum"))

    def is_live(self) -> bool:
        """Whether this is still the index folder's live version (no ingest has replaced it)."""
        return live_version(self.index_dir) == self.dir.name

    @property
    def location(self) -> str:
        return str(self.index_dir)

    @property
    def version(self) -> str:
        return self.dir.name

    @cached_property
    def profile(self) -> Profile:
        """The profile the index was built with; the shipped one for an index from before
        profiles were stored."""
        if PROFILE not in self.manifest.files:
            return default_profile()
        texts = {}
        for name in (PROFILE, PROFILE_LAYER):
            if name in self.manifest.files:
                self._intact(name)
                try:
                    texts[name] = (self.dir / name).read_text("utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise self._damaged(f"{name} unreadable") from exc
        source = self.manifest.profile.source if self.manifest.profile else PROFILE
        return Profile.stored(texts[PROFILE], source, texts.get(PROFILE_LAYER))

    @cached_property
    def db(self) -> PassageDb:
        self._intact(PASSAGES_DB)
        try:
            return PassageDb(self.dir / PASSAGES_DB)
        except sqlite3.DatabaseError as exc:
            raise self._damaged(f"{PASSAGES_DB}: {exc}") from exc

    @cached_property
    def dense(self) -> Any:
        self._intact(DENSE_INDEX)
        try:
            return open_dense_index(self.dir / DENSE_INDEX, self.manifest.dense_index)
        except RuntimeError as exc:
            raise self._damaged(f"{DENSE_INDEX} unreadable") from exc

    @cached_property
    def bm25(self) -> Bm25Index:
        self._intact(BM25_DIR)
        try:
            return Bm25Index(self.dir / BM25_DIR)
        except Exception as exc:  # missing, truncated or garbled files surface as assorted errors
            raise self._damaged(f"{BM25_DIR}/ unreadable") from exc

    def passages(self, ids: Iterable[int] | None = None) -> list[Passage]:
        """Passages by id in the given order (all of them, in id order, when ids is None), each
        with its place in the original file when the index records it."""
        passages = self.db.passages(ids)
        if not self.db.has_provenance:
            return passages
        return [dataclasses.replace(p, location=self.locate(p.doc_id, p.start, p.end)) for p in passages]

    def locate(self, doc_id: str, start: int, end: int) -> Location | None:
        """The place in its original file of a span of a document's cleaned text."""
        return self._places.locate(doc_id, start, end)

    def documents(self) -> list[StoredDocument]:
        return self.db.documents()

    @cached_property
    def _document_frequencies(self) -> np.ndarray:
        return self.bm25.document_frequencies()

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        vocab, df = self.bm25.vocab, self._document_frequencies
        return {t: int(df[vocab[t]]) if t in vocab else 0 for t in terms}

    def bm25_ranking(self, query: Mapping[str, float], n: int) -> Ranking:
        vocab = self.bm25.vocab
        scores = self.bm25.weighted_scores({vocab[t]: w for t, w in query.items() if t in vocab})
        return top_scores(scores, n)

    def dense_ranking(self, vector: np.ndarray, n: int) -> Ranking:
        scores, ids = self.dense.search(vector.reshape(1, -1), min(n, self.dense.ntotal))
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), scores[0][keep]

    @cached_property
    def _sentence_search(self) -> SentenceSearch:
        return SentenceSearch(self.sentence_vectors, self.db.sentence_owners())

    def sentence_ranking(self, vector: np.ndarray, n: int) -> Ranking:
        if not self.has_sentence_vectors:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return self._sentence_search.ranking(vector, n)

    def vectors_by_hash(self) -> dict[str, np.ndarray]:
        """Passage vectors keyed by content hash, so a re-ingest embeds only what changed."""
        vectors = self.dense.reconstruct_n(0, self.dense.ntotal)
        return dict(zip(self.db.passage_hashes(), vectors))

    @property
    def has_sentence_vectors(self) -> bool:
        return SENTENCE_VECTORS in self.manifest.files

    @cached_property
    def sentence_vectors(self) -> np.ndarray:
        """Every sentence vector (float16, memory-mapped); empty for a format-1 index."""
        if not self.has_sentence_vectors:
            return np.zeros((0, self.manifest.model.dim), dtype=np.float16)
        self._intact(SENTENCE_VECTORS)
        try:
            return np.load(self.dir / SENTENCE_VECTORS, mmap_mode="r")
        except (OSError, ValueError) as exc:
            raise self._damaged(f"{SENTENCE_VECTORS} unreadable") from exc

    def sentences_in(self, passage: Passage) -> dict[tuple[int, int], KnownSentence]:
        """The quotable sentences inside a passage as ingest stored them (vector and tokens), by
        their (start, end) in the cleaned document; none for a format-1 index."""
        if not self.has_sentence_vectors:
            return {}
        rows = self.db.sentences_in(passage)
        vectors = np.asarray(self.sentence_vectors[[row.row for row in rows]], dtype=np.float32)
        return {(row.start, row.end): KnownSentence(vector, row.tokens) for row, vector in zip(rows, vectors)}

    def sentence_vectors_by_hash(self) -> dict[str, np.ndarray]:
        """Sentence vectors keyed by content hash (as float32), for reuse by a re-ingest."""
        if not self.has_sentence_vectors:
            return {}
        return dict(zip(self.db.sentence_hashes(), np.asarray(self.sentence_vectors, dtype=np.float32)))
