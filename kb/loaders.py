"""Files → `Document`s: find the files under the corpus paths, extract their text in their
format (formats/), and say which were skipped and why."""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from . import formats
from .decoding import NotTextError, decode
from .errors import KbError
from .types import Document, Warn

PROFILE_FILE = "kb.toml"  # a corpus folder's profile (kb/profile.py), never indexed
# Lock, swap and temporary files that Office, LibreOffice and editors leave beside a document
# while it is open (「~$任务5.docx」, 「.~lock.任务5.docx#」, 「.notes.md.swp」): not documents,
# so skipped without a warning and only counted.
_TEMPORARY = re.compile(r"^(?:~\$.*|\.~lock\..*#|.*\.(?:tmp|swp|swo)|.*~)$", re.IGNORECASE | re.DOTALL)

# Greedy up to the last non-space character (a lazy group followed by \s* would rescan a long
# run of spaces from each of its characters); closing #s are stripped in code.
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*\S)")
TITLE_MAX_CHARS = 80


@dataclass
class LoadResult:
    """What `load_paths` found: the documents, and each skipped file with the reason."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    temporary: int = 0  # lock and temporary files left out without a warning
    suspect: list[tuple[str, str]] = field(default_factory=list)  # read, with a warning (formats' own)


def title_of(text: str, fallback: str) -> str:
    """The first Markdown heading, else the first non-empty line, shortened for display."""
    first_line = ""
    for line in text.splitlines():
        heading = _MD_HEADING.match(line)
        if heading:
            return heading.group(1).rstrip("#").rstrip()[:TITLE_MAX_CHARS] or fallback
        if line.strip() and not first_line:
            first_line = line.strip()
    return (first_line or fallback)[:TITLE_MAX_CHARS]


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when inside it.
    Links are not followed (a link loop has no target), and bytes of a name that are not
    UTF-8 are shown as \\x escapes."""
    absolute = Path(os.path.abspath(path))
    try:
        shown = absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        shown = absolute.as_posix()
    return os.fsencode(shown).decode("utf-8", "backslashreplace")


def is_temporary(name: str) -> bool:
    """An editor's or Office's lock, swap or temporary file (see _TEMPORARY)."""
    return bool(_TEMPORARY.match(name))


def find_files(
    paths: list[str | Path], follow_links: bool = False, temporary: list[Path] | None = None
) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files and folders (recursively, sorted) into the text files to load; lock and
    temporary files go to `temporary`, when given, instead.

    Returns the files and the skipped ones with a reason: unsupported types, unreadable
    folders, pipes and devices, link loops, names that are not UTF-8, and — unless
    `follow_links` — links that lead outside the given paths (a link to /etc/passwd in a corpus
    must not put it into an index others can query). A path that does not exist is an error:
    the user mistyped it, and silently indexing nothing would hide that.
    """
    roots = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise KbError(f"corpus path not found: {raw} (give an existing file or folder)")
        roots.append(path)
    inside = [os.path.realpath(root) for root in roots]
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for root in roots:
        candidates = _walk(root, skipped) if root.is_dir() else [root]
        for candidate in candidates:
            if is_temporary(candidate.name):
                if temporary is not None:
                    temporary.append(candidate)
                continue
            reason = _not_loadable(candidate, inside, follow_links)
            if reason:
                skipped.append((display_path(candidate), reason))
            else:
                files.append(candidate)
    return files, skipped


def _walk(root: Path, skipped: list[tuple[str, str]]) -> list[Path]:
    """Every visible file under root, sorted; unreadable folders and links to folders are
    reported, not entered."""

    def unreadable(error: OSError) -> None:
        where = Path(error.filename) if error.filename else root
        skipped.append((display_path(where), f"unreadable folder: {error.strerror or error}"))

    found = []
    for folder, dirs, names in os.walk(root, onerror=unreadable):
        for name in sorted(dirs):
            if not name.startswith(".") and os.path.islink(os.path.join(folder, name)):
                skipped.append((display_path(Path(folder) / name), "link to a folder, not followed"))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(folder, d)))
        found += [
            Path(folder) / name
            for name in sorted(names)
            if (not name.startswith(".") or is_temporary(name)) and name != PROFILE_FILE
        ]
    return found


def _not_loadable(path: Path, inside: list[str], follow_links: bool) -> str | None:
    """Why a file found under the corpus paths is not read, or None when it is."""
    if not formats.readable(path):
        return formats.why_not_readable(path)
    try:
        os.fsencode(str(path)).decode("utf-8")
    except UnicodeDecodeError:
        return "file name is not valid UTF-8: rename it"
    try:
        target = Path(path).resolve(strict=True)
        mode = target.stat().st_mode
    except (RuntimeError, OSError) as exc:
        if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
            return "symbolic link loop"
        if isinstance(exc, FileNotFoundError) and path.is_symlink():
            return "broken symbolic link (its target does not exist)"
        return f"unreadable: {getattr(exc, 'strerror', None) or exc}"
    if not stat.S_ISREG(mode):
        return "not a regular file (a pipe, socket or device)"
    real = str(target)
    if not follow_links and not any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in inside):
        return f"link leads outside the corpus (to {display_path(target)}); pass --follow-links to index it"
    return None


def read_text(data: bytes, what: str) -> str:
    """Bytes a user gave kb (a questions file, a queries file), decoded as corpus files are;
    KbError naming `what` when they are not text."""
    try:
        return decode(data)[0]
    except NotTextError as exc:
        raise KbError(f"{what} is not readable text: {exc}; save it as UTF-8") from None


def load_file(path: Path, doc_id: str, warnings: list[str] | None = None) -> Document:
    """Read one file and extract its text in its format; raises NotTextError or OSError. What
    the format found suspect in it is added to `warnings`, when given."""
    extracted = formats.extract(path, path.read_bytes())
    if warnings is not None:
        warnings += extracted.warnings
    return Document(
        id=doc_id,
        title=title_of(extracted.text, path.stem),
        source=display_path(path),
        text=extracted.text,
        encoding=extracted.encoding,
        places=extracted.places,
    )


def load_paths(paths: list[str | Path], follow_links: bool = False, warn: Warn | None = None) -> LoadResult:
    """Load every text file under `paths`; ids are file stems, made unique when they clash.

    Each skipped or suspect file is also passed to `warn` as soon as it is met, so that a long
    ingest tells about a file when it reads it, not at the end."""
    temporary: list[Path] = []
    files, skipped = find_files(paths, follow_links, temporary)
    result = LoadResult(temporary=len(temporary))

    def skip(shown: str, reason: str) -> None:
        result.skipped.append((shown, reason))
        if warn:
            warn(f"skipped {shown}: {reason}")

    for shown, reason in skipped:
        skip(shown, reason)
    used_ids: set[str] = set()
    for path in files:
        doc_id = _unique_id(path.stem, used_ids)
        notes: list[str] = []
        try:
            document = load_file(path, doc_id, notes)
        except NotTextError as exc:
            skip(display_path(path), str(exc))
            continue
        except OSError as exc:
            skip(display_path(path), f"unreadable: {exc.strerror or exc}")
            continue
        for note in notes:
            result.suspect.append((document.source, note))
            if warn:
                warn(f"{document.source}: {note}")
        used_ids.add(doc_id)
        result.documents.append(document)
    return result


def _unique_id(stem: str, used: set[str]) -> str:
    candidate, n = stem, 2
    while candidate in used:
        candidate, n = f"{stem}-{n}", n + 1
    return candidate
