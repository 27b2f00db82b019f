"""Documents as trainers have them — PDF, Word, PowerPoint, saved web pages — made by the tests
from the seed articles: the text comes out as written, the furniture does not, every passage
names its page, slide or section, and what cannot be read is said."""

import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from kb import KnowledgeBase
from kb.formats import extract
from kb.ingest.loaders import load_paths
from kb.ingest.pipeline import ingest
from tests import documents
from tests.conftest import CORPUS

SEED = sorted(CORPUS.glob("*.txt"))
WRITERS = {
    "pdf": documents.write_pdf,
    "docx": documents.write_docx,
    "pptx": documents.write_pptx,
    "html": documents.write_html,
    "epub": documents.write_epub,
}
SECTIONED = ("docx", "html", "epub")
PLACE = {"pdf": r"^pp?\.\d", "docx": r"^§ ", "pptx": r"^slides? \d", "html": r"^§ ", "epub": r"^§ "}


def _comparable(text: str) -> str:
    """Text without whitespace, width differences, and the bullets STSong-Light cannot draw."""
    return re.sub(r"[\s•·]+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """The five seed articles in each format, one folder per format."""
    root = tmp_path_factory.mktemp("formats")
    for kind, write in WRITERS.items():
        (root / kind).mkdir()
        for source in SEED:
            write(documents.article_lines(source), root / kind / f"{source.stem}.{kind}")
    return root


@pytest.mark.parametrize("kind", WRITERS)
def test_the_text_comes_out_as_written_and_the_furniture_does_not(folders, kind):
    for source in SEED:
        path = folders / kind / f"{source.stem}.{kind}"
        text = extract(path, path.read_bytes()).text
        written = documents.article_lines(source)
        extracted = [line for line in text.splitlines() if not line.startswith("备注：") and " | " not in line]
        if kind == "html":  # the numbered hot-article links are page furniture to trafilatura too
            written = [line for line in written if not re.match(r"^-\s*\d", line)]
        if kind == "pdf":  # no paragraph marks in a PDF: the same characters in the same order
            assert _comparable("".join(extracted)) == _comparable("".join(written)), source.name
        else:
            assert [_comparable(line) for line in extracted] == [_comparable(line) for line in written], source.name
        for furniture in (documents.RUNNING_HEADER, "第 1 页", *documents.BOILERPLATE, "首页", "登录", "统计代码"):
            assert furniture not in text, (source.name, furniture)


@pytest.mark.parametrize("kind", WRITERS)
def test_every_passage_names_the_page_slide_or_section_that_holds_it(folders, tmp_path, embedder, kind):
    from kb.ingest.clean import clean

    kb = KnowledgeBase.build([folders / kind], tmp_path / "index", embedder=embedder)
    assert kb.last_ingest.skipped == [] and kb.last_ingest.documents == 5
    extracted, source_lines = {}, {}
    for path in (folders / kind).iterdir():
        source_lines[path.name] = documents.article_lines(CORPUS / f"{path.stem}.txt")
        extracted[path.name] = extract(path, path.read_bytes())
    for passage in kb.passages():
        location = passage.location
        assert location is not None and re.match(PLACE[kind], location.label), location
        original = extracted[Path(passage.source).name]
        held = _comparable(clean(original.text[location.start : location.end], kb.profile.cleaning_rules).text)
        assert _comparable(passage.text)[:20] in held, (passage.text[:30], location)
        if kind in SECTIONED:
            written = source_lines[Path(passage.source).name]
            assert location.label == f"§ {_section_path(original.text, location.start, written)}", location
        else:
            assert original.places.name_at(location.start) in location.label, location


def _section_path(text: str, offset: int, lines: list[str]) -> str:
    """The heading path the written document gives the text at `offset`: its title, then the
    last heading line (documents.is_heading) up to the line holding it, as the writers made them."""
    title, headings = lines[0], {line for line in lines[1:] if documents.is_heading(line)}
    line_end = text.find("\n", offset)
    before = [line.strip() for line in text[: line_end if line_end >= 0 else None].splitlines()]
    last = next((line for line in reversed(before) if line in headings), None)
    return f"{title} › {last}" if last else title


def test_a_question_finds_the_right_page_and_slide(folders, tmp_path, embedder):
    from kb.ingest.clean import clean

    for kind, pattern in (("pdf", "p."), ("pptx", "slide")):
        kb = KnowledgeBase.build([folders / kind], tmp_path / kind, embedder=embedder)
        answer = kb.ask("什么是销售漏斗", mode="bm25")
        top = answer.hits[0].passage
        assert top.location.label.startswith(pattern)
        path = next((folders / kind).glob(f"{top.doc_id}.*"))
        original = extract(path, path.read_bytes())
        page = original.places.name_at(top.location.start)
        page_start = original.places.starts[original.places.names.index(page)]
        following = [s for s, n in zip(original.places.starts, original.places.names) if n != page and s > page_start]
        page_text = clean(original.text[page_start : following[0] if following else None], kb.profile.cleaning_rules)
        assert _comparable(top.text)[:15] in _comparable(page_text.text)
        for sentence in answer.sentences:
            assert sentence.location is not None and sentence.location.label.startswith(pattern)


def test_word_tables_become_rows_and_slides_keep_their_notes(folders):
    docx = folders / "docx" / f"{SEED[1].stem}.docx"
    assert "时间跨度 | 着眼长期 | 着眼短期" in extract(docx, docx.read_bytes()).text
    pptx = folders / "pptx" / f"{SEED[1].stem}.pptx"
    text = extract(pptx, pptx.read_bytes()).text
    assert "备注：" + documents.NOTES in text


def test_what_cannot_be_read_is_said_and_counted(tmp_path):
    lines = documents.article_lines(SEED[1])
    documents.write_scanned_pdf(tmp_path / "scan.pdf")
    documents.write_encrypted_pdf(lines, tmp_path / "locked.pdf")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "broken.epub").write_bytes(b"PK\x03\x04 not really a book")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    (tmp_path / "old.ppt").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    (tmp_path / "empty.html").write_text("<html><body><nav>首页</nav></body></html>", "utf-8")
    shutil.copy(SEED[1], tmp_path / "good.txt")
    result = load_paths([tmp_path])
    reasons = {Path(path).name: reason for path, reason in result.skipped}
    assert reasons["scan.pdf"].startswith("无文字层，可能是扫描件") and "OCR found no text" in reasons["scan.pdf"]
    assert reasons["locked.pdf"].startswith("encrypted PDF")
    assert reasons["broken.docx"].startswith("damaged or not a Word document")
    assert reasons["broken.epub"].startswith("damaged or not an EPUB book")
    assert reasons["old.doc"].startswith("old binary Word format") and ".docx" in reasons["old.doc"]
    assert reasons["old.ppt"].startswith("old binary PowerPoint format")
    assert reasons["empty.html"].startswith("no main text")
    assert [d.source.rsplit("/", 1)[-1] for d in result.documents] == ["good.txt"]


def test_a_changed_pdf_reembeds_only_its_changed_passages(tmp_path, embedder):
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for source in SEED:
        documents.write_pdf(documents.article_lines(source), folder / f"{source.stem}.pdf")
    first = ingest([folder], tmp_path / "index", embedder=embedder)
    lines = documents.article_lines(SEED[4])
    edited = [*lines[:5], "新增一段：市场部和销售部每周开一次协调会。", *lines[5:]]  # before the trailer
    documents.write_pdf(edited, folder / f"{SEED[4].stem}.pdf")
    second = ingest([folder], tmp_path / "index", embedder=embedder)
    assert 0 < second.embedded <= 2 and second.reused >= first.passages - 2


def test_the_original_span_of_every_seed_passage_cleans_back_to_its_text(tmp_path, embedder):
    from kb.ingest.clean import clean

    kb = KnowledgeBase.build([CORPUS], tmp_path / "index", embedder=embedder)
    originals = {d.id: d.text for d in load_paths([CORPUS]).documents}
    rules = kb.profile.cleaning_rules
    exact = 0
    for passage in kb.passages():
        location = passage.location
        raw = originals[passage.doc_id][location.start : location.end]
        cleaned = clean(raw, rules).text
        assert _comparable(cleaned) == _comparable(passage.text), passage.id
        exact += cleaned == passage.text
        lines = location.label.removeprefix("L").split("–L")
        first_line = originals[passage.doc_id].count("\n", 0, location.start) + 1
        assert int(lines[0]) == first_line
    assert exact >= 0.95 * len(kb.passages())  # the rest differ only in punctuation width


@pytest.mark.model
@pytest.mark.parametrize("kind", WRITERS)
def test_every_format_gives_the_seed_contrast_table_with_its_places(folders, tmp_path, real_index, kind):
    def table(answer):
        return [(row.aspect, [cell.text for cell in row.cells]) for row in answer.contrast.rows]

    expected = table(KnowledgeBase.open(real_index).ask("营销和销售的区别"))
    answer = KnowledgeBase.build([folders / kind], tmp_path / "index").ask("营销和销售的区别")
    assert table(answer) == expected
    for cell in (cell for row in answer.contrast.rows for cell in row.cells):
        assert cell.location is not None and re.match(PLACE[kind], cell.location.label)
    assert all(re.match(PLACE[kind], h.passage.location.label) for h in answer.hits)


def test_a_slide_paragraph_broken_by_shift_enter_keeps_every_line(tmp_path):
    """PowerPoint's line break inside a paragraph reads as a vertical tab; the slide holding it
    was skipped as "binary data" (a course's whole program listing lost). Each line is a line."""
    import pptx

    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "求素数"
    paragraph = slide.placeholders[1].text_frame.paragraphs[0]
    paragraph.text = "例: 求100～200间的全部素数。"
    paragraph.add_line_break()
    paragraph.add_run().text = "for (m = 101; m < 200; m = m + 2)"
    table = slide.shapes.add_table(1, 2, 0, 0, 100, 100).table
    table.cell(0, 0).text_frame.paragraphs[0].text = "素数"
    table.cell(0, 0).text_frame.paragraphs[0].add_line_break()
    table.cell(0, 0).text_frame.paragraphs[0].add_run().text = "只能被1和自身整除"
    path = tmp_path / "primes.pptx"
    deck.save(str(path))
    result = load_paths([path])
    assert not result.skipped and not result.suspect
    text = result.documents[0].text
    assert "例: 求100～200间的全部素数。\nfor (m = 101; m < 200; m = m + 2)" in text
    assert "素数 只能被1和自身整除" in text and "\v" not in text


def test_a_slide_s_second_level_reads_as_dashed_items_of_the_line_above(tmp_path):
    """python-pptx gives each paragraph's level; kb dropped it, so 「使用管道」 over its two steps
    read as three headings. A bulleted paragraph opens with its level's bullet as a PDF export
    of the slide reads (• then –, two spaces deeper per level); the title, and a text box's
    paragraph with no bullet (the master's other style), stay as they are."""
    import pptx
    from pptx.util import Inches

    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "管道流"
    body = slide.placeholders[1].text_frame
    body.text = "使用管道"
    for text, level in (("在输入流的构造方法中指定输出流", 1), ("调用connect()方法", 1), ("in.connect(out);", 2)):
        paragraph = body.add_paragraph()
        paragraph.text, paragraph.level = text, level
    box = slide.shapes.add_textbox(Inches(1), Inches(5), Inches(4), Inches(1)).text_frame
    box.text = "实现事件监听器接口"
    box.paragraphs[0].level = 1
    path = tmp_path / "pipes.pptx"
    deck.save(str(path))
    text = load_paths([path]).documents[0].text
    assert (
        "管道流\n• 使用管道\n– 在输入流的构造方法中指定输出流\n– 调用connect()方法\n  – in.connect(out);\n"
        "实现事件监听器接口" in text
    )


def test_a_slide_s_number_date_and_footer_are_not_its_text(tmp_path):
    """Every slide of a course deck carried its number and date (「37」, 「2013/3/5」) into the
    passages, and a contrast table's cells ended with them."""
    import pptx
    from pptx.enum.shapes import PP_PLACEHOLDER

    deck = pptx.Presentation()
    layout = deck.slide_layouts[1]
    slide = deck.slides.add_slide(layout)
    slide.shapes.title.text = "1.2.1 Application和Applet"
    slide.placeholders[1].text_frame.text = "Application是能够独立运行的应用程序"
    furniture = {
        PP_PLACEHOLDER.SLIDE_NUMBER: "37",
        PP_PLACEHOLDER.DATE: "2013/3/5",
        PP_PLACEHOLDER.FOOTER: "Java理论与实践",
    }
    for placeholder in layout.placeholders:
        if placeholder.placeholder_format.type in furniture:
            slide.shapes.clone_placeholder(placeholder)
    for shape in slide.placeholders:
        if shape.placeholder_format.type in furniture:
            shape.text_frame.text = furniture[shape.placeholder_format.type]
    path = tmp_path / "deck.pptx"
    deck.save(str(path))
    text = load_paths([path]).documents[0].text
    assert "Application是能够独立运行的应用程序" in text
    assert not any(value in text for value in furniture.values())
