"""kb eval: metrics checked by hand, run files, query formats, the command end to end."""

import json
import math

import pytest
from click.testing import CliRunner

from kb.interfaces.cli import main
from kb.study.evaluate import (
    AnswerJudgement,
    EvalQuery,
    ModeResult,
    answer_metrics,
    comparable,
    document_ranking,
    judge_answer,
    load_queries,
    metrics,
    relevance,
    write_trec_run,
)
from kb.types import Answer, CitedSpan, Hit, Passage


def test_metrics_match_hand_computed_values():
    judgements = [
        [False, True, False],  # first relevant at rank 2
        [True],  # rank 1
        [False] * 20,  # none
        [False] * 6 + [True],  # rank 7
    ]
    m = metrics(judgements, [1, 1, 1, 1])
    assert m["R@1"] == pytest.approx(25.0)
    assert m["R@5"] == pytest.approx(50.0)
    assert m["R@20"] == pytest.approx(75.0)
    assert m["MRR@10"] == pytest.approx((1 / 2 + 1 + 0 + 1 / 7) / 4)
    assert m["nDCG@10"] == pytest.approx((1 / math.log2(3) + 1 + 0 + 1 / math.log2(8)) / 4)


def test_ndcg_ideal_accounts_for_several_positives():
    m = metrics([[True, False, True]], [2])
    ideal = 1 + 1 / math.log2(3)
    assert m["nDCG@10"] == pytest.approx((1 + 1 / math.log2(4)) / ideal)


def _hit(rank, doc, text="x"):
    return Hit(rank, 1.0 - rank / 100, Passage(rank, doc, doc, doc, 0, len(text), text))


def test_documents_rank_by_their_best_passage():
    hits = [_hit(1, "a"), _hit(2, "b"), _hit(3, "a"), _hit(4, "c")]
    assert [d for d, _ in document_ranking(hits)] == ["a", "b", "c"]
    assert relevance(EvalQuery("q", "?", frozenset({"c"})), hits) == [False, False, True]


def test_gold_strings_match_across_scripts():
    hits = [_hit(1, "a", "市場營銷是一個系統。"), _hit(2, "b", "别的内容")]
    assert relevance(EvalQuery("q", "?", gold=("市场营销是一个系统",)), hits) == [True, False]


def _answer(sentences, passages):
    hits = [_hit(i, f"d{i}", text) for i, text in enumerate(passages, start=1)]
    spans = [CitedSpan(text, (1,), "d1", 0, len(text)) for text in sentences]
    return Answer("?", "".join(sentences), spans, hits, found=bool(sentences))


def test_gold_and_quoted_text_compare_folded_without_punctuation():
    assert comparable("「營銷，是一個系統。」") == "营销是一个系统"


def test_gold_copied_with_debris_ingest_cleans_is_found_in_the_answer_quoting_the_cleaned_text():
    """A gold span copied from the raw file keeps a pinyin gloss (「企業(yè)」) that ingest cleans
    from the document, so no answer can quote it as written."""
    query = EvalQuery("q", "?", gold=("如果一個企業(yè)沒有市場部,銷售就會非常盲目",))
    cleaned = "如果一個企業沒有市場部，銷售就會非常盲目。"
    assert judge_answer(query, _answer([cleaned], [cleaned])).best_sentence_contains


def test_answer_judgement_reads_the_best_sentence_and_the_ceiling():
    query = EvalQuery("q", "?", answers=("淡水河",))
    judged = judge_answer(
        query, _answer(["台湾的河流很多。", "淡水河曾有航运功能。"], ["台湾的河流很多。淡水河曾有航运功能。"])
    )
    assert judged.retrievable and judged.answer_contains and not judged.best_sentence_contains
    assert judged.chars == len("台湾的河流很多。淡水河曾有航运功能。")
    missing = judge_answer(query, _answer([], ["别的内容。"]))
    assert not missing.retrievable and not missing.answer_contains and not missing.found


def test_answer_metrics_condition_on_retrievable_questions():
    judgements = [
        AnswerJudgement(True, True, True, 100, True),
        AnswerJudgement(True, True, False, 200, True),
        AnswerJudgement(True, False, False, 60, True),
        AnswerJudgement(False, False, False, 0, False),
    ]
    m = answer_metrics(judgements)
    assert m["passages_contain"] == pytest.approx(75.0)
    assert m["answer_contains"] == pytest.approx(50.0)
    assert m["answer_contains_when_retrievable"] == pytest.approx(200 / 3)
    assert m["best_sentence_contains_when_retrievable"] == pytest.approx(100 / 3)
    assert m["answer_chars"] == pytest.approx(90.0)
    assert m["not_found"] == pytest.approx(25.0)


def test_query_files_carry_benchmark_answers(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(
        '{"id": "1", "query": "哪条河？", "positive_ids": ["d"], "answers": ["淡水河", ""]}\n'
        '{"query": "营销", "gold": "营销是系统"}\n',
        "utf-8",
    )
    first, second = load_queries(path)
    assert first.gold_text == ("淡水河",) and first.positive_ids == {"d"}
    assert second.gold_text == ("营销是系统",)


def test_trec_run_lines(tmp_path):
    result = ModeResult("hybrid", 1, {}, {}, rankings={"q1": [("d3", 0.9), ("d1", 0.5)]})
    write_trec_run(tmp_path / "run.tsv", [result])
    assert (tmp_path / "run.tsv").read_text().splitlines() == [
        "q1 Q0 d3 1 0.900000 kb-hybrid",
        "q1 Q0 d1 2 0.500000 kb-hybrid",
    ]


def test_query_files_must_say_what_is_relevant(tmp_path):
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"query": "营销"}\n', "utf-8")
    from kb.errors import KbError

    with pytest.raises(KbError, match="q.jsonl:1"):
        load_queries(bad)


@pytest.mark.model
def test_eval_command_builds_reuses_and_writes_a_run(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    docs = {
        "d1": ("营销", "营销是让产品好卖的系统工作。"),
        "d2": ("销售", "销售是把产品卖好的一线工作。"),
        "d3": ("渠道", "渠道冲突需要市场部协调。"),
    }
    corpus.write_text(
        "".join(json.dumps({"id": k, "title": t, "text": x}, ensure_ascii=False) + "\n" for k, (t, x) in docs.items()),
        "utf-8",
    )
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        json.dumps(
            {"id": "q1", "query": "渠道冲突谁来协调", "positive_ids": ["d3"], "answers": ["市场部"]}, ensure_ascii=False
        )
        + "\n"
        + json.dumps(
            {"id": "q2", "query": "把产品卖好", "positive_ids": ["d2"], "answers": ["一线工作"]}, ensure_ascii=False
        )
        + "\n",
        "utf-8",
    )
    args = [
        "eval",
        "--corpus",
        str(corpus),
        "--queries",
        str(queries),
        "--index",
        str(tmp_path / "idx"),
        "--run",
        str(tmp_path / "run.tsv"),
        "--json",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("[") :])
    assert [r["mode"] for r in data] == ["bm25", "dense", "hybrid"]
    assert data[0]["R@1"] == 100.0
    hybrid = data[2]
    assert hybrid["passages_contain"] == 100.0 and hybrid["answer_contains"] == 100.0 and hybrid["not_found"] == 0.0
    assert 0 < hybrid["answer_chars"] <= 30
    table = CliRunner().invoke(main, args[:-3] + ["--mode", "hybrid"])
    assert "answer|P5" in table.output and "best|P5" in table.output
    fast = CliRunner().invoke(main, args[:-3] + ["--mode", "bm25", "--retrieval-only"])
    assert fast.exit_code == 0 and "answer|P5" not in fast.output
    lines = (tmp_path / "run.tsv").read_text().splitlines()
    assert "q1 Q0 d3 1" in lines[0] and {line.split()[5] for line in lines} == {"kb-bm25", "kb-dense", "kb-hybrid"}
    again = CliRunner().invoke(main, args[:-1] + ["--mode", "bm25"])
    assert "0 embedded" in again.output
