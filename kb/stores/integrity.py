"""Checksums of index files, verified before a file is first used, remembered per machine.

A flipped bit in passages.sqlite turns 「销售」 into 「镀售」 without any error, so every file of an
index version is checked against the sha256 its manifest records before a process reads it.
Hashing is the cost (≈ 1–2 GB/s), so a file found intact is remembered in the user's cache
folder with its inode, size, mtime and ctime: any later write to the file — an edit, a flipped
bit, a copy over it — changes its ctime, which no user tool can set back, and it is hashed
again. The first process to open a version pays for hashing it; later ones pay a `stat` per file.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from kb.errors import KbError


def cache_root() -> Path:
    """kb's folder in the user's cache ($XDG_CACHE_HOME/kb, else ~/.cache/kb)."""
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kb"


def sha256_file(path: Path) -> str:
    """The file's sha256; KbError naming it when it cannot be read (its permissions, a disk
    error), which is the user's to fix, not a damaged index."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise KbError(
            f"cannot read index file {path}: {exc.strerror or exc}; give this user read access to the index folder"
        ) from None
    return digest.hexdigest()


def _stamp(stat: os.stat_result, sha256: str) -> list[int | str]:
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, sha256]


def _record_of(version_dir: Path) -> Path:
    key = hashlib.sha256(str(version_dir.resolve()).encode("utf-8")).hexdigest()[:20]
    return cache_root() / "verified" / f"{key}.json"


def forget(version_dir: Path) -> None:
    """Drop what is remembered about a version folder (it is being deleted)."""
    _record_of(version_dir).unlink(missing_ok=True)


class VerifiedFiles:
    """The files of one version folder already found intact on this machine."""

    def __init__(self, version_dir: Path) -> None:
        self.version_dir = version_dir
        self.record = _record_of(version_dir)
        try:
            self.stamps: dict[str, list[int | str]] = json.loads(self.record.read_text("utf-8"))
        except (OSError, ValueError):
            self.stamps = {}

    def check(self, rel: str, sha256: str, on_damage: KbError) -> None:
        """Raise `on_damage` unless the file's content has the recorded sha256."""
        path = self.version_dir / rel
        try:
            stat = path.stat()
        except OSError:
            raise on_damage from None
        if self.stamps.get(rel) == _stamp(stat, sha256):
            return
        if sha256_file(path) != sha256:
            raise on_damage
        self.stamps[rel] = _stamp(stat, sha256)
        self.save()

    def remember(self, rel: str, sha256: str) -> None:
        """Record a file just hashed by its writer (call `save` after the last one)."""
        self.stamps[rel] = _stamp((self.version_dir / rel).stat(), sha256)

    def save(self) -> None:
        """Write the record; an unwritable cache only means hashing again next time."""
        write_cache_file(self.record, lambda temporary: temporary.write_text(json.dumps(self.stamps), "utf-8"))


def write_cache_file(path: Path, write: Callable[[Path], object]) -> None:
    """Write a file of kb's cache with `write` under a temporary name and rename it into place,
    so a reader never sees half of it; a cache that cannot be written (a full disk, a read-only
    home) only costs its work again next time."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(temporary)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
