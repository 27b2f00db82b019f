"""`kb export` and `kb info`: what an index holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO

import click

from kb.interfaces.cli.options import index_location


@click.command()
@index_location
@click.option(
    "-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="Write to FILE instead of stdout."
)
def export(index_dir: Path | str, output: IO[str]) -> None:
    """Print every passage as JSON Lines (doc_id, title, source, start, end, text, heading)."""
    from kb.knowledge_base import KnowledgeBase

    for passage in KnowledgeBase.open(index_dir).passages():
        output.write(json.dumps(passage.to_dict(), ensure_ascii=False) + "\n")


@click.command()
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
    cosine = details.get("answerable_cosine")
    measured = "the profile's (re-ingest to measure)" if cosine is None else f"{cosine:.3f} (measured on this corpus)"
    click.echo(f"Refusal:   vectors alone answer a question from cosine {measured}")
    for source, meta in details["sources"].items():
        click.echo(f"  {source}  ({meta['encoding']})")
    if verify and details["store"] == "milvus":
        click.echo("Verified:  every collection holds the rows the manifest counts.")
    elif verify:
        click.echo("Checksums: all files match the manifest.")
