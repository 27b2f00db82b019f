"""Grid-search the fusion settings on built indexes; prints hybrid metrics per setting.

Each ranker runs once per query (rankings are cached), so a grid costs little more than one
evaluation. `--part tune` keeps every other query (the even-numbered ones) to choose settings
on, `--part check` the rest to confirm them on; a larger check set is a sample of a set's full
query file without the queries of its small one. Usage:

    python scripts/tune_retrieval.py --index index --queries tests/data/seed_questions.jsonl \
        --index ~/.cache/kb/eval/drcd-… --queries ../shared/eval/drcd/queries_small.jsonl \
        --lead-gains 0,1,2,3,5 --part tune
"""

from __future__ import annotations

import argparse
import itertools
from functools import lru_cache
from pathlib import Path
from typing import get_args

from kb import KnowledgeBase
from kb.answering.answerer import Answerer
from kb.answering.retrieve import FusionMethod, FusionSettings
from kb.study.evaluate import EvalQuery, evaluate, load_queries


def cached(answerer: Answerer) -> Answerer:
    """Memoise both rankers of the Answerer `ask` runs, so every fusion setting reuses the same
    per-query rankings."""
    retriever = answerer.retriever
    retriever.bm25_ranking = lru_cache(maxsize=None)(retriever.bm25_ranking)
    retriever.dense_ranking = lru_cache(maxsize=None)(retriever.dense_ranking)
    return answerer


def part(queries: list[EvalQuery], which: str) -> list[EvalQuery]:
    """Every query, the even-numbered ones (to tune on) or the odd-numbered ones (to check on)."""
    return queries if which == "all" else queries[(which == "check") :: 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", action="append", required=True, type=Path)
    parser.add_argument("--queries", action="append", required=True, type=Path)
    parser.add_argument("--methods", default=",".join(get_args(FusionMethod)), help="fusion methods, comma-separated")
    parser.add_argument("--dense-weights", default="1.0")
    parser.add_argument("--lead-gains", default="0,1,2,3,5")
    parser.add_argument("--part", choices=("all", "tune", "check"), default="all")
    parser.add_argument("--rrf-k", default="60")
    parser.add_argument("--candidates", default="200")
    parser.add_argument("--limit", type=int, help="only the first N questions of each set (a quick check)")
    args = parser.parse_args()
    methods = args.methods.split(",")
    if unknown := [m for m in methods if m not in get_args(FusionMethod)]:
        parser.error(f"--methods: unknown {', '.join(unknown)}; choose from {', '.join(get_args(FusionMethod))}")
    sets = [
        (cached(KnowledgeBase.open(i).answerer), part(load_queries(q), args.part)[: args.limit], q.parent.name)
        for i, q in zip(args.index, args.queries)
    ]
    grid = itertools.product(
        methods,
        map(float, args.dense_weights.split(",")),
        map(int, args.rrf_k.split(",")),
        map(int, args.candidates.split(",")),
        map(float, args.lead_gains.split(",")),
    )
    print(
        f"{'method':<7}{'dense_w':>8}{'rrf_k':>6}{'cands':>6}{'lead':>6}"
        + "".join(f"{name[:14]:>16}" for _, _, name in sets)
        + "   (R@5 / MRR@10)"
    )
    for mode in ("bm25", "dense"):
        cells = []
        for answerer, queries, _ in sets:
            m = evaluate(answerer.retriever.search, queries, mode).metrics
            cells.append(f"{m['R@5']:6.1f} / {m['MRR@10']:.3f}")
        print(f"{mode:<33}" + "".join(f"{c:>16}" for c in cells))
    for method, weight, rrf_k, candidates, lead_gain in grid:
        cells = []
        for answerer, queries, _ in sets:
            answerer.retriever.fusion = FusionSettings(
                method=method, dense_weight=weight, rrf_k=rrf_k, candidates=candidates, lead_gain=lead_gain
            )
            m = evaluate(answerer.retriever.search, queries, "hybrid").metrics
            cells.append(f"{m['R@5']:6.1f} / {m['MRR@10']:.3f}")
        print(
            f"{method:<7}{weight:>8.2f}{rrf_k:>6}{candidates:>6}{lead_gain:>6.1f}" + "".join(f"{c:>16}" for c in cells)
        )


if __name__ == "__main__":
    main()
