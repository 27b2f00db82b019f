"""The SQLite file of an index version: documents (cleaned text), passages and quotable
sentences, each sentence row numbered like its vector in sentences.npy."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kb.provenance import Provenance
from kb.types import Passage

_SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT NOT NULL,
    encoding TEXT NOT NULL, sha256 TEXT NOT NULL, text TEXT NOT NULL,
    origin TEXT NOT NULL, places TEXT NOT NULL);
CREATE TABLE passages (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, heading TEXT NOT NULL,
    text TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE sentences (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, hash TEXT NOT NULL, tokens TEXT NOT NULL);
CREATE INDEX sentences_by_position ON sentences (doc_id, start);
"""
_PASSAGES = (
    'SELECT p.id, p.doc_id, d.title, d.source, p.start, p."end", p.text, p.heading '
    "FROM passages p JOIN documents d USING (doc_id)"
)


@dataclass(frozen=True)
class StoredDocument:
    """A document row: its cleaned text is what passage spans index into; `provenance` places
    those spans in the original file (None in an index from before kb recorded it)."""

    doc_id: str
    title: str
    source: str
    encoding: str
    sha256: str
    text: str
    provenance: Provenance | None = None


@dataclass(frozen=True)
class StoredSentence:
    """A quotable sentence of a cleaned document; its row number is its vector's row.

    `tokens` are its jieba tokens, stored so that answering does not segment it again."""

    doc_id: str
    start: int
    end: int
    hash: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class SentenceRow:
    """A stored sentence as read back: its span, vector row and tokens."""

    start: int
    end: int
    row: int
    tokens: frozenset[str]


def write_passage_db(
    path: Path,
    documents: Iterable[StoredDocument],
    passages: Sequence[Passage],
    passage_hashes: Sequence[str],
    sentences: Sequence[StoredSentence],
) -> None:
    db = sqlite3.connect(path)
    with db:
        db.executescript(_SCHEMA)
        rows = []
        for d in documents:
            assert d.provenance is not None, "ingest records every document's provenance"
            rows.append((d.doc_id, d.title, d.source, d.encoding, d.sha256, d.text, *d.provenance.to_json()))
        db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.executemany(
            "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(p.id, p.doc_id, p.start, p.end, p.heading, p.text, h) for p, h in zip(passages, passage_hashes)],
        )
        db.executemany(
            "INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?)",
            [(i, t.doc_id, t.start, t.end, t.hash, " ".join(t.tokens)) for i, t in enumerate(sentences)],
        )
    db.close()


class PassageDb:
    """Read-only queries over one passages.sqlite (opened lazily, shared across threads)."""

    def __init__(self, path: Path) -> None:
        uri = f"file:{path.as_posix()}?mode=ro"
        self.db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self.db.execute("SELECT count(*) FROM passages").fetchone()  # fails now on a damaged file
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(documents)")}
        self.has_provenance = "origin" in columns  # index format 4 on

    def passages(self, ids: Iterable[int] | None = None) -> list[Passage]:
        """Passages by id in the given order (all of them, in id order, when ids is None)."""
        if ids is None:
            return [Passage(*row) for row in self.db.execute(_PASSAGES + " ORDER BY p.id")]
        wanted = [int(i) for i in ids]
        placeholders = ",".join("?" * len(wanted))
        rows = {
            row[0]: Passage(*row) for row in self.db.execute(_PASSAGES + f" WHERE p.id IN ({placeholders})", wanted)
        }
        return [rows[i] for i in wanted]

    def documents(self) -> list[StoredDocument]:
        query = "SELECT doc_id, title, source, encoding, sha256, text FROM documents ORDER BY rowid"
        return [StoredDocument(*row) for row in self.db.execute(query)]

    def provenance(self, doc_id: str) -> Provenance | None:
        """Where the spans of one document's cleaned text are in its original file."""
        if not self.has_provenance:
            return None
        row = self.db.execute("SELECT origin, places FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return Provenance.from_json(*row) if row else None

    def passage_hashes(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT hash FROM passages ORDER BY id")]

    def sentence_hashes(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT hash FROM sentences ORDER BY id")]

    def sentence_owners(self) -> list[list[int]]:
        """Per sentence row, the passages holding it (neighbouring passages may share one)."""
        owners: list[list[int]] = [[] for _ in range(self.db.execute("SELECT count(*) FROM sentences").fetchone()[0])]
        query = (
            "SELECT s.id, p.id FROM sentences s JOIN passages p "
            'ON p.doc_id = s.doc_id AND p.start <= s.start AND s."end" <= p."end" ORDER BY s.id, p.id'
        )
        for row, passage in self.db.execute(query):
            owners[row].append(passage)
        return owners

    def sentences_in(self, passage: Passage) -> list[SentenceRow]:
        """The stored sentences wholly inside a passage, in reading order."""
        query = (
            'SELECT start, "end", id, tokens FROM sentences '
            "WHERE doc_id = ? AND start >= ? AND start < ? ORDER BY start"
        )
        rows = self.db.execute(query, (passage.doc_id, passage.start, passage.end))
        return [
            SentenceRow(start, end, row, frozenset(tokens.split()))
            for start, end, row, tokens in rows
            if end <= passage.end
        ]
