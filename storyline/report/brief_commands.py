"""`storyline brief STORY`: the dossier of one story as Markdown, HTML or JSON.

STORY is a story id (S3), an event id (its story), or `largest` (the story with most articles,
for demos). Without `-o` the dossier goes to stdout; with it, the file is written whole or not at
all (a temporary file beside it, then a rename), and its path is printed. A failing `--llm`
endpoint is a warning on stderr; the dossier is still written, with its extractive summary.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click

from storyline.link.stories import StoryView, get_story, list_stories
from storyline.link.story_commands import _HasStore
from storyline.report.dossier_llm import DEFAULT_MODEL, KEY_ENV
from storyline.store.db import Store

SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".json": "json", ".md": "md"}


def pick_story(store: Store, key: str) -> StoryView:
    """The story named by `key`, or the one with most articles for "largest"."""
    if key.lower() == "largest":
        stories = list_stories(store)
        if not stories:
            raise click.ClickException(
                "no stories yet: run `storyline ingest` (with its link step)"
            )
        return max(stories, key=lambda s: len(s.article_ids))
    view = get_story(store, key)
    if view is None:
        raise click.ClickException(f"no story {key!r}: `storyline stories` lists them")
    return view


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all: a temporary file in its folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        Path(tmp).chmod(0o666 & ~umask)  # mkstemp makes it private; a report is a normal file
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.command()
@click.argument("story_id", metavar="STORY")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json"]),
    default=None,
    help="Markdown, a self-contained HTML page, or JSON (default: from -o's suffix, else md).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the dossier to this file (default: stdout).",
)
@click.option(
    "--llm",
    metavar="URL",
    default=None,
    help="Add an abstractive summary from this OpenAI-compatible endpoint (e.g. "
    f"http://127.0.0.1:8080/v1); the key, if needed, from ${KEY_ENV}. Off by default.",
)
@click.option("--llm-model", default=DEFAULT_MODEL, show_default=True, help="Model for --llm.")
@click.pass_obj
def brief(
    obj: _HasStore,
    story_id: str,
    fmt: str | None,
    output: Path | None,
    llm: str | None,
    llm_model: str,
) -> None:
    """The dossier of one story (S3, an event id, or `largest`): summary, timeline, who said
    what, corroborated and single-source claims, conflicts, framing and sources, every line
    citing its articles and character spans."""
    from storyline.compare.compare import compare_story
    from storyline.report.dossier import build_dossier
    from storyline.report.dossier_html import dossier_html
    from storyline.report.dossier_md import dossier_markdown

    fmt = fmt or SUFFIX_FORMATS.get(output.suffix.lower() if output else "", "md")
    store = obj.store()
    view = pick_story(store, story_id)
    dossier = build_dossier(store, view, compare_story(store, view), llm=llm, llm_model=llm_model)
    for warning in dossier["warnings"]:
        click.echo(f"warning: {warning}", err=True)
    if fmt == "json":
        # default=str: the timeline's anchors are dates
        text = json.dumps(dossier, ensure_ascii=False, indent=2, default=str) + "\n"
    else:
        text = dossier_html(dossier) if fmt == "html" else dossier_markdown(dossier)
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomic(output, text)
    click.echo(f"dossier of {view.id} ({dossier['articles']} articles): {output}")
