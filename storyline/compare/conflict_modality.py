"""Modality and actor conflicts: one happening told as called off (talks: broken off) in some
articles, as postponed (talks: adjourned) in others, or before the fact as going ahead as
planned (`MODALITY` word lists); and the sentences that tell it naming different people or
organisations as the ones who called it off or put it off.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from storyline.compare.conflicts import TOKEN, Dated, actor_near, group_sides
from storyline.compare.framing import words

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
                    for w in TOKEN.findall(window)
                    if w.islower() and len(w) > 4 and not p.search(w)
                )
    near &= set(story_words)  # content words only (the story's counts leave out stop words)
    return max(near, key=lambda w: (story_words[w], w)) if near else "happening"


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
