"""CLI commands of the linking stage, registered on the main group with `cli.add_command(...)`:

* `storyline entities [--json]` lists canonical entities; `entities merge A B` and
  `entities split NAME VARIANT` record alias edits that survive re-runs.
* `storyline quotes [--speaker NAME] [--story ID] [--json]` lists quotes, one row per quote
  cluster (the same remark carried by several outlets is one row).

They read what the pipeline's link step stored; an edit re-runs entity resolution and quote
clustering (a speaker's identity decides which quotes can be one remark).
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from storyline.link.names import fold, strip_titles
from storyline.store.db import Store

# As storyline/cli_shared.py: the terminal's width, or 160 columns when output is piped or logged.
_WIDTH = shutil.get_terminal_size((160, 40)).columns
QUOTE_PREVIEW = 140  # characters of a quote in the table (--json has it whole)


class _HasStore(Protocol):
    def store(self) -> Store: ...


def _out() -> Console:
    return Console(width=_WIDTH)


def _json_out(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def entities(ctx: click.Context, as_json: bool) -> None:
    """List canonical entities: name, type, variants, article count (most reported first)."""
    if ctx.invoked_subcommand is not None:
        return
    from storyline.link.resolve import list_canonical

    rows = list_canonical(ctx.obj.store())
    if as_json:
        _json_out([asdict(r) for r in rows])
        return
    if not rows:
        click.echo("no canonical entities yet: run the pipeline's link step first", err=True)
        return
    table = Table(title=f"{len(rows)} entities")
    table.add_column("name", max_width=32)
    table.add_column("type", no_wrap=True)
    table.add_column("articles", justify="right", no_wrap=True)
    table.add_column("variants", ratio=1)
    for r in rows:
        table.add_row(escape(r.name), r.label, str(r.articles), escape(" · ".join(r.variants)))
    _out().print(table)


def _relink(store: Store) -> str:
    from storyline.link.quotes import cluster_quotes

    shared = cluster_quotes(store)
    return f"{shared} quotes carried by more than one article"


@entities.command()
@click.argument("a")
@click.argument("b")
@click.pass_obj
def merge(obj: _HasStore, a: str, b: str) -> None:
    """Make entity B the same as entity A (A's name is kept); remembered across re-runs."""
    from storyline.link.resolve import merge as merge_entities

    store = obj.store()
    report = merge_entities(store, a, b)
    click.echo(f"merged {b!r} into {a!r}: {report.canonical} entities; {_relink(store)}", err=True)


@entities.command()
@click.argument("name")
@click.argument("variant")
@click.pass_obj
def split(obj: _HasStore, name: str, variant: str) -> None:
    """Make the mentions written VARIANT an entity apart from NAME; remembered across re-runs."""
    from storyline.link.resolve import split as split_entity

    store = obj.store()
    report = split_entity(store, name, variant)
    click.echo(
        f"split {variant!r} from {name!r}: {report.canonical} entities; {_relink(store)}", err=True
    )


@dataclass(frozen=True, slots=True)
class QuoteRow:
    """One quote cluster as listed: the earliest report's words, and who else carried it."""

    speaker: str | None
    text: str
    kind: str
    outlets: list[str]
    first_seen: str | None  # publication date of the earliest article
    first_article: str
    members: list[dict[str, Any]]


def quote_rows(store: Store) -> list[QuoteRow]:
    """Every quote cluster (a quote not clustered yet is a row of its own), earliest first."""
    rows = store.conn.execute(
        "SELECT q.article_id, q.idx, q.text, q.kind, q.speaker, c.name AS canonical,"
        " a.outlet, a.published, m.cluster_id, m.similarity FROM quotes q"
        " JOIN articles a ON a.id = q.article_id"
        " LEFT JOIN entity_links l ON l.article_id = q.article_id AND l.entity = q.speaker_entity"
        " LEFT JOIN canonical_entities c ON c.id = l.canonical_id"
        " LEFT JOIN quote_cluster_members m ON m.article_id = q.article_id AND m.idx = q.idx"
    ).fetchall()
    groups: dict[Any, list[Any]] = defaultdict(list)
    for r in rows:
        groups[r["cluster_id"] or (r["article_id"], r["idx"])].append(r)
    out = []
    for members in groups.values():
        members.sort(key=lambda r: (r["published"] is None, r["published"] or "", r["article_id"]))
        first = members[0]
        speakers = [
            r["canonical"] or r["speaker"] for r in members if r["canonical"] or r["speaker"]
        ]
        outlets = list(dict.fromkeys(r["outlet"] or r["article_id"][:8] for r in members))
        out.append(
            QuoteRow(
                speaker=speakers[0] if speakers else None,
                text=first["text"],
                kind=first["kind"],
                outlets=outlets,
                first_seen=first["published"],
                first_article=first["article_id"],
                members=[
                    {
                        "article": r["article_id"],
                        "idx": r["idx"],
                        "outlet": r["outlet"],
                        "published": r["published"],
                        "text": r["text"],
                        "kind": r["kind"],
                        "speaker": r["speaker"],
                        "similarity": r["similarity"],
                    }
                    for r in members
                ],
            )
        )
    out.sort(key=lambda q: (q.first_seen is None, q.first_seen or "", q.first_article))
    return out


def _speaker_matches(wanted: str, row: QuoteRow) -> bool:
    """Whether a quote is by NAME: its canonical speaker or a reported speaker name contains the
    folded, title-stripped NAME ("lavrov" finds "Sergey Lavrov", "Лавров" too)."""
    key = fold(strip_titles(wanted) or wanted)
    names = [row.speaker or ""] + [m["speaker"] or "" for m in row.members]
    return any(key and key in fold(name) for name in names)


@click.command()
@click.option("--speaker", metavar="NAME", help="Only quotes by this person or organisation.")
@click.option(
    "--story",
    metavar="ID",
    help="Only quotes of this story (stories are not built yet: accepted and ignored).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def quotes(obj: _HasStore, speaker: str | None, story: str | None, as_json: bool) -> None:
    """List quotes: speaker, words, kind, the outlets that carried them, first seen.

    The same remark reported by several outlets (verbatim, trimmed or translated) is one row,
    with the earliest report's words.
    """
    if story is not None:
        click.echo("note: stories are not built yet; --story is ignored", err=True)
    rows = quote_rows(obj.store())
    if speaker:
        rows = [r for r in rows if _speaker_matches(speaker, r)]
    if as_json:
        _json_out([asdict(r) for r in rows])
        return
    table = Table(title=f"{len(rows)} quotes")
    table.add_column("first seen", no_wrap=True)
    table.add_column("speaker", max_width=24)
    table.add_column("kind", no_wrap=True)
    table.add_column("quote", ratio=1, min_width=40)
    table.add_column("outlets", max_width=36)
    for r in rows:
        text = r.text if len(r.text) <= QUOTE_PREVIEW else r.text[: QUOTE_PREVIEW - 1] + "…"
        table.add_row(
            r.first_seen or "—",
            escape(r.speaker or "—"),
            r.kind,
            escape(text),
            escape(", ".join(r.outlets)),
        )
    _out().print(table)
