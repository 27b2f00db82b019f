"""PDF text as a reader sees it (issue 22.2): whole paragraphs from wrapped lines, Kangxi
radicals and doubled glyphs from macOS PDFs mapped back, and a page of unmapped glyphs named."""

from pathlib import Path

import pytest

from kb.formats.glyphs import normalise
from kb.formats.pdf import extract
from kb.ingest.loaders import load_paths
from kb.language.text import sentence_spans
from tests.documents import (
    wrap_like_word,
    write_remapped_pdf,
    write_slide_pdf,
    write_two_column_pdf,
    write_word_exported_pdf,
)

pytest.importorskip("pdfminer")
pytest.importorskip("reportlab")

HANDOUT = [
    ("heading", "1.3 接口"),
    (
        "paragraph",
        "接口是一种特殊的抽象类型，它只声明方法而不实现它们。一个类可以实现多个接口，例如 ArrayList 同时实现了 "
        "List、RandomAccess 和 Cloneable 接口，这样的处理方式让写代码的同学可以面向接口编程，而不依赖具体的实现类。"
        "定义接口时使用 interface 关键字，接口中的方法默认是 public abstract 的。",
    ),
    (
        "paragraph",
        "从 Java 8 开始，接口可以有 default 方法和 static 方法，这让已有的接口可以增加新方法而不破坏实现它的类。"
        "需要注意的是，default 方法如果在两个接口中同名，实现类必须重写它以消除歧义，否则编译器会报错。",
    ),
    ("wide", "表1  接口 | 抽象类 | 可以多实现 | 只能单继承 | 没有构造方法 | 可以有构造方法 | 成员变量默认是常量"),
    ("heading", "1.4 抽象类"),
    (
        "paragraph",
        "抽象类用 abstract 修饰，可以有构造方法和普通成员变量，子类用 extends 继承它；一个类只能继承一个抽象类，"
        "但可以实现多个接口，这是两者最主要的区别之一。",
    ),
]


def test_a_word_exported_pdf_comes_back_as_whole_paragraphs(tmp_path):
    text = extract(write_word_exported_pdf(HANDOUT, tmp_path / "handout.pdf").read_bytes()).text
    assert text.strip().split("\n") == [block for _, block in HANDOUT]


def test_no_sentence_ends_inside_a_wrapped_line(tmp_path):
    text = extract(write_word_exported_pdf(HANDOUT, tmp_path / "handout.pdf").read_bytes()).text
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        assert sentence.endswith(("。", "；")) or sentence in {b for k, b in HANDOUT if k != "paragraph"}, sentence


def test_a_comment_balloon_beside_the_text_does_not_move_its_right_edge(tmp_path):
    comment = ("comment", "批注[A1]:\n建议改短")
    blocks = [HANDOUT[0], comment, *HANDOUT[1:3]]
    text = extract(write_word_exported_pdf(blocks, tmp_path / "reviewed.pdf").read_bytes()).text
    paragraphs = text.strip().split("\n")
    assert HANDOUT[1][1] in paragraphs and HANDOUT[2][1] in paragraphs  # wrapped lines still joined
    assert "批注[A1]:" in text  # the comment itself is kept


def test_a_paragraph_indented_as_a_whole_comes_back_whole(tmp_path):
    # A lab report's answer under a numbered question: every line starts at the same indent.
    answer = (
        "其实是不能直接删的，因为存在参照完整性检验。所以真的想删除的话，要先把参照完整性检验关掉再删。"
        "当然最好是开着，不然外码就失去其价值了，插入和删除时数据库都会替你检查参照关系是否成立。"
    )
    question, next_answer = "2. 删除被参照表的元组时能否直接删除？", "第二个回答从这里开始。"
    blocks = [("lines", question), ("block", answer), ("block", next_answer)]
    text = extract(write_word_exported_pdf(blocks, tmp_path / "report.pdf").read_bytes()).text
    assert text.strip().split("\n") == [question, answer, next_answer]


LISTING = 'img = imread("lena.jpg");\n%  读入后显示原图\nif show == "show"\n    imshow(img);\n    title("原图");\nend'


def test_code_in_the_text_font_is_kept_line_for_line(tmp_path):
    blocks = [("heading", "四. 实验代码"), ("body code", LISTING), HANDOUT[1]]
    text = extract(write_word_exported_pdf(blocks, tmp_path / "lab.pdf").read_bytes()).text
    fence = text.index("```")
    block = text[fence : text.index("```", fence + 3) + 3].split("\n")
    assert [line.strip() for line in block[1:-1]] == [line.strip() for line in LISTING.split("\n")]
    assert HANDOUT[1][1] in text.split("\n")  # the prose after it is prose


def test_latin_wraps_get_a_space_and_a_hyphenated_word_is_joined(tmp_path):
    paragraph = "The garbage collector reclaims objects that are no longer reachable from any root. " * 3
    lines = wrap_like_word(paragraph.strip(), 415.0, "STSong-Light", 10.5)
    head, _, tail = lines[1].partition(" ")
    lines[0] = f"{lines[0].rstrip()} {head[:3]}-"  # a word hyphenated at the end of the first line
    lines[1] = f"{head[3:]} {tail}"
    text = extract(write_word_exported_pdf([("lines", "\n".join(lines))], tmp_path / "en.pdf").read_bytes()).text
    assert text.strip() == paragraph.strip()


def test_kangxi_radicals_and_doubled_glyphs_from_macos_pdfs_are_mapped_back(tmp_path):
    pdf = write_remapped_pdf(["本课程⼤大纲：⽀支持⾯面向对象，⼤⼤提高效率。"], tmp_path / "keynote.pdf")
    assert extract(pdf.read_bytes()).text.strip() == "本课程大纲：支持面向对象，大大提高效率。"


def test_normalise_touches_only_radicals_and_compatibility_ideographs():
    assert normalise("⼤大纲 ＡＢＣ１２３，（main()） 大大") == "大纲 ＡＢＣ１２３，（main()） 大大"
    assert normalise("\uf900") == "\u8c48"  # a CJK compatibility ideograph


def test_a_page_of_unmapped_glyphs_is_named_in_a_warning(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pages = ["第一页的文字都能读出来，没有问题。", "".join(chr(0xE000 + i) for i in range(24)) + "第二页"]
    write_remapped_pdf(pages, corpus / "exam.pdf")
    warned: list[str] = []
    result = load_paths([corpus], warn=warned.append)
    # The page is named as it is met; it is not indexed as text (kb/ingest/readable.py), page 1 is.
    assert len(result.documents) == 1 and result.documents[0].text.strip() == pages[0]
    assert [Path(source).name for source, _ in result.skipped] == ["exam.pdf p.2"]
    assert any("exam.pdf p.2" in w for w in warned) and any("no Unicode mapping" in w for w in warned)


def test_a_page_in_two_columns_is_read_column_by_column(tmp_path):
    left = [
        "垃圾收集器负责回收不再被引用的对象，程序员不需要手动释放内存，这减少了内存泄漏的风险。",
        "新生代的对象大多朝生夕死，因此新生代采用复制算法，每次只需要复制少量存活的对象即可。",
    ]
    right = [
        "老年代的对象存活率高，没有额外空间为它担保，所以老年代通常采用标记整理算法来回收。",
        "G1收集器把堆划分为多个大小相等的区域，可以优先回收垃圾最多的区域，从而控制停顿时间。",
    ]
    pdf = write_two_column_pdf("第三章 垃圾收集器与内存分配策略", (left, right), tmp_path / "columns.pdf")
    assert extract(pdf.read_bytes()).text.strip().split("\n") == ["第三章 垃圾收集器与内存分配策略", *left, *right]


# Two slides as PowerPoint saves them: paragraph ends carry a trailing space, wraps do not, and a
# continuation sits under the text after the bullet. The first slide's last line reaches the right
# edge without ending a sentence: the next slide's title must not be glued to it.
SLIDES = [
    [
        (178, "3. 聚簇存取方法的选择 "),
        (79, "①为了提高某个属性（或属性组）的查询速度，把这个"),
        (101, "或这些属性上具有相同值的元组集中存放在连续的物"),
        (101, "理块中称为聚簇。 "),
        (79, "②该属性（或属性组）称为聚簇码，一个基本表上最多"),
        (79, "③许多关系型数据库管理系统都提供了聚簇功能和聚簇索"),
        (101, "引的维护， "),
        (101, "维护的代价与表的更新频率有关，需要权衡后再决定建立 "),
    ],
    [(143, "聚簇存取方法的选择（续） "), (79, "①聚簇只能提高某些特定应用的性能 ")],
]


def test_slides_saved_as_pdf_come_back_as_whole_bullets(tmp_path):
    text = extract(write_slide_pdf(SLIDES, tmp_path / "slides.pdf").read_bytes()).text
    assert [line.rstrip() for line in text.strip().split("\n")] == [
        "3. 聚簇存取方法的选择",
        "①为了提高某个属性（或属性组）的查询速度，把这个或这些属性上具有相同值的元组集中存放在连续的物理块中称为聚簇。",
        "②该属性（或属性组）称为聚簇码，一个基本表上最多",  # a new bullet ends the wrapped line before it
        "③许多关系型数据库管理系统都提供了聚簇功能和聚簇索引的维护， "  # a line broken by hand after 「，」
        "维护的代价与表的更新频率有关，需要权衡后再决定建立",
        "聚簇存取方法的选择（续）",
        "①聚簇只能提高某些特定应用的性能",
    ]


# A LaTeX Beamer slide: no line ends in a space; a wrapped item continues under its bullet's text,
# a wrapped block under its own start (the frame's title stands left of both).
BEAMER = [
    [
        (20, "比较静态分析"),
        (60, "如果无论对方选择什么策略，策略A产生的效用都严格大于策略"),
        (60, "B产生的效用，则策略A严格占优于策略B。"),
        (60, "● 策略M不是任何信念下的最优反应，因此尽管没有占优也可"),
        (84, "以剔除策略M，这是比较静态分析的结论。"),
        (60, "● 重复剔除劣势策略以后，每个玩家只剩一个策略时，就得到"),
        (84, "– 这是一个子项，不是上一行的续行"),
        (60, "● 短的要点"),
        (84, "在缩进处的另一段"),
    ]
]


def test_a_list_item_wrapped_under_its_bullet_is_one_line(tmp_path):
    text = extract(write_slide_pdf(BEAMER, tmp_path / "beamer.pdf").read_bytes()).text
    assert text.strip().split("\n") == [
        "比较静态分析",
        "如果无论对方选择什么策略，策略A产生的效用都严格大于策略B产生的效用，则策略A严格占优于策略B。",
        "● 策略M不是任何信念下的最优反应，因此尽管没有占优也可以剔除策略M，这是比较静态分析的结论。",
        "● 重复剔除劣势策略以后，每个玩家只剩一个策略时，就得到",  # a sub-item has a mark of its own
        "– 这是一个子项，不是上一行的续行",
        "● 短的要点",  # a short line does not run on
        "在缩进处的另一段",
    ]


# Lines broken by hand on a slide whose every line ends in a space, the rest aligned with spaces
# under the text above (as in a textbook's slides saved as PDF).
HAND_BROKEN = [
    [
        (43, "聚簇存取方法的选择（续） "),  # the text box's left edge: the lines below are indented
        (79, "  （2）如果一个关系的一组属性经常出现在相等比较条 "),
        (79, "           件中，则该单个关系可建立聚簇； "),
        (79, "当通过聚簇码进行访问或连接是该关系的主要应用，与聚 "),
        (79, "    簇码无关的其他访问很少或者是次要的时，可以使用聚簇 "),
        (79, "数据库管理系统自动保证镜像数据与主数据的一致性 "),
        (79, "   每当主数据库更新时，系统自动把更新后的数据复制过去 "),
    ]
]


def test_a_line_broken_by_hand_inside_a_word_is_joined_to_its_rest(tmp_path):
    text = extract(write_slide_pdf(HAND_BROKEN, tmp_path / "slides.pdf").read_bytes()).text
    assert [line.strip() for line in text.strip().split("\n")] == [
        "聚簇存取方法的选择（续）",
        "（2）如果一个关系的一组属性经常出现在相等比较条件中，则该单个关系可建立聚簇；",  # 条|件 is one word
        # 聚|簇: a pair the page writes whole elsewhere
        "当通过聚簇码进行访问或连接是该关系的主要应用，与聚簇码无关的其他访问很少或者是次要的时，可以使用聚簇",
        "数据库管理系统自动保证镜像数据与主数据的一致性",  # a new statement under it, not a wrap
        "每当主数据库更新时，系统自动把更新后的数据复制过去",
    ]


def test_an_item_marked_by_a_figure_dash_starts_its_own_line():
    """Slides set second-level items with a figure dash (U+2012, 「‒ 取消了首部长度字段」), which
    no font the fixtures draw with holds: laid out here as pdfminer reads such a slide. Under a
    bulleted line that runs to the right edge, the items were joined into it."""
    from kb.formats.pdf_paragraphs import Line, Marks, page_text

    width = 24.0  # one Chinese character
    rows = [
        (60, "• 对首部中的 IPv4 部分字段进行了更改，有的取消，有的改名"),
        (84, "‒ 取消了首部长度字段，因为它固定为 40 字节"),
        (84, "‒ 取消了服务类型字段、检验和字段"),
        (60, "• 基本首部长度固定为 40 字节，首部字段数减少为 8 个"),
    ]
    right = 60 + 28 * width
    lines = [
        Line(text, x0, right if n in (0, 3) else x0 + len(text) * width * 0.8, 700 - 30 * n, width)
        for n, (x0, text) in enumerate(rows)
    ]
    text, _ = page_text(lines, Marks(slide=True))
    assert text.strip().split("\n") == [text for _, text in rows]


def test_a_numbered_exercise_wrapped_under_its_number_is_one_paragraph():
    """A Word-exported exercise book hangs an item's wrapped lines under its text, right of its
    number (「33.  在一个…传输」 / 「速率为 1Gbps…」), as pdfminer reads such a page: they
    continue the item; its options start lines of their own."""
    from kb.formats.pdf_paragraphs import Line, Marks, page_text

    width = 10.5
    rows = [
        (89, 505, "33.  在一个采用 CSMA/CD 协议的网络中，传输介质是一根完整的电缆，传输"),
        (110, 506, "速率为 1Gbps，电缆中的信号传播速度是 20000km/s。若最小数据帧长度"),
        (110, 408, "减少 800 bit，则最远的两个站点之间的距离至少需要："),
        (114, 270, "A. 增加 160m  B. 增加 80m"),
        (89, 505, "34.  若下图为 10BaseT 网卡收到的信号波形（位小端序），则收到的数字是："),
    ]
    lines = [Line(text, x0, x1, 550 - 24 * n, width) for n, (x0, x1, text) in enumerate(rows)]
    text, _ = page_text(lines, Marks())
    assert text.strip().split("\n") == [
        "33.  在一个采用 CSMA/CD 协议的网络中，传输介质是一根完整的电缆，传输速率为 1Gbps，电缆中的信号传播速度是"
        " 20000km/s。若最小数据帧长度减少 800 bit，则最远的两个站点之间的距离至少需要：",
        "A. 增加 160m  B. 增加 80m",
        "34.  若下图为 10BaseT 网卡收到的信号波形（位小端序），则收到的数字是：",
    ]
