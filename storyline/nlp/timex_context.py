"""What resolving a time expression needs besides its match, and anchoring.

`_Context` carries the text, its language, the publication date, the sentence and paragraph
bounds, and the DATEs resolved so far. Anchoring, the part a date parser cannot do:

* absolute expressions ("16 October 2025", "2009", "two weeks", "every Sunday") need no anchor;
* deictic ones ("yesterday", "Sunday", "last month", "two weeks ago", "October 16") are
  relative to the publication date;
* narrative ones ("a day earlier", "the day before", "two days later", "the following week")
  are relative to the most recent resolved DATE earlier in the same paragraph — the event just
  told (none when that event is dated more coarsely: "Last month, … A day earlier") — else to
  the publication date. A clock time takes its day the same way ("ran past midnight" in a
  morning paper: the midnight that began its day).

Without a publication date, deictic expressions get value None and anchor "none".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from storyline.nlp import timex_values as tv
from storyline.nlp.timex_rules import word_value
from storyline.nlp.timex_tense import clause_tense


@dataclass(slots=True)
class _Resolved:
    type: str
    value: str | None
    anchor: str  # "absolute", "published", "narrative" (filled with the offset later), "none"
    note: str = ""


@dataclass(slots=True)
class _Context:
    """What resolution needs besides the match: language, dates, and the sentence's tense."""

    text: str
    language: str
    published: date | None
    sentences: list[tuple[int, int]]
    paragraphs: list[int]  # start offsets
    recent: list[tuple[int, int, date, str]] = field(default_factory=list)  # para, start, day, unit

    def word(self, key: str, matched: str) -> object:
        return word_value(self.language, key, matched)

    def tense(self, start: int, end: int | None = None) -> str:
        """ "future" or "past" (`clause_tense` in the expression's sentence)."""
        end = start if end is None else end
        lo, hi = next(((a, b) for a, b in self.sentences if a <= start < b), (0, len(self.text)))
        return clause_tense(self.text, self.language, (lo, hi), start, end)

    def paragraph(self, offset: int) -> int:
        return sum(1 for p in self.paragraphs if p <= offset)

    def anchor(
        self, start: int, *, narrative: bool, finest: str = "Y", told: bool = False
    ) -> tuple[date, str] | None:
        """(anchor day, label): the event just told (narrative ones), else the publication date.
        A narrative anchor must be at least as fine as the unit `finest` it is shifted by;
        `told`: the expression counts from the event just told ("a day earlier"), so when that
        event's date is coarser ("Last month, Trump cancelled ... A day earlier") it has no
        anchor, rather than one counted from the publication date."""
        if narrative:
            para = self.paragraph(start)
            for p, offset, day, unit in reversed(self.recent):
                if p == para and tv.RANK[unit] <= tv.RANK.get(finest, 0):
                    return day, f"narrative:{offset}"
                if p == para and told:
                    return None
        if self.published is None:
            return None
        return self.published, "published"


def _relative(
    ctx: _Context,
    m: re.Match[str],
    unit: str,
    compute: Callable[[date], str | None],
    *,
    narrative: bool,
) -> _Resolved:
    found = ctx.anchor(m.start(), narrative=narrative, finest=unit, told=narrative)
    if found is None:
        if narrative and ctx.published is not None:
            return _Resolved("DATE", None, "none", "the event just told is dated too coarsely")
        return _Resolved("DATE", None, "none", "no anchor: publication date unknown")
    day, label = found
    value = compute(day)
    return _Resolved("DATE", value, label if value else "none")


def _shifted(
    ctx: _Context, m: re.Match[str], unit: str, count: int, *, narrative: bool
) -> _Resolved:
    def compute(day: date) -> str | None:
        moved = tv.shift(day, unit, count)
        return tv.fmt(moved, unit) if moved else None

    res = _relative(ctx, m, unit, compute, narrative=narrative)
    if (
        narrative
        and count > 0
        and res.anchor == "published"
        and ctx.tense(m.start(), m.end()) == "past"
    ):
        # "two days later, we spoke by phone" told in the past with no event before it in the
        # paragraph: counted from the publication date it would fall after the report itself.
        return _Resolved(
            "DATE", None, "none", "narrative 'later' with no earlier event to count from"
        )
    return res
