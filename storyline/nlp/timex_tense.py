"""The tense of a time expression's clause: does what it dates lie before or after the anchor?

`clause_tense` takes the tense marker nearest to the expression in its clause (word lists
`future`, `past`, `prospective`, `modal` and `coordinators` of `data/timex_<lang>.json`): "past"
when that marker is past or there is none (news reports what happened), "future" when it is
future ("will meet on Thursday", "agreed to return on Friday"), and, when asked, "hypothetical"
when it is a modal of possibility. The clause ends at a colon, a semicolon, a dash or a
conjunction after the expression. The resolvers place a bare weekday, season, quarter or a
month without its year by it (`timex_resolvers.py`).
"""

from __future__ import annotations

import re

from storyline.nlp.timex_rules import coordinators, modal_markers, tense_markers

_CLAUSE_END = re.compile(r"[:;]\s|\s[–—]\s")


def clause_tense(
    text: str,
    language: str,
    sentence: tuple[int, int],
    start: int,
    end: int,
    *,
    hedged: bool = False,
) -> str:
    """ "future" or "past": the tense marker in the clause of text[start:end] (within
    `sentence`) nearest to it, counted from the end of a marker before it and from the
    expression's end to a marker after it ("past" if none). `hedged`: "hypothetical" too, when
    the nearest marker is a modal of possibility ("could vote as early as this week")."""
    lo, hi = sentence
    # a colon, semicolon or dash ends a clause: "when we meet on Thursday, she is adamant:
    # the coalition will last" reads Thursday without the next clause's "will"
    for m in _CLAUSE_END.finditer(text, lo, hi):
        if m.end() <= start:
            lo = m.end()
        elif m.start() > start:
            hi = m.start()
            break
    # so does a conjunction after it: "volverán a reunirse el viernes y pidió paciencia"
    # reads viernes with its own verb, not the next one's past
    # ("Abortion and Reproductive Rights": between two capitals, part of a name)
    for m in coordinators(language).finditer(text, end, hi):
        if not _joins_names(text, m.start(), m.end()):
            hi = m.start()
            break
    future, past, ahead = tense_markers(language)
    markers = [("future", future, hi), ("past", past, hi), ("future", ahead, start)]
    if hedged:  # a modal heads what follows it: "could vote ... as early as this week"
        markers.append(("hypothetical", modal_markers(language), start))
    best = ("past", float(len(text)))
    for name, regex, stop in markers:
        for m in regex.finditer(text, lo, stop):
            # on a tie the marker before wins: "said on Monday it would suspend"
            distance = m.start() - end + 0.5 if m.start() >= end else max(start - m.end(), 0)
            if distance < best[1] or (distance == best[1] and name == "hypothetical"):
                best = (name, distance)
    return best[0]


def _joins_names(text: str, start: int, end: int) -> bool:
    """The conjunction at text[start:end] stands between two capitalised words (a name)."""
    before = text[max(start - 40, 0) : start].rstrip().split()
    after = text[end : end + 40].split()
    return bool(before and after and before[-1][:1].isupper() and after[0][:1].isupper())
