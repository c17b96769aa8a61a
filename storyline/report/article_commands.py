"""CLI commands over the stored articles, registered on the main group in cli.py:

* `storyline list [--json]`: every article's id, date, outlet, language and title;
* `storyline show ID [--json] [--raw]`: one article, its removed lines and date claims;
* `storyline search QUERY [--json] [--limit N]`: full-text search over titles and text;
* `storyline export [--format jsonl|parquet] [-o FILE] [--raw]`: one record per article.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from storyline.cli_shared import Ctx, err_console, json_option, json_out, out_console
from storyline.errors import StorylineError


@click.command("list")
@json_option
@click.pass_obj
def list_(obj: Ctx, as_json: bool) -> None:
    """List stored articles: id, date, outlet, language, title."""
    rows = [dict(r) for r in obj.store().summaries()]
    if as_json:
        json_out(rows)
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


@click.command()
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
        json_out(record(article, version=store.version_of(article.id), with_raw=with_raw))
        return
    from storyline.report.show import render_article

    render_article(article, out_console, with_raw=with_raw)


@click.command()
@click.argument("query")
@json_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@click.pass_obj
def search(obj: Ctx, query: str, as_json: bool, limit: int) -> None:
    """Full-text search (SQLite FTS5) over titles and clean text."""
    rows = [dict(r) for r in obj.store().search(query, limit)]
    if as_json:
        json_out(rows)
        return
    for r in rows:
        out_console.print(
            f"[bold]{r['id'][:8]}[/bold] {r['published'] or '—'} {r['outlet'] or '—'}"
            f" — {escape(r['title'] or '')}\n    {escape(r['snippet'])}",
            highlight=False,
        )


@click.command()
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
