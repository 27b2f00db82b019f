"""Which store serves a location: its scheme (`milvus://…`, `http://…`) names a store
registered through kb.plugins' `register_stores` hook; a location with no scheme is a folder
(the store registered as "file"). Ingest and `KnowledgeBase.open` go through here only, so a
plug-in store is used exactly like a built-in one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import KbError
from kb.plugins import registered

if TYPE_CHECKING:
    from kb.stores.base import IndexContents, IndexStore, StoreBackend
    from kb.stores.manifest import Manifest
    from kb.types import Progress

FOLDER_SCHEME = "file"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def scheme_of(location: str | Path) -> str:
    """The scheme a location names its store by ("file" for a folder path)."""
    found = _SCHEME.match(location) if isinstance(location, str) else None
    return found.group(1).lower() if found else FOLDER_SCHEME


def is_store_uri(location: str | Path) -> bool:
    """Whether the location names a store by a URI rather than being a folder path."""
    return scheme_of(location) != FOLDER_SCHEME


def backend_for(location: str | Path) -> StoreBackend:
    """The store that serves the location; KbError naming the schemes there are if none does."""
    stores = registered("stores")
    scheme = scheme_of(location)
    if scheme not in stores:
        known = ", ".join(f"{s}://" for s in sorted(stores) if s != FOLDER_SCHEME)
        raise KbError(
            f"no kb store serves {scheme}:// locations ({location}); give a folder or one of {known}, "
            "or install the plug-in that provides it"
        )
    backend: StoreBackend = stores[scheme]
    return backend


def open_index(location: str | Path) -> IndexStore:
    """The live version of the index at a folder or store URI."""
    return backend_for(location).open(str(location))


def previous_index(location: str | Path) -> IndexStore | None:
    """The live index at a location, or None if there is none yet."""
    return backend_for(location).previous(str(location))


def check_writable(location: str | Path) -> None:
    """KbError now when the index at a location could not be written (a read-only folder,
    another ingest holding it, a URI that cannot work)."""
    backend_for(location).check_writable(str(location))


def write_index(
    location: str | Path, contents: IndexContents, manifest: Manifest, progress: Progress | None = None
) -> str:
    """Write a new version and make it live once complete; the old one answers until then.
    Returns the new version's name."""
    return backend_for(location).write(str(location), contents, manifest, progress)


def index_versions(location: str | Path) -> list[str]:
    """The versions kept at a location, oldest first."""
    return backend_for(location).versions(str(location))
