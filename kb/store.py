"""The index folder on disk: build-then-swap writes, integrity checks, lazy loading.

Layout of an index folder (what `--index` names)::

    CURRENT              name of the live version folder (replaced atomically)
    .lock                held while an ingest writes
    v-<time>-<rand>/     one complete, immutable version
        manifest.json    format version, model, settings, counts, per-file sizes + sha256
        passages.sqlite  documents (cleaned text), passages and quotable sentences (spans, hash, tokens)
        dense.faiss      FAISS inner-product index over normalised passage vectors
        sentences.npy    one normalised float16 vector per sentence row (answer evidence)
        bm25/            bm25s index over jieba tokens of the folded text

A new version is written beside the live one and becomes live by replacing CURRENT, so a
failed, interrupted or killed ingest never touches what readers use.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from .bm25_index import Bm25Index
from .errors import KbError
from .types import KnownSentence, Passage

FORMAT_VERSION = 2
# Format 1 (no sentence table or vectors) is still read: answers then rank sentences by words
# alone, and the next `kb ingest` upgrades it, reusing every passage vector.
READABLE_FORMATS = (1, 2)
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
PASSAGES_DB = "passages.sqlite"
DENSE_INDEX = "dense.faiss"
SENTENCE_VECTORS = "sentences.npy"
BM25_DIR = "bm25"
REBUILD_HINT = "rebuild it with `kb ingest`"
EXACT_SEARCH_LIMIT = 50_000
IVF_CELLS_PER_SQRT_N = 4
IVF_TRAIN_PER_CELL = 40
IVF_PROBE_SHARE = 10  # search 1/10 of the cells

_SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT NOT NULL,
    encoding TEXT NOT NULL, sha256 TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE passages (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, heading TEXT NOT NULL,
    text TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE sentences (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, hash TEXT NOT NULL, tokens TEXT NOT NULL);
CREATE INDEX sentences_by_position ON sentences (doc_id, start);
"""


@dataclass(frozen=True)
class StoredDocument:
    """A document row: its cleaned text is what passage spans index into."""

    doc_id: str
    title: str
    source: str
    encoding: str
    sha256: str
    text: str


@dataclass(frozen=True)
class StoredSentence:
    """A quotable sentence of a cleaned document; its row number is its vector's row.

    `tokens` are its jieba tokens, stored so that answering does not segment it again."""

    doc_id: str
    start: int
    end: int
    hash: str
    tokens: tuple[str, ...]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())


def _write_manifest(version_dir: Path, manifest: dict[str, Any]) -> None:
    files = {}
    for path in sorted(version_dir.rglob("*")):
        if path.is_file():
            rel = path.relative_to(version_dir).as_posix()
            files[rel] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
    manifest = dict(manifest, format_version=FORMAT_VERSION, files=files)
    (version_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")


@contextlib.contextmanager
def writing(index_dir: Path) -> Iterator[Path]:
    """Yield a fresh version folder to fill; on normal exit it becomes the live version.

    Holds an exclusive lock so two ingests cannot interleave. On any exception (including
    KeyboardInterrupt) the half-built folder is removed and CURRENT is untouched.
    """
    index_dir = Path(index_dir)
    _check_writable_target(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    lock_path = index_dir / ".lock"
    try:
        lock = lock_path.open("a")
    except OSError as exc:
        raise KbError(f"cannot write to index folder {index_dir}: {exc.strerror}; choose a writable --index") from exc
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise KbError(f"another `kb ingest` is writing {index_dir}; wait for it to finish") from exc
        _remove_stale_versions(index_dir)
        version = f"v-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
        version_dir = index_dir / version
        try:
            version_dir.mkdir()
        except OSError as exc:
            raise KbError(f"cannot write to index folder {index_dir}: {exc.strerror}; choose a writable --index") from exc
        try:
            yield version_dir
            _fsync_tree(version_dir)
            pointer = index_dir / f".{CURRENT}.{version}"
            pointer.write_text(version + "\n", "utf-8")
            with pointer.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(pointer, index_dir / CURRENT)
        except OSError as exc:  # disk full, quota, permissions: the old index stays live
            shutil.rmtree(version_dir, ignore_errors=True)
            raise KbError(f"cannot write the index in {index_dir}: {exc.strerror or exc}; the previous index is unchanged") from exc
        except BaseException:
            shutil.rmtree(version_dir, ignore_errors=True)
            raise
        _remove_stale_versions(index_dir)


def _check_writable_target(index_dir: Path) -> None:
    """Refuse to write into a folder that holds something other than a kb index."""
    if index_dir.exists() and not index_dir.is_dir():
        raise KbError(f"--index {index_dir} is a file; give a folder path")
    if index_dir.is_dir() and not (index_dir / CURRENT).exists():
        foreign = [p.name for p in index_dir.iterdir() if not p.name.startswith((".", "v-"))]
        if foreign:
            raise KbError(f"--index {index_dir} is not empty and is not a kb index; choose an empty or new folder")


def _remove_stale_versions(index_dir: Path) -> None:
    """Remove version folders other than the live one (left by earlier or killed ingests)."""
    live = _read_pointer(index_dir)
    for path in index_dir.iterdir():
        if path.name.startswith("v-") and path.name != live:
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(f".{CURRENT}."):
            path.unlink(missing_ok=True)


def _read_pointer(index_dir: Path) -> str | None:
    try:
        return (index_dir / CURRENT).read_text("utf-8").strip() or None
    except OSError:
        return None


def write_version(
    version_dir: Path,
    documents: Iterable[StoredDocument],
    passages: list[Passage],
    passage_hashes: list[str],
    vectors: np.ndarray,
    bm25_tokens: list[list[str]],
    manifest: dict[str, Any],
    bm25_params: dict[str, float],
    sentences: list[StoredSentence],
    sentence_vectors: np.ndarray,
) -> None:
    """Write every file of one index version into `version_dir` (not yet live)."""
    import bm25s
    import faiss

    db = sqlite3.connect(version_dir / PASSAGES_DB)
    with db:
        db.executescript(_SCHEMA)
        db.executemany(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
            [(d.doc_id, d.title, d.source, d.encoding, d.sha256, d.text) for d in documents],
        )
        db.executemany(
            "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(p.id, p.doc_id, p.start, p.end, p.heading, p.text, h) for p, h in zip(passages, passage_hashes)],
        )
        db.executemany(
            "INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?)", [(i, t.doc_id, t.start, t.end, t.hash, " ".join(t.tokens)) for i, t in enumerate(sentences)]
        )
    db.close()
    # float16 halves the file; cosines move by < 1e-3, far below the gaps answers are chosen on.
    np.save(version_dir / SENTENCE_VECTORS, np.asarray(sentence_vectors, dtype=np.float16))

    dense, params = build_dense_index(np.ascontiguousarray(vectors, dtype=np.float32))
    faiss.write_index(dense, str(version_dir / DENSE_INDEX))
    manifest = dict(manifest, dense_index=params)

    bm25 = bm25s.BM25(**bm25_params)
    # An all-stopword passage still needs one token for bm25s; "" is its empty-token slot.
    bm25.index([tokens or [""] for tokens in bm25_tokens], show_progress=False)
    bm25.save(str(version_dir / BM25_DIR), show_progress=False)

    _write_manifest(version_dir, manifest)


def build_dense_index(vectors: np.ndarray, exact_limit: int | None = None):
    """Exact inner-product search up to `exact_limit` vectors, an inverted file above it.

    Exact search is one matrix-vector product: at 50k × 384 floats that is a few ms, and it
    is always right. Beyond that an IVF index (4·√n k-means cells, 1/10 of them searched)
    keeps a query at a few milliseconds at ≥ 0.95 recall@10, for 8 extra bytes per vector,
    and builds in minutes where a graph index takes far longer on two cores. Returns the
    index and the parameters to record in the manifest.
    """
    import faiss

    n, dim = vectors.shape
    if n <= (EXACT_SEARCH_LIMIT if exact_limit is None else exact_limit):
        index = faiss.IndexFlatIP(dim)
        index.add(vectors)
        return index, {"type": "flat-ip", "dim": dim}
    nlist = max(1, int(IVF_CELLS_PER_SQRT_N * np.sqrt(n)))
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    sample = vectors[np.random.default_rng(0).choice(n, size=min(n, IVF_TRAIN_PER_CELL * nlist), replace=False)]
    index.train(sample)
    index.add(vectors)
    index.make_direct_map()  # lets a re-ingest read vectors back by id
    index.nprobe = max(1, -(-nlist // IVF_PROBE_SHARE))
    return index, {"type": "ivf-flat-ip", "dim": dim, "nlist": nlist, "nprobe": index.nprobe}


class StoredIndex:
    """A read-only view of the live version of an index folder."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        if not self.index_dir.is_dir():
            raise KbError(f"no index at {self.index_dir}: build one with `kb ingest --index {self.index_dir}`")
        version = _read_pointer(self.index_dir)
        if version is None:
            raise KbError(f"{self.index_dir} is not a kb index (no {CURRENT} file): build one with `kb ingest --index {self.index_dir}`")
        self.dir = self.index_dir / version
        try:
            self.manifest: dict[str, Any] = json.loads((self.dir / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise KbError(f"index at {self.index_dir} is damaged (manifest unreadable); {REBUILD_HINT}") from exc
        found = self.manifest.get("format_version")
        if found not in READABLE_FORMATS:
            raise KbError(f"index at {self.index_dir} has format version {found}, this kb reads {', '.join(map(str, READABLE_FORMATS))}; {REBUILD_HINT}")
        self._check_sizes()

    def _check_sizes(self) -> None:
        """Cheap check on every open: every file present with its recorded size."""
        for rel, meta in self.manifest["files"].items():
            path = self.dir / rel
            if not path.is_file() or path.stat().st_size != meta["size"]:
                raise KbError(f"index at {self.index_dir} is damaged ({rel} is missing or truncated); {REBUILD_HINT}")

    def verify(self) -> None:
        """Full check: every file's sha256 matches the manifest."""
        for rel, meta in self.manifest["files"].items():
            if sha256_file(self.dir / rel) != meta["sha256"]:
                raise KbError(f"index at {self.index_dir} is damaged ({rel} fails its checksum); {REBUILD_HINT}")

    @cached_property
    def db(self) -> sqlite3.Connection:
        try:
            uri = f"file:{(self.dir / PASSAGES_DB).as_posix()}?mode=ro"
            db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            db.execute("SELECT count(*) FROM passages").fetchone()
            return db
        except sqlite3.DatabaseError as exc:
            raise KbError(f"index at {self.index_dir} is damaged ({PASSAGES_DB}: {exc}); {REBUILD_HINT}") from exc

    @cached_property
    def dense(self):
        import faiss

        try:
            index = faiss.read_index(str(self.dir / DENSE_INDEX), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
            if "nprobe" in self.manifest.get("dense_index", {}):
                index.nprobe = self.manifest["dense_index"]["nprobe"]
            return index
        except RuntimeError as exc:
            raise KbError(f"index at {self.index_dir} is damaged ({DENSE_INDEX} unreadable); {REBUILD_HINT}") from exc

    @cached_property
    def bm25(self) -> Bm25Index:
        try:
            return Bm25Index(self.dir / BM25_DIR)
        except Exception as exc:  # missing, truncated or garbled files surface as assorted errors
            raise KbError(f"index at {self.index_dir} is damaged ({BM25_DIR}/ unreadable); {REBUILD_HINT}") from exc

    @property
    def model_name(self) -> str:
        return self.manifest["model"]["name"]

    @property
    def passage_count(self) -> int:
        return int(self.manifest["counts"]["passages"])

    def passages(self, ids: Iterable[int] | None = None) -> list[Passage]:
        """Passages by id in the given order (all of them, in id order, when ids is None)."""
        query = (
            'SELECT p.id, p.doc_id, d.title, d.source, p.start, p."end", p.text, p.heading '
            "FROM passages p JOIN documents d USING (doc_id)"
        )
        if ids is None:
            return [Passage(*row) for row in self.db.execute(query + " ORDER BY p.id")]
        ids = [int(i) for i in ids]
        rows = {row[0]: Passage(*row) for row in self.db.execute(query + f" WHERE p.id IN ({','.join('?' * len(ids))})", ids)}
        return [rows[i] for i in ids]

    def documents(self) -> list[StoredDocument]:
        return [StoredDocument(*row) for row in self.db.execute("SELECT doc_id, title, source, encoding, sha256, text FROM documents ORDER BY rowid")]

    def vectors_by_hash(self) -> dict[str, np.ndarray]:
        """Passage vectors keyed by content hash, so a re-ingest embeds only what changed."""
        hashes = [row[0] for row in self.db.execute("SELECT hash FROM passages ORDER BY id")]
        vectors = self.dense.reconstruct_n(0, self.dense.ntotal)
        return dict(zip(hashes, vectors))

    @property
    def has_sentence_vectors(self) -> bool:
        return SENTENCE_VECTORS in self.manifest["files"]

    @cached_property
    def sentence_vectors(self) -> np.ndarray:
        """Every sentence vector (float16, memory-mapped); empty for a format-1 index."""
        if not self.has_sentence_vectors:
            return np.zeros((0, self.manifest["model"]["dim"]), dtype=np.float16)
        try:
            return np.load(self.dir / SENTENCE_VECTORS, mmap_mode="r")
        except (OSError, ValueError) as exc:
            raise KbError(f"index at {self.index_dir} is damaged ({SENTENCE_VECTORS} unreadable); {REBUILD_HINT}") from exc

    def sentences_in(self, passage: Passage) -> dict[tuple[int, int], KnownSentence]:
        """The quotable sentences inside a passage as ingest stored them (vector and tokens), by
        their (start, end) in the cleaned document; none for a format-1 index."""
        if not self.has_sentence_vectors:
            return {}
        rows = [
            row
            for row in self.db.execute(
                'SELECT start, "end", id, tokens FROM sentences WHERE doc_id = ? AND start >= ? AND start < ? ORDER BY start',
                (passage.doc_id, passage.start, passage.end),
            )
            if row[1] <= passage.end
        ]
        vectors = np.asarray(self.sentence_vectors[[row[2] for row in rows]], dtype=np.float32)
        return {(start, end): KnownSentence(vector, frozenset(tokens.split())) for (start, end, _, tokens), vector in zip(rows, vectors)}

    def sentence_vectors_by_hash(self) -> dict[str, np.ndarray]:
        """Sentence vectors keyed by content hash (as float32), for reuse by a re-ingest."""
        if not self.has_sentence_vectors:
            return {}
        hashes = [row[0] for row in self.db.execute("SELECT hash FROM sentences ORDER BY id")]
        return dict(zip(hashes, np.asarray(self.sentence_vectors, dtype=np.float32)))
