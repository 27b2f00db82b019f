"""PDF pages without a text layer (scans, photographed handouts) rendered by pypdfium2 (PDFium,
BSD-3/Apache-2.0) and read by OCR (formats/ocr.py), then put among the pages that have text, in
page order, each named `3 (OCR 97%)` so its passages are cited `p.3 (OCR 97%)`. Pages with a
text layer are never rendered or read by OCR: their text is exact, OCR's is a guess."""

from __future__ import annotations

import importlib.util

from kb.formats import Extracted
from kb.formats.ocr import INSTALL_HINT, Reader, installed
from kb.ingest.decoding import NotTextError
from kb.provenance import Places

NO_TEXT_LAYER = "无文字层，可能是扫描件 (no text layer: a scanned PDF?)"
OCR_SIDE_PX = 2000  # the longer side of a rendered page: what the OCR engine reads at most


def with_scanned_pages(extracted: Extracted, data: bytes, blank: list[int]) -> Extracted:
    """`extracted` (a PDF's text layer, places named by page number) with its `blank` pages
    (numbered from 1) read by OCR when it is installed; else a warning names them, and a PDF
    with no text at all is refused with what to install."""
    if not (installed() and importlib.util.find_spec("pypdfium2")):
        if not extracted.text.strip():
            raise NotTextError(f"{NO_TEXT_LAYER}: OCR is not installed: {INSTALL_HINT} (or `ocrmypdf` it first)")
        return _warned(extracted, f"{_named(blank)}: no text layer, not read (OCR is not installed): {INSTALL_HINT}")
    import pypdfium2

    pages = _pages(extracted)
    reader, doubtful = Reader(), []  # doubtful: (page number, confidence)
    document = pypdfium2.PdfDocument(data)
    try:
        for number in blank:
            page = document[number - 1]
            scale = OCR_SIDE_PX / max(page.get_size())
            recognised = reader.read(page.render(scale=scale).to_pil())
            if recognised.text.strip():
                pages.append((number, f"{number} {recognised.note}", recognised.text))
                doubtful += [(number, recognised.confidence)] if recognised.doubtful else []
    finally:
        document.close()
    if not pages:
        raise NotTextError(f"{NO_TEXT_LAYER}: OCR found no text on its pages")
    text, starts, names = "", [], []
    for _, name, page_text in sorted(pages):
        if text and not text.endswith("\n"):
            text += "\n"
        starts.append(len(text))
        names.append(name)
        text += page_text
    merged = Extracted(text, Places("page", tuple(starts), tuple(names)), extracted.encoding, extracted.warnings)
    if not doubtful:
        return merged
    pages_named = _named([number for number, _ in doubtful])
    scores = ", ".join(f"{confidence:.0%}" for _, confidence in doubtful)
    return _warned(merged, f"{pages_named} read by OCR with low confidence ({scores}): check the text")


def _pages(extracted: Extracted) -> list[tuple[int, str, str]]:
    """The text layer cut back into (page number, place name, text) per page."""
    starts, names = extracted.places.starts, extracted.places.names
    ends = [*starts[1:], len(extracted.text)]
    return [(int(name), name, extracted.text[start:end]) for start, end, name in zip(starts, ends, names)]


def _named(pages: list[int]) -> str:
    return ("page " if len(pages) == 1 else "pages ") + ", ".join(str(number) for number in pages)


def _warned(extracted: Extracted, warning: str) -> Extracted:
    return Extracted(extracted.text, extracted.places, extracted.encoding, (*extracted.warnings, warning))
