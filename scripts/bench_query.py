"""Query speed: a cold `kb ask` process against the cost of importing sentence-transformers,
and warm Python-API latency, measured side by side in one run (medians over repeats).

    python scripts/bench_query.py --index index --repeats 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "营销和销售的区别"


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def median_wall(command: list[str], repeats: int) -> float:
    wall(command)  # warm the page cache, as a user's second call would be
    return statistics.median(wall(command) for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", default=str(ROOT / "index"))
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    kb_cli = [sys.executable, "-m", "kb"]

    baseline = median_wall([sys.executable, "-c", "import sentence_transformers"], args.repeats)
    cold = {
        mode: median_wall([*kb_cli, "ask", QUESTION, "--index", args.index, "--mode", mode], args.repeats)
        for mode in ("hybrid", "bm25")
    }
    print(f"cold process (median of {args.repeats}), this machine:")
    print(f"  python -c 'import sentence_transformers'   {baseline:6.2f} s   (baseline)")
    for mode, seconds in cold.items():
        print(
            f"  kb ask '{QUESTION}' --mode {mode:<7}     {seconds:6.2f} s   "
            f"{100 * seconds / baseline:5.1f} % of baseline"
        )

    from kb import KnowledgeBase

    kb = KnowledgeBase.open(args.index)
    kb.warm_up()
    questions = [
        json.loads(line)["query"] for line in (ROOT / "tests/data/seed_questions.jsonl").open(encoding="utf-8")
    ]
    print(f"warm Python API, {len(questions)} seed questions x 3:")
    for label, call in (
        ("search k=5 hybrid", lambda q: kb.search(q, k=5)),
        ("search k=5 bm25", lambda q: kb.search(q, k=5, mode="bm25")),
        ("ask (answer + table)", lambda q: kb.ask(q)),
    ):
        timings = []
        for _ in range(3):
            for q in questions:
                started = time.perf_counter()
                call(q)
                timings.append((time.perf_counter() - started) * 1000)
        print(f"  {label:<22} p50 {np.percentile(timings, 50):6.1f} ms   p95 {np.percentile(timings, 95):6.1f} ms")


if __name__ == "__main__":
    main()
