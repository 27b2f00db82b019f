"""Spoken question wording read in the written form documents use (kb/answering/spoken.py):
question words, emphasis, the verbs of doing a line of work and the person named by it."""

import pytest

from kb import KnowledgeBase
from kb.answering.spoken import written_question
from tests.conftest import BigramEmbedder


@pytest.fixture(scope="module")
def kb(stub_index):
    return KnowledgeBase.open(stub_index[0], embedder=BigramEmbedder())


@pytest.mark.parametrize(
    ("spoken", "written"),
    [
        ("搞市场的和跑业务的到底差在哪", "做市场的人和做业务的人有什么区别"),  # doers, emphasis, 差在哪
        ("跑销售的具体都干些啥", "做销售的人具体都做些什么"),
        ("市场部烧钱搞活动图个啥", "市场部烧钱做活动的目的是什么"),
        ("为啥要做市场", "为什么要做市场"),
        ("客户不理我咋办", "客户不理我怎么办"),
        ("干市场的工资高吗", "做市场的工资高吗"),  # 的 before a noun: the work's salary, no person
        ("干IT的跟搞运营的有啥不一样", "做IT的人跟做运营的人有什么不一样"),  # Latin words kept as typed
    ],
)
def test_spoken_grammar_is_read_in_its_written_form(kb, spoken, written):
    assert written_question(spoken, kb.answerer.reader.tag_words) == written


@pytest.mark.parametrize(
    "question",
    [
        "搞清楚干净的干部跑步要多久",  # 搞清楚, 干净, 干部, 跑步 are words of their own
        "做市场的人靠什么",  # already written
        "营销和销售有什么区别",
    ],
)
def test_written_wording_and_other_senses_are_left_as_typed(kb, question):
    assert written_question(question, kb.answerer.reader.tag_words) == question


def test_the_tagger_is_loaded_only_for_a_verb_of_doing():
    def no_tagger(text):
        raise AssertionError(f"tagged {text!r}")

    assert written_question("分销是啥意思", no_tagger) == "分销是什么意思"


def test_a_spoken_comparison_is_answered_as_a_comparison_and_says_how_it_was_read(kb):
    plan = kb.answerer.plan("搞市场的和跑销售的到底差在哪")
    assert plan.kind == "contrast"  # 「差在哪」 is not a place question
    assert plan.text == "做市场的人和做销售的人有什么区别"
    answer = kb.ask("搞市场的和跑销售的到底差在哪")
    assert answer.understood_as == "做市场的人和做销售的人有什么区别"
