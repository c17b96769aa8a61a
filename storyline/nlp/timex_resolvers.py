"""One resolver per rule kind (`timex_rules.py`): a match → its TIMEX3 type and value.

A bare weekday takes the occurrence on or before the anchor when the nearest tense marker in its
clause is past (or there is none), on or after it when that marker is future (`timex_tense.py`).
A bare season ("in the summer") likewise takes the latest one begun, or the current or next
one. A month or month-day without a year takes the year putting it nearest the anchor, unless
its tense points to the other year about as near (`TENSE_TIE_DAYS`). A night named by the day it
ends ("in der Nacht zum Mittwoch") is the night of the day before. Impossible and ambiguous
dates ("31 February", "03/04/05") keep value None and say why in `note`. The anchors themselves
are chosen in `timex_context.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from storyline.nlp import timex_values as tv
from storyline.nlp.timex_context import _Context, _relative, _Resolved, _shifted
from storyline.nlp.timex_rules import lexicon

# a number followed by one of these is a quantity or a code, not a year ("1500 %", "2026/014")
_NOT_YEAR = re.compile(r"\s*(?:%|[.,/]\d)")


# A month or day without a year takes the nearest year, unless the year its tense points to is
# at most this many days further ("will be held on 20 September" said on 20 March). Chosen on
# TBAQ (TimeBank + AQUAINT): value F1 73.28 + 73.76 at 0 (nearest only), 73.44 + 74.27 at 31,
# 73.77 + 74.27 from 75 to 120, 73.85 + 74.10 at 150, 73.68 + 74.10 at 180 (tense only); the
# platinum test set then went from 81.62 to 83.09.
TENSE_TIE_DAYS = 90


Resolver = Callable[[_Context, re.Match[str]], _Resolved]


def _number(ctx: _Context, m: re.Match[str]) -> float | None:
    """The count a match states: digits, a number word, or None for "several", "a few"."""
    if m.groupdict().get("num") is None:
        return None
    raw = m["num"].replace(",", ".")
    if raw[0].isdigit():
        return float(raw)
    value = ctx.word("numbers", raw)
    return float(value) if isinstance(value, int | float) else None


def _unit(ctx: _Context, m: re.Match[str]) -> tuple[str, bool]:
    """(unit code, plural?) of the match's unit word."""
    single = ctx.word("units", m["unit"])
    if isinstance(single, str):
        return single, False
    return str(ctx.word("units_plural", m["unit"])), True


def _with_part(ctx: _Context, m: re.Match[str], res: _Resolved) -> _Resolved:
    """ "Friday afternoon", "yesterday morning": a TIME with the part of the day."""
    part = m.groupdict().get("part")
    if part is None:
        return res
    code = ctx.word("parts", part)
    return _Resolved("TIME", f"{res.value}T{code}" if res.value else None, res.anchor, res.note)


def _month(ctx: _Context, word: str | None) -> int | None:
    """The month number of a month name or abbreviation ("Sept."), None for no word."""
    if not word:
        return None
    word = word.rstrip(".")
    number = ctx.word("months", word) or ctx.word("months_abbr", word)
    return number if isinstance(number, int) else None


def _date(ctx: _Context, m: re.Match[str]) -> _Resolved:
    groups = m.groupdict()
    month = _month(ctx, groups.get("month"))
    day = int(groups["day"]) if groups.get("day") else None
    year = int(groups["year"]) if groups.get("year") else None
    if month is None:  # a year alone
        if year is None or _NOT_YEAR.match(ctx.text, m.end()):
            return _Resolved("", None, "none")
        return _Resolved("DATE", f"{year:04d}", "absolute")
    assert isinstance(month, int)
    unit = "D" if day else "M"
    if year is not None:
        return _checked(year, month, day, m[0], "absolute")
    try:
        date(2000, month, day or 1)  # a leap year: 29 February is possible
    except ValueError:
        return _Resolved("DATE", None, "none", f"impossible date: {m[0]}")
    # the nearest year, unless the tense points to one about as near (`TENSE_TIE_DAYS`)
    tense = ctx.tense(m.start(), m.end())

    def year_of(a: date) -> str | None:
        nearest = tv.nearest_year(month, day, a, "")
        told = tv.nearest_year(month, day, a, tense)
        if nearest is None or told is None or told == nearest:
            return _at(nearest, month, day)
        gap = abs(tv.distance(told, month, day, a)) - abs(tv.distance(nearest, month, day, a))
        return _at(told if gap <= TENSE_TIE_DAYS else nearest, month, day)

    return _relative(ctx, m, unit, year_of, narrative=False)


def _at(year: int | None, month: int, day: int | None) -> str | None:
    if year is None:
        return None
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def _checked(year: int, month: int, day: int | None, text: str, anchor: str) -> _Resolved:
    try:
        date(year, month, day or 1)
    except ValueError:
        return _Resolved("DATE", None, "none", f"impossible date: {text}")
    return _Resolved("DATE", _at(year, month, day), anchor)


def _iso(ctx: _Context, m: re.Match[str]) -> _Resolved:
    return _checked(int(m["year"]), int(m["m"]), int(m["d"]) if m["d"] else None, m[0], "absolute")


def _isoweek(ctx: _Context, m: re.Match[str]) -> _Resolved:
    week = f"{int(m['year']):04d}-W{m['w']}" + (f"-{m['wd']}" if m["wd"] else "")
    try:
        date.fromisocalendar(int(m["year"]), int(m["w"]), int(m["wd"] or 1))
    except ValueError:
        return _Resolved("DATE", None, "none", f"impossible week: {m[0]}")
    return _Resolved("DATE", week, "absolute")


def _numeric(ctx: _Context, m: re.Match[str]) -> _Resolved:
    """12/03/2025 and the like. Day-first unless a number says otherwise, except in English,
    where both orders are common: there two numbers up to 12 are stated as ambiguous, as is
    any two-digit year whose day and month could swap ("03/04/05")."""
    a, b, c = int(m["a"]), int(m["b"]), m["c"]
    if a <= 12 and b <= 12 and a != b and (ctx.language == "en" or len(c) == 2):
        return _Resolved("DATE", None, "none", f"ambiguous day/month order: {m[0]}")
    day, month = (b, a) if a <= 12 < b else (a, b)
    if len(c) == 4:
        return _checked(int(c), month, day, m[0], "absolute")
    if ctx.published is None:
        return _Resolved("DATE", None, "none", f"two-digit year without an anchor: {m[0]}")
    anchor_year = ctx.published.year
    century = anchor_year // 100 * 100  # the two-digit year nearest the anchor
    year = min((century - 100, century, century + 100), key=lambda y: abs(y + int(c) - anchor_year))
    return _checked(year + int(c), month, day, m[0], "published")


def _decade(ctx: _Context, m: re.Match[str]) -> _Resolved:
    return _Resolved("DATE", m["decade"], "absolute")


def _century(ctx: _Context, m: re.Match[str]) -> _Resolved:
    return _Resolved("DATE", f"{int(m['cent']) - 1:02d}", "absolute")


def _quarter(ctx: _Context, m: re.Match[str]) -> _Resolved:
    number = int(m["qnum"]) if m.groupdict().get("qnum") else ctx.word("ordinals", m["ord"])
    unit = _unit(ctx, m)[0] if m.groupdict().get("unit") else "Q"
    if not isinstance(number, int) or number > (4 if unit == "Q" else 2):
        return _Resolved("", None, "none")
    tag = f"{'Q' if unit == 'Q' else 'H'}{number}"
    if m.groupdict().get("year"):
        return _Resolved("DATE", f"{m['year']}-{tag}", "absolute")
    tense = ctx.tense(m.start(), m.end())
    first_month = (number - 1) * (3 if unit == "Q" else 6) + 1

    def compute(day: date) -> str:
        year = tv.nearest_year(first_month, None, day, tense) or day.year
        return f"{year:04d}-{tag}"

    return _relative(ctx, m, "Y", compute, narrative=False)


def _season(ctx: _Context, m: re.Match[str]) -> _Resolved:
    code = str(ctx.word("seasons", m["season"]))
    if m.groupdict().get("year"):
        return _Resolved("DATE", f"{m['year']}-{code}", "absolute")
    word = m.groupdict().get("shift")
    if not word:  # "in the summer": the tense says which
        tense = ctx.tense(m.start(), m.end())
        return _relative(
            ctx, m, "Y", lambda a: f"{tv.told_season_year(code, a, tense)}-{code}", narrative=False
        )
    direction = ctx.word("shift", word)
    assert isinstance(direction, int)
    return _relative(
        ctx, m, "Y", lambda a: f"{tv.season_year(code, a, direction)}-{code}", narrative=False
    )


def _shift(ctx: _Context, m: re.Match[str]) -> _Resolved:
    """ "last month", "next week", "this year", "last Friday", "next June"."""
    direction = ctx.word("shift", m["shift"])
    assert isinstance(direction, int)
    groups = m.groupdict()
    if groups.get("weekday"):
        weekday = ctx.word("weekdays", m["weekday"])
        assert isinstance(weekday, int)

        def on_weekday(a: date) -> str:
            step = tv.shift(a, "D", direction) if direction else a
            return tv.weekday_near(step or a, weekday, direction).isoformat()

        return _with_part(ctx, m, _relative(ctx, m, "D", on_weekday, narrative=False))
    if groups.get("month"):
        month = _month(ctx, m["month"])
        assert isinstance(month, int)

        def on_month(a: date) -> str:
            if direction < 0:
                year = a.year - (month >= a.month)
            else:
                year = a.year + (direction > 0 and month <= a.month)
            return f"{year:04d}-{month:02d}"

        return _relative(ctx, m, "M", on_month, narrative=False)
    unit, plural = _unit(ctx, m)
    if plural:  # "the coming weeks", "past years": a stretch of unknown length
        return _Resolved("DURATION", tv.duration(None, unit), "absolute")
    if unit in ("H", "MIN", "S"):
        return _Resolved("DURATION", tv.duration(1, unit), "absolute")
    return _shifted(ctx, m, unit, direction, narrative=False)


def _ago(ctx: _Context, m: re.Match[str]) -> _Resolved:
    unit, plural = _unit(ctx, m)
    stated = m.groupdict().get("num") or m.groupdict().get("vnum")
    count = _number(ctx, m) if stated or plural else 1.0  # "неделю назад": one week
    if count is None or count != int(count):
        return _Resolved("DATE", "PAST_REF", "absolute")
    return _shifted(ctx, m, unit, -int(count), narrative=False)


def _rel(ctx: _Context, m: re.Match[str]) -> _Resolved:
    """ "a day earlier", "two weeks later", "the following week", "the day before"."""
    direction = next(
        v
        for key in ("narrative", "narrative_end", "the_narrative")
        if (v := ctx.word(key, m["dir"])) is not None
    )
    assert isinstance(direction, int)
    unit = _unit(ctx, m)[0]
    count = _number(ctx, m) if m.groupdict().get("num") or m.groupdict().get("vnum") else 1.0
    if count is None or count != int(count):
        return _Resolved("DATE", "FUTURE_REF" if direction > 0 else "PAST_REF", "absolute")
    return _shifted(ctx, m, unit, direction * int(count), narrative=True)


def _rel_day(ctx: _Context, m: re.Match[str]) -> _Resolved:
    """ "le lendemain", "la veille", "am Vortag": a day after or before the event just told."""
    offset = ctx.word("narrative_days", m["ndays"])
    assert isinstance(offset, int)
    return _shifted(ctx, m, "D", offset, narrative=True)


def _day(ctx: _Context, m: re.Match[str]) -> _Resolved:
    offset = ctx.word("days", m["days"])
    assert isinstance(offset, int)
    res = _shifted(ctx, m, "D", offset, narrative=False)
    if m["days"].casefold() in lexicon(ctx.language).get("night_days", ()):
        return _Resolved("TIME", f"{res.value}TNI" if res.value else None, res.anchor, res.note)
    return _with_part(ctx, m, res)


def _weekday(ctx: _Context, m: re.Match[str]) -> _Resolved:
    weekday = ctx.word("weekdays", m["weekday"])
    assert isinstance(weekday, int)
    direction = 1 if ctx.tense(m.start(), m.end()) == "future" else -1
    res = _relative(
        ctx, m, "D", lambda a: tv.weekday_near(a, weekday, direction).isoformat(), narrative=False
    )
    return _with_part(ctx, m, res)


def _night(ctx: _Context, m: re.Match[str], offset: int) -> _Resolved:
    day = _weekday(ctx, m)
    begins = tv.shift(date.fromisoformat(day.value[:10]), "D", offset) if day.value else None
    return _Resolved("TIME", f"{begins.isoformat()}TNI" if begins else None, day.anchor, day.note)


def _night_of(ctx: _Context, m: re.Match[str]) -> _Resolved:
    """ "la nuit de mardi à mercredi": the night that begins on the evening of the day named."""
    return _night(ctx, m, 0)


def _night_before(ctx: _Context, m: re.Match[str]) -> _Resolved:
    """ "in der Nacht zum Mittwoch": the night that ends on the day named, Tuesday's night
    (`…-17TNI`), as the one night that a talk "through the night" fills."""
    return _night(ctx, m, -1)


def _today_part(ctx: _Context, m: re.Match[str]) -> _Resolved:
    """ "this morning" (today), "last night" / "last evening" (yesterday)."""
    direction = ctx.word("shift", m["shift"]) if m.groupdict().get("shift") else 0
    assert isinstance(direction, int)
    return _with_part(ctx, m, _shifted(ctx, m, "D", min(direction, 0), narrative=False))


def _block(ctx: _Context, m: re.Match[str]) -> _Resolved:
    """A phrase that looks like a time expression and is not ("as soon as")."""
    return _Resolved("", None, "none")


def _time(ctx: _Context, m: re.Match[str]) -> _Resolved:
    groups = m.groupdict()
    if groups.get("clock"):
        hour, minute = (int(x) for x in str(ctx.word("clock", m["clock"])).split(":"))
    else:
        hour, minute = int(m["hour"]), int(groups.get("minute") or 0)
        if groups.get("ampm"):
            if hour == 0 or hour > 12:
                return _Resolved("", None, "none")
            hour = hour % 12 + (12 if ctx.word("ampm", m["ampm"]) == "pm" else 0)
    if hour > 24 or (hour == 24 and minute):
        return _Resolved("", None, "none")
    clock = f"T{hour:02d}:{minute:02d}"
    if groups.get("weekday"):
        day = _weekday(ctx, m)
    else:
        found = ctx.anchor(m.start(), narrative=True, finest="D")
        if (
            found
            and hour == 24
            and found[1] == "published"
            and ctx.tense(m.start(), m.end()) == "past"
        ):
            # "ran past midnight" in the next morning's paper: the midnight that began its day
            found = (found[0] - timedelta(days=1), found[1])
        day = (
            _Resolved("DATE", None, "none")
            if found is None
            else _Resolved("DATE", found[0].isoformat(), found[1])
        )
    return _Resolved(
        "TIME", f"{day.value}{clock}" if day.value else f"XXXX-XX-XX{clock}", day.anchor
    )


def _duration(ctx: _Context, m: re.Match[str]) -> _Resolved:
    unit, plural = _unit(ctx, m)
    stated = m.groupdict().get("num") or m.groupdict().get("vnum")
    count = _number(ctx, m) if stated or plural else 1.0  # "the past decade": one
    return _Resolved("DURATION", tv.duration(count, unit), "absolute")


def _set(ctx: _Context, m: re.Match[str]) -> _Resolved:
    groups = m.groupdict()
    if groups.get("set_word"):
        return _Resolved("SET", str(ctx.word("set_words", m["set_word"])), "absolute")
    if groups.get("weekday"):
        return _Resolved("SET", f"XXXX-WXX-{ctx.word('weekdays', m['weekday'])}", "absolute")
    if groups.get("part"):
        return _Resolved("SET", f"XXXX-XX-XXT{ctx.word('parts', m['part'])}", "absolute")
    return _Resolved("SET", tv.duration(1, _unit(ctx, m)[0]), "absolute")


def _ref(ctx: _Context, m: re.Match[str]) -> _Resolved:
    return _Resolved("DATE", str(ctx.word("refs", m["ref"])), "absolute")


RESOLVERS: dict[str, Resolver] = {
    "date": _date,
    "iso": _iso,
    "isoweek": _isoweek,
    "numeric": _numeric,
    "decade": _decade,
    "century": _century,
    "quarter": _quarter,
    "season": _season,
    "shift": _shift,
    "ago": _ago,
    "rel": _rel,
    "rel_day": _rel_day,
    "day": _day,
    "weekday": _weekday,
    "today_part": _today_part,
    "night_of": _night_of,
    "night_before": _night_before,
    "shift_part": _today_part,
    "block": _block,
    "time": _time,
    "duration": _duration,
    "set": _set,
    "ref": _ref,
}
