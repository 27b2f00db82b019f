"""The `kb` command line: parse, call the library, print. No logic of its own.

One module per command (group); this one builds the `kb` group from them and turns kb's
errors into one-line messages.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from kb.errors import KbError
from kb.interfaces.cli import ask, evaluate, index, ingest, profile, serve, study
from kb.interfaces.cli.terminal import one_line


class KbGroup(click.Group):
    """Turns KbError into a one-line `Error: …` with exit code 1, and Ctrl-C into exit 130."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KbError as exc:
            raise click.ClickException(one_line(str(exc))) from None
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


main.add_command(ingest.ingest)
main.add_command(ask.ask)
main.add_command(index.export)
main.add_command(index.info)
main.add_command(evaluate.evaluate)
main.add_command(study.study)
main.add_command(serve.serve)
main.add_command(serve.mcp)
main.add_command(profile.profile)
