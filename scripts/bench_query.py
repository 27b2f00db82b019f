"""Query speed: a cold `kb ask` process against the cost of importing sentence-transformers,
warm Python-API latency (questions asked for the first time, and asked again), where a
first-time `ask` spends its time, stage by stage, and optionally the same warm `ask` under
busy-loop processes (a loaded machine). Medians over repeats, measured side by side in one run.

    python scripts/bench_query.py --index index --repeats 5
    python scripts/bench_query.py --index ~/.cache/kb/eval/cmrc2018-… \
        --questions ../shared/eval/cmrc2018/queries_small.jsonl --limit 200
    python scripts/bench_query.py --index /tmp/m3e-index --busy 2 --skip-cold
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "营销和销售的区别"
BUSY_LOOP = "while True: pass"


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def median_wall(command: list[str], repeats: int) -> float:
    wall(command)  # warm the page cache, as a user's second call would be
    return statistics.median(wall(command) for _ in range(repeats))


def cold_report(index: str, repeats: int) -> None:
    kb_cli = [sys.executable, "-m", "kb"]
    baseline = median_wall([sys.executable, "-c", "import sentence_transformers"], repeats)
    cold = {
        mode: median_wall([*kb_cli, "ask", QUESTION, "--index", index, "--mode", mode], repeats)
        for mode in ("hybrid", "bm25")
    }
    print(f"cold process (median of {repeats}), this machine:")
    print(f"  python -c 'import sentence_transformers'   {baseline:6.2f} s   (baseline)")
    for mode, seconds in cold.items():
        print(
            f"  kb ask '{QUESTION}' --mode {mode:<7}     {seconds:6.2f} s   "
            f"{100 * seconds / baseline:5.1f} % of baseline"
        )


def timings(call: Callable[[str], object], questions: Sequence[str]) -> list[float]:
    spent = []
    for q in questions:
        started = time.perf_counter()
        call(q)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def percentiles(label: str, spent: Sequence[float]) -> None:
    print(f"  {label:<34} p50 {np.percentile(spent, 50):6.1f} ms   p95 {np.percentile(spent, 95):6.1f} ms")


class StageClock:
    """Milliseconds spent in each stage of `ask`, per question, by wrapping the parts its
    Answerer calls (on the instances and in answerer's namespace)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def wrap(self, owner: Any, attribute: str, stage: str) -> None:
        original = getattr(owner, attribute)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[stage] = self.spent.get(stage, 0.0) + (time.perf_counter() - started) * 1000

        setattr(owner, attribute, timed)


def stage_split(kb: Any, questions: Sequence[str]) -> None:
    """Median ms per stage of a first-time ask (no question vector cached)."""
    import kb.answering.answerer as answerer_module

    clock = StageClock()
    retriever = kb.retriever
    clock.wrap(kb.reader, "read", "read question (follow-up, typos)")
    clock.wrap(retriever.embedder, "encode_query", "encode question")
    clock.wrap(retriever, "bm25_ranking", "BM25 ranking")
    clock.wrap(kb.index, "dense_ranking", "dense ranking (FAISS)")
    clock.wrap(retriever, "answerable", "answerable (coverage)")
    clock.wrap(answerer_module, "score_sentences", "sentence evidence")
    clock.wrap(answerer_module, "compose_answer", "compose answer")
    per_stage: dict[str, list[float]] = {}
    totals = []
    for q in questions:
        clock.spent = {}
        started = time.perf_counter()
        kb.ask(q)
        total = (time.perf_counter() - started) * 1000
        totals.append(total)
        for stage, ms in clock.spent.items():
            per_stage.setdefault(stage, []).append(ms)
        per_stage.setdefault("rest (fusion, passages, dedupe)", []).append(total - sum(clock.spent.values()))
    print(f"where a first-time ask spends its time ({len(questions)} questions, median ms per stage):")
    for stage, spent in per_stage.items():
        print(f"  {stage:<34} {np.median(spent):6.1f} ms")
    print(f"  {'total (p50)':<34} {np.median(totals):6.1f} ms")


@contextmanager
def busy_processes(count: int) -> Iterator[None]:
    procs = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(count)]
    try:
        time.sleep(0.5)
        yield
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def load_questions(path: Path, limit: int) -> list[str]:
    records = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return [r.get("query") or r["question"] for r in records][:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", default=str(ROOT / "index"))
    parser.add_argument("--questions", type=Path, default=ROOT / "tests/data/seed_questions.jsonl")
    parser.add_argument("--limit", type=int, default=200, help="questions used at most")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-cold", action="store_true")
    parser.add_argument("--busy", type=int, default=0, help="also time warm asks under N busy-loop processes")
    args = parser.parse_args()
    if not args.skip_cold:
        cold_report(args.index, args.repeats)

    from kb import KnowledgeBase

    questions = load_questions(args.questions, args.limit)
    kb = KnowledgeBase.open(args.index)
    kb.warm_up()
    print(f"warm Python API, {len(questions)} questions from {args.questions.name}:")
    first = timings(kb.ask, questions)
    percentiles("ask, first time asked", first)
    percentiles("ask, asked again", timings(kb.ask, questions) + timings(kb.ask, questions))
    percentiles("search k=5 hybrid (asked again)", timings(lambda q: kb.search(q, k=5), questions))
    percentiles("search k=5 bm25", timings(lambda q: kb.search(q, k=5, mode="bm25"), questions))
    embedder = kb.retriever.embedder

    def fresh() -> Any:
        """The same index and model, no question vector cached yet: every ask encodes."""
        fresh_kb = KnowledgeBase.open(args.index, embedder=embedder)
        fresh_kb.warm_up()
        return fresh_kb

    if args.busy:
        with busy_processes(args.busy):
            busy = timings(fresh().ask, questions)
        idle = timings(fresh().ask, questions)
        percentiles(f"ask, first time, {args.busy} busy loops", busy)
        percentiles("ask, first time, idle (just after)", idle)
        print(f"  busy / idle p50: {np.percentile(busy, 50) / np.percentile(idle, 50):.2f}x")
    stage_split(fresh(), questions)


if __name__ == "__main__":
    main()
