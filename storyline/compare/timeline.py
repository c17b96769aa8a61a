"""A story's merged timeline, built from the dated sentences of its articles and its events.

Pure: `timeline_entries` takes the articles of one story (`TimelineDoc`: text, publication date,
time expressions, entity names, event) and their events' dates, and returns sorted
`TimelineEntry`s. An event reported by one article only, dated far outside the span of the
story's events that several report (`apart_events`), is one the linker drew in by a shared name
(a chief executive's charity row in a drug recall story): its article adds nothing. The dated
sentences and event ledes are drafted into entries, one per happening and date
(`timeline_drafts.py`); entries that tell one happening at another grain or
in a guessed year are folded together (`timeline_merge.py`); entries on different days that
tell the same happening are one entry flagged with the other dates (`timeline_conflicts.py`).
`dated_sentences` names the sentences to embed, so that translations of one sentence meet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from storyline.compare.periods import CALENDAR, period_start
from storyline.compare.sentences import sentence_spans
from storyline.compare.timeline_conflicts import _fold_conflicts
from storyline.compare.timeline_drafts import (
    TimelineDoc,
    Vectors,
    _add,
    _add_event,
    _Draft,
    _mentions,
    _vote,
    weak,
)
from storyline.compare.timeline_foreign import add_foreign_sources
from storyline.compare.timeline_merge import _agree_years, _fold_coarser, _fold_into_events
from storyline.compare.timeline_undated import add_undated_sources
from storyline.model import EventDate, TimelineEntry

# An event of one article dated this far before or after every event that several articles
# report stands apart from the story. The examples' stray reports (a museum show, a charity row)
# lie 44 and 150 days outside their stories' shared events; the one-article events that belong
# (interviews) lie within them. 30 sits between; not tuned further.
APART_DAYS = 30


def dated_sentences(docs: Sequence[TimelineDoc]) -> list[tuple[str, int, str]]:
    """(article id, sentence start, sentence) of every sentence with a calendar date and of
    each event article's lede: what `timeline_entries` can compare by meaning when given
    their vectors."""
    out = []
    for doc in docs:
        spans = [(s, e) for _, _, s, e in _mentions(doc)]
        if doc.event is not None:
            spans = sentence_spans(doc.text)[:1] + spans
        for start, end in dict.fromkeys(spans):
            out.append((doc.id, start, doc.text[start:end]))
    return out


def apart_events(docs: Sequence[TimelineDoc], dated: Mapping[str, str]) -> set[str]:
    """The dated events of one article that lie more than `APART_DAYS` outside the span of the
    dated events several articles report (none when no such event has a date)."""
    size = Counter(d.event for d in docs if d.event is not None)
    shared = [period_start(v) for e, v in dated.items() if size[e] > 1]
    if not shared:
        return set()
    low, high = min(shared) - timedelta(days=APART_DAYS), max(shared) + timedelta(days=APART_DAYS)
    return {e for e, v in dated.items() if size[e] == 1 and not low <= period_start(v) <= high}


def timeline_entries(
    docs: Sequence[TimelineDoc],
    event_dates: Mapping[str, EventDate] | None = None,
    vectors: Vectors | None = None,
    retold: bool = False,
    foreign: Mapping[str, Sequence[TimelineDoc]] | None = None,
) -> list[TimelineEntry]:
    """The merged timeline of one story's articles, sorted by date (`vectors`: embeddings of
    the `dated_sentences`, so that translations of one sentence meet). `retold`: undated
    sentences that retell an entry's happening are its sources too (`timeline_undated`); a
    story's timeline wants them, date selection over a collection counts only what articles
    date (on timeline17 they cost 0.011 date F1 and four times the time). `foreign`: by story,
    articles of other stories that may tell this story's happenings (`timeline_foreign`)."""
    drafted = draft_timeline(docs, event_dates, vectors, retold)
    return finish_timeline(drafted, foreign, vectors)


@dataclass(frozen=True, slots=True)
class Drafted:
    """A story's timeline before other stories' reports are read: its entries as drafts, and
    id(draft) → the other dates its reports give."""

    drafts: list[_Draft]
    conflicts: dict[int, str]


def draft_timeline(
    docs: Sequence[TimelineDoc],
    event_dates: Mapping[str, EventDate] | None = None,
    vectors: Vectors | None = None,
    retold: bool = False,
) -> Drafted:
    """The first part of `timeline_entries`: this story's own articles drafted into entries."""
    drafts: list[_Draft] = []
    dated = {
        e: w.value
        for e, w in (event_dates or {}).items()
        if w.value is not None and CALENDAR.fullmatch(w.value)
    }
    apart = apart_events(docs, dated)
    docs = [d for d in docs if d.event not in apart]
    events = sorted({d.event for d in docs if d.event is not None})
    for event in sorted(events, key=lambda e: e not in dated):  # dated events first
        _add_event(drafts, docs, event, dated.get(event), vectors or {})
    own = {e: d for d in drafts for e in d.events}
    mentions = [(doc, m) for doc in docs for m in _mentions(doc)]
    # weak mentions last, so that they find the entries the others open
    mentions.sort(key=lambda dm: weak(dm[0], dm[1][0]))
    for doc, (value, timex, start, end) in mentions:
        entry = own.get(doc.event or "") if timex.start == doc.lede_at else None
        if entry is not None:
            _vote(entry, doc, timex, (start, end))
        else:
            opens = not weak(doc, value)
            _add(drafts, doc, value, timex, (start, end), vectors or {}, opens)
    drafts = _fold_into_events(_fold_coarser(_agree_years(drafts)), docs)
    drafts, conflicts = _fold_conflicts(drafts)
    if retold:
        add_undated_sources(drafts, docs)
    return Drafted(drafts, conflicts)


def finish_timeline(
    drafted: Drafted,
    foreign: Mapping[str, Sequence[TimelineDoc]] | None = None,
    vectors: Vectors | None = None,
) -> list[TimelineEntry]:
    """The second part of `timeline_entries`: other stories' reports read into the drafts
    (which they change), and the entries sorted."""
    drafts = drafted.drafts
    if foreign:
        drafts = add_foreign_sources(drafts, foreign, vectors or {})
    entries = [
        TimelineEntry(
            date=d.value,
            what=d.what,
            actors=tuple(d.actors),
            sources=tuple(d.sources),
            conflict=drafted.conflicts.get(id(d), ""),
            kind=d.kind,
        )
        for d in drafts
    ]
    return sorted(entries, key=lambda e: (period_start(e.date), -len(e.date), e.what))
