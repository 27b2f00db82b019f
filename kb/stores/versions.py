"""Versions of an index folder: build beside the live one, then swap it in atomically.

    CURRENT              name of the live version folder (replaced atomically)
    .lock                held while an ingest writes
    v-<time>-<rand>/     one complete, immutable version

A new version is written beside the live one and becomes live by replacing CURRENT, so a
failed, interrupted or killed ingest never touches what readers use. A reader pins the version
it opened (a shared lock on its folder) for as long as it has it open, and an ingest deletes
only versions no one pins, so a reader never loses files it is about to read. What is inside a
version is local.py's business; swap.py runs the steps in order.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import KbError
from kb.stores.integrity import forget
from kb.stores.swap import version_name

if TYPE_CHECKING:
    from kb.stores.base import IndexContents
    from kb.stores.manifest import Manifest
    from kb.types import Progress

FolderWriter = Callable[[Path, "IndexContents", "Manifest"], None]

CURRENT = "CURRENT"
VERSION_PREFIX = "v-"
PIN_ATTEMPTS = 20  # times a reader re-reads CURRENT when an ingest removes what it named


def live_version(index_dir: Path) -> str | None:
    """The name of the live version folder, or None when there is none (or CURRENT is unreadable)."""
    try:
        return (Path(index_dir) / CURRENT).read_text("utf-8").strip() or None
    except OSError:
        return None


class PinnedVersion:
    """A version folder held open with a shared lock: no ingest deletes it while this lives.

    The lock goes with the object (closed on `close()` or when it is garbage-collected)."""

    def __init__(self, path: Path, descriptor: int) -> None:
        self.path = path
        self._close = weakref.finalize(self, os.close, descriptor)

    def close(self) -> None:
        self._close()


def pin_live_version(index_dir: Path) -> PinnedVersion | None:
    """Pin the live version; None when the folder has no live version.

    CURRENT is read, the version folder opened and share-locked, then checked to be still
    there: an ingest may have swapped and deleted it in between, and then CURRENT names a
    newer one."""
    for _ in range(PIN_ATTEMPTS):
        name = live_version(index_dir)
        if name is None:
            return None
        path = Path(index_dir) / name
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            continue
        fcntl.flock(descriptor, fcntl.LOCK_SH)
        if path.is_dir() and any(path.iterdir()):
            return PinnedVersion(path, descriptor)
        os.close(descriptor)  # deleted while we waited for the lock: read CURRENT again
    raise KbError(f"index at {index_dir} keeps changing under kb (ingests in a loop?); try again")


def _remove_unpinned(path: Path) -> None:
    """Delete a version folder unless a reader pins it (the next ingest will try again)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return
    try:
        forget(path)
        shutil.rmtree(path, ignore_errors=True)
    finally:
        os.close(descriptor)


def fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())


class FolderVersions:
    """The versions of an index folder, as swap.publish drives them (implements VersionSlots).

    An exclusive lock on .lock is held while writing, so two ingests cannot interleave; CURRENT
    is replaced atomically; a version a reader pins is never dropped. The pins protect readers,
    so only the live version is kept."""

    keeps_previous = False

    def __init__(self, index_dir: Path, write: FolderWriter | None = None) -> None:
        """`write` fills a new version folder (local.py's `write_version`); without it, the
        versions can be listed but not written."""
        self.index_dir = Path(index_dir)
        self._write = write

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        _check_writable_target(self.index_dir)
        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            lock = (self.index_dir / ".lock").open("a")
        except OSError as exc:
            raise self._unwritable(exc) from exc
        with lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise KbError(f"another `kb ingest` is writing {self.index_dir}; wait for it to finish") from exc
            _remove_stale_versions(self.index_dir)  # room on the disk before writing
            yield

    def _unwritable(self, exc: OSError) -> KbError:
        return KbError(
            f"cannot write to index folder {self.index_dir}: {exc.strerror or exc}; choose a writable --index"
        )

    def live(self) -> str | None:
        return live_version(self.index_dir)

    def versions(self) -> list[str]:
        if not self.index_dir.is_dir():
            return []
        return sorted(p.name for p in self.index_dir.iterdir() if p.name.startswith(VERSION_PREFIX) and p.is_dir())

    def new_version(self) -> str:
        version = version_name(VERSION_PREFIX, "-")
        try:
            (self.index_dir / version).mkdir()
        except OSError as exc:
            raise self._unwritable(exc) from exc
        return version

    def fill(self, version: str, contents: IndexContents, manifest: Manifest, progress: Progress | None) -> None:
        """Write the version folder, then flush it to the disk before it can become live."""
        if self._write is None:
            raise TypeError("FolderVersions was made without a writer: it can only list and drop versions")
        self._write(self.index_dir / version, contents, manifest)
        fsync_tree(self.index_dir / version)

    def swap(self, version: str) -> None:
        pointer = self.index_dir / f".{CURRENT}.{version}"
        pointer.write_text(version + "\n", "utf-8")
        with pointer.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(pointer, self.index_dir / CURRENT)

    def drop(self, version: str) -> None:
        _remove_unpinned(self.index_dir / version)
        (self.index_dir / f".{CURRENT}.{version}").unlink(missing_ok=True)

    def failure(self, error: BaseException) -> KbError | None:
        """Disk full, quota, permissions: one line, and the old index stays live."""
        if not isinstance(error, OSError):
            return None
        return KbError(
            f"cannot write the index in {self.index_dir}: {error.strerror or error}; the previous index is unchanged"
        )


def check_writable(index_dir: Path) -> None:
    """Say now, before an ingest reads and embeds the corpus, what `writing` would refuse at
    the end: a folder this user cannot write, or one another ingest holds. Nothing is created;
    `writing` still takes the lock for real (an ingest that starts in between is refused then)."""
    _check_writable_target(index_dir)
    existing = next(folder for folder in (index_dir, *index_dir.parents) if folder.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise KbError(f"cannot write to index folder {index_dir}: {existing} is read-only; choose a writable --index")
    try:
        descriptor = os.open(index_dir / ".lock", os.O_RDONLY)
    except OSError:
        return  # no lock file: no ingest has written here, or the folder is new
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        raise KbError(f"another `kb ingest` is writing {index_dir}; wait for it to finish") from exc
    finally:
        os.close(descriptor)  # closing releases the probe's lock


def _check_writable_target(index_dir: Path) -> None:
    """Refuse to write into a folder that holds something other than a kb index."""
    if index_dir.exists() and not index_dir.is_dir():
        raise KbError(f"--index {index_dir} is a file; give a folder path")
    if index_dir.is_dir() and not (index_dir / CURRENT).exists():
        foreign = [p.name for p in index_dir.iterdir() if not p.name.startswith((".", VERSION_PREFIX))]
        if foreign:
            raise KbError(f"--index {index_dir} is not empty and is not a kb index; choose an empty or new folder")


def _remove_stale_versions(index_dir: Path) -> None:
    """Remove version folders other than the live one (left by earlier or killed ingests) that
    no reader pins."""
    live = live_version(index_dir)
    for path in index_dir.iterdir():
        if path.name.startswith(VERSION_PREFIX) and path.name != live:
            _remove_unpinned(path)
        elif path.name.startswith(f".{CURRENT}."):
            path.unlink(missing_ok=True)
