import pytest

from kb.ingest.chunk import ChunkSettings, headed_sentences, quotable_sentences, split_passages
from kb.ingest.clean import clean
from kb.language.text import sentence_spans
from kb.profile import default_profile
from tests.conftest import CORPUS

RULES = default_profile().cleaning_rules
SEED = [clean(p.read_text("utf-8"), RULES).text for p in sorted(CORPUS.glob("*.txt"))]


@pytest.mark.parametrize("settings", [ChunkSettings(), ChunkSettings(120, 0), ChunkSettings(400, 2)])
def test_passages_are_runs_of_whole_sentences_within_size(settings):
    for text in SEED:
        boundaries_start = {s for s, _ in sentence_spans(text)}
        boundaries_end = {e for _, e in sentence_spans(text)}
        passages = split_passages(text, settings)
        assert passages
        for p in passages:
            assert p.start in boundaries_start and p.end in boundaries_end
            single_sentence = (p.start, p.end) in set(sentence_spans(text))
            assert p.end - p.start <= settings.max_chars or single_sentence


def test_passages_cover_every_sentence():
    for text in SEED:
        passages = split_passages(text)
        for s, e in sentence_spans(text):
            assert any(p.start <= s and e <= p.end for p in passages)


def test_overlap_repeats_one_sentence_between_neighbours():
    text = "".join(f"第{i}句讲市场与销售的关系。" for i in range(40))
    passages = split_passages(text, ChunkSettings(60, 1))
    assert all(b.start < a.end for a, b in zip(passages, passages[1:]))
    no_overlap = split_passages(text, ChunkSettings(60, 0))
    assert all(b.start >= a.end for a, b in zip(no_overlap, no_overlap[1:]))


def test_heading_travels_with_its_section():
    text = (
        "营销与销售的区别\n"
        + "营销是一个系统，而销售只是营销的一部分。" * 3
        + "\n思考的角度不同\n"
        + "销售是由内向外的思维方式。" * 6
    )
    passages = split_passages(text, ChunkSettings(80, 0))
    last = passages[-1]
    assert last.heading == "思考的角度不同"
    assert "思考的角度不同" not in text[last.start : last.end] or last.start == text.index("思考的角度不同")


def test_a_line_that_asks_titles_its_section():
    """Study notes title their sections with questions (Markdown 「## Cookie 和 Session 有什么区别？」,
    read as its text): a passage starts there and its sentences stand under it, not under the
    label of the code example before it; a long question in prose titles nothing."""
    text = (
        "读取所有的 Cookie 值\n"
        + "这段代码读出请求带来的每一个 Cookie。" * 7
        + "\nCookie 和 Session 有什么区别？\n"
        + "Cookie 数据保存在客户端，Session 数据保存在服务器端。\n"
        + "很多人会问，既然客户端已经保存了数据，为什么服务端还要再保存一份一样的东西呢？\n"
        + "相对来说 Session 安全性更高。"
    )
    passages = split_passages(text, ChunkSettings(240, 1))
    assert passages[-1].start == text.index("Cookie 和 Session 有什么区别？")
    headed = {text[s:e]: h for s, e, h in headed_sentences(text)}
    assert headed["Cookie 数据保存在客户端，Session 数据保存在服务器端。"] == "Cookie 和 Session 有什么区别？"
    assert headed["相对来说 Session 安全性更高。"] == "Cookie 和 Session 有什么区别？"


def test_a_comment_in_a_code_block_heads_no_passage():
    """「# --- 推荐的基础配置 ---」 inside a fenced block is a comment: the passages after it keep
    the heading before the block."""
    code = "\n".join(f"# 打印第 {n} 项 GC 信息\n-XX:+PrintGC{n}" for n in range(8))
    text = "GC 日志记录\n以下是推荐的 GC 日志参数：\n```\n# --- 推荐的基础配置 ---\n" + code + "\n```\n"
    passages = split_passages(text, ChunkSettings(80, 0))
    assert len(passages) > 1 and {p.heading for p in passages[1:]} == {"以下是推荐的 GC 日志参数："}


def test_a_line_introducing_a_list_is_quotable_anywhere_in_the_text_but_a_numbered_label_is_not():
    text = "第一段的一句话写在这里。\n市场部的日常工作包括以下几项：\n1、目标不同：\n1、开展市场调研。"
    assert [text[s:e] for s, e in quotable_sentences(text)] == [
        "第一段的一句话写在这里。",
        "市场部的日常工作包括以下几项：",
        "1、开展市场调研。",
    ]


def test_a_lead_in_too_short_to_quote_alone_is_quotable_but_a_short_code_line_ending_in_a_colon_is_not():
    """「应包括：」 is quoted with the items under it; 「else:」 in a code block leads in nothing."""
    text = "应包括：\n违约处理\n```\nif x:\n    pass\nelse:\n    return 1\n```"
    quoted = [text[s:e] for s, e in quotable_sentences(text)]
    assert "应包括：" in quoted
    assert "if x:" not in quoted and "else:" not in quoted


def test_a_slide_bullet_that_states_something_is_quotable_and_a_title_is_its_heading():
    """Slides drop the full stop: a bullet that states something is a sentence (embedded and
    quotable), a line that only names a topic stays the heading of what follows it."""
    text = (
        "聚簇索引的用途\n在一个基本表上最多只能建立一个聚簇索引\n2.1 关系是一张二维表\n每行对应一个元组。\n"
        "视图的作用\n视图对重构数据库提供了一定程度的逻辑独立性\nCSMA/CD 在无线LAN中无法工作\n"
        "了解视图的定义\n视图可以简化查询。\n第二种方式有以下好处\n可以避免由于Java的单继承带来的局限性\n"
        "5.2.4 自定义异常类\n可通过定义Exception类的子类创建自己的异常类\n"
        "QEMU启动参数\n物理内存的默认大小为 128MiB\n进程与程序的对应关系\n同一个程序的多次执行过程对应为不同进程"
    )
    assert [text[s:e] for s, e, _ in headed_sentences(text)] == [
        "在一个基本表上最多只能建立一个聚簇索引",
        "每行对应一个元组。",
        "视图对重构数据库提供了一定程度的逻辑独立性",  # 了 after a verb: a claim
        "CSMA/CD 在无线LAN中无法工作",
        "视图可以简化查询。",
        "可以避免由于Java的单继承带来的局限性",  # a bullet opening with its predicate: a claim
        "可通过定义Exception类的子类创建自己的异常类",  # 可 before how: a claim
        "物理内存的默认大小为 128MiB",  # 为 before an amount: a claim
        "同一个程序的多次执行过程对应为不同进程",  # what it corresponds to: a claim
    ]
    assert [h for _, _, h in headed_sentences(text)] == [
        "聚簇索引的用途",
        "2.1 关系是一张二维表",
        "视图的作用",
        "视图的作用",
        "了解视图的定义",  # 了解 names what the section teaches
        "第二种方式有以下好处",
        "5.2.4 自定义异常类",
        "QEMU启动参数",
        "进程与程序的对应关系",  # 对应 inside a name: a title
    ]


def test_a_title_glued_to_its_sentence_is_never_quoted():
    """Scraping runs a title into the line of its first sentence: the sentence is quoted from
    its own start, the title never."""
    text = "营销与销售的区别与联系营销和销售是商业中两个十分重要的概念。它们虽然不同，却相互支撑。"
    assert [text[s:e] for s, e in quotable_sentences(text)] == [
        "营销和销售是商业中两个十分重要的概念。",
        "它们虽然不同，却相互支撑。",
    ]


def test_slide_lines_of_two_clauses_or_under_a_question_are_quotable():
    """A slide drops full stops and verbs the heading test knows: a line of two clauses states
    something, and the lines under a title that asks answer it. Both are quoted; the question
    and a title without either stay headings."""
    text = (
        "视图的特点\n虚表，是从一个或几个基本表导出的表\n只存放视图的定义，不存放视图对应的数据\n"
        "什么是审计\n启用一个专用的审计日志（Audit Log）\n审计的级别\n用户级审计\n"
        "建议：告诉别人你今天有什么资源。\n营销渠道的选择\n社交媒体，博客和SEO等数字营销\n电子邮件营销的效果最好。"
    )
    assert [(text[s:e], h) for s, e, h in headed_sentences(text)] == [
        ("虚表，是从一个或几个基本表导出的表", "视图的特点"),  # 一个或几个 asks nothing
        ("只存放视图的定义，不存放视图对应的数据", "视图的特点"),
        ("启用一个专用的审计日志（Audit Log）", "什么是审计"),
        # A sentence holding 什么 asks nothing; a list of names between commas is a title.
        ("建议：告诉别人你今天有什么资源。", "用户级审计"),
        ("电子邮件营销的效果最好。", "社交媒体，博客和SEO等数字营销"),
    ]


def test_a_bulleted_item_is_quoted_and_a_line_naming_nothing_is_no_heading():
    """A slide's bulleted item (「• 玩家：射手和守门员」) is an item of a list, quotable, not the
    title of what follows; a table row of numbers or a lone digit names no section, so the
    sentences under it keep the title above; alone, a row of numbers is never quoted, nor is
    a deck's outline run into one line."""
    text = (
        "1 第一个游戏：点球游戏2 第二个游戏：合作游戏3 纳什均衡\n"
        "点球游戏\n• 玩家：射手和守门员\n9, −9 4, −4\n2\n射手选择左边时守门员也扑向左边。"
    )
    assert [(text[s:e], h) for s, e, h in headed_sentences(text)] == [
        ("• 玩家：射手和守门员", "点球游戏"),
        ("射手选择左边时守门员也扑向左边。", "点球游戏"),
    ]


def test_an_exercise_is_never_quoted_and_a_dash_marks_an_item():
    """An assignment asks in the imperative, with a full stop or none (「请简述…」, 「试述…。」):
    it answers nothing. A slide's second level is marked by a figure dash and a space: an
    item, not a heading, though it states nothing in a full sentence."""
    text = (
        "习题\n1. 请简述无线网络为何无法采用 CSMA/CD 机制进行通信\n试述视图的作用。\n"
        "请注意：无线信道的误码率比有线信道高得多。\n不可靠的交付\n‒ 发送的帧不编号\n"
    )
    assert [(text[s:e], h) for s, e, h in headed_sentences(text)] == [
        ("请注意：无线信道的误码率比有线信道高得多。", "习题"),
        ("‒ 发送的帧不编号", "不可靠的交付"),
    ]


def test_a_bulleted_label_over_dashed_items_is_their_heading():
    """A slide labels its sub-items: 「• 静态路由选择策略」 over 「‒ 简单和开销较小，…」 names what
    the items are about, so it is their heading (without its bullet), not an item quoted alone;
    a bulleted line among bulleted lines stays an item."""
    text = (
        "路由选择策略\n• 静态路由选择策略（非自适应路由选择）\n‒ 简单和开销较小，但不能及时适应网络状态的变化\n"
        "• 动态路由选择策略（自适应路由选择）\n‒ 能较好地适应网络状态的变化，但实现较复杂\n"
        "• 玩家：射手和守门员\n• 策略：向左或向右扑救"
    )
    assert [(text[s:e], h) for s, e, h in headed_sentences(text)] == [
        ("‒ 简单和开销较小，但不能及时适应网络状态的变化", "静态路由选择策略（非自适应路由选择）"),
        ("‒ 能较好地适应网络状态的变化，但实现较复杂", "动态路由选择策略（自适应路由选择）"),
        ("• 玩家：射手和守门员", "动态路由选择策略（自适应路由选择）"),
        ("• 策略：向左或向右扑救", "动态路由选择策略（自适应路由选择）"),
    ]
    headings = [p.heading for p in split_passages(text, ChunkSettings(max_chars=60))]
    assert headings[-1] == "动态路由选择策略（自适应路由选择）"


def test_dashed_items_of_one_level_are_items_and_a_dashed_item_over_deeper_ones_too():
    """A slide's second level reads 「– …」 (kb/formats/slides.py): two dashed items in a row are
    both quoted (the first was taken for the label of the second and never quoted), and a step
    over its code (「– 调用connect()方法」 / 「  – in.connect(out);」) is a step, not a label."""
    text = (
        "使用管道\n– 调用connect()方法\n  – in.connect(out);\n"
        "字符串的equals()方法和==\n– ==比较两个栈中变量的值是否相同\n– equals()方法比较两个堆中的对象的内容是否相同\n"
    )
    assert [(text[s:e], h) for s, e, h in headed_sentences(text)] == [
        ("– 调用connect()方法", "使用管道"),
        ("– in.connect(out);", "使用管道"),
        ("– ==比较两个栈中变量的值是否相同", "字符串的equals()方法和=="),
        ("– equals()方法比较两个堆中的对象的内容是否相同", "字符串的equals()方法和=="),
    ]


def test_a_timeline_s_event_under_its_date_is_quoted():
    """A history slide writes 「1995年5月」 over 「以"Java"的名称正式发布」: the date is no heading of
    a section, and the short line under it states what happened then."""
    text = '1.1.1 Java的诞生和发展\n1994年\n发布HotJava浏览器\n1995年5月\n以"Java"的名称正式发布\n'
    assert [text[s:e] for s, e in quotable_sentences(text)] == ["发布HotJava浏览器", '以"Java"的名称正式发布']
