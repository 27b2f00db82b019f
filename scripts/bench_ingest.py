"""Ingest speed: where a full ingest's CPU time goes, stage by stage; embedding throughput of
kb's ingest path against a plain `SentenceTransformer.encode` fp32 loop over the same passages;
and incremental re-ingest, measured side by side in one run (medians over repeats).

    python scripts/bench_ingest.py --repeats 3
    python scripts/bench_ingest.py --only stages                       # the seed corpus
    python scripts/bench_ingest.py --only stages --corpus ../shared/eval/cmrc2018/corpus.jsonl --limit 300
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from kb.types import Document

ROOT = Path(__file__).resolve().parent.parent


def seed_passages() -> list[str]:
    from kb.ingest.chunk import ChunkSettings
    from kb.ingest.contents import prepare, retrieval_text
    from kb.ingest.loaders import load_paths
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


def load(corpus: Path, limit: int | None) -> tuple[list[Path] | list[Document], float]:
    """What to ingest (a folder's paths, or the first `limit` documents of an eval .jsonl) and
    the CPU seconds reading a .jsonl took (a folder is read inside ingest)."""
    if corpus.suffix != ".jsonl":
        return [corpus], 0.0
    from kb.study.evaluate import load_corpus

    started = time.process_time()
    documents = load_corpus(corpus)[:limit]
    return documents, time.process_time() - started


def stages(corpus: Path, limit: int | None, model: str) -> None:
    """One full ingest into a fresh index: CPU seconds per stage, per passage and per 1,000
    characters of cleaned text (process CPU time, the encoder's threads included)."""
    from kb.ingest.pipeline import ingest
    from kb.ingest.stage_clock import STAGES

    source, extract = load(corpus, limit)
    with tempfile.TemporaryDirectory() as tmp:
        started, wall = time.process_time(), time.perf_counter()
        report = ingest(source, Path(tmp) / "index", model=model)
        total, wall = time.process_time() - started + extract, time.perf_counter() - wall
    seconds = dict(report.stage_seconds)
    seconds["extract"] = seconds.get("extract", 0.0) + extract
    seconds["other"] = total - sum(seconds.values())
    print(
        f"{corpus.name}: {report.documents} documents, {report.passages} passages, {report.sentences} sentences, "
        f"{report.characters:,} characters; {model}; {total:.1f} CPU-s ({wall:.1f} s wall)"
    )
    print(f"  {'stage':<18}{'CPU-s':>8}{'share':>8}{'ms/passage':>12}{'ms/1000 chars':>15}")
    for stage in (*STAGES, "other"):
        value = seconds.get(stage, 0.0)
        print(
            f"  {stage:<18}{value:>8.2f}{100 * value / total:>7.1f}%{1000 * value / report.passages:>12.1f}"
            f"{1e6 * value / max(report.characters, 1):>15.1f}"
        )
    print(
        f"  {'total':<18}{total:>8.2f}{100.0:>7.1f}%{1000 * total / report.passages:>12.1f}"
        f"{1e6 * total / max(report.characters, 1):>15.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", choices=["stages"], help="Only the stage table.")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="Folder, or an eval corpus .jsonl.")
    parser.add_argument(
        "--limit",
        type=int,
        help="First N documents of a .jsonl corpus; first N seed passages to encode (a quick check).",
    )
    parser.add_argument("--model", default="e5-small")
    args = parser.parse_args()
    stages(args.corpus, args.limit, args.model)
    if args.only:
        return
    texts = seed_passages()[: args.limit]
    print(
        f"{len(texts)} seed passages, {sum(map(len, texts)) / len(texts):.0f} characters on average; "
        f"passages/s, median of {args.repeats}:"
    )

    from sentence_transformers import SentenceTransformer

    from kb.embedding.models import load_embedder, resolve_model_folder

    plain = SentenceTransformer(str(resolve_model_folder("m3e-small")), device="cpu")
    baseline = throughput(lambda t: plain.encode(t, batch_size=32), texts, args.repeats)
    print(f"  SentenceTransformer.encode m3e-small fp32 (baseline)  {baseline:7.1f}")
    for name in ("m3e-small", "e5-small"):
        embedder = load_embedder(name)
        rate = throughput(embedder.encode, texts, args.repeats)
        print(f"  kb ingest embedder {name:<10}                    {rate:7.1f}   {rate / baseline:4.2f}x")

    from kb.ingest.pipeline import ingest

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
