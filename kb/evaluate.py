"""Retrieval evaluation: metrics, query files, TREC run files.

Two kinds of query files are read. Benchmark sets (../shared/eval) list `positive_ids` of
corpus documents; a trainer's own file lists `gold` strings, and a retrieved passage that
contains one (compared script-folded) is a hit. Ranks are per document: a document's rank is
that of its best passage.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import KbError
from .text import fold
from .types import Document, Hit

CUTOFFS = (1, 5, 20)
RETRIEVE_PASSAGES = 60


@dataclass(frozen=True)
class EvalQuery:
    id: str
    query: str
    positive_ids: frozenset[str] = frozenset()
    gold: tuple[str, ...] = ()


@dataclass
class ModeResult:
    """Metrics (percentages for recall, 0–1 for MRR/nDCG) and latency for one mode."""

    mode: str
    queries: int
    metrics: dict[str, float]
    latency_ms: dict[str, float]
    rankings: dict[str, list[tuple[str, float]]] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        return {"mode": self.mode, "queries": self.queries, **self.metrics, **{f"latency_{k}_ms": v for k, v in self.latency_ms.items()}}


def default_index_for(corpus: Path) -> Path:
    """A cache folder per corpus file, so repeated evaluations reuse its embeddings."""
    import hashlib
    import os

    digest = hashlib.sha256(corpus.resolve().as_posix().encode()).hexdigest()[:10]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kb" / "eval"
    return cache / f"{corpus.resolve().parent.name}-{digest}"


def _read_jsonl(path: Path) -> Iterable[tuple[int, dict]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise KbError(f"cannot read {path}: {exc.strerror}") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise KbError(f"{path}:{number} is not valid JSON ({exc.msg})") from exc


def load_corpus(path: Path) -> list[Document]:
    """`{id, title, text}` lines → Documents; the title becomes the first line (a heading)."""
    documents = []
    for number, record in _read_jsonl(path):
        if "id" not in record or "text" not in record:
            raise KbError(f"{path}:{number} needs \"id\" and \"text\" fields")
        title = (record.get("title") or "").strip()
        text = f"{title}\n{record['text']}" if title else record["text"]
        documents.append(Document(str(record["id"]), title or str(record["id"]), f"{path.name}#{record['id']}", text))
    if not documents:
        raise KbError(f"{path} holds no documents")
    return documents


def load_queries(path: Path) -> list[EvalQuery]:
    """`{id, query, positive_ids}` or `{query, gold}` lines → EvalQuery."""
    queries = []
    for number, record in _read_jsonl(path):
        query = record.get("query") or record.get("question")
        positives = record.get("positive_ids") or []
        gold = record.get("gold") or []
        if isinstance(gold, str):
            gold = [gold]
        if not query or not (positives or gold):
            raise KbError(f"{path}:{number} needs \"query\" and either \"positive_ids\" or \"gold\"")
        queries.append(EvalQuery(str(record.get("id", number)), query, frozenset(map(str, positives)), tuple(gold)))
    if not queries:
        raise KbError(f"{path} holds no queries")
    return queries


def document_ranking(hits: Sequence[Hit]) -> list[tuple[str, float]]:
    """Documents in the order of their best passage, with that passage's score."""
    seen: dict[str, float] = {}
    for hit in hits:
        seen.setdefault(hit.passage.doc_id, hit.score)
    return list(seen.items())


def relevance(query: EvalQuery, hits: Sequence[Hit]) -> list[bool]:
    """Per ranked item: is it relevant? Documents for id-labelled queries, passages for gold strings."""
    if query.gold:
        gold = [fold(g) for g in query.gold]
        return [any(g in fold(h.passage.text) for g in gold) for h in hits]
    return [doc_id in query.positive_ids for doc_id, _ in document_ranking(hits)]


def metrics(judgements: Sequence[Sequence[bool]], positives: Sequence[int]) -> dict[str, float]:
    """R@k (share of queries with a relevant item in the top k, in %), MRR@10, nDCG@10.

    `positives[i]` is how many relevant items query i has (for the ideal DCG).
    """
    n = len(judgements)
    if n == 0:
        return {}
    result = {}
    for k in CUTOFFS:
        result[f"R@{k}"] = 100.0 * sum(any(j[:k]) for j in judgements) / n
    result["MRR@10"] = sum(next((1.0 / (i + 1) for i, rel in enumerate(j[:10]) if rel), 0.0) for j in judgements) / n
    ndcg = 0.0
    for j, count in zip(judgements, positives):
        dcg = sum(1.0 / math.log2(i + 2) for i, rel in enumerate(j[:10]) if rel)
        ideal = sum(1.0 / math.log2(i + 2) for i in range(min(max(count, 1), 10)))
        ndcg += dcg / ideal
    result["nDCG@10"] = ndcg / n
    return result


def evaluate(
    search: Callable[[str, int, str], list[Hit]],
    queries: Sequence[EvalQuery],
    mode: str,
    on_query: Callable[[], None] | None = None,
) -> ModeResult:
    """Run every query in one mode and score the rankings."""
    judgements, positives, latencies = [], [], []
    rankings: dict[str, list[tuple[str, float]]] = {}
    for query in queries:
        started = time.perf_counter()
        hits = search(query.query, RETRIEVE_PASSAGES, mode)
        latencies.append((time.perf_counter() - started) * 1000)
        judged = relevance(query, hits)
        judgements.append(judged)
        # Gold-string queries have no known count of relevant passages: the ideal ranking
        # puts every relevant passage that was retrieved first.
        positives.append(len(query.positive_ids) or max(1, sum(judged)))
        rankings[query.id] = document_ranking(hits)
        if on_query:
            on_query()
    latency = {"p50": float(np.percentile(latencies, 50)), "p95": float(np.percentile(latencies, 95))}
    return ModeResult(mode, len(queries), metrics(judgements, positives), latency, rankings)


def write_trec_run(path: Path, results: Sequence[ModeResult]) -> None:
    """`qid Q0 doc_id rank score tag` lines, ranks from 1, tag = kb-<mode>."""
    with path.open("w", encoding="utf-8") as out:
        for result in results:
            for qid, ranking in result.rankings.items():
                for rank, (doc_id, score) in enumerate(ranking, start=1):
                    out.write(f"{qid} Q0 {doc_id} {rank} {score:.6f} kb-{result.mode}\n")
