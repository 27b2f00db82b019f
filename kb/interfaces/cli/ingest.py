"""`kb ingest`: build or update the index, then say what was indexed, skipped and cleaned."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kb.ingest.extract_worker import DEFAULT_FILE_MEMORY_MB, DEFAULT_FILE_SECONDS, Budget
from kb.interfaces.cli.options import DEVICE_OPTION, index_location
from kb.interfaces.cli.terminal import one_line
from kb.interfaces.progress import ProgressReport

if TYPE_CHECKING:
    from kb.ingest.estimate import EmbeddingPlan
    from kb.ingest.pipeline import IngestReport


@click.command()
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
    from kb.ingest.options import IngestOptions
    from kb.knowledge_base import KnowledgeBase

    with ProgressReport() as progress:
        options = IngestOptions(
            model=model,
            chunking=ChunkSettings(chunk_chars, overlap),
            profile=profile_path,
            follow_links=follow_links,
            budget=Budget(file_timeout, file_memory),
            reuse_from=reuse_from,
            device=device,
            workers=workers,
            ray=ray_address,
            progress=progress,
            warn=functools.partial(_warn, progress),
            plan=_tell_plan,
        )
        with KnowledgeBase.build(list(paths) or [Path("corpus")], index_dir, options=options) as kb:
            report = kb.last_ingest
    assert report is not None
    _print_summary(report, index_dir)


def _tell_plan(embedding: EmbeddingPlan) -> None:
    """What is to be embedded and about how long it takes, before the first batch."""
    from kb.ingest.estimate import describe

    if embedding.passages or embedding.sentences:
        click.echo(describe(embedding), err=True)


def _warn(progress: ProgressReport, message: str) -> None:
    """Each skipped or suspect file as soon as it is met: a long ingest does not keep them to the end."""
    progress.close()  # a progress bar in the middle of a line would swallow the warning
    click.echo(one_line(f"Warning: {message}"), err=True)


def _print_summary(report: IngestReport, index_dir: Path | str) -> None:
    """Notes on documents, then one line: what was indexed, embedded and reused, and what was
    skipped, warned about, left out or cleaned away."""
    for path, note in report.notes:
        click.echo(one_line(f"Note: {path}: {note}"), err=True)
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
