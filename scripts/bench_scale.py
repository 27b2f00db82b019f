"""Scale: kb's own index builders at 1,000,000 synthetic passages, and a store side by side
with the local one.

Without --store: FAISS and BM25 (bm25s) built by kb's builders over 1M synthetic passages:
build time, single-query latency, recall@10 of the approximate index, bytes per passage.

With --store URI (e.g. milvus:///tmp/kb-bench.db, or http://127.0.0.1:19530 for a server):
  quality    R@5 / MRR@10 on cmrc2018 and drcd (queries_small), every mode, local vs the store
             (the store's copy reuses the cached local index's vectors: nothing is embedded)
  stores     ingest rows/s and query p50/p95 (BM25 + dense top-200, then the top 10 read back:
             what one kb search asks of a store) at each --sizes, local vs the store
  embedding  passages/s embedding seed passages with 1 and 2 worker processes, and Ray (local)
  analyzer   (on request) BM25 by Milvus's own function and jieba analyzer vs kb's sparse vectors

    python scripts/bench_scale.py --n 1000000 --queries 200
    python scripts/bench_scale.py --store milvus:///tmp/kb-bench.db --sizes 100000 1000000
    python scripts/bench_scale.py --store milvus:///tmp/kb-bench.db --parts quality
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from kb.stores.bm25_index import Bm25Index


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

    from kb.stores.vector_index import build_dense_index

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

    docs, vocab, weights = zipf_documents(n, rng)
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


def zipf_documents(n: int, rng: np.random.Generator) -> tuple[list[list[str]], np.ndarray, np.ndarray]:
    """n documents of 20–60 terms drawn Zipf-like from 50,000 (and the vocabulary, weights)."""
    vocab = np.array([f"t{i}" for i in range(50_000)])
    weights = 1 / np.arange(1, len(vocab) + 1) ** 1.05
    weights /= weights.sum()
    lengths = rng.integers(20, 60, n)
    flat = rng.choice(len(vocab), size=int(lengths.sum()), p=weights)
    docs, cursor = [], 0
    for length in lengths:
        docs.append([str(t) for t in vocab[flat[cursor : cursor + length]]])
        cursor += length
    return docs, vocab, weights


def synthetic_contents(n: int, rng: np.random.Generator):
    """An index's contents with n passages: 384-d clustered vectors, Zipf BM25 terms, 100 short
    documents (no quotable sentences: stores answer those by passage, which is measured)."""
    from kb.ingest.chunk import ChunkSettings
    from kb.profile import default_profile
    from kb.provenance import Places, Provenance
    from kb.stores.base import IndexContents
    from kb.stores.manifest import Counts, Manifest, ModelEntry, SourceEntry
    from kb.stores.passage_db import StoredDocument
    from kb.types import Passage

    terms, vocab, weights = zipf_documents(n, rng)
    vectors = clustered_vectors(n, 384, clusters=2000, rng=rng)
    text = "营销是一个系统，而销售只是营销的一部分。" * 5
    documents = [
        StoredDocument(
            f"d{i}",
            f"文档{i}",
            f"d{i}.txt",
            "utf-8",
            "0" * 64,
            text,
            Provenance.of(np.arange(len(text)), Places.lines(text)),
        )
        for i in range(100)
    ]
    passages = [
        Passage(i, f"d{i % 100}", f"文档{i % 100}", f"d{i % 100}.txt", 0, len(text), text, "") for i in range(n)
    ]
    contents = IndexContents(
        documents,
        passages,
        [f"{i:040x}" for i in range(n)],
        vectors,
        terms,
        [],
        np.zeros((0, 384), np.float32),
        default_profile(),
    )
    manifest = Manifest(
        "bench",
        "synthetic",
        time.strftime("%Y-%m-%dT%H:%M:%S"),
        ModelEntry("synthetic", 384),
        ChunkSettings(),
        {"k1": 1.2, "b": 0.75},
        Counts(len(documents), n, 0),
        {d.source: SourceEntry(d.doc_id, d.sha256, d.encoding) for d in documents},
    )
    return contents, manifest, vocab, weights


def store_latency(location: str, vectors: np.ndarray, term_queries: list[list[str]]) -> tuple[float, float]:
    """p50/p95 ms of what one kb search asks of a store: BM25 and dense top-200, then 10 passages."""
    from kb.stores.registry import open_index

    index = open_index(location)
    index.dense_ranking(vectors[0], 200)  # load before timing
    index.bm25_ranking(dict.fromkeys(term_queries[0], 1.0), 200)
    times = []
    for vector, terms in zip(vectors, term_queries):
        started = time.perf_counter()
        ids, _ = index.bm25_ranking(dict.fromkeys(terms, 1.0), 200)
        dense_ids, _ = index.dense_ranking(vector, 200)
        index.passages([int(i) for i in list(dict.fromkeys([*ids[:5], *dense_ids[:5]]))][:10])
        times.append((time.perf_counter() - started) * 1000)
    index.close()
    return float(np.median(times)), float(np.percentile(times, 95))


def stores(store: str, sizes: list[int], n_queries: int, rng: np.random.Generator) -> None:
    from kb.stores.registry import write_index

    print(f"stores: ingest rows/s and query p50/p95 (BM25 + dense top-200, 10 passages read), {n_queries} queries")
    for n in sizes:
        contents, manifest, vocab, weights = synthetic_contents(n, rng)
        queries = contents.vectors[rng.integers(0, n, n_queries)]
        term_queries = [[str(t) for t in vocab[rng.choice(len(vocab), size=4, p=weights)]] for _ in range(n_queries)]
        with tempfile.TemporaryDirectory() as tmp:
            for name, location in (
                ("local", str(Path(tmp) / "index")),
                ("store", f"{store}{'&' if '?' in store else '?'}name=bench{n}"),
            ):
                started = time.perf_counter()
                write_index(location, contents, manifest)
                seconds = time.perf_counter() - started
                p50, p95 = store_latency(location, queries, term_queries)
                shown = "local" if name == "local" else store
                print(
                    f"  {n:>9,} passages  {shown:<32} ingest {n / seconds:8,.0f} rows/s ({seconds:6.1f} s)  "
                    f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"
                )
        del contents


def quality(store: str, sets: list[str]) -> None:
    from kb import KnowledgeBase
    from kb.ingest.pipeline import ingest
    from kb.study.evaluate import default_index_for, evaluate, load_corpus, load_queries

    eval_root = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
    print("quality: R@5 / MRR@10 on each set's queries_small.jsonl (500 questions)")
    for name in sets:
        corpus = eval_root / name / "corpus.jsonl"
        local_index = default_index_for(corpus)
        documents = load_corpus(corpus)
        ingest(documents, local_index)  # reuses the cached index when unchanged
        location = f"{store}{'&' if '?' in store else '?'}name={name}"
        started = time.perf_counter()
        report = ingest(documents, location, reuse_from=local_index)
        print(f"  {name}: copied into {store} in {time.perf_counter() - started:.0f} s ({report.embedded} embedded)")
        queries = load_queries(eval_root / name / "queries_small.jsonl")
        for mode in ("bm25", "dense", "hybrid"):
            cells = []
            for where in (local_index, location):
                kb = KnowledgeBase.open(where)
                m = evaluate(kb.search, queries, mode).metrics
                cells.append(f"{m['R@5']:5.1f} / {m['MRR@10']:.3f}")
            print(f"    {mode:<7} local {cells[0]}   store {cells[1]}")


def milvus_analyzer(store: str, sets: list[str]) -> None:
    """The design choice measured: Milvus's own BM25 (its jieba analyzer and BM25 function over
    the passage text) against kb's BM25 weights as sparse vectors, on the same passages."""
    from pymilvus import DataType, Function, FunctionType

    from kb import KnowledgeBase
    from kb.stores.milvus_connect import MilvusLocation, connect
    from kb.study.evaluate import default_index_for, evaluate, load_queries
    from kb.types import Hit

    eval_root = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
    client = connect(MilvusLocation.parse(store))
    print("BM25 R@5 / MRR@10: Milvus's BM25 function (jieba analyzer) vs kb's analysis as sparse vectors")
    for name in sets:
        queries = eval_root / name / "queries_small.jsonl"
        kb = KnowledgeBase.open(default_index_for(eval_root / name / "corpus.jsonl") if name != "seed" else "index")
        if name == "seed":
            queries = Path(__file__).resolve().parent.parent / "tests/data/seed_questions.jsonl"
        passages = kb.passages()
        collection = f"analyzer_{name}"
        if client.has_collection(collection):
            client.drop_collection(collection)
        schema = client.create_schema(auto_id=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        analyzer = {"tokenizer": "jieba"}
        schema.add_field("text", DataType.VARCHAR, max_length=65535, enable_analyzer=True, analyzer_params=analyzer)
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_function(
            Function(
                name="bm25", function_type=FunctionType.BM25, input_field_names=["text"], output_field_names=["sparse"]
            )
        )
        index_params = client.prepare_index_params()
        index_params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        client.create_collection(collection, schema=schema, index_params=index_params, consistency_level="Strong")
        rows = [{"id": p.id, "text": f"{p.heading}\n{p.text}" if p.heading else p.text} for p in passages]
        for begin in range(0, len(rows), 500):
            client.insert(collection, rows[begin : begin + 500])
        by_id = {p.id: p for p in passages}

        def milvus_search(question: str, k: int, mode: str, collection=collection, by_id=by_id) -> list[Hit]:
            found = client.search(collection, [question], anns_field="sparse", limit=k, output_fields=["id"])[0]
            return [Hit(rank, float(h["distance"]), by_id[int(h["id"])], {}) for rank, h in enumerate(found, start=1)]

        loaded = load_queries(queries)
        theirs = evaluate(milvus_search, loaded, "bm25").metrics
        ours = evaluate(kb.search, loaded, "bm25").metrics
        print(
            f"  {name:<9} {len(loaded):>4} questions  "
            f"Milvus BM25 function {theirs['R@5']:5.1f} / {theirs['MRR@10']:.3f}   "
            f"kb's sparse vectors {ours['R@5']:5.1f} / {ours['MRR@10']:.3f}"
        )
        client.drop_collection(collection)


def embedding(workers: list[int]) -> None:
    from kb.embedding.models import load_embedder
    from kb.embedding.parallel import RAY_LOCAL, SpreadEmbedder

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    texts = [
        line for path in sorted(corpus.glob("*.txt")) for line in path.read_text("utf-8").splitlines() if len(line) > 20
    ][:256]
    model = load_embedder("e5-small")
    print(f"embedding: {len(texts)} seed paragraphs with e5-small, {os.cpu_count()} cores")
    for label, embedder in [
        (f"{n} worker process{'es' if n > 1 else ''}", SpreadEmbedder(model, n)) for n in workers
    ] + [(f"Ray (local, {max(workers)} actors)", SpreadEmbedder(model, max(workers), RAY_LOCAL))]:
        started = time.perf_counter()
        embedder.encode(texts)
        seconds = time.perf_counter() - started
        print(f"  {label:<28} {len(texts) / seconds:6.1f} passages/s ({seconds:.1f} s, worker start-up included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="passages for the builder benchmark")
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--store", help="a store URI to compare with the local store")
    parser.add_argument("--sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--sets", nargs="*", default=["cmrc2018", "drcd"])
    parser.add_argument("--workers", nargs="*", type=int, default=[1, 2])
    parser.add_argument(
        "--parts",
        nargs="*",
        choices=["quality", "stores", "embedding", "analyzer"],
        default=["quality", "stores", "embedding"],
    )
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"machine: {os.cpu_count()} cores")
    if not args.store:
        dense(args.n, args.dim, args.queries, rng)
        lexical(args.n, args.queries, rng)
        return
    if "quality" in args.parts:
        quality(args.store, args.sets)
    if "stores" in args.parts:
        stores(args.store, args.sizes, args.queries, rng)
    if "embedding" in args.parts:
        embedding(args.workers)
    if "analyzer" in args.parts:
        milvus_analyzer(args.store, [*args.sets, "seed"])


if __name__ == "__main__":
    main()
