"""The trainee's path with the real bundled model: ingest the corpus, ask, check citations."""

import json
import re

import pytest
from click.testing import CliRunner

from kb import KnowledgeBase
from kb.cli import main
from kb.store import StoredIndex
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


def test_dense_ranker_understands_a_paraphrase(real_index):
    kb = KnowledgeBase.open(real_index)
    hits = kb.search("让产品好卖和把产品卖好", k=5, mode="dense")
    assert any("产品好卖" in h.passage.text or "產品好賣" in h.passage.text for h in hits)


def test_reingest_reuses_every_vector(real_index, tmp_path):
    import shutil

    from kb.ingest import ingest
    from tests.conftest import CORPUS

    copy = tmp_path / "index"
    shutil.copytree(real_index, copy)
    report = ingest([CORPUS], copy)
    assert report.embedded == 0 and report.reused == report.passages
