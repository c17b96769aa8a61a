"""Conflicts: where the articles of a story disagree, and whether it is a change over time.

Five kinds, each found the same way in any language the word lists cover:
* number (conflict_numbers.py): the same counted thing (or share, or amount paid for it) with
  different values ("four occupied regions" / "five historical regions", "4,000 members" /
  "3.500 Beschäftigte"): the figures of `figures.figures_in`, whose referent folds synonyms and
  translations into one class; time units are left to the timeline;
* modality (conflict_modality.py): one happening told as called off (talks: broken off) in some
  articles, as postponed (talks: adjourned) in others, or before the fact as going ahead as
  planned (`MODALITY` word lists);
* actor (conflict_modality.py): the sentences that tell that happening name different people or
  organisations as the ones who did it;
* stance (conflict_stance.py): the same speaker's quoted sentences about the same matter in two
  events, one negated and one not ("no meetings are needed" / "ready to meet").
* date (conflict_dates.py): sentences of different articles on the same matter printing
  different days.
Each side lists its sources. A stance or number conflict whose sides come from events at least
`OVER_TIME_DAYS` apart is a change over time (the same minister two weeks later), not outlets
disagreeing about one moment, unless its counts qualify the thing counted in different words
("four occupied" / "five historical regions"). Two parties disputing each other's account are in
`disputes`.

This module holds what the kinds share: `Dated` sentences, the sides of a conflict with their
sources, whether sides are told apart in time, and who a sentence names.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from storyline.compare.claims import Sentence

OVER_TIME_DAYS = 7
SAME_MATTER = 0.86  # embedding cosine for two sentences (quotes, dated claims) on the same matter
TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")  # numbers and words, as the kinds split text


@dataclass(frozen=True, slots=True)
class Dated:
    """A sentence with when its article's event happened (or its publication date)."""

    sentence: Sentence
    day: date | None
    speaker: str | None = None  # the speaker, when the sentence holds a quote
    event: str | None = None


def _source(d: Dated) -> dict[str, Any]:
    s = d.sentence
    return {
        "article_id": s.article_id,
        "outlet": s.outlet,
        "start": s.start,
        "end": s.end,
        "text": s.text,
        "published": d.day.isoformat() if d.day else None,
    }


def group_sides(groups: dict[str, list[Dated]]) -> list[dict[str, Any]]:
    """The sides of a conflict, each a value and its sources, the most cited first."""
    return [
        {"value": value, "sources": [_source(d) for d in ds]}
        for value, ds in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


T = TypeVar("T", bound=Hashable)


def component_roots(items: Iterable[T], links: Iterable[tuple[T, T]]) -> dict[T, T]:
    """Each item's component (its root) once the linked ones are joined."""
    parent = {i: i for i in items}

    def root(i: T) -> T:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for x, y in links:
        parent[root(x)] = root(y)
    return {i: root(i) for i in parent}


def apart(sides: Sequence[Sequence[Dated]]) -> bool:
    """Whether every side is told on days `OVER_TIME_DAYS` or more from every other side's
    (a queue that grew between two events, not outlets disagreeing about one moment)."""
    if any(d.day is None for side in sides for d in side):
        return False
    days = [{d.day for d in side if d.day is not None} for side in sides]
    return all(
        abs((a - b).days) >= OVER_TIME_DAYS
        for i, x in enumerate(days)
        for y in days[i + 1 :]
        for a in x
        for b in y
    )


def actor_near(d: Dated, at: int) -> str | None:
    """The person or organisation named nearest to offset `at` of the sentence, the quoted
    speaker left out (who reports it did not do it)."""
    names = [
        (abs(off - d.sentence.start - at), name)
        for off, name in d.sentence.named_at
        if name != d.speaker
    ]
    return min(names)[1] if names else None


def same_party(name: str, d: Dated) -> bool:
    """Whether a sentence quotes or names `name`: the same speaker, or a speaker or actor with
    the same last word (entity resolution may split a misspelt "Helen Strand" from "Helena
    Strand"; a surname, or an organisation's head noun, still meets)."""
    last = name.split()[-1].lower()
    names = [d.speaker] if d.speaker else []
    return name in names or any(n.split()[-1].lower() == last for n in [*names, *d.sentence.actors])
