"""CLI commands of the compare stage, registered on the main group:

* `storyline timeline STORY [--format md|json]`: the story's merged timeline, its events' dates
  with their evidence, and the publication interval of its undated articles.
"""

from __future__ import annotations

import json

import click

from storyline.link.story_commands import _HasStore


@click.command()
@click.argument("story_id")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json"]),
    default="md",
    show_default=True,
    help="Markdown table or JSON.",
)
@click.pass_obj
def timeline(obj: _HasStore, story_id: str, fmt: str) -> None:
    """The timeline of one story (S3, or an event id such as E7 for its story): every dated
    happening with its sources, conflicting dates flagged, and when each event happened."""
    from storyline.compare.story_timeline import story_timeline
    from storyline.link.stories import get_story
    from storyline.report.timeline import timeline_dict, timeline_markdown

    store = obj.store()
    view = get_story(store, story_id)
    if view is None:
        raise click.ClickException(f"no story {story_id!r}: `storyline stories` lists them")
    tl = story_timeline(store, view)
    if fmt == "json":
        click.echo(json.dumps(timeline_dict(tl), ensure_ascii=False, indent=2))
    else:
        click.echo(timeline_markdown(tl), nl=False)
