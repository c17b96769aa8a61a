"""A story's merged timeline, built from the dated sentences of its articles and its events.

Pure: `timeline_entries` takes the articles of one story (`TimelineDoc`: text, publication date,
time expressions, entity names, event) and their events' dates, and returns sorted
`TimelineEntry`s. Every sentence with a calendar DATE (a day, month, week, quarter, season or
year) is a mention of a happening on that date; mentions on the same date whose words overlap
(`SAME_HAPPENING`), or that share names and numbers (a translation), are one entry with all
their sources, so one happening reported by several
outlets is one line, and a month or year mention of a happening dated to the day elsewhere
joins that day. Each event with a date adds an entry from the lede of its first article
(the interview, the announcement), which the ledes of its other articles join. Two entries on
different days whose words overlap strongly (`CONFLICTING`) are the same happening dated
differently: both are flagged with the other date and its sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.link.name_tokens import fallback_names, tokens
from storyline.model import EventDate, TimelineEntry, TimelineSource, Timex

# A calendar date value: a year, month, day, ISO week, quarter, half or season of a year.
CALENDAR = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?|-W\d\d|-Q[1-4]|-H[12]|-(?:SP|SU|FA|WI))?")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»)]*\s+(?=[\"'“„«(]*[A-ZÀ-ÖØ-ÞА-ЯЁ0-9])|\n+")
_WORD = re.compile(r"[^\W_]{4,}")
SAME_HAPPENING = 0.12  # word overlap (Jaccard) for two same-date sentences to be one entry
SHARED_MARKS = 2  # or this many shared names and numbers (a translation shares no words)
# Or multilingual-e5-small sentence vectors this close. Same-date sentences only, so the bar is
# below a translation's: `storyline eval timeline examples/gold.json` gave entry precision 0.457
# at 0.88, 0.525 at 0.85 with the same recall, and lost recall at 0.82 (seeds unchanged).
SAME_MEANING = 0.85
_NUMBER = re.compile(r"\d+")
CONFLICTING = 0.3  # word overlap for two differently dated entries to be one happening
CONFLICT_WINDOW_DAYS = 60  # dates further apart are different happenings, not a disagreement
WHAT_CHARS = 220  # the clause shown for an entry is cut at a word boundary beyond this
# Common words carry no happening; the list is short because rarer words are what match.
_COMMON = frozenset(
    "that this with from have said says were will would been their there about after "
    "which they also into than when what more other over said told dass eine einer nicht "
    "sich wird wurde sagte pour dans avec sont été cette elle leur plus como para pero "
    "dijo sobre este esta который также было были".split()
)


Vectors = Mapping[
    tuple[str, int], NDArray[np.float32]
]  # (article id, sentence start) → unit vector


@dataclass(frozen=True, slots=True)
class TimelineDoc:
    """What the timeline needs of one article of the story."""

    id: str
    text: str
    outlet: str | None
    timexes: tuple[Timex, ...]
    names: tuple[tuple[int, int, str], ...] = ()  # (start, end, canonical name) of mentions
    event: str | None = None


@dataclass(slots=True)
class _Draft:
    value: str
    what: str
    words: set[str]
    kind: str
    sources: list[TimelineSource] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    marks: set[str] = field(default_factory=set)
    vectors: list[Any] = field(default_factory=list)
    event: str | None = None  # the event whose own entry this is


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line of a text."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[start : m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def content_words(text: str) -> set[str]:
    """Lower-cased words of four letters or more, common ones left out."""
    return {w for w in _WORD.findall(text.lower()) if w not in _COMMON}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def period_start(value: str) -> date:
    """The first day of a calendar value's period (sorting key)."""
    year = int(value[:4])
    rest = value[5:]
    if not rest:
        return date(year, 1, 1)
    if rest in {"SP", "SU", "FA", "WI"}:
        return date(year, {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[rest], 1)
    if rest.startswith("W"):
        return date.fromisocalendar(year, int(rest[1:3]), 1)
    if rest.startswith("Q"):
        return date(year, 3 * int(rest[1]) - 2, 1)
    if rest.startswith("H"):
        return date(year, 1 if rest[1] == "1" else 7, 1)
    if len(rest) == 2:
        return date(year, int(rest), 1)
    return date(year, int(rest[:2]), int(rest[3:5]))


def _clause(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= WHAT_CHARS:
        return text
    cut = text.rfind(" ", 0, WHAT_CHARS)
    return text[: cut if cut > 0 else WHAT_CHARS] + " …"


def _actors(doc: TimelineDoc, start: int, end: int) -> list[str]:
    return list(dict.fromkeys(n for s, e, n in doc.names if s >= start and e <= end))


def _mentions(doc: TimelineDoc) -> Iterable[tuple[str, int, int, str]]:
    """(date value, sentence start, sentence end, timex text) of each dated sentence."""
    spans = sentence_spans(doc.text)
    for t in doc.timexes:
        if t.type != "DATE" or not t.value or not CALENDAR.fullmatch(t.value):
            continue
        start, end = next(((s, e) for s, e in spans if s <= t.start < e), (t.start, t.end))
        yield t.value, start, end, t.text


def marks_of(sentence: str, timex: str) -> set[str]:
    """What survives translation: the names in a sentence (capitalised words that do not open
    it) and its numbers, the time expression's own digits left out."""
    own = set(_NUMBER.findall(timex))
    names = set(tokens(fallback_names(sentence)))
    return names | {n for n in _NUMBER.findall(sentence) if n not in own}


def _join(
    drafts: list[_Draft], value: str, words: set[str], marks: set[str], vector: Any
) -> _Draft | None:
    """The entry on the same date telling the same happening: by shared words, or (across
    languages) by shared names and numbers or close sentence embeddings."""
    best, best_sim = None, 0.0
    for d in drafts:
        if d.value != value:
            continue
        sim = _overlap(d.words, words)
        close = vector is not None and any(
            float(np.dot(v, vector)) >= SAME_MEANING for v in d.vectors
        )
        if sim < SAME_HAPPENING and len(d.marks & marks) < SHARED_MARKS and not close:
            continue
        sim = max(sim, SAME_HAPPENING)
        if sim > best_sim:
            best, best_sim = d, sim
    return best


def _source(doc: TimelineDoc, start: int, end: int, timex: str) -> TimelineSource:
    return TimelineSource(article_id=doc.id, start=start, end=end, outlet=doc.outlet, timex=timex)


def _add(
    drafts: list[_Draft],
    doc: TimelineDoc,
    value: str,
    span: tuple[int, int],
    timex: str,
    vectors: Vectors,
) -> None:
    start, end = span
    sentence = doc.text[start:end]
    words = content_words(sentence)
    marks = marks_of(sentence, timex)
    vector = vectors.get((doc.id, start))
    source = _source(doc, start, end, timex)
    draft = _join(drafts, value, words, marks, vector)
    if draft is None:
        draft = _Draft(value, _clause(sentence), set(words), "mention", marks=set(marks))
        drafts.append(draft)
    elif any(s.article_id == doc.id for s in draft.sources):
        return
    else:
        draft.words |= words
        draft.marks |= marks
    if vector is not None:
        draft.vectors.append(vector)
    draft.sources.append(source)
    draft.actors.extend(a for a in _actors(doc, start, end) if a not in draft.actors)


def dated_sentences(docs: Sequence[TimelineDoc]) -> list[tuple[str, int, str]]:
    """(article id, sentence start, sentence) of every sentence with a calendar date: what
    `timeline_entries` can compare by meaning when given their vectors."""
    out = []
    for doc in docs:
        seen = set()
        for _, start, end, _ in _mentions(doc):
            if start not in seen:
                seen.add(start)
                out.append((doc.id, start, doc.text[start:end]))
    return out


def timeline_entries(
    docs: Sequence[TimelineDoc],
    event_dates: Mapping[str, EventDate] | None = None,
    vectors: Vectors | None = None,
) -> list[TimelineEntry]:
    """The merged timeline of one story's articles, sorted by date (`vectors`: embeddings of
    the `dated_sentences`, so that translations of one sentence meet)."""
    drafts: list[_Draft] = []
    for event, when in sorted((event_dates or {}).items()):
        if when.value is None or not CALENDAR.fullmatch(when.value):
            continue
        ledes = [
            (doc, spans[0])
            for doc in docs
            if doc.event == event and (spans := sentence_spans(doc.text))
        ]
        if not ledes:
            continue
        doc, (start, end) = ledes[0]
        draft = _Draft(when.value, _clause(doc.text[start:end]), set(), "event", event=event)
        drafts.append(draft)
        for doc, (start, end) in ledes:  # the event's articles all report it
            draft.words |= content_words(doc.text[start:end])
            draft.sources.append(_source(doc, start, end, ""))
            draft.actors.extend(a for a in _actors(doc, start, end) if a not in draft.actors)
    for doc in docs:
        for value, start, end, timex in _mentions(doc):
            _add(drafts, doc, value, (start, end), timex, vectors or {})
    drafts = _fold_into_events(_fold_coarser(drafts), {d.id: d.event for d in docs})
    conflicts = _conflicts(drafts)
    entries = [
        TimelineEntry(
            date=d.value,
            what=d.what,
            actors=tuple(d.actors),
            sources=tuple(d.sources),
            conflict=conflicts.get(id(d), ""),
            kind=d.kind,
        )
        for d in drafts
    ]
    return sorted(entries, key=lambda e: (period_start(e.date), -len(e.date), e.what))


def _fold_into_events(drafts: list[_Draft], event_of: Mapping[str, str | None]) -> list[_Draft]:
    """A mention dated the day of an event, told only by that event's own articles, is a
    detail of the event ("declined to comment on Monday"): it joins the event's entry."""
    own = {(d.event, d.value): d for d in drafts if d.kind == "event"}
    kept = []
    for d in drafts:
        events = {event_of.get(s.article_id) for s in d.sources}
        target = own.get((next(iter(events)), d.value)) if len(events) == 1 else None
        if d.kind != "mention" or target is None:
            kept.append(d)
            continue
        seen = {s.article_id for s in target.sources}
        target.sources.extend(s for s in d.sources if s.article_id not in seen)
        target.actors.extend(a for a in d.actors if a not in target.actors)
    return kept


def _fold_coarser(drafts: list[_Draft]) -> list[_Draft]:
    """A month or year entry that tells the same happening as a finer one within it ("the
    August summit" / "their August 15 summit") is folded into the finer one, sources and all."""
    kept: list[_Draft] = []
    for d in sorted(drafts, key=lambda d: -len(d.value)):  # finest first
        finer = [
            k
            for k in kept
            if len(k.value) > len(d.value)
            and k.value.startswith(d.value)
            and _overlap(k.words, d.words) >= SAME_HAPPENING
        ]
        if not finer:
            kept.append(d)
            continue
        target = max(finer, key=lambda k: _overlap(k.words, d.words))
        seen = {s.article_id for s in target.sources}
        target.sources.extend(s for s in d.sources if s.article_id not in seen)
        target.words |= d.words
        target.actors.extend(a for a in d.actors if a not in target.actors)
    return kept


def _conflicts(drafts: Sequence[_Draft]) -> dict[int, str]:
    """Entries on different days that tell the same happening: id(draft) → the other dates."""
    days = [d for d in drafts if len(d.value) == 10]
    found: dict[int, list[str]] = {}
    for i, a in enumerate(days):
        for b in days[i + 1 :]:
            if a.value == b.value:
                continue
            gap = abs(period_start(a.value) - period_start(b.value))
            if gap > timedelta(days=CONFLICT_WINDOW_DAYS):
                continue
            if _overlap(a.words, b.words) < CONFLICTING:
                continue
            found.setdefault(id(a), []).append(_describe(b))
            found.setdefault(id(b), []).append(_describe(a))
    return {k: "also dated " + "; ".join(v) for k, v in found.items()}


def _describe(d: _Draft) -> str:
    outlets = sorted({s.outlet or s.article_id[:8] for s in d.sources})
    return f"{d.value} by {', '.join(outlets)}"
