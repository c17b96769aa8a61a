"""When an event happened: the date its articles' ledes give it, not their publication date.

Pure. A news lede dates its happening ("Lavrov said on Sunday", "declared Sunday"): the first
day-precise DATE in an article's first `LEDE_SENTENCES` sentences, at most `MAX_LAG_DAYS` before
its publication and not after it, is that article's vote. An article whose lede names no such
day votes for its own publication day at half weight (the happening is usually the day before
or the day of publication). The event's date is the value with most votes; its confidence the
share of votes that agree; the evidence lists every vote. On a tie, a day some lede states beats
publication days ("fell apart tonight" against two next-morning papers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from storyline.compare.sentences import sentence_spans
from storyline.model import EventDate, Timex

LEDE_SENTENCES = 2
MAX_LAG_DAYS = 14  # a lede date further back is background, not the happening
PUBLISHED_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class EventMember:
    """One article of an event, with its time expressions anchored."""

    id: str
    text: str
    published: date | None
    timexes: tuple[Timex, ...]
    anchor: date | None = None  # an undated article's inferred anchor: bounds its lede dates


def lede_day(member: EventMember) -> Timex | None:
    """The first day-precise date (or time of a day) of the lede that can be the happening."""
    spans = sentence_spans(member.text)[:LEDE_SENTENCES]
    if not spans:
        return None
    end = spans[-1][1]
    for t in member.timexes:
        if t.start >= end:
            break
        if t.type not in ("DATE", "TIME") or not t.value or not t.value[:4].isdigit():
            continue
        if len(t.value) != 10 and not (t.type == "TIME" and t.value[10:11] == "T"):
            continue  # a day, or a time of a day ("tonight": 2026-03-17TNI)
        try:
            day = date.fromisoformat(t.value[:10])
        except ValueError:
            continue
        bound = member.published or member.anchor
        if bound is None or bound - timedelta(days=MAX_LAG_DAYS) <= day <= bound:
            return t
    return None


def event_date(members: Sequence[EventMember]) -> EventDate:
    """The date an event happened, by the votes of its articles' ledes."""
    votes: dict[str, float] = {}
    stated: dict[str, int] = {}  # lede votes per value: a day a lede states wins a tie
    evidence = []
    for m in members:
        found = lede_day(m)
        if found is not None and found.value:
            day = found.value[:10]
            votes[day] = votes.get(day, 0.0) + 1.0
            stated[day] = stated.get(day, 0) + 1
            evidence.append(f"{m.id[:8]}: '{found.text}' → {day} (lede)")
        elif m.published is not None:
            day = m.published.isoformat()
            votes[day] = votes.get(day, 0.0) + PUBLISHED_WEIGHT
            evidence.append(f"{m.id[:8]}: published {m.published.isoformat()} (no day in lede)")
    if not votes:
        return EventDate(value=None, confidence=0.0, evidence=("no article gives a date",))
    best = max(votes, key=lambda v: (votes[v], stated.get(v, 0), v))
    return EventDate(
        value=best,
        confidence=round(votes[best] / sum(votes.values()), 3),
        evidence=tuple(evidence),
    )
