"""Draft timeline entries that tell one happening folded together across grains and years.

A month or year mention of a happening dated to the day elsewhere joins that day; a detail on
an event's day joins the event's entry unless two reports tell it in their own words; a month or
day whose year no report states follows the reports of the same happening in the year before or
after.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta

from storyline.compare.periods import period_end, period_start
from storyline.compare.sentences import _overlap, same_local
from storyline.compare.timeline_drafts import (
    SAME_HAPPENING,
    TimelineDoc,
    _best,
    _Draft,
    _Told,
)

_MONTH_OR_DAY = re.compile(r"\d{4}-\d\d(?:-\d\d)?")
# Share of a week mention's words an event's entry must have to take it (`_fold_coarser`).
TOLD_IN = 0.5


def _told_in(part: set[str], whole: set[str]) -> float:
    """The share of `part`'s words that `whole` has (an entry of many sources has many words,
    so their Jaccard overlap with one sentence is small)."""
    return len(part & whole) / len(part) if part else 0.0


def _within(fine: str, coarse: str) -> bool:
    """The period `fine` lies inside the longer period `coarse` (August in the summer)."""
    start, end = period_start(fine), period_end(fine)
    lo, hi = period_start(coarse), period_end(coarse)
    return lo <= start and end <= hi and (end - start) < (hi - lo)


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
