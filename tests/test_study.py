"""Study materials: every format written, every citation resolvable — checked in a real
headless browser, the way a reader meets the page."""

import csv
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from kb import KnowledgeBase
from kb.errors import KbError
from kb.interfaces.cli import main
from kb.language.text import fold, in_script
from kb.study.export import write_study_guide
from kb.study.guide import build_study_guide, key_terms
from kb.study.quiz import BLANK, Terms, build_quiz, statement
from tests.conftest import CORPUS, ROOT, BigramEmbedder

JAVA_COURSE = ROOT / "tests" / "data" / "java_course"  # a second subject: five short lessons of a Java course

QUESTIONS = ["营销和销售的区别", "什么是销售漏斗", "如何做红烧肉"]


@pytest.fixture(scope="module")
def kb(stub_index):
    index, embedder = stub_index
    with KnowledgeBase.open(index, embedder=embedder) as opened:
        yield opened


@pytest.fixture(scope="module")
def java(tmp_path_factory):
    return KnowledgeBase.build([JAVA_COURSE], tmp_path_factory.mktemp("java") / "index", embedder=BigramEmbedder())


@pytest.fixture(scope="module")
def kb_outline(kb):
    return build_study_guide(kb, None)


@pytest.fixture(scope="module")
def java_outline(java):
    return build_study_guide(java, None)


@pytest.fixture(scope="module")
def guide(kb):
    return build_study_guide(kb, QUESTIONS)


def test_outline_without_questions_covers_key_topics_and_the_main_contrast(kb):
    outline = build_study_guide(kb, None, topics=4)
    assert {"营销", "销售"} <= set(outline.topics[:3])
    assert outline.answers[0].contrast is not None
    assert len(outline.answers) == 1 + len(outline.topics)


def test_key_terms_are_domain_words():
    from kb.ingest.clean import clean
    from kb.profile import default_profile

    profile = default_profile()
    terms = key_terms(
        [clean(p.read_text("utf-8"), profile.cleaning_rules).text for p in sorted(CORPUS.glob("*.txt"))], profile, n=6
    )
    assert "营销" in terms and "销售" in terms
    assert not {"区别", "的", "是"} & set(terms)


def test_all_formats_are_written(guide, tmp_path):
    written = write_study_guide(guide, tmp_path, ("md", "html", "anki", "csv"))
    assert sorted(p.name for p in written) == ["flashcards.apkg", "flashcards.csv", "study.html", "study.md"]
    markdown = (tmp_path / "study.md").read_text("utf-8")
    assert "| 方面 |" in markdown and "## 填空练习" in markdown and "### 答案" in markdown
    assert "知识库中没有找到" in markdown  # the out-of-corpus question says so
    rows = list(csv.DictReader((tmp_path / "flashcards.csv").open(encoding="utf-8-sig")))
    assert len(rows) == len(guide.cards) >= 3
    assert all(row["back"] and row["sources"].startswith("[") for row in rows)
    with zipfile.ZipFile(tmp_path / "flashcards.apkg") as apkg:
        apkg.extract("collection.anki2", tmp_path)
    with sqlite3.connect(tmp_path / "collection.anki2") as db:
        assert db.execute("select count(*) from notes").fetchone()[0] == len(guide.cards)


@pytest.mark.model
def test_study_command_with_and_without_questions(real_index, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text("营销和销售的区别\n\n什么是销售漏斗\n", "utf-8")
    runner = CliRunner()
    asked = runner.invoke(
        main,
        [
            "study",
            "--index",
            str(real_index),
            "--questions",
            str(questions),
            "--out",
            str(tmp_path / "asked"),
            "--format",
            "md",
        ],
    )
    assert asked.exit_code == 0, asked.output
    text = (tmp_path / "asked" / "study.md").read_text("utf-8")
    assert "营销和销售的区别" in text and "什么是销售漏斗" in text and "[1]" in text
    outline = runner.invoke(
        main, ["study", "--index", str(real_index), "--out", str(tmp_path / "outline"), "--format", "csv"]
    )
    assert outline.exit_code == 0, outline.output
    with (tmp_path / "outline" / "flashcards.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.reader(handle))) > 3


def test_study_command_refuses_a_missing_index_and_an_empty_questions_file(kb, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["study", "--index", str(tmp_path / "missing"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "kb ingest" in result.output
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", "utf-8")
    result = runner.invoke(
        main, ["study", "--questions", str(empty), "--out", str(tmp_path / "out"), "--index", str(kb.index.index_dir)]
    )
    assert result.exit_code == 1 and "empty" in result.output


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.cites, self.quoted = set(), [], {}
        self._in_li = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "cite" in (attrs.get("class") or ""):
            self.cites.append(attrs["href"])
        if tag == "li" and "id" in attrs:
            self._in_li = attrs["id"]

    def handle_data(self, data):
        if self._in_li:
            self.quoted[self._in_li] = self.quoted.get(self._in_li, "") + data

    def handle_endtag(self, tag):
        if tag == "li":
            self._in_li = None


def _chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None and not os.environ.get("CI"):
        pytest.skip("chromium not installed (CI installs it: apt-get install chromium)")
    assert path, "chromium is required in CI"
    return path


def test_html_citations_resolve_in_a_real_browser(guide, tmp_path):
    browser = _chromium()
    write_study_guide(guide, tmp_path, ("html",))
    page = (tmp_path / "study.html").resolve()
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    parser = _Links()
    parser.feed(dom)
    assert len(parser.cites) >= 5
    for href in parser.cites:
        target = href.removeprefix("#")
        assert target in parser.ids, f"citation {href} points nowhere"
        assert parser.quoted[target].strip(), f"citation {href} has no excerpt"
    passages = {h.passage.text for a in guide.answers for h in a.hits}
    assert any(text in parser.quoted[parser.cites[0].removeprefix("#")] for text in passages)
    screenshot = tmp_path / "page.png"
    subprocess.run(
        [browser, *flags, f"--screenshot={screenshot}", "--window-size=1000,1400", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert screenshot.stat().st_size > 10_000  # something was rendered


def test_csv_cells_never_start_a_spreadsheet_formula(tmp_path):
    from kb.study.export import write_csv
    from kb.study.guide import Card, StudyGuide

    cards = [Card('=HYPERLINK("http://x","点我")', "+1 营销", "@来源"), Card("营销是什么", "-负责推广", "a.txt")]
    write_csv(StudyGuide("t", [], cards=cards), tmp_path / "cards.csv")
    rows = list(csv.DictReader((tmp_path / "cards.csv").open(encoding="utf-8-sig")))
    assert rows[0] == {"front": '\'=HYPERLINK("http://x","点我")', "back": "'+1 营销", "sources": "'@来源"}
    assert rows[1] == {"front": "营销是什么", "back": "'-负责推广", "sources": "a.txt"}


def test_markdown_shows_html_from_the_corpus_as_text():
    from kb.study.export import to_markdown
    from kb.study.guide import StudyGuide
    from kb.types import Answer, CitedSpan, Hit, Passage

    text = "营销<img src=x onerror=alert(1)>是系统。"
    passage = Passage(0, "d", "标题<b>", "d.txt", 0, len(text), text)
    answer = Answer(
        "营销是<script>什么", text + "[1]", [CitedSpan(text, (1,), "d", 0, len(text))], [Hit(1, 0.9, passage)]
    )
    markdown = to_markdown(StudyGuide("指南", [answer]))
    assert "<img" not in markdown and "<script>" not in markdown and "<b>" not in markdown
    assert "营销&lt;img src=x onerror=alert(1)&gt;是系统。" in markdown


def test_a_table_cell_of_several_lines_stays_in_its_markdown_row():
    from kb.study.export import to_markdown
    from kb.study.guide import StudyGuide
    from kb.types import Answer, CitedSpan, Contrast, ContrastRow, Hit, Passage

    text = "优点\n不用等待用户事务结束\n不会影响新事务的运行"
    passage = Passage(0, "d", "转储", "d.txt", 0, len(text), text)
    items = CitedSpan(text[3:], (1,), "d", 3, len(text))
    row = ContrastRow("优点", [CitedSpan("实现简单", (1,), "d", 0, 4), items])
    contrast = Contrast(["静态转储", "动态转储"], [row])
    answer = Answer("静态转储和动态转储各有什么优缺点", "…", [items], [Hit(1, 0.9, passage)], contrast=contrast)
    markdown = to_markdown(StudyGuide("指南", [answer]))
    assert "| 优点 | 实现简单[1]。 | 不用等待用户事务结束<br>不会影响新事务的运行[1]。 |" in markdown.splitlines()


def test_a_slide_s_label_and_item_keep_their_lines_in_the_printed_answer():
    """The pack ran a label and its item into the sentence before (「…类型[2]。• 接口回调 – 接口也是
    引用数据类型」); it starts them on a line of their own, as the terminal does, and keeps it."""
    from kb.study.export import to_html
    from kb.study.guide import StudyGuide
    from kb.types import Answer, CitedSpan, Hit, Passage

    text = "接口是一种数据类型。\n• 接口回调\n– 接口也是引用数据类型"
    passage = Passage(0, "d", "接口", "d.pptx", 0, len(text), text)
    spans = [CitedSpan(text[:10], (1,), "d", 0, 10), CitedSpan(text[11:], (1,), "d", 11, len(text))]
    page = to_html(StudyGuide("指南", [Answer("什么是接口", "…", spans, [Hit(1, 0.9, passage)])]))
    answer = re.search(r'<p class="answer">(.*?)</p>', page, re.S)
    assert answer is not None
    assert "</a>。\n• 接口回调\n– 接口也是引用数据类型" in answer.group(1)
    assert re.search(r"p\.answer[^{]*\{[^}]*white-space: pre-line", page)


def test_quiz_blanks_differ_keep_context_and_offer_real_distractors(kb_outline):
    outline = kb_outline
    items = outline.cloze
    assert len(items) >= 6
    answers = [item.answer for item in items]
    assert len(set(answers)) >= 0.75 * len(items)  # not twelve blanks of 「销售」
    sides = {side for a in outline.answers if a.contrast for side in a.contrast.sides}
    assert sum(answer in sides for answer in answers) <= len(items) // 4
    for item in items:
        assert len(item.prompt.replace("____", "")) >= 12 and item.prompt.count("____") == 1
        assert item.sources and all(1 <= n <= len(outline.sources) for n in item.sources)
        filled = item.prompt.replace("____", item.answer)
        assert any(filled in outline.sources[n - 1].text for n in item.sources)  # answerable from its source
    multiple_choice = [item for item in items if item.choices]
    assert len(multiple_choice) >= len(items) // 2 - 1
    for item in multiple_choice:
        assert len(item.choices) == 4 and item.answer in item.choices
        assert not any(other in item.prompt for other in item.choices if other != item.answer)


def test_the_outline_asks_about_terms_the_corpus_defines():
    from kb.study.guide import defined_terms

    texts = ["分销则是销售里面的其中一个环节。市场营销是一个系统。", "营销是让产品好卖。今天天气很好。"]
    assert defined_terms(texts, {"分销", "市场营销", "营销", "天气"}) == ["分销", "市场营销", "营销"]


def test_each_source_is_quoted_once_and_the_key_has_its_own_page(guide, tmp_path):
    write_study_guide(guide, tmp_path, ("html", "md"))
    page = (tmp_path / "study.html").read_text("utf-8")
    for passage in guide.sources:
        assert page.count(html_escape(passage.text)) == 1
    assert page.index('id="quiz"') < page.index('id="key"') < page.index('id="sources"')
    assert "section.page { page-break-before: always; }" in page
    markdown = (tmp_path / "study.md").read_text("utf-8")
    assert markdown.index("## 填空练习") < markdown.index("### 答案") < markdown.index("## 资料")


def test_the_pack_prints_to_pdf_on_a4_or_letter(guide, tmp_path):
    _chromium()
    (path,) = write_study_guide(guide, tmp_path, ("pdf",))
    from pdfminer.high_level import extract_text
    from pdfminer.pdfpage import PDFPage

    text = extract_text(str(path))
    assert path.name == "study.pdf" and guide.answers[0].question in text and "填空练习" in text
    (letter,) = write_study_guide(guide, tmp_path / "letter", ("pdf",), paper="letter")
    for pdf, (width_mm, height_mm) in ((path, (210, 297)), (letter, (215.9, 279.4))):
        with pdf.open("rb") as handle:
            box = next(PDFPage.get_pages(handle)).mediabox
        assert abs((box[2] - box[0]) * 25.4 / 72 - width_mm) < 2 and abs((box[3] - box[1]) * 25.4 / 72 - height_mm) < 2


def test_format_all_writes_the_pdf_too(kb, tmp_path, monkeypatch):
    """--format all --format pdf once wrote no PDF at all; without Chromium, all skips it aloud."""
    _chromium()
    runner = CliRunner()
    index = str(kb.index.index_dir)
    monkeypatch.setattr(KnowledgeBase, "open", lambda location: kb)  # the stub-embedder index
    result = runner.invoke(main, ["study", "--index", index, "--out", str(tmp_path / "a"), "--format", "all"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a" / "study.pdf").stat().st_size > 1000
    result = runner.invoke(
        main, ["study", "--index", index, "--out", str(tmp_path / "b"), "--format", "all", "--format", "pdf"]
    )
    assert result.exit_code == 0 and (tmp_path / "b" / "study.pdf").is_file()
    monkeypatch.setattr("kb.study.export.shutil.which", lambda name: None)
    result = runner.invoke(main, ["study", "--index", index, "--out", str(tmp_path / "c")])
    assert result.exit_code == 0 and "study.pdf not written: Chromium is not installed" in result.output
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [
        "flashcards.apkg",
        "flashcards.csv",
        "study.html",
        "study.md",
    ]


def test_the_page_fits_a_phone_and_the_aspect_column_holds_four_characters(guide, tmp_path):
    browser = _chromium()
    write_study_guide(guide, tmp_path, ("html",))
    page = (tmp_path / "study.html").read_text("utf-8")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    probe = tmp_path / "probe.html"  # the page with a script that reports the aspect column's width
    probe.write_text(
        page.replace(
            "</body>",
            "<script>const th = document.querySelector('tbody th.aspect');"
            "const em = parseFloat(getComputedStyle(th).fontSize);"
            "document.title = 'W' + (th.clientWidth - parseFloat(getComputedStyle(th).paddingLeft)"
            " - parseFloat(getComputedStyle(th).paddingRight)) / em;</script></body>",
        ),
        "utf-8",
    )
    dom = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'p'}",
            "--window-size=360,800",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    width_in_characters = float(dom.split("<title>W", 1)[1].split("<", 1)[0])
    assert width_in_characters >= 4  # 「时间跨度」 on one line, even on a phone


@pytest.mark.parametrize("planted", ["study.md", "flashcards.csv", "dangling"])
def test_study_never_writes_through_a_link_planted_in_out(guide, tmp_path, planted):
    """A link in --out once had its target overwritten (or, dangling, created wherever it pointed)."""
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", "utf-8")
    name, target = ("study.html", tmp_path / "elsewhere.html") if planted == "dangling" else (planted, victim)
    (out / name).symlink_to(target)
    with pytest.raises(KbError, match="symbolic link") as error:
        write_study_guide(guide, out, ("md", "html", "csv"))
    assert "\n" not in str(error.value)
    assert victim.read_text("utf-8") == "keep me" and not (tmp_path / "elsewhere.html").exists()
    assert not (out / "study.md").is_file() or (out / "study.md").is_symlink()  # nothing written at all
    result = CliRunner().invoke(main, ["study", "--index", "unused", "--out", str(out), "--format", "md"])
    if planted == "study.md":
        assert result.exit_code == 1 and result.output.count("\n") == 1 and "symbolic link" in result.output


def test_study_refuses_a_linked_out_folder_and_replaces_files_whole(guide, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(KbError, match="--out .* is a symbolic link"):
        write_study_guide(guide, tmp_path / "link", ("md",))
    assert not list(real.iterdir())
    out = tmp_path / "out"
    write_study_guide(guide, out, ("md", "csv"))
    first = (out / "study.md").stat().st_ino
    write_study_guide(guide, out, ("md", "csv"))
    assert (out / "study.md").stat().st_ino != first  # a new file renamed over the old one
    assert sorted(p.name for p in out.iterdir()) == ["flashcards.csv", "study.md"]  # no temporary left


def html_escape(text: str) -> str:
    import html

    return html.escape(text)


@pytest.mark.parametrize("corpus", ["kb", "java"])
def test_quiz_asks_about_every_document_once_per_term_with_distractors_chosen_per_item(corpus, request):
    """A Java course once got 12 items from one lesson, 7 of them 「变量」, and the same three
    distractors on every multiple-choice item."""
    knowledge = request.getfixturevalue(corpus)
    outline = request.getfixturevalue(f"{corpus}_outline")
    items = outline.cloze
    documents = {d.doc_id for d in knowledge.index.documents()}
    asked = [outline.sources[item.sources[0] - 1].doc_id for item in items]
    assert len(items) == 12 and set(asked) == documents
    assert max(asked.count(doc) for doc in documents) <= 3
    assert len({fold(item.answer) for item in items}) == len(items)  # one term is the answer once
    multiple_choice = [item for item in items if item.choices]
    assert len(multiple_choice) >= 4
    distractor_sets = [frozenset(item.choices) - {item.answer} for item in multiple_choice]
    assert len(set(distractor_sets)) == len(distractor_sets)
    every = [d for ds in distractor_sets for d in ds]
    assert max(every.count(d) for d in every) <= len(multiple_choice) // 2
    texts = {d.doc_id: fold(d.text) for d in knowledge.index.documents()}
    for item in multiple_choice:
        assert len(item.choices) == 4 and item.answer in item.choices
        siblings = [c for c in item.choices if fold(c) in texts[outline.sources[item.sources[0] - 1].doc_id]]
        assert len(siblings) == 4  # the answer and three terms of its own document
        for other in set(item.choices) - {item.answer}:
            assert fold(other) not in fold(item.prompt) and fold(other) not in fold(item.answer)
            assert fold(item.answer) not in fold(other)  # 「目标」 vs 「销售目标」: both would be right


@pytest.mark.parametrize("corpus", ["kb", "java"])
def test_quiz_blanks_whole_words_of_statements(corpus, request):
    """「数据____」 → 类型 split a word; 「备注：」 from a slide's speaker notes led items."""
    knowledge = request.getfixturevalue(corpus)
    tokenizer = knowledge.profile.analyzer.tokenizer
    for item in request.getfixturevalue(f"{corpus}_outline").cloze:
        filled = fold(item.prompt.replace(BLANK, item.answer))
        start = item.prompt.index(BLANK)
        bounds = {b for _, s, e in tokenizer.tokenize(filled) for b in (s, e)}
        assert {start, start + len(item.answer)} <= bounds, item.prompt
        assert not item.prompt.startswith("备注") and not item.prompt.endswith(("：", ":"))
        assert fold(item.prompt).count(fold(item.answer)) == 0  # the answer is not written next to its blank


def test_statements_lose_their_label_and_lists_are_not_statements():
    assert statement("备注：讲到这里可以让学员自己声明几个变量。") == "讲到这里可以让学员自己声明几个变量。"
    assert statement("Note: 泛型在编译时检查类型。") == "泛型在编译时检查类型。"
    assert statement("  – 子类可以增加自己的成员") == "子类可以增加自己的成员"  # a slide's bullet
    assert statement("从销售到营销的跨越其实就是从：") is None
    assert statement("什么是变量？") is None


def test_distractors_never_fit_the_blanks_place_and_share_its_script():
    """「…把产品卖给____」: 客户 is also right when the corpus says 「卖给客户」 elsewhere."""
    from kb.profile import default_profile
    from kb.types import Passage

    texts = [
        ("a", "品牌是企业在消费者心中留下的整体印象和认知。"),
        ("b", "销售是把产品卖给消费者的最后一个环节，由一线人员完成。"),
        ("b", "渠道商会把产品卖给客户。品牌、渠道、价格和预算都属于市场工作的内容。"),
    ]
    passages = [Passage(i, d, d, f"{d}.txt", 0, len(t), t) for i, (d, t) in enumerate(texts)]
    ranked = ["消费者", "客户", "品牌", "渠道", "价格", "预算"]
    terms = Terms({"a": ["品牌"], "b": ranked}, ranked, dict.fromkeys(ranked, "n"), {})
    first, second = build_quiz(passages, terms, default_profile().analyzer.tokenizer, limit=2)
    assert first.choices == () and second.prompt == "销售是把产品卖给____的最后一个环节，由一线人员完成。"
    assert "客户" not in second.choices and sorted(second.choices) == sorted(["消费者", "品牌", "渠道", "价格"])
    passages = [Passage(i, d, d, f"{d}.txt", 0, len(t), in_script(t, "traditional")) for i, (d, t) in enumerate(texts)]
    _, second = build_quiz(passages, terms, default_profile().analyzer.tokenizer, limit=2)
    assert sorted(second.choices) == sorted(["消費者", "品牌", "渠道", "價格"])  # the sentence's own script


def test_the_outline_contrasts_a_pair_the_corpus_compares(java, java_outline):
    """The Java course compares 接口 and 抽象类 (and ArrayList/LinkedList, throw/throws), never
    变量 and 常量; a corpus that compares nothing gets no contrast question."""
    assert java_outline.answers[0].question == "接口和抽象类的区别"
    assert java_outline.title == "学习提纲：接口与抽象类"
    from kb.study.guide import compared_pairs

    texts = [d.text for d in java.index.documents()]
    pairs = compared_pairs(texts, java.profile, set())
    assert {frozenset(p) for p in pairs} == {
        frozenset({"接口", "抽象类"}),
        frozenset({"arraylist", "linkedlist"}),
        frozenset({"throw", "throws"}),
    }
    assert compared_pairs(texts[:2], java.profile, set()) == []


def test_a_quiz_for_asked_questions_stays_on_the_documents_their_answers_cite(guide):
    cited = {s.doc_id for a in guide.answers if a.found for s in a.sentences}
    asked = {guide.sources[item.sources[0] - 1].doc_id for item in guide.cloze}
    assert len(guide.cloze) >= 6 and asked <= cited


def test_key_terms_print_nothing_of_jieba_s_own_loading():
    """A trainer's terminal shows kb's lines only: jieba's default tagger announces the loading
    of its dictionary (「Building prefix dict…」) unless told not to."""
    probe = (
        "from kb.profile import default_profile; from kb.study.guide import key_terms; "
        "print(key_terms(['营销是一个系统，销售只是营销的一部分。'], default_profile()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT, timeout=120
    )
    assert "营销" in done.stdout and "prefix dict" not in done.stderr, done.stderr
