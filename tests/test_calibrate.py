"""The answerable cosine ingest measures on a corpus, and the refusals that use it."""

import dataclasses
import json

import numpy as np
import pytest
from click.testing import CliRunner

from kb import KnowledgeBase
from kb.embedding.models import encode_queries
from kb.errors import IndexDamaged
from kb.ingest.calibrate import MIN_PROBES, PROBES, REFERENCE_PERCENTILE, answerable_cosine, probe_sentences
from kb.ingest.pipeline import ingest
from kb.interfaces.cli import main
from kb.stores.local import StoredIndex
from tests.conftest import CORPUS
from tests.helpers import write_corpus


def _one_sentence_passages(count: int) -> tuple[list[tuple[str, str, int, int]], list[tuple[str, int, int]]]:
    sentences = [(f"第{n}号文档里的这一句话讲的是同一件事情", f"d{n}", 0, 19) for n in range(count)]
    passages = [(f"d{n}", 0, 19) for n in range(count)]
    return sentences, passages


def test_each_sentence_is_scored_against_the_passages_that_do_not_hold_it():
    """A sentence asked as a question finds its own passage first: that cosine says nothing
    of how close the rest of the corpus is, so the measure skips it. Passage n is the unit
    vector e_n; sentence n's question leans toward passage n+1 by a share that grows with n."""
    count = 30
    sentences, passages = _one_sentence_passages(count)
    vectors = np.eye(count, dtype=np.float32)
    lean = {text: 0.1 + 0.03 * n for n, (text, *_) in enumerate(sentences)}

    def encode(text: str) -> np.ndarray:
        n = int(text[1 : text.index("号")])
        vector = vectors[n] + lean[text] * vectors[(n + 1) % count]
        return vector / np.linalg.norm(vector)

    measured = answerable_cosine(sentences, passages, vectors, lambda texts: np.stack([encode(t) for t in texts]))
    to_others = [lean[text] / np.hypot(1.0, lean[text]) for text, *_ in sentences]
    assert measured == pytest.approx(np.percentile(to_others, REFERENCE_PERCENTILE), abs=1e-4)
    assert measured < min(1.0 / np.hypot(1.0, lean[text]) for text, *_ in sentences)  # no own passage


def test_a_corpus_with_too_few_sentences_of_a_questions_length_measures_nothing():
    sentences, passages = _one_sentence_passages(MIN_PROBES - 1)
    sentences += [("短句。", "x", 0, 3), ("很长" * 40, "y", 0, 80)]  # no question is that short or long
    vectors = np.eye(len(passages), dtype=np.float32)
    assert answerable_cosine(sentences, passages, vectors, lambda texts: vectors[: len(texts)]) is None


def test_probes_are_spread_over_the_whole_corpus_and_the_same_every_time():
    sentences = [(f"第{n}句话说的是这门课的某一个知识点", "d", n, n + 1) for n in range(10 * PROBES)]
    chosen = probe_sentences(sentences)
    assert len(chosen) == PROBES and chosen == probe_sentences(sentences)
    assert chosen[0] == 0 and chosen[-1] >= 9 * PROBES  # from the first document to the last


def test_ingest_records_the_measured_cosine_and_kb_info_shows_it(tmp_path, embedder):
    report = ingest([CORPUS], tmp_path / "index", embedder=embedder)
    measured = StoredIndex(tmp_path / "index").manifest.answerable_cosine
    assert measured is not None and -1.0 <= measured <= 1.0
    assert "calibrate" in report.stage_seconds
    result = CliRunner().invoke(main, ["info", "--index", str(tmp_path / "index"), "--json"])
    assert json.loads(result.output)["answerable_cosine"] == measured


def test_the_measured_cosine_decides_what_the_vectors_alone_vouch_for(tmp_path, embedder):
    """A question whose words cannot answer it (here: none are weighed, as for a question in
    another language) is answered on its vectors only when its best passage reaches the cosine
    measured on this corpus."""
    ingest([CORPUS], tmp_path / "index", embedder=embedder)
    kb = KnowledgeBase.open(tmp_path / "index", embedder=embedder)
    hits = kb.search("营销和销售的区别", k=5)
    best = max(h.signals["dense"].score for h in hits if "dense" in h.signals)
    for threshold, answerable in ((best - 0.01, True), (best + 0.01, False)):
        kb.index.manifest = dataclasses.replace(kb.index.manifest, answerable_cosine=threshold)
        assert kb.retriever.answerable(hits, {}) == answerable


def test_an_index_from_before_the_measure_uses_the_profile_and_is_upgraded_without_embedding(tmp_path, embedder):
    ingest([CORPUS], tmp_path / "index", embedder=embedder)
    version = StoredIndex(tmp_path / "index").dir
    manifest = json.loads((version / "manifest.json").read_text())
    manifest["format_version"] = 4  # what kb wrote before it measured the cosine
    del manifest["answerable_cosine"]
    (version / "manifest.json").write_text(json.dumps(manifest))
    old = KnowledgeBase.open(tmp_path / "index", embedder=embedder)
    assert old.index.manifest.answerable_cosine is None
    assert old.ask("什么是销售漏斗").found
    upgraded = ingest([CORPUS], tmp_path / "index", embedder=embedder)
    assert upgraded.embedded == 0 and upgraded.sentences_embedded == 0
    assert StoredIndex(tmp_path / "index").manifest.answerable_cosine is not None


@pytest.mark.parametrize("value", ["0.9", 1.5, True])
def test_a_recorded_cosine_that_is_no_cosine_is_a_damaged_index(tmp_path, embedder, value):
    ingest([CORPUS], tmp_path / "index", embedder=embedder)
    version = StoredIndex(tmp_path / "index").dir
    manifest = json.loads((version / "manifest.json").read_text())
    manifest["answerable_cosine"] = value
    (version / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexDamaged, match="answerable_cosine"):
        StoredIndex(tmp_path / "index")


def test_a_rare_name_a_top_passage_holds_answers_however_the_question_is_padded(tmp_path, embedder):
    """「开会时领导提到POA，这是什么意思」 shares only POA with the articles: its padding words
    outweigh it, but a Latin name that one passage holds, found at the top, says what the
    question is about. A name many passages hold says no such thing."""
    topics = ["客户拜访要提前准备资料", "市场部负责品牌推广", "销售部负责签单回款", "线索要及时跟进"]
    corpus = write_corpus(
        tmp_path,
        {"poa.txt": "POA是计划、目标和行动的缩写，用来安排一周的工作。\n"}
        | {f"{n}.txt": f"{topic}，CRM里要记下每一次联系。\n" for n, topic in enumerate(topics)},
    )
    kb = KnowledgeBase.build([corpus], tmp_path / "index", embedder=embedder)
    assert kb.ask("开会时领导提到POA，这是什么意思？", mode="bm25").found
    assert not kb.ask("开会时领导提到CRM，这是什么意思？", mode="bm25").found


@pytest.mark.model
def test_questions_encoded_in_one_batch_are_the_vectors_each_gets_alone(real_index):
    """Ingest encodes its probe questions in one batch where the model can (e5-small): each
    row must be the vector `kb ask` gives that question, or the measure is of other numbers."""
    kb = KnowledgeBase.open(real_index)
    embedder = kb.retriever.embedder
    questions = ["营销和销售有什么区别", "销售漏斗的顶部由谁负责", "市场部"]
    alone = np.stack([embedder.encode_query(q) for q in questions])
    assert np.allclose(encode_queries(embedder, questions), alone, atol=1e-5)
    assert kb.index.manifest.answerable_cosine is not None
