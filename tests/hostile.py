"""Hostile and broken corpus files of issue 23, items 6–8, generated as bytes: damaged Office
packages, files that hang or exhaust an extractor, and files that expand without bound. Shared
by the fault tests (tests/test_budget.py) and scripts/attack.py, which replays them against a
checkout's command line."""

from __future__ import annotations

import io
import re
import zipfile
import zlib

ARTICLE_LINES = [
    "营销和销售的区别",
    "营销是一个系统，关注长期的品牌建设和客户需求。销售只是营销的一部分，关注短期业绩和成交。",
    "营销负责市场调研、品牌策划和渠道建设，销售负责拜访客户、谈判签单和回款。",
]
BOMB_BYTES = 300 * 2**20  # inflated: above kb's bound of 256 MB beyond a file's size
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE w:document ['
    '<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">'
    '<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">'
    '<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>'
)


def docx(lines: list[str] = ARTICLE_LINES, table: bool = False) -> bytes:
    """A plain Word document of these paragraphs (and a 2×2 table), as python-docx writes it."""
    import docx as python_docx

    document = python_docx.Document()
    for line in lines:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=2, cols=2)
        for cell, text in zip(grid._cells, ("营销", "销售", "长期", "短期")):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pptx(lines: list[str] = ARTICLE_LINES) -> bytes:
    """A deck of two slides, each with a title and these lines."""
    from pptx import Presentation

    deck = Presentation()
    for _ in range(2):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = lines[0]
        slide.placeholders[1].text_frame.text = "\n".join(lines[1:])
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def with_parts(package: bytes, parts: dict[str, bytes]) -> bytes:
    """A zip package with some parts replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            if entry.filename not in parts:
                target.writestr(entry, source.read(entry.filename))
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def part(package: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        return source.read(name)


def cut_in_half(package: bytes, name: str) -> bytes:
    """The package with one XML part cut off in the middle (a copy interrupted, a bad sector)."""
    xml = part(package, name)
    return with_parts(package, {name: xml[: len(xml) // 2]})


def damaged_office_files() -> dict[str, bytes]:
    """Item 6: each file name → a damaged .docx or .pptx."""
    word, deck = docx(), pptx()
    body = part(word, "word/document.xml").decode("utf-8")
    laughs = BILLION_LAUGHS + body[body.index("<w:document") :].replace("营销是一个系统", "&i;", 1)
    huge_text = re.sub(r"<w:t>[^<]*</w:t>", "<w:t>" + "营" * (12 * 2**20) + "</w:t>", body, count=1)
    return {
        "body_cut.docx": cut_in_half(word, "word/document.xml"),
        "content_types_cut.docx": cut_in_half(word, "[Content_Types].xml"),
        "styles_cut.docx": cut_in_half(word, "word/styles.xml"),
        "rels_cut.docx": cut_in_half(word, "word/_rels/document.xml.rels"),
        "billion_laughs.docx": with_parts(word, {"word/document.xml": laughs.encode("utf-8")}),
        "huge_text_node.docx": with_parts(word, {"word/document.xml": huge_text.encode("utf-8")}),
        "slide_cut.pptx": cut_in_half(deck, "ppt/slides/slide2.xml"),
        "deck_rels_cut.pptx": cut_in_half(deck, "ppt/_rels/presentation.xml.rels"),
    }


def grid_span_docx(columns: int = 20_000_000) -> bytes:
    """Item 7: a table cell that claims to span `columns` grid columns (python-docx builds a
    row of that many cells)."""
    word = docx(table=True)
    body = part(word, "word/document.xml").decode("utf-8")
    body = body.replace("<w:tcPr>", f'<w:tcPr><w:gridSpan w:val="{columns}"/>', 1)
    return with_parts(word, {"word/document.xml": body.encode("utf-8")})


def pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of these object bodies (numbered from 1), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def pdf_reference_loop() -> bytes:
    """Item 7: the page tree is object 2, which is a reference to object 3, which refers back
    to object 2."""
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"3 0 R", b"2 0 R"])


def _page_pdf(content: bytes, compressed: bool = False, side: int = 792) -> bytes:
    """A square one-page PDF drawing `content` (a content stream) in Helvetica."""
    stream = zlib.compress(content) if compressed else content
    flate = b" /Filter /FlateDecode" if compressed else b""
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
            b"/Resources << /Font << /F 5 0 R >> >> >>" % (side, side),
            b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(stream), flate, stream),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def pdf_scattered_boxes(boxes: int = 2000) -> bytes:
    """Item 7: words strewn over one large page, far enough apart that each is a text box of
    its own: pdfminer's layout analysis groups boxes pairwise, in time quadratic in their
    number."""
    side = int(boxes**0.5) + 1
    words = []
    for n in range(boxes):
        x, y = (n % side) * 60 + (n * 7) % 20 + 20, (n // side) * 60 + (n * 13) % 20 + 20
        words.append(b"BT /F 8 Tf %d %d Td (w%d) Tj ET" % (x, y, n))
    return _page_pdf(b"\n".join(words), compressed=True, side=side * 60 + 60)


def html_page(megabytes: int = 16) -> bytes:
    """Item 7: a saved page of `megabytes` of nested paragraphs and links (extraction time grows
    faster than its size)."""
    row = "<div><p>营销是一个系统，<a href='#'>销售</a>只是营销的一部分。</p></div>\n"
    count = megabytes * 2**20 // len(row.encode("utf-8"))
    return f"<html><head><title>营销</title></head><body>{row * count}</body></html>".encode()


def docx_zip_bomb() -> bytes:
    """Item 8: a document whose body holds BOMB_BYTES of empty paragraphs (`<w:p/>`, 50 million
    of them: python-docx parses the body whole), deflated to about 300 KB."""
    word = docx()
    body = part(word, "word/document.xml")
    opening = body.index(b"<w:body>") + len(b"<w:body>")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(word)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            if entry.filename != "word/document.xml":
                target.writestr(entry, source.read(entry.filename))
        with target.open("word/document.xml", "w", force_zip64=True) as stream:
            stream.write(body[:opening])
            block = b"<w:p/>" * (2**20 // 6)
            for _ in range(BOMB_BYTES // len(block)):
                stream.write(block)
            stream.write(body[opening:])
    return out.getvalue()


def pdf_flate_bomb() -> bytes:
    """Item 8: a page whose content stream is BOMB_BYTES of spaces, deflated to about 300 KB."""
    inflater = zlib.compressobj(9)
    block = b" " * 2**20
    stream = b"".join(inflater.compress(block) for _ in range(BOMB_BYTES // len(block))) + inflater.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    return pdf(objects)


def epub(chapter: str, spine_repeats: int = 1) -> bytes:
    """An EPUB with one chapter, written as given (UTF-8, no XML declaration), listed
    `spine_repeats` times in its reading order."""
    package = (
        '<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
        '<manifest><item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/></manifest>'
        "<spine>" + '<itemref idref="c1"/>' * spine_repeats + "</spine></package>"
    )
    container = (
        '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        '<rootfiles><rootfile full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles>'
        "</container>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("mimetype", "application/epub+zip")
        book.writestr("META-INF/container.xml", container)
        book.writestr("content.opf", package)
        book.writestr("c1.xhtml", chapter.encode("utf-8"))
    return out.getvalue()


def epub_repeating_spine(times: int = 20) -> bytes:
    """Item 8: a book whose reading order lists its one chapter `times` times."""
    lines = "".join(f"<p>{line}</p>" for line in ARTICLE_LINES)
    return epub(f"<html xmlns='http://www.w3.org/1999/xhtml'><body>{lines}</body></html>", times)


def long_text(chars: int = 10_500_000) -> bytes:
    """Item 8: a text file of more characters than kb reads from one file, on one line."""
    sentence = "营销是一个系统，销售只是营销的一部分。"
    return (sentence * (chars // len(sentence) + 1)).encode("utf-8")
