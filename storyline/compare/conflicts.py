"""Conflicts: where the articles of a story disagree, and whether it is a change over time.

Five kinds, each found the same way in any language the word lists cover:
* number: the same counted thing (or share, or amount paid for it) with different values
  ("four occupied regions" / "five historical regions", "4,000 members" / "3.500
  Beschäftigte"): the figures of `figures.figures_in`, whose referent folds synonyms and
  translations into one class; time units are left to the timeline;
* modality: one happening told as called off (talks: broken off) in some articles, as
  postponed (talks: adjourned) in others, or before the fact as going ahead as planned
  (`MODALITY` word lists);
* actor: the sentences that tell that happening name different people or organisations as
  the ones who did it;
* stance: the same speaker's quoted sentences about the same matter in two events, one
  negated and one not ("no meetings are needed" / "ready to meet").
* date: sentences of different articles on the same matter printing different days.
Each side lists its sources. A stance or number conflict whose sides come from events at least
`OVER_TIME_DAYS` apart is a change over time (the same minister two weeks later), not outlets
disagreeing about one moment, unless its counts qualify the thing counted in different words
("four occupied" / "five historical regions"). Two parties disputing each other's account are in
`disputes`.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from storyline.compare.claims import Sentence
from storyline.compare.figures import CLASSES, Figure, qualifiers
from storyline.compare.framing import words
from storyline.link.name_tokens import tokens
from storyline.nlp.timex_rules import LANGUAGES, lexicon

OVER_TIME_DAYS = 7
# figures of two referents this few words apart are one thing's measures ("14 lotes del
# medicamento, unos 1,2 millones de envases": 3 words), when told so by this many sources
ADJACENT_WORDS = 4
MIN_SIDE_BY_SIDE = 2
SAME_MATTER = 0.86  # embedding cosine for two sentences (quotes, dated claims) on the same matter
MIN_SHARED_WORDS = 1  # content words both share, beside the speaker's name
NEGATION_REACH = 4  # words before a matter word a negation may stand
MODALITY = {
    "cancelled": (
        r"cancel(?:l?ed|s|ling|lation)?|call(?:ed|s)? off|scrapp(?:ed)?|annul[ée]e?s?|annuler|"
        r"abgesagt|absagen|cancelad[oa]|cancelar|отмен\w*|"
        # talks that end for good: broken off rather than adjourned
        r"collapsed|fell apart|broke(?:n)? (?:down|off)|abgebrochen|gescheitert|rompues?|"
        r"échoué(?:e?s)?|rot[oa]s|fracasad[oa]s?|сорва\w*"
    ),
    "postponed": (
        r"postpon(?:ed|es|ing|ement)?|delay(?:ed|s)?|put off|pushed back|report[ée]e?s?|"
        r"verschoben|vertagt|aplazad[oa]|pospuest[oa]|отлож\w*|перенес\w*|"
        # talks that stop to resume later
        r"adjourn(?:ed|s)?|suspended|ajourn[ée]e?s?|suspendu(?:e?s)?|unterbrochen|"
        r"suspendid[oa]s?|прерва\w*"
    ),
    # told before the fact as going ahead: an account of its own, as planned
    "as planned": (
        r"as (?:planned|scheduled)|wie geplant|planmäßig|comme prévu|como estaba previsto|"
        r"según lo previsto|как планировалось"
    ),
}
_TOLD_AS = {"cancelled": "called off", "postponed": "postponed", "as planned": "held as planned"}
_CALLED_OFF = ("cancelled", "postponed")  # the verbs someone did
_MODALITY = {k: re.compile(rf"\b(?:{v})\b", re.IGNORECASE) for k, v in MODALITY.items()}
_NEGATION = re.compile(
    r"\b(?:no|not|never|none|nothing|without|n't|ne|pas|jamais|aucun|nicht|kein\w*|nie|"
    r"nunca|ningún|ninguna|не|нет|никогда)\b|n't\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_NEGATABLE = re.compile(r"[\w']+")


def _time_units() -> frozenset[str]:
    units: set[str] = set()
    for lang in LANGUAGES:
        lex = lexicon(lang)
        for key in ("units", "units_plural"):
            for w in lex.get(key, {}):
                units.add(str(w).lower())
    return frozenset(units)


TIME_UNITS = _time_units()


@dataclass(frozen=True, slots=True)
class Dated:
    """A sentence with when its article's event happened (or its publication date)."""

    sentence: Sentence
    day: date | None
    speaker: str | None = None  # the speaker, when the sentence holds a quote
    event: str | None = None


def _source(d: Dated) -> dict[str, Any]:
    s = d.sentence
    return {
        "article_id": s.article_id,
        "outlet": s.outlet,
        "start": s.start,
        "end": s.end,
        "text": s.text,
        "published": d.day.isoformat() if d.day else None,
    }


def group_sides(groups: dict[str, list[Dated]]) -> list[dict[str, Any]]:
    """The sides of a conflict, each a value and its sources, the most cited first."""
    return [
        {"value": value, "sources": [_source(d) for d in ds]}
        for value, ds in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


_ASKED = {"": "how many {}", "%": "what share of {}"}
Referent = tuple[str, str]  # (unit, referent) of a figure
T = TypeVar("T", bound=Hashable)


def _components(items: Iterable[T], links: Iterable[tuple[T, T]]) -> dict[T, T]:
    """Each item's component (its root) once the linked ones are joined."""
    parent = {i: i for i in items}

    def root(i: T) -> T:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for x, y in links:
        parent[root(x)] = root(y)
    return {i: root(i) for i in parent}


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
            if a[1] != b[1] and len(_TOKEN.findall(gap)) <= ADJACENT_WORDS:
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
    root = _components(by_referent, _side_by_side(dated, source_of or {}))
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
        over_time = _apart(list(sides.values())) and not _counted_differently(qualifiers_of)
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


def _apart(sides: Sequence[Sequence[Dated]]) -> bool:
    """Whether every side is told on days `OVER_TIME_DAYS` or more from every other side's
    (a queue that grew between two events, not outlets disagreeing about one moment)."""
    if any(d.day is None for side in sides for d in side):
        return False
    days = [{d.day for d in side if d.day is not None} for side in sides]
    return all(
        abs((a - b).days) >= OVER_TIME_DAYS
        for i, x in enumerate(days)
        for y in days[i + 1 :]
        for a in x
        for b in y
    )


def _near_modality(ds: Sequence[Dated], story_words: Counter[str]) -> str:
    """The thing called off or postponed: of the words next to the verbs, the one the story
    uses most (its summit or its meeting, not an adverb beside the verb)."""
    near: set[str] = set()
    for d in ds:
        text = d.sentence.text
        for p in _MODALITY.values():
            for m in p.finditer(text):
                window = text[max(0, m.start() - 40) : m.end() + 40]
                near.update(  # lower-case words: a thing, not a name
                    w
                    for w in _TOKEN.findall(window)
                    if w.islower() and len(w) > 4 and not p.search(w)
                )
    near &= set(story_words)  # content words only (the story's counts leave out stop words)
    return max(near, key=lambda w: (story_words[w], w)) if near else "happening"


def actor_near(d: Dated, at: int) -> str | None:
    """The person or organisation named nearest to offset `at` of the sentence, the quoted
    speaker left out (who reports it did not do it)."""
    names = [
        (abs(off - d.sentence.start - at), name)
        for off, name in d.sentence.named_at
        if name != d.speaker
    ]
    return min(names)[1] if names else None


def modality_conflicts(dated: Sequence[Dated]) -> list[dict[str, Any]]:
    """One happening told as called off by some, postponed by others (or, before the fact,
    as going ahead as planned), and who called it off or put it off."""
    sides: dict[str, list[Dated]] = {}
    actors: dict[str, list[Dated]] = {}
    for d in dated:
        found = [(k, m) for k, p in _MODALITY.items() if (m := p.search(d.sentence.text))]
        for k, _ in found:
            sides.setdefault(k, []).append(d)
        done = [m for k, m in found if k in _CALLED_OFF]
        if done and (actor := actor_near(d, done[0].start())):
            actors.setdefault(actor, []).append(d)
    out = []
    every = [d for ds in sides.values() for d in ds]
    story_words = Counter(w for d in dated for w in words(d.sentence.text))
    matter = _near_modality(every, story_words)
    told = " or ".join(_TOLD_AS[k] for k in MODALITY if k in sides)
    if len(sides) >= 2 and len({d.sentence.article_id for d in every}) >= 2:
        out.append(
            {
                "kind": "modality",
                "topic": f"the {matter}: {told}",
                "over_time": False,
                "sides": group_sides(sides),
                "note": "",
            }
        )
    if len(actors) >= 2 and len({d.sentence.article_id for ds in actors.values() for d in ds}) >= 2:
        out.append(
            {
                "kind": "actor",
                "topic": f"who called off the {matter}",
                "over_time": False,
                "sides": group_sides(actors),
                "note": "the person or organisation each account names next to the verb",
            }
        )
    return out


def _shared_matter(a: Dated, b: Dated, speaker: str) -> list[str]:
    """Content words (not names) both sentences use, the speaker's own name left out."""
    own = tokens([speaker])
    wa = {w for w in words(a.sentence.text) if len(w) > 4}
    wb = {w for w in words(b.sentence.text) if len(w) > 4}
    lower = {w for w in _TOKEN.findall(a.sentence.text + " " + b.sentence.text) if w.islower()}
    return sorted(w for w in wa & wb & lower if w not in own)


def negated_near(text: str, matter: Sequence[str]) -> bool:
    """Whether a negation stands within `NEGATION_REACH` words before a word of the matter
    ("we don't need any meetings"), not merely somewhere in the sentence."""
    toks = _NEGATABLE.findall(text)
    low = [t.lower() for t in toks]
    for i, t in enumerate(low):
        if any(t.startswith(m[:5]) for m in matter):
            window = " ".join(toks[max(0, i - NEGATION_REACH) : i])
            if _NEGATION.search(window):
                return True
    return False


def _later(a: Dated, b: Dated) -> bool:
    """Whether `a` happened `OVER_TIME_DAYS` or more after or before `b` (both dated)."""
    return a.day is not None and b.day is not None and abs((a.day - b.day).days) >= OVER_TIME_DAYS


def _fold_undated(found: dict[tuple[str, str, str], dict[str, Any]]) -> None:
    """Move the pairs whose gap is unknown into the one dated group of the same speaker and
    negating event (an undated copy of a quote cannot tell which side of a week it is)."""
    for key in [k for k in found if k[2] == "unknown"]:
        known = [k for k in found if k[:2] == key[:2] and k[2] != "unknown"]
        if len(known) != 1:
            continue
        into, moved = found[known[0]], found.pop(key)
        for side in ("negated", "affirmed"):
            into[side].extend(d for d in moved[side] if d not in into[side])
        into["words"].update(moved["words"])


def same_party(name: str, d: Dated) -> bool:
    """Whether a sentence quotes or names `name`: the same speaker, or a speaker or actor with
    the same last word (entity resolution may split a misspelt "Helen Strand" from "Helena
    Strand"; a surname, or an organisation's head noun, still meets)."""
    last = name.split()[-1].lower()
    names = [d.speaker] if d.speaker else []
    return name in names or any(n.split()[-1].lower() == last for n in [*names, *d.sentence.actors])


def _widen(
    pair: dict[str, Any], speaker: str, dated: Sequence[Dated], vectors: NDArray[np.float32]
) -> None:
    """Add to each side of a stance conflict the sentences of its event that report the
    speaker on the same matter (cosine `SAME_MATTER` or more to a sentence of the pair),
    quoted or not: every outlet that told either stance is cited, not only the sentences
    that first showed the change ("ya no descarta" reports a stance without quoting it)."""
    chosen = [d for side in ("negated", "affirmed") for d in pair[side]]
    seeds = [k for k, d in enumerate(dated) if any(d is x for x in chosen)]
    side_of = {d.event: side for side in ("negated", "affirmed") for d in pair[side]}
    for k, d in enumerate(dated):
        side = side_of.get(d.event)
        if side is None or k in seeds or not same_party(speaker, d):
            continue
        if any(x.sentence.article_id == d.sentence.article_id for x in pair[side]):
            continue  # one sentence per article and side is enough to cite it
        if max(float(np.dot(vectors[k], vectors[i])) for i in seeds) >= SAME_MATTER:
            pair[side].append(d)


def stance_conflicts(dated: Sequence[Dated], vectors: NDArray[np.float32]) -> list[dict[str, Any]]:
    """The same speaker on the same matter in two events, negated in one and not in the
    other, gathered per speaker and negating event (the affirming sentences a week or more
    away in one conflict, the closer ones in another; an undated one joins the dated
    conflict of its speaker and negating event when there is one). Within one event (one
    interview) outlets quoting different sentences of it is not a disagreement. The pairs
    are found among quoted sentences; each side then takes every sentence of its event that
    reports the speaker on that matter (`_widen`)."""
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    quoted = [i for i, d in enumerate(dated) if d.speaker]
    for n, i in enumerate(quoted):
        a = dated[i]
        for j in quoted[n + 1 :]:
            b = dated[j]
            if a.speaker is None or a.speaker != b.speaker or a.event == b.event:
                continue
            if float(np.dot(vectors[i], vectors[j])) < SAME_MATTER:
                continue
            shared = _shared_matter(a, b, a.speaker)
            if len(shared) < MIN_SHARED_WORDS:
                continue
            neg_a = negated_near(a.sentence.text, shared)
            if neg_a == negated_near(b.sentence.text, shared):
                continue
            neg, pos = (a, b) if neg_a else (b, a)
            when = "later" if _later(pos, neg) else "close" if pos.day and neg.day else "unknown"
            key = (a.speaker, str(neg.event), when)
            pair = found.setdefault(key, {"negated": [], "affirmed": [], "words": Counter()})
            for side, d in (("negated", neg), ("affirmed", pos)):
                if d not in pair[side]:
                    pair[side].append(d)
            pair["words"].update(shared)
    _fold_undated(found)
    out = []
    for (speaker, _, _), pair in found.items():
        _widen(pair, speaker, dated, vectors)
        gaps = [
            abs((n.day - p.day).days)
            for n in pair["negated"]
            for p in pair["affirmed"]
            if n.day and p.day
        ]
        gap = min(gaps) if gaps else None
        over_time = gap is not None and gap >= OVER_TIME_DAYS
        matter = " ".join(w for w, _ in pair["words"].most_common(3))
        out.append(
            {
                "kind": "stance",
                "topic": f"{speaker} on {matter}",
                "over_time": over_time,
                "sides": group_sides({"negated": pair["negated"], "affirmed": pair["affirmed"]}),
                "note": (
                    f"the same speaker {gap} days apart: a change over time"
                    if over_time
                    else "the same speaker, two events close in time"
                ),
            }
        )
    return out


def _matter(ds: Sequence[Dated]) -> str:
    """The content words the sentences of a conflict share most, for its topic."""
    counted = Counter(
        w
        for d in ds
        for w in set(words(d.sentence.text)) & set(_TOKEN.findall(d.sentence.text))
        if len(w) > 4  # lower case as written: a thing, not a name
    )
    return " ".join(w for w, n in counted.most_common(3) if n >= 2) or "one happening"


def date_conflicts(dated: Sequence[Dated], vectors: NDArray[np.float32]) -> list[dict[str, Any]]:
    """One happening given different days: sentences of different articles about the same
    matter (cosine `SAME_MATTER` or more) printing days of one month that the other does not
    ("the election on 13 September" / "on 20 September"). Only days printed with a number
    count (a weekday's day depends on how it was anchored: the timeline's business), and not
    the day the sentence's own event happened (a dateline). The year is not compared (a
    year-less date may have been completed differently). Days told by events a week or more
    apart are a change over time (a rescheduling), as for numbers."""
    month_day = [
        {v[5:] for v in d.sentence.printed_days if d.day is None or v != d.day.isoformat()}
        for d in dated
    ]
    clashes: dict[int, set[str]] = {}  # sentence -> months on which it clashes
    links: list[tuple[int, int]] = []
    for i, a in enumerate(dated):
        for j in range(i + 1, len(dated)):
            b = dated[j]
            if a.sentence.article_id == b.sentence.article_id or not (
                month_day[i] and month_day[j]
            ):
                continue
            months = {
                x[:2]
                for x in month_day[i] - month_day[j]
                for y in month_day[j] - month_day[i]
                if x[:2] == y[:2]
            }
            if months and float(np.dot(vectors[i], vectors[j])) >= SAME_MATTER:
                links.append((i, j))
                clashes.setdefault(i, set()).update(months)
                clashes.setdefault(j, set()).update(months)
    components: dict[int, list[int]] = {}
    for i, r in _components(clashes, links).items():
        components.setdefault(r, []).append(i)
    out = []
    for members in components.values():
        sides: dict[str, list[Dated]] = {}
        for i in members:
            for v in dated[i].sentence.printed_days:
                if (
                    v[5:7] in clashes[i]
                    and v[5:] in month_day[i]
                    and dated[i] not in sides.get(v, [])
                ):
                    sides.setdefault(v, []).append(dated[i])
        over_time = _apart(list(sides.values()))
        out.append(
            {
                "kind": "date",
                "topic": f"the date of {_matter([dated[i] for i in members])}",
                "over_time": over_time,
                "sides": group_sides(sides),
                "note": "the days told by events a week or more apart: a rescheduling"
                if over_time
                else "the same happening given different days",
            }
        )
    return out
