"""CLI commands of the stories stage, registered on the main group with `cli.add_command(...)`:

* `storyline stories [--json]`: the tree story → events → articles (outlet, date, language,
  duplicate marks), then the articles placed in no cluster and why;
* `storyline story ID [--json]`: one story (an event id shows its story);
* `storyline recluster [--json]`: re-run the assignment over everything and list what moved.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Protocol

import click
from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from storyline.link.stories import StoryView, as_dict
from storyline.store.db import Store


class _HasStore(Protocol):
    def store(self) -> Store: ...


def _json_out(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _span(first: str | None, last: str | None) -> str:
    if first is None:
        return "undated"
    return first if first == last else f"{first} – {last}"


def _key(prefix: str, n: int | None) -> str:
    return "—" if n is None else f"{prefix}{n}"


def _tree(st: StoryView) -> Tree:
    tree = Tree(f"[bold]{st.id}[/] {escape(st.label)}  ({_span(st.first, st.last)})")
    for ev in st.events:
        branch = tree.add(f"[bold]{ev.id}[/] {escape(ev.label)}  ({_span(ev.first, ev.last)})")
        for a in ev.articles:
            mark = ""
            if a.dup_group:
                mark = f" [dim]{a.dup_group}{'' if a.canonical else ' copy'}[/]"
            branch.add(
                f"{a.id[:8]} {a.published or '—'} {a.language or '?'}"
                f" {escape(a.outlet or '—')}: {escape(a.title or '')}{mark}"
            )
    return tree


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a tree.")
@click.pass_obj
def stories(obj: _HasStore, as_json: bool) -> None:
    """List stories: each story's events and their articles, earliest first."""
    from storyline.link.stories import list_stories, skipped

    store = obj.store()
    rows = list_stories(store)
    skips = skipped(store)
    if as_json:
        _json_out({"stories": [as_dict(s) for s in rows], "skipped": skips})
        return
    if not rows:
        click.echo("no stories yet: run the pipeline's link step first", err=True)
    out = Console()
    for st in rows:
        out.print(_tree(st))
    for article_id, reason in sorted(skips.items()):
        out.print(f"[dim]{article_id[:8]} in no cluster: {escape(reason)}[/]")


@click.command()
@click.argument("story_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a tree.")
@click.pass_obj
def story(obj: _HasStore, story_id: str, as_json: bool) -> None:
    """Show one story (S12, or an event id such as E57 for its story)."""
    from storyline.link.stories import get_story

    st = get_story(obj.store(), story_id)
    if st is None:
        raise click.ClickException(f"no story {story_id!r}: `storyline stories` lists them")
    if as_json:
        _json_out(as_dict(st))
        return
    Console().print(_tree(st))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
@click.pass_obj
def recluster(obj: _HasStore, as_json: bool) -> None:
    """Re-run event and story assignment over every article; events may merge and split.
    Every article that moves is recorded."""
    from storyline.link.cluster import recluster as run

    changes = run(obj.store())
    if as_json:
        _json_out([asdict(c) for c in changes])
        return
    for c in changes:
        click.echo(
            f"{c.article_id[:8]} event {_key('E', c.old_event)} → {_key('E', c.new_event)},"
            f" story {_key('S', c.old_story)} → {_key('S', c.new_story)}"
        )
    click.echo(f"{len(changes)} articles moved", err=True)
