"""Real test documents made from the seed articles: PDF (reportlab's built-in STSong-Light CID
font, no font file needed), Word, PowerPoint and saved web pages with the furniture real ones
carry (running headers and page numbers, navigation, comments, 版权声明, related lists), plus
the unreadable cases: a scanned (image-only) PDF, an encrypted one, a corrupt .docx, a .doc."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import PIL.Image

RUNNING_HEADER = "营销培训讲义 内部资料"
NOTES = "讲解提示：先请学员举一个工作中的例子"
BOILERPLATE = [
    "网友评论",
    "写得很好，收藏了！",
    "版权声明：本文内容由互联网用户自发贡献，本站不拥有所有权。",
    "相关阅读",
]


def article_lines(path: Path) -> list[str]:
    """An article's non-empty lines: its title first, then its paragraphs and headings."""
    return [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]


def is_heading(line: str) -> bool:
    return len(line) <= 30 and not line.endswith(("。", "！", "？", "；", ".", "!", "?"))


def write_pdf(lines: list[str], path: Path) -> Path:
    """A multi-page PDF: a paragraph per line, a running header and a page number on each page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=11, leading=16, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=body, fontSize=13, leading=20)

    def furniture(canvas, document):
        canvas.saveState()
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(72, A4[1] - 40, RUNNING_HEADER)
        canvas.drawCentredString(A4[0] / 2, 30, f"第 {document.page} 页")
        canvas.restoreState()

    story = []
    for line in lines:
        story += [Paragraph(html.escape(line), heading if is_heading(line) else body), Spacer(1, 6)]
    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=furniture, onLaterPages=furniture)
    return path


def write_scanned_pdf(path: Path) -> Path:
    """A page that is only a picture (what a scanner produces): no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(path), pagesize=A4)
    for row in range(40):
        page.rect(72, 700 - row * 15, 300 + (row * 37) % 150, 8, fill=1, stroke=0)  # lines of "ink"
    page.save()
    return path


def cjk_font_file() -> str | None:
    """A font file that draws Chinese (Debian's fonts-wqy-microhei or Noto CJK), if installed."""
    import subprocess

    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True).stdout
    except OSError:
        return None
    return found if any(name in found.lower() for name in ("wqy", "cjk")) else None


def render_page(paragraphs: list[str], width: int = 1240, font_px: int = 26, margin: int = 90) -> PIL.Image.Image:
    """Paragraphs drawn in black on white as a scanner would see a printed page (A4 is 1240 px
    wide at 150 dpi): each paragraph indented two characters, wrapped at the right margin."""
    from PIL import Image, ImageDraw, ImageFont

    font_file = cjk_font_file()
    assert font_file, "no CJK font: apt-get install fonts-wqy-microhei"
    font = ImageFont.truetype(font_file, font_px)
    rows: list[str] = []
    measure = ImageDraw.Draw(Image.new("L", (1, 1)))
    for paragraph in paragraphs:
        row = "\u3000\u3000"
        for char in paragraph:
            if measure.textlength(row + char, font=font) > width - 2 * margin:
                rows.append(row)
                row = ""
            row += char
        rows.append(row)
    pitch = int(font_px * 1.6)
    page = Image.new("L", (width, 2 * margin + pitch * len(rows)), 255)
    draw = ImageDraw.Draw(page)
    for number, row in enumerate(rows):
        draw.text((margin, margin + number * pitch), row, font=font, fill=0)
    return page


def photographed(page: PIL.Image.Image) -> PIL.Image.Image:
    """A page as a phone photographs it: slightly turned, grey paper, blurred, noisy, JPEG."""
    import io

    from PIL import Image, ImageFilter

    turned = page.rotate(1.5, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
    paper = turned.point(lambda v: 60 + v * 0.7).filter(ImageFilter.GaussianBlur(1.0))
    noise = Image.effect_noise(paper.size, 12)
    noisy = Image.blend(paper, noise, 0.15)
    out = io.BytesIO()
    noisy.convert("RGB").save(out, "JPEG", quality=70)
    return Image.open(io.BytesIO(out.getvalue()))


def write_image_pdf(pages: list[PIL.Image.Image], path: Path) -> Path:
    """A PDF of page pictures only (a scan): no text layer."""
    first, *rest = [page.convert("RGB") for page in pages]
    first.save(path, "PDF", resolution=150, save_all=True, append_images=rest)
    return path


def write_text_and_scan_pdf(lines: list[str], picture: PIL.Image.Image, path: Path) -> Path:
    """A PDF whose page 1 has a text layer and page 2 is only a picture of a page (a handout
    with a scanned page put in)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setFont("STSong-Light", 12)
    for number, line in enumerate(lines):
        page.drawString(72, A4[1] - 90 - number * 20, line)
    page.showPage()
    width = A4[0] - 144
    page.drawImage(
        ImageReader(picture),
        72,
        A4[1] - 72 - width * picture.height / picture.width,
        width=width,
        height=width * picture.height / picture.width,
    )
    page.showPage()
    page.save()
    return path


def write_encrypted_pdf(lines: list[str], path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(str(path), pagesize=A4, encrypt=StandardEncryption("secret", canPrint=0))
    page.setFont("STSong-Light", 11)
    for i, line in enumerate(lines[:20]):
        page.drawString(72, 760 - i * 18, line[:40])
    page.save()
    return path


def write_slide_pdf(slides: list[list[tuple[float, str]]], path: Path) -> Path:
    """Slides saved as PDF the way PowerPoint saves them: landscape pages, one line per
    (x, text) from the top, 24 pt; a line that ends its paragraph carries a trailing space and a
    wrapped one does not; a continuation sits under the text after the bullet."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    deck = canvas.Canvas(str(path), pagesize=(720, 540))
    for slide in slides:
        deck.setFont("STSong-Light", 24)
        for number, (x, text) in enumerate(slide):
            deck.drawString(x, 470 - number * 40, text)
        deck.showPage()
    deck.save()
    return path


def write_docx(lines: list[str], path: Path) -> Path:
    """A Word document: the title as Title, short lines as headings, and a table."""
    import docx

    document = docx.Document()
    document.core_properties.title = lines[0]
    document.add_heading(lines[0], level=0)
    for line in lines[1:]:
        if is_heading(line):
            document.add_heading(line, level=2)
        else:
            document.add_paragraph(line)
    table = document.add_table(rows=2, cols=3)
    for row, cells in zip(table.rows, (("方面", "营销", "销售"), ("时间跨度", "着眼长期", "着眼短期"))):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    document.save(str(path))
    return path


def write_pptx(lines: list[str], path: Path, per_slide: int = 6) -> Path:
    """A deck: a title slide, then the article's lines a few per slide (the first as the slide's
    title), the last slide with speaker notes."""
    from pptx import Presentation

    deck = Presentation()
    title_slide = deck.slides.add_slide(deck.slide_layouts[0])
    title_slide.shapes.title.text = lines[0]
    for start in range(1, len(lines), per_slide):
        chunk = lines[start : start + per_slide]
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = chunk[0]
        body = slide.placeholders[1].text_frame
        body.text = chunk[1] if len(chunk) > 1 else ""
        for line in chunk[2:]:
            body.add_paragraph().text = line
    deck.slides[-1].notes_slide.notes_text_frame.text = NOTES
    deck.save(str(path))
    return path


def write_html(lines: list[str], path: Path) -> Path:
    """A saved article page: navigation, the article, comments, a copyright notice, related links."""
    paragraphs = "\n".join(
        f"<h2>{html.escape(line)}</h2>" if is_heading(line) else f"<p>{html.escape(line)}</p>" for line in lines[1:]
    )
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(lines[0])} - 营销学习网</title>
<script>var _hmt = _hmt || []; (function() {{ console.log("统计代码"); }})();</script>
<style>body {{ font-family: sans-serif; }}</style></head>
<body>
<header><nav><a href="/">首页</a> &gt; <a href="/b2b">企业服务</a> &gt; <a href="/m">市场营销</a></nav>
<div class="login">登录 | 注册</div></header>
<article><h1>{html.escape(lines[0])}</h1>
{paragraphs}
</article>
<section class="comments"><h3>{BOILERPLATE[0]}</h3><div class="comment"><p>{BOILERPLATE[1]}</p></div></section>
<aside><h3>{BOILERPLATE[3]}</h3><ul><li><a href="/a">如何做好市场推广</a></li>
<li><a href="/b">销售技巧大全</a></li></ul></aside>
<footer><p>{BOILERPLATE[2]}</p><p>Copyright © 2024 营销学习网 京ICP备12345678号</p></footer>
</body></html>"""
    path.write_text(page, "utf-8")
    return path


def write_epub(lines: list[str], path: Path, declaration: bool = True) -> Path:
    """An e-book: the title as its first chapter's h1, short lines as h2, two chapters; without
    `declaration` the chapters are UTF-8 XHTML with no XML declaration (valid: UTF-8 is XML's
    default) and no meta charset."""

    def chapter(chunk: list[str], first: bool) -> str:
        body = "".join(
            f"<h1>{html.escape(line)}</h1>"
            if first and i == 0
            else f"<h2>{html.escape(line)}</h2>"
            if is_heading(line)
            else f"<p>{html.escape(line)}</p>"
            for i, line in enumerate(chunk)
        )
        prolog = '<?xml version="1.0" encoding="utf-8"?>' if declaration else ""
        return (
            f'{prolog}<html xmlns="http://www.w3.org/1999/xhtml">'
            f"<head><title>章节</title></head><body>{body}</body></html>"
        )

    half = len(lines) // 2
    return write_epub_chapters([chapter(lines[:half], True), chapter(lines[half:], False)], path, title=lines[0])


def write_epub_chapters(chapters: list[str], path: Path, title: str = "") -> Path:
    """An e-book of these XHTML chapters, in reading order, with the package and container
    files that point to them."""
    import zipfile

    metadata = (
        f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{html.escape(title)}</dc:title></metadata>'
        if title
        else ""
    )
    numbers = range(1, len(chapters) + 1)
    package = (
        '<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
        + metadata
        + "<manifest>"
        + "".join(f'<item id="c{n}" href="text/c{n}.xhtml" media-type="application/xhtml+xml"/>' for n in numbers)
        + "</manifest><spine>"
        + "".join(f'<itemref idref="c{n}"/>' for n in numbers)
        + "</spine></package>"
    )
    container = (
        '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
        "</rootfiles></container>"
    )
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        book.writestr("META-INF/container.xml", container)
        book.writestr("OEBPS/content.opf", package)
        for n, chapter in zip(numbers, chapters):
            book.writestr(f"OEBPS/text/c{n}.xhtml", chapter)
    return path


def write_cid_pdf(pages: list[tuple[str, bool]], path: Path) -> Path:
    """A PDF written by hand, one line of text per page: on a page marked True in
    STSong-Light through the UniGB-UCS2-H CMap (Unicode a reader can recover), on one marked
    False in a font with Identity-H encoding and no ToUnicode map, as PDFs made by some
    converters are: its glyphs have no characters, and pdfminer reads them as `(cid:N)`."""
    fonts = {
        True: b"/Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts "
        b"[<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> >>]",
        False: b"/Type /Font /Subtype /Type0 /BaseFont /Unmapped /Encoding /Identity-H /DescendantFonts "
        b"[<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Unmapped "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>]",
    }
    objects = [b"/Type /Catalog /Pages 2 0 R", b""]  # the page tree is filled in below
    objects += [fonts[True], fonts[False]]  # 3 0 obj, 4 0 obj
    kids = []
    for text, mapped in pages:
        stream = b"BT /F 14 Tf 50 750 Td <" + text.encode("utf-16-be").hex().encode() + b"> Tj ET"
        objects.append(b"/Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content = len(objects)
        objects.append(
            b"/Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources << /Font << /F %d 0 R >> >>"
            % (content, 3 if mapped else 4)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"/Type /Pages /Count %d /Kids [%s]" % (len(kids), b" ".join(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        closing = b"" if body.startswith(b"/Length") else b" >>"
        out += b"%d 0 obj\n<< %s%s\nendobj\n" % (number, body, closing)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


KINSOKU = "，。、；：？！）」』”’》"


def wrap_like_word(text: str, width: float, font: str, size: float, indent: float = 0.0) -> list[str]:
    """Break a paragraph into lines as Word does: a Latin word is never split (it moves to the
    next line whole, leaving the line short), and a line never starts with 「，。」 (the character
    before it moves down too)."""
    import re

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(font))
    tokens = re.findall(r"[A-Za-z0-9_.()<>/:]+ ?|.", text)
    lines: list[str] = []
    current = ""
    available = width - indent
    for token in tokens:
        if current and pdfmetrics.stringWidth(current + token.rstrip(), font, size) > available:
            if token[0] in KINSOKU:
                token, current = current[-1] + token, current[:-1]
            lines.append(current)  # a space at the end stays on its line, as Word draws it
            current, available = "", width
        current += token
    return [*lines, current.rstrip()]


def write_word_exported_pdf(blocks: list[tuple[str, str]], path: Path) -> Path:
    """A page laid out as Word exports a Chinese handout: 10.5 pt text, paragraphs with a
    two-character first-line indent and no gap, lines wrapped early before Latin words and
    kinsoku characters (so none runs exactly to the right edge), headings on their own line, and
    one table row wider than the text. `blocks` are ("heading" | "paragraph" | "wide", text),
    ("lines", "line\nline…") for lines broken by the caller, ("code", "line\nline…") for lines
    in Courier (indentation kept), ("block", text) for a paragraph indented as a whole,
    ("body code", …) for code lines in the text's own font (as Word sets a pasted listing), or
    ("comment", "line\nline…") for a reviewer's comment printed beside the lines that follow, in
    the margin (Word's 批注 balloons)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font, size, leading, left, width = "STSong-Light", 10.5, 16.0, 90.0, 415.0
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    page = canvas.Canvas(str(path), pagesize=A4)
    y = A4[1] - 90
    for kind, text in blocks:
        if kind in ("code", "body code"):
            page.setFont("Courier", 9) if kind == "code" else page.setFont(font, size)
            for line in text.split("\n"):
                page.drawString(left, y, line)
                y -= 12 if kind == "code" else leading
            continue
        if kind == "comment":
            page.setFont(font, 7)
            for n, line in enumerate(text.split("\n")):
                page.drawString(left + width + 30, y - 9 * n, line)
            continue
        if kind == "heading":
            page.setFont(font, 14)
            y -= 8
            page.drawString(left, y, text)
            y -= 26
            continue
        page.setFont(font, size)
        if kind == "block":  # a paragraph indented as a whole, under a numbered item
            for line in wrap_like_word(text, width - 2 * size, font, size):
                page.drawString(left + 2 * size, y, line)
                y -= leading
            continue
        indent = 2 * size if kind == "paragraph" else 0.0
        lines = {"wide": [text], "lines": text.split("\n")}.get(kind) or wrap_like_word(text, width, font, size, indent)
        for i, line in enumerate(lines):
            page.drawString(left + (indent if i == 0 else 0.0), y, line)
            y -= leading
    page.save()
    return path


def write_remapped_pdf(pages: list[str], path: Path) -> Path:
    """A PDF whose text layer reads `pages` — any characters, Kangxi radicals and private-use
    ones included — as a PDF producer's ToUnicode map can make it say: Latin placeholder glyphs
    are drawn, and the map sends each to its character."""
    import re
    import string

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    placeholders = dict(zip(dict.fromkeys("".join(pages)), string.ascii_letters + string.digits))
    pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    page = canvas.Canvas(str(path), pagesize=A4, pageCompression=0)
    for text in pages:
        page.setFont("DejaVu", 11)
        page.drawString(72, 700, "".join(placeholders[char] for char in text))
        page.showPage()
    page.save()
    data = path.read_bytes()
    for char, placeholder in placeholders.items():
        data = re.sub(rb"> <%04X>\n" % ord(placeholder), b"> <%04X>\n" % ord(char), data)
    path.write_bytes(data)
    return path


def write_two_column_pdf(title: str, columns: tuple[list[str], list[str]], path: Path) -> Path:
    """A page set in two columns under a title that spans both, as journals and handbooks are:
    each column's paragraphs with a two-character first-line indent."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font, size, leading, width = "STSong-Light", 10.5, 16.0, 220.0
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setFont(font, 16)
    page.drawCentredString(A4[0] / 2, A4[1] - 80, title)
    page.setFont(font, size)
    for left, paragraphs in zip((60.0, 315.0), columns):
        y = A4[1] - 120
        for paragraph in paragraphs:
            for i, line in enumerate(wrap_like_word(paragraph, width, font, size, 2 * size)):
                page.drawString(left + (2 * size if i == 0 else 0.0), y, line)
                y -= leading
    page.save()
    return path
