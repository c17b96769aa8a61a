"""Which dates of a story's sentences are the dates of happenings (pure; used by `timeline_drafts`).

A calendar date in a sentence is a mention of a happening on that date, with four exceptions
read from the words around it (the word lists `range`, `ends_before`, `negation`, `until` and
`modal` of `nlp/data/timex_<lang>.json`):

* the second date of a range ("between July and December 2025", "from 28 July to 3 August")
  ends the happening the first begins: one mention, dated by the first;
* a date after "before" ("no compulsory redundancies before 2031") bounds a period: what it
  dates falls in the period before it, at the same granularity (2030, "until the end of 2030");
* a clause headed by a modal of possibility ("the executive could vote to quit as early as this
  week") tells what may happen, not a happening: no mention;
* a negation beside the expression ("which was not true this morning", "from April nobody will
  be asked") tells what did or will not happen: no mention. Unless an "until" word heads the
  expression: "did not inform the agency until 28 January" dates when it did.
"""

from __future__ import annotations

import re
from functools import cache

from storyline.model import Timex
from storyline.nlp import timex_values as tv
from storyline.nlp.timex_rules import LANGUAGES, lexicon
from storyline.nlp.timex_tense import clause_tense

NEGATION_WORDS = 3  # words either side of the expression a negation must be among to deny it


@cache
def _words(language: str | None, key: str) -> str:
    """The alternation of a word list of `nlp/data/timex_<lang>.json` (built once a list)."""
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
    if not _preceded_by(text, language, timex, "ends_before"):
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


def negated(text: str, language: str | None, timex: Timex, sentence: tuple[int, int]) -> bool:
    """A negation word stands within `NEGATION_WORDS` words of the expression in its clause,
    and no "until" word heads the expression ("not ... until 28 January" dates a happening)."""
    start, end = sentence
    # within its clause: "has led the union since 2019 and has not called a strike before"
    cut = re.compile(rf"[,;:–—]|(?<!\w)(?:{_words(language, 'coordinators')})(?!\w)", re.I)
    before = cut.split(text[start : timex.start])[-1].split()[-NEGATION_WORDS:]
    after = cut.split(text[timex.end : end])[0].split()[:NEGATION_WORDS]
    words = _words(language, "negation")
    near = re.compile(rf"(?<!\w)(?:{words})(?:(?<=')|(?!\w))", re.I)
    found = near.search(" ".join(before)) or near.search(" ".join(after))
    return found is not None and not _preceded_by(text, language, timex, "until")


def _preceded_by(text: str, language: str | None, timex: Timex, key: str) -> bool:
    """A word of the list `key` stands just before the expression."""
    head = text[max(timex.start - 20, 0) : timex.start]
    return re.search(rf"(?<!\w)(?:{_words(language, key)})\s+$", head, re.I) is not None
