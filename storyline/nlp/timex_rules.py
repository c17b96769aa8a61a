"""Detection of time expressions: per-language regex templates over multilingual word lists.

Each language has one file `data/timex_<lang>.json`: word lists (months, weekdays, number words,
units, "last/next/this", "ago", ...) and `patterns`, a list of `[kind, template]`. A template is
a regex whose `{slot}`s expand to a named group over a word list (`{month}` -> `(?P<month>
january|february|...)`) and whose spaces match any run of white space, so one template reads
like the phrase it finds ("{num} {unit} {ago}"). The kind tells `timex.py` how to resolve the
match. Word order differs between languages ("la semaine dernière", "vor zwei Tagen"), so each
language writes its own templates; the slots and kinds are shared. Language-independent shapes
(ISO dates, numeric dates) are defined here once.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

LANGUAGES = ("en", "fr", "de", "es", "ru")
# slots that are not word lists: digits, with the range a calendar allows
_DIGIT_SLOTS = {
    "day": r"(?P<day>[0-3]?\d)",
    "year": r"(?P<year>(?:1[5-9]|20)\d\d)",
    "decade": r"(?P<decade>(?:1[5-9]|20)\d)0",
    "cent": r"(?P<cent>[12]?\d)",
    "qnum": r"(?P<qnum>[1-4])",
    "hour": r"(?P<hour>[0-2]?\d)",
    "minute": r"(?P<minute>[0-5]\d)",
    "second": r"(?P<second>[0-5]\d)",
}
# slot -> (group name, word-list keys); `num` also takes digits
_WORD_SLOTS = {
    "month": ("month", ("months", "months_abbr")),
    "fmonth": ("month", ("months",)),
    "weekday": ("weekday", ("weekdays",)),
    "unit": ("unit", ("units", "units_plural")),
    "sunit": ("unit", ("units",)),
    "qunit": ("unit", ("quarter_units",)),
    "punit": ("unit", ("units_plural",)),
    "num": ("num", ("numbers",)),
    "vnum": ("vnum", ("vague",)),
    "ord": ("ord", ("ordinals",)),
    "season": ("season", ("seasons",)),
    "part": ("part", ("parts",)),
    "days": ("days", ("days",)),
    "ref": ("ref", ("refs",)),
    "shift": ("shift", ("shift",)),
    "ago": ("ago", ("ago",)),
    "dir": ("dir", ("narrative",)),
    "the_dir": ("dir", ("the_narrative",)),
    "edir": ("dir", ("narrative_end",)),
    "blocker": ("blocker", ("blockers",)),
    "ndays": ("ndays", ("narrative_days",)),
    "mod": ("mod", ("mods",)),
    "every": ("every", ("every",)),
    "set_word": ("set_word", ("set_words",)),
    "ampm": ("ampm", ("ampm",)),
    "clock": ("clock", ("clock",)),
    "tz": ("tz", ("timezones",)),
}
_SLOT = re.compile(r"\{(\w+)\}")
# generic shapes: ISO dates and weeks, numeric dates (the order is decided in timex.py)
_GENERIC = (
    ("iso", r"(?P<year>(?:1[5-9]|20)\d\d)-(?P<m>[01]\d)(?:-(?P<d>[0-3]\d))?(?![-\d])"),
    ("isoweek", r"(?P<year>(?:1[5-9]|20)\d\d)-?W(?P<w>[0-5]\d)(?:-(?P<wd>[1-7]))?"),
    (
        "numeric",
        r"(?<![\d.,/])(?P<a>[0-3]?\d)(?P<sep>[./-])(?P<b>[0-3]?\d)(?P=sep)(?P<c>\d{4}|\d\d)",
    ),
)


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled template: its kind, its regex, and its position (earlier wins ties)."""

    kind: str
    regex: re.Pattern[str]
    order: int


@functools.cache
def lexicon(language: str) -> dict[str, Any]:
    """The word lists and templates of `language` (lower-case keys, as in the JSON file)."""
    path = resources.files("storyline.nlp").joinpath(f"data/timex_{language}.json")
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def _alternation(words: list[str]) -> str:
    """Longest first, so "the day before yesterday" beats "yesterday"; spaces match any."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def _expand(template: str, lex: dict[str, Any]) -> str:
    def slot(m: re.Match[str]) -> str:
        name = m[1]
        if name in _DIGIT_SLOTS:
            return _DIGIT_SLOTS[name]
        group, keys = _WORD_SLOTS[name]
        plain = [w for key in keys if key != "months_abbr" for w in lex.get(key, ())]
        words = _alternation(plain)
        if name == "num":
            words = rf"\d+(?:[.,]\d+)?|{words}"
        if "months_abbr" in keys:  # "Sept." takes its full stop, "September." does not
            abbr = _alternation(list(lex.get("months_abbr", ())))
            words = rf"{words}|(?:{abbr})\.?" if abbr else words
        return f"(?P<{group}>{words or '(?!)'})"

    return _SLOT.sub(slot, template.replace(" ?", r"\s*").replace(" ", r"\s+"))


def _compile(kind: str, body: str, order: int) -> Rule:
    # a match starts and ends at a word boundary; abbreviations may end in a full stop
    regex = re.compile(rf"(?<![\w'])(?<![^\W\d_]-){body}(?![^\W_]|-[^\W\d_])", re.IGNORECASE)
    return Rule(kind, regex, order)


@functools.cache
def rules(language: str) -> tuple[Rule, ...]:
    """The compiled rules for `language`: its own templates, then the generic shapes."""
    lex = lexicon(language)
    own = [_compile(k, _expand(t, lex), i) for i, (k, t) in enumerate(lex["patterns"])]
    generic = [_compile(k, body, len(own) + i) for i, (k, body) in enumerate(_GENERIC)]
    return (*own, *generic)


@functools.cache
def tense_markers(language: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(future, past, prospective) marker regexes: words that put a clause in the future or the
    past, and verbs whose complement after them is future ("agreed to return on Friday", not
    "on Thursday agreed to plead"). A past participle after a passive auxiliary's infinitive
    ("will be held", "devraient être traités") is no past: the word list `passive_aux` names
    those infinitives."""
    lex = lexicon(language)
    passive = "".join(rf"(?<!\b{re.escape(w)} )" for w in lex.get("passive_aux", ()))
    future, past, ahead = (
        re.compile(rf"(?<!\w){guard}(?:{'|'.join(lex.get(key) or ['(?!)'])})(?!\w)", re.I)
        for key, guard in (("future", ""), ("past", passive), ("prospective", ""))
    )
    return future, past, ahead


@functools.cache
def modal_markers(language: str) -> re.Pattern[str]:
    """Modals of possibility ("could", "might", "pourrait"): a clause they head tells what may
    happen, not what did or will. From the word list `modal` (none: never matches)."""
    words = lexicon(language).get("modal", ())
    body = "|".join(words) or "(?!)"
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


@functools.cache
def coordinators(language: str) -> re.Pattern[str]:
    """The conjunctions that join two clauses ("and", "but"): a tense marker beyond one is the
    next clause's. From the word list `coordinators` (none: a pattern that never matches)."""
    words = lexicon(language).get("coordinators", ())
    body = "|".join(re.escape(w) for w in words) or "(?!)"
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def word_value(language: str, key: str, word: str) -> Any:
    """The value a word list gives a matched word (case and inner white space normalised)."""
    table: dict[str, Any] = lexicon(language)[key]
    return table.get(" ".join(word.casefold().split()))
