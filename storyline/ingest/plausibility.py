"""Is a claimed publication date plausible for what the text says?

Two kinds of evidence a careful reader uses, both general:
  * officeholders: a text that says "President Donald Trump" or "Secretary of State Marco Rubio"
    was written while they held that office (`data/officeholders.json`, "former" excluded);
  * dated references: a text that mentions "June 2025" as a stated date was not written in 2024.
A date in the future of the reference time ("now" at ingest) is implausible too.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources

from storyline.ingest.dateparse import years_mentioned

# A dated reference more than a month after a claimed date casts doubt on it (never rules it out:
# news announces scheduled events, "the vote on 12 March", as often as it reports past ones).
LATER_REFERENCE_DAYS = 31
BARE_YEAR_GAP = 2  # a past year mentioned this many years after a claimed date casts doubt
# The lookbehind (no digit or separator before the year) comes after the year's first two
# digits, so that the regex engine can skip to the next "1" or "2" instead of trying each place.
_BARE_YEAR = re.compile(r"((?:19|20)(?<![\d.,/-]..)\d\d)(?![\d.,/%-]\d|\d)")
_NOT_CURRENT = re.compile(r"(former|ex-|then-|late|ehemalige\w*|ancien\w*|exs?)\s*$", re.I)


@dataclass(frozen=True, slots=True)
class OfficeMention:
    """A person named with an office title, and the periods they held it."""

    name: str
    cue: str
    evidence: str
    terms: tuple[tuple[date, date | None], ...]

    def held_on(self, day: date) -> bool:
        """Whether the office was held on `day`."""
        return any(start <= day and (end is None or day < end) for start, end in self.terms)

    def terms_text(self) -> str:
        """The terms, for a reason line ("2017-01-20..2021-01-20, 2025-01-20..")."""
        return ", ".join(f"{s}..{e or ''}" for s, e in self.terms)


@dataclass(frozen=True, slots=True)
class _Officeholder:
    name: str
    pattern: re.Pattern[str]
    terms: tuple[tuple[date, date | None], ...]
    surnames: frozenset[str]


@functools.lru_cache(maxsize=1)
def _officeholders() -> tuple[_Officeholder, ...]:
    text = (
        resources.files("storyline.ingest").joinpath("data/officeholders.json").read_text("utf-8")
    )
    rows = json.loads(text)["officeholders"]
    out = []
    for row in rows:
        cues = "|".join(re.escape(c) for c in sorted(row["cues"], key=len, reverse=True))
        given = "|".join(re.escape(g) for g in row["given"])
        surnames = "|".join(re.escape(s) for s in row["surnames"])
        given_part = rf"(?:\(?(?:{given})\)?\s+)?" if given else ""
        pattern = re.compile(rf"(?<!\w)(?P<cue>{cues})\s+{given_part}(?:{surnames})(?!\w)")
        terms = tuple(
            (date.fromisoformat(s), date.fromisoformat(e) if e else None) for s, e in row["terms"]
        )
        out.append(_Officeholder(row["name"], pattern, terms, frozenset(row["surnames"])))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _surnames() -> re.Pattern[str]:
    """One pattern for every officeholder's surname: a cheap first pass over the text.

    The names are grouped by first letter, and the check that no letter comes before the name
    follows that letter: the regex engine then skips to the next place holding one of those
    letters instead of trying every name at every word (the same matches, four times faster).
    """
    names = sorted({s for h in _officeholders() for s in h.surnames}, key=len, reverse=True)
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name[0], []).append(name)
    return re.compile(
        "(?:"
        + "|".join(
            re.escape(first) + r"(?<!\w.)(?:" + "|".join(re.escape(n[1:]) for n in group) + ")"
            for first, group in groups.items()
        )
        + r")(?!\w)"
    )


def office_mentions(text: str) -> tuple[OfficeMention, ...]:
    """Officeholders named with their current title in `text`, one per person."""
    found: dict[str, OfficeMention] = {}
    present = {m.group(0) for m in _surnames().finditer(text)}
    for holder in _officeholders():
        if not present & holder.surnames:
            continue
        for m in holder.pattern.finditer(text):
            if _NOT_CURRENT.search(text[max(0, m.start() - 12) : m.start()]):
                continue
            found.setdefault(
                holder.name, OfficeMention(holder.name, m["cue"], m.group(0), holder.terms)
            )
    return tuple(found.values())


def latest_year(text: str, now: date) -> int | None:
    """The latest bare year ("the 2023 election") mentioned that is not in the future."""
    years = [int(y) for y in _BARE_YEAR.findall(text) if int(y) <= now.year]
    return max(years) if years else None


def latest_reference(text: str, now: date) -> date | None:
    """The latest fully stated past date (year given) in the text, if any."""
    latest: date | None = None
    for parsed in years_mentioned(text):
        if parsed.year is None:
            continue
        day = date(parsed.year, parsed.month, parsed.day or 1)
        if day <= now and (latest is None or day > latest):
            latest = day
    return latest


@dataclass(frozen=True, slots=True)
class Problem:
    """A reason a date is not plausible; a hard one rules it out, a soft one casts doubt."""

    text: str
    hard: bool


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a text says about when it was written, gathered once per article."""

    offices: tuple[OfficeMention, ...]
    latest_reference: date | None
    now: date
    latest_year: int | None = None

    def problems(self, day: date) -> list[Problem]:
        """Why `day` is not a plausible publication date for this text (empty: plausible)."""
        out = []
        if day > self.now:
            out.append(Problem(f"in the future of the reference date {self.now}", hard=True))
        for office in self.offices:
            if not office.held_on(day):
                why = f"'{office.evidence}' was not in that office then ({office.terms_text()})"
                out.append(Problem(why, hard=False))
        ref = self.latest_reference
        if ref is not None and (ref - day).days > LATER_REFERENCE_DAYS:
            # doubt only: news mentions scheduled and announced events as often as past ones
            out.append(Problem(f"the text mentions a later date ({ref})", hard=False))
        elif self.latest_year is not None and self.latest_year - day.year >= BARE_YEAR_GAP:
            # a bare year can be a plan or an anniversary: it casts doubt, never rules out
            out.append(Problem(f"the text mentions the year {self.latest_year}", hard=False))
        return out


def gather_evidence(text: str, now: date) -> Evidence:
    """Collect the dating evidence in an article's clean text."""
    return Evidence(office_mentions(text), latest_reference(text, now), now, latest_year(text, now))
