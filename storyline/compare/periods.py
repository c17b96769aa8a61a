"""Calendar values of time expressions and the days their periods span.

A calendar value is a TIMEX3 DATE value that names a period: a year, month, day, ISO week,
quarter, half or season of a year ("2025", "2025-08", "2025-08-15", "2025-W33", "2025-Q3",
"2025-H2", "2025-SU"). A time of a known day ("6am on Friday") dates that day. The timeline
dates, sorts and compares its entries by these periods; the charts place them.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from storyline.model import Timex

# A calendar date value: a year, month, day, ISO week, quarter, half or season of a year.
CALENDAR = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?|-W\d\d|-Q[1-4]|-H[12]|-(?:SP|SU|FA|WI))?")
_DAY_TIME = re.compile(r"\d{4}-\d\d-\d\dT.+")


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


def calendar_value(timex: Timex) -> str | None:
    """The calendar period a time expression dates: a DATE's own value, or the day of a time of
    day ("6am on Friday": the ships are worked that day); None for anything else."""
    value = timex.value or ""
    if timex.type == "TIME" and _DAY_TIME.fullmatch(value):
        return value[:10]
    return value if timex.type == "DATE" and CALENDAR.fullmatch(value) else None
