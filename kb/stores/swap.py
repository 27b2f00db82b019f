"""Writing a new version beside the live one, swapping it in, and retiring old ones: the
sequence every store follows, written once.

A store says how to do each step with its own versions (`VersionSlots`): a folder per version
and a CURRENT file (versions.py), or collections per version and an alias (milvus_write.py).
`publish` runs them in the one safe order: the new version is complete before it becomes live,
a failure drops what was written and leaves the live one as it was, and versions are retired
only once the new one is live.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kb.errors import KbError
    from kb.stores.base import IndexContents
    from kb.stores.manifest import Manifest
    from kb.types import Progress


class VersionSlots(Protocol):
    """One store location's versions, as `publish` drives them."""

    keeps_previous: bool
    """Whether the version before the live one is kept too: a store that cannot tell which
    versions readers hold keeps one more, so a reader that opened it survives the next ingest."""

    def session(self) -> AbstractContextManager[None]:
        """Held while a version is written (a lock, a connection); KbError if writing is refused."""

    def live(self) -> str | None:
        """The live version's name, or None when there is none."""

    def versions(self) -> list[str]:
        """Every version kept, oldest first (names sort by their creation time)."""

    def new_version(self) -> str:
        """Name (and make room for) a new, empty version."""

    def fill(self, version: str, contents: IndexContents, manifest: Manifest, progress: Progress | None) -> None:
        """Write everything of the version; it is not live yet."""

    def swap(self, version: str) -> None:
        """Make the complete version live, atomically for readers."""

    def drop(self, version: str) -> None:
        """Remove a version, unless a reader still holds it (the next ingest tries again)."""

    def failure(self, error: BaseException) -> KbError | None:
        """The one-line error to raise for a storage failure while writing (None: raise as is)."""


def version_name(prefix: str, separator: str) -> str:
    """A new version's name: the time to the microsecond, then a random tag. Versions written
    later sort later — `retired` relies on it (two ingests in one second once sorted by their tags)."""
    now = time.time()
    stamp = time.strftime("%Y%m%d%H%M%S", time.localtime(now)) + f"{int(now % 1 * 1_000_000):06d}"
    return f"{prefix}{stamp}{separator}{secrets.token_hex(3)}"


def retired(versions: Iterable[str], keep: set[str | None]) -> list[str]:
    """The versions to drop: those older than the newest kept one and not kept themselves (a
    newer one may be another ingest's, still being written)."""
    newest = max(v for v in keep if v)
    return [v for v in versions if v not in keep and v < newest]


def publish(slots: VersionSlots, contents: IndexContents, manifest: Manifest, progress: Progress | None = None) -> str:
    """Write a new version, make it live once complete, retire what is no longer needed; on any
    failure drop what was written and leave the live version as it was. Returns the new name."""
    with slots.session():
        previous = slots.live()
        version = slots.new_version()
        try:
            slots.fill(version, contents, manifest, progress)
            slots.swap(version)
        except BaseException as error:
            slots.drop(version)
            failure = slots.failure(error)
            if failure is None:
                raise
            raise failure from error
        keep: set[str | None] = {version, previous} if slots.keeps_previous else {version}
        for old in retired(slots.versions(), keep):
            slots.drop(old)
    return version
