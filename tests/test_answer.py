"""Extractive answers: verbatim, cited, merged (fast stand-in embedder)."""

import re

import pytest

from kb import KnowledgeBase
from kb.answer import NOT_FOUND, cite, compose_answer
from kb.types import Hit, Passage
from tests.conftest import CORPUS

QUESTIONS = ["营销和销售的区别", "什么是销售漏斗", "市场部和销售部如何配合", "市場營銷與銷售的區別", "营销的目的是什么"]


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    from tests.conftest import BigramEmbedder

    return KnowledgeBase.build([CORPUS], tmp_path_factory.mktemp("answer") / "index", embedder=BigramEmbedder())


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


def test_answer_respects_the_length_limit(kb):
    answer = kb.ask("营销和销售的区别", max_chars=120)
    assert sum(len(s.text) for s in answer.sentences) <= 120 or len(answer.sentences) == 1


def test_answer_skips_questions_and_headings(kb):
    answer = kb.ask("营销和销售的区别")
    assert not any(s.text.endswith(("？", "?")) for s in answer.sentences)


def test_identical_sentences_from_two_articles_are_merged_with_both_citations():
    text = "营销是一个系统，而销售只是营销的一部分。"
    hits = [
        Hit(1, 0.9, Passage(0, "a", "A", "a.txt", 10, 10 + len(text), text)),
        Hit(2, 0.8, Passage(1, "b", "B", "b.txt", 0, len("市场" + text), "市场" + text)),
    ]
    answer = compose_answer("营销和销售有什么区别", hits)
    assert len(answer.sentences) == 1
    assert answer.sentences[0].citations == (1, 2)
    assert answer.text == "营销是一个系统，而销售只是营销的一部分[1][2]。"


def test_no_matching_sentence_means_not_found():
    hits = [Hit(1, 0.5, Passage(0, "a", "A", "a.txt", 0, 12, "市场部负责品牌推广工作。"))]
    answer = compose_answer("红烧肉怎么做", hits)
    assert not answer.found and answer.text == NOT_FOUND and answer.sentences == []


def test_cite_places_marks_before_closing_punctuation():
    assert cite("销售是把产品卖好。", [2, 1]) == "销售是把产品卖好[1][2]。"
    assert cite("他说：“营销是拉。”", [3]) == "他说：“营销是拉[3]。”"
    assert cite("没有句号", [1]) == "没有句号[1]。"


def test_json_contract_fields(kb):
    data = kb.ask("营销和销售的区别").to_dict()
    assert set(data) >= {"question", "answer", "passages"}
    for rank, passage in enumerate(data["passages"], start=1):
        assert set(passage) == {"rank", "score", "doc_id", "title", "source", "start", "end", "text"}
        assert passage["rank"] == rank
