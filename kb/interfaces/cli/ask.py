"""`kb ask`: a cited answer, its contrast table and its sources, for one question or a file
of them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from kb.errors import KbError
from kb.interfaces.cli.options import DEVICE_OPTION, RERANKER_OPTION, index_location
from kb.interfaces.cli.terminal import question_lines, shown
from kb.types import MODES, Mode

if TYPE_CHECKING:
    from kb.answering.contrast import Contrast
    from kb.language.text import Script
    from kb.types import Answer, Explanation


@click.command()
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
    lines = question_lines(questions) if questions is not None else []
    kb = KnowledgeBase.open(index_dir, device=device, reranker=reranker)

    def answer(text: str) -> Answer:
        """The answer to one question, shown in the script asked for."""
        found = kb.ask(text, k=k, mode=mode, max_chars=max_chars, explain=explain, previous=previous)
        return shown_in_script(found, None if script == "auto" else cast(Script, script))

    if question is None:
        _answer_each(lines, answer, as_json)
    elif as_json:
        click.echo(json.dumps(answer(question).to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_answer(answer(question))


def _answer_each(lines: list[str], answer: Callable[[str], Answer], as_json: bool) -> None:
    """A batch: a line kb cannot answer (「？？？」) gets an error naming its line number, and the
    rest of the batch still runs; the exit code says whether any line failed."""
    failed = 0
    numbered = [(number, line.strip()) for number, line in enumerate(lines, start=1) if line.strip()]
    for i, (number, line) in enumerate(numbered):
        try:
            answered = answer(line)
        except KbError as exc:
            failed += 1
            if as_json:
                click.echo(json.dumps({"line": number, "question": line, "error": str(exc)}, ensure_ascii=False))
            else:
                click.echo(f"Error: line {number}: {exc}", err=True)
            continue
        if as_json:
            click.echo(json.dumps(answered.to_dict(), ensure_ascii=False))
        else:
            if i:
                click.echo()
            _print_answer(answered)
    if failed:
        raise KbError(f"{failed} of {len(numbered)} questions could not be answered (see the errors above)")


def _print_answer(answer: Answer) -> None:
    """The answer, the contrast table, and the sources (with why each ranked, when explained)."""
    click.secho(shown(answer.question), bold=True)
    if answer.corrected:
        click.secho(shown(f"已按「{answer.corrected}」回答"), dim=True)
    elif answer.understood_as:
        click.secho(shown(f"理解为：{answer.understood_as}"), dim=True)
    for note in answer.notes:
        click.secho(shown(note), dim=True)
    click.echo()
    click.echo(shown(answer.text))
    if answer.contrast:
        click.echo()
        _print_contrast(answer.contrast, cast("Script | None", answer.script))
    click.echo()
    click.secho("来源 Sources:", bold=True)
    explanations = {e.rank: e for e in answer.explanations or []}
    if explanations:
        from kb.embedding.questions import ENCODED_QUESTION_CHARS

        if len(answer.question) > ENCODED_QUESTION_CHARS:
            note = (
                f"(the dense ranker read the first {ENCODED_QUESTION_CHARS} characters of the question; BM25 all of it)"
            )
            click.secho(note, dim=True)
    for hit in answer.hits:
        p = hit.passage
        excerpt = p.text.replace("\n", " ")
        excerpt = excerpt if len(excerpt) <= 60 else excerpt[:60] + "…"
        click.echo(shown(f"[{hit.rank}] {p.title}  {p.cited_as()}  (score {hit.score:.2f})"))
        click.echo(shown(f"    {excerpt}"))
        if hit.rank in explanations:
            click.secho(shown(f"    {_explanation(explanations[hit.rank])}"), dim=True)


def _print_contrast(contrast: Contrast, script: Script | None) -> None:
    """The aspect table in the answer's script, wrapped (never truncated) to the terminal width."""
    from rich.console import Console
    from rich.table import Table

    from kb.language.text import in_script

    def in_answer_script(text: str) -> str:
        return in_script(text, script) if script else text

    table = Table(title=shown(" vs ".join(contrast.sides)), show_lines=True)
    table.add_column("方面", style="bold", no_wrap=True)
    for side in contrast.sides:
        table.add_column(shown(side), overflow="fold")
    for row in contrast.rows:
        table.add_row(
            shown(row.aspect),
            *(shown(in_answer_script(cell.text)) + "".join(f"[{n}]" for n in cell.citations) for cell in row.cells),
        )
    Console(highlight=False).print(table, markup=False)


def _explanation(explanation: Explanation) -> str:
    parts = [f"matched terms: {' '.join(explanation.matched_terms) or '(none)'}"]
    for ranker, signal in sorted(explanation.signals.items()):
        parts.append(f"{ranker}: score {signal.score:.3f}, rank {signal.rank}")
    parts.append(f"fused {explanation.fused:.3f}")
    return "; ".join(parts)
