"""Saved web pages (.html/.htm) through trafilatura (Apache-2.0): the main content only —
navigation, comments, footers, copyright notices and related-article lists are left out — as
headings, paragraphs, list items and table rows, one per line, under the page title; a code
block (<pre>, <code>) verbatim between fence lines (kb/language/code.py). Places are sections: the path
of headings above a line."""

from __future__ import annotations

import re

from kb.formats import CELL_SEPARATOR, Extracted, element_text
from kb.ingest.decoding import NotTextError, decode
from kb.language.code import fenced

NO_MAIN_TEXT = "no main text found in the page (only navigation, scripts or comments?)"
_LEVEL = re.compile(r"h(\d)")


def extract(data: bytes) -> Extracted:
    import trafilatura
    from lxml import etree

    html, _ = decode(data)
    xml = trafilatura.extract(
        html, output_format="xml", include_comments=False, include_tables=True, with_metadata=True
    )
    if not xml:
        raise NotTextError(NO_MAIN_TEXT)
    root = etree.fromstring(xml.encode("utf-8"))
    title = (root.get("title") or "").strip()
    main = root.find("main")
    lines: list[tuple[str, str]] = []
    headings: list[str] = []
    for element in main if main is not None else []:
        if element.tag == "head":
            text = element_text(element)
            match = _LEVEL.fullmatch(element.get("rend") or "")
            level = int(match.group(1)) if match else len(headings) + 1
            headings = [*headings[: level - 1], text]
            lines.append((text, " › ".join(headings)))
        elif element.tag == "list":
            lines += [(element_text(item), " › ".join(headings)) for item in element.iter("item")]
        elif element.tag == "code":
            code = "".join(element.itertext()).strip("\n").split("\n")
            lines += [(line, " › ".join(headings)) for line in fenced(code)]
        elif element.tag == "table":
            for row in element.iter("row"):
                lines.append(
                    (CELL_SEPARATOR.join(element_text(cell) for cell in row.iter("cell")), " › ".join(headings))
                )
        else:
            lines.append((element_text(element), " › ".join(headings)))
    lines = [(text, name) for text, name in lines if text]
    if not lines:
        raise NotTextError(NO_MAIN_TEXT)
    if title and lines[0][0] != title:
        lines.insert(0, (title, ""))
    return Extracted.from_lines(lines, "section", "html")
