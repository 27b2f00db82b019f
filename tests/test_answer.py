"""Extractive answers: verbatim, cited, merged (fast stand-in embedder)."""

import dataclasses
import re

import pytest

from kb import KnowledgeBase
from kb.answering.answer import (
    NOT_FOUND,
    _arrange,
    _merge_duplicates,
    answer_candidates,
    answer_from_hits,
    choose,
    select,
)
from kb.answering.citing import cite, joined_text, within
from kb.answering.defining import defines
from kb.answering.evidence import Evidence, score_sentences
from kb.answering.plan import plan_from_words
from kb.answering.presenting import labelled_once, presentable
from kb.answering.question import SHAPES
from kb.answering.subject_lines import subject_line_text
from kb.answering.units import enumeration, holds_steps, span_text
from kb.profile import default_profile
from kb.types import Hit, Passage

QUESTIONS = ["营销和销售的区别", "什么是销售漏斗", "市场部和销售部如何配合", "市場營銷與銷售的區別", "营销的目的是什么"]


@pytest.fixture(scope="module")
def kb(stub_index):
    index, embedder = stub_index
    with KnowledgeBase.open(index, embedder=embedder) as opened:
        yield opened


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_answer_sentence_is_verbatim_from_a_cited_passage(kb, question):
    answer = kb.ask(question)
    assert answer.found and answer.sentences
    by_rank = {h.rank: h.passage for h in answer.hits}
    for sentence in answer.sentences:
        assert sentence.citations
        for n in sentence.citations:
            assert n in by_rank
        first = by_rank[sentence.citations[0]]
        assert first.text[sentence.start - first.start : sentence.end - first.start] == sentence.text
    marks = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert marks and marks <= set(by_rank)


@pytest.mark.parametrize("limit", [60, 120, 300])
def test_answer_respects_the_length_limit_citation_marks_included(kb, limit):
    answer = kb.ask("营销和销售的区别", max_chars=limit)
    assert len(answer.text) <= limit or len(answer.sentences) == 1


def test_answer_skips_questions_and_headings(kb):
    answer = kb.ask("营销和销售的区别")
    assert not any(s.text.endswith(("？", "?")) for s in answer.sentences)


def test_identical_sentences_from_two_articles_are_merged_with_both_citations():
    text = "营销是一个系统，而销售只是营销的一部分。"
    hits = [
        Hit(1, 0.9, Passage(0, "a", "A", "a.txt", 10, 10 + len(text), text)),
        Hit(2, 0.8, Passage(1, "b", "B", "b.txt", 0, len("市场" + text), "市场" + text)),
    ]
    answer = answer_from_hits("营销和销售有什么区别", hits)
    assert len(answer.sentences) == 1
    assert answer.sentences[0].citations == (1, 2)
    assert answer.text == "营销是一个系统，而销售只是营销的一部分[1][2]。"


def test_no_matching_sentence_means_not_found():
    hits = [Hit(1, 0.5, Passage(0, "a", "A", "a.txt", 0, 12, "市场部负责品牌推广工作。"))]
    answer = answer_from_hits("红烧肉怎么做", hits)
    assert not answer.found and answer.text == NOT_FOUND and answer.sentences == []


def test_cite_places_marks_before_closing_punctuation():
    assert cite("销售是把产品卖好。", [2, 1]) == "销售是把产品卖好[1][2]。"
    assert cite("他说：“营销是拉。”", [3]) == "他说：“营销是拉[3]。”"
    assert cite("没有句号", [1]) == "没有句号[1]。"


def test_json_contract_fields(kb):
    data = kb.ask("营销和销售的区别").to_dict()
    assert set(data) >= {"question", "answer", "passages"}
    for rank, passage in enumerate(data["passages"], start=1):
        assert set(passage) == {"rank", "score", "doc_id", "title", "source", "start", "end", "text", "location"}
        assert passage["rank"] == rank
        assert set(passage["location"]) == {"label", "original_start", "original_end"}
        assert passage["location"]["label"].startswith("L")


def _ranked_hit(rank: int, text: str) -> Hit:
    """A passage of its own document at `rank`, scored 1/rank."""
    return Hit(rank, 1.0 / rank, Passage(rank, f"d{rank}", f"d{rank}", f"d{rank}.txt", 0, len(text), text))


def _passage_hits(*texts):
    return [
        Hit(i, 0.9 - 0.05 * i, Passage(i, f"d{i}", "T", f"d{i}.txt", 0, len(t), t))
        for i, t in enumerate(texts, start=1)
    ]


def test_the_best_sentence_leads_even_when_it_comes_later_in_the_text():
    hits = _passage_hits(
        "销售漏斗这个词经常被提到。很多公司都画过销售漏斗的图。销售漏斗是指潜在客户从接触到成交逐层减少的过程。"
    )
    answer = answer_from_hits("什么是销售漏斗", hits)
    assert answer.sentences[0].text == "销售漏斗是指潜在客户从接触到成交逐层减少的过程。"


def test_a_list_asked_for_is_quoted_whole():
    text = (
        "市场部的日常工作包括以下几项：\n1、开展市场调研。\n2、负责品牌推广。\n3、策划线下活动。\n"
        "另外，市场部也要支持销售。"
    )
    answer = answer_from_hits("市场部的日常工作包括哪些", _passage_hits(text))
    first = answer.sentences[0]
    assert first.text.startswith(text[: text.index("\n另外")])
    assert answer.hits[0].passage.text[first.start : first.end] == first.text


def test_a_factual_question_gets_a_short_answer():
    text = (
        "该公司成立于1998年，总部位于深圳。公司早期主要生产通信设备，后来进入手机市场，"
        "并在海外设立了多个研发中心。公司的员工人数超过十万人，业务覆盖一百多个国家和地区。"
    )
    answer = answer_from_hits("该公司成立于哪一年", _passage_hits(text))
    assert answer.sentences[0].text == "该公司成立于1998年，总部位于深圳。"
    assert sum(len(s.text) for s in answer.sentences) <= 80


def test_short_lines_after_an_introduction_are_the_list():
    text = "从销售到营销的跨越其实就是从：\n战术到战略\n眼前到未来\n短利到长利\n生存到永续。\n这需要时间。"
    answer = answer_from_hits("从销售到营销要经历哪些跨越", _passage_hits(text))
    assert answer.sentences[0].text == text[: text.index("\n这需要")]


def test_a_short_lead_in_is_quoted_with_its_items_up_to_the_next_numbered_line():
    """「应包括：」 is too short to quote alone and its items too short to quote one by one: the
    list is quoted whole, and ends where the sheet's next question (「6.」) begins."""
    text = (
        "4. 完整性控制机制应具有哪三方面的功能？\n应包括：\n提供定义完整性约束条件的机制\n提供完整性检查的方法\n"
        "违约处理\n6.\nSQL定义如下：\nCREATE TABLE 部门 (部门号 CHAR(4));"
    )
    answer = answer_from_hits("完整性控制机制应该具备哪三方面的功能？", _passage_hits(text))
    assert answer.sentences[0].text == "应包括：\n提供定义完整性约束条件的机制\n提供完整性检查的方法\n违约处理"


def test_a_line_a_slide_labels_is_read_and_quoted_with_the_line_above_it():
    """「原因：…」 explains the line above it, which restates the question: read alone it shares
    none of the question's words and would lose to a sentence that only repeats them."""
    slide = (
        "强制存取控制方法（续）\n实现强制存取控制时要首先实现自主存取控制\n"
        "原因：较高安全性级别提供的安全保护要包含较低级别的所有保护"
    )
    other = "先进行自主存取控制检查，通过检查的数据对象再由系统进行强制存取控制检查。"
    answer = answer_from_hits("为什么实现强制存取控制之前要先实现自主存取控制？", _passage_hits(other, slide))
    assert answer.sentences[0].text == slide[slide.index("实现强制") :]


def test_a_first_sentence_pointing_back_is_quoted_with_the_sentences_it_points_to():
    """「…协调这两种不同的处理方式」 answers why only with the two ways the lines before it name;
    of two overlapping passages, the one holding those lines is quoted and cited."""
    slide = (
        "为什么要使用游标\nSQL语言是面向集合的，一条SQL语句可以产生多条记录\n"
        "主语言是面向记录的，一组主变量一次只能存放SQL的一条记录\n嵌入式SQL引入了游标的概念，用来协调这两种不同的处理方式"
    )
    cut = slide.index("嵌入式")
    later = slide[cut:] + "\n游标是系统为用户开设的一个数据缓冲区"
    hits = [
        Hit(1, 0.9, Passage(1, "d", "T", "d.pdf", cut, cut + len(later), later)),
        Hit(2, 0.8, Passage(2, "d", "T", "d.pdf", 0, len(slide), slide)),
    ]
    answer = answer_from_hits("嵌入式SQL为什么要引入游标？", hits)
    assert answer.sentences[0].text == slide[slide.index("SQL语言") :]
    assert answer.sentences[0].citations == (2,)


def test_a_first_sentence_saying_this_is_it_is_quoted_with_the_one_before():
    """「这是Java跨平台的根本原因」 names the cause only with the sentence before it; the one
    before that is not needed."""
    text = (
        "Java虚拟机是一个想象中的机器，在实际的计算机上通过软件模拟来实现。"
        "只要实现了特定平台下的解释程序，Java字节码就能通过解释程序在该平台下运行。这是Java跨平台的根本原因。"
    )
    answer = answer_from_hits("为什么说Java能跨平台？根本原因是啥", _passage_hits(text))
    assert answer.sentences[0].text == text[text.index("只要") :]


@pytest.mark.parametrize(
    ("text", "question", "opening"),
    [
        # 「除非…」 read alone says the opposite of the rule it makes an exception to.
        (
            "微波炉不应该被用于加热水，这可能会致其暴沸。绝对不要使用微波炉加热鸡蛋！除非它是去壳的生鸡蛋，并且需要戳破蛋黄。",
            "去壳的生鸡蛋能放微波炉吗",
            "绝对不要使用微波炉加热鸡蛋！除非",
        ),
        # 「在此基础上…」: on what, the sentence before says.
        (
            "先搞清楚客户的需求。建议：你给出你的资源清单，包括渠道名称，价格，效果数据等。在此基础上，和对方通个电话，好好聊聊。",
            "通个电话前要准备价格和效果数据吗，怎么跟对方好好聊聊",
            "建议：你给出你的资源清单",
        ),
    ],
)
def test_a_first_sentence_going_on_from_the_one_before_is_quoted_with_it(text, question, opening):
    answer = answer_from_hits(question, _passage_hits(text))
    assert answer.sentences[0].text.startswith(opening), answer.sentences[0].text


def test_a_first_sentence_saying_what_the_code_above_does_is_quoted_with_that_code():
    """「上面的命令可以逐行读取文件」 answers how to read a file line by line only with the loop above it."""
    text = (
        '如果IFS设为空字符串，就等同于将整行读入一个变量。\n\n```\nwhile IFS= read -r line\ndo\n  echo "$line"\n'
        'done < "$input"\n```\n\n上面的命令可以逐行读取文件，每一行存入变量line，打印出来以后再读取下一行。'
    )
    answer = answer_from_hits("怎么逐行读取文件？", _passage_hits(text))
    assert answer.sentences[0].text.startswith("```\nwhile IFS= read -r line"), answer.sentences[0].text
    assert answer.sentences[0].text.endswith("打印出来以后再读取下一行。")


@pytest.mark.parametrize(
    ("before", "sentence", "question"),
    [
        # 「营销和销售这两个概念」 names its two in its own clause.
        ("营销是让产品好卖。", "营销和销售这两个概念常被混为一谈。", "营销和销售这两个概念常被混为一谈吗"),
        # 「这些古人类」: the people the sentence spoke of before it.
        ("索契是度假胜地。", "索契早在10万年前就有人类定居了，这些古人类迁自科尔基斯。", "最早在索契定居的人类来自哪"),
    ],
)
def test_a_sentence_naming_what_it_speaks_of_is_quoted_alone(before, sentence, question):
    answer = answer_from_hits(question, _passage_hits(before + sentence))
    assert answer.sentences[0].text == sentence


def test_a_lead_in_to_reasons_is_quoted_with_them_for_a_why_question():
    """「…的原因：」 alone says nothing and was never quoted; with its list it is the answer."""
    text = (
        "HashMap 的初始容量是 16。\n最后，简单总结一下 HashMap 的长度是 2 的幂次方的原因：\n"
        "1. 位运算效率更高：位运算（&）比取余运算（%）更高效。\n2. 扩容时只需检查哈希值高位的变化。"
    )
    answer = answer_from_hits("为什么 HashMap 的长度要是 2 的幂次方？", _passage_hits(text))
    assert answer.sentences[0].text.startswith("最后，简单总结一下")
    assert "位运算（&）比取余运算（%）更高效" in answer.sentences[0].text


def test_a_lead_in_is_quoted_from_the_passage_that_holds_its_list():
    """Overlapping passages: the one ranked first ends on 「…下面列举几点：」, the next holds it
    with its items. The list is quoted, from and cited to the passage that holds it."""
    text = (
        "写时复制可以让读操作不加锁。不过，写时复制机制并不是银弹，其依然存在一些缺点，下面列举几点：\n"
        "1. 内存占用：每次写操作都需要复制一份原始数据。\n2. 写操作开销：写操作的开销相对较大。"
    )
    cut = text.index("\n1.")
    later = text.index("不过")
    hits = [
        Hit(1, 0.9, Passage(1, "d", "T", "d.md", 0, cut, text[:cut])),
        Hit(2, 0.8, Passage(2, "d", "T", "d.md", later, len(text), text[later:])),
    ]
    answer = answer_from_hits("写时复制机制有什么缺点", hits)
    assert answer.sentences[0].text == text[later:]
    assert answer.sentences[0].citations == (2,)


def test_a_label_under_a_sibling_label_is_not_read_with_it():
    """「缺点：…」 under 「优点：…」 is about the term above both, not about the other label."""
    text = "内核级线程\n优点：并发能力强\n缺点：切换线程需要CPU状态转换，开销大"
    passage = _passage_hits(text)[0].passage
    pros, cons = text.index("优点"), text.index("缺点")
    assert subject_line_text("general", passage, pros, text[pros : text.index("\n", pros)])[1:] == (0, True)
    assert subject_line_text("general", passage, cons, text[cons:]) == (text[cons:], cons, False)


def test_a_count_is_answered_by_the_sentence_stating_it_with_its_table():
    text = (
        "可以设置内存最大使用量，当内存使用量超出时，会施行数据淘汰策略。\n"
        "Redis 具体有 6 种淘汰策略：\n"
        "volatile-lru | 从已设置过期时间的数据集中挑选最近最少使用的数据淘汰\n"
        "allkeys-lru | 从所有数据集中挑选最近最少使用的数据淘汰\n"
        "Redis 4.0 引入了 volatile-lfu 和 allkeys-lfu 内存淘汰策略。"
    )
    first = answer_from_hits("Redis 一共有几种内存淘汰策略？", _passage_hits(text)).sentences[0]
    assert first.text.startswith("Redis 具体有 6 种淘汰策略：")
    assert first.text.endswith("从所有数据集中挑选最近最少使用的数据淘汰")  # the table's rows are the list


def test_an_item_of_a_list_opened_in_the_passage_before_is_quoted_without_its_number():
    """The chunker cut 「营销人员的具体工作内容如下：1、…」 from its items 6 to 9: the item that
    answers is quoted on its own (not dropped as a stray 「7、…」), for a how-to question too."""
    text = (
        "6、做好市场客户的管理及升级管理工作，保持客户档案的完整。\n"
        "7、每月对市场状况进行一次分析总结，找出工作中存在的不足并提出改进方案。\n"
        "8、参加市场经营分析会及年、月、度的市场经营计划会。"
    )
    answer = answer_from_hits("做营销的每个月要怎么总结市场状况", _passage_hits(text))
    assert answer.sentences[0].text == "每月对市场状况进行一次分析总结，找出工作中存在的不足并提出改进方案。"


def test_an_amount_question_is_led_by_the_sentence_stating_an_amount():
    text = (
        "在 Redis 中，定期删除的频率是由 hz 参数控制的。"
        "hz 默认为 10，代表每秒执行 10 次，也就是每秒钟进行 10 次尝试来查找并删除过期的 key。"
    )
    answer = answer_from_hits("redis 定期删除过期 key 的频率是靠 hz 控制的吧，hz 默认值是多少？", _passage_hits(text))
    assert answer.sentences[0].text.startswith("hz 默认为 10")


def test_an_example_naming_the_term_is_no_definition_of_it():
    """「举个例子：…就可以被称为内存碎片」 names the term of one case: it does not lead as the definition."""
    example = "举个例子：那这多余出来的 8 字节内存空间如果后续没办法再被分配存储其他数据的话，就可以被称为内存碎片。"
    definition = "你可以将内存碎片简单地理解为那些不可用的空闲内存。"
    passage = _passage_hits(example + definition)[0].passage

    def evidence(text):
        start = passage.text.index(text)
        return Evidence(text, passage, 1, start, start + len(text), {"cue": 1.0})

    assert defines(evidence(definition), "内存碎片")
    assert not defines(evidence(example), "内存碎片")


def test_a_sentence_saying_how_two_things_differ_leads_a_comparison():
    text = (
        "虚拟机是一个完整的操作系统，需要占用大量的磁盘、内存和 CPU 资源。"
        "而容器只是一个进程，在运行时占用很少的资源。"
        "虚拟机也是一种虚拟化技术，它与容器最大的区别在于它是通过模拟硬件，并在硬件上安装操作系统来实现。"
    )
    answer = answer_from_hits("容器和虚拟机最本质的区别在哪里？", _passage_hits(text))
    assert "最大的区别在于它是通过模拟硬件" in answer.sentences[0].text  # names the difference and says it


def test_a_sentence_leaning_back_on_the_one_before_it_is_quoted_with_it():
    first, second = "虚拟机是一个完整的操作系统，需要占用大量的资源。", "而容器只是一个进程，占用很少的资源。"
    (hit,) = _passage_hits(first + second)
    leaning = Evidence(second, hit.passage, 1, len(first), len(first + second), score=5.0, citations=(1,))
    before = Evidence(first, hit.passage, 1, 0, len(first), score=4.0, citations=(1,))
    assert [e.text for e in _arrange([leaning, before])] == [first + second]  # one span, read in order


def test_a_label_over_each_of_its_quoted_items_is_read_once_and_each_item_on_its_own_line():
    label = "• 收到相邻路由器的一个 RIP 报文"
    first, second = f"{label}\n‒ 第一步，修改此报文中的所有项目", f"{label}\n‒ 第二步，对每个项目重复以下步骤"
    slides = _passage_hits(first, second)
    quotes = [Evidence(h.passage.text, h.passage, h.rank, 0, len(h.passage.text), citations=(h.rank,)) for h in slides]
    once = labelled_once(quotes)
    assert [e.text for e in once] == [first, "‒ 第二步，对每个项目重复以下步骤"]
    assert once[1].passage.text[once[1].start : once[1].end] == once[1].text  # still verbatim
    assert joined_text([(e.text, e.citations, False) for e in once]).split("\n") == [
        label,
        "‒ 第一步，修改此报文中的所有项目[1]。",
        "‒ 第二步，对每个项目重复以下步骤[2]。",
    ]
    # An item that cannot stand alone (it ends on a colon) keeps its label.
    (colon,) = _passage_hits(second + "：")
    dangling = Evidence(colon.passage.text, colon.passage, 2, 0, len(colon.passage.text), citations=(2,))
    assert labelled_once([quotes[0], dangling])[1].text == second + "："


def test_a_line_whose_words_a_longer_sentence_holds_is_no_copy_of_it():
    """「$ git stash」 (better ranked) holds only words of 「可以使用 git stash 将当前分支的修改储藏起来…」:
    merged as copies, the line was quoted in the sentence's place — and, being code, not at all."""
    line, sentence = _passage_hits("$ git stash", "可以使用 git stash 将当前分支的修改储藏起来，此时工作区是干净的。")
    long = Evidence(
        sentence.passage.text, sentence.passage, 2, 0, len(sentence.passage.text), score=4.3, citations=(2,)
    )
    short = Evidence(line.passage.text, line.passage, 1, 0, len(line.passage.text), score=3.5, citations=(1,))
    assert [e.text for e in _merge_duplicates([long, short], SHAPES["general"])] == [long.text]
    # Copies of one length are one text, quoted from the better-ranked passage with both citations.
    twin = dataclasses.replace(long, passage=line.passage, rank=1, citations=(1,))
    assert [e.citations for e in _merge_duplicates([long, twin], SHAPES["general"])] == [(2, 1)]


def test_a_speaker_s_note_is_quoted_without_the_label_ingest_gives_it():
    text = "栈和队列\n备注：栈是限定仅在表尾进行插入和删除操作的线性表。"
    answer = answer_from_hits("栈是什么", _passage_hits(text))
    assert answer.sentences[0].text == "栈是限定仅在表尾进行插入和删除操作的线性表。"
    assert "备注" not in answer.text


def test_a_how_many_question_answered_by_no_amount_is_not_found():
    text = "该公司注重员工培训，员工都很努力。公司的销售团队非常专业，客户满意度很高。"
    assert answer_from_hits("该公司有多少名员工", _passage_hits(text)).text == NOT_FOUND
    numbered = "具体工作内容：1、培训员工。2、管理客户。"  # list numbers are not amounts
    assert answer_from_hits("该公司有多少名员工", _passage_hits(numbered)).text == NOT_FOUND
    counted = "该公司注重员工培训。公司共有员工三百多名，分布在五个城市。"
    assert "三百多名" in answer_from_hits("该公司有多少名员工", _passage_hits(counted)).text
    # 「几个」 counts in 个: 「一个」 is then the count, not an article.
    one = "聚簇索引决定元组的物理顺序。在一个基本表上最多只能建立一个聚簇索引。"
    assert "最多只能建立一个聚簇索引" in answer_from_hits("一张基本表上可以建几个聚簇索引？", _passage_hits(one)).text
    assert answer_from_hits("一张基本表上可以建几种聚簇索引？", _passage_hits(one)).text == NOT_FOUND
    # A year the passages state about something else does not say when this happened.
    asked = "福特是哪一年在工厂里开始用装配线的？"
    elsewhere = "福特汽车公司以流水线生产闻名，福特开始用装配线。1905年当地建造了一座铝厂，后来在厂里增添了轧机。"
    assert answer_from_hits(asked, _passage_hits(elsewhere)).text == NOT_FOUND
    said = "福特汽车公司以流水线生产闻名。福特于1913年起在工厂里开始使用装配线。"  # 「福特于」: one jieba word
    assert "1913年" in answer_from_hits(asked, _passage_hits(said)).text


def test_quantities_are_told_from_articles_and_list_numbers():
    from kb.answering.question import states_a_quantity

    assert all(map(states_a_quantity, ["大约有70%的决定", "三次", "一百多个国家", "成立于1998年", "百分之二十"]))
    # the last one scraped without its line break
    numbered = ["1、根据部门要求", "具体内容：2、管理客户", "编制销售计划2、全面掌握市场"]
    assert not any(map(states_a_quantity, ["一个随机品牌", *numbered]))
    assert not any(map(states_a_quantity, ["B2B品牌营销是三者一体化的过程", "G1 收集器", "HTTP/1.1 协议"]))
    assert states_a_quantity("工程上常见如 150–300ms")
    assert states_a_quantity("工作2、3年后") and states_a_quantity("1998、1999年")


# A lecture on exceptions: the sentence on throw against throws shares more words with the
# question than the steps do.
EXCEPTIONS = (
    "throw和throws的区别在于，throw用来在方法内部抛出一个异常对象，throws用来在方法声明中列出可能抛出的异常类型。\n"
    "抛出一个异常分为三步：\n1、创建一个异常对象。\n2、用throw关键字抛出这个对象。\n3、在方法声明中用throws列出这个异常类型。\n"
    "自定义异常是继承Exception的类。"
)


def test_a_how_to_answer_quotes_the_steps_with_their_lead_in():
    answer = answer_from_hits("如何抛出一个异常", _passage_hits(EXCEPTIONS))
    steps = EXCEPTIONS[EXCEPTIONS.index("抛出一个异常分为三步") : EXCEPTIONS.index("\n自定义")]
    assert answer.sentences[0].text == steps
    # No item is quoted on its own, without the lead-in: 「2、用throw关键字…」.
    assert not any(re.match(r"\s*[23]、", s.text) for s in answer.sentences)


def test_steps_joined_by_shou_xian_ran_hou_lead_a_how_to_answer():
    text = (
        "throw和throws的区别在于，throw在方法内部抛出一个异常对象，throws在方法声明中列出异常类型。"
        "抛出一个异常时，首先创建异常对象，然后用throw语句抛出它，最后由调用者捕获。"
    )
    answer = answer_from_hits("如何抛出一个异常", _passage_hits(text))
    assert answer.sentences[0].text.startswith("抛出一个异常时，首先创建异常对象")


def test_the_code_that_does_it_is_quoted_verbatim_after_its_lead_in_without_a_full_stop():
    code = '    if (age < 0) {\n        throw new IllegalArgumentException("年龄不能为负");\n    }'
    lead = "异常是程序运行中的事件。在代码中抛出一个异常的写法如下："
    text = f"{lead}\n```java\n{code}\n```\n自定义异常是继承Exception的类。"
    answer = answer_from_hits("如何抛出一个异常", _passage_hits(text))
    first = answer.sentences[0]
    assert first.text.startswith("在代码中抛出一个异常的写法如下：") and first.text.endswith(code.split("\n")[-1])
    assert code in first.text and first.code
    assert f"{code}[1]" in answer.text and f"{code}[1]。" not in answer.text
    assert answer.hits[0].passage.text[first.start : first.end] == first.text


def test_cite_leaves_a_line_of_code_as_it_is():
    assert cite("throw new IOException();", [1], code=True) == "throw new IOException();[1]\n"
    assert cite("throw new IOException();", [1]) == "throw new IOException()[1];"


def test_a_slide_title_repeated_as_its_first_line_is_quoted_once():
    text = "拓扑排序的方法：\n拓扑排序的方法：\n1. 选一个没有前驱的顶点且输出之\n2. 从图中删除该顶点和所有以它为尾的弧"
    passage = _passage_hits(text)[0].passage
    # The list is found from the title's first line as from its repeat or an item.
    for line in ("拓扑排序的方法：", "1. 选一个没有前驱的顶点且输出之"):
        start = text.index(line)
        assert enumeration(passage, start, start + len(line)) == (text.index("拓扑排序的方法：\n1."), len(text))


def test_a_bare_lead_in_is_quoted_with_the_sentence_before_it_on_its_line():
    """「完整流程如下：」 says nothing of what the steps are for; the sentence before it on its line
    does (「…推荐使用非对称加密。」). A lead-in on a line of its own keeps its list alone."""
    text = (
        "概述\n对于密码传输这一场景，推荐使用非对称加密。完整流程如下：\n1. 服务端生成公私钥对\n2. 客户端用公钥加密密码"
    )
    passage = _passage_hits(text)[0].passage
    start = text.index("1. ")
    assert enumeration(passage, start, start + len("1. 服务端生成公私钥对")) == (text.index("对于"), len(text))
    apart = text.replace("。完整", "。\n完整")
    passage = _passage_hits(apart)[0].passage
    start = apart.index("1. ")
    assert enumeration(passage, start, start + len("1. 服务端生成公私钥对")) == (apart.index("完整"), len(apart))


def test_bullets_a_scraped_page_left_inside_a_line_are_quoted_as_one_list_with_their_lead_in():
    """Bullets glued into one line (「…：定期会议。·定义谁参与决策。·创造机会…」) are the items of a
    list announced by 以下 …：, its first item glued to the lead-in; the list states steps."""
    text = (
        "他们建议整合销售和营销。\n销售和营销团队应采取以下步骤来协调工作：定期会议，以讨论问题。"
        "·定义谁参与哪些决策。·创造机会整合团队。\n电子邮件营销是一个例子。"
    )
    passage = _passage_hits(text)[0].passage
    start = text.index("·创造")
    unit = enumeration(passage, start, start + len("·创造机会整合团队。"))
    assert unit == (text.index("销售和营销团队"), text.index("\n电子"))
    assert holds_steps(Evidence(span_text(passage, unit), passage, 1, *unit))
    alone = text.index("他们")  # a sentence before no bullet is no list
    assert enumeration(passage, alone, alone + len("他们建议整合销售和营销。")) == (alone, alone + 12)


def test_steps_under_a_numbered_lead_in_are_quoted_with_it_not_with_the_list_before():
    text = (
        "(2) 系统故障恢复：\n① 正向扫描日志文件，找出已提交和未完成的事务。\n② 对已提交的事务进行REDO处理。\n"
        "(3) 介质故障恢复：\n① 装入最新的数据库后备副本。\n② 装入转储结束时刻的日志文件副本。\n③ 重做已完成的事务。"
    )
    answer = answer_from_hits("介质故障以后怎样恢复数据库", _passage_hits(text))
    assert answer.sentences[0].text == text[text.index("介质故障恢复：") :]


def test_a_code_line_no_fence_marks_is_cited_after_its_semicolon():
    text = (
        "游标用完以后要关闭游标，关闭游标的语句是：\nEXEC SQL CLOSE SX;\n"
        "关闭游标以后，游标不再和查询结果对应，缓冲区也随之释放，下次使用要重新打开。"
    )
    answer = answer_from_hits("怎样关闭游标", _passage_hits(text))
    assert "EXEC SQL CLOSE SX;[1]" in answer.text
    assert "SX[1];" not in answer.text and "SX;[1]。" not in answer.text


def test_a_contrast_is_answered_where_every_sentence_holds_a_word_that_can_ask():
    """In a database course 关系 (relation) is in every sentence; a sentence about one side is
    still quoted, not a line of the table of contents, and the question is not refused."""
    text = (
        "水平分解为若干子关系，使每个事务存取的数据对应一个子关系。\n"
        "垂直分解把关系模式R的属性分解为若干子集合，形成若干子关系模式。\n"
        "7.4.1  水平分解 7.4.2  垂直分解"
    )
    answer = answer_from_hits("水平分解和垂直分解的区别是什么", _passage_hits(text))
    assert answer.found
    assert "水平分解为若干子关系" in answer.text and "7.4" not in answer.text


def test_a_far_weaker_sentence_does_not_answer_a_contrast_only_because_it_holds_no_comparison_word():
    text = (
        "水平分解为若干子关系，使每个事务存取的数据对应一个子关系。\n例如分解后的两张表是SX(Sno,Sname)和SY(Sno,Sdept)。"
    )
    plan = plan_from_words("水平分解和垂直分解的区别是什么", default_profile(), shown=1)
    evidence = score_sentences(plan.terms, _passage_hits(text), plan.shape, default_profile().analyzer)
    scored = [dataclasses.replace(e, score=5.0 if "子关系" in e.text else 0.0) for e in evidence]
    assert [c.text[:4] for c in answer_candidates(scored, plan)] == ["水平分解", "例如分解"]
    close = [dataclasses.replace(e, score=5.0 if "子关系" in e.text else 4.0) for e in evidence]
    assert [c.text[:4] for c in answer_candidates(close, plan)] == ["例如分解"]


def test_a_definition_question_leads_with_the_sentence_that_defines_the_subject():
    """Sentences that use 「两段锁协议」 share more of the question's words than the slide line
    defining it, whose subject is the line above (「两段锁协议 / 指所有事务…」): the definition
    leads."""

    uses = (
        "但是两段锁协议并不要求事务一次加锁，因此遵守两段锁协议的事务可能发生死锁。"
        "若并发事务都遵守两段锁协议，则调度是可串行化的。"
    )
    slide = (
        "两段锁协议\n指所有事务必须分两个阶段对数据项加锁和解锁\n在对任何数据进行读、写操作之前，事务首先要获得封锁。"
    )
    answer = answer_from_hits("什么是两段锁协议", [_ranked_hit(1, uses), _ranked_hit(2, slide)])
    # Quoted with the term it defines, verbatim from the slide.
    assert answer.sentences[0].text == "两段锁协议\n指所有事务必须分两个阶段对数据项加锁和解锁"


def test_of_two_definitions_the_one_introducing_the_term_with_its_english_name_leads():
    """A summary slide restates 「事务是数据库的逻辑工作单位」; the chapter introduces the term with
    its English name (「事务（Transaction）是…」): that is the definition a trainee asks for."""

    summary = "小结\n事务是数据库的逻辑工作单位。数据库管理系统保证事务的原子性。"
    introduced = "事务（Transaction）是用户定义的一个数据库操作序列，这些操作要么全做，要么全不做。"
    answer = answer_from_hits("事务是什么意思", [_ranked_hit(1, introduced), _ranked_hit(2, summary)])
    assert answer.sentences[0].text == introduced


def test_a_relation_question_leads_with_how_one_side_bears_on_the_other():
    """「营销和销售的联系」 is answered by 「两者是相互支撑的」, not by a sentence naming both or
    saying how they differ, however many of the question's words those repeat."""

    restating = "营销和销售的联系和区别都很重要。营销和销售的含义是有区别的。"
    relating = "营销和销售有很多不同之处，但两者是相互支撑的。"
    answer = answer_from_hits("营销和销售的联系", [_ranked_hit(1, restating), _ranked_hit(2, relating)])
    assert answer.sentences[0].text == relating


def test_a_quoted_slide_line_is_shown_without_the_slide_s_indentation():
    assert cite("两段锁协议\n     指所有事务必须分两个阶段加锁", [2]) == "两段锁协议\n指所有事务必须分两个阶段加锁[2]。"
    assert cite("if (x) {\n    y();\n}", [1], code=True) == "if (x) {\n    y();\n}[1]\n"  # code keeps it


def test_no_text_is_quoted_twice_when_two_spans_overlap():
    text = "因为旺季订单多，所以仓库要提前备货。提前备货又占用资金，所以要控制数量。"
    passage = Passage(0, "d", "T", "d.txt", 0, len(text), text)
    first_end = text.index("提前备货又") - 1
    first = Evidence(text[: first_end + 1], passage, 1, 0, first_end + 1, {"lexical": 1.0}, score=2.0)
    # A span reaching back into the first one (a list quoted whole around an item does so).
    reaching = Evidence(text[5:], passage, 1, 5, len(text), {"lexical": 1.0}, score=1.9)
    after = Evidence(text[first_end + 1 :], passage, 1, first_end + 1, len(text), {"lexical": 1.0}, score=1.8)
    chosen = select([first, reaching, after], SHAPES["reason"], 300)
    assert [c.start for c in chosen] == [0, first_end + 1]


def test_the_sentences_after_a_restated_belief_are_quoted_with_it_though_they_share_no_word():
    """The belief restates the question; what settles it comes after, and reads only after it."""
    text = (
        "营销和销售不是一回事吗？许多人认为营销和销售是一回事。如果您擅长一种，您可能擅长另一种。"
        "以我的经验，这离事实还远。"
    )
    passage = Passage(0, "d", "T", "d.txt", 0, len(text), text)
    spans = [(text.index(s), text.index(s) + len(s)) for s in ("许多人认为", "如果您", "以我的经验")]
    ends = [spans[1][0], spans[2][0], len(text)]

    def evidence(i: int, features: dict[str, float], score: float) -> Evidence:
        return Evidence(text[spans[i][0] : ends[i]], passage, 1, spans[i][0], ends[i], features, score=score)

    belief = evidence(0, {"lexical": 1.0, "bigrams": 0.5, "against": 1.0}, 6.0)
    after = evidence(1, {"lexical": 0.0, "bigrams": 0.1}, 1.3)
    settling = evidence(2, {"lexical": 0.0, "bigrams": 0.0}, 0.5)  # shares no word with the question
    chosen = select([belief, after, settling], SHAPES["yesno"], 300)
    assert chosen[0].text == text[spans[0][0] :]


@pytest.mark.parametrize(
    ("span", "steps"),
    [
        ("抛出异常的写法如下：\n```\nthrow new IllegalStateException();\n```", True),  # a lead-in and its code
        ("```\n% Input：\n%   img: 二维矩阵\n% Output：\n```", False),  # a comment block opens the span
        # Steps said in one run, 先 … 再 … 然后; not 优先 … 再 (a preference) or 原先.
        ("排查建议：先看 DNS，再用 ping 看 ICMP，然后用 nc 测端口，最后用 curl 看 HTTPS。", True),
        ("首先安装依赖，然后修改配置。", True),
        ("能在应用层解决的，优先在应用层解决，再看内核参数。", False),
        ("子类加载器可以先自己尝试加载这个类，或者在父类加载器返回之后，再尝试从其他地方加载。", False),  # 或者
    ],
)
def test_steps_are_a_lead_in_with_its_code_not_a_block_of_comments(span, steps):
    passage = Passage(0, "d", "T", "d.txt", 0, len(span), span)
    quoted = span.removeprefix("```\n").removesuffix("\n```") if span.startswith("```") else span
    start = span.index(quoted)
    assert holds_steps(Evidence(quoted, passage, 1, start, start + len(quoted))) is steps


def test_a_how_to_answer_never_quotes_a_listing_s_imports_as_its_steps():
    text = (
        "使用反射操作这个类的方法\n```\npackage cn.javaguide;\n\nimport java.lang.reflect.Field;\n"
        "import java.lang.reflect.Method;\n```\n通过 getDeclaredMethod 获取方法对象，再用 invoke 调用这个方法。"
    )
    answer = answer_from_hits("怎么用反射操作类的方法", _passage_hits(text))
    assert answer.found
    assert not any(
        line.strip().startswith(("import ", "package ")) for s in answer.sentences for line in s.text.split("\n")
    )


def test_a_share_may_be_a_decimal_stated_on_the_line_by_what_it_is_of():
    """「续约比例掉到多少…」: 「阈值 T = E × 0.85」 states the share (a decimal, not list item 「0.」)
    on the line next to the one naming what the question asks about — lines running on without a
    full stop are one statement — where two sentences ending in 「。」 are not."""
    question = "续约比例掉到多少会进入自我保护？"
    plan = plan_from_words(question, default_profile(), shown=1)

    def chosen(text: str) -> list[str]:
        evidence = score_sentences(plan.terms, _passage_hits(text), plan.shape, default_profile().analyzer)
        vouched = [dataclasses.replace(e, score=5.0, cosine=0.9) for e in evidence]  # as vectors would
        return [c.text for c in choose(plan, answer_candidates(vouched, plan))]

    block = "自我保护机制：\n\n```\n阈值 T = E × 0.85\n若最近 1 分钟实际续约数 R < T，则进入自我保护\n```\n"
    assert "阈值 T = E × 0.85" in chosen(block)
    prose = "实例很多。阈值 T 一般取 0.85。\n若最近 1 分钟实际续约数 R 低于阈值，则进入自我保护。"
    assert chosen(prose) == []


def test_a_procedure_sharing_no_word_with_a_how_to_question_does_not_lead_it():
    """Vectors vouch for 「口信消息模型有 3 个前提：1. … 2. …」 under 「Redis Cluster 怎么判定节点下线」:
    steps of another procedure; the sentence about Redis Cluster leads."""
    plan = plan_from_words("Redis Cluster 是怎么判定某个节点下线的？", default_profile(), shown=2)
    other = "口信消息模型有 3 个前提：\n1. 发出的消息会被正确送达。\n2. 接收者知道消息是谁发来的。"
    about = "Redis Cluster 的各个节点之间使用 Gossip 交换节点状态，发现超时的节点会被标记为疑似下线。"
    evidence = score_sentences(plan.terms, _passage_hits(other, about), plan.shape, default_profile().analyzer)
    vouched = [dataclasses.replace(e, score=5.0 if e.passage.text == other else 4.0, cosine=0.9) for e in evidence]
    assert choose(plan, answer_candidates(vouched, plan))[0].text == about


def test_an_amount_the_budget_left_out_is_quoted_rather_than_refused():
    """The best sentences on election timeouts state no amount and fill the answer's budget; the
    sentence stating 「150–300ms」 ranks just below them: it is quoted, not 「not in the index」."""
    plan = plan_from_words("Raft 的选举超时时间一般配成多少毫秒？", default_profile(), shown=3)
    best = "每个节点的选举超时时间都是随机的，这样各个服务器能够分散开来，只有少数服务器会率先超时。"
    more = "选举超时时间到了以后，节点会转为候选人并发起新的选举，" * 3 + "直到选出新的领导者为止，集群才又恢复可用。"
    amount = "选举超时在工程上常见如 150–300ms。"
    evidence = score_sentences(plan.terms, _passage_hits(best, more, amount), plan.shape, default_profile().analyzer)
    scores = {best: 5.0, more: 4.5}
    ranked = [dataclasses.replace(e, score=scores.get(e.text, 4.0), cosine=0.9) for e in evidence]
    assert amount in [c.text for c in choose(plan, answer_candidates(ranked, plan))]


def test_a_sentence_saying_what_the_term_before_it_means_is_quoted_with_that_sentence():
    """「中间人攻击英文名叫…，简称「MITM 攻击」。指攻击者与通讯的两端…」: the sentence opening with 指
    defines the term the sentence before it names; the two are quoted as the definition."""
    text = (
        "好我们继续聊聊中间人攻击。\n中间人攻击英文名叫 Man-in-the-Middle Attack，简称「MITM 攻击」。"
        "指攻击者与通讯的两端分别创建独立的联系，并交换其所收到的数据。\n中间人攻击很危险。"
    )
    answer = answer_from_hits("中间人攻击（MITM）到底指的是啥情况？", _passage_hits(text))
    assert answer.sentences[0].text.startswith("中间人攻击英文名叫")
    assert "指攻击者与通讯的两端分别创建独立的联系" in answer.sentences[0].text
    # Only a definition question reads it with the sentence before.
    passage = _passage_hits(text)[0].passage
    start = text.index("指攻击者")
    assert subject_line_text("general", passage, start, text[start : text.index("\n", start)])[1] == start


def test_a_purpose_question_is_led_by_what_its_subject_serves():
    text = (
        "TLS 握手一开始的 ClientHello 里，通常会带 SNI 扩展，TLS 握手时老被提到。"
        "SNI 的作用是告诉服务器我要访问哪个域名，这样同一个 IP 才能挂多个站点。"
    )
    answer = answer_from_hits("TLS 握手里老提到的 SNI 是干嘛用的？", _passage_hits(text))
    assert answer.sentences[0].text.startswith("SNI 的作用是告诉服务器")


def test_a_how_to_heading_need_only_name_the_clause_that_asks_how():
    """「管道怎么使用？就是线程之间互相通信用的那个」: the second clause says which pipes are meant;
    the slide's 「• 使用管道」 names what the first asks, and its dashed steps are quoted."""
    slide = (
        "9.5 管道流及其应用\n• 管道原理\n– 利用管道可以实现线程间通信，一个线程发送，另一个线程接收\n"
        "• 使用管道\n– 在输入（出）流的构造方法中指定输出（入）流\n– 调用connect()方法"
    )
    text = answer_from_hits("管道怎么使用？就是线程之间互相通信用的那个", _passage_hits(slide)).text
    assert "在输入（出）流的构造方法中指定输出（入）流" in text and "调用connect()方法" in text


def test_a_word_the_question_describes_with_does_not_make_a_sentence_restate_the_question():
    """「字符串比较用 == 和 equals() 有什么区别」: 比较 says what is compared; a sentence holding it
    (「==比较两个栈中…」) states a difference, not the question (it was dropped for one that
    only shares 字符串)."""
    text = "字符串相等，返回0。==比较两个栈中变量的值是否相同。equals()方法比较两个堆中的对象的内容是否相同。"
    answer = answer_from_hits("字符串比较用 == 和 equals() 有什么区别", _passage_hits(text)).text
    assert "==比较两个栈中变量的值是否相同" in answer and "equals()方法比较两个堆中的对象的内容是否相同" in answer


def test_lines_under_a_title_naming_a_comparison_are_no_procedure():
    """「• 接口与抽象类的区别」 holds 抽象类, but its lines set two things apart: no answer to how to
    declare an abstract class is led by them."""
    slide = (
        "• 接口与抽象类的区别\n– 抽象类和接口中主要关心的都是抽象。但也有一些区别：\n"
        "  – 一个类只能继承一个类，但可以实现多个接口\n  – 抽象类表示一种继承关系，接口只说明功能"
    )
    rules = "• 规定\n– 抽象类中的抽象方法只是声明，不包含方法体\n– 构造方法不能声明为抽象方法"
    answer = answer_from_hits("抽象类和抽象方法要怎么声明？给个写法", _passage_hits(rules, slide))
    assert "接口与抽象类的区别" not in answer.sentences[0].text


def _cut_in_two(doc: str, cut: int, doc_id: str) -> tuple[Passage, Evidence]:
    """A document cut into two passages at `cut` (a code block split between them): the first
    passage, and the second quoted whole."""
    second = Passage(2, doc_id, doc_id, f"{doc_id}.md", cut, len(doc), doc[cut:])
    first = Passage(1, doc_id, doc_id, f"{doc_id}.md", 0, cut, doc[:cut])
    return first, Evidence(doc[cut:], second, 2, cut, len(doc), citations=(2,))


def test_the_budget_never_leaves_a_code_block_open():
    """A block cut between two passages is quoted in two spans; when the budget drops the
    second, the first ends before the block it opens, its sentence kept."""
    doc = "先停掉服务：\n```\nsystemctl stop app\nrm -rf /var/lib/app/cache\nsystemctl start app\n```"
    cut = doc.index("rm -rf")
    first, rest = _cut_in_two(doc, cut, "ops")
    lead = Evidence(doc[: cut - 1], first, 1, 0, cut - 1, citations=(1,))
    kept = within([lead, rest], 40)
    assert [e.text for e in kept] == ["先停掉服务："]
    assert doc[kept[0].start : kept[0].end] == kept[0].text  # still a verbatim span
    assert within([lead, rest], 300) == [lead, rest]  # nothing dropped, nothing trimmed


def test_a_line_of_a_code_block_says_nothing_a_definition_can_quote():
    """A shell session's 「$ cat << _EOF_」 reads as no statement of code, but it stands inside a
    code block and says nothing in words: it cannot answer what something is; how-to may quote it."""
    text = "Here 文档的例子如下。\n```\n$ cat << _EOF_\n```\n"
    passage = Passage(1, "bash", "bash", "bash.md", 0, len(text), text)
    start = text.index("$ cat")
    line = Evidence("$ cat << _EOF_", passage, 1, start, start + len("$ cat << _EOF_"), citations=(1,))
    assert presentable(line, SHAPES["definition"]) is None
    assert presentable(line, SHAPES["method"]) is not None


def test_the_budget_keeps_the_rest_of_a_block_it_would_cut_where_it_fits():
    doc = (
        "先停掉服务：\n```\nsystemctl stop app\nsystemctl start app\n```\n"
        "然后检查日志，确认服务已经恢复正常运行，再通知大家可以继续使用了。"
    )
    cut = doc.index("systemctl start")
    first, rest = _cut_in_two(doc, cut, "ops")
    lead = Evidence(doc[: cut - 1], first, 1, 0, cut - 1, citations=(1,))
    kept = within([lead, rest], 60)
    assert [e.text for e in kept] == [doc[: cut - 1], "systemctl start app\n```"]
    assert all(doc[e.start : e.end] == e.text for e in kept)


def test_a_how_to_answer_led_by_a_sentence_quotes_the_code_block_under_it():
    text = (
        "为了保证脚本退出时临时文件被删除，可以使用trap命令指定退出时的清除操作。\n\n```\n"
        "trap 'rm -f \"$TMPFILE\"' EXIT\nTMPFILE=$(mktemp) || exit 1\n```\n\n这样脚本结束时临时文件总会被删掉。"
    )
    answer = answer_from_hits("脚本退出时怎么自动删除临时文件？", _passage_hits(text))
    first = answer.sentences[0].text
    assert first.startswith("为了保证脚本退出时临时文件被删除") and first.endswith("exit 1\n```"), first
    reason = answer_from_hits("为什么脚本退出时要删除临时文件？", _passage_hits(text))
    assert "```" not in reason.sentences[0].text  # not answering how: the sentence alone


def test_an_answer_quoting_code_says_so_in_its_json_for_the_page():
    text = "在代码中抛出一个异常的写法如下：\n```\nthrow new IOException();\n```\n自定义异常是继承Exception的类。"
    answer = answer_from_hits("如何抛出一个异常", _passage_hits(text))
    quoted = [s.to_dict() for s in answer.sentences]
    assert quoted[0]["code"] is True and "throw new IOException();" in quoted[0]["text"]
    assert not any(s["code"] for s in quoted[1:])  # prose is shown as words


def test_a_lead_in_cut_from_its_block_is_not_left_dangling_after_other_quotes():
    doc = (
        "备份先要停服务。恢复时要停掉 MySQL，并确保目标 datadir 为空：\n```\n"
        "systemctl stop mysqld\nmv /var/lib/mysql /tmp/old\n```"
    )
    cut = doc.index("mv /var")
    first, rest = _cut_in_two(doc, cut, "db")
    said = Evidence(doc[:8], first, 1, 0, 8, citations=(1,))
    lead = Evidence(doc[8 : cut - 1], first, 1, 8, cut - 1, citations=(1,))
    assert [e.text for e in within([said, lead, rest], 80)] == ["备份先要停服务。"]


def test_a_how_to_answer_quotes_the_chain_of_steps_under_its_lead():
    """A cooking guide (HowToCook) writes the steps as one line of dashes under the sentence
    saying what to do: answering how, the sentence is quoted with them, and the chain that
    does it with a steamer (which the asker has not) does not lead."""
    text = (
        "蒸锅为多层结构，最底部用于盛水，利用水开后产生的水蒸气的热量，加热上层食物。\n\n"
        "蒸锅最底层加入适量水——将食物放于上层蒸屉中——蒸锅放于火上加热\n\n"
        "如果没有蒸锅，只有普通的铁锅（非平底锅），可以在锅底放置一个三脚架，并注入足够的水，以此达到类似于蒸锅的效果。\n\n"
        "铁锅底部加入足量水———放入三脚架———将食物置于三脚架上———开火关盖"
    )
    answer = answer_from_hits("没有蒸锅，只有一口普通的铁锅，怎么蒸馒头？", _passage_hits(text))
    first = answer.sentences[0].text
    assert first.startswith("如果没有蒸锅") and first.endswith("开火关盖"), first


def test_an_aside_between_dashes_and_a_table_rule_are_no_steps():
    from kb.answering.units import holds_steps

    def span(text):
        return Evidence(text, Passage(1, "d", "d", "d.md", 0, len(text), text), 1, 0, len(text))

    assert holds_steps(span("加入足量水———放入三脚架———开火关盖"))
    assert not holds_steps(span("Redis——一个内存数据库——支持持久化。"))
    assert not holds_steps(span("| --- | --- | --- |"))


def test_a_why_question_is_led_by_the_sentence_giving_the_cause():
    """The case's facts repeat more of the question's words; the sentence saying why (「主要是因为…」)
    answers it."""
    text = "MySQL 的 InnoDB 存储引擎不用哈希表来做索引结构。主要是因为哈希表不支持顺序和范围查询，不适合做索引结构。"
    answer = answer_from_hits("为什么 InnoDB 不用哈希表来做索引结构？", _passage_hits(text))
    assert answer.sentences[0].text.startswith("主要是因为"), answer.sentences[0].text


def test_a_lead_in_is_quoted_with_the_labelled_lines_under_it():
    """「…变得非常高效：」 over 「复用：…」 and 「轻量分发：…；不过…」: the lead-in alone says nothing (its
    colon dangles), and each labelled line, whole, is an item of what it announces."""
    text = (
        "这种分层存储结构使得镜像的复用、分发变得非常高效：\n\n复用：多个镜像可以共享同一个基础镜像。\n"
        "轻量分发：只传输新增差异层；不过镜像是否足够小，仍取决于新增内容。\n\n笔者认为，分层是最巧妙的设计。"
    )
    passage = _passage_hits(text)[0].passage
    lead = "这种分层存储结构使得镜像的复用、分发变得非常高效："
    assert enumeration(passage, 0, len(lead)) == (0, text.index("\n\n笔者"))
    plain = "这种结构很高效：\n\n多个镜像可以共享同一个基础镜像，只传输新增差异层。"  # no labels: no list
    passage = _passage_hits(plain)[0].passage
    assert enumeration(passage, 0, len("这种结构很高效：")) == (0, len("这种结构很高效："))


def test_a_section_number_is_no_list_item():
    """「7.2.6 保留文件元数据」 heads a section: read as item 「7.」 it was quoted as a list with the
    lines under it."""
    from kb.answering.units import LIST_ITEM

    assert LIST_ITEM.match("7.2.6 保留文件元数据") is None and LIST_ITEM.match("1.5 倍的扩容") is None
    assert LIST_ITEM.match("1. 创建临时容器") and LIST_ITEM.match("2、挂载数据卷") and LIST_ITEM.match("3.使用 tar")


def test_a_sentence_naming_the_steps_leads_in_the_numbered_list_under_it():
    """「…之后就是平时练习的步骤了。」 ends in 「。」 yet announces the list under it: quoted alone it
    names steps it never gives. A sentence naming a way with no list under it stays alone."""
    text = (
        "道理都已经清楚了，之后就是平时练习的步骤了。\n\n1. 搞清楚每一句话的确切含义。\n"
        "2. 理解句子之间的关系。\n\n下一节。"
    )
    passage = _passage_hits(text)[0].passage
    lead = "道理都已经清楚了，之后就是平时练习的步骤了。"
    assert enumeration(passage, 0, len(lead)) == (0, text.index("\n\n下一节"))
    alone = "这是一种很好的方法。\n\n读书要专心。"
    passage = _passage_hits(alone)[0].passage
    assert enumeration(passage, 0, len("这是一种很好的方法。")) == (0, len("这是一种很好的方法。"))


def test_a_lead_in_over_a_block_is_quoted_with_it_where_its_passage_opens_on_the_fence_before():
    """A passage cut from a Markdown file may open on the fence closing the block before it:
    that fence opens none, so the lead-in 「…可以使用 `condition` 字段：」 is quoted with the block
    under it, not with a lone fence."""
    text = (
        "```\n\n注意：上述写法不会等待数据库完全启动。\n\n如果需要等待依赖服务就绪，可以使用 `condition` 字段：\n\n"
        "```\nservices:\n  web:\n    depends_on:\n      db:\n        condition: service_healthy\n```"
    )
    passage = _passage_hits(text)[0].passage
    start = text.index("如果")
    assert enumeration(passage, start, text.index("：\n") + 1) == (start, text.index("service_healthy") + 15)


def test_a_slide_s_steps_in_order_each_on_its_bulleted_line_are_one_unit_with_their_lead_in():
    """「创建对象时：」 over 「– 先调用父类构造方法；」 「– 然后初始化成员变量；」 「– 最后执行本类构造方法…」:
    quoted one by one, the order asked for is lost."""
    text = (
        "创建对象时：\n  – 先调用父类构造方法（即使不指定super也调用）；\n  – 然后初始化成员变量；\n"
        "  – 最后执行本类构造方法中其余部分\n– Cartoon.java"
    )
    passage = _passage_hits(text)[0].passage
    then = text.index("– 然后")
    unit = enumeration(passage, then, text.index("；", then) + 1)
    assert unit == (0, text.index("\n– Cartoon"))
