""".epub e-books: the chapters in reading order (the package's spine), their headings,
paragraphs and list items one per line, read with the standard zipfile and lxml (already a
dependency of the other formats). Places are sections: the book's heading path.

Chapters are XHTML, which is XML: their encoding is the one a byte-order mark or the XML
declaration names, else UTF-8 (XML 1.0 § 4.3.3; EPUB allows only UTF-8 and UTF-16). lxml's
HTML parser, left to guess, reads a chapter that names none as Windows-1252: 「营销」 would
become 「è¥é…」."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from typing import Any

from ..decoding import NotTextError
from . import Extracted

_BLOCKS = {"p", "li", "blockquote", "pre", "dd", "dt", "td", "th"}
_HEADING = re.compile(r"h([1-6])")
_OPF = "{http://www.idpf.org/2007/opf}"
_XML_DECLARED = re.compile(rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})[\"']")
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def extract(data: bytes) -> Extracted:
    from lxml import etree

    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        container = etree.fromstring(book.read("META-INF/container.xml"))
        package_path = container.find(".//{*}rootfile").get("full-path")
        package = etree.fromstring(book.read(package_path))
    except (zipfile.BadZipFile, KeyError, AttributeError, etree.XMLSyntaxError) as exc:
        raise NotTextError(f"damaged or not an EPUB book ({type(exc).__name__})") from None
    if any(name == "META-INF/encryption.xml" for name in book.namelist()):
        raise NotTextError("EPUB with DRM or encrypted fonts (META-INF/encryption.xml): export a DRM-free copy")
    base = posixpath.dirname(package_path)
    manifest = {item.get("id"): item.get("href") for item in package.iter(f"{_OPF}item")}
    lines: list[tuple[str, str]] = []
    headings: list[str] = []
    for itemref in package.iter(f"{_OPF}itemref"):
        href = manifest.get(itemref.get("idref"))
        if not href:
            continue
        try:
            chapter = _chapter(book.read(posixpath.join(base, href)))
        except (KeyError, etree.ParserError):
            continue
        for element in chapter.iter():
            tag = element.tag if isinstance(element.tag, str) else ""
            level = _HEADING.fullmatch(tag.split("}")[-1])
            if not (level or tag.split("}")[-1] in _BLOCKS) or _inside_block(element):
                continue
            text = re.sub(r"\s+", " ", element.text_content()).strip()
            if not text:
                continue
            if level:
                headings = [*headings[: int(level.group(1)) - 1], text]
            lines.append((text, " › ".join(headings)))
    if not lines:
        raise NotTextError("no text in the book's chapters (images only?)")
    return Extracted.from_lines(lines, "section", "epub")


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
