"""Framing: how each outlet tells the story, beside the others.

* Distinctive terms per outlet by the weighted log-odds ratio with an informative Dirichlet
  prior (Monroe, Colaresi and Quinn 2008, "Fightin' Words"): an outlet's word counts against
  the other outlets' in the story that write in its language, shrunk toward the whole store's
  word frequencies (the prior, scaled to `PRIOR_STRENGTH` pseudo-words), each word's log-odds
  divided by its standard deviation (a z-score). Words with z above `Z_MIN` are the outlet's.
* Words for the same referent: the same counted or modified noun with different modifiers in
  different outlets ("four occupied regions" / "five historical regions"); counted nouns
  are those of `figures.figures_in`, so "4,000 members" and "3.500 Beschäftigte" are one.
* The quotes each outlet chose to print, and what an outlet omits: claims that at least two
  independent sources state in the events the outlet covered, but the outlet does not.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from storyline.compare.claims import Sentence

PRIOR_STRENGTH = 500.0
# A story gives each outlet a few hundred words: few reach 1.96, so the table shows the words
# at least one standard deviation above the others' (ranked by z, as Monroe et al. do).
Z_MIN = 1.0
TOP_TERMS = 8
MIN_WORD = 4
_WORD = re.compile(r"[^\W\d_]+")
_STOP = frozenset(
    "that this with from have said says were will would been their there about after which "
    "they also into than when what more other over told could should them then these those "
    "dass eine einer nicht sich wird wurde sagte pour dans avec sont cette elle leur plus "
    "como para pero dijo sobre este esta".split()
)


def words(text: str) -> list[str]:
    """Lower-cased content words of four letters or more."""
    return [w for w in _WORD.findall(text.lower()) if len(w) >= MIN_WORD and w not in _STOP]


def log_odds(
    counts: Mapping[str, Counter[str]], background: Counter[str]
) -> dict[str, list[dict[str, Any]]]:
    """Per outlet, its distinctive words with z-scores (Monroe et al. 2008, eq. 22)."""
    total_bg = sum(background.values()) or 1
    alpha = {w: PRIOR_STRENGTH * c / total_bg for w, c in background.items()}
    alpha0 = sum(alpha.values())
    everyone: Counter[str] = Counter()
    for c in counts.values():
        everyone.update(c)
    out: dict[str, list[dict[str, Any]]] = {}
    for outlet, mine in counts.items():
        rest = everyone - mine
        n_i, n_j = sum(mine.values()), sum(rest.values())
        if not n_i or not n_j:
            continue
        scored: list[tuple[float, str, int]] = []
        for w, y_i in mine.items():
            a = alpha.get(w, PRIOR_STRENGTH / total_bg)
            y_j = rest.get(w, 0)
            delta = math.log((y_i + a) / (n_i + alpha0 - y_i - a)) - math.log(
                (y_j + a) / (n_j + alpha0 - y_j - a)
            )
            z = delta / math.sqrt(1 / (y_i + a) + 1 / (y_j + a))
            if z >= Z_MIN:
                scored.append((z, w, y_i))
        scored.sort(key=lambda t: (-t[0], t[1]))
        out[outlet] = [{"term": w, "z": round(z, 2), "count": n} for z, w, n in scored[:TOP_TERMS]]
    return out


def referents(
    sentences: Iterable[Sentence], counted: Mapping[str, list[tuple[str, str]]]
) -> list[dict[str, Any]]:
    """The same referent named in different words by different outlets.

    `counted` maps an article id to the (referent, "number … noun" phrase) of its figures
    (`figures.figures_in`: "4,000 members" and "3.500 Beschäftigte" are one referent)."""
    by_noun: dict[str, dict[str, set[str]]] = {}
    outlet_of = {s.article_id: s.outlet or s.article_id[:8] for s in sentences}
    for article, phrases in counted.items():
        for noun, phrase in phrases:
            by_noun.setdefault(noun, {}).setdefault(outlet_of.get(article, article), set()).add(
                phrase
            )
    out = []
    for noun, by_outlet in sorted(by_noun.items()):
        distinct = {p.lower() for ps in by_outlet.values() for p in ps}
        if len(by_outlet) >= 2 and len(distinct) >= 2:
            out.append(
                {
                    "referent": noun,
                    "by_outlet": {o: sorted(ps) for o, ps in sorted(by_outlet.items())},
                }
            )
    return out


def omissions(
    claims: Sequence[dict[str, Any]], covered: Mapping[str, set[str]], event_of: Mapping[str, str]
) -> dict[str, list[str]]:
    """Per outlet, the corroborated claims of the events it covered that it does not state.

    `covered` maps an outlet to its articles; `event_of` an article to its event."""
    out: dict[str, list[str]] = {}
    for outlet, articles in sorted(covered.items()):
        events = {event_of[a] for a in articles if a in event_of}
        missing = []
        for c in claims:
            sources = {s["article_id"] for s in c["sources"]}
            if c["independent"] < 2 or sources & articles:
                continue
            if {event_of.get(a) for a in sources} & events:
                missing.append(c["id"])
        if missing:
            out[outlet] = missing
    return out
