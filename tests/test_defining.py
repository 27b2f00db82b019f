"""A definition question shows the passage that defines its subject (kb/answering/defining.py)."""

import dataclasses

from kb.answering.answer import answer_from_hits
from kb.answering.defining import defines, defining_form, defining_sentence, led_by_definitions, with_definition
from kb.answering.evidence import Evidence
from kb.types import Hit, Passage


def _hit(rank: int, text: str) -> Hit:
    return Hit(rank, 1.0 - rank / 100, Passage(rank, f"d{rank}", "T", f"d{rank}.txt", 0, len(text), text))


def test_the_defining_form_opens_a_line_or_clause_with_the_subject_and_its_verb():
    form = defining_form("触发器")
    assert form.search("5.7 触发器\n触发器（Trigger）是用户定义在关系表上的一类由事件驱动的特殊过程")
    assert form.search("两段锁协议\n指所有事务必须分两个阶段加锁") is None
    assert defining_form("两段锁协议").search(
        "两段锁协议\n指所有事务必须分两个阶段加锁"
    )  # the verb opens the next line
    for using in ("同一模式下，触发器名必须是唯一的", "表的拥有者才可以在表上创建触发器", "触发器只能定义在基本表上"):
        assert form.search(using) is None, using


def test_on_slides_a_term_is_defined_by_the_line_under_it_unless_that_is_an_example_or_the_next_term():
    assert defining_form("静态转储", slide_lines=True).search("静态转储\n在系统中无运行事务时进行的转储操作")
    assert defining_form("水平分解", slide_lines=True).search("什么是水平分解\n把（基本）关系的元组分为若干子集合")
    listed = "行级触发器（FOR EACH ROW）\n语句级触发器（FOR EACH STATEMENT）\n例如，在例5.11的TEACHER表上"
    assert defining_form("行级触发器", slide_lines=True).search(listed) is None  # the next term, glossed
    assert defining_form("语句级触发器", slide_lines=True).search(listed) is None  # an example
    assert defining_form("静态转储").search("静态转储\n在系统中无运行事务时进行的转储操作") is None  # verbs only


def test_a_deeper_defining_passage_takes_the_last_shown_place():
    using = [_hit(r, f"第{r}页：创建触发器的语法，触发器名必须唯一。") for r in range(1, 4)]
    defining = _hit(7, "第五章 目录\n触发器（Trigger）是用户定义在关系表上的一类由事件驱动的特殊过程")
    hits = [*using, _hit(4, "无关"), _hit(5, "无关"), _hit(6, "无关"), defining]
    shown = with_definition(hits, 3, "触发器")
    assert [h.passage.id for h in shown] == [1, 2, 7] and [h.rank for h in shown] == [1, 2, 3]


def test_shown_passages_that_define_the_subject_are_kept_as_ranked():
    hits = [_hit(1, "触发器是由事件驱动的特殊过程。"), _hit(2, "创建触发器。"), _hit(3, "触发器（Trigger）是一种过程")]
    assert with_definition(hits, 2, "触发器") == hits[:2]
    assert with_definition(hits[:2], 2, "") == hits[:2]


def test_a_bare_comparison_is_led_by_what_each_side_is():
    """「水平分解和垂直分解的区别是什么」: no retrieved sentence sets the two against each other, so
    the lines that define them lead, each quoted verbatim with the line naming its term."""
    hits = [
        _hit(1, "水平分解和垂直分解都是常用的分解方法。分解以后可能使另一些事务不得不执行连接操作，降低了效率。"),
        _hit(2, "数据模型的优化\n什么是水平分解\n把（基本）关系的元组分为若干子集合，定义每个子集合为一个子关系。"),
        _hit(3, "垂直分解\n把关系模式R的属性分解为若干子集合，形成若干子关系模式"),
    ]
    answer = answer_from_hits("水平分解和垂直分解的区别是什么", hits)
    assert [s.text for s in answer.sentences[:2]] == [
        "什么是水平分解\n把（基本）关系的元组分为若干子集合，定义每个子集合为一个子关系。",
        "垂直分解\n把关系模式R的属性分解为若干子集合，形成若干子关系模式",
    ]
    assert answer.text.startswith("什么是水平分解\n把（基本）") and "[2]。\n垂直分解\n" in answer.text


def test_a_slide_s_bulleted_terms_over_their_definitions_lead_a_bare_comparison():
    """A deck keeps its bullets (「• 重载(Overload)」 over 「– 同一类中存在参数列表不同的同名方法」);
    the side 「方法的重载」 is defined as what it is, 重载."""
    slide = (
        "3.4.1 重载和覆盖\n• 重载(Overload)\n– 同一类中存在参数列表不同的同名方法\n"
        "– 这些同名方法可能是子类与父类的方法之间\n"
        "• 覆盖(Override)\n– 子类中定义了与继承自父类的方法参数列表相同的同名方法"
    )
    assert defining_form("重载", slide_lines=True).search(slide)
    hits = [_hit(1, "覆盖时子类中方法的访问权限不能低于父类中同名方法的访问权限。"), _hit(2, slide)]
    answer = answer_from_hits("方法的重载和覆盖有什么区别？", hits)
    assert answer.sentences[0].text == "• 重载(Overload)\n– 同一类中存在参数列表不同的同名方法"
    assert answer.sentences[1].text.startswith("• 覆盖(Override)\n– 子类中定义了")


def test_definitions_do_not_lead_a_comparison_that_asks_about_one_aspect():
    chosen_text = "销售是由内向外的思维方式，营销则是由外而内的思维方式。"
    chosen = defining_sentence("销售", [_hit(1, chosen_text)])
    assert chosen is not None
    hits = [
        _hit(1, chosen_text),
        _hit(2, "营销是指传播产品信息的一系列活动。"),
        _hit(3, "销售是指把产品卖给顾客的活动。"),
    ]
    plain = [dataclasses.replace(chosen, features={})]
    assert led_by_definitions(("营销", "销售"), ["营销", "销售", "思维方式"], hits, plain) == plain
    led = led_by_definitions(("营销", "销售"), ["营销", "销售"], hits[1:], plain)
    assert [e.text for e in led[:2]] == ["营销是指传播产品信息的一系列活动。", "销售是指把产品卖给顾客的活动。"]
    assert led_by_definitions(("营销", "销售"), ["营销", "销售"], hits[1:], [chosen]) == [chosen]  # it sets them apart
    answered_where_asked = [dataclasses.replace(chosen, features={"asked_here": 0.9})]
    assert (
        led_by_definitions(("营销", "销售"), ["营销", "销售"], hits[1:], answered_where_asked) == answered_where_asked
    )


def test_a_slide_s_definition_too_short_to_quote_leads_a_definition_question():
    """Ingest reads 「视图\n从一个或几个基本表导出的表」 as a term and a heading, 「视图是一个虚表」 as
    too short to quote: a lab report's 「…而视图是查看基本表的一种方法」 led 「视图到底是个什么东西」."""
    hits = [
        _hit(1, "SQL的基本概念（续）\n视图\n从一个或几个基本表导出的表\n视图是一个虚表\n用户可以在视图上再定义视图"),
        _hit(
            2,
            "四、思考题\n用法几乎完全一致，同样支持查询等操作，只不过基本表是数据实体，"
            "而视图是查看基本表的一种方法，没有数据实体，只是SQL语句的集合。",
        ),
    ]
    answer = answer_from_hits("视图到底是个什么东西？", hits)
    assert answer.sentences[0].text == "视图\n从一个或几个基本表导出的表"


def test_a_term_glossed_inside_leads_with_its_definition_line_not_its_title_alone():
    """「超线程(Hyperthread, Simultaneous multithreading)处理器」 over its definition: the gloss stands
    inside the term, and the title alone (a sentence of its own) was the whole answer."""
    slide = (
        "单核处理器\n\n超线程(Hyperthread, Simultaneous multithreading)处理器\n将CPU内部暂时闲置处理资源充分调动起来"
    )
    answer = answer_from_hits("超线程处理器是怎么一回事？", [_hit(1, slide)])
    assert answer.sentences[0].text.endswith("处理器\n将CPU内部暂时闲置处理资源充分调动起来")


def test_a_term_s_english_name_under_it_is_no_definition_the_line_after_is():
    """「单队列多处理器调度」 over 「Single Queue Multiprocessor Scheduling, SQMS」 over what it is:
    the English name was quoted as the definition (and alone, where a passage ended after it)."""
    form = defining_form("单队列多处理器调度", slide_lines=True)
    named = "单队列多处理器调度\nsingle queue multiprocessor scheduling, sqms"
    assert form.search(named) is None
    assert form.search(named + "\n复用单处理器调度下的基本架构") is not None


def test_a_slide_continued_is_no_term_over_its_definition():
    """「外码（续）」 titles the slide after the one defining 外码: the line under it is no definition."""
    assert (
        defining_form("外码", slide_lines=True).search("外码（续）\n学生关系的“班长”属性与本身的主码“学号”相对应")
        is None
    )


def test_a_slide_term_is_quoted_with_every_item_under_it():
    """「• 封装（encapsulation）」 over three items: the first says what it is an instance of, the
    other two what it does; a definition quotes them all, not the next term's items."""
    slide = (
        "3.2 类的封装性\n• 封装（encapsulation）\n– OOP中信息隐藏思想的技术实现\n"
        "– 将数据和对数据的操作组合起来构成不可分割的实体\n– 隐藏实现细节，通过接口与外部联系\n"
        "• 访问控制\n– 类成员有四种访问权限"
    )
    answer = answer_from_hits("封装是什么意思？", [_hit(1, slide)])
    first = answer.sentences[0].text
    assert first.startswith("• 封装（encapsulation）\n– OOP中信息隐藏思想的技术实现\n– 将数据"), first
    assert first.endswith("– 隐藏实现细节，通过接口与外部联系"), first


def test_a_section_asking_what_a_side_does_is_no_definition_of_it():
    """「分页是怎么完成地址转换的？」 opens with the side and 是, but it asks: it defines nothing and
    never leads a comparison as what 分页 is."""
    hits = [
        _hit(1, "分页是怎么完成地址转换的？\n地址被拆成页号和页内偏移，查页表得到物理页框。"),
        _hit(2, "分段是怎么映射的？\n段号查段表得到段基址，再加上段内偏移。"),
    ]
    assert defining_sentence("分页", hits) is None
    answer = answer_from_hits("分页和分段的区别是啥？", hits)
    assert not any(s.text.endswith("？") for s in answer.sentences)


def test_what_a_subject_is_after_its_de_is_defined_on_a_deeper_slide_and_leads():
    """「Java输入输出里讲的“流”是什么」: the deck defines 流 (「– 流是一组有顺序的…字节集合」) on a slide
    ranked below the ones using it, in a deck named JavaCh9, titled 「输入/输出流」."""
    using = [_hit(r, f"– 用于创建磁盘文件的输入输出流对象，第{r}种方式") for r in range(1, 4)]
    text = "9.1.2 流的概念\n• 流的定义和作用\n– 流是一组有顺序的、有起点和终点的字节集合\n– 流采用缓冲区技术"
    slide = Hit(9, 0.5, Passage(9, "JavaCh9", "第九章 输入/输出流", "JavaCh9.pptx", 0, len(text), text))
    shown = with_definition([*using, slide], 3, "java输入输出的流")
    assert [h.passage.id for h in shown] == [1, 2, 9]
    at = text.index("– 流是")
    definition = Evidence(text[at : text.index("\n", at)], slide.passage, 3, at, text.index("\n", at), {"cue": 1.0})
    assert defines(definition, "java输入输出的流")  # its owner said in parts: JavaCh9, 「输入/输出流」
    assert not defines(definition, "c语言输入输出的流")


def test_a_definition_saying_only_that_the_term_is_a_concept_does_not_lead():
    """「市场营销策划是一个广泛的概念，需要综合考虑…」 defines in form and shares most words, but
    says only what kind of word the term is; a sentence saying what it is leads, though it names
    the term shorter (「营销策划是一种…」)."""
    text = (
        "市场营销策划是一个广泛的概念，需要综合考虑市场、产品和消费者等多个要素。"
        "营销策划是一种以市场为导向的整体规划过程，旨在实现企业的市场目标。"
    )
    answer = answer_from_hits("市场营销策划是指什么？", [_hit(1, text)])
    assert answer.sentences[0].text.startswith("营销策划是一种以市场为导向"), answer.text
    # Nor does it define the term where a comparison is led by what each side is.
    assert defining_sentence("市场营销策划", [_hit(1, text)]) is None
