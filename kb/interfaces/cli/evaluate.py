"""`kb eval`: retrieval and answer metrics per mode, on a benchmark set or your own questions."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kb.interfaces.progress import ProgressReport
from kb.types import MODES, Mode

if TYPE_CHECKING:
    from kb.knowledge_base import KnowledgeBase
    from kb.study.evaluate import ModeResult


@click.command(name="eval")
@click.option(
    "--queries",
    "queries_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSONL: {id, query, positive_ids} or {query, gold: [strings]}.",
)
@click.option(
    "--corpus",
    "corpus_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSONL {id, title, text} to index and search; without it, the --index is searched.",
)
@click.option(
    "--index",
    "index_dir",
    envvar="KB_INDEX",
    type=click.Path(file_okay=False, path_type=Path),
    help="Index to use (with --corpus: built or reused there; default a cache folder per corpus).",
)
@click.option(
    "--mode",
    "modes",
    multiple=True,
    type=click.Choice(MODES),
    help="Modes to evaluate (repeatable; default all three).",
)
@click.option(
    "--model",
    default=None,
    help="Embedding model for a --corpus build (default: e5-small, or the cached index's model).",
)
@click.option("--limit", type=click.IntRange(1), help="Evaluate only the first N queries.")
@click.option(
    "--run",
    "run_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a TREC run file (qid Q0 doc_id rank score tag).",
)
@click.option("--retrieval-only", is_flag=True, help="Skip asking the questions; measure rankings only (faster).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def evaluate(
    queries_path: Path,
    corpus_path: Path | None,
    index_dir: Path | None,
    modes: tuple[Mode, ...],
    model: str | None,
    limit: int | None,
    run_path: Path | None,
    retrieval_only: bool,
    as_json: bool,
) -> None:
    """Measure retrieval and answers per mode.

    Retrieval: R@1, R@5, R@20, MRR@10, nDCG@10 and latency. Answers, for queries with gold
    text (`answers` or `gold`): how often the top-5 passages contain it (P5, the ceiling), the
    answer quotes it (answer, answer|P5), the first-ranked sentence quotes it (best|P5), the
    mean answer length in quoted characters, and the share answered "not found". Gold and
    answer are compared script-folded, without punctuation.

    \b
    Benchmark set (the index is built once, then reused):
      kb eval --corpus ../shared/eval/drcd/corpus.jsonl --queries ../shared/eval/drcd/queries_small.jsonl
    Your own questions with gold strings against the seed index:
      kb eval --queries tests/data/seed_questions.jsonl --index index
    """
    from kb.study import evaluate as ev

    queries = ev.load_queries(queries_path)[:limit]
    kb = _knowledge_base(corpus_path, index_dir, model)
    results = []
    for mode in modes or ("bm25", "dense", "hybrid"):
        with click.progressbar(length=len(queries), label=f"Querying ({mode})", file=sys.stderr) as bar:
            results.append(
                ev.evaluate(
                    kb.search,
                    queries,
                    mode,
                    on_query=lambda: bar.update(1),
                    ask=None if retrieval_only else kb.ask,
                )
            )
    if run_path:
        ev.write_trec_run(run_path, results)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        _print_results(results, len(queries), kb)


def _knowledge_base(corpus_path: Path | None, index_dir: Path | None, model: str | None) -> KnowledgeBase:
    """The index to evaluate: built from --corpus (reusing what it can of the index there), else
    the --index as it is."""
    from kb.ingest.options import IngestOptions
    from kb.knowledge_base import KnowledgeBase
    from kb.study import evaluate as ev

    if corpus_path is None:
        return KnowledgeBase.open(index_dir or Path("index"))
    documents = ev.load_corpus(corpus_path)
    index_dir = index_dir or ev.default_index_for(corpus_path)
    with ProgressReport() as progress:
        kb = KnowledgeBase.build(documents, index_dir, options=IngestOptions(model=model, progress=progress))
    report = kb.last_ingest
    assert report is not None
    click.echo(
        f"Index {index_dir}: {report.passages} passages ({report.embedded} embedded, {report.reused} reused).",
        err=True,
    )
    return kb


def _print_results(results: list[ModeResult], queries: int, kb: KnowledgeBase) -> None:
    """A table of retrieval metrics per mode, then one of answer metrics when the queries have
    gold text."""
    click.echo(f"{queries} queries against {kb.index.passage_count} passages ({kb.index.location})")
    click.echo("Retrieval")
    click.echo(f"{'mode':<8}{'R@1':>7}{'R@5':>7}{'R@20':>7}{'MRR@10':>8}{'nDCG@10':>9}{'p50 ms':>8}{'p95 ms':>8}")
    for r in results:
        m = r.metrics
        click.echo(
            f"{r.mode:<8}{m['R@1']:>7.1f}{m['R@5']:>7.1f}{m['R@20']:>7.1f}{m['MRR@10']:>8.3f}{m['nDCG@10']:>9.3f}{r.latency_ms['p50']:>8.1f}{r.latency_ms['p95']:>8.1f}"
        )
    answered = [r for r in results if "answer_contains" in r.metrics]
    if answered:
        click.echo("\nAnswers (% of questions; '|P5' = of those whose top-5 passages contain the gold text)")
        click.echo(f"{'mode':<8}{'P5':>7}{'answer':>8}{'answer|P5':>11}{'best|P5':>9}{'chars':>7}{'none':>6}")
        for r in answered:
            m = r.metrics
            click.echo(
                f"{r.mode:<8}{m['passages_contain']:>7.1f}{m['answer_contains']:>8.1f}{m['answer_contains_when_retrievable']:>11.1f}"
                f"{m['best_sentence_contains_when_retrievable']:>9.1f}{m['answer_chars']:>7.0f}{m['not_found']:>6.1f}"
            )
