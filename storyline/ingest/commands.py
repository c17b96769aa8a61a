"""`storyline ingest PATH…`: read articles into the store and run the pipeline's later steps on
what is new or changed, registered on the main group in cli.py."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from storyline.cli_shared import Ctx, err_console, json_option, json_out, parse_steps

PROGRESS_MIN_FILES = 5  # below this many inputs a bar is noise
PARALLEL_MIN_FILES = 200  # below this many inputs a second process costs more than it saves


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--steps",
    default="clean,nlp,link",
    show_default=True,
    metavar="LIST",
    help="Pipeline steps to run: clean (read, clean, date), nlp (entities, quotes), "
    "link (canonical entities, quotes across outlets).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes for the per-article steps (default: 2 when many articles).",
)
@click.option(
    "--quote-threshold",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Similarity at which quotes from different outlets count as the same "
    "utterance (default tuned on examples/; see `storyline eval quotes`).",
)
@click.option(
    "--fast-dates",
    is_flag=True,
    help="HTML: htmldate's quick search only (about ten times cheaper than the "
    "extensive default, less accurate; see `storyline eval dates`).",
)
@click.option(
    "--allow-private",
    is_flag=True,
    help="URLs: allow loopback, private and link-local addresses (intranet pages, tests).",
)
@json_option
@click.pass_obj
def ingest(
    obj: Ctx,
    paths: tuple[str, ...],
    steps: str,
    workers: int | None,
    quote_threshold: float | None,
    fast_dates: bool,
    allow_private: bool,
    as_json: bool,
) -> None:
    """Ingest articles: files, directories (recursive), globs, - for stdin, or page URLs.

    Formats: .txt text dumps, .html/.htm pages, .json (an object or a list) and .jsonl
    (one article per line). http(s):// arguments are fetched as HTML pages (politely and
    safely, see docs/live.md). Content already stored is skipped ("already had"); then the
    later steps run on whatever is new or changed.
    """
    from itertools import chain

    from storyline.ingest.readers import expand, read_inputs
    from storyline.live.fetch import Fetcher
    from storyline.live.pages import fetch_pages, is_url
    from storyline.pipeline import run_items

    chosen = parse_steps(steps)
    store = obj.store()
    urls = [p for p in paths if is_url(p)]
    files = [p for p in paths if not is_url(p)]
    n_inputs = sum(1 for _ in expand(files)) + len(urls)
    n_workers = workers or (2 if n_inputs >= PARALLEL_MIN_FILES else 1)
    progress = Progress(
        TextColumn("[bold]{task.fields[step]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err_console,
        disable=n_inputs < PROGRESS_MIN_FILES or as_json,
    )
    with progress:
        read = progress.add_task("", total=n_inputs, step="ingest")
        analysed = progress.add_task("", total=None, step="analyse", visible=False)

        def on_file(name: str) -> None:
            progress.update(read, advance=1, description=Path(name).name[:40])

        def on_error(message: str) -> None:
            progress.console.print(f"[red]error:[/red] {message}", highlight=False)

        def on_analysed(done: int, total: int) -> None:
            progress.update(analysed, completed=done, total=total, visible=True)

        fetcher = Fetcher(allow_private=allow_private)
        try:
            pages = fetch_pages(urls, store, fetcher, on_url=on_file)
            report = run_items(
                chain(read_inputs(files, on_file=on_file), pages),
                store,
                steps=chosen,
                workers=n_workers,
                on_error=on_error,
                on_analysed=on_analysed,
                quote_threshold=quote_threshold,
                extensive_dates=not fast_dates,
            )
        finally:
            fetcher.close()
        progress.update(read, completed=n_inputs)
    summary = {
        "ingested": report.ingest.ingested,
        "already_had": report.ingest.already,
        "failed": report.ingest.failed,
        "redated": report.ingest.redated,
        "analysed": report.analysed,
        "errors": report.ingest.errors,
        "total_in_store": store.count(),
        "db": store.path,
    }
    if as_json:
        json_out(summary)
    else:
        err_console.print(
            f"ingested {report.ingest.ingested}, already had {report.ingest.already}, failed "
            f"{report.ingest.failed}, analysed {report.analysed} ({store.count()} articles in "
            f"{store.path})",
            highlight=False,
        )
    if not report.ingest.ok:
        sys.exit(1)
