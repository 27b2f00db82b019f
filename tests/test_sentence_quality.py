"""What an answer never leads with: glued headings, stray list items, wrap-ups and pointers,
fragments cut mid-clause, dangling colons, short headings — and what it may quote."""

import pytest

from kb.answering.evidence import Evidence
from kb.answering.sentence_quality import junk_reason
from kb.language.code import bare_code


@pytest.mark.parametrize(
    ("span", "reason"),
    [
        ("2.2 销售是营销的最终目标营销和销售的最终目标都是提高公司的销售收入。", "heading"),
        ("2、全面掌握本市场的变化，了解客户。", "stray item"),
        ("（3）绕过对接人直接找高层。", "stray item"),
        ("总之，看了这么多的简介，相信大家对市场和销售有了更多的了解。", "wrap-up"),
        ("本文将探讨营销和销售的区别与联系。", "wrap-up"),
        ("这篇文章主要介绍 Redis 的持久化机制。", "wrap-up"),  # a text telling what it tells
        ("本章介绍关系数据库的基本概念。", "wrap-up"),
        ("访问控制，实例成员和类成员，重载和覆盖", "contents"),  # a slide's 「重点」: topics named
        ("下面我们来看看互联网销售的十大误区。", "wrap-up"),
        ("详见笔主的这篇文章： ArrayList 扩容机制分析。", "wrap-up"),  # a pointer to elsewhere
        ("更多内容请参考官方文档。", "wrap-up"),
        ("关于 Redis Cluster 的详细介绍，可以查看这篇文章 Redis 集群详解（付费）。", "wrap-up"),
        ("详细介绍可以看这篇文章：TCP Keepalive 和 HTTP Keep-Alive 有什么区别？。", "wrap-up"),
        ("下面在我们分析 `ArrayList` 扩容时会讲到这一点内容！", "wrap-up"),  # it says where it is told
        ("再单独说一下 `ECDHE_RSA`，因为这个名字太容易让人误读。", "wrap-up"),  # it says what it will tell
        ("下面单独对 Cache Aside Pattern（旁路缓存模式） 来聊聊。", "wrap-up"),
        ("简单画了一张图帮助大家理解读的步骤。", "wrap-up"),  # a pointer to a picture
        ("）而销售则是在营销之后。", "mid-clause"),
        ("则是按照分布式算法，动态地改变所选择的路由。", "mid-clause"),  # its subject was on the line before
        ("从销售到营销的跨越其实就是从：", "dangling colon"),
        ("市场营销和销售的含义", "heading"),
        ("什么是市场营销", "heading"),  # a question's title, not a claim
        ("Java在企业中的应用", "heading"),  # a name placed, then what of it: a title
        ("• Map接口的实现类\n– HashMap类", "heading"),  # a label over one name with its kind
        ("我觉得这个问题很大，没有标准答案。", "about the question"),  # it says nothing of the answer
        ("这个问题见仁见智。", "about the question"),
        ("强制存取控制（Mandatory Access Control，简称 MAC）", "heading"),  # a term and its gloss
        ("聚簇索引和非聚簇索引：\n\n非聚簇索引一定回表查询吗（覆盖索引）？", "dangling colon"),  # over a title
        ("如果是这样，第 2 条 SQL 查询条件右边加了引号为什么还能用上索引呢。", "question"),  # it asks
        ("那么，加了索引查询就一定会变快吗？", "question"),
        ("数据结构及形式化定义 2.1.1  关系 2.1.2  关系模式 2.1.3  关系数据库", "contents"),
        ("R.A       R.B  R.C  S.A  S.B  S.C R", "table header"),
        ("静态转储与动态转储 （2）海量转储与增量转储 （3）转储方法小结", "contents"),
        ("介质故障恢复 ─────────┴－－－－－－┴─────〉" + " " * 60 + "登记日志文件" + " " * 60 + "└─────〉", "drawing"),
        ("+-------------+------------------+", "drawing"),
        ("│   └── rustsbi-qemu.bin(可运行在 qemu 虚拟机上的预编译二进制版本)", "drawing"),  # a directory tree
        ("├── os(我们的内核实现放在 os 目录下)", "drawing"),
        ("CT窗宽窗位对比（肺窗）：Wikimedia Commons - CT Scan Thorax Lung，CC BY-SA 4.0", "reference"),  # a credit
        ("静态转储          运行事务           ↓", "figure labels"),
        ("import java.lang.reflect.Method;", "boilerplate"),  # a listing's opening says nothing of how
        ("package cn.javaguide;\n\nimport java.util.List;", "boilerplate"),
        ("#include <stdio.h>", "boilerplate"),
        ("}", "boilerplate"),
        ("Redis RDB 与 AOF 持久化 · Analyze：https://wingsxdu.com/posts/database/redis/rdb-and-aof/", "reference"),
        # A reading list's entry with its link gone: what another text covers.
        ("SSO 单点登录详解：讲解统一认证中心、CAS 协议、跨域登录实现及登录态同步机制。", "reference"),
        ("一致性哈希算法详解：理解哈希环、虚拟节点、节点扩缩容。", "reference"),
        ("拜占庭将军问题详解：分布式共识、3m+1 节点与 BFT 容错", "reference"),  # a text's title
        # A line of a diagram's source: its arrows, a node with its label, its layout.
        ('C2 --> C3["生产者检查本地事务<br/>最终状态"]', "diagram"),
        ('Note1["任意一条消息<br/>只需被消费组内<br/>任意一个消费者处理"]', "diagram"),
        ('    subgraph Phase1["阶段一: 发送半事务消息"]', "diagram"),
        ("Client->>Server: 发送请求", "diagram"),
        # A title or lead-in over a listing it leaves out: only the block's opening fence follows.
        ("使用 UID/GID\n\n```", "dangling block"),
        ("如果需要等待依赖服务就绪，可以使用 `condition` 字段：\n\n```", "dangling block"),
    ],
)
def test_junk_is_named(span, reason):
    assert junk_reason(span) == reason


@pytest.mark.parametrize(
    "span",
    [
        "营销是一个系统，而销售只是营销的一部分。",
        "1、对象不同：市场的对象是整体企业目标市场。",  # a list's first item
        "以下经济数据来源是英国国家统计办公室。",  # 以下 opens facts, not only pointers
        "查看这个文件的权限需要管理员身份。",  # looking at a file, not at another text
        "地质层断裂是指由于地壳断裂而引起的陆地板块的上下运动。",  # 地 starts a word here
        "市场营销包括以下几个方面：\n1、市场调研\n2、品牌策划",  # a list with its lead-in
        "触发器只能定义在基本表上",  # a slide bullet without its full stop states something
        "x = y + 1",  # a code line is not a table header
        "mysql -u root -p\n```",  # a command closing its code block, not a heading
        "## 4. 后续命令以 appuser 身份运行\n```",  # a comment closing its block
        "Applet在浏览器中作为一个线程执行",  # a name, then where it acts: a statement however short
        "这个问题很大程度上取决于预算。",  # 很大程度上: to a large extent, an answer
        "解决这个问题很难，需要团队协作。",
        "事务T1→事务T2→事务T1：形成等待环路，发生死锁。",  # arrows inside a sentence
        "SELECT * FROM Student WHERE Sage > 20;",
        "版本1.2 发布了。",  # one number inside a sentence is not a table of contents
        # nor two versions in two sentences
        "Redis 在 4.0 之后的版本中就已经加入了对多线程的支持。\n\n不过，Redis 4.0 增加的多线程主要针对删除操作。",
        "恢复分两步：(1)装入副本，(2)重做事务。",  # numbered steps inside a sentence
        "使用游标的步骤\n（1）说明游标\n（2）打开游标\n（3）关闭游标",  # steps one to a line
        "WHERE子句   作用于基表或视图，   从中选择满足条件的元组",  # spaced out, but a clause
        "营销是一个系统",  # a short claim, a clause quoted on its own (a table's cell)
        "强制存取控制（MAC）是对数据本身进行密级标记",  # a term, its gloss, and what it is
        "启用一个专用的审计日志（Audit Log）",  # a slide's statement with its gloss
        "外部性意味着我的努力不仅对我还对你有益",  # what a term means, without a full stop
        "一个理性人不一定会选择纳什均衡中的策略",  # what need not hold
        "CSMA/CD 在无线LAN中无法工作",  # cannot: a claim
        "视图对重构数据库提供了一定程度的逻辑独立性",  # a verb with 了: a claim
        "规则是先到先得。",  # 则 inside a word opens nothing
        "Class alunbarClass = TargetObject.class;",  # the code line that does it
        "import 语句要写在 package 语句之后。",  # a sentence about imports
        "原因分析：讲解员没有按流程操作，导致设备损坏。",  # a statement that opens with a label
        "学习笔记：进程和线程的区别在于资源分配。",  # a statement after a label
        "<!-- 数据源配置 -->",  # an HTML comment's close is no arrow
        "list.stream().map(x -> x + 1)",
        'config["timeout"] = 3',
        "官方文档 https://redis.io/docs/ 说明了 RDB 会在指定的时间间隔内对数据集执行快照，AOF 则记录每条写命令。",
    ],
)
def test_sentences_that_stand_on_their_own_are_not_junk(span):
    assert junk_reason(span) is None


def test_a_table_row_of_bare_names_says_nothing_but_a_row_of_data_does():
    """A keyword table's row (「short | static | super | switch」) led an answer to 「throw 和 throws
    怎么区分」; a header row names columns. A row with a figure or a statement in it is kept."""
    assert junk_reason("short | static | super | switch | synchronized | this | throw") == "table of names"
    assert junk_reason("方面 | 营销 | 销售") == "table of names"
    assert junk_reason("int | 32 | －2147483648 ~2147483647") is None
    assert junk_reason("String字符串类 | 提供常量字符串操作方法") is None


def test_a_label_over_a_bare_name_says_nothing():
    """A slide's 「• 分布式（distributed）」 over 「– Applet」 (a list of what is distributed, cut
    short) led an answer's end; a label over a short statement is kept."""
    assert junk_reason("• 分布式（distributed）\n– Applet") == "heading"
    assert junk_reason("• Java提供10种优先级\n– 1－10表示") is None
    # A statement that opens with a Latin word is no bare name: 「OOP中…」 is not one word.
    assert junk_reason("• 封装（encapsulation）\n– OOP中信息隐藏思想的技术实现") is None


def test_a_slide_term_over_the_line_defining_it_is_no_heading():
    assert junk_reason("动态转储\n转储操作与用户事务并发进行") is None
    assert junk_reason("动态转储\n优点") == "heading"  # two titles
    assert junk_reason("市场营销和销售的含义") == "heading"


def test_bare_code_is_no_answer_to_why_what_or_whether_but_shows_how():
    """A slide's code lines (「{ int n;」) answered 「用int算阶乘为啥出来个0」; they show how, they
    cannot say why. A line whose comment says something still can."""
    from kb.answering.presenting import presentable
    from kb.answering.question import answer_shape
    from kb.types import Passage

    assert bare_code("{\tint n;\nlong  f;") and bare_code("sum=(float)1/2;")
    assert not bare_code("int a[n];  // 不能用变量说明数组大小") and not bare_code("营销是一个系统。")
    text = "sum=(float)1/2;"
    code = Evidence(text, Passage(1, "d", "T", "d.txt", 0, len(text), text), 1, 0, len(text))
    assert presentable(code, answer_shape("sum=1/2 为什么是0")) is None
    assert presentable(code, answer_shape("怎么让 sum=1/2 得到0.5")) is not None


def test_a_bulleted_slide_line_is_quoted_without_its_bullet():
    """Quoted one after another, slide lines kept their bullets: 「…不可信[2]• 囚徒困境的…」. The
    bullet is a list mark, not words of the answer; the span quoted stays verbatim."""
    from kb.answering.presenting import presentable
    from kb.answering.question import answer_shape
    from kb.types import Passage

    text = "重复博弈\n• 比如在有限阶段的囚徒困境下一直合作就不可信"
    passage = Passage(1, "d", "T", "d.txt", 0, len(text), text)
    line = Evidence(text[5:], passage, 1, 5, len(text))
    shown = presentable(line, answer_shape("为什么有限次重复的囚徒困境不会合作"))
    assert shown is not None and shown.text == "比如在有限阶段的囚徒困境下一直合作就不可信"
    assert text[shown.start : shown.end] == shown.text


def test_a_comment_in_code_is_quoted_with_the_setting_under_it():
    """「# 指定堆转储文件的输出路径」 names a setting without giving it: it is quoted with the code
    lines under it, up to the next comment or blank line. A passage may start inside the block,
    its fence in the passage before."""
    from kb.answering.presenting import presentable
    from kb.answering.question import answer_shape
    from kb.types import Passage

    text = "# 在发生 OOM 时生成堆转储文件\n-XX:+HeapDumpOnOutOfMemoryError\n\n# 指定输出路径\n-XX:HeapDumpPath=/d/"
    passage = Passage(1, "d", "T", "d.txt", 100, 100 + len(text), text)
    comment = Evidence(text[:18], passage, 1, 100, 118)
    shown = presentable(comment, answer_shape("怎么让程序 OOM 的时候自动把堆 dump 下来？"))
    assert shown is not None and shown.text == "# 在发生 OOM 时生成堆转储文件\n-XX:+HeapDumpOnOutOfMemoryError"
    assert text[shown.start - 100 : shown.end - 100] == shown.text
    prose = "# 小结\n本章介绍了堆转储。"  # a line of prose under it is not its code
    passage = Passage(2, "d", "T", "d.txt", 0, len(prose), prose)
    shown = presentable(
        Evidence(prose[:4], passage, 1, 0, 4), answer_shape("怎么让程序 OOM 的时候自动把堆 dump 下来？")
    )
    assert shown is None or shown.text == "# 小结"


def test_a_comment_s_command_is_quoted_whole_past_a_blank_line_and_its_continuations():
    """Notes write a blank line between a comment and its command, and continue a command with
    「\\」: the comment was quoted alone, then with half the command."""
    from kb.answering.presenting import presentable
    from kb.answering.question import answer_shape
    from kb.types import Passage

    text = (
        "## 使用临时容器挂载数据卷，打包备份\n\n$ docker run --rm \\\n    -v my-vol:/source:ro \\\n"
        "    -v $(pwd):/backup \\\n    alpine tar czf /backup/b.tar.gz -C /source .\n$ ls\n$ du -sh b.tar.gz\n$ rm x"
    )
    passage = Passage(1, "d", "T", "d.md", 0, len(text), text)
    first = text.index("\n")
    comment = Evidence(text[:first], passage, 1, 0, first)
    shown = presentable(comment, answer_shape("怎样把数据卷里的数据备份成压缩包？"))
    assert shown is not None and shown.text == text[: text.index("\n$ rm x")]
    blank_after = "# 备份\n\n\n$ tar czf b.tar.gz data"  # two blank lines: the comment heads nothing
    passage = Passage(2, "d", "T", "d.md", 0, len(blank_after), blank_after)
    shown = presentable(Evidence("# 备份", passage, 1, 0, 4), answer_shape("怎样备份数据？"))
    assert shown is None or shown.text == "# 备份"


def test_a_sentence_after_a_block_is_quoted_without_its_closing_fence_and_the_block_stays_shut():
    """A passage read from inside a block: 「## 只指定用户」 with its command, then 「```」 closing the
    block, then a sentence. The sentence is quoted from its words (the fence was shown as a stray
    「```」), and the comment's code is not read on past that fence as if it opened a block."""
    from kb.answering.antecedents import with_antecedents
    from kb.answering.presenting import presentable
    from kb.answering.question import answer_shape
    from kb.types import Passage

    text = "## 只指定用户\n\nCOPY --chown=node . /app/\n```\n💡 结合 `USER` 指令使用，确保应用以非 root 用户运行。"
    passage = Passage(1, "d", "T", "d.md", 0, len(text), text)
    how = answer_shape("Dockerfile 里怎么让应用以普通用户运行？")
    fence = text.index("```")
    shown = presentable(Evidence(text[fence:], passage, 1, fence, len(text)), how)
    assert shown is not None and shown.text == text[text.index("💡") :]
    comment = presentable(Evidence("## 只指定用户", passage, 1, 0, len("## 只指定用户")), how)
    assert comment is not None and comment.text == text[: text.index("\n```")]
    assert with_antecedents(comment, [comment], 300, how=True).text == comment.text


def test_a_quote_ends_before_the_titles_of_what_comes_next():
    """A span ingest kept whole ran on into the next section's heading and a table's header row:
    「…也没有进行硬件虚拟。\\n\\n关键区别\\n\\n特性 | Docker 容器 | 传统虚拟机」. Those title what the quote
    does not reach; a list's last item and what a lead-in needs stay."""
    from kb.answering.presenting import presentable
    from kb.answering.question import answer_shape
    from kb.types import Passage

    shape = answer_shape("容器和虚拟机有什么区别")
    said = "而容器内的应用直接运行于宿主的内核，也没有进行硬件虚拟。"
    text = said + "\n\n关键区别\n\n特性 | Docker 容器 | 传统虚拟机\n\n启动速度 | 秒级 | 分钟级"
    passage = Passage(1, "d", "T", "d.md", 0, len(text), text)
    header_end = text.index("\n\n启动速度")
    shown = presentable(Evidence(text[:header_end], passage, 1, 0, header_end), shape)
    assert shown is not None and shown.text == said
    listed = "元数据包括：\n\n权限\n\n修改时间"
    passage = Passage(2, "d", "T", "d.md", 0, len(listed), listed)
    shown = presentable(Evidence(listed, passage, 1, 0, len(listed)), shape)
    assert shown is not None and shown.text == listed
