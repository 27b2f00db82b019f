"""The trainee's path with the real bundled model: ingest the corpus, ask, check citations."""

import json
import re

import pytest
from click.testing import CliRunner

from kb import KnowledgeBase
from kb.interfaces.cli import main
from kb.language.text import fold
from kb.stores.local import StoredIndex
from tests.helpers import SEED_QUESTIONS, seed_questions
from tests.test_clean import DEBRIS

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def answer_json(real_index):
    result = CliRunner().invoke(main, ["ask", "营销和销售的区别", "--json", "--index", str(real_index)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_answer_has_citations_and_passages_from_several_articles(answer_json):
    passages = answer_json["passages"]
    assert len(passages) >= 3
    assert len({p["doc_id"] for p in passages}) >= 2
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", answer_json["answer"])}
    assert cited and cited <= {p["rank"] for p in passages}


def test_every_passage_is_verbatim_cleaned_text_free_of_debris(answer_json, real_index):
    docs = {d.doc_id: d.text for d in StoredIndex(real_index).documents()}
    for p in answer_json["passages"]:
        assert docs[p["doc_id"]][p["start"] : p["end"]] == p["text"]
        assert p["source"].startswith("corpus/")
        assert not [name for name, pattern in DEBRIS.items() if pattern.search(p["text"])]


def test_no_stored_passage_contains_debris(real_index):
    for p in StoredIndex(real_index).passages():
        assert not [name for name, pattern in DEBRIS.items() if pattern.search(p.text)], p.text


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_traditional_question_retrieves_the_same_top_passages(real_index, mode):
    kb = KnowledgeBase.open(real_index)
    simplified = [h.passage.id for h in kb.search("市场营销与销售的区别", k=5, mode=mode)]
    traditional = [h.passage.id for h in kb.search("市場營銷與銷售的區別", k=5, mode=mode)]
    assert simplified == traditional


def test_dense_ranker_finds_what_bm25_misses(real_index):
    """「市場部如何支持銷售部」: the passage says 市場部是為銷售部提供服務的 — no 支持."""
    kb = KnowledgeBase.open(real_index)

    def found(mode):
        return any(
            "市场部是为销售部提供服务的" in fold(h.passage.text)
            for h in kb.search("市場部如何支持銷售部", k=5, mode=mode)
        )

    assert found("dense") and found("hybrid")


def test_reingest_reuses_every_vector(real_index, tmp_path):
    import shutil

    from kb.ingest.pipeline import ingest
    from tests.conftest import CORPUS

    copy = tmp_path / "index"
    shutil.copytree(real_index, copy)
    report = ingest([CORPUS], copy)
    assert report.embedded == 0 and report.reused == report.passages


def _out_of_domain():
    from tests.conftest import ROOT

    return [line.strip() for line in (ROOT / "tests/data/out_of_domain.txt").open(encoding="utf-8") if line.strip()]


def test_every_seed_question_gets_a_grounded_cited_answer(real_index):
    from kb.answering.answer import check_grounding

    kb = KnowledgeBase.open(real_index)
    unanswered = []
    for question in seed_questions():
        answer = kb.ask(question)
        check_grounding(answer)  # raises if any sentence or cell is not verbatim where it claims
        if not answer.found:
            unanswered.append(question)
    # A paraphrase written to share no word with the articles is answered on its vectors alone,
    # only when they reach the cosine measured on the corpus: 「吸引顾客主动上门是哪一方的工作」
    # (whose answer never quoted its gold) falls just below it. At most one such of the 50.
    assert len(unanswered) <= 1, unanswered


def test_every_seed_question_finds_its_gold_passage_in_the_top_5(real_index):
    from kb.study.evaluate import evaluate, load_queries

    kb = KnowledgeBase.open(real_index)
    result = evaluate(
        lambda q, k, mode: kb.search(q, k=k, mode=mode),
        load_queries(SEED_QUESTIONS),
        "hybrid",
    )
    assert result.metrics["R@5"] == 100.0


@pytest.mark.parametrize("question", _out_of_domain())
def test_out_of_domain_questions_are_told_the_knowledge_base_has_no_answer(real_index, question):
    from kb.answering.answer import NOT_FOUND

    answer = KnowledgeBase.open(real_index).ask(question)
    assert not answer.found and answer.text == NOT_FOUND and answer.sentences == []


def test_contrast_table_for_the_main_question(answer_json, real_index):
    table = answer_json["contrast"]
    assert table["sides"] == ["营销", "销售"] and len(table["rows"]) >= 5
    docs = {d.doc_id: d.text for d in StoredIndex(real_index).documents()}
    ranks = {p["rank"] for p in answer_json["passages"]}
    for row in table["rows"]:
        assert len(row["cells"]) == 2
        for cell in row["cells"]:
            assert cell["citations"] and set(cell["citations"]) <= ranks
            assert docs[cell["doc_id"]][cell["start"] : cell["end"]] == cell["text"]
    assert len({cell["doc_id"] for row in table["rows"] for cell in row["cells"]}) >= 3


def test_explain_shows_terms_and_both_rankers(real_index):
    result = CliRunner().invoke(main, ["ask", "销售漏斗", "--explain", "--index", str(real_index)])
    assert result.exit_code == 0
    assert "matched terms: 销售" in result.output and "bm25: score" in result.output and "dense: score" in result.output


def test_on_topic_questions_the_corpus_cannot_answer_are_mostly_refused(real_index):
    """Twenty questions about marketing and sales whose answers the seed articles do not hold
    (salaries, dates, rankings …): kb says so for most of them."""
    from tests.conftest import ROOT

    kb = KnowledgeBase.open(real_index)
    questions = [q for q in (ROOT / "tests/data/unanswerable_on_topic.txt").read_text("utf-8").splitlines() if q]
    answered = [q for q in questions if kb.ask(q).found]
    assert len(answered) <= len(questions) // 4, answered
    assert "销售人员的平均工资是多少" not in answered and "中国市场营销协会成立于哪一年" not in answered


def test_a_how_to_answer_never_leads_with_a_section_title_run_into_its_sentence(real_index):
    """「二、市场营销和销售区别的角度市场营销和销售虽然…」 (a numbered section title scraping ran
    into its first sentence) was quoted alone as the steps of 「how can … work together」; the
    steps the article lists are quoted instead."""
    from kb.answering.sentence_quality import junk_reason

    answer = KnowledgeBase.open(real_index).ask("How can the sales team and the marketing team work together better?")
    assert answer.found and not [s.text for s in answer.sentences if junk_reason(s.text)]
    assert "协调工作" in answer.sentences[0].text
