"""The `storyline` command line: thin commands over the library.

Exit codes: 0 success, 1 when anything failed (bad input, a failed article, a store error),
2 for usage errors. Results go to stdout (`--json` where scripts read them); progress and
messages go to stderr.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyline.errors import StorylineError
from storyline.store.db import Store, open_store

F = TypeVar("F", bound=Callable[..., Any])
# Tables need room: use the terminal's width, or 160 columns when output is piped or logged.
_WIDTH = shutil.get_terminal_size((160, 40)).columns
err_console = Console(stderr=True, width=_WIDTH)
out_console = Console(width=_WIDTH)
PROGRESS_MIN_FILES = 5  # below this many inputs a bar is noise
PARALLEL_MIN_FILES = 200  # below this many inputs a second process costs more than it saves


def _json_out(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def json_option(f: F) -> F:
    """`--json`: machine-readable output on stdout."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(f)


class Ctx:
    """Shared command state: where the store is."""

    def __init__(self, db: str | None) -> None:
        self.db = db

    def store(self) -> Store:
        return open_store(self.db)


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


def _steps(value: str) -> tuple[str, ...]:
    from storyline.pipeline import STEPS

    steps = tuple(s.strip() for s in value.split(",") if s.strip())
    unknown = [s for s in steps if s not in STEPS]
    if unknown or "clean" not in steps:
        raise click.BadParameter(f"choose from {', '.join(STEPS)} (clean is always needed)")
    return steps


@cli.command()
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

    chosen = _steps(steps)
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
        _json_out(summary)
    else:
        err_console.print(
            f"ingested {report.ingest.ingested}, already had {report.ingest.already}, failed "
            f"{report.ingest.failed}, analysed {report.analysed} ({store.count()} articles in "
            f"{store.path})",
            highlight=False,
        )
    if not report.ingest.ok:
        sys.exit(1)


@cli.command("list")
@json_option
@click.pass_obj
def list_(obj: Ctx, as_json: bool) -> None:
    """List stored articles: id, date, outlet, language, title."""
    rows = [dict(r) for r in obj.store().summaries()]
    if as_json:
        _json_out(rows)
        return
    table = Table(title=f"{len(rows)} articles", show_lines=False)
    for col in ("id", "published", "conf", "lang", "removed"):
        table.add_column(col, no_wrap=True)
    table.add_column("outlet", max_width=24)
    table.add_column("flags", max_width=12)
    table.add_column("title", ratio=1, min_width=30)
    for r in rows:
        flags = "date-flagged" if r["implausible"] else ""
        table.add_row(
            r["id"][:8],
            r["published"] or "—",
            f"{r['published_confidence']:.2f}",
            r["language"] or "—",
            str(r["removed"]),
            r["outlet"] or "—",
            flags,
            escape(r["title"] or "(no title)"),
        )
    out_console.print(table)


@cli.command()
@click.argument("article_id")
@json_option
@click.option("--raw", "with_raw", is_flag=True, help="Include the raw input verbatim.")
@click.pass_obj
def show(obj: Ctx, article_id: str, as_json: bool, with_raw: bool) -> None:
    """Show one article: clean text, removed lines with reasons, date claims, provenance."""
    from storyline.report.export import record

    store = obj.store()
    full = store.resolve_id(article_id)
    article = store.get(full) if full else None
    if article is None:
        raise StorylineError(f"no article with id or source {article_id!r}; see `storyline list`")
    if as_json:
        _json_out(record(article, version=store.version_of(article.id), with_raw=with_raw))
        return
    from storyline.report.show import render_article

    render_article(article, out_console, with_raw=with_raw)


@cli.command()
@click.argument("query")
@json_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@click.pass_obj
def search(obj: Ctx, query: str, as_json: bool, limit: int) -> None:
    """Full-text search (SQLite FTS5) over titles and clean text."""
    rows = [dict(r) for r in obj.store().search(query, limit)]
    if as_json:
        _json_out(rows)
        return
    for r in rows:
        out_console.print(
            f"[bold]{r['id'][:8]}[/bold] {r['published'] or '—'} {r['outlet'] or '—'}"
            f" — {escape(r['title'] or '')}\n    {escape(r['snippet'])}",
            highlight=False,
        )


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "parquet"]), default="jsonl", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Output file (default: stdout for jsonl; required for parquet).",
)
@click.option("--raw", "with_raw", is_flag=True, help="Include each raw input verbatim.")
@click.pass_obj
def export(obj: Ctx, fmt: str, output: Path | None, with_raw: bool) -> None:
    """Export one record per article with every field and its provenance."""
    from storyline.report.export import write_jsonl, write_parquet

    store = obj.store()
    if fmt == "parquet":
        if output is None:
            raise click.UsageError("--format parquet needs -o FILE")
        n = write_parquet(store, output, with_raw=with_raw)
    elif output is None:
        n = write_jsonl(store, sys.stdout, with_raw=with_raw)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as fh:
            n = write_jsonl(store, fh, with_raw=with_raw)
    err_console.print(f"exported {n} articles" + (f" to {output}" if output else ""))


@cli.group("eval")
def eval_() -> None:
    """Measure storyline against gold data (tables, or --json)."""


@eval_.command("cleaning")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
def eval_cleaning(gold: Path, as_json: bool) -> None:
    """Titles, outlets, dates, boilerplate and story lines against a gold.json.

    Ingests the articles next to GOLD into a temporary store first.
    """
    from storyline.eval.cleaning import evaluate_cleaning
    from storyline.eval.table import print_result

    print_result(evaluate_cleaning(gold), as_json=as_json, console=out_console)


@eval_.command("extraction")
@click.argument(
    "data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default="../shared/data/article_extraction_benchmark",
)
@click.option("--limit", type=int, default=None, help="Only the first N pages.")
@json_option
def eval_extraction(data: Path, limit: int | None, as_json: bool) -> None:
    """Main-text extraction F1 (4-gram shingles), ours beside trafilatura alone."""
    from storyline.eval.extraction import evaluate_extraction
    from storyline.eval.table import print_result

    print_result(evaluate_extraction(data, limit=limit), as_json=as_json, console=out_console)


@eval_.command("dates")
@click.argument(
    "data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default="../shared/data/htmldate_eval",
)
@click.option("--limit", type=int, default=None, help="Only the first N pages.")
@json_option
def eval_dates(data: Path, limit: int | None, as_json: bool) -> None:
    """Publication-date accuracy on htmldate's evaluation set, ours beside htmldate alone."""
    from storyline.eval.dates import evaluate_dates
    from storyline.eval.table import print_result

    print_result(evaluate_dates(data, limit=limit), as_json=as_json, console=out_console)


@eval_.command("quotes")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
def eval_quotes(gold: Path, as_json: bool) -> None:
    """Quotes, speakers, quotes across outlets and entity variants against a gold.json,
    storyline beside textacy's direct_quotations.

    Runs the whole pipeline on the articles next to GOLD in a temporary store first.
    """
    from storyline.eval.quotes import evaluate_quotes
    from storyline.eval.table import print_result

    print_result(evaluate_quotes(gold), as_json=as_json, console=out_console)


@eval_.command("polnear")
@click.argument(
    "data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default="../shared/data/polnear",
)
@click.option("--split", type=click.Choice(["dev", "test"]), default="test", show_default=True)
@click.option("--limit", type=int, default=None, help="Only the first N texts.")
@json_option
def eval_polnear(data: Path, split: str, limit: int | None, as_json: bool) -> None:
    """Speaker and content span P/R/F1 (strict and overlap) on PolNeAR, beside textacy."""
    from storyline.eval.polnear import evaluate_polnear
    from storyline.eval.table import print_result

    print_result(
        evaluate_polnear(data, split=split, limit=limit), as_json=as_json, console=out_console
    )


@eval_.command("clusters")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--limit", type=int, default=None, help="Only the first N gold articles.")
@json_option
def eval_clusters(gold: Path, limit: int | None, as_json: bool) -> None:
    """Stories, events (B-cubed, ARI) and duplicates (pair P/R) against a gold.json or a
    labelled JSONL (story_id, event_id, dup_group), beside e5+HDBSCAN and TF-IDF baselines.

    Runs the whole pipeline on the articles in a temporary store first.
    """
    from storyline.eval.clusters import evaluate_clusters
    from storyline.eval.table import print_result

    print_result(evaluate_clusters(gold, limit=limit), as_json=as_json, console=out_console)


@eval_.command("clusters-public")
@click.argument("name", type=click.Choice(["timeline17", "meantime"]))
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="The set's folder (default ../shared/data/timeline17 or ../shared/data/meantime_en).",
)
@click.option("--limit", type=int, default=None, help="Articles (timeline17 default: 300).")
@json_option
def eval_clusters_public(name: str, data: Path | None, limit: int | None, as_json: bool) -> None:
    """Story/event clustering on a public set, storyline beside the two baselines."""
    from storyline.eval.clusters import evaluate_public
    from storyline.eval.table import print_result

    folder = data or Path("../shared/data") / ("meantime_en" if name == "meantime" else name)
    print_result(evaluate_public(name, folder, limit=limit), as_json=as_json, console=out_console)


@eval_.command("tempeval")
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("../shared/data/tempeval3"),
    show_default=True,
    help="The TempEval-3 folder.",
)
@click.option(
    "--split",
    default="te3-platinum",
    show_default=True,
    help="te3-platinum (the test set), TBAQ-cleaned/TimeBank or TBAQ-cleaned/AQUAINT.",
)
@click.option("--limit", type=int, default=None, help="Only the first N documents.")
@json_option
def eval_tempeval(data: Path, split: str, limit: int | None, as_json: bool) -> None:
    """Time expressions on TempEval-3: strict and relaxed span F1, value F1 and type accuracy,
    beside dateparser.search_dates and HeidelTime's published figures."""
    from storyline.eval.table import print_result
    from storyline.eval.tempeval import evaluate_tempeval

    result = evaluate_tempeval(data, limit=limit, split=split)
    print_result(result, as_json=as_json, console=out_console)


@eval_.command("timeline")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
def eval_timeline(gold: Path, as_json: bool) -> None:
    """Story timelines against a gold.json's timeline: entry recall and precision, source
    recall, date value accuracy, distractors placed (--json adds every gold entry's match or
    nearest candidate)."""
    from storyline.eval.table import print_result
    from storyline.eval.timeline import evaluate_timeline

    print_result(evaluate_timeline(gold), as_json=as_json, console=out_console)


@eval_.command("timeline17")
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("../shared/data/timeline17"),
    show_default=True,
    help="The timeline17 folder.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=None,
    help="At most N articles per topic (a fixed-seed sample; default: a cap that runs in a"
    " few minutes); 0 reads them all.",
)
@json_option
def eval_timeline17(data: Path, limit: int | None, as_json: bool) -> None:
    """Date selection on timeline17: date F1 of the days our timelines mention most, beside
    HeidelTime's dates and news-tls's published figure."""
    from storyline.eval.table import print_result
    from storyline.eval.timeline import DEFAULT_TOPIC_CAP, evaluate_timeline17

    cap = DEFAULT_TOPIC_CAP if limit is None else limit or None
    result = evaluate_timeline17(data, cap)
    print_result(result, as_json=as_json, console=out_console)


@eval_.command("compare")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
def eval_compare(gold: Path, as_json: bool) -> None:
    """Disagreements (found, right sides, change over time), framing rows and figures against
    a gold.json like the seeds'. Runs the whole pipeline on the gold's folder first."""
    from storyline.eval.compare import evaluate_compare
    from storyline.eval.table import print_result

    print_result(evaluate_compare(gold), as_json=as_json, console=out_console)


def _register() -> None:
    """Commands that live with their stage."""
    from storyline.compare.commands import timeline
    from storyline.link.commands import entities, quotes
    from storyline.link.story_commands import recluster, stories, story
    from storyline.live.commands import feeds, watch
    from storyline.report.brief_commands import brief
    from storyline.scale.commands import batch
    from storyline.web.commands import serve

    for command in (
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
