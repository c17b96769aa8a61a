"""The `storyline` command line: thin commands over the library.

Exit codes: 0 success, 1 when anything failed (bad input, a failed article, a store error),
2 for usage errors. Results go to stdout (`--json` where scripts read them); progress and
messages go to stderr.

This module holds the group, its `--db` option and the entry point; each command lives with
its stage (`ingest/commands.py`, `report/article_commands.py`, `eval/commands.py`, ...) and is
registered here, and what the commands share is in cli_shared.py.
"""

from __future__ import annotations

import sys

import click

from storyline.cli_shared import Ctx, err_console
from storyline.errors import StorylineError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="STORYLINE_DB",
    default=None,
    metavar="PATH",
    help="SQLite store (default: $STORYLINE_DB or ./storyline.db).",
)
@click.version_option(package_name="storyline")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """storyline: read a pile of news articles the way a careful analyst does."""
    ctx.obj = Ctx(db)


def _register() -> None:
    """Commands that live with their stage."""
    from storyline.compare.commands import timeline
    from storyline.eval.commands import eval_
    from storyline.ingest.commands import ingest
    from storyline.link.commands import entities, quotes
    from storyline.link.story_commands import recluster, stories, story
    from storyline.live.commands import feeds, watch
    from storyline.report.article_commands import export, list_, search, show
    from storyline.report.brief_commands import brief
    from storyline.scale.commands import batch
    from storyline.web.commands import serve

    for command in (
        ingest,
        list_,
        show,
        search,
        export,
        eval_,
        entities,
        quotes,
        stories,
        story,
        recluster,
        timeline,
        brief,
        serve,
        batch,
        watch,
        feeds,
    ):
        cli.add_command(command)


_register()


def main() -> None:
    """Entry point: run the CLI, turning StorylineErrors into one clear line and exit 1."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except StorylineError as err:
        err_console.print(f"[red]error:[/red] {err}", highlight=False)
        sys.exit(1)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)
