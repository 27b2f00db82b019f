"""The `kb` command line: parse, call the library, print. No logic of its own."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .errors import KbError

INDEX_OPTION = click.option(
    "--index",
    "index_dir",
    envvar="KB_INDEX",
    default="index",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Index folder (or set KB_INDEX).",
)


class KbGroup(click.Group):
    """Turns KbError into a one-line `Error: …` with exit code 1, and Ctrl-C into exit 130."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KbError as exc:
            raise click.ClickException(str(exc)) from None
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
@INDEX_OPTION
@click.option("--model", default=None, help="Embedding model: bundled name (m3e-small) or a sentence-transformers folder. Default: the index's current model, else m3e-small.")
@click.option("--chunk-chars", default=240, show_default=True, type=click.IntRange(20, 2000), help="Maximum passage length in characters.")
@click.option("--overlap", default=1, show_default=True, type=click.IntRange(0, 5), help="Sentences shared by neighbouring passages.")
def ingest(paths: tuple[Path, ...], index_dir: Path, model: str | None, chunk_chars: int, overlap: int) -> None:
    """Build or update the index from text files and folders (default: corpus/).

    Files: .txt and .md in UTF-8, UTF-16, GBK/GB18030 or Big5 (detected). Passages whose
    text is unchanged keep their embeddings, so re-running after an edit is quick. The new
    index replaces the old one only when complete.
    """
    from .chunk import ChunkSettings
    from .ingest import ingest as run_ingest

    bar = None

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal bar
        if stage == "embed":
            if bar is None:
                bar = click.progressbar(length=total, label="Embedding passages", file=sys.stderr)
                bar.__enter__()
            bar.update(done - bar.pos)
        elif bar is not None:
            bar.__exit__(None, None, None)
            bar = None

    report = run_ingest(list(paths) or [Path("corpus")], index_dir, model=model, settings=ChunkSettings(chunk_chars, overlap), progress=progress)
    for path, reason in report.skipped:
        click.echo(f"Warning: skipped {path}: {reason}", err=True)
    click.echo(
        f"Indexed {report.documents} documents, {report.passages} passages into {index_dir} "
        f"({report.embedded} embedded, {report.reused} reused) in {report.seconds:.1f} s."
    )


@main.command()
@click.argument("question", required=False)
@INDEX_OPTION
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 100), help="Number of passages to return.")
@click.option("--mode", default="hybrid", show_default=True, type=click.Choice(["hybrid", "dense", "bm25"]), help="Ranker: fused, embeddings only, or BM25 only (fastest).")
@click.option("--json", "as_json", is_flag=True, help="Print the citation JSON contract (one object per line with --questions).")
@click.option("--questions", type=click.File("r", encoding="utf-8"), help="Answer every line of FILE ('-' for stdin) instead of QUESTION.")
@click.option("--max-chars", default=300, show_default=True, type=click.IntRange(20, 5000), help="Length limit of the answer text.")
def ask(question: str | None, index_dir: Path, k: int, mode: str, as_json: bool, questions, max_chars: int) -> None:
    """Answer QUESTION from the index: cited sentences, then the ranked sources.

    Each answer sentence is copied verbatim from a source passage and ends with [n], the
    rank of that passage. Traditional and simplified script match each other.
    """
    from .knowledge_base import KnowledgeBase

    if (question is None) == (questions is None):
        raise click.UsageError("give a QUESTION or --questions FILE (not both)")
    kb = KnowledgeBase.open(index_dir)
    lines = [question] if question is not None else [line.strip() for line in questions if line.strip()]
    for i, line in enumerate(lines):
        answer = kb.ask(line, k=k, mode=mode, max_chars=max_chars)
        if as_json:
            click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=None if questions else 2))
        else:
            if i:
                click.echo()
            _print_answer(answer)


def _print_answer(answer) -> None:
    click.secho(answer.question, bold=True)
    click.echo()
    click.echo(answer.text)
    click.echo()
    click.secho("来源 Sources:", bold=True)
    for hit in answer.hits:
        p = hit.passage
        excerpt = p.text.replace("\n", " ")
        excerpt = excerpt if len(excerpt) <= 60 else excerpt[:60] + "…"
        click.echo(f"[{hit.rank}] {p.title}  {p.source}:{p.start}-{p.end}  (score {hit.score:.2f})")
        click.echo(f"    {excerpt}")


@main.command()
@INDEX_OPTION
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="Write to FILE instead of stdout.")
def export(index_dir: Path, output) -> None:
    """Print every passage as JSON Lines (doc_id, title, source, start, end, text, heading)."""
    from .knowledge_base import KnowledgeBase

    for p in KnowledgeBase.open(index_dir).passages():
        record = {"id": p.id, "doc_id": p.doc_id, "title": p.title, "source": p.source, "start": p.start, "end": p.end, "text": p.text, "heading": p.heading}
        output.write(json.dumps(record, ensure_ascii=False) + "\n")


@main.command()
@INDEX_OPTION
@click.option("--verify", is_flag=True, help="Also check every index file against its recorded sha256.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
def info(index_dir: Path, verify: bool, as_json: bool) -> None:
    """Describe the index: model, passage and document counts, sources, settings."""
    from .knowledge_base import KnowledgeBase

    kb = KnowledgeBase.open(index_dir)
    if verify:
        kb.index.verify()
    details = kb.info()
    if as_json:
        click.echo(json.dumps(details, ensure_ascii=False, indent=2))
        return
    counts = details["counts"]
    click.echo(f"Index:     {details['index']} ({details['version']}, format {details['format_version']})")
    click.echo(f"Model:     {details['model']['name']} ({details['model']['dim']} dimensions)")
    click.echo(f"Contents:  {counts['documents']} documents, {counts['passages']} passages")
    click.echo(f"Chunking:  {details['chunking']['max_chars']} chars, {details['chunking']['overlap_sentences']} sentence overlap")
    click.echo(f"Built:     {details['created']} by kb {details['kb_version']}")
    for source, meta in details["sources"].items():
        click.echo(f"  {source}  ({meta['encoding']})")
    if verify:
        click.echo("Checksums: all files match the manifest.")
