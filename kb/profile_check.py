"""Whether a profile's data passes the schema (kb/profile_schema.py), remembered per machine.

Checking imports pydantic and builds the schema's validators (≈ 0.14 s), and every `kb ask`
checks the shipped profile and the one its index stored: a seventh of a cold question. Data
that passed is remembered in the user's cache under the hash of that data and of the schema's
source, so the same data under the same schema passes again without loading pydantic, and a
newer kb whose schema changed checks again. Data that fails is never remembered: its error
is always the schema's own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from kb.stores.integrity import cache_root, write_cache_file


def _passed_marker(data: Mapping[str, Any]) -> Path | None:
    """Where a pass of `data` is remembered; None for data JSON cannot write exactly (a TOML
    date, which the schema refuses anyway), so that no two values share a marker."""
    try:
        canonical = json.dumps(data, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return None
    digest = hashlib.sha256(_schema_source())
    digest.update(canonical.encode("utf-8"))
    return cache_root() / "profiles-passed" / digest.hexdigest()[:32]


@lru_cache(maxsize=1)
def _schema_source() -> bytes:
    """The schema's source, read once per process (a question checks three profiles)."""
    return resources.files("kb").joinpath("profile_schema.py").read_bytes()


def problem(data: Mapping[str, Any]) -> str | None:
    """What is wrong with a parsed profile, in one line naming the key; None when it is valid."""
    marker = _passed_marker(data)
    if marker is not None and marker.is_file():
        return None
    from kb.profile_schema import problem as schema_problem  # pydantic: only for data not seen to pass

    fault = schema_problem(data)
    if fault is None and marker is not None:
        write_cache_file(marker, Path.touch)  # an unwritable cache only means checking again next time
    return fault
