"""Disputes: two parties giving different accounts of one matter, as the articles report them.

A dispute is marked by a dispute verb pointing back at the account before it: inside a
sentence ("The committee's chair, Oskar Lind, disputes that.") or as a short sentence of its
own between two accounts ("Corvane disputed that account. Its head of quality said ...",
"Corvane widersprach."), too short to be a claim. The account before and the one after (or
the disputing sentence itself) are the two sides. Disputes of different articles about the
same matter (embedding cosine `SAME_MATTER`) are one conflict, and each side then takes the
sentences of the story's other articles that quote or name one of its parties on that matter
(the company's chief, interviewed days later, conceding the regulator's point).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.compare.conflicts import SAME_MATTER, Dated, actor_near, group_sides, same_party

DISPUTE = (
    r"disput(?:es|ed)|den(?:ies|ied)|reject(?:s|ed)|contest(?:s|ed)|contradict(?:s|ed)|"
    r"bestreitet|bestritt|widerspr(?:icht|ach)|dementiert|conteste|contesté|dément|démenti|"
    r"réfute|niega|negó|desmiente|desmintió|rechaza|rechazó|contradice|опроверг\w*|отрица\w*"
)
# a dispute verb whose object points back to the sentence before: nothing, or a pronoun or a
# short noun phrase, then the end of the clause ("disputes that.", "disputed that account.")
POINTING_WORDS = 2
_DISPUTES_PREVIOUS = re.compile(
    rf"\b(?:{DISPUTE})\b(?:\s+[^\W\d_]+){{0,{POINTING_WORDS}}}\s*[.;,]", re.IGNORECASE
)
_SIDES = ("account", "disputed")


def _found(dated: Sequence[Dated], texts: Mapping[str, str]) -> list[dict[str, list[int]]]:
    """Each dispute of one article: the indices of its account and disputing sentences.
    `dated` is in article order; `texts` maps an article to its text (for the short
    sentences between two claims)."""
    out = []
    for (i, prev), (j, d) in itertools.pairwise(enumerate(dated)):
        if prev.sentence.article_id != d.sentence.article_id:
            continue
        between = texts.get(d.sentence.article_id, "")[prev.sentence.end : d.sentence.start]
        if _DISPUTES_PREVIOUS.search(d.sentence.text) or _DISPUTES_PREVIOUS.search(between):
            out.append({"account": [i], "disputed": [j]})
    return out


def _close(a: list[int], b: list[int], vectors: NDArray[np.float32]) -> bool:
    """Whether two sets of sentences hold a pair on the same matter."""
    return any(float(np.dot(vectors[i], vectors[j])) >= SAME_MATTER for i in a for j in b)


def _merged(
    found: list[dict[str, list[int]]], dated: Sequence[Dated], vectors: NDArray[np.float32]
) -> list[dict[str, list[int]]]:
    """Disputes of different articles whose disputing sentences tell the same matter, as one
    (the regulator against the company in each outlet's report of one hearing)."""
    out: list[dict[str, list[int]]] = []
    for f in found:
        article = dated[f["disputed"][0]].sentence.article_id
        into = next(
            (
                o
                for o in out
                if article not in {dated[i].sentence.article_id for i in o["disputed"]}
                and _close(o["disputed"], f["disputed"], vectors)
            ),
            None,
        )
        if into is None:
            out.append({side: list(f[side]) for side in _SIDES})
        else:
            for side in _SIDES:
                into[side].extend(f[side])
    return out


def _widen(
    dispute: dict[str, list[int]], dated: Sequence[Dated], vectors: NDArray[np.float32]
) -> None:
    """Add to a side the sentences of the story's other articles that quote or name one of
    its speakers and tell the same matter as a disputing sentence (the one that states what
    is at issue; the account before it may be any quote of the other party)."""
    matter = dispute["disputed"]
    cited = _cited(dispute, dated)
    parties = {side: [s for i in dispute[side] if (s := dated[i].speaker)] for side in _SIDES}
    added: set[str] = set()
    for k, d in enumerate(dated):
        article = d.sentence.article_id
        if article in cited or article in added:
            continue
        if max(float(np.dot(vectors[k], vectors[i])) for i in matter) < SAME_MATTER:
            continue
        side = next((s for s in _SIDES if any(same_party(p, d) for p in parties[s])), None)
        if side is not None:
            dispute[side].append(k)
            added.add(article)


def dispute_conflicts(
    dated: Sequence[Dated],
    vectors: NDArray[np.float32],
    texts: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Two parties disagreeing: in each article, a dispute verb pointing back at the account
    before it; the same dispute told by several articles is one conflict, with the other
    articles' sentences quoting or naming its parties on the matter. `dated` is in article
    order; `texts` maps an article id to its text."""
    out = []
    for dispute in _merged(_found(dated, texts or {}), dated, vectors):
        _widen(dispute, dated, vectors)
        who = actor_near(dated[dispute["disputed"][0]], 0)
        out.append(
            {
                "kind": "dispute",
                "topic": f"what {who or 'another party'} disputes",
                "over_time": False,
                "sides": group_sides({side: [dated[i] for i in dispute[side]] for side in _SIDES}),
                "note": "two parties disagree"
                + (" inside one article" if len(_cited(dispute, dated)) == 1 else ""),
            }
        )
    return out


def _cited(dispute: dict[str, list[int]], dated: Sequence[Dated]) -> set[str]:
    """The articles a dispute cites."""
    return {dated[i].sentence.article_id for side in _SIDES for i in dispute[side]}
