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
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import numpy as np

from kb.errors import IndexDamaged, KbError
from kb.profile import Profile
from kb.provenance import Location, Provenance, ProvenanceCache
from kb.stores.base import ClosesOnExit, ManifestFacts, Ranking
from kb.stores.bm25_index import build_bm25
from kb.stores.local import PROFILE, PROFILE_LAYER, PROVENANCE_CACHE, IndexContents, stored_sentence_vectors
from kb.stores.manifest import REBUILD_HINT, Manifest
from kb.stores.passage_db import StoredDocument
from kb.stores.vector_index import EXACT_SEARCH_LIMIT, ivf_parameters
from kb.types import KnownSentence, Passage, Progress

MIN_SERVER_VERSION = (2, 4)  # sparse float vectors with inverted indexes
CONNECT_ATTEMPTS = 3
TOKEN_VARIABLE = "KB_MILVUS_TOKEN"
DEFAULT_NAME = "kb"
VARCHAR = 65_535  # Milvus's largest VARCHAR, in bytes
RECORD_PART_CHARS = 16_000  # ≤ 4 bytes a character in UTF-8: a part always fits a VARCHAR
INSERT_BATCH = 500
READ_BATCH = 1_000
TERM_CACHE = 100_000  # vocabulary entries an open index remembers
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_PASSAGE_FIELDS = ["id", "doc_id", "title", "source", "start", "end", "text", "heading"]


@dataclass(frozen=True)
class MilvusLocation:
    """Where an index lives in Milvus: the client URI, the index's name, and how to say it."""

    uri: str  # a .db file for Milvus Lite, or http(s)://host:port
    name: str
    shown: str  # the store URI as the user gave it

    @classmethod
    def parse(cls, store: str) -> MilvusLocation:
        """`milvus://PATH.db[?name=N]` (Milvus Lite) or `http(s)://HOST:PORT[?name=N]`."""
        scheme, _, rest = store.partition("://")
        target, _, query = rest.partition("?")
        options = parse_qs(query, keep_blank_values=True)
        unknown = sorted(set(options) - {"name"})
        if unknown:
            raise KbError(f"--store {store}: unknown option {unknown[0]!r}; the only one is ?name=INDEX_NAME")
        names = options.get("name", [DEFAULT_NAME])
        if len(names) > 1:
            raise KbError(f"--store {store}: name= is given {len(names)} times; give one")
        name = names[0]
        if not _NAME.match(name):
            raise KbError(f"--store {store}: name={name!r} must be letters, digits and _ (not starting with a digit)")
        if scheme.lower() == "milvus":
            if not target.endswith(".db"):
                raise KbError(f"--store {store}: Milvus Lite needs a file ending in .db, e.g. milvus://./kb-milvus.db")
            return cls(str(Path(target).expanduser().resolve()), name, store)
        if not target or "/" in target.strip("/"):
            raise KbError(f"--store {store}: give the server as http://HOST:PORT (e.g. http://127.0.0.1:19530)")
        return cls(f"{scheme.lower()}://{target.strip('/')}", name, store)


def _pymilvus() -> Any:
    try:
        import pymilvus
    except ImportError as exc:
        raise KbError("the Milvus store needs the scale extra: pip install 'kb[scale]'") from exc
    # pymilvus logs every failed call with a traceback (its import sets that up); kb reports
    # each failure itself in one line, so its log is kept for what kb cannot report.
    for library in ("pymilvus", "milvus_lite"):
        logging.getLogger(library).setLevel(logging.CRITICAL)
    return pymilvus


def _failure(location: MilvusLocation, exc: Exception) -> KbError:
    message = getattr(exc, "message", None) or str(exc)
    return KbError(f"Milvus at {location.shown}: {message.splitlines()[0] if message else type(exc).__name__}")


def connect(location: MilvusLocation) -> Any:
    """A client for the location, after checking the server is new enough; KbError if not."""
    pymilvus = _pymilvus()
    if location.uri.endswith(".db"):
        Path(location.uri).parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(CONNECT_ATTEMPTS):
        try:
            # A connection of its own, not pinged while idle: pymilvus shares one per URI (kept
            # after close) and gRPC one TCP connection per target, pinged every 10 s, and a
            # Milvus Lite server closes a connection pinged while idle (GOAWAY too_many_pings);
            # the next client on it could not connect.
            client = pymilvus.MilvusClient(
                uri=location.uri,
                token=os.environ.get(TOKEN_VARIABLE, ""),
                timeout=30,
                dedicated=True,
                grpc_options={"grpc.use_local_subchannel_pool": 1, "grpc.keepalive_permit_without_calls": 0},
            )
            version = str(client.get_server_version())
            break
        except pymilvus.MilvusException as exc:
            if location.uri.endswith(".db") and "Open local milvus failed" in str(exc):
                raise KbError(
                    f"Milvus Lite file {location.uri} is open in another process (Milvus Lite serves one process "
                    f"at a time): stop it, or serve the file with `milvus-lite server --data-dir {location.uri}` "
                    "and use --store http://127.0.0.1:19530"
                ) from exc
            if attempt + 1 == CONNECT_ATTEMPTS or "Fail connecting" not in str(exc):
                raise _failure(location, exc) from exc
            time.sleep(1)  # a server restarting, or a connection it just closed: try again
        except Exception as exc:  # grpc connection failures surface as assorted types
            raise _failure(location, exc) from exc
    if not version.startswith("milvus_lite"):
        found = tuple(int(part) for part in re.findall(r"\d+", version)[:2])
        if found < MIN_SERVER_VERSION:
            client.close()
            wanted = ".".join(map(str, MIN_SERVER_VERSION))
            raise KbError(
                f"Milvus at {location.shown} is version {version}; kb needs {wanted} or newer "
                "(sparse vectors for BM25): upgrade the server"
            )
    return client


def _collection(name: str, version: str, part: str) -> str:
    return f"{name}_{version}_{part}"


def _version_of(name: str, collection: str) -> str | None:
    match = re.fullmatch(rf"{re.escape(name)}_(v\d{{14}}_[0-9a-f]{{6}})_(passages|sentences|vocab|records)", collection)
    return match.group(1) if match else None


def _literal(value: str | list[str]) -> str:
    """A string or list literal for a Milvus filter (JSON's escapes are Milvus's escapes too)."""
    return json.dumps(value, ensure_ascii=False)


class MilvusIndex(ManifestFacts, ClosesOnExit):
    """The live version of an index in Milvus, read-only; implements index_store.IndexStore."""

    def __init__(self, store: str, client: Any | None = None) -> None:
        """`client`: one already connected to the store (else this connects)."""
        self._where = MilvusLocation.parse(store)
        self.client = client or connect(self._where)
        self._pymilvus = _pymilvus()
        live = _live_version(self.client, self._where.name)
        if live is None:
            self.client.close()
            raise KbError(f"no index named {self._where.name!r} in {store}: build one with `kb ingest --store {store}`")
        self._version = live
        self._loaded: set[str] = set()
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
        return _collection(self._where.name, self._version, part)

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """A client call; Milvus's errors become one-line KbErrors naming the store."""
        try:
            return getattr(self.client, method)(*args, **kwargs)
        except self._pymilvus.MilvusException as exc:
            raise _failure(self._where, exc) from exc

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
        rows = self._query("records", f"key == {_literal(key)}", ["part", "chunk"])
        return "".join(row["chunk"] for row in sorted(rows, key=lambda r: r["part"])) if rows else None

    def _records(self, prefix: str) -> dict[str, str]:
        """Every record whose key starts with `prefix`, in the order they were written."""
        rows = self._query("records", f"key like {_literal(prefix + '%')}", ["id", "key", "chunk"])
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
        return _live_version(self.client, self._where.name) == self._version

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
            f"doc_id == {_literal(passage.doc_id)} and start >= {passage.start} and start < {passage.end}",
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
            for row in self._query("vocab", f"term in {_literal(batch)}", ["id", "term", "df"], limit=len(batch)):
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


def _live_version(client: Any, name: str) -> str | None:
    """The version the alias `name` points at, or None when there is no such alias."""
    aliases = client.list_aliases().get("aliases", [])
    if name not in aliases:
        return None
    return _version_of(name, client.describe_alias(name)["collection_name"])


def previous_milvus_index(store: str) -> MilvusIndex | None:
    """The live index at the store, or None when it holds none yet. Unlike a damaged local
    folder, an unreachable server is an error, not "no index": rebuilding would re-embed all."""
    location = MilvusLocation.parse(store)
    client = connect(location)
    if _live_version(client, location.name) is None:
        client.close()
        return None
    return MilvusIndex(store, client)


def write_milvus_version(
    store: str, contents: IndexContents, manifest: Manifest, progress: Progress | None = None
) -> None:
    """Write a new version's collections, then move the alias to it; on any failure drop what
    was written and leave the live version as it was."""
    location = MilvusLocation.parse(store)
    client = connect(location)
    pymilvus = _pymilvus()
    version = f"v{time.strftime('%Y%m%d%H%M%S')}_{secrets.token_hex(3)}"
    writer = _VersionWriter(client, pymilvus, location.name, version, manifest, progress)
    writer.total = len(contents.passages) + len(contents.sentences)
    try:
        dense_params = writer.passages(contents)
        writer.sentences(contents)
        writer.vocab_and_records(contents, replace(manifest, dense_index=dense_params, files={}, store="milvus"))
        previous = _live_version(client, location.name)
        if previous is None:
            client.create_alias(writer.written[-1], location.name)
        else:
            client.alter_alias(writer.written[-1], location.name)
        _drop_old_versions(client, location.name, keep={version, previous})
    except pymilvus.MilvusException as exc:
        _drop(client, writer.written)
        raise KbError(f"cannot write the index: {_failure(location, exc)}; the previous index is unchanged") from exc
    except BaseException:
        _drop(client, writer.written)
        raise
    finally:
        client.close()


def _drop(client: Any, collections: Sequence[str]) -> None:
    for collection in collections:
        try:
            client.drop_collection(collection)
        except Exception:  # best effort: the next ingest drops leftovers too
            pass


def _drop_old_versions(client: Any, name: str, keep: set[str | None]) -> None:
    """Drop versions older than the newest kept one and not kept (a newer one may be an
    ingest still writing)."""
    newest = max(v for v in keep if v)
    for collection in client.list_collections():
        version = _version_of(name, collection)
        if version and version not in keep and version < newest:
            client.drop_collection(collection)


class _VersionWriter:
    """Creates and fills the collections of one new version."""

    def __init__(
        self, client: Any, pymilvus: Any, name: str, version: str, manifest: Manifest, progress: Progress | None
    ) -> None:
        self.client, self.types = client, pymilvus.DataType
        self.text: tuple[Any, dict[str, Any]] = (self.types.VARCHAR, {"max_length": VARCHAR})  # a text field
        self.name, self.version = name, version
        self.dim, self.bm25_params = manifest.model.dim, manifest.bm25
        self.written: list[str] = []  # collection names, so a failure can drop them
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
        collection = _collection(self.name, self.version, part)
        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", self.types.INT64, is_primary=True)
        for field_name, kind, options in fields:
            schema.add_field(field_name, kind, **options)
        self.written.append(collection)
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
        rows = _bm25_rows(contents.bm25_terms, self.bm25_params)
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
            _record_rows(entries),
        )


def _record_rows(entries: Sequence[tuple[str, str]]) -> Iterator[dict[str, Any]]:
    row = 0
    for key, text in entries:
        for part, begin in enumerate(range(0, max(len(text), 1), RECORD_PART_CHARS)):
            chunk = text[begin : begin + RECORD_PART_CHARS]
            yield {"id": row, "key": key, "part": part, "chunk": chunk, "unused": [0.0, 0.0]}
            row += 1


@dataclass(frozen=True)
class _Bm25Rows:
    """Each passage's BM25 weights by term id, the vocabulary and each term's df."""

    rows: list[dict[int, float]]
    vocab: dict[str, int]
    df: np.ndarray


def _bm25_rows(passage_terms: list[list[str]], params: dict[str, float]) -> _Bm25Rows:
    """bm25s's per-term scores, turned around into one sparse row per passage. Milvus refuses
    an empty sparse vector: a passage with no weighted term gets a dimension no query uses."""
    bm25 = build_bm25(passage_terms, params)
    vocab: dict[str, int] = {str(t): int(i) for t, i in bm25.vocab_dict.items()}
    data, indices, indptr = (np.asarray(bm25.scores[k]) for k in ("data", "indices", "indptr"))
    terms_of = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    rows: list[dict[int, float]] = [{} for _ in passage_terms]
    for passage, term, score in zip(indices.tolist(), terms_of.tolist(), data.tolist()):
        if score > 0:
            rows[passage][term] = score
    unused = len(vocab)
    rows = [row or {unused: 1.0} for row in rows]
    df = np.zeros(len(vocab), dtype=np.int64)
    df[: len(indptr) - 1] = np.diff(indptr)
    return _Bm25Rows(rows, vocab, df)
