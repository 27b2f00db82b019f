"""Question kinds and the answer shapes they ask for."""

import pytest

from kb import KnowledgeBase
from kb.answering.amounts import amounts_asked, asked_unit, states_in_unit
from kb.answering.question import (
    SHAPES,
    answer_shape,
    asks_a_share,
    asks_an_amount,
    definition_subject,
    question_kind,
    states_a_quantity,
)
from kb.answering.side_names import term_names
from kb.language.text import fold
from kb.types import Hit, Passage


@pytest.mark.parametrize(
    "question, kind",
    [
        ("为什么市场部和销售部总吵架", "reason"),
        ("销售额下降是什么原因", "reason"),
        # 怎么 before what happened asks how come, not how to (咋 is read as 怎么 before this).
        ("用int算100的阶乘怎么出来个0？", "reason"),
        ("程序怎么还报错", "reason"),
        ("X光管怎么那么烫，还得专门整个冷却系统？", "reason"),  # 怎么那么 + what it is like: how come
        ("这一步怎么这么慢", "reason"),
        ("key 明明设了过期时间，怎么过期了还赖在内存里", "reason"),
        ("做营销的每个月要怎么总结市场情况", "method"),
        ("数据库怎么还原", "method"),
        ("什么是销售漏斗", "definition"),
        ("營銷的定義是什麼？", "definition"),
        ("外码是怎么定义的", "definition"),  # not a how-to: 怎么 asks for the definition
        ("视图到底是个什么东西？", "definition"),
        ("CSRF 攻击是怎么一回事？", "definition"),  # what it is
        ("登录突然失败了，怎么回事", "reason"),  # what happened: how come, not how to
        ("市场部的工作包括哪些", "list"),
        ("完整性控制机制应该具备哪三方面的功能？", "list"),  # how many it asks for, not which one
        ("封锁协议分为哪两步", "method"),
        ("只记元数据的日志方式下，一次更新先做什么后做什么？", "method"),  # what first: an order of steps
        ("这门课的总评成绩是怎么构成的", "list"),  # what it is made of: its parts, not a procedure
        ("怎么组成一个销售团队", "method"),
        ("如何搭建客户成功团队", "method"),
        ("市场部应该怎么考核？", "method"),
        ("建立检查点具体要做哪几步？", "method"),  # a list of steps is asked as a procedure is
        ("数据库恢复有哪些步骤", "method"),
        # What must be done, and in what order, is a procedure too.
        ("从发送、存储到消费每一环分别要做什么？", "method"),
        ("线上消息堆积了，排查应该按什么顺序来？", "method"),
        ("事务消息的处理流程是怎样的", "method"),
        ("五羊新城又称什么？", "entity"),
        ("雅各书的作者有可能是谁？", "entity"),
        ("滕皇后是哪里人？", "place"),
        ("该公司成立于哪一年？", "quantity"),
        ("全国有多少个省份", "quantity"),
        ("Java线程优先级一共有几级？默认是几", "quantity"),  # 几级, and 是几 at the end
        ("销售需要懂营销吗", "yesno"),
        ("finally块里的代码是不是无论如何都会执行？", "yesno"),  # 无论如何: whatever happens, no how
        # Which one to choose asks for a recommendation, not a name.
        ("本机两个进程要交换很大块的数据，IPC 选哪种比较合适", "advice"),
        ("这两个客户端该选哪个？", "advice"),
        ("营销和销售的关系", "relation"),
        ("市场部与销售部之间有什么联系？", "relation"),
        ("什么是关系", "definition"),  # a relation (table) in a database course
        ("他和刘备是什么关系", "general"),  # kinship is named, not stated as a relation
        ("营销和销售有什么不同", "general"),
        # What something is for: answered by what it serves or allows.
        ("git stash 是做什么用的？", "purpose"),
        ("客户关系管理系统有什么用", "purpose"),
        ("视图的作用是什么", "purpose"),
        ("TLS 握手里老提到的 SNI 是干嘛用的？", "purpose"),
        ("这个参数是拿来干嘛的", "purpose"),
        ("市场部做活动的目的是什么", "purpose"),  # its aim, not a definition of 「…的目」
    ],
)
def test_question_kind(question, kind):
    assert question_kind(question) == kind


def test_contrast_wins_over_wording():
    assert question_kind("为什么营销和销售不同", contrast=True) == "contrast"


def test_definition_cue_names_the_subject():
    cue = answer_shape("什么是分销").cue
    assert cue is not None
    assert cue.search("而分销则是销售里面的其中一个环节")
    assert not cue.search("营销是一个系统")  # 是 alone is not a definition of 分销
    taken = answer_shape("内存碎片指的是什么").cue
    assert taken is not None
    assert taken.search("你可以将内存碎片简单地理解为那些不可用的空闲内存")  # what it is taken as
    assert taken.search("内存碎片可以理解为不可用的空闲内存")
    assert not taken.search("频繁修改数据也会产生内存碎片")
    # A Latin name asked with the word of its kind is defined without it, in backticks or not.
    kind = answer_shape("Dockerfile 里的 ONBUILD 指令是什么意思？").cue
    assert kind is not None
    assert kind.search(fold("`ONBUILD` 是一个特殊的指令，它后面跟的是其它指令"))
    assert not kind.search(fold("使用 BuildKit 后，我们可以使用下面几个新的 `Dockerfile` 指令"))
    assert not answer_shape("什么是浸泡式学习").cue.search(fold("很多教育学家开始提倡 “浸泡式学习”，有一定的依据"))


@pytest.mark.parametrize(
    ("question", "definition"),
    [
        ("嵌入式SQL中的游标指的是什么", "游标是系统为用户开设的一个数据缓冲区"),  # the head noun after 的
        ("数据库里说的事务是什么意思", "事务是用户定义的一个数据库操作序列"),
        ("什么是两段锁协议", "两段锁协议指所有事务必须分两个阶段对数据项加锁和解锁"),
        ("什么叫触发器？", "触发器（Trigger）是用户定义在关系表上的一类由事件驱动的特殊过程"),
        # The term named last, as textbooks define it.
        ("候选码是什么？", "若关系中的某一属性组的值能唯一地标识一个元组，则称该属性组为候选码"),
        ("全码是什么意思", "关系模式的所有属性组是这个关系模式的候选码，称为全码（All-key）"),
        ("类的静态方法是什么？", "就表示该方法不会被实例继承，而是直接通过类来调用，这就称为“静态方法”。"),
        # The acronym the question adds is not part of the term the text defines.
        ("自治系统AS到底是怎么定义的？", "定义：自治系统是在单一的技术管理下的一组路由器"),
        ("虚拟专用网（VPN）是指什么？", "虚拟专用网是指利用公用网络建立的专用网络"),
        # Read from the clause that asks: the trainee's address to the teacher is no part of it.
        ("请问老师，单点登录是什么意思？", "单点登录说的是用户登陆多个子系统的其中一个就有权访问其他系统"),
        # Where the term is used, and asking for it said plainly, are no part of the subject.
        ("一致性哈希里面的虚拟节点是个什么东西？", "虚拟节点就是对真实的物理节点在哈希环上虚拟出几个它的分身节点"),
        ("拜占庭将军问题用大白话讲是在说什么？", "拜占庭将军问题描述的是分布式系统如何达成共识"),
        ("说收集器“关注吞吐量”，这个吞吐量具体指什么？", "所谓吞吐量就是CPU中用于运行用户代码的时间与总时间的比值"),
        ("双亲委派到底是个啥意思？", "双亲委派是指类加载器先把请求交给父类加载器"),
        ("中间人攻击（MITM）到底指的是啥情况？", "中间人攻击是指攻击者与通讯的两端分别创建独立的联系"),
        ("什么是视图，能简单讲讲吗", "视图是从一个或几个基本表导出的表"),
        ("CSRF 攻击是怎么一回事？", "CSRF攻击一般被翻译为跨站请求伪造"),
        # The term set off by a comma, and the term given as the word for what was described.
        ("什么是浸泡式学习？", "所谓 “浸泡式学习”，就是在特定的时间、特定的环境里，强迫学生只使用第二语言"),
        ("元认知是啥？", "关于思考的思考，有个专门的名词，元认知（metarecognition）。"),
        ("幂等性是什么意思", "多次执行结果都一样，这个术语叫幂等性。"),
    ],
)
def test_a_trainee_s_definition_question_finds_its_subject(question, definition):
    cue = answer_shape(question).cue
    assert cue is not None and cue.search(fold(definition))  # sentences are matched folded
    assert not cue.search("销售指标下降了")  # 指 in 指标 defines nothing


def test_how_to_understand_a_term_asks_what_it_means():
    """「多态怎么理解？」 was answered as a method (怎么) with whatever mentions 多态; a long clause
    after 理解 asks how to do something (「我该怎么理解客户的需求并且推进合作」)."""
    assert question_kind("多态怎么理解？") == "definition"
    assert definition_subject("多态怎么理解？") == "多态"
    assert definition_subject("如何理解封装") == "封装"
    # What the asker says in brackets explains the subject, it is no part of it.
    assert definition_subject("heredoc（就是 << EOF ... EOF 那种写法）是个什么概念？") == "heredoc"
    # One thing named in Latin and in Chinese is looked for by its Chinese name, not both run together.
    assert definition_subject("内核里的VFS（虚拟文件系统）指的是什么？") == "内核里的虚拟文件系统"
    assert definition_subject("什么是优先级反置(Priority Inversion)？") == "优先级反置"
    assert definition_subject("什么是 O(1) 复杂度") == "o1复杂度"  # brackets of the subject's own
    assert question_kind("我该怎么理解客户的需求并且推进合作") == "method"


def test_whether_is_no_copula_and_how_to_define_something_is_a_method():
    assert question_kind("外码怎么定义？") == "definition"
    assert question_kind("怎么定义一个类") == "method"  # how to write one: 定义 is what is asked about
    cue = answer_shape("外码是怎么定义的").cue
    assert cue is not None and cue.search("则称f是r的外码")
    assert not cue.search("还应定义外码列是否允许空值")
    view = answer_shape("视图是什么").cue
    assert view is not None and view.search("视图是从一个或几个基本表导出的表")
    assert not view.search("一些视图是不可更新的")  # some views, not the term


def test_a_subject_supposed_in_a_condition_is_not_defined_there():
    view = answer_shape("视图到底是个什么东西？")
    assert not view.has_cue("若一个视图是从单个基本表导出的，并且只是去掉了基本表的某些行和某些列")
    assert not view.has_cue("如果视图是由两个以上基本表导出的，则此视图不允许更新")
    assert view.has_cue("视图是从一个或几个基本表导出的表")
    assert view.has_cue("若视图是从单个基本表导出的，则可以更新；视图是一个虚表")  # stated after the condition
    key = answer_shape("候选码是什么？")  # named after its condition, with or without a comma
    assert key.has_cue("若关系中的某一属性组的值能唯一地标识一个元组，则称该属性组为候选码")
    assert key.has_cue("若关系中的某一属性组的值能唯一地标识一个元组则称该属性组为候选码")


def test_a_sentence_naming_another_term_last_does_not_define_the_subject():
    cue = answer_shape("候选码是什么？").cue
    assert cue is not None
    assert not cue.search("候选码的诸属性称为主属性（Prime attribute）")  # defines 主属性
    assert not cue.search("称为候选码的属性组")  # named mid-clause: a use, not a definition


def test_contrast_cue_sets_one_side_against_the_other():
    cue = answer_shape("营销和销售的区别", ["营销", "销售"]).cue
    assert cue is not None
    assert cue.search("营销是一个系统，而销售只是营销的一部分")
    assert not cue.search("营销是一个系统")


def test_what_both_sides_are_together_is_no_difference():
    against = answer_shape("营销和销售的区别", ["营销", "销售"]).against
    assert against is not None
    assert against.search("营销和销售是商业中两个十分重要的概念")
    assert against.search("营销和销售的最终目标都是提高收入")
    both_kinds = answer_shape("Application和Applet的区别", ["application", "applet"]).against
    assert both_kinds is not None and both_kinds.search(
        "java程序有两种形式：application（应用程序）和applet（小应用程序）"
    )
    assert not against.search("营销是一个系统，而销售只是营销的一部分")
    # Named together as 两个, then told apart in clauses of their own (code in backticks): a difference.
    wildcards = answer_shape("* 和 # 分别能匹配几个词", ["*", "#"])
    told_apart = "topic 的两个通配符容易混：`*` 只匹配一个单词，`#` 可以匹配零个或多个单词"
    assert wildcards.cue is not None and wildcards.cue.search(told_apart)
    assert wildcards.against is not None and not wildcards.against.search(told_apart)


def test_short_factual_answers_get_a_small_budget():
    assert answer_shape("该公司成立于哪一年？").budget < answer_shape("为什么市场部和销售部总吵架").budget
    assert answer_shape("哪些因素影响销量").units and not answer_shape("谁发明了电话").units


def test_only_the_last_clause_asks_for_an_amount():
    assert asks_an_amount("市场部一年的预算一般是多少？")
    assert asks_an_amount("這款產品賣了幾年")
    # The amount belongs to the story told before the question; what is asked is how.
    assert not asks_an_amount("我上周问了客户几次预算多少，他都回避，接下来怎么跟进？")
    # 「哪几种」 asks which kinds: a list answers it, stating no figure (「死锁预防 / 死锁避免 …」).
    assert not asks_an_amount("死锁的处理办法有哪几种？") and asks_an_amount("死锁的处理办法有几种？")


def test_a_question_asking_for_a_share_is_answered_only_by_a_proportion():
    assert asks_a_share("市场部一年的预算一般占营收的百分之几") and asks_a_share("成交的客户里老客户占几成？")
    assert not asks_a_share("市场部一年的预算一般是多少？")
    assert asks_a_share("销售人员的离职率一般是多少") and asks_a_share("Redis 的缓存命中率能有多少")
    assert not asks_a_share("心跳的频率是多少")  # a rate in time: 「每 30 秒一次」
    assert not asks_a_share("球队历史上的胜率新纪录是多少胜?")  # asked in wins
    assert asks_a_share("市场费用在营收里占多少") and not asks_a_share("UDP 首部一般占多少个字节")
    assert not states_a_quantity("市场部和销售部是两个部门。", share=True)
    assert states_a_quantity("市场预算通常占营收的5%到10%。", share=True)
    assert states_a_quantity("老客户贡献了七成的订单。", share=True)
    assert not states_a_quantity("这件事成为市场部的核心任务。", share=True)


def test_a_number_is_the_cue_of_an_amount_not_a_digit_of_a_name():
    cue = SHAPES["quantity"].cue
    assert cue.search("每个 inode 大小均固定为 128 bytes")
    assert not cue.search("对于 Ext2 文件系统，使用 HTTP/1.1 协议")


def test_a_count_is_told_in_either_script():
    shape = answer_shape("Redis 一共有几种淘汰策略？")
    assert shape.states_the_count("Redis 具体有 6 种淘汰策略：")
    assert shape.states_the_count("Redis 具體有 6 種淘汰策略：")  # a traditional text
    assert not shape.states_the_count("Redis 4.0 引入了新的淘汰策略")


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("数据库里说的事务是什么意思", "数据库的事务"),
        ("redis 里经常说的“内存碎片”到底指的是什么？", "redis的内存碎片"),  # how often it is said: no owner
        # 「它」 points back to the one term the question quotes; 「是怎样一种…」 asks what kind of thing.
        ("看油温表时碰到“软炸”这个词，它是怎样一种炸法？", "软炸"),
        ("微服务是什么样的一种架构", "微服务"),
        ("Python是怎样一种编程语言", "python"),
        ("TCP 里老提到的 MSS 是什么", "tcp的mss"),
        ("事务里说的幻读具体是指什么现象？", "事务的幻读"),  # what kind of thing it is asked as: no part
    ],
)
def test_where_a_term_is_said_names_its_owner_not_a_clause_about_it(question, subject):
    assert answer_shape(question).subject == subject


def test_a_clause_asking_about_this_leaves_the_whole_question_to_name_the_subject():
    """「这是什么意思」 names nothing: 这 is no term a sentence could define (「这是完全不同的心态」)."""
    shape = answer_shape("开会时领导提到POA，这是什么意思？")
    assert shape.kind == "definition" and shape.subject != "这"
    assert not shape.has_cue("这是完全不同的心态和技能集")


def test_a_definition_under_another_name_the_text_gives_the_term_is_a_definition(tmp_path, embedder):
    """「SSO 英文全称 Single Sign On，单点登录。SSO 是在多个应用系统中…」 defines 单点登录 by its
    acronym; so does 「地址解析协议（Address Resolution Protocol，ARP）是…」 define ARP."""
    assert term_names("单点登录", ["sso 英文全称 single sign on，单点登录。"]) == ("sso",)
    assert term_names("单点登录", ["sso(single sign on)即单点登录说的是…"]) == ("sso",)
    assert term_names("单点登录", ["基于 jwt 单点登录的实现"]) == ()  # a word before it names nothing
    assert term_names("arp", ["。地址解析协议（address resolution protocol，arp）是…"]) == ("地址解析协议",)
    assert term_names("客户服务", ["客户服务（简称客服）"]) == ("客服",)
    text = "SSO 英文全称 Single Sign On，单点登录。SSO 是在多个应用系统中，用户只需要登录一次就可以访问所有应用。"
    (tmp_path / "sso.md").write_text(text + "\n\n单点登录需要一个统一认证中心来校验登录状态。\n", encoding="utf-8")
    KnowledgeBase.build([tmp_path / "sso.md"], tmp_path / "index", embedder=embedder)
    with KnowledgeBase.open(tmp_path / "index", embedder=embedder) as kb:
        plan = kb.answerer.plan("单点登录是什么意思？")
        hits = [Hit(n, 1.0, p) for n, p in enumerate(kb.answerer.index.passages(), start=1)]
        defining = "sso 是在多个应用系统中，用户只需要登录一次"
        assert not plan.shape.has_cue(defining)
        assert kb.answerer.with_other_names(plan, hits).shape.has_cue(defining)


def test_a_purpose_question_prefers_what_its_subject_serves_said_of_it():
    """「SNI 是干嘛用的」 is answered by 「SNI 的作用是告诉服务器…」, not by a sentence that only
    mentions SNI next to 「可以」; a question naming only whom it serves keeps the general cue."""
    shape = answer_shape("TLS 握手里老提到的 SNI 是干嘛用的？")
    assert shape.has_cue(fold("SNI 的作用是告诉服务器“我要访问哪个域名”"))
    assert not shape.has_cue(fold("从上图可以看到，TLS 握手分为多个阶段：ClientHello（携带 SNI、支持的密码套件）"))
    assert answer_shape("git stash 是做什么用的？").has_cue("git stash 用于保存当前工作区的修改")
    assert answer_shape("市场部天天搞品牌那一套，对我们销售到底有啥用").has_cue("可以帮助销售更快成交")
    # The good of what a thing is made into: 「镜像做成分层存储」 → said of 分层存储.
    made = answer_shape("镜像做成分层存储有什么好处？")
    assert made.has_cue(fold("这种分层存储结构使得镜像的复用、分发变得非常高效："))
    assert not made.has_cue(fold("镜像的分层存储机制是 Docker 最具创新性的特性之一。"))


def test_an_amount_asked_before_another_question_is_asked_too():
    assert amounts_asked("HashMap 的负载因子默认是多少，什么时候扩容？") == [("hashmap 的负载因子默认是", "")]
    assert amounts_asked("我老问他预算多少，对方都不太想说，该怎么问") == []  # a story, then the question
    assert amounts_asked("负载因子默认是多少？") == [("负载因子默认是", "")]
    # What the amount is of: the words after it, bar its measure; the last amount of a clause is asked.
    assert amounts_asked("女员工生孩子一共能休多少天产假？") == [("女员工生孩子一共能休", "产假")]
    assert amounts_asked("工龄到十几年又是几天") == [("工龄到十几年又是", "")]


def test_an_amount_asked_in_a_unit_is_answered_in_that_unit():
    """「煮几分钟」 asks for minutes: 「大火大约 8 分钟」 states them, 「将 4 汤匙酱油…」 from the
    same recipe states an amount of something else; 「放多少米」 asks for rice, not metres."""
    assert asked_unit("煮鸡蛋要煮几分钟") == asked_unit("蒸鸡蛋羹要蒸多久") == "time"
    assert asked_unit("糖放多少克") == "weight" and asked_unit("油温多少度") == "temperature"
    assert asked_unit("UDP 首部占多少个字节") == "size"
    assert asked_unit("一个人放多少米合适") is None and asked_unit("Java 是哪一年发布的") is None
    # A lone letter, 位 and 度电 name no unit surely: 「多少G内存」 is no weight, 「几位发起人」 no size.
    assert asked_unit("最大内存设置为多少G") is None and asked_unit("需要几位发起人") is None
    assert asked_unit("每月用多少度电") is None and not states_in_unit("这个方案一度被认为不可行", "temperature")
    assert states_in_unit("用冷水将鸡蛋煮熟，大火大约 8 分钟", "time")
    assert states_in_unit("中火蒸 7-8 分钟", "time") and states_in_unit("静置半小时", "time")
    assert states_in_unit("第 7 和第 8 个字节是主版本号", "size")
    assert not states_in_unit("将 4 汤匙酱油、4 汤匙清水倒入小锅中", "time")


def test_an_amount_in_the_unit_asked_for_leads_when_it_is_said_of_the_question():
    """「蒸鸡蛋羹要蒸多久」: both sentences state a time, but 「1 - 2 小时」 is how long it cools,
    said before the question's words; 「继续蒸 4 分钟」 is how long it steams."""
    from kb.answering.answer import answer_from_hits

    recipe = "放入冰箱冷藏等待 1 - 2 小时，让鸡蛋羹充分入味。中火烧至水开，转最小的火继续蒸 4 分钟。"
    hits = [Hit(1, 1.0, Passage(1, "egg", "蒸水蛋", "egg.md", 0, len(recipe), recipe))]
    answer = answer_from_hits("蒸鸡蛋羹要蒸多久", hits)
    assert answer.sentences[0].text == "中火烧至水开，转最小的火继续蒸 4 分钟。"
