"""An article's clean text cut into paragraphs of segments, each segment carrying the marks
(entity mention, quote, time expression) that cover it, for the article page to highlight.

Pure and HTML-free: the template escapes every segment's text. Marks may nest or overlap (a
name inside a quote, a date inside a name); a segment is a maximal run of characters covered by
the same marks, so no mark is lost and the text is reproduced exactly, paragraph by paragraph.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Mark:
    """A highlighted span of the text: [start, end), its kind, an entity to link to, a note."""

    start: int
    end: int
    kind: str  # entity | quote | time
    entity: int | None = None  # canonical entity id (entity marks)
    note: str = ""


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text and the kinds of mark over it (sorted), the entity link, the notes."""

    text: str
    kinds: tuple[str, ...] = ()
    entity: int | None = None
    note: str = ""


Paragraph = list[Segment]


def paragraphs(text: str, marks: list[Mark]) -> list[Paragraph]:
    """The text's non-empty lines as paragraphs of segments."""
    valid = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    cuts = {0, len(text)}
    for m in valid:
        cuts.update((m.start, m.end))
    cuts.update(i for i, ch in enumerate(text) if ch == "\n")
    cuts.update(i + 1 for i, ch in enumerate(text) if ch == "\n")
    bounds = sorted(cuts)
    starts = sorted(valid, key=lambda m: m.start)
    out: list[Paragraph] = [[]]
    active: list[Mark] = []
    nxt = 0
    for a, b in itertools.pairwise(bounds):
        chunk = text[a:b]
        if chunk == "\n":
            if out[-1]:
                out.append([])
            continue
        while nxt < len(starts) and starts[nxt].start <= a:
            active.append(starts[nxt])
            nxt += 1
        # every mark boundary is a cut, so a mark open at `a` covers the whole chunk
        active = [m for m in active if m.end > a]
        entity = next((m.entity for m in active if m.entity is not None), None)
        out[-1].append(
            Segment(
                chunk,
                tuple(sorted({m.kind for m in active})),
                entity,
                "; ".join(dict.fromkeys(m.note for m in active if m.note)),
            )
        )
    return [p for p in out if p]
