"""Retrieval and answer evaluation: metrics, query files, TREC run files.

Two kinds of query files are read. Benchmark sets (../shared/eval) list `positive_ids` of
corpus documents; a trainer's own file lists `gold` strings, and a retrieved passage that
contains one (compared script-folded) is a hit. Ranks are per document: a document's rank is
that of its best passage.

Rankings are not what a trainee reads, so queries with gold text (`answers` in the benchmark
sets, `gold` in a trainer's file) are also asked, and the answer itself is judged: does the
quoted text contain the gold answer, does the sentence kb ranks first, and how often could it
have (the top-5 passages contain it)? Gold and quoted text are compared script-folded, without
punctuation or spaces.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from kb.answering.sentence_quality import junk_reason
from kb.answering.series import continues
from kb.errors import KbError
from kb.ingest.clean import clean
from kb.language.text import comparable, fold
from kb.profile import default_profile
from kb.types import Answer, Document, Hit, Mode

CUTOFFS = (1, 5, 20)
RETRIEVE_PASSAGES = 60
ANSWER_PASSAGES = 5  # what `kb ask` shows by default, and the ceiling the answer is judged against
R = TypeVar("R", bound="_Record")
_EXPECTED = {
    "id": "must be a string or an integer",
    "text": "must be a string",
    "title": "must be a string",
    "query": "must be a string",
    "question": "must be a string",
    "positive_ids": "must be a list of document ids",
    "gold": "must be a string or a list of strings",
    "answers": "must be a string or a list of strings",
}


@dataclass(frozen=True)
class EvalQuery:
    id: str
    query: str
    positive_ids: frozenset[str] = frozenset()
    gold: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()

    @property
    def gold_text(self) -> tuple[str, ...]:
        """What a correct answer quotes: the set's `answers`, else the trainer's `gold` strings."""
        return self.answers or self.gold


@dataclass
class ModeResult:
    """Metrics (percentages for recall, 0–1 for MRR/nDCG) and latency for one mode."""

    mode: Mode
    queries: int
    metrics: dict[str, float]
    latency_ms: dict[str, float]
    rankings: dict[str, list[tuple[str, float]]] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        return {
            "mode": self.mode,
            "queries": self.queries,
            **self.metrics,
            **{f"latency_{k}_ms": v for k, v in self.latency_ms.items()},
        }


def default_index_for(corpus: Path) -> Path:
    """A cache folder per corpus file, so repeated evaluations reuse its embeddings."""
    import hashlib

    from kb.stores.integrity import cache_root

    digest = hashlib.sha256(corpus.resolve().as_posix().encode()).hexdigest()[:10]
    return cache_root() / "eval" / f"{corpus.resolve().parent.name}-{digest}"


def _read_jsonl(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    """(line number, object) per non-blank line. Lines are split at line feeds only, as JSON
    Lines says: U+2028 inside a string is text, not a line break."""
    from kb.ingest.loaders import read_text
    from kb.language.text import file_lines

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KbError(f"cannot read {path}: {exc.strerror}") from exc
    for number, line in enumerate(file_lines(read_text(data, str(path))), start=1):
        if line.strip():
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise KbError(f"{path}:{number} is not valid JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise KbError(f"{path}:{number} is not a JSON object: write one {{...}} per line")
            yield number, record


Id = str | int  # strictly: not true, 1.5 or a list
Strings = str | list[str]


class _Record(BaseModel):
    """One line of a JSONL file kb reads: unknown keys are allowed (the sets carry more)."""

    model_config = ConfigDict(extra="allow", strict=True)


class CorpusRecord(_Record):
    id: Id
    text: str
    title: str | None = None


class QueryRecord(_Record):
    id: Id | None = None
    query: str | None = None
    question: str | None = None
    positive_ids: list[Id] = []
    gold: Strings | None = None
    answers: Strings | None = None


def _validated(model: type[R], path: Path, number: int, record: dict[str, Any]) -> R:
    """The record as `model`, else KbError naming the file, line and field."""
    try:
        return model.model_validate(record)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"][:1])
        expected = _EXPECTED.get(field, "has the wrong type")
        raise KbError(f'{path}:{number}: "{field}" {expected} ({error["msg"]})') from None


def load_corpus(path: Path) -> list[Document]:
    """`{id, title, text}` lines → Documents; the title becomes the first line (a heading).
    Ids are unique: a repeat is named with both lines before any embedding is done."""
    documents = []
    first_line: dict[str, int] = {}
    for number, raw in _read_jsonl(path):
        if "id" not in raw or "text" not in raw:
            raise KbError(f'{path}:{number} needs "id" and "text" fields')
        record = _validated(CorpusRecord, path, number, raw)
        doc_id = str(record.id)
        if doc_id in first_line:
            first = first_line[doc_id]
            raise KbError(f"{path}:{number}: id {doc_id!r} is already used on line {first}: ids must be unique")
        first_line[doc_id] = number
        title = (record.title or "").strip()
        text = f"{title}\n{record.text}" if title else record.text
        documents.append(Document(doc_id, title or doc_id, f"{path.name}#{doc_id}", text))
    if not documents:
        raise KbError(f"{path} holds no documents")
    return documents


def load_queries(path: Path) -> list[EvalQuery]:
    """`{id, query, positive_ids[, answers]}` or `{query, gold}` lines → EvalQuery."""
    queries = []
    for number, raw in _read_jsonl(path):
        record = _validated(QueryRecord, path, number, raw)
        query = record.query or record.question
        gold, answers = _strings(record.gold), _strings(record.answers)
        if not query or not (record.positive_ids or gold):
            raise KbError(f'{path}:{number} needs "query" and either "positive_ids" or "gold"')
        positives = frozenset(map(str, record.positive_ids))
        queries.append(EvalQuery(str(record.id if record.id is not None else number), query, positives, gold, answers))
    if not queries:
        raise KbError(f"{path} holds no queries")
    return queries


def _strings(value: str | list[str] | None) -> tuple[str, ...]:
    """A string or list of strings from a query record, empty ones dropped."""
    values = [value] if isinstance(value, str) else value or []
    return tuple(v for v in values if v.strip())


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


def as_cleaned(text: str) -> str:
    """Gold text copied from a raw file, rid of the inline debris ingest cleans from documents
    (the shipped profile's inline rules): 「企業(yè)沒有市場部」 is indexed, and so quoted, as
    「企業沒有市場部」, and only a gold text read the same way can be found in an answer."""
    inline = [rule for rule in default_profile().cleaning_rules if rule.kind == "inline"]
    return clean(text, inline).text


@dataclass(frozen=True)
class AnswerJudgement:
    """How one answer fared against its query's gold text."""

    retrievable: bool  # a top-5 passage contains the gold text: the answer could quote it
    answer_contains: bool
    best_sentence_contains: bool
    chars: int  # characters quoted (citation marks excluded)
    found: bool
    # A quoted sentence cannot stand on its own (sentence_quality.junk_reason); the next item
    # of a list quoted just before it does (series.continues).
    junk: bool = False
    # kb's own top-ranked passage, cut to the answer's length, contains the gold text: the
    # baseline an extractive answer has to beat.
    baseline_contains: bool = False


def judge_answer(query: EvalQuery, answer: Answer) -> AnswerJudgement:
    """Does the answer (and its first, best-ranked sentence) quote one of the gold texts?"""
    gold = [g for g in (comparable(as_cleaned(text)) for text in query.gold_text) if g]
    quoted = [comparable(s.text) for s in answer.sentences]

    def contains(text: str) -> bool:
        return any(g in text for g in gold)

    chars = sum(len(s.text) for s in answer.sentences)
    top = next((h.passage.text for h in answer.hits if h.rank == 1), "")
    return AnswerJudgement(
        retrievable=any(contains(comparable(h.passage.text)) for h in answer.hits if h.rank <= ANSWER_PASSAGES),
        answer_contains=contains("".join(quoted)),
        best_sentence_contains=bool(quoted) and contains(quoted[0]),
        chars=chars,
        found=answer.found,
        junk=any(
            junk_reason(s.text) and not (i and continues(answer.sentences[i - 1].text, s.text))
            for i, s in enumerate(answer.sentences)
        ),
        baseline_contains=answer.found and contains(comparable(top[: max(chars, 1)])),
    )


def answer_metrics(judgements: Sequence[AnswerJudgement]) -> dict[str, float]:
    """Answer quality in %: absolute, and among the questions whose top-5 passages hold the
    gold text (what sentence choice alone is responsible for); mean length; not-found rate."""
    n = len(judgements)
    if n == 0:
        return {}
    retrievable = [j for j in judgements if j.retrievable]

    def share(items: Sequence[AnswerJudgement], test: Callable[[AnswerJudgement], bool]) -> float:
        return 100.0 * sum(map(test, items)) / len(items) if items else 0.0

    return {
        "passages_contain": share(judgements, lambda j: j.retrievable),
        "answer_contains": share(judgements, lambda j: j.answer_contains),
        "answer_contains_when_retrievable": share(retrievable, lambda j: j.answer_contains),
        "best_sentence_contains_when_retrievable": share(retrievable, lambda j: j.best_sentence_contains),
        "answer_chars": sum(j.chars for j in judgements) / n,
        "junk": share(judgements, lambda j: j.junk),
        "baseline_contains": share(judgements, lambda j: j.baseline_contains),
        "not_found": share(judgements, lambda j: not j.found),
    }


def evaluate(
    search: Callable[[str, int, Mode], list[Hit]],
    queries: Sequence[EvalQuery],
    mode: Mode,
    on_query: Callable[[], None] | None = None,
    ask: Callable[[str, int, Mode], Answer] | None = None,
) -> ModeResult:
    """Run every query in one mode and score the rankings; with `ask`, also ask every query
    that has gold text and score the answers (see `answer_metrics`)."""
    judgements, positives, latencies = [], [], []
    answers: list[AnswerJudgement] = []
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
        if ask is not None and query.gold_text:
            answers.append(judge_answer(query, ask(query.query, ANSWER_PASSAGES, mode)))
        if on_query:
            on_query()
    latency = {"p50": float(np.percentile(latencies, 50)), "p95": float(np.percentile(latencies, 95))}
    return ModeResult(mode, len(queries), metrics(judgements, positives) | answer_metrics(answers), latency, rankings)


def write_trec_run(path: Path, results: Sequence[ModeResult]) -> None:
    """`qid Q0 doc_id rank score tag` lines, ranks from 1, tag = kb-<mode>."""
    with path.open("w", encoding="utf-8") as out:
        for result in results:
            for qid, ranking in result.rankings.items():
                for rank, (doc_id, score) in enumerate(ranking, start=1):
                    out.write(f"{qid} Q0 {doc_id} {rank} {score:.6f} kb-{result.mode}\n")
