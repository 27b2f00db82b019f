"""Scanned pages and photographed slides: a page drawn from known Chinese text with a CJK font
is read back by OCR, indexed, found by a question and cited as read by OCR; pages with a text
layer never go through OCR; without OCR installed, kb says what to install."""

import re
from pathlib import Path

import pytest

from kb import KnowledgeBase
from kb.formats import extract, image, ocr, scanned
from kb.ingest.loaders import load_paths
from kb.provenance import Places
from tests import documents
from tests.conftest import CORPUS

# The first paragraph wraps onto a second line: OCR sees two lines, the reader one paragraph.
PARAGRAPHS = [
    "销售漏斗把潜在客户从了解产品到最终购买分为几个阶段，每个阶段都有不同的转化率。",
    "复盘会议每周五下午举行。",
]
OCR_NOTE = r"\(OCR (\d+)%\)"


@pytest.fixture(scope="module")
def page():
    return documents.render_page(PARAGRAPHS, width=720, font_px=24, margin=40)


@pytest.mark.parametrize("kind", ["png", "jpg", "pdf"])
def test_a_picture_or_scanned_pdf_is_read_found_and_cited_as_ocr(page, tmp_path, embedder, kind):
    folder = tmp_path / "corpus"
    folder.mkdir()
    if kind == "png":
        page.save(folder / "slide.png")
    elif kind == "jpg":  # a phone photo: turned a little, grey, blurred, noisy
        documents.photographed(page).save(folder / "slide.jpg")
    else:
        documents.write_image_pdf([page], folder / "scan.pdf")
    kb = KnowledgeBase.build([folder], tmp_path / "index", embedder=embedder)
    assert kb.last_ingest.skipped == []
    text = "".join(passage.text for passage in kb.passages())
    assert PARAGRAPHS[0] in text and PARAGRAPHS[1] in text  # every character, the wrapped line joined
    top = kb.search("销售漏斗分为几个阶段", k=1, mode="bm25")[0].passage
    assert "销售漏斗" in top.text
    place = {"png": rf"slide\.png {OCR_NOTE}", "jpg": rf"slide\.jpg {OCR_NOTE}", "pdf": rf"scan\.pdf p\.1 {OCR_NOTE}"}[
        kind
    ]
    cited = re.fullmatch(place, Path(top.cited_as()).name)
    assert cited, top.cited_as()
    assert 90 <= int(cited.group(1)) <= 100  # read with high confidence


def test_only_the_page_without_a_text_layer_is_read_by_ocr(page, tmp_path, monkeypatch):
    lines = ["营销是一个系统，而销售只是营销的一部分。", "销售关注把产品卖出去。"]
    path = documents.write_text_and_scan_pdf(lines, page, tmp_path / "handout.pdf")
    read = []
    real_read = ocr.Reader.read
    monkeypatch.setattr(ocr.Reader, "read", lambda self, picture: read.append(picture) or real_read(self, picture))
    extracted = extract(path, path.read_bytes())
    assert len(read) == 1
    assert extracted.places.names[0] == "1" and re.fullmatch(rf"2 {OCR_NOTE}", extracted.places.names[1])
    first_page = extracted.text[: extracted.places.starts[1]]
    assert "".join(first_page.split()) == "".join(lines)  # the text layer, exact, not OCR's reading of it
    assert PARAGRAPHS[0] in extracted.text[extracted.places.starts[1] :]


def test_a_pdf_with_a_text_layer_never_goes_through_ocr(tmp_path, monkeypatch):
    def no_ocr(self):
        raise AssertionError("OCR started on a PDF with a text layer")

    monkeypatch.setattr(ocr.Reader, "__init__", no_ocr)
    seed = sorted(CORPUS.glob("*.txt"))[1]
    path = documents.write_pdf(documents.article_lines(seed), tmp_path / "handout.pdf")
    extracted = extract(path, path.read_bytes())
    assert len(extracted.places.names) > 1 and all(name.isdigit() for name in extracted.places.names)


def test_without_ocr_installed_kb_says_what_to_install(page, tmp_path, monkeypatch):
    monkeypatch.setattr(scanned, "installed", lambda: False)
    monkeypatch.setattr(image, "installed", lambda: False)
    page.save(tmp_path / "slide.png")
    documents.write_image_pdf([page], tmp_path / "scan.pdf")
    documents.write_text_and_scan_pdf(["营销是一个系统。"], page, tmp_path / "handout.pdf")
    result = load_paths([tmp_path])
    reasons = {Path(path).name: reason for path, reason in result.skipped}
    assert reasons["scan.pdf"].startswith("无文字层，可能是扫描件") and "pip install" in reasons["scan.pdf"]
    assert "OCR" in reasons["slide.png"] and "pip install" in reasons["slide.png"]
    assert [Path(document.source).name for document in result.documents] == ["handout.pdf"]  # its text page
    notes = {Path(path).name: note for path, note in result.suspect}
    assert notes["handout.pdf"].startswith("page 2: no text layer, not read (OCR is not installed)")


def test_a_page_read_with_low_confidence_is_noted_and_still_indexed(page, tmp_path, monkeypatch):
    monkeypatch.setattr(ocr.Reader, "__init__", lambda self: None)
    monkeypatch.setattr(ocr.Reader, "read", lambda self, picture: ocr.Recognised("营销是一个系统。\n", 0.62))
    page.save(tmp_path / "blurred.png")
    documents.write_image_pdf([page, page], tmp_path / "faint.pdf")
    result = load_paths([tmp_path])
    labels = {Path(document.source).name: document.places.label(0, 5) for document in result.documents}
    assert labels == {"blurred.png": "(OCR 62%)", "faint.pdf": "p.1 (OCR 62%)"}
    assert {Path(path).name: note for path, note in result.suspect} == {
        "blurred.png": "read by OCR with low confidence (62%): check the text",
        "faint.pdf": "pages 1, 2 read by OCR with low confidence (62%, 62%): check the text",
    }


def test_a_span_over_a_text_page_and_an_ocr_page_says_ocr_once():
    places = Places("page", (0, 10, 20), ("1", "2 (OCR 97%)", "3 (OCR 97%)"))
    assert places.label(0, 15) == "pp.1–2 (OCR 97%)"
    assert places.label(12, 25) == "pp.2–3 (OCR 97%)"
    assert places.label(12, 14) == "p.2 (OCR 97%)"
