"""Calibrate when kb says "not in the knowledge base": print, for in-domain seed questions and
out-of-domain questions, the best top-3 passage coverage and the best dense cosine, and the
cosine ingest measured on the index's own corpus (kb/ingest/calibrate.py).

    python scripts/calibrate_answerable.py --index index

The measured cosine should fall between the two groups' dense cosines: above the
out-of-domain questions', at or below the seed questions' that share too few words to be
answered by coverage. Pick the profile's answerable.min_coverage (kb/data/profile.toml) so that
every seed question stays answerable and out-of-domain ones do not; the profile's
answerable.dense thresholds only serve indexes built before ingest measured one.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kb import KnowledgeBase

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def signals(kb: KnowledgeBase, question: str) -> tuple[float, float]:
    hits = kb.search(question, k=5)
    coverage = max(kb.retriever.coverage(question, h.passage) for h in hits[:3])
    dense = max((h.signals["dense"].score for h in hits if "dense" in h.signals), default=float("nan"))
    return coverage, dense


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", default="index")
    args = parser.parse_args()
    kb = KnowledgeBase.open(args.index)
    inside = [json.loads(line)["query"] for line in (DATA / "seed_questions.jsonl").open(encoding="utf-8")]
    outside = [line.strip() for line in (DATA / "out_of_domain.txt").open(encoding="utf-8") if line.strip()]
    rows = [("in", q, *signals(kb, q)) for q in inside] + [("out", q, *signals(kb, q)) for q in outside]
    for group, question, coverage, dense in sorted(rows, key=lambda r: (r[0], r[2])):
        print(f"{group:<4}{coverage:6.2f}{dense:7.3f}  {question}")
    measured = kb.index.manifest.answerable_cosine
    print("measured on the corpus: " + (f"dense {measured:.3f}" if measured is not None else "none (re-ingest)"))
    for group in ("in", "out"):
        covs = [r[2] for r in rows if r[0] == group]
        dens = [r[3] for r in rows if r[0] == group]
        print(
            f"{group}: coverage min {min(covs):.2f} max {max(covs):.2f}; dense min {min(dens):.3f} max {max(dens):.3f}"
        )


if __name__ == "__main__":
    main()
