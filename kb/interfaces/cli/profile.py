"""`kb profile show` and `kb profile init`: the subject's vocabulary an index is built with."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from kb.errors import KbError
from kb.interfaces.cli.options import INDEX_OPTION, index_location

if TYPE_CHECKING:
    from kb.profile import Profile


@click.group()
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
