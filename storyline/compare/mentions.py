"""Which dates of a story's sentences are the dates of happenings (pure; used by `timeline_drafts`).

A calendar date in a sentence is a mention of a happening on that date, with three exceptions
read from the words around it (the word lists `range`, `ends_before` and `modal` of
`nlp/data/timex_<lang>.json`):

* the second date of a range ("between July and December 2025", "from 28 July to 3 August")
  ends the happening the first begins: one mention, dated by the first;
* a date after "before" ("no compulsory redundancies before 2031") bounds a period: what it
  dates falls in the period before it, at the same granularity (2030, "until the end of 2030");
* a clause headed by a modal of possibility ("the executive could vote to quit as early as this
  week") tells what may happen, not a happening: no mention.
"""

from __future__ import annotations

import re

from storyline.model import Timex
from storyline.nlp import timex_values as tv
from storyline.nlp.timex_rules import LANGUAGES, lexicon
from storyline.nlp.timex_tense import clause_tense


def _words(language: str | None, key: str) -> str:
    lang = language if language in LANGUAGES else "en"
    words: list[str] = lexicon(lang).get(key, [])
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) or "(?!)"


def ends_range(text: str, language: str | None, first: Timex, second: Timex) -> bool:
    """`second` ends a range that `first` begins: only a range word or a dash between them."""
    between = text[first.end : second.start]
    return re.fullmatch(rf"\s*(?:{_words(language, 'range')}|[-–])\s*", between, re.I) is not None


def before_value(text: str, language: str | None, timex: Timex, value: str) -> str:
    """The period just before `value` when "before" precedes the expression ("before 2031":
    2030), else `value` itself. Days, weeks, months and years; other periods stay as they are."""
    if timex.type != "DATE":
        return value  # "shortly before 11pm" is still that day
    head = text[max(timex.start - 20, 0) : timex.start]
    if not re.search(rf"(?<!\w)(?:{_words(language, 'ends_before')})\s+$", head, re.I):
        return value
    if re.match(rf"(?:{_words(language, 'mods')})(?!\w)", timex.text, re.I):
        return value  # "before the end of 2030": by the end of 2030, in 2030
    parsed = tv.parse_value(value)
    if parsed is None or parsed[1] not in ("D", "W", "M", "Y"):
        return value
    moved = tv.shift(parsed[0], parsed[1], -1)
    return tv.fmt(moved, parsed[1]) if moved else value


def hypothetical(text: str, language: str | None, timex: Timex, sentence: tuple[int, int]) -> bool:
    """The expression's clause is headed by a modal of possibility ("could", "pourrait")."""
    lang = language if language in LANGUAGES else "en"
    return clause_tense(text, lang, sentence, timex.start, timex.end, hedged=True) == "hypothetical"
