"""Calendar arithmetic for TIMEX3 values: shift a date by a unit, print it at a granularity.

A resolved time expression is a point (a `date`) plus a granularity (a unit code from the word
lists: D day, W week, M month, Q quarter, Y year, ...). "last month" is the anchor shifted by
-1 M and printed as `YYYY-MM`; "two days later" is +2 D printed as `YYYY-MM-DD`. `parse_value`
reads a value back into a point so that a later expression can use it as its anchor.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

# how fine each unit is: an anchor can only be shifted by a unit at least as coarse as itself
RANK = {"D": 0, "W": 1, "WE": 1, "FN": 1, "M": 2, "Q": 3, "HA": 4, "Y": 5, "DE": 6, "CE": 7}
SEASON_START = {"WI": 12, "SP": 3, "SU": 6, "FA": 9}  # meteorological seasons
_VALUE = re.compile(
    r"(?P<y>\d{4})(?:-(?:(?P<m>\d\d)(?:-(?P<d>\d\d))?|W(?P<w>\d\d)|Q(?P<q>[1-4])|H(?P<h>[12])))?$"
)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, the day of month clamped to the target month's length."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def shift(day: date, unit: str, count: int) -> date | None:
    """`day` moved by `count` units (None for units below a day, which a date cannot carry,
    and for a shift off the calendar: "5,000 years ago")."""
    days = {"D": 1, "W": 7, "WE": 7, "FN": 14}
    months = {"M": 1, "Q": 3, "HA": 6, "Y": 12, "DE": 120, "CE": 1200}
    try:
        if unit in days:
            return day + timedelta(days=days[unit] * count)
        if unit in months:
            return add_months(day, months[unit] * count)
    except (ValueError, OverflowError):
        return None
    return None


def fmt(day: date, unit: str) -> str:
    """`day` as a TIMEX3 value at the granularity of `unit`."""
    if unit in ("W", "WE", "FN"):
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}" + ("-WE" if unit == "WE" else "")
    by_unit = {
        "D": f"{day:%Y-%m-%d}",
        "M": f"{day:%Y-%m}",
        "Q": f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}",
        "HA": f"{day.year:04d}-H{(day.month - 1) // 6 + 1}",
        "Y": f"{day.year:04d}",
        "DE": f"{day.year // 10:03d}",
        "CE": f"{day.year // 100:02d}",
    }
    return by_unit[unit]


def parse_value(value: str) -> tuple[date, str] | None:
    """A calendar value (`2025-10-16`, `2025-10`, `2025-W45`, `2025-Q3`, `2025`) as (first day,
    unit); None for anything else (durations, sets, references, times)."""
    m = _VALUE.match(value)
    if m is None:
        return None
    year = int(m["y"])
    if m["d"]:
        return date(year, int(m["m"]), int(m["d"])), "D"
    if m["m"]:
        return date(year, int(m["m"]), 1), "M"
    if m["w"]:
        return date.fromisocalendar(year, int(m["w"]), 1), "W"
    if m["q"]:
        return date(year, 3 * int(m["q"]) - 2, 1), "Q"
    if m["h"]:
        return date(year, 6 * int(m["h"]) - 5, 1), "HA"
    return date(year, 1, 1), "Y"


def duration(count: float | None, unit: str) -> str:
    """A TIMEX3 duration: `P2W`, `PT3H`, `P10Y` for a decade; `X` for an unknown count."""
    scale = {"DE": (10, "Y"), "CE": (100, "Y"), "Q": (3, "M"), "HA": (6, "M"), "FN": (2, "W")}
    factor, code = scale.get(unit, (1, unit))
    timed = {"H": "H", "MIN": "M", "S": "S"}
    if count is not None and count != int(count):  # "half a year": into the next smaller unit
        smaller = {"Y": (12, "M"), "M": (30, "D"), "D": (24, "H"), "H": (60, "MIN"), "W": (7, "D")}
        if code in smaller:
            per, code = smaller[code]
            count *= per
    number = "X" if count is None else str(int(count * factor))
    if code in timed:
        return f"PT{number}{timed[code]}"
    return f"P{number}{code}"


def nearest_year(month: int, day: int | None, anchor: date, tense: str) -> int | None:
    """The year putting month/day nearest `anchor`: on or before it in the past tense, on or
    after it in the future tense; None when the day exists in none of the years tried."""
    candidates = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidates.append(date(year, month, day or 1))
        except ValueError:
            continue
    if day is None:
        anchor = anchor.replace(day=1)
    if tense == "past":
        candidates = [c for c in candidates if c <= anchor] or candidates
    elif tense == "future":
        candidates = [c for c in candidates if c >= anchor] or candidates
    if not candidates:
        return None
    return min(candidates, key=lambda c: abs((c - anchor).days)).year


def distance(year: int, month: int, day: int | None, anchor: date) -> int:
    """Days from `anchor` to month/day (the 1st for a month alone) of `year`."""
    return (date(year, month, day or 1) - (anchor if day else anchor.replace(day=1))).days


def weekday_near(anchor: date, weekday: int, direction: int) -> date:
    """The ISO `weekday` (1 = Monday) nearest `anchor`: -1 the latest on or before it, +1 the
    first on or after it, 0 the one in the same ISO week."""
    if direction == 0:
        return anchor + timedelta(days=weekday - anchor.isoweekday())
    if direction < 0:
        return anchor - timedelta(days=(anchor.isoweekday() - weekday) % 7)
    return anchor + timedelta(days=(weekday - anchor.isoweekday()) % 7)


def season_year(season: str, anchor: date, direction: int) -> int:
    """The year of "last/this/next <season>" said on `anchor` (winter belongs to its January)."""
    start, current, begins = _season_around(season, anchor)
    if direction < 0:
        return current.year - 1 if begins > anchor or _in_season(anchor, start) else current.year
    if direction > 0:
        return current.year + 1 if begins <= anchor else current.year
    return current.year


def told_season_year(season: str, anchor: date, tense: str) -> int:
    """The year of a bare "in the summer" said on `anchor`: in the past tense the latest such
    season begun by then, in the future the current one or, once it is over, the next."""
    start, current, begins = _season_around(season, anchor)
    if tense == "future":
        over = begins <= anchor and not _in_season(anchor, start)
        return current.year + 1 if over else current.year
    return current.year if begins <= anchor else current.year - 1


def _season_around(season: str, anchor: date) -> tuple[int, date, date]:
    """(first month, first day of the season's year, first day of the season in that year)
    for `anchor`; winter belongs to the year of its January."""
    start = SEASON_START[season]
    current = date(anchor.year + (season == "WI" and anchor.month == 12), 1, 1)
    return start, current, date(current.year - (season == "WI"), start, 1)


def _in_season(day: date, start: int) -> bool:
    return (day.month - start) % 12 < 3
