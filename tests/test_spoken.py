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
        ("应该先去一线跑跑销售吗", "应该先去一线做销售吗"),
        ("客户不理我咋办", "客户不理我怎么办"),
        ("干市场的工资高吗", "做市场的工资高吗"),  # 的 before a noun: the work's salary, no person
        ("干IT的跟搞运营的有啥不一样", "做IT的人跟做运营的人有什么不一样"),  # Latin words kept as typed
        ("营销和销售最本质的区别在哪里", "营销和销售最本质的区别是什么"),
        ("老师，封装到底是啥意思", "封装是什么意思"),  # whom it is put to names nothing asked about
        ("请问各位大佬：为啥要做市场", "为什么要做市场"),
    ],
)
def test_spoken_grammar_is_read_in_its_written_form(kb, spoken, written):
    assert kb.answerer.reader.written(spoken) == written


@pytest.mark.parametrize(
    "question",
    [
        "搞清楚干净的干部跑步要多久",  # 搞清楚, 干净, 干部, 跑步 are words of their own
        "跑得快的销售",  # 得: a complement, no work named
        "邓兆棠本身是做什么的？",  # 什么 asks: no person named by a work
        "男子100米跑赛事什么时候举行？",  # the event a number measures
        "做市场的人靠什么",  # already written
        "营销和销售有什么区别",
        "老师的职责是什么",  # the teacher asked about
    ],
)
def test_written_wording_and_other_senses_are_left_as_typed(kb, question):
    assert kb.answerer.reader.written(question) == question


def test_a_verb_of_doing_becomes_做_only_before_a_work_the_index_holds():
    def segment(text):
        return ["跑", "过去"] if text == "跑过去" else ["搞", "区块链"]

    assert written_question("跑过去", segment, known=lambda word: True) == "跑过去"  # a complement
    assert written_question("搞区块链", segment, known=lambda word: False) == "搞区块链"  # no such work here
    assert written_question("搞区块链", segment, known=lambda word: True) == "做区块链"


def test_a_spoken_comparison_is_answered_as_a_comparison_and_says_how_it_was_read(kb):
    plan = kb.answerer.plan("搞市场的和跑销售的到底差在哪")
    assert plan.kind == "contrast"  # 「差在哪」 is not a place question
    assert plan.text == "做市场的人和做销售的人有什么区别"
    answer = kb.ask("搞市场的和跑销售的到底差在哪")
    assert answer.understood_as == "做市场的人和做销售的人有什么区别"
