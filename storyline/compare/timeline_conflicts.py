"""Conflicting dates in a story's timeline: one happening dated differently by its reports.

Two entries on different days within `CONFLICT_WINDOW_DAYS`, or in consecutive periods of one
grain (two years, two months: "until 2031" / "before 2031" / "until the end of 2030", an
inclusive and an exclusive reading of one bound), tell the same happening when their
words overlap strongly (`CONFLICTING`), or, both dated sentences rather than events' ledes
(whose many words meet every detail the reports recall), when they overlap as much as
`MENTIONS_CONFLICTING` ("the general election will be held on 20 September" / "an early
general election on 13 September"). Reports disagree with each other, not with themselves: an
article that is a source of both tells two happenings ("announced on Monday a strike from
Thursday"; "would meet on Monday" and "as planned on Tuesday"). Such entries are one line: the
entry with fewer sources (then the later) is folded into the other, which is flagged with the
other date and its outlets, so a reader sees one happening whose reports disagree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from storyline.compare.periods import period_end, period_start
from storyline.compare.sentences import _overlap
from storyline.compare.timeline_drafts import CONFLICTING, _Draft
from storyline.compare.timeline_merge import _merge

CONFLICT_WINDOW_DAYS = 60  # dates further apart are different happenings, not a disagreement
# Below `CONFLICTING`, above `timeline_drafts.SAME_HAPPENING` (same-date joining): on
# examples/gold.json it folds the one pair of dated sentences that disagree (an election on
# 13 or 20 September, 0.23); the other pairs above 0.2 share an article.
MENTIONS_CONFLICTING = 0.2


def _same_happening(a: _Draft, b: _Draft) -> bool:
    """Two differently dated entries tell one happening (see the module)."""
    sim = _overlap(a.words, b.words)
    return sim >= CONFLICTING or (a.kind == b.kind == "mention" and sim >= MENTIONS_CONFLICTING)


def _fold_conflicts(drafts: Sequence[_Draft]) -> tuple[list[_Draft], dict[int, str]]:
    """Entries on near dates (`_close`) that tell the same happening, in no article together,
    folded into the one with most sources (then the earlier), whose sources from the other keep
    the date they give: the entries kept, and id(draft) → the other dates it is given."""
    days = sorted(drafts, key=lambda d: (-len(d.sources), d.value))
    folded: set[int] = set()
    found: dict[int, list[str]] = {}
    for i, a in enumerate(days):
        if id(a) in folded:
            continue
        for b in days[i + 1 :]:
            if id(b) in folded or a.value == b.value:
                continue
            if not _close(a.value, b.value) or _shared_article(a, b):
                continue
            if _same_happening(a, b):
                found.setdefault(id(a), []).append(_describe(b))
                b.sources = [replace(s, date=b.value) for s in b.sources]
                _merge(a, b)
                folded.add(id(b))
    kept = [d for d in drafts if id(d) not in folded]
    return kept, {k: "also dated " + "; ".join(v) for k, v in found.items()}


def _close(a: str, b: str) -> bool:
    """Two dates near enough to be one happening dated two ways: days within
    `CONFLICT_WINDOW_DAYS`, or consecutive periods of one grain (2030 and 2031)."""
    if len(a) == len(b) == len("YYYY-MM-DD"):
        gap = abs(period_start(a) - period_start(b))
        return gap <= timedelta(days=CONFLICT_WINDOW_DAYS)
    if _grain(a) != _grain(b):
        return False
    first, second = sorted((a, b), key=period_start)
    return period_end(first) == period_start(second)


def _grain(value: str) -> str:
    """A calendar value's grain: "0000" a year, "0000-00" a month, "0000-S" a season …"""
    return re.sub(r"SP|SU|FA|WI", "S", re.sub(r"\d", "0", value))


def _shared_article(a: _Draft, b: _Draft) -> bool:
    """Some article is a source of both entries: it tells two happenings, it does not date one
    happening two ways."""
    return bool({s.article_id for s in a.sources} & {s.article_id for s in b.sources})


def _describe(d: _Draft) -> str:
    outlets = sorted({s.outlet or s.article_id[:8] for s in d.sources})
    return f"{d.value} by {', '.join(outlets)}"
