"""Parse the date in a short string (a timestamp line, an id code, a URL, a metadata field).

The common shapes of news timestamps ("02 January 2024", "10 November, 11:54", "14. März 2026",
"14 de marzo de 2026", "2026-03-14", "14.03.2026") are read by one regex over month names taken
from dateparser's own locale data, which is fast and tells whether a year was stated; anything
else goes to dateparser itself. A date without a year comes back with `year=None`: completing
it is a judgement (see `dates.py`), not parsing.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from importlib import import_module

from storyline.model import Granularity

LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "uk", "tr", "pl")
_MONTH_KEYS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_DAY_KEYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
YEAR_WINDOW = 40  # characters before a year that can hold its day and month ("Thursday 26 March")
_YEAR = re.compile(r"(?:19|20)(?<!\d..)\d\d(?!\d)")  # (?<!\d) after "19": a faster scan
EARLIEST_YEAR = 1990  # news archives older than this are out of scope; guards against id noise


def _locale_words(keys: list[str]) -> dict[str, int]:
    table: dict[str, int] = {}
    for lang in LANGUAGES:
        info = import_module(f"dateparser.data.date_translation_data.{lang}").info
        for number, key in enumerate(keys, start=1):
            for word in [key, *info.get(key, [])]:
                table.setdefault(word.casefold().rstrip("."), number)
    return table


MONTHS = _locale_words(_MONTH_KEYS)
WEEKDAYS = _locale_words(_DAY_KEYS)  # 1 = Monday
WEEKDAY_NAMES = tuple(_DAY_KEYS)
_WEEKDAY_WORD = re.compile(r"[^\W\d_]+")


def _alternation(words: list[str]) -> str:
    """`words`, tried in this order, as a case-insensitive alternation that tries at each
    place only the words that can start there.

    In a plain case-insensitive alternation the regex engine tries every word at every place
    (three such patterns over month names took a tenth of an article's cleaning). Here the
    words are grouped by first letter, each group behind a case-sensitive class leaving out
    the ASCII characters that letter cannot match (the engine skips a group at once when the
    character is not in the class), then a lookbehind checks the letter case-insensitively,
    as the plain pattern does: the same matches, since words of different groups never match
    at the same place and each group keeps the words' order. Kept plain if two first letters
    match each other.
    """
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word)
    branches = []
    for letter, group in groups.items():
        same = re.compile(re.escape(letter), re.IGNORECASE).fullmatch
        if any(same(other) for other in groups if other != letter):
            return "|".join(map(re.escape, words))
        others = "".join(_ranges([i for i in range(128) if not same(chr(i))]))
        rests = "|".join(re.escape(w[1:]) for w in group)
        branches.append(f"(?-i:[^{others}])(?<={re.escape(letter)})(?:{rests})")
    return "|".join(branches)


def _ranges(codes: list[int]) -> Iterator[str]:
    """Sorted code points as the items of a regex class ("\\x00-\\x40", ...)."""
    for _, run in itertools.groupby(enumerate(codes), lambda item: item[1] - item[0]):
        points = [code for _, code in run]
        yield f"\\x{points[0]:02x}" + (f"-\\x{points[-1]:02x}" if len(points) > 1 else "")


# longest first (as escaped): "march" before "mar"
_MONTH_ALT = _alternation(sorted(MONTHS, key=lambda m: len(re.escape(m)), reverse=True))
_DAY_MONTH = re.compile(
    rf"(?<!\d)(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|\.|º)?\s*(?:de\s+)?(?P<m>{_MONTH_ALT})(?![^\W\d_])\.?"
    rf"(?:,?\s*(?:de\s+)?(?P<y>(?:19|20)\d\d)(?!\d))?",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    rf"(?<![^\W\d_])(?P<m>{_MONTH_ALT})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)(?:,?\s*(?P<y>(?:19|20)\d\d)(?!\d))?",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(rf"(?<![\w])(?P<m>{_MONTH_ALT})\.?\s+(?P<y>(?:19|20)\d\d)(?!\d)", re.I)
_ISO = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-/.](?P<m>[01]?\d)[-/.](?P<d>[0-3]?\d)(?!\d)")
_DMY = re.compile(r"(?<!\d)(?P<d>[0-3]?\d)[./](?P<m>[01]?\d)[./](?P<y>(?:19|20)\d\d)(?!\d)")
_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d\d)[/-](?P<m>[01]?\d)[/-](?P<d>[0-3]?\d)(?:/|-|$)"
    r"|[/_-](?P<y2>(?:19|20)\d\d)(?P<m2>[01]\d)(?P<d2>[0-3]\d)[/_.-]"
)


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A date read from a string; `year` is None when the string gave none."""

    year: int | None
    month: int
    day: int | None
    matched: str
    weekday: int | None = None  # 0 = Monday, when the text names one ("Tuesday, 2 January")

    @property
    def granularity(self) -> Granularity:
        """ "day" when a day was stated, else "month"."""
        return "day" if self.day is not None else "month"

    def iso(self, year: int | None = None) -> str:
        """ISO 8601 at the parsed granularity, with `year` filling a missing one."""
        y = self.year if self.year is not None else year
        if y is None:
            raise ValueError("no year: complete it first")
        return f"{y:04d}-{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")


def _valid(year: int | None, month: int, day: int | None) -> bool:
    try:
        date(year or 2000, month, day or 1)  # 2000 is a leap year: 29 Feb stays possible
    except ValueError:
        return False
    return year is None or year >= EARLIEST_YEAR


def _from_match(m: re.Match[str], numeric_month: bool) -> ParsedDate | None:
    month = int(m["m"]) if numeric_month else MONTHS[m["m"].casefold().rstrip(".")]
    day = int(m["d"]) if "d" in m.groupdict() and m["d"] else None
    year = int(m["y"]) if m["y"] else None
    return ParsedDate(year, month, day, m.group(0)) if _valid(year, month, day) else None


def parse_date(text: str) -> ParsedDate | None:
    """The first date in `text` (with the weekday it names, if any)."""
    parsed = _parse(text)
    if parsed is None:
        return None
    named = [
        WEEKDAYS[w] - 1
        for w in (t.casefold() for t in _WEEKDAY_WORD.findall(text))
        if w in WEEKDAYS and len(w) > 3
    ]
    return replace(parsed, weekday=named[0]) if len(set(named)) == 1 else parsed


def _parse(text: str) -> ParsedDate | None:
    """The first date in `text`, trying the common shapes first, then dateparser."""
    for pattern, numeric in ((_ISO, True), (_DMY, True), (_DAY_MONTH, False), (_MONTH_DAY, False)):
        for m in pattern.finditer(text):
            parsed = _from_match(m, numeric)
            if parsed is not None:
                return parsed
    month_year = _MONTH_YEAR.search(text)
    if month_year:
        return _from_match(month_year, False)
    return _dateparser_fallback(text)


@functools.lru_cache(maxsize=1)
def _parser() -> object:
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=list(LANGUAGES),
        settings={"PREFER_DAY_OF_MONTH": "first", "PARSERS": ["absolute-time"]},
    )


def _dateparser_fallback(text: str) -> ParsedDate | None:
    if len(text) > 80 or not re.search(r"(19|20)\d\d", text):
        return None  # dateparser guesses years; only trust it when one is written
    data = _parser().get_date_data(text)  # type: ignore[attr-defined]
    obj: datetime | None = data.date_obj
    if obj is None or obj.year < EARLIEST_YEAR:
        return None
    day = obj.day if data.period == "day" else None
    return ParsedDate(obj.year, obj.month, day, text)


def date_in_code(code: str) -> ParsedDate | None:
    """A date inside an id code: YYYYMMDD or DDMMYYYY at the start of a run of digits."""
    for run in re.findall(r"\d{8,}", code):
        head = run[:8]
        for y, m, d in ((head[:4], head[4:6], head[6:]), (head[4:], head[2:4], head[:2])):
            if _valid(int(y), int(m), int(d)) and 1 <= int(m) <= 12:
                return ParsedDate(int(y), int(m), int(d), head)
    return None


def date_in_url(url: str) -> ParsedDate | None:
    """A date in a URL path (/2026/03/14/ or -20260314-)."""
    m = _URL_DATE.search(url)
    if not m:
        return None
    y, mo, d = (m["y"], m["m"], m["d"]) if m["y"] else (m["y2"], m["m2"], m["d2"])
    return (
        ParsedDate(int(y), int(mo), int(d), m.group(0)) if _valid(int(y), int(mo), int(d)) else None
    )


def years_mentioned(text: str) -> list[ParsedDate]:
    """Dates with a stated year in running text ("in June 2024", "on 12 March 2026").

    Only the text around each four-digit year is searched: the month-name patterns are long
    alternations, and most of an article has no year in it.
    """
    found: list[ParsedDate] = []
    for window in _year_windows(text):
        for pattern, numeric in ((_ISO, True), (_DAY_MONTH, False), (_MONTH_DAY, False)):
            for m in pattern.finditer(window):
                if m["y"] and (parsed := _from_match(m, numeric)):
                    found.append(parsed)
        for m in _MONTH_YEAR.finditer(window):
            if parsed := _from_match(m, False):
                found.append(parsed)
    return found


def _year_windows(text: str) -> list[str]:
    """Stretches of `text` around each year, merged where they overlap."""
    spans: list[list[int]] = []
    for m in _YEAR.finditer(text):
        start, end = max(0, m.start() - YEAR_WINDOW), m.end()
        if spans and start <= spans[-1][1]:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return [text[s:e] for s, e in spans]
