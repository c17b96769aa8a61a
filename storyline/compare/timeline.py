"""A story's merged timeline, built from the dated sentences of its articles and its events.

Pure: `timeline_entries` takes the articles of one story (`TimelineDoc`: text, publication date,
time expressions, entity names, event) and their events' dates, and returns sorted
`TimelineEntry`s. Every sentence with a calendar DATE (a day, month, week, quarter, season or
year) or a time of a known day ("6am on Friday") is a mention of a happening on that date
(`mentions`: not the end of a range, not what "could" happen; "before 2031" dates 2030);
mentions on the same date whose words overlap
(`SAME_HAPPENING`), that share names and numbers (a translation), or whose time expressions
date the same thing (a word next to the expression in common: "the 2023 election", "signed
after the 2023 election") are one entry with all their sources, so one happening reported by
several outlets is one line, and a month or year mention of a happening dated to the day
elsewhere joins that day. Each event with a date adds an entry from the lede of its first
article (the interview, the announcement), which the ledes of its other articles join, and so
do the ledes of another event on that day, or of an undated event, that tell the same
happening (the linker may split one happening's reports). The day an event article's lede
dates its event by is a source of the event's entry, not a line of its own (a minority vote:
"1am on Wednesday" of Tuesday night's talks); a detail on the event's day joins the event's
entry unless two reports tell it in their own words; a month or day whose year no report states
follows the reports of the same happening in the year before or after. Two entries on different
days whose words overlap strongly (`CONFLICTING`) are the same happening dated differently: both
are flagged with the other date and its sources, unless one sentence gives both dates (it tells
two happenings: "announced on Monday a strike from Thursday").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.compare.mentions import before_value, ends_range, hypothetical
from storyline.link.name_tokens import fallback_names, tokens
from storyline.model import EventDate, TimelineEntry, TimelineSource, Timex

# A calendar date value: a year, month, day, ISO week, quarter, half or season of a year.
CALENDAR = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?|-W\d\d|-Q[1-4]|-H[12]|-(?:SP|SU|FA|WI))?")
_MONTH_OR_DAY = re.compile(r"\d{4}-\d\d(?:-\d\d)?")
_DAY_TIME = re.compile(r"\d{4}-\d\d-\d\dT.+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»)]*\s+(?=[\"'“„«(]*[A-ZÀ-ÖØ-ÞА-ЯЁ0-9])|\n+")
_WORD = re.compile(r"[^\W_]{4,}")
_ANY_WORD = re.compile(r"[^\W_]+")
SAME_HAPPENING = 0.12  # word overlap (Jaccard) for two same-date sentences to be one entry
SHARED_MARKS = 2  # or this many shared names and numbers (a translation shares no words)
# Or multilingual-e5-small sentence vectors this close. Same-date sentences only, so the bar is
# below a translation's: `storyline eval timeline examples/gold.json` gave entry precision 0.457
# at 0.88, 0.525 at 0.85 with the same recall, and lost recall at 0.82 (seeds unchanged).
SAME_MEANING = 0.85
_NUMBER = re.compile(r"\d+")
CONFLICTING = 0.3  # word overlap for two differently dated entries to be one happening
# Share of a week mention's words an event's entry must have to take it (`_fold_coarser`).
TOLD_IN = 0.5
# Words either side of a time expression that say what it dates ("the 2023 election"): a noun
# phrase or a verb with its particle. On examples/gold.json 3 gave entry precision 0.589 and
# source recall 0.925, 4 gave 0.611 and 0.951, 5 no more precision (seeds unchanged).
LOCAL_WORDS = 4
STEM_CHARS = 5  # a crude stem, so "began" meets "begin" and "recalling" meets "recall"
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
    # the start of the time expression its lede dates its event by (`event_dates.lede_day`)
    lede_at: int | None = None
    language: str | None = None


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


def local_words(doc: TimelineDoc, timex: Timex, sentence: tuple[int, int]) -> set[str]:
    """Stems of the content words within `LOCAL_WORDS` words either side of a time expression
    in its sentence, other time expressions left out: what it is the date of."""
    start, end = sentence
    others = [t for t in doc.timexes if start <= t.start < end and t is not timex]
    before = _masked(doc.text, start, timex.start, others)
    after = _masked(doc.text, timex.end, end, others)
    near = _ANY_WORD.findall(before)[-LOCAL_WORDS:] + _ANY_WORD.findall(after)[:LOCAL_WORDS]
    return key_stems(near)


def key_stems(words: Iterable[str]) -> set[str]:
    """Content words cut to `STEM_CHARS` letters, names with their capital ("Ancho"), and
    numbers ("Terminal 4"), so that `same_local` can weigh them apart."""
    return {
        w[:STEM_CHARS] if w.islower() else w[:STEM_CHARS].capitalize()
        for w in words
        if w.isdigit() or (len(w) >= 4 and w.lower() not in _COMMON)
    }


def same_local(a: set[str], b: set[str]) -> bool:
    """Two time expressions date the same thing: a common word beside them ("the 2023
    election"), or `SHARED_MARKS` common names and numbers ("in Anchorage, Alaska"); one name
    alone is not enough, as a story's actors stand beside many of its dates."""
    shared = a & b
    return any(w.islower() for w in shared) or len(shared) >= SHARED_MARKS


def _masked(text: str, start: int, end: int, timexes: Sequence[Timex]) -> str:
    """text[start:end] with the time expressions in it blanked (a weekday or a month name is
    no sign of the same happening)."""
    chars = list(text[start:end])
    for t in timexes:
        for i in range(max(t.start, start), min(t.end, end)):
            chars[i - start] = " "
    return "".join(chars)


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _told_in(part: set[str], whole: set[str]) -> float:
    """The share of `part`'s words that `whole` has (an entry of many sources has many words,
    so their Jaccard overlap with one sentence is small)."""
    return len(part & whole) / len(part) if part else 0.0


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


def period_end(value: str) -> date:
    """The day after a calendar value's period."""
    start, rest = period_start(value), value[5:]
    if len(rest) == 5 or (rest[1:].isdigit() and rest[0] == "W"):  # a day, an ISO week
        return start + timedelta(days=1 if len(rest) == 5 else 7)
    months = 12 if not rest else 1 if rest.isdigit() else 6 if rest.startswith("H") else 3
    total = start.month - 1 + months
    return date(start.year + total // 12, total % 12 + 1, 1)


def _within(fine: str, coarse: str) -> bool:
    """The period `fine` lies inside the longer period `coarse` (August in the summer)."""
    start, end = period_start(fine), period_end(fine)
    lo, hi = period_start(coarse), period_end(coarse)
    return lo <= start and end <= hi and (end - start) < (hi - lo)


def _clause(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= WHAT_CHARS:
        return text
    cut = text.rfind(" ", 0, WHAT_CHARS)
    return text[: cut if cut > 0 else WHAT_CHARS] + " …"


def _actors(doc: TimelineDoc, start: int, end: int) -> list[str]:
    return list(dict.fromkeys(n for s, e, n in doc.names if s >= start and e <= end))


def calendar_value(timex: Timex) -> str | None:
    """The calendar period a time expression dates: a DATE's own value, or the day of a time of
    day ("6am on Friday": the ships are worked that day); None for anything else."""
    value = timex.value or ""
    if timex.type == "TIME" and _DAY_TIME.fullmatch(value):
        return value[:10]
    return value if timex.type == "DATE" and CALENDAR.fullmatch(value) else None


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
        yield before_value(doc.text, doc.language, t, value), t, start, end


def marks_of(sentence: str, timex: str) -> set[str]:
    """What survives translation: the names in a sentence (capitalised words that do not open
    it) and its numbers, the time expression's own digits left out."""
    own = set(_NUMBER.findall(timex))
    names = set(tokens(fallback_names(sentence)))
    return names | {n for n in _NUMBER.findall(sentence) if n not in own}


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


def _best(drafts: list[_Draft], told: _Told) -> _Draft | None:
    """The entry telling the same happening: by shared words or the words next to the date,
    or (across languages) by shared names and numbers or close sentence embeddings. Of
    several, the one more of these tests find (then most shared words)."""
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
        if key[0] and key > best_key:
            best, best_key = d, key
    return best


def _source(doc: TimelineDoc, start: int, end: int, timex: str) -> TimelineSource:
    return TimelineSource(article_id=doc.id, start=start, end=end, outlet=doc.outlet, timex=timex)


def _add(
    drafts: list[_Draft],
    doc: TimelineDoc,
    value: str,
    timex: Timex,
    span: tuple[int, int],
    vectors: Vectors,
) -> None:
    """One dated sentence: a source of the entry telling the same happening on its date, else
    a new entry."""
    start, end = span
    sentence = doc.text[start:end]
    told = _Told(
        content_words(sentence),
        marks_of(sentence, timex.text),
        vectors.get((doc.id, start)),
        local_words(doc, timex, span),
    )
    draft = _join(drafts, value, told)
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


def timeline_entries(
    docs: Sequence[TimelineDoc],
    event_dates: Mapping[str, EventDate] | None = None,
    vectors: Vectors | None = None,
) -> list[TimelineEntry]:
    """The merged timeline of one story's articles, sorted by date (`vectors`: embeddings of
    the `dated_sentences`, so that translations of one sentence meet)."""
    drafts: list[_Draft] = []
    dated = {
        e: w.value
        for e, w in (event_dates or {}).items()
        if w.value is not None and CALENDAR.fullmatch(w.value)
    }
    events = sorted({d.event for d in docs if d.event is not None})
    for event in sorted(events, key=lambda e: e not in dated):  # dated events first
        _add_event(drafts, docs, event, dated.get(event), vectors or {})
    own = {e: d for d in drafts for e in d.events}
    for doc in docs:
        for value, timex, start, end in _mentions(doc):
            entry = own.get(doc.event or "") if timex.start == doc.lede_at else None
            if entry is not None:
                _vote(entry, doc, timex, (start, end))
            else:
                _add(drafts, doc, value, timex, (start, end), vectors or {})
    drafts = _fold_into_events(_fold_coarser(_agree_years(drafts)), docs)
    conflicts = _conflicts(drafts, _sentence_dates(docs))
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


def _fold_into_events(drafts: list[_Draft], docs: Sequence[TimelineDoc]) -> list[_Draft]:
    """A mention dated the day of an event and told by one of that event's own articles is a
    detail of the event ("declined to comment on Monday"), which other reports of the story
    also tell: it joins the event's entry, all its sources with it. Unless it tells a happening
    of its own: two or more reports in their own words ("Labour Alliance MPs tonight renewed
    calls for a back-to-work law" / "On Tuesday, members of the Labour Alliance floated
    emergency legislation"), sharing few words with the event's."""
    event_of = {d.id: d.event for d in docs}
    own: dict[tuple[str | None, str], _Draft] = {(e, d.value): d for d in drafts for e in d.events}
    kept = []
    for d in drafts:
        targets = [own[k] for s in d.sources if (k := (event_of.get(s.article_id), d.value)) in own]
        target = targets[0] if targets else None
        if (
            d.kind != "mention"
            or target is None
            or (_retold(d, docs) > 1 and _overlap(d.words, target.words) < SAME_HAPPENING)
        ):
            kept.append(d)
            continue
        seen = {s.article_id for s in target.sources}
        target.sources.extend(s for s in d.sources if s.article_id not in seen)
        target.actors.extend(a for a in d.actors if a not in target.actors)
    return kept


def _agree_years(drafts: list[_Draft]) -> list[_Draft]:
    """A mention whose year no source states ("le 13 septembre", its year taken as the one
    nearest the report) joins the entry on the same day or month of the year before or after
    that tells the same happening and has more sources ("13 September" in three other
    reports, read as the coming September)."""
    gone: set[int] = set()
    for d in sorted(drafts, key=lambda d: len(d.sources)):
        if d.kind != "mention" or not d.guessed or not _MONTH_OR_DAY.fullmatch(d.value):
            continue
        near = [
            k
            for k in drafts
            if id(k) not in gone
            and len(k.sources) > len(d.sources)
            and k.value[4:] == d.value[4:]
            and abs(int(k.value[:4]) - int(d.value[:4])) == 1
        ]
        target = _best(near, _Told(d.words, d.marks, next(iter(d.vectors), None), d.local))
        if target is not None:
            _merge(target, d)
            gone.add(id(d))
    return [d for d in drafts if id(d) not in gone]


def _merge(target: _Draft, d: _Draft) -> None:
    """Fold entry `d` into `target`: its sources (one per article), words, names and actors."""
    seen = {s.article_id for s in target.sources}
    target.sources.extend(s for s in d.sources if s.article_id not in seen)
    target.words |= d.words
    target.local |= d.local
    target.marks |= d.marks
    target.vectors.extend(d.vectors)
    target.actors.extend(a for a in d.actors if a not in target.actors)


def _retold(d: _Draft, docs: Sequence[TimelineDoc]) -> int:
    """How many differently worded sentences tell an entry (copies of one wire story: one)."""
    texts = {doc.id: doc.text for doc in docs}
    return len(
        {" ".join(texts[s.article_id][s.start : s.end].casefold().split()) for s in d.sources}
    )


def _fold_coarser(drafts: list[_Draft]) -> list[_Draft]:
    """A month, season or year entry that tells the same happening as a finer one within it
    ("the August summit" / "their August 15 summit"; "the meeting in Anchorage in the summer"
    / "the summit in Anchorage on August 15") is folded into the finer one, sources and all.
    Not into an event's entry: its date is the occasion its articles report (an interview), and
    the earlier happenings they recall ("cancelled last month") share its ledes' words; only a
    week ("two weeks ago I said I would keep my word", of the interview that week) most of whose
    words the event's entry has (`TOLD_IN`)."""
    kept: list[_Draft] = []
    for d in sorted(drafts, key=lambda d: period_end(d.value) - period_start(d.value)):
        week = period_end(d.value) - period_start(d.value) <= timedelta(days=7)
        finer = [
            k
            for k in kept
            if _within(k.value, d.value)
            and (
                _told_in(d.words, k.words) >= TOLD_IN
                if k.events
                else _overlap(k.words, d.words) >= SAME_HAPPENING or same_local(k.local, d.local)
            )
            and (week or not k.events)
        ]
        if not finer:
            kept.append(d)
            continue
        _merge(max(finer, key=lambda k: _overlap(k.words, d.words)), d)
    return kept


def _sentence_dates(docs: Sequence[TimelineDoc]) -> dict[tuple[str, int], set[str]]:
    """(article id, sentence start) → the calendar values its time expressions give."""
    found: dict[tuple[str, int], set[str]] = {}
    for doc in docs:
        for value, _, start, _ in _mentions(doc):
            found.setdefault((doc.id, start), set()).add(value)
    return found


def _conflicts(
    drafts: Sequence[_Draft], sentence_dates: Mapping[tuple[str, int], set[str]]
) -> dict[int, str]:
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
            if _overlap(a.words, b.words) < CONFLICTING or _one_sentence(a, b, sentence_dates):
                continue
            found.setdefault(id(a), []).append(_describe(b))
            found.setdefault(id(b), []).append(_describe(a))
    return {k: "also dated " + "; ".join(v) for k, v in found.items()}


def _one_sentence(a: _Draft, b: _Draft, sentence_dates: Mapping[tuple[str, int], set[str]]) -> bool:
    """Some sentence, a source of both entries, states both dates: it tells two happenings
    ("announced on Monday a strike from Thursday"), not one dated two ways."""
    shared = {(s.article_id, s.start) for s in a.sources} & {
        (s.article_id, s.start) for s in b.sources
    }
    return any({a.value, b.value} <= sentence_dates.get(k, set()) for k in shared)


def _describe(d: _Draft) -> str:
    outlets = sorted({s.outlet or s.article_id[:8] for s in d.sources})
    return f"{d.value} by {', '.join(outlets)}"
