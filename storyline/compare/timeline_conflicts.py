"""Conflicting dates in a story's timeline: one happening dated differently by its reports.

Two entries on different days whose words overlap strongly (`CONFLICTING`) are the same
happening dated differently: both are flagged with the other date and its sources, unless one
sentence gives both dates (it tells two happenings: "announced on Monday a strike from
Thursday").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from storyline.compare.periods import period_start
from storyline.compare.sentences import _overlap
from storyline.compare.timeline_drafts import CONFLICTING, TimelineDoc, _Draft, _mentions

CONFLICT_WINDOW_DAYS = 60  # dates further apart are different happenings, not a disagreement


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
