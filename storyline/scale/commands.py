"""`storyline batch INPUT… [--scheduler local|tcp://HOST:PORT] [--workers N] [--out DIR]`:
the pipeline on a Dask cluster (docs/batch.md), registered on the main group in cli.py."""

from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from storyline.link.embedding import EMBEDDER_ENV, EMBEDDERS, embedder

# As storyline/cli_shared.py: the terminal's width, or 160 columns when output is piped or logged.
_err = Console(stderr=True, width=shutil.get_terminal_size((160, 40)).columns)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--scheduler",
    default="local",
    show_default=True,
    metavar="local|tcp://HOST:PORT",
    help="`local`: a Dask LocalCluster on this machine; else a running scheduler's address.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 512),
    default=2,
    show_default=True,
    help="Worker processes of the local cluster (one thread each).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("storyline-batch"),
    show_default=True,
    help="Folder of the Parquet shards and the manifest (a re-run resumes from it).",
)
@click.option(
    "--load/--no-load",
    default=True,
    show_default=True,
    help="Load the shards into the store and link there, or only write the shards.",
)
@click.option(
    "--link/--no-link",
    default=True,
    show_default=True,
    help="After loading, run the cross-article steps (entities, quotes, duplicates, events).",
)
@click.option(
    "--embedder",
    "embedder_name",
    type=click.Choice(EMBEDDERS),
    default=None,
    help="Embedder of ledes and quotes (default: $STORYLINE_EMBEDDER or e5); "
    "hash is for tests and benchmarks only.",
)
@click.option("--fast-dates", is_flag=True, help="HTML: htmldate's quick search only.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
def batch(
    obj: Any,
    paths: tuple[str, ...],
    scheduler: str,
    workers: int,
    out: Path,
    load: bool,
    link: bool,
    embedder_name: str | None,
    fast_dates: bool,
    as_json: bool,
) -> None:
    """Run the pipeline over files, JSONL or Parquet on a Dask cluster.

    The per-article steps run as Dask tasks over partitions of the input; results are
    written as Parquet shards in --out, then loaded into the store (--db), where the
    cross-article steps run. Re-running with the same --out skips finished partitions.
    """
    from storyline.scale.batch import run_batch
    from storyline.scale.tasks import Settings

    if embedder_name:  # the driver's own link steps read it from the environment
        os.environ[EMBEDDER_ENV] = embedder_name
    settings = Settings(datetime.now(UTC).date(), not fast_dates, embedder())
    store = obj.store() if load else None
    progress = Progress(
        TextColumn("[bold]{task.fields[step]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_err,
        disable=as_json,
    )
    with progress:
        task = progress.add_task("", total=None, step="articles")

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        def on_step(name: str) -> None:
            progress.update(task, step=name)

        def on_error(message: str) -> None:
            progress.console.print(f"[red]error:[/red] {message}", highlight=False)

        report = run_batch(
            paths,
            out,
            store,
            scheduler=scheduler,
            workers=workers,
            settings=settings,
            link=link,
            on_dashboard=lambda link: progress.console.print(f"dashboard: {link}"),
            on_progress=on_progress,
            on_step=on_step,
            on_error=on_error,
        )
    ingest = report.ingest
    summary = {
        "partitions": report.partitions,
        "reused": report.reused,
        "computed": report.computed,
        "failed_partitions": report.failed_partitions,
        "ingested": ingest.ingested if ingest else None,
        "already_had": ingest.already if ingest else None,
        "failed": ingest.failed if ingest else len(report.errors),
        "errors": ingest.errors if ingest else report.errors,
        "out": str(out),
        "db": store.path if store else None,
        "dashboard": report.dashboard,
    }
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _err.print(
            f"{report.partitions} partitions ({report.reused} reused, {report.computed} "
            f"computed); ingested {summary['ingested']}, already had "
            f"{summary['already_had']}, failed {summary['failed']}; shards in {out}",
            highlight=False,
        )
    if summary["failed"] or report.failed_partitions:
        sys.exit(1)
