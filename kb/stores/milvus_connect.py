"""Reaching Milvus: where an index lives (its URI and name), a checked client, the names of a
version's collections, and which version is live (the alias `<name>`). See milvus.py for how an
index is laid out in Milvus.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from kb.errors import KbError

MIN_SERVER_VERSION = (2, 4)  # sparse float vectors with inverted indexes
CONNECT_ATTEMPTS = 3
TOKEN_VARIABLE = "KB_MILVUS_TOKEN"
DEFAULT_NAME = "kb"
PARTS = ("passages", "sentences", "vocab", "records")  # the collections of one version
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


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


def pymilvus_module() -> Any:
    try:
        import pymilvus
    except ImportError as exc:
        raise KbError("the Milvus store needs the scale extra: pip install 'kb[scale]'") from exc
    # pymilvus logs every failed call with a traceback (its import sets that up); kb reports
    # each failure itself in one line, so its log is kept for what kb cannot report.
    for library in ("pymilvus", "milvus_lite"):
        logging.getLogger(library).setLevel(logging.CRITICAL)
    return pymilvus


def failure(location: MilvusLocation, exc: Exception) -> KbError:
    message = getattr(exc, "message", None) or str(exc)
    return KbError(f"Milvus at {location.shown}: {message.splitlines()[0] if message else type(exc).__name__}")


def connect(location: MilvusLocation) -> Any:
    """A client for the location, after checking the server is new enough; KbError if not."""
    pymilvus = pymilvus_module()
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
                raise failure(location, exc) from exc
            time.sleep(1)  # a server restarting, or a connection it just closed: try again
        except Exception as exc:  # grpc connection failures surface as assorted types
            raise failure(location, exc) from exc
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


def collection_name(name: str, version: str, part: str) -> str:
    return f"{name}_{version}_{part}"


def version_of(name: str, collection: str) -> str | None:
    """The version a collection of the index `name` belongs to; names from before microsecond stamps (14 digits) too."""
    match = re.fullmatch(rf"{re.escape(name)}_(v\d{{14}}(?:\d{{6}})?_[0-9a-f]{{6}})_({'|'.join(PARTS)})", collection)
    return match.group(1) if match else None


def literal(value: str | list[str]) -> str:
    """A string or list literal for a Milvus filter (JSON's escapes are Milvus's escapes too)."""
    return json.dumps(value, ensure_ascii=False)


def live_version(client: Any, name: str) -> str | None:
    """The version the alias `name` points at, or None when there is no such alias."""
    aliases = client.list_aliases().get("aliases", [])
    if name not in aliases:
        return None
    return version_of(name, client.describe_alias(name)["collection_name"])
