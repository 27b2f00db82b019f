"""Measure and tune how answers choose sentences: each evidence signal's effect, the weights,
and the support margin. Signals are computed once per question (hybrid top-5 passages), then
every setting is scored offline.

    python scripts/tune_answers.py --index index --queries tests/data/seed_questions.jsonl \
        --index ~/.cache/kb/eval/drcd-… --queries drcd_small_t2s.jsonl

Prints, per set, for the questions whose top-5 passages contain the gold text: how often the
sentence ranked first contains it (best), with each signal left out (ablation) and with a
coordinate search over the weights; then, for the chosen weights, how often the answer
contains it and its mean length for several support margins.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np

from kb import KnowledgeBase
from kb.answering.answer import SUPPORT_MARGIN, answer_candidates, select
from kb.answering.answerer import Answerer
from kb.answering.evidence import Evidence, EvidenceWeights
from kb.answering.plan import QuestionPlan
from kb.study.evaluate import comparable, load_queries

SIGNALS = [f.name for f in dataclasses.fields(EvidenceWeights)]
GRID = {
    "dense": [0, 2, 4, 8, 12, 20, 30],
    "lexical": [0, 0.5, 1, 1.5, 2],
    "bigrams": [0, 0.5, 1, 1.5, 2],
    "distinctive": [0, 0.5, 1, 2, 3, 4, 6],
    "beyond_topic": [0, 0.5, 1, 2, 3, 4, 6],
    "first_passage": [0, 0.1, 0.2, 0.4, 0.8],
    "aligned": [0, 0.25, 0.5, 1, 1.5, 2],
    "brevity": [0, 0.1, 0.2, 0.4, 0.8],
    "passage": [0, 0.25, 0.5, 1, 2],
    "cue": [0, 0.1, 0.2, 0.3, 0.5],
    "substance": [0, 0.1, 0.3, 0.5],
    "against": [-8, -6, -4, -2, 0],
    "context": [0, 0.5, 1, 1.5, 2, 3],
    "asked_here": [0, 1, 2, 4, 6],
}


@dataclasses.dataclass
class Question:
    plan: QuestionPlan
    gold: list[str]  # comparable() form
    evidence: list[Evidence]
    features: np.ndarray  # candidates × signals, plus a last row that always loses
    labels: np.ndarray  # candidate contains the gold text (False for the last row)


def collect(answerer: Answerer, queries_path: Path, limit: int | None) -> list[Question]:
    """Signals and gold labels of every candidate sentence, for answerable-in-principle
    questions: planned, retrieved and scored by the Answerer `ask` runs (hybrid, k=5)."""
    questions = []
    for query in load_queries(queries_path)[:limit]:
        gold = [g for g in map(comparable, query.gold_text) if g]
        if not gold:
            continue
        plan = answerer.plan(query.query, k=5, mode="hybrid")
        shown = [h for h in answerer.retrieve(plan) if h.rank <= plan.shown]
        evidence = answer_candidates(answerer.evidence(plan, shown), plan)
        if not any(g in comparable(h.passage.text) for h in shown for g in gold):
            continue  # not retrievable: no sentence choice can help
        labels = np.array([any(g in comparable(ev.text) for g in gold) for ev in evidence] + [False])
        features = np.array([[ev.features[s] for s in SIGNALS] for ev in evidence] + [[-1e9] * len(SIGNALS)])
        questions.append(Question(plan, gold, evidence, features, labels))
    return questions


def best_share(questions: list[Question], weights: np.ndarray) -> float:
    """% of questions whose top-scored sentence contains the gold text."""
    return 100.0 * float(np.mean([q.labels[int(np.argmax(q.features @ weights))] for q in questions]))


def answer_share(
    questions: list[Question], weights: np.ndarray, margin: float, budget_scale: float = 1.0
) -> tuple[float, float]:
    """(% of answers containing a gold sentence, mean quoted characters) under `select`."""
    hits, chars = [], []
    for q in questions:
        scores = q.features @ weights
        ranked = []
        for i in np.argsort(-scores, kind="stable")[: len(q.evidence)] if q.evidence else []:
            ranked.append(dataclasses.replace(q.evidence[i], score=float(scores[i])))
        shape = dataclasses.replace(q.plan.shape, budget=int(q.plan.shape.budget * budget_scale))
        chosen = select(ranked, shape, q.plan.max_chars, margin, lexical=not q.plan.reading.cross_language)
        quoted = "".join(comparable(c.text) for c in chosen)
        hits.append(any(g in quoted for g in q.gold))
        chars.append(sum(len(c.text) for c in chosen))
    return 100.0 * float(np.mean(hits)), float(np.mean(chars))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", action="append", required=True, type=Path)
    parser.add_argument("--queries", action="append", required=True, type=Path)
    parser.add_argument("--margins", default="2,3,3.5,4")
    parser.add_argument("--budget-scales", default="1", help="answer budgets of every question kind times these")
    parser.add_argument("--limit", type=int, help="only the first N questions of each set (a quick check)")
    args = parser.parse_args()
    if missing := [s for s in SIGNALS if s not in GRID]:
        parser.error(f"no grid for the evidence signals {', '.join(missing)}: add them to GRID")
    sets = {
        q.parent.name if q.parent.name != "data" else q.stem: collect(KnowledgeBase.open(i).answerer, q, args.limit)
        for i, q in zip(args.index, args.queries)
    }
    default = np.array([getattr(EvidenceWeights(), s) for s in SIGNALS], dtype=float)

    def report(label: str, weights: np.ndarray) -> float:
        shares = {name: best_share(qs, weights) for name, qs in sets.items()}
        print(f"{label:<28}" + "".join(f"{name} {share:5.1f}  " for name, share in shares.items()))
        return float(np.mean(list(shares.values())))

    print("best sentence contains the gold text, % of questions whose top-5 passages do")
    report("default weights", default)
    for i, signal in enumerate(SIGNALS):
        report(f"without {signal}", np.where(np.arange(len(SIGNALS)) == i, 0.0, default))
        report(f"{signal} alone", np.where(np.arange(len(SIGNALS)) == i, default, 0.0))
    weights = default.copy()
    for _ in range(2):  # coordinate search, two sweeps
        for i, signal in enumerate(SIGNALS):
            trials = {
                v: float(
                    np.mean(
                        [best_share(qs, np.where(np.arange(len(SIGNALS)) == i, v, weights)) for qs in sets.values()]
                    )
                )
                for v in GRID[signal]
            }
            weights[i] = max(trials, key=lambda v: (trials[v], -abs(v - weights[i])))
    report("tuned " + " ".join(f"{s}={w:g}" for s, w in zip(SIGNALS, weights)), weights)
    print(f"\nanswer contains the gold text / mean chars, by support margin (current {SUPPORT_MARGIN})")
    for scale in map(float, args.budget_scales.split(",")):
        for margin in map(float, args.margins.split(",")):
            cells = {name: answer_share(qs, weights, margin, scale) for name, qs in sets.items()}
            print(
                f"budget ×{scale:<4} margin {margin:<5}"
                + "".join(f"{name} {share:5.1f} / {chars:4.0f}  " for name, (share, chars) in cells.items())
            )


if __name__ == "__main__":
    main()
