"""Time expressions (TIMEX3-style): find them in an article's text and normalise their values.

`find_timexes(text, language, published)` is a pure function: regex rules (`timex_rules.py`,
word lists in `data/timex_<lang>.json`) find candidate spans, the longest non-overlapping ones
are kept, and each is resolved in text order (`timex_resolvers.py`), anchored on the
publication date or on the event just told (`timex_context.py`), by the tense of its clause
where it has no year or direction of its own (`timex_tense.py`). The first end of a range takes
the year of the second ("between July and December 2025").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from storyline.model import Timex
from storyline.nlp import timex_values as tv
from storyline.nlp.timex_context import _Context
from storyline.nlp.timex_resolvers import RESOLVERS
from storyline.nlp.timex_rules import LANGUAGES, lexicon, rules

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”»)]*\s+(?=[\"'“«(]?[A-ZÀ-ÞА-ЯЁ])|\n")
_PARAGRAPH = re.compile(r"\n\s*\n")
_LINE = re.compile(r"\n")


def _capitalised(lang: str, m: re.Match[str]) -> bool:
    """In English and German, month and weekday names are written with a capital: "may" and
    "march" in lower case are a verb, not a month."""
    if not lexicon(lang).get("capitalised"):
        return True
    groups = m.groupdict()
    return all(groups.get(g) is None or groups[g][0].isupper() for g in ("month", "weekday"))


def _candidates(text: str, language: str) -> list[tuple[int, int, int, str, re.Match[str]]]:
    found = []
    for rule in rules(language):
        for m in rule.regex.finditer(text):
            if m.end() > m.start() and _capitalised(language, m):
                found.append((m.start(), m.end(), rule.order, rule.kind, m))
    return found


def _select(
    found: list[tuple[int, int, int, str, re.Match[str]]],
) -> list[tuple[int, int, int, str, re.Match[str]]]:
    """The longest candidates that do not overlap (earlier rule first on a tie), in text order."""
    taken: list[tuple[int, int, int, str, re.Match[str]]] = []
    for cand in sorted(found, key=lambda c: (c[0] - c[1], c[2], c[0])):
        if all(cand[1] <= t[0] or cand[0] >= t[1] for t in taken):
            taken.append(cand)
    return sorted(taken, key=lambda c: c[0])


def _bounds(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Sentence spans and paragraph starts (blank lines if the text has any, else lines)."""
    cuts = [0, *(m.end() for m in _SENTENCE_END.finditer(text)), len(text)]
    sentences = list(itertools.pairwise(cuts))
    breaks = _PARAGRAPH if _PARAGRAPH.search(text) else _LINE
    return sentences, [m.end() for m in breaks.finditer(text)]


_MONTH_DAY = re.compile(r"\d{4}-(\d\d)(?:-(\d\d))?")


def _range_end(text: str, language: str, first: Timex, start: int) -> bool:
    """The expression at `start` ends a range that `first`, a month or day without its year,
    begins ("between July and December 2025", "from 28 July to 3 August 2025")."""
    if first.anchor != "published" or not _MONTH_DAY.fullmatch(first.value or ""):
        return False
    words = "|".join(re.escape(w) for w in lexicon(language).get("range", ())) or "(?!)"
    return re.fullmatch(rf"\s*(?:{words}|[-–])\s*", text[first.end : start], re.I) is not None


def _range_start(first: Timex, end: str) -> Timex:
    """A range's first month or day in the year of its end (the year before when it falls
    later in the year: "between December and February 2026")."""
    head, tail = _MONTH_DAY.fullmatch(first.value or ""), _MONTH_DAY.fullmatch(end)
    if head is None or tail is None:
        return first
    later = (head[1], head[2] or "00") > (tail[1], tail[2] or "99")
    year = int(end[:4]) - later
    return replace(first, value=f"{year:04d}{(first.value or '')[4:]}", anchor="absolute")


def find_timexes(
    text: str,
    language: str | None,
    published: date | None,
    told: Mapping[int, str] | None = None,
) -> list[Timex]:
    """The time expressions in `text`, sorted, non-overlapping, each with its TIMEX3 value.

    `language` picks the word lists (English for None or a language without its own list);
    `published` anchors deictic expressions. `told`: dates that other reports give to
    happenings this text tells without a date, by the offset where the telling ends (the end of
    its sentence); a narrative expression after it counts from that date as from one resolved
    there ("he had a telephone conversation with Putin [16 October, by another report]. A couple
    of days later, we spoke with Rubio"). Pure and deterministic.
    """
    lang = language if language in LANGUAGES else "en"
    sentences, paragraphs = _bounds(text)
    ctx = _Context(text, lang, published, sentences, paragraphs)
    pending = sorted((told or {}).items())
    out: list[Timex] = []
    for start, end, _, kind, m in _select(_candidates(text, lang)):
        while pending and pending[0][0] <= start:
            offset, value = pending.pop(0)
            if known := tv.parse_value(value):
                ctx.recent.append((ctx.paragraph(offset), offset, known[0], known[1]))
        res = RESOLVERS[kind](ctx, m)
        if not res.type:
            continue
        if out and res.anchor == "absolute" and _range_end(text, lang, out[-1], start):
            out[-1] = _range_start(out[-1], res.value or "")
        out.append(
            Timex(
                start=start,
                end=end,
                text=text[start:end],
                type=res.type,
                value=res.value,
                anchor=res.anchor,
                note=res.note,
            )
        )
        parsed = tv.parse_value(res.value) if res.type == "DATE" and res.value else None
        if parsed:
            ctx.recent.append((ctx.paragraph(start), start, parsed[0], parsed[1]))
    return out
