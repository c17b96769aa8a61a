"""Conflicts: where the articles of a story disagree, and whether it is a change over time.

Four kinds, each found the same way in any language the word lists cover:
* number: the same counted thing with different counts ("four occupied regions" / "five
  historical regions"): a number followed within `COUNT_WINDOW` words by a plural noun; time
  units are left to the timeline;
* modality: one happening told as called off in some articles and as postponed in others
  (`MODALITY` word lists);
* actor: the sentences that tell that happening name different people or organisations as
  the ones who did it;
* stance: the same speaker's quoted sentences about the same matter in two events, one
  negated and one not ("no meetings are needed" / "ready to meet").
Each side lists its sources. A stance or number conflict whose sides come from events at least
`OVER_TIME_DAYS` apart is a change over time (the same minister two weeks later), not outlets
disagreeing about one moment.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.compare.claims import Sentence
from storyline.compare.framing import words
from storyline.link.name_tokens import tokens
from storyline.nlp.timex_rules import lexicon

COUNT_WINDOW = 3
OVER_TIME_DAYS = 7
SAME_MATTER = 0.86  # embedding cosine for two quoted sentences to be about the same matter
MIN_SHARED_WORDS = 1  # content words both share, beside the speaker's name
NEGATION_REACH = 4  # words before a matter word a negation may stand
LANGUAGES = ("en", "fr", "de", "es", "ru")
MODALITY = {
    "cancelled": (
        r"cancel(?:l?ed|s|ling|lation)?|call(?:ed|s)? off|scrapp(?:ed)?|annul[ée]e?s?|annuler|"
        r"abgesagt|absagen|cancelad[oa]|cancelar|отмен\w*"
    ),
    "postponed": (
        r"postpon(?:ed|es|ing|ement)?|delay(?:ed|s)?|put off|pushed back|report[ée]e?s?|"
        r"verschoben|vertagt|aplazad[oa]|pospuest[oa]|отлож\w*|перенес\w*"
    ),
}
_MODALITY = {k: re.compile(rf"\b(?:{v})\b", re.IGNORECASE) for k, v in MODALITY.items()}
_NEGATION = re.compile(
    r"\b(?:no|not|never|none|nothing|without|n't|ne|pas|jamais|aucun|nicht|kein\w*|nie|"
    r"nunca|ningún|ninguna|не|нет|никогда)\b|n't\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_NEGATABLE = re.compile(r"[\w']+")
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")


def _number_words() -> dict[str, float]:
    words: dict[str, float] = {}
    for lang in LANGUAGES:
        for w, v in lexicon(lang).get("numbers", {}).items():
            if " " not in w and isinstance(v, int | float) and v >= 2:
                words[w.lower()] = float(v)
    return words


def _time_units() -> frozenset[str]:
    units: set[str] = set()
    for lang in LANGUAGES:
        lex = lexicon(lang)
        for key in ("units", "units_plural"):
            for w in lex.get(key, {}):
                units.add(str(w).lower())
    return frozenset(units)


NUMBER_WORDS = _number_words()
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


def _sides(groups: dict[str, list[Dated]]) -> list[dict[str, Any]]:
    return [
        {"value": value, "sources": [_source(d) for d in ds]}
        for value, ds in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


def number_value(written: str) -> float:
    """A number as written: "4,000" and "4.000" are four thousand, "3,5" and "3.5" three and a
    half (a separator followed by exactly three digits groups thousands)."""
    if _THOUSANDS.fullmatch(written):
        return float(re.sub(r"\D", "", written))
    return float(written.replace(",", "."))


def counts(text: str) -> list[tuple[float, str, str]]:
    """(count, counted noun, phrase) for each "number … plural noun" in a sentence."""
    words = _TOKEN.findall(text)
    out = []
    for i, w in enumerate(words):
        low = w.lower()
        value = NUMBER_WORDS.get(low)
        if value is None and w[0].isdigit() and not (len(w) == 4 and w[:2] in {"19", "20"}):
            value = number_value(w)
        if value is None:
            continue
        for j in range(i + 1, min(i + 1 + COUNT_WINDOW, len(words))):
            noun = words[j].lower()
            if len(noun) > 3 and noun.endswith("s") and not noun.isdigit():
                if noun not in TIME_UNITS:
                    out.append((value, noun, " ".join(words[i : j + 1])))
                break
    return out


def number_conflicts(dated: Sequence[Dated]) -> list[dict[str, Any]]:
    """The same counted noun with different counts in different articles."""
    by_noun: dict[str, dict[str, list[Dated]]] = {}
    for d in dated:
        for value, noun, _phrase in counts(d.sentence.text):
            key = f"{value:g}"
            sides = by_noun.setdefault(noun, {})
            if not any(x.sentence.article_id == d.sentence.article_id for x in sides.get(key, [])):
                sides.setdefault(key, []).append(d)
    out = []
    for noun, sides in sorted(by_noun.items()):
        articles = {x.sentence.article_id for ds in sides.values() for x in ds}
        if len(sides) < 2 or len(articles) < 2:
            continue
        over_time = _apart(list(sides.values()))
        out.append(
            {
                "kind": "number",
                "topic": f"how many {noun}",
                "over_time": over_time,
                "sides": _sides(sides),
                "note": "each count told a week or more from the others: a change over time"
                if over_time
                else "",
            }
        )
    return out


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


def _actor_near(d: Dated, at: int) -> str | None:
    """The person or organisation named nearest to offset `at` of the sentence, the quoted
    speaker left out (who reports it did not do it)."""
    names = [
        (abs(off - d.sentence.start - at), name)
        for off, name in d.sentence.named_at
        if name != d.speaker
    ]
    return min(names)[1] if names else None


def modality_conflicts(dated: Sequence[Dated]) -> list[dict[str, Any]]:
    """One happening told as called off by some and postponed by others, and who did it."""
    sides: dict[str, list[Dated]] = {}
    actors: dict[str, list[Dated]] = {}
    for d in dated:
        found = [(k, m) for k, p in _MODALITY.items() if (m := p.search(d.sentence.text))]
        for k, _ in found:
            sides.setdefault(k, []).append(d)
        if found and (actor := _actor_near(d, found[0][1].start())):
            actors.setdefault(actor, []).append(d)
    out = []
    every = [d for ds in sides.values() for d in ds]
    story_words = Counter(w for d in dated for w in words(d.sentence.text))
    matter = _near_modality(every, story_words)
    if len(sides) == 2 and len({d.sentence.article_id for d in every}) >= 2:
        out.append(
            {
                "kind": "modality",
                "topic": f"the {matter}: called off or postponed",
                "over_time": False,
                "sides": _sides(sides),
                "note": "",
            }
        )
    if len(actors) >= 2 and len({d.sentence.article_id for ds in actors.values() for d in ds}) >= 2:
        out.append(
            {
                "kind": "actor",
                "topic": f"who called off the {matter}",
                "over_time": False,
                "sides": _sides(actors),
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


def stance_conflicts(quoted: Sequence[Dated], vectors: NDArray[np.float32]) -> list[dict[str, Any]]:
    """The same speaker on the same matter in two events, negated in one and not in the
    other, gathered per speaker and negating event (the affirming sentences a week or more
    away in one conflict, the closer ones in another). Within one event (one interview)
    outlets quoting different sentences of it is not a disagreement."""
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for i, a in enumerate(quoted):
        for j in range(i + 1, len(quoted)):
            b = quoted[j]
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
            key = (a.speaker, str(neg.event), "later" if _later(pos, neg) else "not later")
            pair = found.setdefault(key, {"negated": [], "affirmed": [], "words": Counter()})
            for side, d in (("negated", neg), ("affirmed", pos)):
                if d not in pair[side]:
                    pair[side].append(d)
            pair["words"].update(shared)
    out = []
    for (speaker, _, _), pair in found.items():
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
                "sides": _sides({"negated": pair["negated"], "affirmed": pair["affirmed"]}),
                "note": (
                    f"the same speaker {gap} days apart: a change over time"
                    if over_time
                    else "the same speaker, two events close in time"
                ),
            }
        )
    return out
