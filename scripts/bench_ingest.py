"""Ingest speed: embedding throughput of kb's ingest path against a plain
`SentenceTransformer.encode` fp32 loop over the same passages, plus incremental re-ingest,
measured side by side in one run (medians over repeats).

    python scripts/bench_ingest.py --repeats 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def seed_passages() -> list[str]:
    from kb.chunk import ChunkSettings
    from kb.ingest import prepare, retrieval_text
    from kb.loaders import load_paths
    from kb.profile import default_profile

    _, passages = prepare(load_paths([ROOT / "corpus"]).documents, ChunkSettings(), default_profile())
    return [retrieval_text(p) for p in passages]


def throughput(encode, texts: list[str], repeats: int) -> float:
    encode(texts[:8])  # load and warm the model outside the timing
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        encode(texts)
        runs.append(len(texts) / (time.perf_counter() - started))
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limit", type=int, help="encode only the first N seed passages (a quick check)")
    args = parser.parse_args()
    texts = seed_passages()[: args.limit]
    print(
        f"{len(texts)} seed passages, {sum(map(len, texts)) / len(texts):.0f} characters on average; "
        f"passages/s, median of {args.repeats}:"
    )

    from sentence_transformers import SentenceTransformer

    from kb.embed import load_embedder, resolve_model_folder

    plain = SentenceTransformer(str(resolve_model_folder("m3e-small")), device="cpu")
    baseline = throughput(lambda t: plain.encode(t, batch_size=32), texts, args.repeats)
    print(f"  SentenceTransformer.encode m3e-small fp32 (baseline)  {baseline:7.1f}")
    for name in ("m3e-small", "e5-small"):
        embedder = load_embedder(name)
        rate = throughput(embedder.encode, texts, args.repeats)
        print(f"  kb ingest embedder {name:<10}                    {rate:7.1f}   {rate / baseline:4.2f}x")

    from kb.ingest import ingest

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
        index = Path(tmp) / "index"
        full = ingest([corpus], index)
        unchanged = statistics.median(ingest([corpus], index).seconds for _ in range(args.repeats))
        target = sorted(corpus.glob("*.txt"))[2]
        target.write_text(target.read_text("utf-8") + "\n补充：市场部和销售部每周对齐一次线索质量。\n", "utf-8")
        changed = ingest([corpus], index)
        print("incremental ingest (default model):")
        print(f"  full ingest            {full.seconds:6.2f} s  ({full.embedded} passages embedded)")
        print(
            f"  unchanged corpus       {unchanged:6.3f} s  ({100 * unchanged / full.seconds:.1f} % of full, 0 embedded)"
        )
        print(
            f"  one file changed       {changed.seconds:6.2f} s  "
            f"({changed.embedded} of {changed.passages} passages embedded)"
        )


if __name__ == "__main__":
    main()
