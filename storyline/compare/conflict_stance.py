"""Stance conflicts: the same speaker's quoted sentences about the same matter in two events,
one negated and one not ("no meetings are needed" / "ready to meet"). Sides whose events are
`OVER_TIME_DAYS` or more apart are a change over time (the same minister two weeks later), not
outlets disagreeing about one moment.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.compare.conflicts import (
    OVER_TIME_DAYS,
    SAME_MATTER,
    TOKEN,
    Dated,
    group_sides,
    same_party,
)
from storyline.compare.framing import words
from storyline.link.name_tokens import tokens

MIN_SHARED_WORDS = 1  # content words both share, beside the speaker's name
NEGATION_REACH = 4  # words before a matter word a negation may stand
_NEGATION = re.compile(
    r"\b(?:no|not|never|none|nothing|without|n't|ne|pas|jamais|aucun|nicht|kein\w*|nie|"
    r"nunca|ningún|ninguna|не|нет|никогда)\b|n't\b",
    re.IGNORECASE,
)
_NEGATABLE = re.compile(r"[\w']+")


def _shared_matter(a: Dated, b: Dated, speaker: str) -> list[str]:
    """Content words (not names) both sentences use, the speaker's own name left out."""
    own = tokens([speaker])
    wa = {w for w in words(a.sentence.text) if len(w) > 4}
    wb = {w for w in words(b.sentence.text) if len(w) > 4}
    lower = {w for w in TOKEN.findall(a.sentence.text + " " + b.sentence.text) if w.islower()}
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
