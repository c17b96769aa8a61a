"""A story timeline as Markdown or JSON (`storyline timeline`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from storyline.compare.story_timeline import StoryTimeline


def timeline_dict(tl: StoryTimeline) -> dict[str, Any]:
    """The timeline as JSON-ready data: story, event dates, entries, undated articles."""
    return {
        "story": tl.story,
        "label": tl.label,
        "events": {eid: asdict(when) for eid, when in tl.events.items()},
        "entries": [asdict(e) for e in tl.entries],
        "undated": [
            {**asdict(u), "anchor": u.anchor.isoformat() if u.anchor else None} for u in tl.undated
        ],
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def timeline_markdown(tl: StoryTimeline) -> str:
    """The timeline as a Markdown table, each line citing its articles and spans."""
    lines = [f"# Timeline {tl.story}: {tl.label}", "", "| date | what | sources | note |"]
    lines.append("|---|---|---|---|")
    for e in tl.entries:
        sources = "; ".join(
            f"{s.outlet or '?'} [{s.article_id[:8]}:{s.start}-{s.end}]" for s in e.sources
        )
        note = e.conflict or ("event date" if e.kind == "event" else "")
        lines.append(f"| {e.date} | {_cell(e.what)} | {_cell(sources)} | {_cell(note)} |")
    lines += ["", "## Event dates", ""]
    for eid, when in tl.events.items():
        lines.append(
            f"- {eid}: {when.value or 'unknown'} (confidence {when.confidence:.2f}):"
            f" {'; '.join(when.evidence)}"
        )
    if tl.undated:
        lines += ["", "## Articles without a publication date", ""]
        for u in tl.undated:
            lines.append(
                f"- {u.article_id[:8]}: published between {u.earliest or '?'} and"
                f" {u.latest or '?'} (dates read against {u.anchor or 'nothing'})"
            )
    return "\n".join(lines) + "\n"
