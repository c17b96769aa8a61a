"""Draft entries of a story's timeline: its dated sentences and event ledes, joined by happening.

Every sentence with a calendar DATE (a day, month, week, quarter, season or year) or a time of a
known day ("6am on Friday") is a mention of a happening on that date (`mentions`: not the end of
a range, not what "could" happen, not what did not; "before 2031" dates 2030); mentions on the
same date whose words overlap (`SAME_HAPPENING`), that share names and numbers (a translation),
or whose time expressions date the same thing (a word next to the expression in common: "the
2023 election", "signed after the 2023 election") are one entry with all their sources, so one
happening reported by several outlets is one line. Each event with a date adds an entry from the
lede of its first article (the interview, the announcement), which the ledes of its other
articles join, and so do the ledes of another event on that day, or of an undated event, that
tell the same happening (the linker may split one happening's reports). A weak mention (`weak`:
the report's own week or year) only joins an entry on its date, never opens one. The day an
event article's lede dates its event by is a source of the event's entry, not a line of its own
(a minority vote: "1am on Wednesday" of Tuesday night's talks).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.compare.mentions import before_value, ends_range, hypothetical, negated
from storyline.compare.periods import calendar_value, period_end, period_start
from storyline.compare.sentences import (
    SHARED_MARKS,
    _overlap,
    content_words,
    key_stems,
    marks_of,
    same_local,
    sentence_spans,
)
from storyline.model import TimelineSource, Timex

_ANY_WORD = re.compile(r"[^\W_]+")
SAME_HAPPENING = 0.12  # word overlap (Jaccard) for two same-date sentences to be one entry
# Or multilingual-e5-small sentence vectors this close. Same-date sentences only, so the bar is
# below a translation's: `storyline eval timeline examples/gold.json` gave entry precision 0.457
# at 0.88, 0.525 at 0.85 with the same recall, and lost recall at 0.82 (seeds unchanged).
SAME_MEANING = 0.85
CONFLICTING = 0.3  # word overlap for two differently dated entries to be one happening
# Words either side of a time expression that say what it dates ("the 2023 election"): a noun
# phrase or a verb with its particle. On examples/gold.json 3 gave entry precision 0.589 and
# source recall 0.925, 4 gave 0.611 and 0.951, 5 no more precision (seeds unchanged).
LOCAL_WORDS = 4
WHAT_CHARS = 220  # the clause shown for an entry is cut at a word boundary beyond this


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
    # the start of the time expression its lede dates its event by (`event_dates.lede_day`)
    lede_at: int | None = None
    language: str | None = None
    published: date | None = None  # or, undated, the day its relative dates were read from


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
    events: set[str] = field(default_factory=set)  # the events whose own entry this is
    # `key_stems` next to its time expressions; of an event's entry, of all its ledes
    local: set[str] = field(default_factory=set)
    guessed: bool = True  # no source states the year (it was taken as the nearest one)


def local_words(doc: TimelineDoc, timex: Timex, sentence: tuple[int, int]) -> set[str]:
    """Stems of the content words within `LOCAL_WORDS` words either side of a time expression
    in its sentence, other time expressions left out: what it is the date of."""
    start, end = sentence
    others = [t for t in doc.timexes if start <= t.start < end and t is not timex]
    before = _masked(doc.text, start, timex.start, others)
    after = _masked(doc.text, timex.end, end, others)
    near = _ANY_WORD.findall(before)[-LOCAL_WORDS:] + _ANY_WORD.findall(after)[:LOCAL_WORDS]
    return key_stems(near)


def _masked(text: str, start: int, end: int, timexes: Sequence[Timex]) -> str:
    """text[start:end] with the time expressions in it blanked (a weekday or a month name is
    no sign of the same happening)."""
    chars = list(text[start:end])
    for t in timexes:
        for i in range(max(t.start, start), min(t.end, end)):
            chars[i - start] = " "
    return "".join(chars)


def _clause(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= WHAT_CHARS:
        return text
    cut = text.rfind(" ", 0, WHAT_CHARS)
    return text[: cut if cut > 0 else WHAT_CHARS] + " …"


def _actors(doc: TimelineDoc, start: int, end: int) -> list[str]:
    return list(dict.fromkeys(n for s, e, n in doc.names if s >= start and e <= end))


def _mentions(doc: TimelineDoc) -> Iterable[tuple[str, Timex, int, int]]:
    """(calendar value, time expression, sentence start, sentence end) of each calendar date
    of a text that dates a happening (`mentions`: not a range's end, not what may happen; the
    period before a date after "before")."""
    spans = sentence_spans(doc.text)
    previous: Timex | None = None
    for t in doc.timexes:
        value = calendar_value(t)
        if value is None:
            continue
        start, end = next(((s, e) for s, e in spans if s <= t.start < e), (t.start, t.end))
        first, previous = previous, t
        if (
            first is not None
            and first.start >= start
            and ends_range(doc.text, doc.language, first, t)
        ):
            continue
        if hypothetical(doc.text, doc.language, t, (start, end)):
            continue
        if negated(doc.text, doc.language, t, (start, end)):
            continue
        yield before_value(doc.text, doc.language, t, value), t, start, end


def weak(doc: TimelineDoc, value: str) -> bool:
    """A date that opens no entry, though it may be a source of one on its date: a period
    holding the day the report was read from, coarser than a day ("this week", "this year",
    "all 2026 batches" in a 2026 report): of the report's own present, it dates nothing more
    closely than the report itself does ("the only thing that matters this week")."""
    day = doc.published
    return (
        day is not None
        and len(value) < len("YYYY-MM-DD")
        and period_start(value) <= day < period_end(value)
    )


@dataclass(frozen=True, slots=True)
class _Told:
    """What one sentence (or an event's ledes) tells, as the joining rules compare it."""

    words: set[str]
    marks: set[str]
    vector: Any
    local: set[str] = field(default_factory=set)


def _dates_same_thing(d: _Draft, told: _Told) -> bool:
    """The words next to the time expression are next to the draft's ("the 2023 election"), or,
    for an event's entry, in its ledes ("since the recall was announced on 10 February")."""
    return same_local(told.local, d.local)


def _join(drafts: list[_Draft], value: str, told: _Told) -> _Draft | None:
    """The entry on the same date telling the same happening (`_best`)."""
    return _best([d for d in drafts if d.value == value], told)


def _best(drafts: list[_Draft], told: _Told, minimum: int = 1) -> _Draft | None:
    """The entry telling the same happening: by shared words or the words next to the date,
    or (across languages) by shared names and numbers or close sentence embeddings, at least
    `minimum` of these tests. Of several, the one more of them find (then most shared words)."""
    best, best_key = None, (0, 0.0)
    for d in drafts:
        sim = _overlap(d.words, told.words)
        close = told.vector is not None and any(
            float(np.dot(v, told.vector)) >= SAME_MEANING for v in d.vectors
        )
        tests = (
            sim >= SAME_HAPPENING,
            len(d.marks & told.marks) >= SHARED_MARKS,
            close,
            _dates_same_thing(d, told),
        )
        key = (sum(tests), sim)
        if key[0] >= minimum and key > best_key:
            best, best_key = d, key
    return best


def _source(doc: TimelineDoc, start: int, end: int, timex: str) -> TimelineSource:
    return TimelineSource(article_id=doc.id, start=start, end=end, outlet=doc.outlet, timex=timex)


def _told(doc: TimelineDoc, timex: Timex, span: tuple[int, int], vectors: Vectors) -> _Told:
    """What the sentence `span` of `doc`, dated by `timex`, tells."""
    start, end = span
    sentence = doc.text[start:end]
    return _Told(
        content_words(sentence),
        marks_of(sentence, timex.text),
        vectors.get((doc.id, start)),
        local_words(doc, timex, span),
    )


def _add(
    drafts: list[_Draft],
    doc: TimelineDoc,
    value: str,
    timex: Timex,
    span: tuple[int, int],
    vectors: Vectors,
    opens: bool = True,
) -> None:
    """One dated sentence: a source of the entry telling the same happening on its date, else
    a new entry (unless not `opens`: a weak mention)."""
    start, end = span
    sentence = doc.text[start:end]
    told = _told(doc, timex, span, vectors)
    draft = _join(drafts, value, told)
    if draft is None and not opens:
        return
    if draft is None:
        draft = _Draft(value, _clause(sentence), set(), "mention")
        drafts.append(draft)
    elif any(s.article_id == doc.id for s in draft.sources):
        return
    _absorb(draft, doc, (start, end), told)
    draft.sources.append(_source(doc, start, end, timex.text))
    draft.guessed = draft.guessed and timex.anchor != "absolute"


def _vote(entry: _Draft, doc: TimelineDoc, timex: Timex, span: tuple[int, int]) -> None:
    """The date an event article's lede gives its event is a vote for the event's date (the
    event dates list each vote), not a happening of its own ("adjourned shortly after 1am on
    Wednesday", of talks most reports date to Tuesday): the article is a source of the event's
    entry."""
    if all(s.article_id != doc.id for s in entry.sources):
        entry.sources.append(_source(doc, *span, timex.text))


def _absorb(draft: _Draft, doc: TimelineDoc, span: tuple[int, int], told: _Told) -> None:
    """Add what a sentence tells to an entry (its words, names, vector and actors)."""
    draft.words |= told.words
    draft.marks |= told.marks
    draft.local |= told.local
    if told.vector is not None:
        draft.vectors.append(told.vector)
    draft.actors.extend(a for a in _actors(doc, *span) if a not in draft.actors)


def _add_event(
    drafts: list[_Draft],
    docs: Sequence[TimelineDoc],
    event: str,
    value: str | None,
    vectors: Vectors,
) -> None:
    """An event's entry from the ledes of its articles (they all report it). It joins an event
    entry telling the same happening on its date; an undated event's ledes join the event entry
    whose ledes they share most words with (at least `CONFLICTING`), else add nothing."""
    ledes = [(doc, s[0]) for doc in docs if doc.event == event and (s := sentence_spans(doc.text))]
    if not ledes:
        return
    told = [(doc, span, _lede(doc, span, vectors)) for doc, span in ledes]
    words = set().union(*(t.words for _, _, t in told))
    draft: _Draft | None
    if value is None:
        draft = max(
            (d for d in drafts if d.events and _overlap(d.words, words) >= CONFLICTING),
            key=lambda d: _overlap(d.words, words),
            default=None,
        )
    else:
        vector = next((t.vector for _, _, t in told if t.vector is not None), None)
        draft = _join(drafts, value, _Told(words, set(), vector))  # by words, not neighbours
        if draft is None:
            doc, (start, end) = ledes[0]
            draft = _Draft(value, _clause(doc.text[start:end]), set(), "event")
            drafts.append(draft)
    if draft is None:
        return
    draft.events.add(event)
    seen = {s.article_id for s in draft.sources}
    for doc, (start, end), t in told:
        _absorb(draft, doc, (start, end), t)
        if doc.id not in seen:
            draft.sources.append(_source(doc, start, end, ""))


def _lede(doc: TimelineDoc, span: tuple[int, int], vectors: Vectors) -> _Told:
    """What an event article's lede tells; all its words (time expressions left out) stand
    for the happening, so a mention whose date's neighbours are among them tells it too."""
    start, end = span
    plain = _masked(doc.text, start, end, doc.timexes)
    return _Told(
        content_words(plain),
        marks_of(plain, ""),
        vectors.get((doc.id, start)),
        key_stems(_ANY_WORD.findall(plain)),
    )
