"""Name tokens: the words of the people, organisations and places an article names, weighted
by rarity, as a clustering signal that survives the mistakes of entity resolution.

Canonical entities split one actor when a tabloid misspells a name ("Helen Strand"), when the
tagger gives one organisation two labels, or when a name is translated ("Civic Liberals" /
"Liberales Cívicos"): their ids differ and an id overlap sees nothing. The tokens of the names
still meet ("strand"). Each token is weighted by its inverse document frequency over the
store, so the names every article of a story carries (the minister of the story) count little
and the ones that single out a happening (the interviewer's newspaper, a second minister) count
much. Without the who-said-what stage the names are the capitalised words of the title and
lede that do not open a sentence, so an article in any language still clusters on its names.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

_WORD = re.compile(r"[^\W\d_]{3,}")
_CAPITALISED = re.compile(r"\b[A-ZÀ-ÖØ-ÞА-ЯЁ][\w-]{2,}")
_SENTENCE = re.compile(r"(?<=[.!?:;])\s+|\n+")
FALLBACK_CHARS = 600  # the lede read for names when there are no entities


def tokens(names: Iterable[str]) -> frozenset[str]:
    """Lower-cased words of three letters or more of the names, an English plural -s dropped."""
    out = set()
    for name in names:
        for word in _WORD.findall(name.lower()):
            out.add(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return frozenset(out)


def fallback_names(text: str) -> list[str]:
    """Capitalised words of the lede that do not open a line or sentence: the names of a text
    no entity tagger has read."""
    found: list[str] = []
    for sentence in _SENTENCE.split(text[:FALLBACK_CHARS]):
        sentence = sentence.strip().lstrip("\"'“„«(")
        found.extend(m.group() for m in _CAPITALISED.finditer(sentence) if m.start() > 0)
    return found


def idf_weights(token_sets: Iterable[frozenset[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency, log((n + 1) / (df + 1)), of every token."""
    df: Counter[str] = Counter()
    n = 0
    for toks in token_sets:
        df.update(toks)
        n += 1
    return {t: math.log((n + 1) / (c + 1)) for t, c in df.items()}


def weighted_overlap(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Weighted Jaccard of two token → weight maps: weight shared / weight of the union."""
    union = sum(a.values()) + sum(w for t, w in b.items() if t not in a)
    if union <= 0:
        return 0.0
    return sum(w for t, w in a.items() if t in b) / union
