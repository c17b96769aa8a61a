"""Number conflicts: the same counted thing (or share, or amount paid for it) with different
values in different articles ("four occupied regions" / "five historical regions", "4,000
members" / "3.500 Beschäftigte"), from the figures of `figures.figures_in`, whose referent folds
synonyms and translations into one class. Time units are left to the timeline.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from storyline.compare.conflicts import TOKEN, Dated, apart, component_roots, group_sides
from storyline.compare.figures import CLASSES, Figure, qualifiers
from storyline.nlp.timex_rules import LANGUAGES, lexicon

# figures of two referents this few words apart are one thing's measures ("14 lotes del
# medicamento, unos 1,2 millones de envases": 3 words), when told so by this many sources
ADJACENT_WORDS = 4
MIN_SIDE_BY_SIDE = 2


def _time_units() -> frozenset[str]:
    units: set[str] = set()
    for lang in LANGUAGES:
        lex = lexicon(lang)
        for key in ("units", "units_plural"):
            for w in lex.get(key, {}):
                units.add(str(w).lower())
    return frozenset(units)


TIME_UNITS = _time_units()


_ASKED = {"": "how many {}", "%": "what share of {}"}
Referent = tuple[str, str]  # (unit, referent) of a figure


def _topic(f: Figure) -> str:
    """What a number conflict is about: "how many ships", "what share of people", "how many
    EUR for funds"."""
    label = f.referent if f.referent in CLASSES or not f.noun else f.noun
    return _ASKED.get(f.unit, "how many " + f.unit + " for {}").format(label)


def _value(f: Figure) -> str:
    return f"{f.value:,.10g}{f.unit if f.unit == '%' else ''}"


def _counted(f: Figure) -> bool:
    """A figure with a referent that is not a length of time (left to the timeline)."""
    return bool(f.referent) and f.noun not in TIME_UNITS


def _side_by_side(
    dated: Sequence[Dated], source_of: Mapping[str, str]
) -> set[tuple[Referent, Referent]]:
    """Pairs of (different) referents that `MIN_SIDE_BY_SIDE` independent sources state next
    to each other (`ADJACENT_WORDS` words apart at most): the measures of one thing ("14 batches,
    about 1.2 million packs" is the size of one recall)."""
    sources: dict[tuple[Referent, Referent], set[str]] = {}
    for d in dated:
        aid, text = d.sentence.article_id, d.sentence.text
        figs = [f for f in d.sentence.figures if _counted(f)]
        for f, g in itertools.pairwise(figs):
            a, b = (f.unit, f.referent), (g.unit, g.referent)
            gap = text[f.start + len(f.phrase) : g.start]
            if a[1] != b[1] and len(TOKEN.findall(gap)) <= ADJACENT_WORDS:
                pair = (a, b) if a < b else (b, a)
                sources.setdefault(pair, set()).add(source_of.get(aid, aid))
    return {pair for pair, s in sources.items() if len(s) >= MIN_SIDE_BY_SIDE}


def number_conflicts(
    dated: Sequence[Dated], source_of: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The same referent (counted noun, share or amount) with different values in different
    articles, or on two sides of one article's account ("4,000, says the union; 3,500, says
    the company"). Referents measured side by side are one conflict (the batches and packs of
    one recall). Bare numbers and time units are left out. `source_of` maps an article to its
    independent source (copies and articles resting on one origin share one)."""
    by_referent: dict[Referent, dict[str, list[Dated]]] = {}
    qualified: dict[tuple[Referent, str], set[str]] = {}
    topics: dict[Referent, str] = {}
    for d in dated:
        for f in filter(_counted, d.sentence.figures):
            key = (f.unit, f.referent)
            topics.setdefault(key, _topic(f))
            side = by_referent.setdefault(key, {}).setdefault(_value(f), [])
            qualified.setdefault((key, _value(f)), set()).update(qualifiers(f))
            if not any(x.sentence.article_id == d.sentence.article_id for x in side):
                side.append(d)
    root = component_roots(by_referent, _side_by_side(dated, source_of or {}))
    merged: dict[Referent, list[Referent]] = {}
    for key in sorted(by_referent):
        merged.setdefault(root[key], []).append(key)
    out = []
    for keys in merged.values():
        sides = {
            (f"{value} {key[1]}" if len(keys) > 1 else value): ds
            for key in keys
            for value, ds in by_referent[key].items()
        }
        articles = {x.sentence.article_id for ds in sides.values() for x in ds}
        if len(sides) < 2 or len(articles) < 2:
            continue
        qualifiers_of = [qualified[key, value] for key in keys for value in by_referent[key]]
        over_time = apart(list(sides.values())) and not _counted_differently(qualifiers_of)
        out.append(
            {
                "kind": "number",
                "topic": "; ".join(topics[k] for k in keys),
                "over_time": over_time,
                "sides": group_sides(sides),
                "note": "each count told a week or more from the others: a change over time"
                if over_time
                else "",
            }
        )
    return out


def _counted_differently(qualifiers_of: Sequence[set[str]]) -> bool:
    """Whether two sides qualify what they count in different words ("four occupied regions"
    / "five historical regions"): two definitions of the things counted, a disagreement
    whenever it is told, not one count that changed."""
    named = [q for q in qualifiers_of if q]
    return any(not a & b for a, b in itertools.combinations(named, 2))
