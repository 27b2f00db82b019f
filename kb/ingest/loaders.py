"""Files → `Document`s: find the files under the corpus paths, extract their text in their
format (formats/), judge that it reads as text (readable.py), and say which were skipped and why.

A file is read only if it is still the file that was found: between finding and reading, a
corpus file can be replaced by a link to /etc/passwd or by a pipe that blocks forever. It is
opened without following a link (unless the link was found, and vetted, as a link), without
blocking, and its descriptor must be the regular file, same device and inode, found."""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from kb import formats
from kb.errors import KbError
from kb.formats import Extracted
from kb.ingest.decoding import decode
from kb.ingest.extract_worker import Budget, OverBudget, Worker
from kb.ingest.readable import NotTextError, common_characters, garbled, language_note
from kb.language.code import FENCE_LINE
from kb.provenance import Places
from kb.types import Document, Warn

PROFILE_FILE = "kb.toml"  # a corpus folder's profile (kb/profile.py), never indexed
# Lock, swap and temporary files that Office, LibreOffice and editors leave beside a document
# while it is open (「~$任务5.docx」, 「.~lock.任务5.docx#」, 「.notes.md.swp」): not documents,
# so skipped without a warning and only counted.
_TEMPORARY = re.compile(r"^(?:~\$.*|\.~lock\..*#|.*\.(?:tmp|swp|swo)|.*~)$", re.IGNORECASE | re.DOTALL)

# Greedy up to the last non-space character (a lazy group followed by \s* would rescan a long
# run of spaces from each of its characters); closing #s are stripped in code.
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*\S)")
TITLE_MAX_CHARS = 80


# Places that are judged one by one: a PDF page or a slide can be garbage while the rest is text.
_JUDGED_ALONE = ("page", "slide")


@dataclass(frozen=True)
class Found:
    """A file to load, as discovery vetted it: its path, the identity of the regular file it
    is (or a link inside the corpus leads to), and whether the path itself was a link."""

    path: Path
    device: int
    inode: int
    link: bool


@dataclass
class LoadResult:
    """What `load_paths` found: the documents, each skipped file (or page) with the reason, and
    notes on documents that went in but are not what kb expects (no Chinese text, pages read by
    OCR with low confidence or not read)."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    temporary: int = 0  # lock and temporary files left out without a warning
    suspect: list[tuple[str, str]] = field(default_factory=list)  # read, with a warning (formats' own)


def title_of(text: str, fallback: str) -> str:
    """The first Markdown heading, else the first non-empty line, shortened for display. A
    comment in a code block is no heading: 「# 通」 in a shell example titled a whole document
    of network notes 「通」."""
    first_line = ""
    in_code = False
    for line in text.splitlines():
        if FENCE_LINE.match(line):
            in_code = not in_code
            continue
        heading = None if in_code else _MD_HEADING.match(line)
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
) -> tuple[list[Found], list[tuple[str, str]]]:
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
    files: list[Found] = []
    skipped: list[tuple[str, str]] = []
    for root in roots:
        candidates = _walk(root, skipped) if root.is_dir() else [root]
        for candidate in candidates:
            if is_temporary(candidate.name):
                if temporary is not None:
                    temporary.append(candidate)
                continue
            vetted = _vetted(candidate, inside, follow_links)
            if isinstance(vetted, str):
                skipped.append((display_path(candidate), vetted))
            else:
                files.append(vetted)
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


def _vetted(path: Path, inside: list[str], follow_links: bool) -> Found | str:
    """A file found under the corpus paths as it will be read, or why it is not read."""
    if not formats.readable(path):
        return formats.why_not_readable(path)
    try:
        os.fsencode(str(path)).decode("utf-8")
    except UnicodeDecodeError:
        return "file name is not valid UTF-8: rename it"
    try:
        target = Path(path).resolve(strict=True)
        info = target.stat()
    except (RuntimeError, OSError) as exc:
        if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
            return "symbolic link loop"
        if isinstance(exc, FileNotFoundError) and path.is_symlink():
            return "broken symbolic link (its target does not exist)"
        return f"unreadable: {getattr(exc, 'strerror', None) or exc}"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a pipe, socket or device)"
    real = str(target)
    if not follow_links and not any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in inside):
        return f"link leads outside the corpus (to {display_path(target)}); pass --follow-links to index it"
    return Found(path, info.st_dev, info.st_ino, path.is_symlink())


def read_found(found: Found) -> bytes:
    """The bytes of a found file, if it is still the file that was found; NotTextError when it
    was replaced since (by a link, a pipe, a device or another file), OSError when it is gone.
    O_NONBLOCK: opening a pipe put in a file's place must not wait for a writer."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not found.link:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(found.path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotTextError("replaced by a symbolic link after it was found: not read") from None
        raise
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotTextError("replaced by a pipe, socket or device after it was found: not read")
        if (info.st_dev, info.st_ino) != (found.device, found.inode):
            raise NotTextError("replaced by another file after it was found: not read; run kb ingest again")
        return file.read()


def read_text(data: bytes, what: str) -> str:
    """Bytes a user gave kb (a questions file, a queries file), decoded as corpus files are;
    KbError naming `what` when they are not text."""
    try:
        return decode(data)[0]
    except NotTextError as exc:
        raise KbError(f"{what} is not readable text: {exc}; save it as UTF-8") from None


def load_file(found: Found, doc_id: str, result: LoadResult, warnings: list[str] | None, worker: Worker) -> Document:
    """Read one file, extract its text in its format and judge it, page by page where it has
    pages, in `worker` (within its budget); pages that are not text are named in
    `result.skipped`, a document that holds no Chinese in `result.notes`. What the format found
    suspect in it is added to `warnings`, when given. Raises NotTextError (nothing in it reads
    as text), OverBudget (it cost more time or memory than the budget) or OSError."""
    path = found.path
    extracted, skipped_places, note = worker.run(found)
    if warnings is not None:
        warnings += extracted.warnings
    shown = display_path(path)
    result.skipped += [(f"{shown} {place}", why) for place, why in skipped_places]
    if note:
        result.notes.append((shown, note))
    return Document(
        id=doc_id,
        title=title_of(extracted.text, path.stem),
        source=shown,
        text=extracted.text,
        encoding=extracted.encoding,
        places=extracted.places,
    )


def judged_text(found: Found) -> tuple[Extracted, list[tuple[str, str]], str | None]:
    """What the extraction worker does with one file: its text as read (without the pages
    that are not text), those pages with the reason, and a note when it holds no Chinese.

    Any other exception an extractor raises on a file it cannot parse (lxml's on a cut XML
    part, python-docx's on a broken relationship, a RecursionError on absurd nesting) becomes
    NotTextError: one damaged file is skipped, naming it, not the end of the ingest."""
    try:
        extracted, skipped_places = _readable(formats.extract(found.path, read_found(found)))
        return extracted, skipped_places, language_note(extracted.text)
    except (NotTextError, OSError, MemoryError):
        raise
    except Exception as exc:
        raise NotTextError(f"damaged or unreadable ({formats.damage(exc)}): open it and save it again") from None


def _readable(extracted: Extracted) -> tuple[Extracted, list[tuple[str, str]]]:
    """The extracted text without the pages or slides that do not read as text, and those
    (their label, p.3 or slide 4, and the reason); NotTextError when nothing does."""
    units = _units(extracted) if extracted.places.kind in _JUDGED_ALONE else []
    if len(units) < 2:
        reason = garbled(extracted.text, extracted.encoding)
        if reason:
            raise NotTextError(reason)
        return extracted, []
    read_as = extracted.encoding
    verdicts = [(start, end, name, garbled(extracted.text[start:end], read_as)) for start, end, name in units]
    failed = [(start, why) for start, _, _, why in verdicts if why]
    if not failed:
        return extracted, []
    if len(failed) == len(units):
        raise NotTextError(f"no page reads as text: {failed[0][1]}")
    text, starts, names = "", [], []
    for start, end, name, why in verdicts:
        if not why:
            starts.append(len(text))
            names.append(name)
            part = extracted.text[start:end]
            text += part if part.endswith("\n") else part + "\n"
    kept = Extracted(
        text, Places(extracted.places.kind, tuple(starts), tuple(names)), extracted.encoding, extracted.warnings
    )
    return kept, [(extracted.places.label(start, start + 1), why) for start, why in failed]


def _units(extracted: Extracted) -> list[tuple[int, int, str]]:
    """(start, end, name) of each place; consecutive places of one name (a slide's lines) are one."""
    places = extracted.places
    bounds = [*places.starts, len(extracted.text)]
    units: list[tuple[int, int, str]] = []
    for i, name in enumerate(places.names):
        if units and units[-1][2] == name:
            units[-1] = (units[-1][0], bounds[i + 1], name)
        else:
            units.append((bounds[i], bounds[i + 1], name))
    return units


def load_paths(
    paths: list[str | Path], follow_links: bool = False, warn: Warn | None = None, budget: Budget = Budget()
) -> LoadResult:
    """Load every text file under `paths`; ids are file stems, made unique when they clash.
    Each file is read in a worker process within `budget` (extract_worker.py); one over it is
    skipped.

    Each skipped or suspect file (or page) is also passed to `warn` as soon as it is met, so
    that a long ingest tells about a file when it reads it, not at the end."""
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
    common_characters()  # built here once: each worker forked from this process has it
    with Worker(judged_text, budget) as worker:
        for found in files:
            path = found.path
            doc_id = _unique_id(path.stem, used_ids)
            notes: list[str] = []
            try:
                before = len(result.skipped)
                document = load_file(found, doc_id, result, notes, worker)
                if warn:
                    for shown, reason in result.skipped[before:]:
                        warn(f"skipped {shown}: {reason}")
            except (NotTextError, OverBudget) as exc:
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
