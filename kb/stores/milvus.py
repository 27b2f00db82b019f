"""An index kept in Milvus: Milvus Lite in a file, or a Milvus server or cluster by URI.

Milvus stores and searches; kb still analyses. Each passage's BM25 weights (kb's own jieba
terms of its script-folded text, scored by bm25s exactly as the local store scores them) go
in as a sparse vector over kb's vocabulary, and a question becomes a sparse vector of its terms
(synonyms at the profile's weight): the sparse inner product is then the local BM25 score.
Milvus's own BM25 function would analyse text itself — no script folding, not kb's dictionary
or synonyms, IDF per segment — and rank differently (see README, "Scaling out").

One index version is four collections, `<name>_<version>_<part>`:

    passages   id, doc_id, title, source, start, end, heading, text, hash, dense, bm25
    sentences  id (row), doc_id, start, end, hash, tokens, vector (float16 values, as local)
    vocab      id (a sparse dimension), term, df
    records    manifest, profile.toml, kb.toml, documents and their provenance, as JSON in parts

The alias `<name>` points at the live version's records collection: a new version is written
under a new name and the alias moves once it is complete, so readers keep the old version
until then. The version before the live one is kept too (a reader that opened it keeps
working through the next ingest); older ones are dropped.

This module reads an index; milvus_connect.py reaches Milvus, milvus_write.py writes versions.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from typing import Any

import numpy as np

from kb.errors import IndexDamaged, KbError
from kb.profile import Profile
from kb.provenance import Location, Provenance, ProvenanceCache
from kb.stores.base import PROFILE, PROFILE_LAYER, PROVENANCE_CACHE, ClosesOnExit, IndexContents, ManifestFacts, Ranking
from kb.stores.manifest import REBUILD_HINT, Manifest
from kb.stores.milvus_connect import (
    MilvusLocation,
    collection_name,
    connect,
    failure,
    literal,
    live_version,
    pymilvus_module,
)
from kb.stores.milvus_write import MilvusVersions
from kb.stores.passage_db import StoredDocument
from kb.stores.sentence_search import SENTENCES_PER_PASSAGE, passages_by_best_sentence
from kb.stores.swap import publish
from kb.types import KnownSentence, Passage, Progress

READ_BATCH = 1_000
SEARCH_LIMIT = 16_384  # the most rows one Milvus search or query returns
TERM_CACHE = 100_000  # vocabulary entries an open index remembers
_PASSAGE_FIELDS = ["id", "doc_id", "title", "source", "start", "end", "text", "heading"]


class MilvusIndex(ManifestFacts, ClosesOnExit):
    """The live version of an index in Milvus, read-only; implements base.IndexStore."""

    def __init__(self, store: str, client: Any | None = None) -> None:
        """`client`: one already connected to the store (else this connects)."""
        self._where = MilvusLocation.parse(store)
        self.client = client or connect(self._where)
        self._pymilvus = pymilvus_module()
        live = live_version(self.client, self._where.name)
        if live is None:
            self.client.close()
            raise KbError(f"no index named {self._where.name!r} in {store}: build one with `kb ingest --store {store}`")
        self._version = live
        self._loaded: set[str] = set()
        # A document's passages as (id, start, end), read once per document: this version never
        # changes, and sentence_ranking needs them for every question.
        self._passage_spans: dict[str, list[tuple[int, int, int]]] = {}
        raw = json.loads(self._record("manifest") or "null")
        self.manifest = Manifest.from_dict(raw, store)
        self._places = ProvenanceCache(self._provenance, PROVENANCE_CACHE)
        self._terms: dict[str, tuple[int, int] | None] = {}  # term → (sparse dimension, df)
        self._lock = threading.Lock()  # server threads share an open index

    @property
    def location(self) -> str:
        return self._where.shown

    @property
    def version(self) -> str:
        return self._version

    def _name(self, part: str) -> str:
        return collection_name(self._where.name, self._version, part)

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """A client call; Milvus's errors become one-line KbErrors naming the store."""
        try:
            return getattr(self.client, method)(*args, **kwargs)
        except self._pymilvus.MilvusException as exc:
            raise failure(self._where, exc) from exc

    def _loaded_name(self, part: str) -> str:
        """The collection of a part, loaded into memory on first use (after a restart, Milvus
        holds collections released)."""
        name = self._name(part)
        if part not in self._loaded:
            self._call("load_collection", name)
            self._loaded.add(part)
        return name

    def _query(self, part: str, filter: str, fields: list[str], limit: int | None = None) -> list[dict[str, Any]]:
        kwargs = {"limit": limit} if limit is not None else {}
        return list(self._call("query", self._loaded_name(part), filter=filter, output_fields=fields, **kwargs))

    def _record(self, key: str) -> str | None:
        rows = self._query("records", f"key == {literal(key)}", ["part", "chunk"])
        return "".join(row["chunk"] for row in sorted(rows, key=lambda r: r["part"])) if rows else None

    def _records(self, prefix: str) -> dict[str, str]:
        """Every record whose key starts with `prefix`, in the order they were written."""
        rows = self._query("records", f"key like {literal(prefix + '%')}", ["id", "key", "chunk"])
        joined: dict[str, list[str]] = {}
        for row in sorted(rows, key=lambda r: r["id"]):
            joined.setdefault(row["key"], []).append(row["chunk"])
        return {key[len(prefix) :]: "".join(parts) for key, parts in joined.items()}

    def _by_id_ranges(self, part: str, count: int, fields: list[str]) -> Iterator[dict[str, Any]]:
        """All rows of a collection whose ids are 0 … count-1, in id order, a batch at a time."""
        for begin in range(0, count, READ_BATCH):
            rows = self._query(part, f"id >= {begin} and id < {begin + READ_BATCH}", fields, limit=READ_BATCH)
            yield from sorted(rows, key=lambda r: r["id"])

    def is_live(self) -> bool:
        return live_version(self.client, self._where.name) == self._version

    def close(self) -> None:
        self.client.close()

    def verify(self) -> None:
        """Every collection of the version is there and holds the rows the manifest counts."""
        counts = self.manifest.counts
        for part, expected in (("passages", counts.passages), ("sentences", counts.sentences)):
            found = int(self._call("get_collection_stats", self._loaded_name(part))["row_count"])
            if found != expected:
                raise IndexDamaged(
                    f"index at {self.location} is damaged ({self._name(part)} holds {found} rows, "
                    f"the manifest says {expected}); {REBUILD_HINT}"
                )

    @cached_property
    def profile(self) -> Profile:
        text = self._record(PROFILE)
        if text is None:
            raise IndexDamaged(f"index at {self.location} is damaged ({PROFILE} missing); {REBUILD_HINT}")
        source = self.manifest.profile.source if self.manifest.profile else PROFILE
        return Profile.stored(text, source, self._record(PROFILE_LAYER))

    @property
    def has_sentence_vectors(self) -> bool:
        return True

    def passages(self, ids: Iterable[int] | None = None) -> list[Passage]:
        if ids is None:
            rows = list(self._by_id_ranges("passages", self.passage_count, _PASSAGE_FIELDS))
        else:
            wanted = [int(i) for i in ids]
            found = {
                row["id"]: row
                for row in self._query("passages", f"id in {wanted}", _PASSAGE_FIELDS, limit=max(len(wanted), 1))
            }
            rows = [found[i] for i in wanted]
        return [
            Passage(
                row["id"],
                row["doc_id"],
                row["title"],
                row["source"],
                row["start"],
                row["end"],
                row["text"],
                row["heading"],
                self.locate(row["doc_id"], row["start"], row["end"]),
            )
            for row in rows
        ]

    def _provenance(self, doc_id: str) -> Provenance | None:
        text = self._record(f"provenance/{doc_id}")
        return Provenance.from_json(*json.loads(text)) if text else None

    def locate(self, doc_id: str, start: int, end: int) -> Location | None:
        return self._places.locate(doc_id, start, end)

    def documents(self) -> list[StoredDocument]:
        return [StoredDocument(**json.loads(text)) for text in self._records("document/").values()]

    def sentences_in(self, passage: Passage) -> dict[tuple[int, int], KnownSentence]:
        rows = self._query(
            "sentences",
            f"doc_id == {literal(passage.doc_id)} and start >= {passage.start} and start < {passage.end}",
            ["start", "end", "tokens", "vector"],
            limit=READ_BATCH,
        )
        return {
            (row["start"], row["end"]): KnownSentence(
                np.asarray(row["vector"], dtype=np.float32), frozenset(row["tokens"].split())
            )
            for row in sorted(rows, key=lambda r: r["start"])
            if row["end"] <= passage.end
        }

    def vectors_by_hash(self) -> dict[str, np.ndarray]:
        rows = self._by_id_ranges("passages", self.passage_count, ["id", "hash", "dense"])
        return {row["hash"]: np.asarray(row["dense"], dtype=np.float32) for row in rows}

    def sentence_vectors_by_hash(self) -> dict[str, np.ndarray]:
        rows = self._by_id_ranges("sentences", self.manifest.counts.sentences, ["id", "hash", "vector"])
        return {row["hash"]: np.asarray(row["vector"], dtype=np.float32) for row in rows}

    def _term_entries(self, terms: Iterable[str]) -> dict[str, tuple[int, int] | None]:
        """Each term's sparse dimension and document frequency (None if the index never saw it)."""
        terms = list(dict.fromkeys(terms))
        with self._lock:
            missing = [t for t in terms if t not in self._terms]
        found: dict[str, tuple[int, int] | None] = dict.fromkeys(missing)
        for begin in range(0, len(missing), READ_BATCH):
            batch = missing[begin : begin + READ_BATCH]
            for row in self._query("vocab", f"term in {literal(batch)}", ["id", "term", "df"], limit=len(batch)):
                found[row["term"]] = (int(row["id"]), int(row["df"]))
        with self._lock:
            if len(self._terms) + len(found) > TERM_CACHE:
                self._terms.clear()
            self._terms.update(found)
            return {t: self._terms.get(t, found.get(t)) for t in terms}

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        return {t: entry[1] if entry else 0 for t, entry in self._term_entries(terms).items()}

    def bm25_ranking(self, query: Mapping[str, float], n: int) -> Ranking:
        entries = self._term_entries(query)
        sparse = {entry[0]: float(query[t]) for t, entry in entries.items() if entry and query[t] > 0}
        if not sparse:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return self._search("bm25", sparse, n)

    def dense_ranking(self, vector: np.ndarray, n: int) -> Ranking:
        return self._search("dense", np.asarray(vector, dtype=np.float32).reshape(-1).tolist(), n)

    def sentence_ranking(self, vector: np.ndarray, n: int) -> Ranking:
        wanted = min(SENTENCES_PER_PASSAGE * n, SEARCH_LIMIT, self.manifest.counts.sentences)
        if not self.has_sentence_vectors or wanted == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        found = self._call(
            "search",
            self._loaded_name("sentences"),
            [np.asarray(vector, dtype=np.float32).reshape(-1).tolist()],
            anns_field="vector",
            limit=wanted,
            search_params={"metric_type": "IP"},
            output_fields=["doc_id", "start", "end"],
        )[0]
        sentences = [(float(h["distance"]), h["entity"]) for h in found]
        passages = self._passages_of({s["doc_id"] for _, s in sentences})
        return passages_by_best_sentence(
            (
                (
                    score,
                    [
                        pid
                        for pid, start, end in passages.get(s["doc_id"], ())
                        if start <= s["start"] and s["end"] <= end
                    ],
                )
                for score, s in sentences
            ),
            n,
        )

    def _passages_of(self, docs: set[str]) -> dict[str, list[tuple[int, int, int]]]:
        """The (id, start, end) of the passages of `docs`, each document read from the store once."""
        unread = sorted(docs - self._passage_spans.keys())
        for begin in range(0, len(unread), READ_BATCH):
            batch = unread[begin : begin + READ_BATCH]
            for doc in batch:
                self._passage_spans[doc] = []
            chosen = ", ".join(literal(d) for d in batch)
            for row in self._query("passages", f"doc_id in [{chosen}]", ["id", "doc_id", "start", "end"], SEARCH_LIMIT):
                self._passage_spans[row["doc_id"]].append((row["id"], row["start"], row["end"]))
        return self._passage_spans

    def _search(self, field: str, query: Any, n: int) -> Ranking:
        params: dict[str, Any] = {"metric_type": "IP"}
        if field == "dense" and "nprobe" in self.manifest.dense_index:
            params["params"] = {"nprobe": self.manifest.dense_index["nprobe"]}
        found = self._call(
            "search",
            self._loaded_name("passages"),
            [query],
            anns_field=field,
            limit=n,
            search_params=params,
            output_fields=["id"],
        )[0]
        hits = sorted(((float(h["distance"]), int(h["id"])) for h in found), key=lambda h: (-h[0], h[1]))
        hits = [h for h in hits if h[0] > 0] if field == "bm25" else hits
        return np.array([h[1] for h in hits], dtype=np.int64), np.array([h[0] for h in hits], dtype=np.float32)


class MilvusBackend:
    """Indexes in Milvus (implements base.StoreBackend): `milvus://FILE.db` (Milvus Lite) and
    `http(s)://HOST:PORT` (a server), each with an optional `?name=INDEX_NAME`."""

    def open(self, location: str) -> MilvusIndex:
        return MilvusIndex(location)

    def previous(self, location: str) -> MilvusIndex | None:
        """The live index, or None when the store holds none yet. Unlike a damaged local
        folder, an unreachable server is an error, not "no index": rebuilding would re-embed all."""
        where = MilvusLocation.parse(location)
        client = connect(where)
        if live_version(client, where.name) is None:
            client.close()
            return None
        return MilvusIndex(location, client)

    def check_writable(self, location: str) -> None:
        """Only that the URI can work: Milvus reports its own errors when written."""
        MilvusLocation.parse(location)

    def versions(self, location: str) -> list[str]:
        slots = MilvusVersions(location)
        with slots.session():
            return slots.versions()

    def write(
        self, location: str, contents: IndexContents, manifest: Manifest, progress: Progress | None = None
    ) -> str:
        """Writing reports its rows as the "store" stage of `progress`."""
        return publish(MilvusVersions(location), contents, manifest, progress)
