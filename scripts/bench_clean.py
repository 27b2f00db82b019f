"""Cleaning throughput: MB/s of `clean` on the seed corpus and on a 10 MB adversarial file
(long runs of spaces, blank lines, full-width spaces, brackets, '<', unclosed <script> and
<p>, backticks, trailer labels, indented code), the input on which a rule that restarts inside
a run goes quadratic.

    python scripts/bench_clean.py              # prints MB/s; exit 1 below --min-mbps
    python scripts/bench_clean.py --mb 2       # a smaller adversarial file
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kb.ingest.clean import clean
from kb.ingest.loaders import load_paths
from kb.profile import default_profile

ROOT = Path(__file__).resolve().parent.parent
RUNS = [" " * 5000, "\n" * 3000, "\u3000" * 2000, "\t \n" * 1000, "（" * 2000, "<" * 1000 + " " * 1000, "- " * 2000]
RUNS += ["。" * 2000, "<script>" + "x" * 100 + "</script x", "版權聲明" + " " * 3000, "a" + " " * 4000 + "b"]
# What the markup, code and trailer passes scan: unclosed tags, backticks, brackets, trailer labels.
RUNS += ["<p>" * 1000, "<script>" * 500, "`" * 2000, "(" * 2000 + ")" * 2000, "相关阅读\n" * 500]
RUNS += ["    x = f(y);\n" * 200]


def adversarial(megabytes: float) -> str:
    """Chinese sentences between long runs of what the rules match around."""
    size = int(megabytes * 1_000_000)
    pieces: list[str] = []
    length = 0
    while length < size:
        piece = "营销是一个系统，而销售只是营销的一部分。" + RUNS[len(pieces) % len(RUNS)]
        pieces.append(piece)
        length += len(piece)
    return "".join(pieces)[:size]


def mbps(text: str, repeats: int) -> float:
    rules = default_profile().cleaning_rules
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        clean(text, rules)
        best = min(best, time.perf_counter() - started)
    return len(text.encode("utf-8")) / 1e6 / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=10.0, help="size of the adversarial text in MB (characters)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--min-mbps", type=float, default=1.0, help="fail below this throughput")
    args = parser.parse_args()
    seed = "\n".join(d.text for d in load_paths([ROOT / "corpus"]).documents)
    results = {
        f"seed corpus ({len(seed.encode('utf-8')) / 1e3:.0f} KB)": mbps(seed, args.repeats),
        f"adversarial ({args.mb:g} M characters)": mbps(adversarial(args.mb), args.repeats),
    }
    print(f"cleaning throughput (best of {args.repeats}), this machine:")
    for name, value in results.items():
        print(f"  {name:<34} {value:7.1f} MB/s")
    if min(results.values()) < args.min_mbps:
        print(f"SLOW: below {args.min_mbps} MB/s", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
