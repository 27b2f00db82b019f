"""The `kb` command line: parse, call the library, print. No logic of its own."""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, cast

import click

from kb.errors import KbError
from kb.ingest.extract_worker import DEFAULT_FILE_MEMORY_MB, DEFAULT_FILE_SECONDS, Budget
from kb.interfaces.progress import ProgressReport
from kb.types import MODES, Mode

if TYPE_CHECKING:
    from kb.answering.contrast import Contrast
    from kb.language.text import Script
    from kb.profile import Profile
    from kb.types import Answer, Explanation

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Line breaks a file name may hold: in a one-line message they are shown escaped, so a name
# cannot print as lines of its own (a fake 「Indexed …」 among the warnings).
_LINE_BREAKS = str.maketrans({"\n": "\\n", "\r": "\\r", "\x85": "\\x85", "\u2028": "\\u2028", "\u2029": "\\u2029"})

INDEX_OPTION = click.option(
    "--index",
    "index_dir",
    envvar="KB_INDEX",
    default="index",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Index folder (or set KB_INDEX).",
)
STORE_OPTION = click.option(
    "--store",
    envvar="KB_STORE",
    default=None,
    metavar="URI",
    help="Keep the index in Milvus instead of the --index folder (or set KB_STORE): milvus://FILE.db "
    "(Milvus Lite) or http(s)://HOST:19530 (a server; token in KB_MILVUS_TOKEN); ?name=N picks one of "
    "several indexes. Needs kb[scale].",
)
DEVICE_OPTION = click.option(
    "--device",
    default="cpu",
    show_default=True,
    metavar="DEVICE",
    help="Where the embedding model runs: cpu, or cuda / cuda:N for a GPU (sentence-transformers models "
    "such as m3e-small; e5-small's engine is CPU-only). An error if that GPU is not there.",
)

RERANKER_OPTION = click.option(
    "--reranker",
    default=None,
    metavar="NAME",
    help="Reorder the fused passages with this reranker, one an installed plug-in registers (kb ships none).",
)


def index_location(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--index FOLDER` and `--store URI`, handed to the command as one `index_dir`: the
    store URI when given, else the folder."""

    @functools.wraps(command)
    def with_location(*args: Any, store: str | None, index_dir: Path, **kwargs: Any) -> Any:
        return command(*args, index_dir=store or index_dir, **kwargs)

    return INDEX_OPTION(STORE_OPTION(with_location))


class KbGroup(click.Group):
    """Turns KbError into a one-line `Error: …` with exit code 1, and Ctrl-C into exit 130."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KbError as exc:
            raise click.ClickException(_one_line(str(exc))) from None
        except KeyboardInterrupt:
            click.echo("Interrupted; any index that was live before is unchanged.", err=True)
            sys.exit(130)


@click.group(cls=KbGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kb")
def main() -> None:
    """Ask questions of a Chinese knowledge base, offline, with cited answers.

    \b
    Typical session:
      kb ingest corpus/                 # build ./index from the bundled articles
      kb ask "营销和销售的区别"           # answer + numbered sources
      kb ask "市場營銷與銷售的區別" --json # the same, as JSON for other tools
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_location
@click.option(
    "--model",
    default=None,
    help="Embedding model: e5-small (default), m3e-small, one an installed plug-in registers, or a "
    "sentence-transformers folder. Default: the index's current model, else e5-small.",
)
@click.option(
    "--chunk-chars",
    default=240,
    show_default=True,
    type=click.IntRange(20, 2000),
    help="Maximum passage length in characters.",
)
@click.option(
    "--overlap",
    default=1,
    show_default=True,
    type=click.IntRange(0, 5),
    help="Sentences shared by neighbouring passages.",
)
@click.option(
    "--profile",
    "profile_path",
    default=None,
    help="The subject's vocabulary: a kb.toml file, a folder holding one, or 'default' (kb's own). "
    "Default: the kb.toml at the top of a corpus folder, else the index's current profile, else kb's own.",
)
@click.option(
    "--follow-links",
    is_flag=True,
    help="Also index files that symbolic links lead to outside PATHS (skipped with a warning otherwise).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    default=None,
    help="Embed with this many models at once, in worker processes (or Ray actors with --ray). "
    "Pays only with more cores than one model keeps busy.  [default: 1; with --ray, one per cluster CPU]",
)
@click.option(
    "--ray",
    "ray_address",
    metavar="ADDRESS",
    default=None,
    help="Embed on a Ray cluster: auto (the one this machine belongs to), ray://HOST:10001, or local "
    "(start one on this machine). Needs kb[scale].",
)
@click.option(
    "--reuse-from",
    metavar="INDEX",
    default=None,
    help="Also reuse the embeddings of this index (a folder or store URI built with the same model), "
    "e.g. to move a local index into Milvus without embedding again.",
)
@click.option(
    "--file-timeout",
    type=click.IntRange(1, 86400),
    default=DEFAULT_FILE_SECONDS,
    show_default=True,
    metavar="SECONDS",
    help="Time one file's reading may take; a file still being read then (a damaged PDF that loops) is skipped "
    "with a warning.",
)
@click.option(
    "--file-memory",
    type=click.IntRange(64, 1_048_576),
    default=DEFAULT_FILE_MEMORY_MB,
    show_default=True,
    metavar="MB",
    help="Memory one file's reading may take; a file that needs more is skipped with a warning.",
)
@DEVICE_OPTION
def ingest(
    paths: tuple[Path, ...],
    index_dir: Path | str,
    model: str | None,
    chunk_chars: int,
    overlap: int,
    profile_path: str | None,
    follow_links: bool,
    workers: int | None,
    ray_address: str | None,
    reuse_from: str | None,
    file_timeout: int,
    file_memory: int,
    device: str,
) -> None:
    """Build or update the index from text files and folders (default: corpus/).

    Files: .txt and .md in UTF-8, UTF-16, GBK/GB18030 or Big5 (detected by content), PDF
    (pages without a text layer read by OCR), .docx, .pptx, .epub, saved web pages (.html) and
    pictures of text (.png, .jpg, read by OCR), and the formats installed plug-ins add; what
    cannot be read is named in a warning.
    Passages whose text is unchanged keep their embeddings, so re-running after an edit is
    quick. The new index replaces the old one only when complete.

    A corpus on its own subject can carry a kb.toml (terms to keep whole, synonyms,
    the sides and aspects of contrast tables): start one with `kb profile init DIR`.
    """
    from kb.ingest.chunk import ChunkSettings
    from kb.ingest.estimate import EmbeddingPlan, describe
    from kb.knowledge_base import KnowledgeBase

    with ProgressReport() as progress:

        def plan(embedding: EmbeddingPlan) -> None:
            """What is to be embedded and about how long it takes, before the first batch."""
            if embedding.passages or embedding.sentences:
                click.echo(describe(embedding), err=True)

        def warn(message: str) -> None:
            """Each skipped or suspect file as soon as it is met: a long ingest does not keep them to the end."""
            progress.close()  # a progress bar in the middle of a line would swallow the warning
            click.echo(_one_line(f"Warning: {message}"), err=True)

        kb = KnowledgeBase.build(
            list(paths) or [Path("corpus")],
            index_dir,
            model=model,
            chunking=ChunkSettings(chunk_chars, overlap),
            progress=progress,
            profile=profile_path,
            follow_links=follow_links,
            workers=workers,
            ray=ray_address,
            reuse_from=reuse_from,
            warn=warn,
            budget=Budget(file_timeout, file_memory),
            plan=plan,
            device=device,
        )
    report = kb.last_ingest
    assert report is not None
    for path, note in report.notes:
        click.echo(_one_line(f"Note: {path}: {note}"), err=True)
    notes = []
    if report.skipped:
        notes.append(f"Skipped {len(report.skipped)} files (see the warnings).")
    if report.suspect:
        notes.append(f"Warned about {len(report.suspect)} documents read (see the warnings).")
    if report.temporary:
        notes.append(f"Left out {report.temporary} lock or temporary files (~$…, .~lock.…#, *.tmp, *.swp).")
    removed = sum(removed for removed, _ in report.removed.values())
    visible = sum(visible for _, visible in report.removed.values())
    if visible:
        notes.append(f"Cleaning removed {removed:,} of {visible:,} characters ({100 * removed / visible:.1f} %).")
    click.echo(
        f"Indexed {report.documents} documents, {report.passages} passages into {index_dir} "
        f"({report.embedded} embedded, {report.reused} reused; {report.sentences} sentences, "
        f"{report.sentences_embedded} embedded) in {report.seconds:.1f} s. Profile: {report.profile}."
        + "".join(f" {note}" for note in notes)
    )


@main.command()
@click.argument("question", required=False)
@index_location
@click.option(
    "-k", "k", default=5, show_default=True, type=click.IntRange(1, 100), help="Number of passages to return."
)
@click.option(
    "--mode",
    default="hybrid",
    show_default=True,
    type=click.Choice(MODES),
    help="Ranker: fused, embeddings only, or BM25 only (fastest).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the citation JSON contract (one object per line with --questions)."
)
@click.option(
    "--questions",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Answer every line of FILE ('-' for stdin) instead of QUESTION. "
    "UTF-8, UTF-16, GBK/GB18030 or Big5, like corpus files.",
)
@click.option(
    "--max-chars",
    default=300,
    show_default=True,
    type=click.IntRange(20, 5000),
    help="Length limit of the answer text; most answers are shorter (a factual question gets one or two sentences).",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Show why each passage ranked: matched terms, BM25 and dense scores and ranks, fused score "
    "(with --json: under `explain`).",
)
@click.option(
    "--after",
    "previous",
    multiple=True,
    metavar="QUESTION",
    help="An earlier question of the conversation (repeat for several, oldest first): a follow-up such as "
    "「那它们的联系呢」 is read as 「营销和销售的联系」, and the answer says how it was read.",
)
@click.option(
    "--script",
    type=click.Choice(["auto", "simplified", "traditional"]),
    default="auto",
    show_default=True,
    help="Script the answer is shown in: the question's own (auto), simplified or traditional. "
    "The JSON keeps each quoted sentence as it is in its source (`sentences`).",
)
@DEVICE_OPTION
@RERANKER_OPTION
def ask(
    question: str | None,
    index_dir: Path | str,
    k: int,
    mode: Mode,
    as_json: bool,
    questions: Path | None,
    max_chars: int,
    explain: bool,
    previous: tuple[str, ...],
    script: str,
    device: str,
    reranker: str | None,
) -> None:
    """Answer QUESTION from the index: cited sentences, then the ranked sources.

    Each answer sentence is copied verbatim from a source passage and ends with [n], the
    rank of that passage. The sentence that answers best comes first; the answer's shape
    follows the question (a definition for 什么是, the list for 哪些, a cause for 为什么, a
    number or name for 多少/谁). Traditional and simplified script match each other.
    Questions that compare two things (「营销和销售的区别」, 「A与B有什么不同」) also get a table
    of aspects with a cited statement for each side. If nothing in the index answers the
    question, kb says so instead of guessing. Typos are corrected against the index's own
    words (「营消和销受的区别」), and English questions are answered from the Chinese sources.

    \b
    kb ask "营销和销售的区别"
    kb ask "那它们的联系呢" --after "营销和销售的区别"
    kb ask "What is the difference between marketing and sales?"
    """
    from kb.interfaces.script_display import shown_in_script
    from kb.knowledge_base import KnowledgeBase

    if (question is None) == (questions is None):
        raise click.UsageError("give a QUESTION or --questions FILE (not both)")
    lines = _question_lines(questions) if questions is not None else []
    kb = KnowledgeBase.open(index_dir, device=device, reranker=reranker)
    if question is not None:
        answer = kb.ask(question, k=k, mode=mode, max_chars=max_chars, explain=explain, previous=previous)
        answer = shown_in_script(answer, None if script == "auto" else cast(Script, script))
        if as_json:
            click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        else:
            _print_answer(answer)
        return
    # A batch: a line kb cannot answer (「？？？」) gets an error naming its line number, and the
    # rest of the batch still runs; the exit code says whether any line failed.
    failed = 0
    numbered = [(number, line.strip()) for number, line in enumerate(lines, start=1) if line.strip()]
    for i, (number, line) in enumerate(numbered):
        try:
            answer = kb.ask(line, k=k, mode=mode, max_chars=max_chars, explain=explain, previous=previous)
            answer = shown_in_script(answer, None if script == "auto" else cast(Script, script))
        except KbError as exc:
            failed += 1
            if as_json:
                click.echo(json.dumps({"line": number, "question": line, "error": str(exc)}, ensure_ascii=False))
            else:
                click.echo(f"Error: line {number}: {exc}", err=True)
            continue
        if as_json:
            click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
        else:
            if i:
                click.echo()
            _print_answer(answer)
    if failed:
        raise KbError(f"{failed} of {len(numbered)} questions could not be answered (see the errors above)")


def _question_lines(path: Path) -> list[str]:
    """The lines of a questions file ('-': stdin), decoded as corpus files are."""
    from kb.ingest.loaders import read_text
    from kb.language.text import file_lines

    if str(path) == "-":
        return file_lines(read_text(sys.stdin.buffer.read(), "standard input"))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KbError(f"cannot read questions file {path}: {exc.strerror or exc}") from exc
    return file_lines(read_text(data, f"questions file {path}"))


def _one_line(text: str) -> str:
    """A message as one terminal line: line breaks escaped, other control characters dropped."""
    return _shown(text.translate(_LINE_BREAKS))


def _shown(text: str) -> str:
    """Text as the terminal may print it: control characters from a question or the corpus
    (an ESC sequence that clears the screen or recolours it) are dropped."""
    return _CONTROL.sub("", text)


def _print_answer(answer: Answer) -> None:
    """The answer, the contrast table, and the sources (with why each ranked, when explained)."""
    click.secho(_shown(answer.question), bold=True)
    if answer.corrected:
        click.secho(_shown(f"已按「{answer.corrected}」回答"), dim=True)
    elif answer.understood_as:
        click.secho(_shown(f"理解为：{answer.understood_as}"), dim=True)
    for note in answer.notes:
        click.secho(_shown(note), dim=True)
    click.echo()
    click.echo(_shown(answer.text))
    if answer.contrast:
        click.echo()
        _print_contrast(answer.contrast, cast("Script | None", answer.script))
    click.echo()
    click.secho("来源 Sources:", bold=True)
    explanations = {e.rank: e for e in answer.explanations or []}
    if explanations:
        from kb.answering.retrieve import ENCODED_QUESTION_CHARS

        if len(answer.question) > ENCODED_QUESTION_CHARS:
            note = (
                f"(the dense ranker read the first {ENCODED_QUESTION_CHARS} characters of the question; BM25 all of it)"
            )
            click.secho(note, dim=True)
    for hit in answer.hits:
        p = hit.passage
        excerpt = p.text.replace("\n", " ")
        excerpt = excerpt if len(excerpt) <= 60 else excerpt[:60] + "…"
        click.echo(_shown(f"[{hit.rank}] {p.title}  {p.cited_as()}  (score {hit.score:.2f})"))
        click.echo(_shown(f"    {excerpt}"))
        if hit.rank in explanations:
            click.secho(_shown(f"    {_explanation(explanations[hit.rank])}"), dim=True)


def _print_contrast(contrast: Contrast, script: Script | None) -> None:
    """The aspect table in the answer's script, wrapped (never truncated) to the terminal width."""
    from rich.console import Console
    from rich.table import Table

    from kb.language.text import in_script

    def shown(text: str) -> str:
        return in_script(text, script) if script else text

    table = Table(title=_shown(" vs ".join(contrast.sides)), show_lines=True)
    table.add_column("方面", style="bold", no_wrap=True)
    for side in contrast.sides:
        table.add_column(_shown(side), overflow="fold")
    for row in contrast.rows:
        table.add_row(
            _shown(row.aspect),
            *(_shown(shown(cell.text)) + "".join(f"[{n}]" for n in cell.citations) for cell in row.cells),
        )
    Console(highlight=False).print(table, markup=False)


def _explanation(explanation: Explanation) -> str:
    parts = [f"matched terms: {' '.join(explanation.matched_terms) or '(none)'}"]
    for ranker, signal in sorted(explanation.signals.items()):
        parts.append(f"{ranker}: score {signal.score:.3f}, rank {signal.rank}")
    parts.append(f"fused {explanation.fused:.3f}")
    return "; ".join(parts)


@main.command()
@index_location
@click.option(
    "-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="Write to FILE instead of stdout."
)
def export(index_dir: Path | str, output: IO[str]) -> None:
    """Print every passage as JSON Lines (doc_id, title, source, start, end, text, heading)."""
    from kb.knowledge_base import KnowledgeBase

    for passage in KnowledgeBase.open(index_dir).passages():
        output.write(json.dumps(passage.to_dict(), ensure_ascii=False) + "\n")


@main.command()
@index_location
@click.option(
    "--verify",
    is_flag=True,
    help="Also check every index file against its recorded sha256 (in Milvus: every collection's row count).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
def info(index_dir: Path | str, verify: bool, as_json: bool) -> None:
    """Describe the index: model, passage and document counts, sources, settings."""
    from kb.knowledge_base import KnowledgeBase

    kb = KnowledgeBase.open(index_dir)
    if verify:
        kb.index.verify()
    details = kb.info()
    if as_json:
        click.echo(json.dumps(details, ensure_ascii=False, indent=2))
        return
    counts = details["counts"]
    click.echo(
        f"Index:     {details['index']} ({details['version']}, format {details['format_version']}, {details['store']})"
    )
    click.echo(f"Model:     {details['model']['name']} ({details['model']['dim']} dimensions)")
    click.echo(f"Contents:  {counts['documents']} documents, {counts['passages']} passages")
    click.echo(
        f"Chunking:  {details['chunking']['max_chars']} chars, "
        f"{details['chunking']['overlap_sentences']} sentence overlap"
    )
    click.echo(f"Built:     {details['created']} by kb {details['kb_version']}")
    click.echo(f"Profile:   {kb.profile.source} ({kb.profile.fingerprint})")
    for source, meta in details["sources"].items():
        click.echo(f"  {source}  ({meta['encoding']})")
    if verify and details["store"] == "milvus":
        click.echo("Verified:  every collection holds the rows the manifest counts.")
    elif verify:
        click.echo("Checksums: all files match the manifest.")


@main.command(name="eval")
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
    from kb.knowledge_base import KnowledgeBase
    from kb.study import evaluate as ev

    queries = ev.load_queries(queries_path)[:limit]
    if corpus_path is not None:
        documents = ev.load_corpus(corpus_path)
        index_dir = index_dir or ev.default_index_for(corpus_path)
        with ProgressReport() as progress:
            kb = KnowledgeBase.build(documents, index_dir, model=model, progress=progress)
        report = kb.last_ingest
        assert report is not None
        click.echo(
            f"Index {index_dir}: {report.passages} passages ({report.embedded} embedded, {report.reused} reused).",
            err=True,
        )
    else:
        kb = KnowledgeBase.open(index_dir or Path("index"))
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
        return
    click.echo(f"{len(queries)} queries against {kb.index.passage_count} passages ({kb.index.location})")
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


@main.command()
@index_location
@click.option(
    "--questions",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="One question per line ('-' for stdin). Without it: an outline of the corpus's key topics.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the study files.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    default=["all"],
    show_default=True,
    type=click.Choice(["md", "html", "pdf", "anki", "csv", "all"]),
    help="Repeatable. all = md + html + pdf + anki + csv (pdf is printed by Chromium; skipped with a warning "
    "when all is asked for and Chromium is missing).",
)
@click.option(
    "--paper",
    default="a4",
    show_default=True,
    type=click.Choice(["a4", "letter"]),
    help="Paper size of study.pdf and of study.html when printed.",
)
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 20), help="Source passages per question.")
@click.option(
    "--topics",
    default=6,
    show_default=True,
    type=click.IntRange(1, 30),
    help="Key topics in an outline (without --questions).",
)
def study(
    index_dir: Path | str,
    questions: Path | None,
    out_dir: Path,
    formats: tuple[str, ...],
    paper: Literal["a4", "letter"],
    k: int,
    topics: int,
) -> None:
    """Turn the knowledge base into study material for trainees.

    \b
    Writes to --out:
      study.md / study.html   a page per question (cited answer, contrast table), a quiz
                              (fill-in and multiple choice) and its answer key on pages of
                              their own, then every source quoted once; each [n] links to it
      study.pdf               the same, printed on A4 (--paper letter; needs Chromium)
      flashcards.apkg / .csv  one card per question and per contrast-table row
    \b
    Examples:
      kb study --out study/                              # outline from the corpus itself
      kb study --questions my_questions.txt --out study/ --format html
    """
    from kb.knowledge_base import KnowledgeBase
    from kb.study.export import FORMATS, chromium, refuse_links, write_study_guide
    from kb.study.guide import build_study_guide

    asked = _question_lines(questions) if questions else None
    if asked is not None and not any(q.strip() for q in asked):
        raise KbError("the questions file is empty: write one question per line")
    chosen = tuple(f for f in FORMATS if f in formats or "all" in formats)
    if "all" in formats and "pdf" not in formats and chromium() is None:
        chosen = tuple(f for f in chosen if f != "pdf")
        click.echo("Warning: study.pdf not written: Chromium is not installed (print study.html instead)", err=True)
    refuse_links(out_dir, chosen)  # before the work, not after it
    kb = KnowledgeBase.open(index_dir)
    guide = build_study_guide(kb, asked, k=k, topics=topics)
    for path in write_study_guide(guide, out_dir, chosen, paper):
        click.echo(f"Wrote {path}")


def _http_options(port: int, port_help: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """--host, --port, --allow-host, --token-file and --cors-origin: where an HTTP server listens
    and whom it answers (access.exposure)."""
    options = [
        click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on."),
        click.option("--port", default=port, show_default=True, type=click.IntRange(1, 65535), help=port_help),
        click.option(
            "--allow-host",
            "allow_hosts",
            multiple=True,
            help="A Host name clients use to reach the server (repeatable; '*.example.com' patterns). "
            "Default: localhost, 127.0.0.1 and the --host address.",
        ),
        click.option(
            "--token-file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="File holding the token clients must send as `Authorization: Bearer …` (or set KB_TOKEN). "
            "Required on an address other than loopback.",
        ),
        click.option(
            "--cors-origin",
            "cors_origins",
            multiple=True,
            metavar="ORIGIN",
            help="A web origin whose pages may call the API (repeatable), e.g. https://intranet.example.com.",
        ),
    ]

    def decorated(command: Callable[..., None]) -> Callable[..., None]:
        for option in reversed(options):
            command = option(command)
        return command

    return decorated


@main.command()
@index_location
@_http_options(8000, "Port to listen on.")
@DEVICE_OPTION
@RERANKER_OPTION
def serve(
    index_dir: Path | str,
    host: str,
    port: int,
    allow_hosts: tuple[str, ...],
    token_file: Path | None,
    cors_origins: tuple[str, ...],
    device: str,
    reranker: str | None,
) -> None:
    """Serve the index over HTTP (OpenAPI docs at /docs).

    \b
    POST /ask     {"question": "营销和销售的区别", "k": 5, "mode": "hybrid"} → kb ask --json
    POST /search  same body → {"question", "passages"}
    GET  /healthz, GET /info, POST /reload (after kb ingest; also picked up automatically)

    Requests naming another Host get 400 (a web page cannot reach the server through DNS
    rebinding); on --host 0.0.0.0, give the names clients use with --allow-host.

    On an address other than loopback the server needs a token (--token-file or KB_TOKEN): every
    request but /healthz, the page and the docs must send it; the page asks for it once.
    """
    import uvicorn

    from kb.interfaces.access import exposure
    from kb.interfaces.http_bounds import server_config
    from kb.interfaces.server import create_app

    exposed = exposure(host, allow_hosts, token_file)
    if exposed.warning:
        click.echo(exposed.warning, err=True)
    app = create_app(
        index_dir,
        allowed_hosts=exposed.allowed_hosts,
        token=exposed.token,
        cors_origins=cors_origins,
        device=device,
        reranker=reranker,
    )
    click.echo(f"Serving {index_dir} on http://{host}:{port} (docs at /docs)", err=True)
    uvicorn.Server(server_config(app, host, port)).run()


@main.command()
@index_location
@click.option("--http", is_flag=True, help="Serve streamable HTTP (at /mcp) instead of stdio.")
@_http_options(8765, "Port for --http.")
def mcp(
    index_dir: Path | str,
    http: bool,
    host: str,
    port: int,
    allow_hosts: tuple[str, ...],
    token_file: Path | None,
    cors_origins: tuple[str, ...],
) -> None:
    """Serve the index to MCP clients (desktop assistants, IDE agents) over stdio.

    \b
    Tools:     ask (cited answer + contrast table), search (passages), info
    Resources: kb://doc/<id> (a document), kb://doc/<id>#L12-L14 (its lines)

    A client starts it as a command: {"command": "kb", "args": ["mcp", "--index", "/path/to/index"]}.

    With --http it runs under the limits of kb serve: requests naming another Host get 400, and
    on an address other than loopback it needs a token (--token-file or KB_TOKEN) on every
    request but /healthz. --host, --port, --allow-host, --token-file and --cors-origin are for --http.
    """
    from kb.interfaces.access import exposure
    from kb.interfaces.mcp_server import create_mcp_server

    exposed = exposure(host, allow_hosts, token_file) if http else None  # refused before the index loads
    server = create_mcp_server(index_dir)
    if exposed is None:
        server.run("stdio")
        return
    import uvicorn

    from kb.interfaces.http_bounds import server_config
    from kb.interfaces.mcp_server import http_app

    if exposed.warning:
        click.echo(exposed.warning, err=True)
    app = http_app(server, exposed.allowed_hosts, exposed.token, cors_origins)
    click.echo(f"Serving {index_dir} to MCP clients on http://{host}:{port}/mcp", err=True)
    uvicorn.Server(server_config(app, host, port)).run()


@main.group()
def profile() -> None:
    """The subject's vocabulary: terms, synonyms, contrast sides and aspects, cleaning rules.

    kb ships a profile for its seed corpus (marketing vs sales). For another subject, put a
    kb.toml at the top of the corpus folder: its lists extend kb's own, its numbers replace
    them. The index stores the profile it was built with, and answers use that one.

    \b
    kb profile show                    # the profile ./index was built with
    kb profile show --path corpus/     # what `kb ingest corpus/` would use
    kb profile init corpus/            # write corpus/kb.toml to start from
    """


def _chosen_profile(index_dir: Path | str, profile_path: str | None) -> Profile:
    from kb.profile import named_profile

    if profile_path is not None:
        return named_profile(profile_path)
    from kb.knowledge_base import KnowledgeBase

    return KnowledgeBase.open(index_dir).profile


@profile.command(name="show")
@index_location
@click.option(
    "--path",
    "profile_path",
    help="A kb.toml (or a folder holding one), or 'default': show it merged with kb's own, instead of the index's.",
)
def profile_show(index_dir: Path | str, profile_path: str | None) -> None:
    """Print the effective profile as TOML (every list merged)."""
    chosen = _chosen_profile(index_dir, profile_path)
    click.echo(f"# profile: {chosen.source} ({chosen.fingerprint})")
    click.echo(chosen.to_toml(), nl=False)


@profile.command(name="init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@INDEX_OPTION
@click.option(
    "--path",
    "profile_path",
    help="Start from this kb.toml (or folder), or 'default' (kb's own; the default when there is no index).",
)
@click.option("--force", is_flag=True, help="Replace an existing kb.toml.")
def profile_init(folder: Path, index_dir: Path, profile_path: str | None, force: bool) -> None:
    """Write FOLDER/kb.toml holding the effective profile (the index's, else kb's own), to edit.

    The file is complete (`extends = false`): delete what does not fit your subject. Or
    keep only your additions and set `extends = true` to build on kb's own profile.
    """
    from kb.profile import PROFILE_FILE

    if profile_path is None and not index_dir.exists():
        profile_path = "default"
    chosen = _chosen_profile(index_dir, profile_path)
    target = folder / PROFILE_FILE
    if target.exists() and not force:
        raise KbError(f"{target} exists: edit it, or pass --force to replace it")
    header = (
        f"# kb profile, written by `kb profile init` from {chosen.source}.\n"
        "# Edit it for your subject, then run `kb ingest` on this folder. See `kb profile --help`.\n"
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_text(header + chosen.to_toml(), "utf-8")
    except OSError as exc:
        raise KbError(f"cannot write {target}: {exc.strerror or exc}; choose a writable folder") from exc
    click.echo(f"Wrote {target}")
