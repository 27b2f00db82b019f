"""The question plan: read once, handed to every stage; the Answerer's stages run by hand (as the
tuning scripts run them) give exactly the answer `ask` gives; results are frozen."""

import dataclasses

import pytest

from kb import KnowledgeBase
from kb.answering.answerer import CONTRAST_EVIDENCE
from kb.answering.plan import asking_words_in
from kb.answering.sides import contrast_sides
from kb.profile import default_profile
from tests.conftest import BigramEmbedder


@pytest.fixture(scope="module")
def kb(stub_index):
    with KnowledgeBase.open(stub_index[0], embedder=BigramEmbedder()) as opened:
        yield opened


def test_a_follow_up_with_a_typo_is_planned_once_with_everything_the_stages_read(kb):
    plan = kb.answerer.plan("那它们的区别呢？", k=3, previous=["营消和销售有什么不同？"])
    assert plan.reading.previous == ("营消和销售有什么不同？",)
    assert plan.reading.asked == "那它们的区别呢？"
    assert plan.text == "营销和销售的区别" and plan.reading.corrected == "营销和销售的区别"
    assert plan.kind == "contrast" and plan.sides == ("营销", "销售")
    assert plan.shape.cue is not None and plan.shape.cue.search("营销是一个系统，而销售只是营销的一部分")
    assert plan.shown == 3 and plan.depth == CONTRAST_EVIDENCE  # a contrast table reads more passages
    assert "营销" in plan.terms.words and plan.terms.words["营销"] > 0  # weighed by the index's IDF
    assert "区别" in plan.asking_words and "区别" not in plan.terms.words
    assert set(plan.coverage_weights) >= {"营销", "销售"}
    # The vector the dense ranker ranks with: the retriever's own, not a second encoding.
    assert plan.vector is kb.retriever.query_vector(plan.text)


@pytest.mark.parametrize(
    ("question", "asking", "searched"),
    [
        ("营销和销售的关系是什么？", {"关系"}, "营销"),  # 关系 asks, at the end of the clause
        ("关系模型最早是谁提出来的？", set(), "关系"),  # 关系 is the subject of a database course
        ("关系模式和关系数据库有什么不同", {"不同"}, "关系"),  # 关系 inside the sides describes
        ("比较复杂的查询怎么写？", set(), "比较"),
    ],
)
def test_a_word_that_can_ask_is_searched_for_where_it_describes(kb, question, asking, searched):
    plan = kb.answerer.plan(question, k=3, mode="bm25")
    assert plan.asking_words == asking
    assert searched in plan.terms.words


def test_a_word_before_the_sides_says_what_is_compared():
    """「字符串比较用 == 和 equals() 有什么区别」: 比较 stands before the first side; only 区别 asks."""
    question = "字符串比较用 == 和 equals() 有什么区别"
    sides = contrast_sides(question, default_profile().contrast)
    assert sides == ["==", "equals()"]
    assert asking_words_in(question, default_profile().contrast, sides) == {"区别"}


def test_a_bm25_plan_encodes_nothing_and_bad_arguments_are_refused_before_planning(kb):
    assert kb.answerer.plan("什么是销售漏斗", mode="bm25").vector is None
    with pytest.raises(Exception, match="unknown mode"):
        kb.answerer.plan("什么是销售漏斗", mode="fuzzy")
    with pytest.raises(Exception, match="max_chars"):
        kb.answerer.plan("什么是销售漏斗", max_chars=5)


@pytest.mark.parametrize(
    ("question", "previous"),
    [
        ("营销和销售的区别", []),
        ("什么是销售漏斗", []),
        ("那它们的联系呢", ["营销和销售有什么区别"]),
        ("红烧肉怎么做", []),
        ("What is the difference between marketing and sales?", []),
        ("为什么HubSpot销售有话语权", []),
        ("营销和私域运营的区别", []),
    ],
)
def test_the_stages_run_one_by_one_give_the_answer_ask_gives(kb, question, previous):
    answerer = kb.answerer
    plan = answerer.plan(question, previous=previous)
    hits = answerer.retrieve(plan)
    answerable = answerer.answerable(plan, hits)
    staged = answerer.compose(plan, hits, answerer.evidence(plan, hits), answerable)
    assert staged == kb.ask(question, previous=previous)


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("为什么HubSpot销售有话语权", ("HubSpot",)),  # a name the corpus never mentions
        ("为什么KA销售有话语权", ()),  # a name it does
        ("为什么hubspot销售有话语权", ("hubspot",)),  # lower case, and no English word: an identifier
        ("为什么leads销售有话语权", ()),  # an English word (lead) is read, not a name
        ("emm 为什么销售有话语权", ()),  # a chat's filler names nothing
        ("B2B营销在E-R图和HubSpot里怎么做", ("HubSpot",)),  # single letters (E-R) are no names
        ("Why does HubSpot matter to sales", ("HubSpot",)),  # in English, a capital alone marks nothing:
        ("What Makes Sales Hard", ()),  # words of English with capitals are no names
    ],
)
def test_names_the_index_never_mentions_are_found(kb, question, unknown):
    plan = kb.answerer.plan(question, mode="bm25")
    assert kb.answerer.unknown_names(plan, kb.answerer.retrieve(plan)) == unknown


def test_a_question_about_a_name_the_index_never_mentions_is_not_answered(kb):
    # The same question about a name the corpus holds (KA) is answered from the same passages.
    assert kb.ask("为什么KA销售有话语权").found
    refused = kb.ask("为什么HubSpot销售有话语权")
    assert not refused.found and not refused.sentences
    assert kb.ask("HubSpot系统有什么用").found is False and kb.ask("CRM系统有什么用").found


def test_a_comparison_with_a_side_the_passages_never_mention_is_not_answered(kb):
    assert kb.ask("营销和推销的区别").found
    refused = kb.ask("营销和私域运营的区别")  # the corpus speaks of 运营, never of 私域运营
    assert not refused.found and refused.contrast is None


def test_an_answer_and_its_contrast_table_are_frozen(kb):
    answer = kb.ask("营销和销售的区别")
    assert answer.contrast is not None and answer.contrast.rows
    row = answer.contrast.rows[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.cells = []  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        answer.contrast.rows = []  # type: ignore[misc]
    evidence = kb.answerer.evidence(kb.answerer.plan("营销和销售的区别"), answer.hits)
    with pytest.raises(dataclasses.FrozenInstanceError):
        evidence[0].citations = ()  # type: ignore[misc]
