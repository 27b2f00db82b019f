"""Writing a version of an index into Milvus: its four collections, filled, indexed and loaded
(`VersionWriter`), and the version steps swap.publish drives (`MilvusVersions`): the alias
`<name>` moves to a complete version; the one before stays for readers that hold it.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from kb.errors import KbError
from kb.stores.base import PROFILE, PROFILE_LAYER, IndexContents, stored_sentence_vectors
from kb.stores.bm25_index import sparse_bm25_rows
from kb.stores.manifest import Manifest
from kb.stores.milvus_connect import (
    MIN_SERVER_VERSION,
    MilvusLocation,
    collection_name,
    connect,
    failure,
    live_version,
    pymilvus_module,
    version_of,
)
from kb.stores.swap import version_name
from kb.stores.vector_index import EXACT_SEARCH_LIMIT, ivf_parameters
from kb.types import Progress

VARCHAR = 65_535  # Milvus's largest VARCHAR, in bytes
RECORD_PART_CHARS = 16_000  # ≤ 4 bytes a character in UTF-8: a part always fits a VARCHAR
INSERT_BATCH = 500


class MilvusVersions:
    """The versions of one index in Milvus, as swap.publish drives them (implements
    VersionSlots). Milvus cannot tell which versions readers hold, so the one before the live
    one is kept too."""

    keeps_previous = True

    def __init__(self, store: str) -> None:
        self.where = MilvusLocation.parse(store)
        self.client: Any = None

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        self.client = connect(self.where)
        try:
            yield
        finally:
            self.client.close()

    def live(self) -> str | None:
        return live_version(self.client, self.where.name)

    def versions(self) -> list[str]:
        found = {version_of(self.where.name, c) for c in self.client.list_collections()}
        return sorted(v for v in found if v)

    def new_version(self) -> str:
        return version_name("v", "_")

    def fill(self, version: str, contents: IndexContents, manifest: Manifest, progress: Progress | None) -> None:
        """The passages, sentences and vocabulary, then the records, manifest last."""
        writer = VersionWriter(self.client, self.where.name, version, manifest, progress)
        writer.total = len(contents.passages) + len(contents.sentences)
        dense_params = writer.passages(contents)
        writer.sentences(contents)
        writer.vocab_and_records(contents, replace(manifest, dense_index=dense_params, files={}, store="milvus"))

    def swap(self, version: str) -> None:
        records = collection_name(self.where.name, version, "records")
        if self.live() is None:
            self.client.create_alias(records, self.where.name)
        else:
            self.client.alter_alias(records, self.where.name)

    def drop(self, version: str) -> None:
        for collection in self.client.list_collections():
            if version_of(self.where.name, collection) == version:
                try:
                    self.client.drop_collection(collection)
                except Exception:  # best effort: the next ingest drops leftovers too
                    pass

    def failure(self, error: BaseException) -> KbError | None:
        if not isinstance(error, pymilvus_module().MilvusException):
            return None
        return KbError(f"cannot write the index: {failure(self.where, error)}; the previous index is unchanged")


class VersionWriter:
    """Creates and fills the collections of one new version."""

    def __init__(self, client: Any, name: str, version: str, manifest: Manifest, progress: Progress | None) -> None:
        self.client, self.types = client, pymilvus_module().DataType
        self.text: tuple[Any, dict[str, Any]] = (self.types.VARCHAR, {"max_length": VARCHAR})  # a text field
        self.name, self.version = name, version
        self.dim, self.bm25_params = manifest.model.dim, manifest.bm25
        self.progress = progress
        self.total = self.done = 0  # passage and sentence rows, for progress

    def _inserted(self, part: str, rows: int) -> None:
        if self.progress and part in ("passages", "sentences"):
            self.done += rows
            self.progress("store", self.done, self.total)

    def _create(
        self,
        part: str,
        fields: list[tuple[str, Any, dict[str, Any]]],
        indexes: list[tuple[str, str, str, dict[str, Any]]],
        rows: Iterable[dict[str, Any]],
    ) -> None:
        """Create one collection, fill it, then index and load it (indexing after the rows
        are in builds each index once)."""
        collection = collection_name(self.name, self.version, part)
        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", self.types.INT64, is_primary=True)
        for field_name, kind, options in fields:
            schema.add_field(field_name, kind, **options)
        self.client.create_collection(collection, schema=schema, consistency_level="Strong")
        created = {f["name"]: f["type"] for f in self.client.describe_collection(collection)["fields"]}
        for field_name, kind, _ in fields:
            if created.get(field_name) != kind:
                raise KbError(
                    f"Milvus dropped field {field_name} ({kind.name}) of {collection}: "
                    f"the server is too old for kb; use Milvus {'.'.join(map(str, MIN_SERVER_VERSION))} or newer"
                )
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == INSERT_BATCH:
                self.client.insert(collection, batch)
                self._inserted(part, len(batch))
                batch = []
        if batch:
            self.client.insert(collection, batch)
            self._inserted(part, len(batch))
        self.client.flush(collection)
        index_params = self.client.prepare_index_params()
        for field_name, index_type, metric, params in indexes:
            index_params.add_index(field_name, index_type=index_type, metric_type=metric, params=params)
        # Not waiting on each index (pymilvus polls twice a second): loading waits for them all.
        self.client.create_index(collection, index_params, sync=False)
        self.client.load_collection(collection)

    def passages(self, contents: IndexContents) -> dict[str, Any]:
        """The passages with their dense and BM25 vectors; returns the dense index parameters."""
        n = len(contents.passages)
        if n <= EXACT_SEARCH_LIMIT:
            dense_index: tuple[str, str, str, dict[str, Any]] = ("dense", "FLAT", "IP", {})
            dense_params: dict[str, Any] = {"type": "flat-ip", "dim": self.dim}
        else:
            nlist, nprobe = ivf_parameters(n)
            dense_index = ("dense", "IVF_FLAT", "IP", {"nlist": nlist})
            dense_params = {"type": "ivf-flat-ip", "dim": self.dim, "nlist": nlist, "nprobe": nprobe}
        rows = sparse_bm25_rows(contents.bm25_terms, self.bm25_params)
        self._vocab, self._df = rows.vocab, rows.df
        self._create(
            "passages",
            [
                *((f, *self.text) for f in ("doc_id", "title", "source", "heading", "text", "hash")),
                ("start", self.types.INT64, {}),
                ("end", self.types.INT64, {}),
                ("dense", self.types.FLOAT_VECTOR, {"dim": self.dim}),
                ("bm25", self.types.SPARSE_FLOAT_VECTOR, {}),
            ],
            [dense_index, ("bm25", "SPARSE_INVERTED_INDEX", "IP", {})],
            (
                {
                    "id": p.id,
                    "doc_id": p.doc_id,
                    "title": p.title,
                    "source": p.source,
                    "heading": p.heading,
                    "text": p.text,
                    "hash": h,
                    "start": p.start,
                    "end": p.end,
                    "dense": np.asarray(v, dtype=np.float32).tolist(),
                    "bm25": weights,
                }
                for p, h, v, weights in zip(contents.passages, contents.passage_hashes, contents.vectors, rows.rows)
            ),
        )
        return dense_params

    def sentences(self, contents: IndexContents) -> None:
        # Rounded as the local store keeps them, so both answer from the same numbers.
        vectors = np.asarray(stored_sentence_vectors(contents.sentence_vectors), dtype=np.float32)
        self._create(
            "sentences",
            [
                ("doc_id", *self.text),
                ("hash", *self.text),
                ("tokens", *self.text),
                ("start", self.types.INT64, {}),
                ("end", self.types.INT64, {}),
                ("vector", self.types.FLOAT_VECTOR, {"dim": self.dim}),
            ],
            [("vector", "FLAT", "IP", {}), ("doc_id", "INVERTED", "", {})],
            (
                {
                    "id": row,
                    "doc_id": s.doc_id,
                    "hash": s.hash,
                    "tokens": " ".join(s.tokens),
                    "start": s.start,
                    "end": s.end,
                    "vector": vector.tolist(),
                }
                for row, (s, vector) in enumerate(zip(contents.sentences, vectors))
            ),
        )

    def vocab_and_records(self, contents: IndexContents, manifest: Manifest) -> None:
        """The vocabulary, then the records, manifest last: the version is complete after it."""
        unused = ("unused", self.types.FLOAT_VECTOR, {"dim": 2})  # Milvus wants a vector field
        self._create(
            "vocab",
            [("term", *self.text), ("df", self.types.INT64, {}), unused],
            [("unused", "FLAT", "IP", {}), ("term", "INVERTED", "", {})],
            ({"id": i, "term": t, "df": int(self._df[i]), "unused": [0.0, 0.0]} for t, i in self._vocab.items()),
        )
        entries: list[tuple[str, str]] = []
        for d in contents.documents:
            fields = {"doc_id": d.doc_id, "title": d.title, "source": d.source}
            fields |= {"encoding": d.encoding, "sha256": d.sha256, "text": d.text}
            entries.append((f"document/{d.doc_id}", json.dumps(fields, ensure_ascii=False)))
            if d.provenance is not None:
                entries.append((f"provenance/{d.doc_id}", json.dumps(d.provenance.to_json(), ensure_ascii=False)))
        entries.append((PROFILE, contents.profile.to_toml()))
        if contents.profile.layer is not None:
            entries.append((PROFILE_LAYER, contents.profile.layer))
        entries.append(("manifest", json.dumps(manifest.to_dict(), ensure_ascii=False)))
        self._create(
            "records",
            [("key", *self.text), ("part", self.types.INT64, {}), ("chunk", *self.text), unused],
            [("unused", "FLAT", "IP", {}), ("key", "INVERTED", "", {})],
            record_rows(entries),
        )


def record_rows(entries: Sequence[tuple[str, str]]) -> Iterator[dict[str, Any]]:
    row = 0
    for key, text in entries:
        for part, begin in enumerate(range(0, max(len(text), 1), RECORD_PART_CHARS)):
            chunk = text[begin : begin + RECORD_PART_CHARS]
            yield {"id": row, "key": key, "part": part, "chunk": chunk, "unused": [0.0, 0.0]}
            row += 1
