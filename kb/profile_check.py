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
from importlib import resources
from pathlib import Path
from typing import Any

from kb.stores.integrity import cache_root


def _passed_marker(data: Mapping[str, Any]) -> Path | None:
    """Where a pass of `data` is remembered; None for data JSON cannot write exactly (a TOML
    date, which the schema refuses anyway), so that no two values share a marker."""
    try:
        canonical = json.dumps(data, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return None
    digest = hashlib.sha256(resources.files("kb").joinpath("profile_schema.py").read_bytes())
    digest.update(canonical.encode("utf-8"))
    return cache_root() / "profiles-passed" / digest.hexdigest()[:32]


def problem(data: Mapping[str, Any]) -> str | None:
    """What is wrong with a parsed profile, in one line naming the key; None when it is valid."""
    marker = _passed_marker(data)
    if marker is not None and marker.is_file():
        return None
    from kb.profile_schema import problem as schema_problem  # pydantic: only for data not seen to pass

    fault = schema_problem(data)
    if fault is None and marker is not None:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # an unwritable cache only means checking again next time
    return fault
