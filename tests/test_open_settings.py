"""What `KnowledgeBase.open` takes besides the index: fusion settings and evidence weights reach
the ranking and the scoring of answer sentences."""

import dataclasses

from kb import KnowledgeBase
from kb.answering.evidence import EvidenceWeights
from kb.answering.retrieve import FusionSettings

QUESTION = "营销和销售的区别"


def ids(hits):
    return [hit.passage.id for hit in hits]


def test_fusion_settings_given_to_open_rank_the_passages(stub_index):
    index, embedder = stub_index
    with KnowledgeBase.open(index, embedder=embedder) as default:
        hybrid, bm25 = default.search(QUESTION, k=10), default.search(QUESTION, k=10, mode="bm25")
    assert ids(hybrid) != ids(bm25)
    lexical_only = FusionSettings(dense_weight=0.0)
    with KnowledgeBase.open(index, embedder=embedder, fusion=lexical_only) as opened:
        assert ids(opened.search(QUESTION, k=10)) == ids(bm25)


def test_evidence_weights_given_to_open_score_the_sentences(stub_index):
    index, embedder = stub_index
    nothing = EvidenceWeights(**{field.name: 0.0 for field in dataclasses.fields(EvidenceWeights)})
    for weights, scored in ((EvidenceWeights(), True), (nothing, False)):
        with KnowledgeBase.open(index, embedder=embedder, evidence_weights=weights) as kb:
            plan = kb.answerer.plan(QUESTION)
            evidence = kb.answerer.evidence(plan, kb.answerer.retrieve(plan))
        assert evidence and any(e.score != 0 for e in evidence) == scored
