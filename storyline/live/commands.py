"""CLI commands of live ingest, registered on the main group: `storyline watch` (poll feeds into
the store, with a live status table) and `storyline feeds` (the watched feeds and the fetch log).
"""

from __future__ import annotations

import json
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

import click
from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from storyline.cli_shared import parse_steps
from storyline.link.story_commands import _HasStore
from storyline.live.fetch import TIMEOUT_S, Fetcher
from storyline.live.polite import HOST_DELAY_S
from storyline.live.watch import CONCURRENCY, EVERY_S, Watcher, WatchSummary

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")


def parse_duration(value: str) -> float:
    """Seconds in "90", "30s", "10m", "2h" or "1d"; raises click.BadParameter otherwise."""
    match = _DURATION.match(value)
    if match is None:
        raise click.BadParameter(f"{value!r}: give a number with s, m, h or d (e.g. 10m)")
    return float(match.group(1)) * _UNITS[match.group(2) or "s"]


def _duration(_ctx: click.Context, _param: click.Parameter, value: str | None) -> float | None:
    return None if value is None else parse_duration(value)


def allow_private_option(f: Any) -> Any:
    """`--allow-private`: let fetches reach loopback and private addresses."""
    return click.option(
        "--allow-private",
        is_flag=True,
        help="Allow loopback, private and link-local addresses (intranet feeds, local tests). "
        "Cloud metadata, multicast and reserved addresses stay refused.",
    )(f)


def status_table(summary: WatchSummary) -> Table:
    """The live status: one row per feed."""
    table = Table(
        title=f"storyline watch: {summary.new} new article(s), {summary.errors} error(s)",
        title_justify="left",
    )
    for column in ("feed", "last poll", "status", "new", "errors", "next poll"):
        table.add_column(column, overflow="fold")
    for s in summary.feeds.values():
        table.add_row(
            escape((s.title or s.url)[:60]),
            s.last_poll,
            escape(s.status[:80]),
            str(s.new),
            str(s.errors),
            s.next_poll,
        )
    return table


@contextmanager
def _stop_on_interrupt(stop: threading.Event) -> Iterator[None]:
    """The first Ctrl-C asks the watcher to stop after the round in progress (fetches still
    waiting are dropped); a second one interrupts at once (the store rolls back what is
    uncommitted)."""

    def handler(_signum: int, _frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@click.command()
@click.argument("feeds", nargs=-1)
@click.option(
    "--every",
    default="10m",
    show_default=True,
    callback=_duration,
    help="Poll interval per feed (s, m, h, d). A failing feed backs off longer.",
)
@click.option("--once", is_flag=True, help="Poll every feed once and exit (for cron).")
@click.option(
    "--for", "duration", default=None, callback=_duration, help="Stop after this long (e.g. 1h)."
)
@click.option(
    "--max-polls", type=click.IntRange(1), default=None, help="Stop after this many rounds."
)
@allow_private_option
@click.option(
    "--host-delay",
    type=click.FloatRange(0),
    default=HOST_DELAY_S,
    show_default=True,
    help="Seconds between requests to one host (robots.txt Crawl-delay raises it).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=CONCURRENCY,
    show_default=True,
    help="Requests in flight over all hosts.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1),
    default=TIMEOUT_S,
    show_default=True,
    help="Seconds to connect and for each read.",
)
@click.option(
    "--steps",
    default="clean,nlp,link",
    show_default=True,
    metavar="LIST",
    help="Pipeline steps for new articles (as for ingest).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on exit.")
@click.pass_obj
def watch(
    obj: _HasStore,
    feeds: tuple[str, ...],
    every: float | None,
    once: bool,
    duration: float | None,
    max_polls: int | None,
    allow_private: bool,
    host_delay: float,
    concurrency: int,
    timeout: float,
    steps: str,
    as_json: bool,
) -> None:
    """Poll news feeds and put every new article through the pipeline, into its story.

    FEEDS are RSS/Atom URLs or OPML files; without any, the feeds watched before are polled.
    Requests are polite (robots.txt, conditional GET, a per-host rate limit, backoff) and safe
    (public addresses only, size and type checks, at most 5 redirects). Ctrl-C stops after the
    round in progress; a second Ctrl-C stops at once. See docs/live.md.
    """
    from storyline.live.feeds import feed_urls

    urls = feed_urls(feeds)
    store = obj.store()
    stop = threading.Event()
    fetcher = Fetcher(
        allow_private=allow_private,
        timeout=timeout,
        host_delay=host_delay,
        stop=stop,
    )
    watcher = Watcher(
        store,
        fetcher,
        urls,
        every=every or EVERY_S,
        concurrency=concurrency,
        steps=parse_steps(steps),
    )
    if not watcher.urls:
        raise click.UsageError("no feeds: give feed URLs or an OPML file")
    console = Console(stderr=True)
    try:
        with (
            _stop_on_interrupt(stop),
            Live(
                get_renderable=lambda: status_table(watcher.summary),
                console=console,
                refresh_per_second=2,
                transient=True,
            ),
        ):
            summary = watcher.run(once=once, duration=duration, max_rounds=max_polls)
    finally:
        watcher.close()
        fetcher.close()
    if as_json:
        data = asdict(summary)
        data["feeds"] = list(data["feeds"].values())
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    console.print(status_table(summary))
    console.print(
        f"{summary.rounds} round(s), {summary.polls} poll(s), {summary.new} new article(s), "
        f"{summary.errors} error(s){' (stopped)' if summary.stopped else ''}",
        highlight=False,
    )


@click.command()
@click.option(
    "--log",
    "log_rows",
    type=click.IntRange(0),
    default=20,
    show_default=True,
    help="How many of the latest fetches to show.",
)
@click.option("--url", default=None, help="Only the fetches of this URL (or made for this feed).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.pass_obj
def feeds(obj: _HasStore, log_rows: int, url: str | None, as_json: bool) -> None:
    """The watched feeds (last poll, status, failures, next poll, articles) and the fetch log
    (URL, time, status, bytes, ETag, Last-Modified, error)."""
    from storyline.store.fetchlog import fetch_log, list_feeds

    store = obj.store()
    watched = [asdict(f) for f in list_feeds(store)]
    fetches = [asdict(f) for f in fetch_log(store, url=url, limit=log_rows)]
    if as_json:
        click.echo(json.dumps({"feeds": watched, "fetch_log": fetches}, indent=2))
        return
    console = Console()
    table = Table(title=f"{len(watched)} feed(s)", title_justify="left")
    for column in ("feed", "last polled", "status", "failures", "next poll", "articles"):
        table.add_column(column, overflow="fold")
    for f in watched:
        status = f["last_error"] or (str(f["last_status"]) if f["last_status"] else "")
        table.add_row(
            escape(f["title"] or f["url"]),
            f["last_polled"] or "never",
            escape(status),
            str(f["failures"]),
            f["next_poll"] or "now",
            str(f["articles"]),
        )
    console.print(table)
    log_table = Table(title=f"latest {len(fetches)} fetch(es)", title_justify="left")
    for column in ("at", "kind", "url", "status", "bytes", "etag", "last-modified", "error"):
        log_table.add_column(column, overflow="fold")
    for f in fetches:
        log_table.add_row(
            f["at"],
            f["kind"],
            escape(f["url"]),
            str(f["status"] or ""),
            str(f["bytes"]),
            escape(f["etag"] or ""),
            f["last_modified"] or "",
            escape(f["error"] or ""),
        )
    console.print(log_table)
