"""Document formats (text, PDF, Word, PowerPoint, web pages, EPUB, pictures): one small module
per format, each turning a file's bytes into the same `Extracted` text with its named places
(lines, pages, slides, sections, a picture).

Formats are found by file extension in one registry, filled through kb's plug-in hook
(`register_formats`, kb/plugins.py): kb's own below (`BUILT_IN`), and any installed plug-in's,
each an `extract(data: bytes) -> Extracted` function (`Format`). kb's modules are imported only
when a file of their kind is ingested, so `kb ask` never loads a PDF library. Old binary Office
formats and files a format cannot read raise `NotTextError` with a reason a person can act on.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.errors import KbError
from kb.ingest.decoding import NotTextError
from kb.language.code import inline
from kb.plugins import hookimpl, registered
from kb.provenance import PlaceKind, Places

# suffix → the module of this package that reads it.
BUILT_IN = {
    ".txt": "plain",
    ".md": "markdown",
    ".markdown": "markdown",
    ".pdf": "pdf",
    ".docx": "word",
    ".pptx": "slides",
    ".html": "web",
    ".htm": "web",
    ".epub": "epub",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
}
# Formats kb recognises but cannot read, with what to do instead.
CONVERT = {
    ".doc": "old binary Word format: save it as .docx (Word: File › Save As) or PDF",
    ".ppt": "old binary PowerPoint format: save it as .pptx or PDF",
    ".xls": "spreadsheet: save the text as .docx, .txt or PDF",
    ".xlsx": "spreadsheet: save the text as .docx, .txt or PDF",
    ".wps": "WPS document: save it as .docx or PDF",
}
CELL_SEPARATOR = " | "  # between the cells of a table row, which becomes one line
INLINE_CODE = frozenset({"code", "kbd", "samp", "tt"})  # HTML elements of code inside a sentence
# Text one file may hold: about ten long books. Cleaning, splitting and indexing a 200 MB
# one-line text took 3.8 GB of memory; a corpus of that is many files.
MAX_TEXT_CHARS = 10_000_000
MESSAGE_CHARS = 120  # of a parser's message quoted in a warning
_EXTENSION = re.compile(r"\.[a-z0-9]+")
_LXML_SOURCE = re.compile(r"\s*\(<string>, line \d+\)$")  # lxml's repeat of where, in a parsed string
INSTALL_HINT = "install kb's document support: .venv/bin/pip install -e '.[documents]'"


@dataclass(frozen=True)
class Extracted:
    """A file's text as extracted, with the places a reader can find it by."""

    text: str
    places: Places
    encoding: str  # a text file's detected encoding; else the format ("pdf", "docx" …)
    # What a reader should check in a file that was read (a PDF page of unmapped glyphs, pages
    # read by OCR with low confidence or not read): reported as it is met; the text is indexed.
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_lines(cls, lines: Sequence[tuple[str, str]], kind: PlaceKind, encoding: str) -> Extracted:
        """A text of one (line, place name) per line; consecutive lines may share a place."""
        text, starts, names = "", [], []
        for line, name in lines:
            starts.append(len(text))
            names.append(name)
            text += line + "\n"
        return cls(text, Places(kind, tuple(starts), tuple(names)), encoding)


def element_text(element: Any) -> str:
    """An (X)HTML element's text on one line, whitespace collapsed, with code inside it (<code>,
    <kbd> …) between backticks so that cleaning leaves it as written (kb/language/code.py)."""
    return re.sub(r"\s+", " ", _flat_text(element)).strip()


def _flat_text(element: Any) -> str:
    text = element.text if isinstance(element.tag, str) and element.text else ""
    for child in element:
        tag = child.tag.split("}")[-1].lower() if isinstance(child.tag, str) else ""
        if tag in INLINE_CODE:
            code = "".join(child.itertext())
            text += inline(code) if code.strip() else code
        elif tag:
            text += _flat_text(child)
        text += child.tail or ""
    return text


def damage(error: Exception) -> str:
    """What a parser said of a damaged file, on one short line: the exception's kind and the
    first line of its message (lxml's names the line and what it expected there)."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    message = _LXML_SOURCE.sub("", message)[:MESSAGE_CHARS]
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


Format = Callable[[bytes], Extracted]
"""What a plug-in registers for a file extension (".csv"): a file's bytes → its text and places;
NotTextError (kb.ingest.decoding) says why a file has none."""


@hookimpl
def register_formats(register: Callable[[str, Format], None]) -> None:
    """kb's own formats; a module is imported when the first file of its kind is read."""
    for suffix, module in BUILT_IN.items():
        register(suffix, functools.partial(_extract_with, suffix, module))


def _extract_with(suffix: str, module_name: str, data: bytes) -> Extracted:
    try:
        module = importlib.import_module(f"{__name__}.{module_name}")
    except ImportError as exc:
        raise NotTextError(f"{suffix} support is not installed ({exc.name}): {INSTALL_HINT}") from None
    extracted: Extracted = module.extract(data)
    return extracted


def formats() -> dict[str, Format]:
    """Every format kb reads, built in or a plug-in's, by lower-case extension (".txt")."""
    found: dict[str, Format] = registered("formats")
    for suffix in found:
        if not _EXTENSION.fullmatch(suffix):
            raise KbError(
                f"a kb plug-in registers the format {suffix!r}: a format is named by its lower-case extension, "
                "like '.csv'"
            )
    return found


def extensions() -> list[str]:
    """The extensions of every format kb reads, sorted: for messages that say what kb reads."""
    return sorted(formats())


def readable(path: Path) -> bool:
    return path.suffix.lower() in formats()


def why_not_readable(path: Path) -> str:
    """The reason a file of this type is skipped, and what to do."""
    suffix = path.suffix.lower()
    return CONVERT.get(suffix, f"unsupported file type {suffix or '(none)'}")


def extract(path: Path, data: bytes) -> Extracted:
    """The text of a file of a supported type; NotTextError says why there is none."""
    extracted = formats()[path.suffix.lower()](data)
    if not extracted.text.strip():
        raise NotTextError("empty file")
    check_text_size(extracted.text)
    return extracted


def check_text_size(text: str) -> None:
    """NotTextError when a file's text is longer than kb reads from one file (MAX_TEXT_CHARS);
    called by a format as soon as it has the text, and for every format once more at the end."""
    if len(text) > MAX_TEXT_CHARS:
        raise NotTextError(
            f"{len(text):,} characters of text, more than kb reads from one file ({MAX_TEXT_CHARS:,}): "
            "split it into smaller files"
        )
