""".epub e-books: the chapters in reading order (the package's spine), their headings,
paragraphs and list items one per line, a <pre> block verbatim between fence lines
(kb/language/code.py), read with the standard zipfile and lxml (already a dependency of the other
formats). Places are sections: the book's heading path.

Chapters are XHTML, which is XML: their encoding is the one a byte-order mark or the XML
declaration names, else UTF-8 (XML 1.0 § 4.3.3; EPUB allows only UTF-8 and UTF-16). lxml's
HTML parser, left to guess, reads a chapter that names none as Windows-1252: 「营销」 would
become 「è¥é…」."""

from __future__ import annotations

import dataclasses
import posixpath
import re
import zipfile
from typing import Any

from kb.formats import Extracted, damage, element_text
from kb.formats.package import opened
from kb.ingest.decoding import NotTextError
from kb.language.code import fenced

_BLOCKS = {"p", "li", "blockquote", "pre", "dd", "dt", "td", "th"}
_HEADING = re.compile(r"h([1-6])")
_OPF = "{http://www.idpf.org/2007/opf}"
_XML_DECLARED = re.compile(rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})[\"']")
REPEATS_NAMED = 3  # chapters a warning names that the spine lists more than once
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def extract(data: bytes) -> Extracted:
    from lxml import etree

    book = opened(data, "an EPUB book")
    try:
        container = etree.fromstring(book.read("META-INF/container.xml"))
        package_path = container.find(".//{*}rootfile").get("full-path")
        package = etree.fromstring(book.read(package_path))
    except (zipfile.BadZipFile, KeyError, AttributeError, etree.LxmlError) as exc:
        raise NotTextError(f"damaged or not an EPUB book ({damage(exc)})") from None
    if any(name == "META-INF/encryption.xml" for name in book.namelist()):
        raise NotTextError("EPUB with DRM or encrypted fonts (META-INF/encryption.xml): export a DRM-free copy")
    base = posixpath.dirname(package_path)
    lines: list[tuple[str, str]] = []
    headings: list[str] = []
    chapters, repeated = _reading_order(package, base)
    for name in chapters:
        try:
            chapter = _chapter(book.read(name))
        except (KeyError, zipfile.BadZipFile, etree.LxmlError):
            continue
        for element in chapter.iter():
            tag = element.tag if isinstance(element.tag, str) else ""
            level = _HEADING.fullmatch(tag.split("}")[-1])
            if not (level or tag.split("}")[-1] in _BLOCKS) or _inside_block(element):
                continue
            if tag.split("}")[-1] == "pre":
                code = element.text_content().strip("\n").split("\n")
                lines += [(line, " › ".join(headings)) for line in fenced(code)]
                continue
            text = element_text(element)
            if not text:
                continue
            if level:
                headings = [*headings[: int(level.group(1)) - 1], text]
            lines.append((text, " › ".join(headings)))
    if not lines:
        raise NotTextError("no text in the book's chapters (images only?)")
    extracted = Extracted.from_lines(lines, "section", "epub")
    if not repeated:
        return extracted
    listed = ", ".join(f"{posixpath.basename(name)} {times} times" for name, times in repeated[:REPEATS_NAMED])
    warning = f"its reading order lists {listed}{' …' if len(repeated) > REPEATS_NAMED else ''}: each read once"
    return dataclasses.replace(extracted, warnings=(warning,))


def _reading_order(package: Any, base: str) -> tuple[list[str], list[tuple[str, int]]]:
    """The chapters (paths inside the book) in the spine's order, each once, and those the
    spine lists more than once with how often: a spine repeating one chapter 20 times would
    index it 20 times over, and answer with the same sentence from twenty places."""
    manifest = {item.get("id"): item.get("href") for item in package.iter(f"{_OPF}item")}
    listed: dict[str, int] = {}
    for itemref in package.iter(f"{_OPF}itemref"):
        href = manifest.get(itemref.get("idref"))
        if href:
            name = posixpath.normpath(posixpath.join(base, href))
            listed[name] = listed.get(name, 0) + 1
    return list(listed), [(name, times) for name, times in listed.items() if times > 1]


def _chapter(raw: bytes) -> Any:
    """A chapter's XHTML parsed in the encoding the XML rules give it (see the module
    docstring). A chapter that names none and is not UTF-8 breaks the EPUB rules; the parser's
    own guess (its <meta charset>) is the best left for it."""
    from lxml import html

    encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), None)
    declared = _XML_DECLARED.match(raw)
    if encoding is None and declared:
        encoding = declared.group(1).decode("ascii")
    if encoding is None:
        try:
            raw.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        parser = html.HTMLParser(encoding=encoding) if encoding else None
    except LookupError:  # a declared encoding lxml does not know
        parser = None
    return html.fromstring(raw, parser=parser)


def _inside_block(element: object) -> bool:
    """A paragraph inside a list item (or similar) is read with its container, once."""
    parent = element.getparent()  # type: ignore[attr-defined]
    while parent is not None:
        tag = parent.tag.split("}")[-1] if isinstance(parent.tag, str) else ""
        if tag in _BLOCKS:
            return True
        parent = parent.getparent()
    return False
