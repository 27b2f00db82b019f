"""Sentence evidence: which sentence of the retrieved passages answers the question."""

import dataclasses

import numpy as np

from kb.answering.evidence import EvidenceWeights, QuestionTerms, score_sentences
from kb.answering.question import answer_shape
from kb.answering.subject_lines import subject_line_text
from kb.profile import default_profile
from kb.types import Hit, KnownSentence, Passage

ANALYZER = default_profile().analyzer


def _hits(*texts, start=0):
    return [
        Hit(i, 0.9 - 0.01 * i, Passage(i, f"d{i}", "T", f"d{i}.txt", start, start + len(t), t))
        for i, t in enumerate(texts, start=1)
    ]


def test_the_sentence_holding_the_question_s_wording_ranks_first():
    hits = _hits("淡水河是台湾的一条河流。台湾的河流中，淡水河曾经具有航运的功能。河流两岸有很多城市。")
    question = "台湾哪一条河流曾经具有航运的功能？"
    ranked = score_sentences(QuestionTerms.of(question, ANALYZER, frozenset()), hits, answer_shape(question), ANALYZER)
    assert ranked[0].text == "台湾的河流中，淡水河曾经具有航运的功能。"
    assert ranked[0].features["aligned"] > ranked[1].features["aligned"]


def test_a_demonstrative_and_how_many_steps_are_no_terms_of_the_question():
    """「按钮点击这种事件处理要怎么写，有哪几步」: 这种 points at what the question names and 几步 asks;
    neither is a word an answering heading or step holds (they weighed most, being rare)."""
    words = QuestionTerms.of("按钮点击这种事件处理要怎么写，有哪几步", ANALYZER, frozenset()).words
    assert "事件" in words and "按钮" in words
    assert not {"这种", "步", "几步"} & set(words)


def test_offsets_locate_each_sentence_in_the_cleaned_document():
    hits = _hits("第一句话在这里说明。第二句话在这里补充说明。", start=500)
    question = "第二句话说明什么"
    for evidence in score_sentences(
        QuestionTerms.of(question, ANALYZER, frozenset()), hits, answer_shape(question), ANALYZER
    ):
        p = evidence.passage
        assert p.text[evidence.start - p.start : evidence.end - p.start] == evidence.text


def test_definition_questions_prefer_the_sentence_that_defines_the_subject():
    hits = _hits("分销渠道的设计很重要，分销也常被讨论。分销是指产品从企业到达用户的流转过程。")
    terms = QuestionTerms.of("什么是分销", ANALYZER, frozenset())
    ranked = score_sentences(terms, hits, answer_shape("什么是分销"), ANALYZER)
    assert ranked[0].text.startswith("分销是指")
    assert ranked[0].features["cue"] == 1.0


def test_asked_which_to_choose_the_sentence_that_recommends_one_ranks_first():
    hits = _hits("Jedis 是一个老牌客户端，Lettuce 基于 Netty 实现。新项目推荐使用 Lettuce 客户端。")
    question = "Jedis 和 Lettuce 该选哪个"
    ranked = score_sentences(QuestionTerms.of(question, ANALYZER, frozenset()), hits, answer_shape(question), ANALYZER)
    assert ranked[0].text.startswith("新项目推荐") and ranked[0].features["cue"] > 0


def test_a_slide_line_opening_with_the_definition_s_verb_defines_the_line_above():
    hits = _hits("两段锁协议\n     指所有事务必须分两个阶段对数据项加锁和解锁", "两段锁协议\n指针变量必须先初始化")
    question = "什么是两段锁协议"
    ranked = score_sentences(QuestionTerms.of(question, ANALYZER, frozenset()), hits, answer_shape(question), ANALYZER)
    cues = {e.text.strip(): e.features["cue"] for e in ranked}
    assert cues["两段锁协议\n     指所有事务必须分两个阶段对数据项加锁和解锁"] == 1.0  # quoted with its term
    assert cues["指针变量必须先初始化"] == 0.0  # 指针 opens a noun, not a definition: quoted alone


def test_a_definition_stated_under_its_label_or_with_its_meaning_defines_the_subject():
    """Textbooks label a definition and state it in their own words (「定义（严格占优策略）」 over
    「如果…，则…」); others say what a term means (「外部性意味着…」). Both are the definition,
    ahead of sentences that only use the term."""
    hits = _hits(
        "接着剔除所有弱占优和严格占优策略。\n定义（严格占优策略）\n"
        "如果无论对方选择什么策略，策略甲的效用都严格大于策略乙的效用，则策略甲严格占优于策略乙。"
    )
    question = "严格占优策略是什么意思"
    ranked = score_sentences(QuestionTerms.of(question, ANALYZER, frozenset()), hits, answer_shape(question), ANALYZER)
    assert ranked[0].text.startswith("定义（严格占优策略）\n如果无论对方") and ranked[0].features["cue"] == 1.0
    assert answer_shape("外部性是什么意思").cue.search("外部性意味着我的努力不仅对我还对你有益")


def test_a_slide_term_over_its_sub_item_defines_the_term():
    """Slides define by layout: the term bulleted alone, what it is as the item under it, with
    no verb (「• 多穴主机」 / 「‒ 多个网络连接的计算机，…」). That item is the definition, quoted
    with its term, ahead of sentences about the term's use."""
    hits = _hits(
        "多穴主机（Multi-Homed Hosts）\n• 多穴主机可以提高可靠性，因为一个网络失效时主机仍可到达互联网。\n"
        "• 多穴主机\n‒ 多个网络连接的计算机，它为每个连接分配一个IP地址\n‒ 作用：用于提高可靠性"
    )
    question = "什么叫多穴主机"
    ranked = score_sentences(QuestionTerms.of(question, ANALYZER, frozenset()), hits, answer_shape(question), ANALYZER)
    assert ranked[0].features["cue"] == 1.0 and "多个网络连接的计算机" in ranked[0].text, ranked[0].text
    assert ranked[0].text.startswith("• 多穴主机\n")
    assert all(ev.features.get("cue", 0.0) == 0.0 for ev in ranked if "作用" in ev.text)  # an item, not a term
    # A long English gloss does not make the term's line too long to be one.
    glossed = _hits("• 虚拟专用网（Virtual Private Networks）\n‒ 在公用网络上建立专用网络，进行加密通讯。")
    question = "虚拟专用网是指什么？"
    ranked = score_sentences(
        QuestionTerms.of(question, ANALYZER, frozenset()), glossed, answer_shape(question), ANALYZER
    )
    assert (
        ranked[0].text.startswith("• 虚拟专用网（Virtual Private Networks）\n‒ 在公用网络")
        and ranked[0].features["cue"]
    )


def test_a_one_character_term_is_defined_by_a_line_labelled_under_it_not_by_sentences_using_it():
    """Data structures are named in one character (栈, 树). A slide titles 「3.1 栈（stack）」 and
    labels the line under it 「定义：…」: that is the definition, quoted from the term; 「栈和队列
    是…」 says what both are and 「栈都应该是空的」 what a stack is at one moment."""
    hits = _hits(
        "栈和队列是两种特殊的线性表\n3.1 栈（stack）\n定义：限定在表尾进行插入/删除操作的线性表。\n"
        "另外，在算法的开始和结束时，栈都应该是空的。"
    )
    question = "什么是栈？"
    ranked = score_sentences(QuestionTerms.of(question, ANALYZER, frozenset()), hits, answer_shape(question), ANALYZER)
    assert ranked[0].text == "栈（stack）\n定义：限定在表尾进行插入/删除操作的线性表。"
    assert ranked[0].features["cue"] == 1.0
    assert all(ev.features.get("cue", 0.0) == 0.0 for ev in ranked[1:]), [(e.text, e.features) for e in ranked]
    # The term in the passage's heading, not its text: the definition is quoted from its own start.
    text = "定义：限定在表尾进行插入/删除操作的线性表。"
    headed = Passage(1, "d1", "T", "d1.txt", 0, len(text), text, "3.1 栈（stack）")
    assert subject_line_text("definition", headed, 0, text) == ("3.1 栈（stack）是" + text, 0, False)
    tree = answer_shape("什么是树？").cue
    assert tree.search("树是n个结点的有限集") and not tree.search("每棵子树是二叉树")  # 树 opens its word


def test_a_dashed_line_opening_with_the_definition_s_verb_defines_the_term_above_it():
    """A slide's second level reads 「– …」: 「多态（polymorphism）」 over 「– 即一个名字具有多种语义」
    defines 多态 as the undashed line did."""
    hits = _hits("多态（polymorphism）\n– 即一个名字具有多种语义\n– 重载的方法是编译时多态")
    question = "多态怎么理解？"
    ranked = score_sentences(QuestionTerms.of(question, ANALYZER, frozenset()), hits, answer_shape(question), ANALYZER)
    assert ranked[0].text == "多态（polymorphism）\n– 即一个名字具有多种语义" and ranked[0].features["cue"]


def test_a_sentence_naming_the_term_holds_the_acronym_the_question_glosses_it_with():
    """「虚拟专用网（VPN）是指什么？」: the slide that defines 虚拟专用网 never writes VPN; a sentence
    that only uses both words must not lead on that account."""
    hits = _hits(
        "• 虚拟专用网（Virtual Private Networks）\n‒ 在公用网络上建立专用网络，进行加密通讯。",
        "‒ 隧道方式常用来实现虚拟专用网 VPN。",
    )
    question = "虚拟专用网（VPN）是指什么？"
    terms = QuestionTerms.of(question, ANALYZER, frozenset())
    ranked = score_sentences(terms, hits, answer_shape(question), ANALYZER)
    assert ranked[0].text.startswith("• 虚拟专用网（Virtual Private Networks）\n‒ 在公用网络")
    assert ranked[0].features["lexical"] == ranked[1].features["lexical"]  # both hold 虚拟专用网, VPN


def test_sentence_vectors_add_the_dense_signal_and_missing_ones_count_as_least_similar():
    hits = _hits("甲乙丙丁戊己庚辛。子丑寅卯辰巳午未。", "天干地支排列整齐。", start=10)
    question = np.array([1.0, 0.0], dtype=np.float32)
    stored = {
        (10, 19): KnownSentence(np.array([0.6, 0.8], dtype=np.float32), frozenset({"甲乙"})),
        (19, 28): KnownSentence(np.array([1.0, 0.0], dtype=np.float32), frozenset({"子丑"})),
    }
    weights = EvidenceWeights(**{f.name: 0.0 for f in dataclasses.fields(EvidenceWeights)} | {"dense": 10.0})
    ranked = score_sentences(
        QuestionTerms.of("天干", ANALYZER, frozenset()),
        hits,
        answer_shape("天干"),
        ANALYZER,
        weights=weights,
        question_vector=question,
        stored_sentences=lambda p: stored if p.doc_id == "d1" else {},
    )
    assert [ev.text for ev in ranked] == ["子丑寅卯辰巳午未。", "甲乙丙丁戊己庚辛。", "天干地支排列整齐。"]
    assert ranked[0].features["dense"] == 0.0 and ranked[0].cosine == 1.0
    assert ranked[2].cosine is None and ranked[2].features["dense"] == ranked[1].features["dense"]


def test_words_that_ask_are_not_expected_in_the_answer():
    ignore = frozenset({"区别"})
    terms = QuestionTerms.of("营销的区别", ANALYZER, ignore)
    assert "营销" in terms.words and not any(set(term) & set("区别") for term in [*terms.words, *terms.bigrams])
    hits = _hits("营销的区别很大，这一点人人都在讨论。营销关注市场的长期需求。")
    ranked = score_sentences(terms, hits, answer_shape("营销的区别"), ANALYZER)
    without_the_asking_word = next(ev for ev in ranked if "区别" not in ev.text)
    assert without_the_asking_word.features["lexical"] == 1.0  # it holds every word the question expects


def test_a_headless_definition_is_told_apart_by_the_words_of_its_subject_line():
    """「指所有事务…」 holds 两段锁协议 only through the line above it: its distinctiveness and the
    pairs it shares with the question are read with that line, and 「但是两段…」 gets no credit for
    the pair 是两 that 「什么是两段锁协议」 forms only with its question word."""
    hits = _hits(
        "但是两段锁协议并不要求事务一次加锁。事务遵守两段锁协议是可串行化调度的充分条件。",
        "两段锁协议\n指所有事务必须分两个阶段对数据项加锁和解锁",
    )
    question = "什么是两段锁协议"
    terms = QuestionTerms.of(question, ANALYZER, frozenset())
    assert "是两" not in terms.bigrams and "两段" in terms.bigrams
    assert "司是" in QuestionTerms.of("母公司是什么", ANALYZER, frozenset()).bigrams  # the answer repeats 母公司是
    ranked = score_sentences(terms, hits, answer_shape(question), ANALYZER)
    by_text = {e.text.strip(): e.features for e in ranked}
    defining = by_text["两段锁协议\n指所有事务必须分两个阶段对数据项加锁和解锁"]
    assert defining["distinctive"] == max(f["distinctive"] for f in by_text.values())
    assert by_text["但是两段锁协议并不要求事务一次加锁。"]["bigrams"] == defining["bigrams"]


def test_a_passage_whose_title_holds_the_whole_question_is_about_it():
    """Nothing of 「什么是聚簇」 lies beyond a passage headed 聚簇: its sentences are not marked
    down against a passage under another heading that happens to mention it."""
    about = Hit(1, 0.9, Passage(1, "d1", "聚簇", "d1.txt", 0, 20, "把具有相同值的元组集中存放称为聚簇。", "聚簇"))
    [evidence] = score_sentences(
        QuestionTerms.of("什么是聚簇", ANALYZER, frozenset()), [about], answer_shape("什么是聚簇"), ANALYZER
    )
    assert evidence.features["beyond_topic"] == 1.0


def test_the_sentence_right_after_the_text_asks_the_question_answers_it():
    """「如何让不同的部门目标一致？」 in the text, then its answer, which shares none of the
    question's words: it leads over a sentence that only repeats them."""
    hits = _hits(
        "不同部门各有各的考核办法。如何让不同的部门目标一致？从大的方面来说，是看公司的使命是否清晰。",
    )
    question = "怎么让不同部门的目标一致"
    terms = QuestionTerms.of(question, ANALYZER, frozenset())
    ranked = score_sentences(terms, hits, answer_shape(question), ANALYZER)
    assert ranked[0].text == "从大的方面来说，是看公司的使命是否清晰。"
    assert ranked[0].features["asked_here"] >= 0.6
    assert all(e.features["asked_here"] == 0.0 for e in ranked[1:])


def test_what_the_text_asks_vouches_for_the_answer_after_it_however_unlike_the_question_it_reads():
    """A homework sheet asks the trainee's question, then answers 「应包括：」 and its items: the
    lead-in's vector is nothing like the question's, but the question asked right before it
    vouches for it; without that it would lose to a sentence that only repeats the words."""
    asked = "完整性控制机制应具有哪三方面的功能？\n应包括：\n提供定义完整性约束条件的机制\n"
    asked += "提供完整性检查的方法\n违约处理"
    other = "数据库管理系统提供了定义和检验完整性的机制。"
    hits = _hits(asked, other)
    lead_in = asked.index("应包括：")
    question = np.array([1.0, 0.0], dtype=np.float32)
    stored = {
        "d1": {(lead_in, lead_in + 4): KnownSentence(np.array([0.0, 1.0], dtype=np.float32), frozenset())},
        "d2": {(0, len(other)): KnownSentence(np.array([1.0, 0.0], dtype=np.float32), frozenset({"完整性", "机制"}))},
    }
    wording = "完整性控制机制应该具备哪三方面的功能？"
    ranked = score_sentences(
        QuestionTerms.of(wording, ANALYZER, frozenset()),
        hits,
        answer_shape(wording),
        ANALYZER,
        question_vector=question,
        stored_sentences=lambda p: stored[p.doc_id],
    )
    assert ranked[0].text == "应包括：" and ranked[0].features["asked_here"] >= 0.6
    assert ranked[0].features["dense"] == 0.0 and ranked[0].cosine == 0.0


def test_a_question_the_text_asks_counts_only_when_it_asks_the_same():
    """「营销和销售有什么区别？」 holds every word of 「什么是营销」 but asks something else."""
    hits = _hits("营销和销售有什么区别？说白了，营销就是把用户拉到产品上。")
    question = "什么是营销"
    ranked = score_sentences(QuestionTerms.of(question, ANALYZER, frozenset()), hits, answer_shape(question), ANALYZER)
    assert [e.features["asked_here"] for e in ranked] == [0.0]


def test_a_long_latin_name_counts_as_one_word_when_telling_what_the_text_asks():
    """「CopyOnWriteArrayList 有什么厉害之处？」 shares twenty letters with 「CopyOnWriteArrayList
    有什么缺点」 but asks something else."""
    hits = _hits("CopyOnWriteArrayList 有什么厉害之处？对于大部分业务场景来说，读取操作往往远大于写入操作。")
    question = "CopyOnWriteArrayList有什么缺点"
    ranked = score_sentences(QuestionTerms.of(question, ANALYZER, frozenset()), hits, answer_shape(question), ANALYZER)
    assert [e.features["asked_here"] for e in ranked] == [0.0]
    asked = _hits("CopyOnWriteArrayList 有什么缺点？写操作需要复制一份原始数据，占用额外的内存。")
    ranked = score_sentences(QuestionTerms.of(question, ANALYZER, frozenset()), asked, answer_shape(question), ANALYZER)
    assert ranked[0].features["asked_here"] >= 0.6


def test_a_comparison_s_title_over_an_item_defines_nothing():
    """「域名与IP地址的区别」 over 「• 域名只是个逻辑概念…」 titles a comparison: the item is not
    read as its definition, so it is not quoted from the title line."""
    hits = _hits(
        "域名与IP地址的区别\n• 域名只是个逻辑概念，并不代表计算机所在物理地点\n"
        "• 域名\n‒ 因特网上的主机或路由器所具有的唯一的层次结构的名字"
    )
    question = "什么是域名"
    ranked = score_sentences(QuestionTerms.of(question, ANALYZER, frozenset()), hits, answer_shape(question), ANALYZER)
    assert not any(ev.text.startswith("域名与IP地址的区别") for ev in ranked), [ev.text for ev in ranked]


def test_an_item_is_read_with_its_label_unless_the_label_names_two_things():
    """「• 静态路由选择策略」 is what the dashed item under it speaks of; 「• 字符串的equals()方法和==」
    titles a comparison, and the item under it speaks of one side (read with the title, every item
    named both sides, and its 「两个」 read as a trait they share)."""
    for label, item, read_with_it in (
        ("• 静态路由选择策略", "– 简单和开销较小，但不能及时适应网络状态的变化", True),
        ("• 字符串的equals()方法和==", "– ==比较两个栈中变量的值是否相同", False),
    ):
        text = f"{label}\n{item}"
        passage = _hits(text)[0].passage
        start = text.index(item)
        read = subject_line_text("contrast", passage, start, item)
        assert read == ((f"{label}\n{item}", 0, True) if read_with_it else (item, start, False))


def test_a_timeline_s_event_is_read_with_its_date():
    """「Java 是哪一年正式发布的」 is answered by 「1995年5月」 / 「以"Java"的名称正式发布」: the event
    names no year; read with the date above it, it states one."""
    text = '1994年\n发布HotJava浏览器\n1995年5月\n以"Java"的名称正式发布'
    passage = _hits(text)[0].passage
    start = text.index("以")
    assert subject_line_text("quantity", passage, start, text[start:]) == (
        '1995年5月\n以"Java"的名称正式发布',
        text.index("1995"),
        True,
    )
