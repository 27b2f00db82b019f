"""Scale: 1,000,000 synthetic passage vectors (and BM25 documents) through kb's own index
builders. Prints build time, single-query latency, recall@10 of the approximate index
against exact search, and bytes per passage, side by side with exact search.

    python scripts/bench_scale.py --n 1000000 --queries 200
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from kb.bm25_index import Bm25Index


def clustered_vectors(n: int, dim: int, clusters: int, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors around random topic centres — the shape real passage embeddings have."""
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    out = np.empty((n, dim), dtype=np.float32)
    for begin in range(0, n, 100_000):
        end = min(n, begin + 100_000)
        out[begin:end] = centres[rng.integers(0, clusters, end - begin)] + 0.6 * rng.standard_normal(
            (end - begin, dim)
        ).astype(np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def latency_ms(search, queries: np.ndarray) -> tuple[float, float, np.ndarray]:
    times, ids = [], []
    for q in queries:
        started = time.perf_counter()
        _, found = search(q.reshape(1, -1))
        times.append((time.perf_counter() - started) * 1000)
        ids.append(found[0])
    return float(np.median(times)), float(np.percentile(times, 95)), np.array(ids)


def dense(n: int, dim: int, n_queries: int, rng: np.random.Generator) -> None:
    import faiss

    from kb.vector_index import build_dense_index

    vectors = clustered_vectors(n, dim, clusters=2000, rng=rng)
    queries = vectors[rng.integers(0, n, n_queries)] + 0.3 * rng.standard_normal((n_queries, dim)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)

    started = time.perf_counter()
    exact, params = build_dense_index(vectors, exact_limit=n)
    exact_build = time.perf_counter() - started
    exact_p50, exact_p95, truth = latency_ms(lambda q: exact.search(q, 10), queries)

    started = time.perf_counter()
    approx, params = build_dense_index(vectors, exact_limit=0)
    approx_build = time.perf_counter() - started
    approx_p50, approx_p95, found = latency_ms(lambda q: approx.search(q, 10), queries)
    recall = np.mean([len(set(a) & set(t)) / 10 for a, t in zip(found, truth)])

    with tempfile.TemporaryDirectory() as tmp:
        sizes = {}
        for name, index in (("flat", exact), ("hnsw", approx)):
            path = Path(tmp) / f"{name}.faiss"
            faiss.write_index(index, str(path))
            sizes[name] = path.stat().st_size / n
    print(f"dense, {n:,} vectors x {dim} dims, {n_queries} single queries, 2 threads:")
    print(
        f"  exact (flat-ip)   build {exact_build:6.1f} s  p50 {exact_p50:7.2f} ms  p95 {exact_p95:7.2f} ms  "
        f"recall@10 1.000  {sizes['flat']:.0f} B/passage"
    )
    print(
        f"  {params['type']:<17} build {approx_build:6.1f} s  p50 {approx_p50:7.2f} ms  p95 {approx_p95:7.2f} ms  "
        f"recall@10 {recall:.3f}  {sizes['hnsw']:.0f} B/passage"
    )
    print(f"  parameters recorded in the manifest: {params}")


def lexical(n: int, n_queries: int, rng: np.random.Generator) -> None:
    import bm25s

    vocab = np.array([f"t{i}" for i in range(50_000)])
    weights = 1 / np.arange(1, len(vocab) + 1) ** 1.05  # Zipf-like term frequencies
    weights /= weights.sum()
    lengths = rng.integers(20, 60, n)
    flat = rng.choice(len(vocab), size=int(lengths.sum()), p=weights)
    docs, cursor = [], 0
    for length in lengths:
        docs.append(list(vocab[flat[cursor : cursor + length]]))
        cursor += length
    started = time.perf_counter()
    index = bm25s.BM25(k1=1.2, b=0.75)
    index.index(docs, show_progress=False)
    build = time.perf_counter() - started
    del docs
    with tempfile.TemporaryDirectory() as tmp:
        index.save(tmp, show_progress=False)
        size = sum(f.stat().st_size for f in Path(tmp).iterdir()) / n
        del index
        loaded = Bm25Index(Path(tmp))  # what `kb ask` reads: the saved arrays, memory-mapped
        queries = [list(vocab[rng.choice(len(vocab), size=4, p=weights)]) for _ in range(n_queries)]
        times = []
        for q in queries:
            started = time.perf_counter()
            ids = [loaded.vocab[t] for t in q if t in loaded.vocab]
            scores = loaded.scores(ids)
            np.argpartition(-scores, 100)[:100]
            times.append((time.perf_counter() - started) * 1000)
    print(
        f"bm25 (built by bm25s, read memory-mapped by kb), {n:,} documents of 20-60 terms, "
        f"{n_queries} queries of 4 terms:"
    )
    print(
        f"  build {build:6.1f} s  p50 {np.median(times):7.2f} ms  p95 {np.percentile(times, 95):7.2f} ms  "
        f"{size:.0f} B/passage on disk"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"machine: {os.cpu_count()} cores")
    dense(args.n, args.dim, args.queries, rng)
    lexical(args.n, args.queries, rng)


if __name__ == "__main__":
    main()
