"""`kb study`: study material for trainees (pages, quiz, flashcards) from the knowledge base."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import click

from kb.errors import KbError
from kb.interfaces.cli.options import index_location
from kb.interfaces.cli.terminal import question_lines


@click.command()
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

    asked = question_lines(questions) if questions else None
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
