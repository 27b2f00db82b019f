"""Contrast questions: recognising the sides, filling a cited, verbatim aspect table."""

import pytest

from kb.answering.aspects import subject_words
from kb.answering.contrast import build_contrast
from kb.answering.doc_tables import is_table_header
from kb.answering.mentions import unmentioned_side
from kb.answering.outline import compared_in_one_document, outline_cells
from kb.answering.side_names import side_cores, side_names
from kb.answering.sides import contrast_sides
from kb.profile import default_profile
from kb.types import Hit, Passage

VOCABULARY = default_profile().contrast
TOKENIZE = default_profile().analyzer.tokenize


@pytest.mark.parametrize(
    "question, sides",
    [
        ("营销和销售的区别", ["营销", "销售"]),
        ("市場營銷與銷售有什麼不同", ["市场营销", "销售"]),
        ("请问营销跟推销的差异是什么", ["营销", "推销"]),
        ("市场部和销售部之间的区别", ["市场部", "销售部"]),
        ("市场部和销售部的工作目标有什么不同", ["市场部", "销售部"]),
        ("什么是销售漏斗", None),
        ("营销和营销的区别", None),
        # A side ends at its clause; the work is named, not the doing or the doer.
        ("做市场营销策划和做销售策划，时间跨度上有啥不同", ["市场营销策划", "销售策划"]),
        ("做市场的人和做销售的人，靠的本事有什么差别", ["市场", "销售"]),
        # The second side opens with the verb the first one's name follows: what precedes it is no side.
        ("字符串外面套单引号和套双引号，两种写法的区别是什么？", ["套单引号", "套双引号"]),
        # Two sides of one length, told apart by their first characters: nothing to trim off the first.
        ("单队列多处理器调度和多队列多处理器调度有什么区别？", ["单队列多处理器调度", "多队列多处理器调度"]),
        ("大客户销售和客户成功有什么区别", ["大客户销售", "客户成功"]),  # 客户 is a word: no verb
        # An operator's side is Latin too; the means (用 …) and what a thing is made into (写成 …) are no side.
        ("在 $((...)) 里，i++ 和 ++i 返回的值有什么差别？", ["i++", "++i"]),
        ("同样是给一串命令起个名字，用 alias 和写成函数，各自适合什么情况？", ["alias", "函数"]),
        ("使用 kafka 和使用 rabbitmq 有什么区别", ["kafka", "rabbitmq"]),
        ("上传代码和传文件有什么区别", ["上传代码", "传文件"]),  # 传 is part of 上传: no verb of its own
        ("对称加密和非对称加密主要区别是啥？", ["对称加密", "非对称加密"]),  # 对称 is no 「对…」 of respect
        ("从事销售工作的人跟做市场的有何不同", ["销售工作", "市场"]),
        ("做饭和做菜的区别", ["做饭", "做菜"]),
        ("在大会上，营销和销售有什么区别", ["营销", "销售"]),  # one character after 做: a verb-object word
        # The difference's degree and the respect it is asked in are no part of a side.
        ("营销和销售最本质的区别是什么", ["营销", "销售"]),
        ("市场部和销售部主要有什么不同", ["市场部", "销售部"]),
        ("传统IO和NIO在数据处理上的区别", ["传统io", "nio"]),
        ("Multi-Paxos 跟 Raft 在日志和 leader 上的设计有啥不一样？", ["multi-paxos", "raft"]),
        ("ACID 和 BASE 对事务中间状态的态度有什么不同？", ["acid", "base"]),
        ("一对一和一对多的区别", ["一对一", "一对多"]),  # 对 inside a side's name
        # Where both are found, and what both are, are no part of a side.
        ("Gossip 里反熵和谣言传播这两种方式差在哪儿？", ["反熵", "谣言传播"]),
        ("数据库里的视图和基本表有什么区别", ["视图", "基本表"]),
        # What each of them does is asked.
        ("做注册中心的话，ZooKeeper 和 Eureka 各自偏向什么？", ["zookeeper", "eureka"]),
        # Two ways of doing one thing, named by their means; a term quoted as the text says it.
        ("对象访问定位用句柄和用直接指针，各自好在哪？", ["句柄", "直接指针"]),
        ("垃圾收集器里说的“并行”和“并发”有啥区别？", ["并行", "并发"]),
        ("用户和用户组有什么区别", ["用户", "用户组"]),  # 用 opening a word is no means
        ("用户组和用户权限有什么区别", ["用户组", "用户权限"]),
        # Other ways Chinese asks to set two things apart, and which of them is better.
        ("用户级线程和内核级线程比起来各有啥好处坏处", ["用户级线程", "内核级线程"]),
        ("死锁和饥饿怎么区分", ["死锁", "饥饿"]),
        ("FIFO和LRU哪个好，区别在哪", ["fifo", "lru"]),
        # Which is better, a choice between two, their being confused or where they part: a comparison.
        ("做消息队列的话Redis Stream和Kafka哪个好？", ["redis stream", "kafka"]),  # the condition is no side
        ("存时间用DATETIME还是TIMESTAMP比较好？", ["datetime", "timestamp"]),
        ("Redis持久化用RDB好还是AOF好？", ["rdb", "aof"]),
        ("应用层还是传输层更好", ["应用层", "传输层"]),
        ("缓存穿透和缓存击穿老是搞混，两者区别在哪？", ["缓存穿透", "缓存击穿"]),
        ("301 跟 302 状态码我老搞混，区别是啥？", ["301", "302"]),  # not 「302 状态码我」
        ("TCP 和 UDP 协议有什么区别", ["tcp", "udp"]),  # what both are, named after the second
        ("redis跟memcached比到底差在哪", ["redis", "memcached"]),
        ("你觉得还是先学好基础比较好吗", None),  # 还是 after a verb of thinking: 「had better」
        # 同 inside a word joins nothing; which to choose compares; the product both belong to is no side.
        ("RocketMQ 同步刷盘和异步刷盘怎么选，各自优缺点是什么？", ["同步刷盘", "异步刷盘"]),
        ("RocketMQ 的集群消费和广播消费有啥区别？", ["集群消费", "广播消费"]),
        ("Java 线程和进程的区别", ["线程", "进程"]),
        ("Spring Boot 和 Spring Cloud 的区别", ["spring boot", "spring cloud"]),
        ("RBAC 和 ABAC 这两种权限模型怎么选？", ["rbac", "abac"]),
        # What is said of both after them, and the degree after 有什么, are no part of a side.
        ("Kafka 和 Disruptor 都叫消息队列，用的地方有啥区别？", ["kafka", "disruptor"]),
        ("服务之间调用，用 RPC 和用消息队列有什么本质不同？", ["rpc", "消息队列"]),
        ("成都和重庆有什么区别", ["成都", "重庆"]),
        # A side's gloss is another name of it.
        ("重载(Overload)和覆盖(Override)的区别是什么", ["重载", "覆盖"]),
        ("用户线程和后台线程（守护线程）有什么区别", ["用户线程", "后台线程"]),
        # A Latin name compared with another is the side, not the words before it.
        ("线上看到一堆 TIME_WAIT 和 CLOSE_WAIT，这俩状态有什么不一样？", ["time_wait", "close_wait"]),
        ("HTTPS 握手时用 RSA 密钥交换和用 ECDHE 的区别在哪里？", ["rsa", "ecdhe"]),
        ("字符串比较用 == 和 equals() 有什么区别", ["==", "equals()"]),  # an operator is a side
        ("Application和Applet这两种java程序有什么区别", ["application", "applet"]),  # what both are
        # The stages of a range are listed, not compared.
        ("想做到消息一条都不丢，从发送、存储到消费每一环分别要做什么？", None),
        # Three things listed: none of them is set against one other.
        ("中断、异常和陷入这三个有什么区别？", None),
        ("那参数、返回值和系统调用号分别放在哪几个寄存器里？", None),
        ("进程、线程的区别", ["进程", "线程"]),
        # When they are used, who says their names and how they seem are no part of a side; 各 asks of each.
        ("腌肉时生抽和老抽各起什么作用，两者有什么不同？", ["生抽", "老抽"]),
        ("打蛋白时说的湿性发泡和干性发泡怎么分辨？", ["湿性发泡", "干性发泡"]),
        ("挂糊和上浆听起来差不多，两者到底有什么区别？", ["挂糊", "上浆"]),
        ("实时系统和批处理系统的区别", ["实时系统", "批处理系统"]),  # 时 of a word says no time
        ("非高峰时电价和高峰时电价有什么区别", ["非高峰时电价", "高峰时电价"]),  # nor one both sides hold
        ("演讲的技巧和写作的技巧有什么区别", ["演讲的技巧", "写作的技巧"]),  # 讲的 of 演讲: no one says it
        # What the second side owns is the side when it is of the first's kind (…金), not its respect.
        ("经济补偿金和违法解除的赔偿金有什么不一样？", ["经济补偿金", "赔偿金"]),
        # A choice, then the difference asked of both; the verb comparing them is no part of a side.
        ("进容器用 docker exec 还是 docker attach？两者有啥不同？", ["docker exec", "docker attach"]),
        ("我该学Python还是Java？它们有什么区别", ["python", "java"]),
        ("你觉得还是先学基础吧？有什么区别", None),
        ("跑步跟游泳比，主要差别在哪里？", ["跑步", "游泳"]),
        ("横向比较和纵向比较有什么区别？", ["横向比较", "纵向比较"]),  # 比较 ends both, asks nothing
        ("营销和销售比较一下", ["营销", "销售"]),
        # 比较 before an adjective says 「rather」: nothing is compared.
        ("我的Applet里有动画和背景音乐，切到别的页面时该怎么处理比较合适？", None),
    ],
)
def test_contrast_sides(question, sides):
    assert contrast_sides(question, VOCABULARY) == sides


def _hit(rank, doc, text, start=0):
    return Hit(rank, 1.0 / rank, Passage(rank, doc, doc, f"{doc}.txt", start, start + len(text), text))


def test_parallel_statements_fill_rows_with_verbatim_cited_cells():
    hits = [
        _hit(1, "a", "营销是一个系统，而销售只是营销的一部分。销售是把产品卖好；营销是让产品好卖。", 100),
        _hit(2, "b", "1、对象不同：市场的对象是整体目标市场。\n销售的工作对象是具体的潜在客户。"),
        _hit(3, "c", "营销是一种战略思考，关心长远。销售是一种战术思考，关心眼前。"),
        _hit(4, "d", "营销和销售的区别很大。销售则更注重短期的业绩。市场营销更注重长期的品牌。"),
        _hit(5, "e", "营销的方法是把用户拉到产品上。销售的方法是把产品推给用户。"),
    ]
    table = build_contrast(["营销", "销售"], hits, VOCABULARY, min_rows=5)
    assert table is not None and table.sides == ["营销", "销售"]
    passages = {h.rank: h.passage for h in hits}
    for row in table.rows:
        assert len(row.cells) == 2
        for cell in row.cells:
            p = passages[cell.citations[0]]
            assert p.text[cell.start - p.start : cell.end - p.start] == cell.text
            assert not any(w in cell.text for w in ("区别", "不同"))
    aspects = {row.aspect: row for row in table.rows}
    assert aspects["层次"].cells[1].text == "销售只是营销的一部分"
    assert aspects["对象"].cells[0].text == "市场的对象是整体目标市场"  # label 「1、对象不同：」 stripped


def test_too_few_rows_give_no_table():
    hits = [_hit(1, "a", "营销是一个系统，而销售只是营销的一部分。")]
    assert build_contrast(["营销", "销售"], hits, VOCABULARY, min_rows=5) is None


def test_sides_are_also_matched_by_short_names_the_text_defines():
    hits = [
        _hit(1, "a", "客户服务（简称客服）是解决问题的职能。客服的工作方式是被动响应。客户成功的工作方式是主动出击。"),
        _hit(2, "b", "1、目标不同\n客户服务的目标是快速解决问题。\n客户成功的目标是提升续约率。"),
        _hit(3, "c", "客服关注一次次具体的咨询；客户成功关注客户的整个生命周期。"),
    ]
    table = build_contrast(["客户服务", "客户成功"], hits, VOCABULARY, min_rows=1, tokenize=TOKENIZE)
    assert table is not None
    cells = [row.cells[0].text for row in table.rows]
    assert "客服的工作方式是被动响应" in cells
    assert {row.aspect for row in table.rows} >= {"目标"}


def test_a_numbered_heading_names_an_aspect_no_cue_knows():
    hits = [
        _hit(
            1, "a", "5、所需技能不同\n客服人员需要熟悉产品功能，善于沟通。\n客户成功经理还需要懂客户的行业和业务流程。"
        )
    ]
    table = build_contrast(["客服", "客户成功"], hits, VOCABULARY, min_rows=1)
    assert table is not None and [row.aspect for row in table.rows] == ["所需技能"]


@pytest.fixture(scope="module")
def second_corpus_index(tmp_path_factory):
    """Three articles on another pair (客户服务 vs 客户成功), indexed with the real model."""
    from kb.ingest.pipeline import ingest
    from tests.conftest import ROOT

    index_dir = tmp_path_factory.mktemp("second") / "index"
    ingest([ROOT / "tests/data/second_corpus"], index_dir)
    return index_dir


@pytest.mark.model
@pytest.mark.parametrize("question", ["客户服务和客户成功的区别", "客戶成功與客戶服務有什麼不同"])
def test_contrast_table_on_another_subject(second_corpus_index, question):
    from kb import KnowledgeBase

    answer = KnowledgeBase.open(second_corpus_index).ask(question)
    assert answer.found and answer.contrast is not None
    rows = answer.contrast.rows
    assert len(rows) >= 4 and len({row.aspect for row in rows}) == len(rows)
    passages = {h.rank: h.passage for h in answer.hits}
    for row in rows:
        assert len(row.cells) == 2
        for cell in row.cells:
            assert cell.citations and all(n in passages for n in cell.citations)
            p = passages[cell.citations[0]]
            assert p.text[cell.start - p.start : cell.end - p.start] == cell.text
    aspects = {row.aspect for row in rows}
    assert {"目标", "衡量标准"} <= aspects and aspects & {"所需技能", "时间跨度"}  # cues and the articles' own headings


@pytest.mark.model
def test_the_seed_vocabulary_does_not_invent_a_table_for_another_subject(real_index):
    from kb import KnowledgeBase

    answer = KnowledgeBase.open(real_index).ask("客户服务和客户成功的区别")
    assert answer.contrast is None


# Two concepts of a subject the shipped profile knows nothing of, compared as a course does: a
# numbered heading, a title line, definitions, a parallel statement and a lead-in.
TWO_CONCEPTS = (
    "1.3 堆栈\n"
    "堆与栈的定义与使用\n"
    "栈是一种后进先出的线性表，只能在一端插入和删除。\n"
    "堆是一棵完全二叉树，每个结点的值都不小于它的子结点。\n"
    "栈的插入和删除都在栈顶进行，而堆的插入要从最后一个叶子结点向上调整。\n"
    "从用途上看，栈用来保存函数调用的现场，堆用来实现优先队列。\n"
    "栈和堆都是常用的数据结构。\n"
)


def test_a_table_without_a_profile_from_the_corpus_own_statements():
    from kb.answering.answer import answer_from_hits

    hits = [_hit(1, "a", TWO_CONCEPTS)]
    answer = answer_from_hits("栈和堆的区别", hits)
    assert answer.contrast is not None
    rows = {row.aspect: [cell.text for cell in row.cells] for row in answer.contrast.rows}
    assert rows["定义"] == [
        "栈是一种后进先出的线性表，只能在一端插入和删除",
        "堆是一棵完全二叉树，每个结点的值都不小于它的子结点",
    ]
    assert rows["用途"] == ["栈用来保存函数调用的现场", "堆用来实现优先队列"]
    assert rows["插入"] == ["栈的插入和删除都在栈顶进行", "堆的插入要从最后一个叶子结点向上调整"]
    for row in answer.contrast.rows:
        for cell in row.cells:  # verbatim, and never the heading or the title line
            assert TWO_CONCEPTS[cell.start : cell.end] == cell.text
            assert cell.text not in ("1.3 堆栈", "堆与栈的定义与使用")


def test_the_shipped_aspects_stay_with_their_own_subject():
    hits = [_hit(1, "a", "栈的方法是压入和弹出元素。堆的方法是上浮和下沉结点。")]
    assert build_contrast(["栈", "堆"], hits, VOCABULARY, min_rows=1) is None  # 方法 is a marketing aspect


def test_a_word_of_the_whole_subject_names_no_row():
    # 数据 is in most sentences of a database course: two statements sharing only it are not
    # about one aspect.
    course = "".join(f"第{n}章讲数据的一种处理办法。" for n in range(1, 9))
    hits = [_hit(1, "a", course + "自主控制要先检查数据对象的权限。强制控制会给数据本身标上密级。")]
    assert build_contrast(["自主控制", "强制控制"], hits, VOCABULARY, tokenize=TOKENIZE) is None
    hits = [_hit(1, "a", "自主控制要先检查数据对象的权限。强制控制会给数据本身标上密级。")]
    assert build_contrast(["自主控制", "强制控制"], hits, VOCABULARY, tokenize=TOKENIZE) is not None


def test_a_conjunction_both_statements_hold_names_no_row():
    """「只有」 in both statements (a conjunction in jieba's dictionary) says nothing of what they
    are about; a noun both hold (用户) does."""
    only = "自主控制只有通过检查方能存取。强制控制只有核对标记才行。"
    assert build_contrast(["自主控制", "强制控制"], [_hit(1, "a", only)], VOCABULARY, tokenize=TOKENIZE) is None
    both = "自主控制只有通过检查的用户方可存取。强制控制只有符合要求的用户才可以操纵数据。"
    table = build_contrast(["自主控制", "强制控制"], [_hit(1, "a", both)], VOCABULARY, tokenize=TOKENIZE)
    assert table is not None and [row.aspect for row in table.rows] == ["用户"]
    how = "自主控制可以直接修改对象的字段。强制控制都是直接用现成的标记。"  # 直接: how, not what
    assert build_contrast(["自主控制", "强制控制"], [_hit(1, "a", how)], VOCABULARY, tokenize=TOKENIZE) is None


def test_a_latin_side_set_apart_by_spaces_does_not_cut_its_sentence():
    """「由于没有 binlog 日志，…」 is no statement about binlog: prose puts spaces around a Latin
    name, and a clause cut there said the opposite of what the sentence does."""
    text = "redo log 让数据库在崩溃后恢复数据。重启后由于没有 binlog 日志，从库的数据就会和主库不一致。"
    hits = [_hit(1, "a", text)]
    assert build_contrast(["redo log", "binlog"], hits, VOCABULARY, min_rows=1, tokenize=TOKENIZE) is None


def test_a_statement_under_one_side_s_heading_that_names_the_other_is_not_its_cell():
    """Under 「binlog」, 「redo log 它是物理日志…」 is said of redo log (a study note contrasting
    them under the second's heading)."""
    text = "binlog\nredo log 它是物理日志，属于 InnoDB 存储引擎。\n不管用什么存储引擎，都会产生 binlog 日志。"
    cells = outline_cells([_hit(1, "a", text)], [("redo log",), ("binlog",)])
    assert [(cell.side, cell.cell.text) for cell in cells] == [(1, "不管用什么存储引擎，都会产生 binlog 日志。")]


def test_a_labelled_cell_ends_at_the_next_section_s_title():
    """A slide's 「• Applet」 / 「– 源代码」 lines run on to the next slide's title 「1.3.2 编译和运行
    Java程序」: it is no line of the cell."""
    text = (
        "• Applet\n– 源代码\n主类是Applet类的子类\n程序起点不是main()方法，而是paint()方法\n1.3.2 编译和运行Java程序\n"
    )
    cells = outline_cells([_hit(1, "a", text)], [("application",), ("applet",)])
    assert [cell.cell.text for cell in cells] == ["主类是Applet类的子类\n程序起点不是main()方法，而是paint()方法"]


def test_a_word_the_whole_index_is_about_names_no_row():
    """关系 is in a fifth of a database course's passages: two statements sharing it are not
    about one aspect of 水平分解 and 垂直分解, however few of the retrieved sentences hold it."""
    hits = [_hit(1, "a", "水平分解为若干子关系，使每个事务对应一个子关系。垂直分解必须不损失关系模式的语义。")]
    sides = ["水平分解", "垂直分解"]
    table = build_contrast(sides, hits, VOCABULARY, min_rows=1, tokenize=TOKENIZE)
    assert table is not None and [row.aspect for row in table.rows] == ["关系"]
    course = {"关系": 270, "事务": 135, "语义": 22, "数据": 540}

    def subject(words):
        return subject_words({w: course.get(w, 0) for w in words}, passages=1354)

    assert build_contrast(sides, hits, VOCABULARY, min_rows=1, tokenize=TOKENIZE, subject=subject) is None
    assert subject_words({"关系": 3, "语义": 1}, passages=5) == set()  # a word in 3 of 5 passages: too few to tell
    assert subject_words({"关系": 4, "语义": 1}, passages=5) == {"关系"}


@pytest.mark.parametrize(
    ("text", "side", "other", "names"),
    [
        ("客户服务（简称客服）是…", "客户服务", "客户成功", ("客户服务", "客服")),
        ("排它锁又称为写锁。", "排它锁", "共享锁", ("排它锁", "写锁")),  # not 「为写锁」
        ("排它锁（exclusive locks，简记为x锁）", "排它锁", "共享锁", ("排它锁", "x锁")),  # after a gloss
        ("排它锁（如图，见下）", "排它锁", "共享锁", ("排它锁",)),  # a remark in brackets names nothing
        ("客户服务（客服）是…", "客户服务", "客户成功", ("客户服务", "客服")),  # its own characters, in order
        ("单点登录（sso）是…", "单点登录", "oauth2", ("单点登录", "sso")),  # the other script
        ("分布式锁 | redis（ap）/ zookeeper（cp）", "zookeeper", "eureka", ("zookeeper",)),  # what it is, not its name
        ("白糖(20g)\n生抽(40ml)\n", "生抽", "老抽", ("生抽",)),  # how much of it, not its name
        # A name given before the side, the side in brackets: of its kind, the same thing.
        ("• 后台线程（守护线程）\n– 用户线程：java默认", "守护线程", "用户线程", ("后台线程", "守护线程")),
        ("布局管理器（flowlayout）", "flowlayout", "gridlayout", ("flowlayout",)),  # of another kind: an example
    ],
)
def test_the_names_a_text_gives_a_side(text, side, other, names):
    assert side_names(side, [text], other, ()) == names


DATABASE_HITS = [
    _hit(1, "a", "B+树索引：从B+树的根结点开始查找，读取3个结点。"),
    _hit(2, "b", "排它锁又称为写锁。共享锁又称为读锁。静态转储期间不允许存取。动态转储可与事务并发执行。"),
    _hit(3, "c", "陣列的解構賦值，變數的取值由它的位置決定；物件的解構賦值則按屬性名。"),  # a Taiwan tutorial
    _hit(4, "d", "基金被分为两种，主动型基金和被动型基金。主动型基金需要一票管理人。"),
]


@pytest.mark.parametrize(
    "sides, unmentioned",
    [
        (["b树", "b+树"], "b树"),  # the passages speak of B+树 only
        (["数据仓库", "b+树"], "数据仓库"),
        (["排它锁", "共享锁"], None),
        (["排它锁", "共享所"], None),  # a typo: each of its words (共享) is there
        (["静态转储", "动态转储"], None),
        (["营销", "推销有啥"], None),  # a side that still holds an asking word is not looked up
        (["做销售策划，时间跨度上", "数据仓库"], None),  # nor one that is a clause
        (["数组的解构赋值", "对象的解构赋值"], None),  # Taiwan's words for them: 陣列, 物件
        (["主动管理的基金", "跟踪指数的被动基金"], None),  # what it is (被动基金) said loosely: 被动型基金
        (["主动管理的基金", "跟踪指数的保本基金"], "跟踪指数的保本基金"),
    ],
)
def test_a_side_no_retrieved_passage_mentions_is_found(sides, unmentioned):
    assert unmentioned_side(sides, DATABASE_HITS, VOCABULARY, TOKENIZE) == unmentioned


def test_an_answer_whose_best_sentence_sets_nothing_apart_leads_with_the_table_s_first_row():
    """The sentence sharing most words with 「栈和堆有什么区别」 says nothing of how they differ;
    the table read from the corpus does, and the answer leads with its first row, each cell
    quoted as the sentence that holds it."""
    from kb.answering.answer import answer_from_hits

    definitions = (
        "栈是一种后进先出的线性表，只能在一端插入和删除。\n堆是一棵完全二叉树，每个结点的值都不小于它的子结点。\n"
        "栈用来保存函数调用的现场。\n堆用来实现优先队列。\n"
    )
    hits = [_hit(1, "intro", "栈和堆的内存由操作系统分配给程序使用。"), _hit(2, "a", definitions)]
    answer = answer_from_hits("栈和堆有什么区别", hits)
    assert answer.contrast is not None
    first_row = [cell.text for cell in answer.contrast.rows[0].cells]
    assert [s.text.rstrip("。") for s in answer.sentences[:2]] == first_row
    assert "栈和堆的内存由操作系统分配给程序使用。" in [s.text for s in answer.sentences[2:]]


def test_an_answer_led_by_what_each_side_is_quotes_how_they_differ_next():
    """「排它锁又称为写锁」 and 「共享锁又称为读锁」 say what each lock is called, not how they
    differ: the table's first row but its 定义 (read from the slide's outline) follows them,
    before a sentence that shares more of the question's words and sets nothing apart."""
    from kb.answering.answer import answer_from_hits

    slide = (
        "排它锁\n排它锁又称为写锁\n若事务T对数据对象A加上X锁，则只允许T读取和修改A\n"
        "共享锁\n共享锁又称为读锁\n若事务T对数据对象A加上S锁，则事务T可以读A但不能修改A\n"
    )
    both = "排它锁和共享锁的封锁对象可以是属性值、元组、关系直至整个数据库。"
    answer = answer_from_hits("排它锁和共享锁有什么不同？", [_hit(1, "intro", both), _hit(2, "locks", slide)])
    assert answer.contrast is not None
    rows = {row.aspect: [cell.text for cell in row.cells] for row in answer.contrast.rows}
    # The line under each name alone says what it is: the table's 定义 row, the very lines that lead.
    assert rows.pop("定义") == ["排它锁又称为写锁", "共享锁又称为读锁"]
    row = next(iter(rows.values()))
    quoted = [s.text for s in answer.sentences]
    assert quoted[:2] == ["排它锁\n排它锁又称为写锁", "共享锁\n共享锁又称为读锁"]
    assert [text.rstrip("。") for text in quoted[2:4]] == row
    assert quoted[4:] == [both]
    # Definitions that say what each lock is set nothing apart either (「协作式调度 / 可执行程序主动
    # 放弃处理器使用」): the row saying how they differ follows them all the same.
    defined = slide.replace("又称为写锁", "是一种只允许一个事务持有的锁").replace(
        "又称为读锁", "是一种可由多个事务同时持有的锁"
    )
    answer = answer_from_hits("排它锁和共享锁有什么不同？", [_hit(1, "intro", both), _hit(2, "locks", defined)])
    quoted = [s.text for s in answer.sentences]
    assert quoted[0].endswith("是一种只允许一个事务持有的锁") and quoted[1].endswith("是一种可由多个事务同时持有的锁")
    assert [text.rstrip("。") for text in quoted[2:4]] == row and quoted[4:] == [both], quoted


def test_a_side_s_short_name_counts_only_where_a_passage_names_a_side_in_full():
    """静态路由选择/动态路由选择 are also 静态/动态, but 「静态文档是指…」 on a page about the web
    is not about routing: a core name counts only in a passage that names a side in full."""
    routing = "静态路由选择简单，开销较小。\n动态路由选择能适应网络状态的变化。\n"
    web = "静态文档是指创作完毕后存放在服务器中的文档。\n动态文档是指在浏览器访问时才创建的文档。\n"
    hits = [_hit(1, "r", routing), _hit(2, "w", web)]
    tokenize = default_profile().analyzer.tokenize
    contrast = build_contrast(["静态路由选择", "动态路由选择"], hits, VOCABULARY, min_rows=1, tokenize=tokenize)
    cells = [cell.text for row in (contrast.rows if contrast else []) for cell in row.cells]
    assert not any("文档" in cell for cell in cells), cells


def test_a_comparison_quotes_each_slide_item_with_its_label():
    """A slide labels its items (「• 静态路由选择策略」 / 「‒ 简单和开销较小，…」): the items name
    neither side, their labels do. Each item is read and quoted with its label; a line of the
    deck's outline (「• 静态路由与动态路由」) and an item opening mid-clause are never quoted."""
    from kb.answering.answer import answer_from_hits

    slide = (
        "路由算法的自适应性分类\n• 静态路由选择策略（非自适应路由选择）\n"
        "‒ 简单和开销较小，但不能及时适应网络状态的变化。\n• 动态路由选择策略（自适应路由选择）\n"
        "‒ 能较好地适应网络状态的变化，但实现较复杂，开销较大。\n"
    )
    outline = (
        "主要内容\n• 静态路由与动态路由\n• 自治系统的概念\n• 路由选择\n‒ 则是按照分布式算法，动态地改变所选择的路由。\n"
    )
    answer = answer_from_hits("静态路由选择和动态路由选择有什么区别？", [_hit(1, "a", slide), _hit(2, "b", outline)])
    quoted = [s.text for s in answer.sentences]
    assert "• 静态路由选择策略（非自适应路由选择）\n‒ 简单和开销较小，但不能及时适应网络状态的变化。" in quoted, quoted
    assert not any("静态路由与动态路由" in q or q.lstrip("‒ ").startswith("则是") for q in quoted), quoted


def test_an_index_about_a_word_makes_no_row_of_it(tmp_path, embedder):
    """The same through `kb ask`: a course whose every chapter speaks of 关系 gives no 「关系」 row."""
    from kb import KnowledgeBase
    from kb.ingest.pipeline import ingest
    from tests.helpers import write_corpus

    chapters = {f"第{n}章.txt": f"第{n}章\n\n关系模型的第{n}种运算作用于关系，结果仍是关系。\n" for n in range(1, 9)}
    statements = "模式分解\n\n水平分解为若干子关系，使每个事务对应一个子关系。垂直分解必须不损失关系模式的语义。\n"
    corpus = write_corpus(tmp_path, {**chapters, "分解.txt": statements})
    ingest([corpus], tmp_path / "index", embedder=embedder)
    with KnowledgeBase.open(tmp_path / "index", embedder=embedder) as kb:
        contrast = kb.ask("水平分解和垂直分解有什么区别").contrast
    assert contrast is None or "关系" not in [row.aspect for row in contrast.rows]


# A slide deck's outline: each side's name on a line of its own, labels under it, one slide cut
# between two passages (the first ends in 静态转储's section, the second goes on with its 优点).
_DECK = [
    "转储方法\n静态转储与动态转储\n静态转储\n在系统中无运行事务时进行的转储操作\n"
    "转储期间不允许对数据库的任何存取、修改活动",
    "优点：实现简单\n缺点：降低了数据库的可用性\n静态转储与动态转储（续）\n动态转储\n转储操作与用户事务并发进行\n"
    "转储期间允许对数据库进行存取或修改\n优点\n不用等待正在运行的用户事务结束\n不会影响新事务的运行\n"
    "动态转储的缺点\n不能保证副本中的数据正确有效\n例：某一时刻A被改写，副本上的A过时了",
]
OUTLINE_HITS = [
    Hit(2, 0.5, Passage(7, "deck", "deck", "deck.pptx", 0, 100, _DECK[0])),
    Hit(1, 1.0, Passage(8, "deck", "deck", "deck.pptx", 200, 400, _DECK[1])),
]


def test_a_slide_outline_s_labels_under_each_side_fill_rows():
    table = build_contrast(["静态转储", "动态转储"], OUTLINE_HITS, VOCABULARY, tokenize=TOKENIZE)
    assert table is not None
    rows = {row.aspect: [cell.text for cell in row.cells] for row in table.rows}
    assert rows["优点"] == ["实现简单", "不用等待正在运行的用户事务结束\n不会影响新事务的运行"]
    assert rows["缺点"] == ["降低了数据库的可用性", "不能保证副本中的数据正确有效"]  # the example is no part of it
    # The line right under each name alone says what the side is.
    assert rows["定义"] == ["在系统中无运行事务时进行的转储操作", "转储操作与用户事务并发进行"]
    # Lines of each side's own section set against each other on what they share.
    # (on a shared word: 数据库 here, 修改 in a course where every slide says 数据库).
    assert ["转储期间不允许对数据库的任何存取、修改活动", "转储期间允许对数据库进行存取或修改"] in rows.values()
    passages = {h.rank: h.passage for h in OUTLINE_HITS}
    for row in table.rows:
        for cell in row.cells:
            p = passages[cell.citations[0]]
            assert p.text[cell.start - p.start : cell.end - p.start] == cell.text


def test_a_statement_with_an_ordinary_verb_is_a_cell():
    """「LRU关注多久未访问」 holds none of the usual predicates (是, 可以, 用于 …) but states what LRU
    weighs: with the index's tokenizer, a verb of the dictionary makes it a statement."""
    text = "最不常用算法特征\nLRU关注多久未访问，时间越短越好\nLFU关注访问次数，次数越多越好"
    table = build_contrast(["lru", "lfu"], [_hit(1, "d", text)], VOCABULARY, tokenize=TOKENIZE)  # folded, as asked
    assert table is not None
    lru, lfu = text.split("\n")[1:]
    assert [cell.text for cell in table.rows[0].cells] == [lru, lfu]
    assert build_contrast(["lru", "lfu"], [_hit(1, "d", text)], VOCABULARY) is None  # no tokenizer: no verb known


def test_only_the_line_right_under_a_side_s_name_says_what_it_is():
    """「自主存取控制（DAC）」 over 「C2级」 over its statements: the level is no definition, nor is
    the statement after it; a name with a label (「动态转储的缺点」) opens no definition either."""
    text = (
        "自主存取控制（Discretionary Access Control，简称DAC）\nC2级\n用户对不同的数据对象有不同的存取权限\n"
        "强制存取控制（Mandatory Access Control，简称MAC）\nB1级\n每一个数据对象被标以一定的密级"
    )
    names = [("自主存取控制",), ("强制存取控制",)]
    assert all(cell.aspect != "定义" for cell in outline_cells([_hit(1, "d", text)], names))
    labelled = "静态转储的优点\n实现简单，不必等待\n动态转储的优点\n不用等待正在运行的用户事务结束"
    dumps = [("静态转储",), ("动态转储",)]
    assert all(cell.aspect != "定义" for cell in outline_cells([_hit(1, "d", labelled)], dumps))


def test_a_side_is_also_named_by_what_it_is_after_its_owner():
    """「组件的paint()方法」 is the slide's 「paint ()方法：…」 (a space before the brackets), beside
    「repaint ()方法：…」, whose Latin word holds no paint of its own."""
    slide = (
        "paint ()方法：组件类中即有的方法，在组件对象被创建时有系统负责调用，用于在组件上绘图\n"
        "repaint ()方法：当窗口被重新激活时由系统调用该方法重绘图形，会先清除图形，再次调用paint ()方法"
    )
    texts = [slide]
    assert "paint()方法" in side_names("组件的paint()方法", texts, "repaint()方法", ())
    assert side_names("repaint()方法", texts, "组件的paint()方法", ()) == ("repaint()方法",)
    table = build_contrast(["组件的paint()方法", "repaint()方法"], [_hit(1, "d", slide)], VOCABULARY, tokenize=TOKENIZE)
    assert table is not None
    cells = [cell.text.split("：")[0] for cell in table.rows[0].cells]
    assert cells == ["paint ()方法", "repaint ()方法"]


def test_a_side_named_among_its_other_names_opens_its_section():
    text = "大内核/单内核/宏内核\n功能\n优点：高性能\n缺点：内核代码庞大\n微内核\n优点：结构清晰\n缺点：性能低"
    table = build_contrast(["宏内核", "微内核"], [_hit(1, "notes", text)], VOCABULARY, tokenize=TOKENIZE)
    assert table is not None
    rows = {row.aspect: [cell.text for cell in row.cells] for row in table.rows}
    assert rows["缺点"] == ["内核代码庞大", "性能低"]


def test_an_outline_section_runs_on_only_into_the_next_retrieved_passage_of_its_document():
    # Without the passage that names 静态转储, nothing says whose 优点 「实现简单」 is.
    alone = [OUTLINE_HITS[1]]
    table = build_contrast(["静态转储", "动态转储"], alone, VOCABULARY, tokenize=TOKENIZE)
    assert table is None or all(row.aspect not in ("优点", "缺点") for row in table.rows)


def test_a_statement_after_a_side_s_name_is_no_label():
    text = "排它锁又称为写锁\n若事务T加上X锁，只允许T读取A\n共享锁又称为读锁\n若事务T加上S锁，事务T可以读A"
    hits = [_hit(1, "d", text)]
    table = build_contrast(["排它锁", "共享锁"], hits, VOCABULARY, tokenize=TOKENIZE)
    assert table is None or "又称为写锁" not in {row.aspect for row in table.rows}


def test_a_question_weighing_two_sides_is_led_by_what_each_is_and_the_table_weighs_them():
    from kb.answering.answer import answer_from_hits

    answer = answer_from_hits("静态转储和动态转储各有什么优缺点？", OUTLINE_HITS)
    assert [s.text.rstrip("。") for s in answer.sentences[:2]] == [
        "静态转储\n在系统中无运行事务时进行的转储操作",
        "动态转储\n转储操作与用户事务并发进行",
    ]
    assert answer.contrast is not None and {"优点", "缺点"} <= {row.aspect for row in answer.contrast.rows}


def test_a_comparison_answered_by_sentences_on_neither_side_is_not_found():
    """Notes holding only the heading 「数据报与虚电路」 do not say how the two differ: sentences
    on channel capacity, the best the passages offer, are no answer."""
    from kb.answering.answer import NOT_FOUND, answer_from_hits

    heading = "数据报与虚电路\n\n奈氏准则\n理想低通信道下的极限数据传输率由带宽决定，带宽越大传输率越高。"
    assert answer_from_hits("数据报和虚电路有什么不同？", [_hit(1, "net", heading)]).text == NOT_FOUND
    said = heading + "\n数据报服务不需要建立连接，每个分组独立选择路由。"
    assert "数据报服务不需要建立连接" in answer_from_hits("数据报和虚电路有什么不同？", [_hit(1, "net", said)]).text
    # A side the question's wording ran into is no name to look for: the answer stands.
    clause = "attach 直接进入容器启动命令的终端，不会启动新的进程。exec 是在容器中打开新的终端，可以启动新的进程。"
    question = "进容器用docker exec跟docker attach有什么区别"
    assert answer_from_hits(question, [_hit(1, "docker", clause)]).text != NOT_FOUND


def test_an_example_under_each_side_is_no_aspect():
    text = (
        "缓存穿透\n请求的 key 既不存在于缓存中，也不存在于数据库中\n举个例子：黑客故意制造一些非法的 key 发起大量请求\n"
        "缓存击穿\n请求的 key 是热点数据，存在于数据库中但不在缓存中\n举个例子：秒杀商品的数据在缓存中突然过期"
    )
    hits = [Hit(1, 1.0, Passage(1, "cache", "cache", "cache.md", 0, len(text), text))]
    table = build_contrast(["缓存穿透", "缓存击穿"], hits, VOCABULARY, tokenize=TOKENIZE)
    assert table is None or "举个例子" not in [row.aspect for row in table.rows]


def test_questions_clauses_cut_inside_brackets_and_joint_statements_are_no_cells():
    """Notes ask 「Cookie 的作用是什么？」 as a heading, cut 「（需要 Cookie 保存 `SessionId`），所以…」
    before a side's name, and say what both are (「`Cookie` 和 `Session` 都是…」): none of these
    is one side's statement; 「`Cookie` 数据保存在客户端」 with 「`Session` 数据保存在服务器端」 is."""
    notes = [
        "Cookie 的作用是什么？Session 的作用是记录用户的状态。",
        "使用 Session 的话，需要保存信息在服务器端（需要 Cookie 保存 `SessionId`），所以不适合移动端。",
        "`Cookie` 和 `Session` 都是用来跟踪浏览器用户身份的会话方式。",
    ]
    hits = [_hit(n, f"d{n}", text) for n, text in enumerate(notes, start=1)]
    assert build_contrast(["cookie", "session"], hits, VOCABULARY, min_rows=1, tokenize=TOKENIZE) is None
    stated = "`Cookie` 数据保存在客户端，`Session` 数据保存在服务器端。"
    table = build_contrast(["cookie", "session"], [_hit(1, "d4", stated)], VOCABULARY, tokenize=TOKENIZE)
    assert table is not None and [cell.text for cell in table.rows[0].cells] == [
        "`Cookie` 数据保存在客户端",
        "`Session` 数据保存在服务器端",
    ]


def test_a_lead_in_with_a_colon_names_the_aspect():
    text = "从通信方式来看：RPC 是双向直接网络通讯，消息队列是单向引入中间载体的网络通讯。"
    table = build_contrast(["rpc", "消息队列"], [_hit(1, "d", text)], VOCABULARY, tokenize=TOKENIZE)
    assert table is not None and table.rows[0].aspect == "通信方式"
    assert [cell.text for cell in table.rows[0].cells] == [
        "RPC 是双向直接网络通讯",
        "消息队列是单向引入中间载体的网络通讯",
    ]


def test_an_answer_is_led_by_a_row_of_one_statement_per_side():
    """A label's list in a cell (「类声明，…」 / 「Java程序的所有语句都…」) belongs in the table; the
    answer opens with the first row that sets one statement against another."""
    from kb.answering.table_lead import _leading_row
    from kb.types import CitedSpan, ContrastRow

    def cell(text):
        return CitedSpan(text, (1,), "d", 0, len(text))

    listed = ContrastRow(
        "源代码",
        [cell("类声明，带有public修饰的类必须与所在文件同名\n程序的语句都在类中"), cell("主类是Applet类的子类")],
    )
    stated = ContrastRow(
        "独立", [cell("Application是能够独立运行的应用程序"), cell("Applet在Panel的子类，不能独立运行")]
    )
    assert _leading_row([listed, stated]) is stated
    assert _leading_row([listed]) is listed


def test_sides_one_of_which_is_the_other_with_more_letters_are_told_apart():
    # 「throws」 holds 「throw」: neither is cut to a core (「w」 / 「ws」), a word that starts
    # with 「throw」 (Throwable) names neither, and 「throws 关键字」 over its item opens its
    # side's section as 「throw关键字」 does: 关键字 says what kind of thing it is, no label.
    assert side_cores(["throw", "throws"]) == [(), ()]
    assert side_cores(["WHERE子句", "HAVING子句"]) == [("WHERE",), ("HAVING",)]
    text = (
        "• Throwable类：描述所有可被当作异常抛出的对象\n"
        "• throw关键字\n– 由用户指定抛出某种异常对象时，需要使用throw关键字\n"
        "• throws 关键字\n– 方法中未能处理的异常，需要在方法的声明中指出可能抛出的异常类型"
    )
    table = build_contrast(["throw", "throws"], [_hit(1, "ch5", text)], VOCABULARY, tokenize=TOKENIZE)
    assert table is not None
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells == [
        [
            "由用户指定抛出某种异常对象时，需要使用throw关键字",
            "方法中未能处理的异常，需要在方法的声明中指出可能抛出的异常类型",
        ]
    ]
    throwable = "Throwable类是所有异常的父类，它的对象可以被抛出。\n• throws 关键字\n– 在方法的声明中指出可能抛出的异常"
    assert build_contrast(["throw", "throws"], [_hit(1, "ch5", throwable)], VOCABULARY, tokenize=TOKENIZE) is None


def test_what_one_side_is_and_the_other_is_not_names_the_row():
    # No content word shared but 同步, which one statement negates: that is where they differ.
    text = "• ArrayList和Vector的区别\n– Vector类中所有方法都是线程同步的，而ArrayList类中所有方法是非同步的"
    table = build_contrast(["arraylist", "vector"], [_hit(1, "ch4", text)], VOCABULARY, tokenize=TOKENIZE)
    assert table is not None
    rows = {row.aspect: [cell.text for cell in row.cells] for row in table.rows}
    assert rows == {"同步": ["ArrayList类中所有方法是非同步的", "Vector类中所有方法都是线程同步的"]}
    # The negation a few words before what is denied: 「不支持线程的同步」.
    slide = "Map接口的实现类\nHashMap类\nHashMap不支持线程的同步\nHashTable类\nHashTable的方法是同步的"
    table = build_contrast(["hashmap", "hashtable"], [_hit(1, "ch4", slide)], VOCABULARY, tokenize=TOKENIZE)
    assert table is not None
    assert {row.aspect: [cell.text for cell in row.cells] for row in table.rows} == {
        "同步": ["HashMap不支持线程的同步", "HashTable的方法是同步的"]
    }


def test_cells_saying_the_same_of_both_sides_make_no_row():
    """Two sections of a cooking guide (HowToCook, public domain) end on the same warning, the
    second with a full stop: a row that says one thing of both sides sets nothing apart."""
    intro = "炒/煎\n\n注意事项\n\n使用普通锅炒菜不粘的方法：\n\n热锅凉油法\n\n记住一定要是热锅凉油，首先热锅"
    cold = (
        "干净的锅什么都不放，干烧，使其受热均匀，烧热\n放入凉油，旋转锅子，使油沾满整个锅\n"
        "把油倒出来，倒出来后不要刷锅\n注意：如果是燃气，可能会喷火，注意安全"
    )
    double = (
        "热锅双油法\n\n首先热锅\n放入“少量凉油”，旋转锅子\n再继续放入凉油，开始炒菜\n"
        "注意：如果是燃气，可能会喷火，注意安全。"
    )
    hits = [
        Hit(1, 1.0, Passage(3, "fry", "炒/煎", "fry.md", 300, 300 + len(double), double, heading="热锅凉油法")),
        Hit(2, 0.9, Passage(2, "fry", "炒/煎", "fry.md", 150, 150 + len(cold), cold, heading="热锅凉油法")),
        Hit(3, 0.8, Passage(1, "fry", "炒/煎", "fry.md", 0, len(intro), intro)),
    ]
    contrast = build_contrast(["热锅凉油法", "热锅双油法"], hits, VOCABULARY, tokenize=TOKENIZE)
    rows = contrast.rows if contrast else []
    assert all(row.cells[0].text.rstrip("。") != row.cells[1].text.rstrip("。") for row in rows)


def test_cells_alike_but_for_a_figure_make_a_row():
    hours = "全日制用工每日工作时间不超过八小时。非全日制用工每日工作时间不超过四小时。"
    contrast = build_contrast(["全日制用工", "非全日制用工"], [_hit(1, "law", hours)], VOCABULARY, tokenize=TOKENIZE)
    assert contrast is not None and len(contrast.rows[0].cells) == 2


def test_a_passage_naming_both_sides_discusses_them_together():
    from kb.answering.mentions import discussed_together

    glossary = "【挂糊】烹饪前将原料均匀裹上一层糊液的工艺。\n【上浆】用淀粉、鸡蛋、盐等与原料一起调拌的工艺。"
    hits = [_hit(1, "terms", glossary), _hit(2, "other", "挂糊后放入油锅。")]
    assert discussed_together(["挂糊", "上浆"], hits)
    assert not discussed_together(["java", "挂糊"], [_hit(1, "js", "javascript 和挂糊无关")])  # a whole word
    assert not discussed_together(["挂糊", "勾芡"], hits)
    assert not discussed_together(None, hits) and not discussed_together(["挂糊", "上浆有啥"], hits)


def test_an_outline_pairs_sections_of_one_document_only():
    """Recipes list 老抽 and 生抽 among their ingredients, one per recipe, then the same section
    labels (「计算」): a side's name line in one recipe pairs with none in another."""
    crab = "配料\n豆瓣酱\n老抽\n菜油\n计算\n每次制作前需要确定计划做几份。"
    shrimp = "配料\n鲜虾 300g\n生抽\n黄油 7g\n计算\n一份正好够两个人吃，按人数加倍。"
    hits = [_hit(1, "crab", crab), _hit(2, "shrimp", shrimp)]
    assert outline_cells(hits, [("生抽",), ("老抽",)])  # each recipe outlines one side
    assert compared_in_one_document(outline_cells(hits, [("生抽",), ("老抽",)])) == []
    locks = "排它锁\n优点：实现简单\n共享锁\n优点：允许并发读"
    cells = compared_in_one_document(outline_cells([_hit(1, "slides", locks)], [("排它锁",), ("共享锁",)]))
    assert {c.side for c in cells} == {0, 1}


def test_a_glossary_s_entries_fill_a_definition_row():
    """「【挂糊】…的工艺」 and 「【上浆】用淀粉…调拌…的工艺」: a glossary's entries say what each term is,
    though the second states it with no verb the clause reading knows."""
    glossary = (
        "【挂糊】烹饪前将原料均匀裹上一层糊液的工艺。\n\n"
        "【上浆】用淀粉、鸡蛋、盐等与原料一起调拌，使原料外层裹上一层薄薄浆液的工艺。"
    )
    contrast = build_contrast(["挂糊", "上浆"], [_hit(1, "terms", glossary)], VOCABULARY, tokenize=TOKENIZE)
    assert contrast is not None
    rows = [(row.aspect, [c.text[:4] for c in row.cells]) for row in contrast.rows]
    assert rows == [("定义", ["【挂糊】", "【上浆】"])]
    notes = "【注意】挂糊前先把原料擦干。\n\n【注意】上浆后静置十分钟。"
    table = build_contrast(["挂糊", "上浆"], [_hit(1, "notes", notes)], VOCABULARY, tokenize=TOKENIZE)
    assert table is None or all(row.aspect != "定义" for row in table.rows)  # a label, no term defined


def test_a_law_s_articles_defining_each_side_fill_a_definition_row():
    """「固定期限合同和无固定期限合同」: the law writes 「固定期限劳动合同」 (a word the asker left
    out), after its article number, and defines each with 「，是指…」."""
    law = (
        "第十三条 固定期限劳动合同，是指用人单位与劳动者约定合同终止时间的劳动合同。\n\n"
        "第十四条 无固定期限劳动合同，是指用人单位与劳动者约定无确定终止时间的劳动合同。"
    )
    assert side_names("固定期限合同", [law], "无固定期限合同", ()) == ("固定期限劳动合同", "固定期限合同")
    contrast = build_contrast(["固定期限合同", "无固定期限合同"], [_hit(1, "law", law)], VOCABULARY, tokenize=TOKENIZE)
    assert contrast is not None
    assert [(row.aspect, [c.text[:9] for c in row.cells]) for row in contrast.rows] == [
        ("定义", ["固定期限劳动合同，", "无固定期限劳动合同"])
    ]


def test_a_table_s_header_row_is_its_columns_names_not_a_statement():
    """「特性 | docker exec | docker attach」 was quoted first: it names both sides and says nothing."""
    text = (
        "5.4.5 对比\n\n特性 | docker exec | docker attach\n\n"
        "工作方式 | 启动新进程 | 附加到主进程\n退出影响 | 不影响 | 可能停止"
    )
    passage = Passage(1, "attach", "attach", "attach.md", 100, 100 + len(text), text)
    header, row = text.index("特性"), text.index("工作方式")
    assert is_table_header(passage, 100 + header, 100 + header + len("特性 | docker exec | docker attach"))
    assert not is_table_header(passage, 100 + row, 100 + row + len("工作方式 | 启动新进程 | 附加到主进程"))
    assert not is_table_header(passage, 100, 100 + len("5.4.5 对比"))
    cut = text[: text.index("\n\n工作方式")]  # the table cut after its header: the header ends the passage
    assert is_table_header(Passage(2, "attach", "attach", "attach.md", 0, len(cut), cut), header, len(cut))


def test_a_cell_naming_only_the_other_side_is_no_statement_of_its_own():
    """A slide's diagram labels Application's box 「(包含paint()方法的Applet子类）」: filed under
    Application by where it stands, it speaks of Applet."""
    from kb.answering.side_names import of_the_other_side
    from kb.types import CitedSpan, ContrastRow

    def row(first: str, second: str) -> ContrastRow:
        return ContrastRow(
            "包含", [CitedSpan(first, (1,), "d", 0, len(first)), CitedSpan(second, (2,), "d", 0, len(second))]
        )

    names = [("application",), ("applet",)]
    assert of_the_other_side(row("(包含paint()方法的Applet子类）", "Applet包含线程、显示动画等功能"), names)
    assert not of_the_other_side(row("Application是能够独立运行的应用程序", "Applet不能独立运行"), names)
    assert not of_the_other_side(row("能够独立运行", "必须嵌入超文本中"), names)  # naming neither: by its place
    assert not of_the_other_side(row("HashMap不支持同步", "HashTable是同步的"), [("hashmap",), ("map",)])


def test_a_side_s_name_and_colon_over_a_statement_say_what_it_is_and_lead_the_answer():
    """A slide lists 「标准库：依赖操作系统」 and 「核心库：与操作系统无关」: no sentence to quote (both
    too short), no label but the names, and the only word both say is the subject of the whole
    course. The two lines are what each side is: a 定义 row, quoted as the lines that name them.
    A list of names after the colon (「线程：栈，寄存器」) says nothing of its side."""
    from kb.answering.answer import answer_from_hits

    slide = "函数库\n标准库：依赖操作系统\nRust: std 标准库\n核心库：与操作系统无关\nRust: core 核心库"  # as ingested
    table = build_contrast(["标准库", "核心库"], [_hit(1, "d", slide)], VOCABULARY, tokenize=TOKENIZE)
    assert table is not None and [row.aspect for row in table.rows] == ["定义"]
    assert [cell.text for cell in table.rows[0].cells] == ["依赖操作系统", "与操作系统无关"]
    aside = "核心算法对应为实现算法的函数。前者可以移植到裸机上吗？后者不依赖操作系统的服务。"
    answer = answer_from_hits("标准库和核心库有什么区别？", [_hit(1, "d", slide), _hit(2, "e", aside)])
    assert answer.found and answer.text.startswith("标准库：依赖操作系统[1]。核心库：与操作系统无关[1]。"), answer.text
    # After the row, what speaks of a side (by name or as 前者/后者), not what shares a word with one.
    assert "核心算法" not in answer.text, answer.text
    switch = "切换\n进程：页表，堆，栈，寄存器\n线程：栈，寄存器"
    names = [("进程",), ("线程",)]
    assert outline_cells([_hit(1, "d", switch)], names, TOKENIZE) == []


def test_a_line_read_both_as_a_label_line_and_as_a_clause_fills_one_row():
    """「内碎片：分配单元内部未被使用内存」 is the side's 定义 line and a clause on 单元 too: one row."""
    text = "内存碎片\n内碎片：分配单元内部未被使用内存\n外碎片：分配单元间未被使用内存"
    table = build_contrast(["内碎片", "外碎片"], [_hit(1, "d", text)], VOCABULARY, tokenize=TOKENIZE)
    assert table is not None and len(table.rows) == 1, table


def test_a_contents_list_under_a_label_is_no_cell():
    """A slide's 「提纲」 over section titles (「多道程序与协作式调度」, 「2. 分时多任务与抢占式调度」)
    names both sides' sections; it states nothing of either."""
    text = (
        "协作式调度\n提纲：\n多道程序与协作式调度\n2. 分时多任务与抢占式调度\n优点：实现简单，开销小\n"
        "抢占式调度\n提纲：\n多道程序与协作式调度\n3. 进程的概念\n优点：响应及时，不会被一个程序独占"
    )
    cells = outline_cells([_hit(1, "d", text)], [("协作式调度",), ("抢占式调度",)])
    assert {cell.aspect for cell in cells} == {"优点"}, cells
