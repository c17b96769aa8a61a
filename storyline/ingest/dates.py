"""Publication date: gather every claim, check each for plausibility, choose one with a confidence.

Claims come from structured fields (a JSON `published`, HTML metadata read by htmldate), from
the URL path, from id codes that embed a date (wire ids), and from timestamp lines in the
header or byline. None is ever dropped: each carries a verdict ("chosen", "ok" when it agrees
with the chosen one, "conflicting", "implausible") and the reason. A claim without a year
("10 November, 11:54") gets the year that makes it consistent with the text; between several
consistent years, the one nearest to the corpus context (other articles' dates) when known, else
the most recent one not in the future.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from storyline.ingest.dateparse import (
    WEEKDAY_NAMES,
    ParsedDate,
    date_in_code,
    date_in_url,
    parse_date,
)
from storyline.ingest.plausibility import Evidence, Problem
from storyline.model import DateClaim

RULE = "dates.publication.v1"
_COPYRIGHT_YEAR = re.compile(
    r"(?:©|&copy;|\(c\)|copyright)\s*(?:(?:19|20)\d\d\s*[-–]\s*)?((?:19|20)\d\d)", re.I
)
# How far a source is trusted on its own. Structured metadata is written by the publishing
# system; a header line may be a site's "today" widget rather than the article's date.
RELIABILITY = {
    "json:published": 0.9,
    "feed:published": 0.9,  # a feed item's date: written by the publishing system too
    "html:htmldate": 0.85,
    "html:htmldate-text": 0.5,  # a snippet without a page around it: htmldate guessed from text
    "html:copyright-year": 0.2,  # htmldate's fallback to a footer's "© 2026" gives 2026-01-01
    "url": 0.85,
    "id-code": 0.8,
    "timestamp-line": 0.65,
    "html:timestamp-line": 0.5,  # a date line inside a page's text: often an update or comment
}
COMPLETED_YEAR_FACTOR = 0.7  # a year we supplied is a guess, however well grounded
MONTH_ONLY_FACTOR = 0.8  # "March 2026" is a weaker claim than a day
RIVAL_MARGIN = 0.2  # a doubtful claim yields to a clean one at most this much less reliable
AGREE_BONUS, CONFLICT_PENALTY = 0.1, 0.15
YEARS_BACK = 3  # a year-less timestamp is read as within this many years of the reference
AGREE_DAYS = 1  # claims this close agree (time zones, late-evening stamps)


@dataclass(frozen=True, slots=True)
class Published:
    """The chosen publication date (or None), its confidence, and every claim with a verdict."""

    value: str | None
    confidence: float
    claims: tuple[DateClaim, ...]


def gather_claims(
    *,
    field_value: str | None = None,
    field_source: str = "json:published",
    html_date: str | None = None,
    copyright_years: frozenset[int] = frozenset(),
    html_fragment: bool = False,
    urls: tuple[str, ...] = (),
    id_codes: tuple[str, ...] = (),
    timestamp_lines: tuple[str, ...] = (),
    timestamp_source: str = "timestamp-line",
) -> list[tuple[ParsedDate, str, str]]:
    """Every date claim as (parsed date, source, evidence); year-less ones included.
    `field_source` names where `field_value` came from (a record's field, a feed item's)."""
    found: list[tuple[ParsedDate, str, str]] = []

    def add(parsed: ParsedDate | None, source: str, evidence: str) -> None:
        if parsed is not None:
            found.append((parsed, source, evidence))

    if field_value:
        add(parse_date(field_value), field_source, field_value)
    if html_date:
        year_only = is_new_year(html_date) and int(html_date[:4]) in copyright_years
        source = "html:htmldate-text" if html_fragment else "html:htmldate"
        add(parse_date(html_date), "html:copyright-year" if year_only else source, html_date)
    for url in dict.fromkeys(urls):
        add(date_in_url(url), "url", url)
    for code in id_codes:
        add(date_in_code(code), "id-code", code)
    for line in timestamp_lines:
        add(parse_date(line), timestamp_source, line)
    return found


def _complete_year(
    parsed: ParsedDate, evidence: Evidence, context: date | None
) -> tuple[int, tuple[int, ...]]:
    """The year for a year-less date, and all years that were consistent with the text."""
    now = evidence.now
    candidates = []
    for year in range(now.year - YEARS_BACK, now.year + 1):
        try:
            day = date(year, parsed.month, parsed.day or 1)
        except ValueError:  # 29 February in a common year
            continue
        weekday_ok = parsed.weekday is None or day.weekday() == parsed.weekday
        if weekday_ok and not evidence.problems(day):
            candidates.append(year)
    if not candidates:
        return now.year if date(now.year, parsed.month, 1) <= now else now.year - 1, ()
    if context is not None:
        best = min(
            candidates, key=lambda y: abs((date(y, parsed.month, parsed.day or 1) - context).days)
        )
        return best, tuple(candidates)
    return candidates[-1], tuple(candidates)


def reparse(claim: DateClaim) -> ParsedDate | None:
    """The parsed date behind a stored claim, read again from its evidence (a year we
    supplied is dropped again, so that it can be chosen anew)."""
    if claim.source == "url":
        return date_in_url(claim.evidence)
    if claim.source == "id-code":
        return date_in_code(claim.evidence)
    return parse_date(claim.evidence)


def is_new_year(html_date: str | None) -> bool:
    """Whether an htmldate answer is 1 January: what it gives for a copyright year alone."""
    return html_date is not None and html_date.endswith("-01-01")


def copyright_years(text: str) -> frozenset[int]:
    """Years named in copyright notices ("© 2026", "Copyright 2019-2026") of a page."""
    return frozenset(int(y) for y in _COPYRIGHT_YEAR.findall(text))


def _as_date(value: str) -> date:
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


def decide(
    raw_claims: list[tuple[ParsedDate, str, str]], evidence: Evidence, context: date | None = None
) -> Published:
    """Check every claim against the text and choose the publication date."""
    claims: list[DateClaim] = []
    for parsed, source, text in raw_claims:
        if parsed.year is None:
            year, options = _complete_year(parsed, evidence, context)
            consistent = ", ".join(map(str, options)) or "none"
            note = f"year completed as {year}; consistent years: {consistent}"
            if context is not None:
                note += f"; nearest to the corpus context {context}"
            claims.append(
                DateClaim(
                    value=parsed.iso(year),
                    granularity=parsed.granularity,
                    source=source,
                    evidence=text,
                    reason=note,
                    year_completed=True,
                )
            )
        else:
            claims.append(
                DateClaim(
                    value=parsed.iso(), granularity=parsed.granularity, source=source, evidence=text
                )
            )
    problems = [
        _problems(evidence, raw[0], _as_date(c.value), c.source)
        for c, raw in zip(claims, raw_claims, strict=True)
    ]
    best_clean = max(
        (_score(c) for c, p in zip(claims, problems, strict=True) if not p), default=None
    )
    judged = [_judge(c, p, best_clean) for c, p in zip(claims, problems, strict=True)]
    plausible = [c for c in judged if c.verdict != "implausible"]
    if not plausible:
        return Published(None, 0.0, tuple(judged))
    best = max(plausible, key=_score)
    best_day = _as_date(best.value)
    final, agree, conflict = [], 0, 0
    for claim in judged:
        if claim is best:
            final.append(replace(claim, verdict="chosen"))
        elif claim.verdict == "implausible":
            final.append(claim)
        elif abs((_as_date(claim.value) - best_day).days) <= AGREE_DAYS:
            agree += 1
            final.append(replace(claim, verdict="ok", reason=claim.reason or "agrees"))
        else:
            conflict += 1
            why = f"differs from the chosen {best.source} claim {best.value}"
            final.append(replace(claim, verdict="conflicting", reason=_join(claim.reason, why)))
    confidence = _score(best) + AGREE_BONUS * agree - CONFLICT_PENALTY * conflict
    return Published(best.value, round(min(0.99, max(0.05, confidence)), 2), tuple(final))


def _problems(evidence: Evidence, parsed: ParsedDate, day: date, source: str) -> list[Problem]:
    """What the text says against `day`, a named weekday that does not match it, and a
    page's copyright year standing in for a date."""
    found = evidence.problems(day)
    if source == "html:copyright-year":
        found.append(Problem("only the year of the page's copyright line", hard=True))
    if parsed.weekday is not None and parsed.day is not None and day.weekday() != parsed.weekday:
        found.append(Problem(f"{day} is not a {WEEKDAY_NAMES[parsed.weekday]}", hard=False))
    return found


def _judge(claim: DateClaim, problems: list[Problem], best_clean: float | None) -> DateClaim:
    """Implausible when a hard problem rules it out, or when it is doubtful while a claim about
    as reliable fits the text without any doubt. A lone doubtful claim is kept as chosen: the
    evaluation on htmldate's 1,000 pages showed that doubts alone (a historical title, an
    announced event)
    remove more right dates than wrong ones."""
    why = "; ".join(p.text for p in problems)
    soft = [p for p in problems if not p.hard]
    rival = best_clean is not None and best_clean >= _score(claim) - RIVAL_MARGIN
    if len(soft) < len(problems) or (soft and rival):
        return replace(claim, verdict="implausible", reason=_join(claim.reason, why))
    if soft:
        return replace(claim, reason=_join(claim.reason, "doubtful: " + why))
    return claim


def _score(claim: DateClaim) -> float:
    base = RELIABILITY.get(claim.source, 0.5)
    base *= COMPLETED_YEAR_FACTOR if claim.year_completed else 1.0
    return base * (MONTH_ONLY_FACTOR if claim.granularity != "day" else 1.0)


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b
