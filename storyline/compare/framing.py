"""Framing: how each outlet tells the story, beside the others.

* Distinctive terms per outlet by the weighted log-odds ratio with an informative Dirichlet
  prior (Monroe, Colaresi and Quinn 2008, "Fightin' Words"): an outlet's word counts against
  the other outlets' in the story that write in its language, shrunk toward the whole store's
  word frequencies (the prior, scaled to `PRIOR_STRENGTH` pseudo-words), each word's log-odds
  divided by its standard deviation (a z-score). Words with z above `Z_MIN` are the outlet's.
* Words for the same referent: the same counted or modified noun with different modifiers in
  different outlets ("four occupied regions" / "five historical regions", "automated cranes"
  / "robot cranes"); counted nouns are those of `figures.figures_in`, so "4,000 members" and
  "3.500 Beschäftigte" are one. A modified noun is the noun of a run of two or three
  lower-case content words with the word before it ("the governing coalition agreed":
  governing coalition), or after it in a language that puts its adjectives after the noun
  ("grève illimitée"); a word is a noun when the story prints it right after a determiner,
  alone or behind one modifier. Without a tagger a few pairs are still a verb and its
  object; a noun counts when at least two outlets modify it with two different words, and
  the table keeps the `MAX_MODIFIED` nouns that most outlets name.
* The quotes each outlet chose to print, and what an outlet omits: claims that at least two
  independent sources state in the events the outlet covered, but the outlet does not.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from storyline.compare.claims import Sentence
from storyline.compare.figures import noun_key

PRIOR_STRENGTH = 500.0
# A story gives each outlet a few hundred words: few reach 1.96, so the table shows the words
# at least one standard deviation above the others' (ranked by z, as Monroe et al. do).
Z_MIN = 1.0
TOP_TERMS = 8
MIN_WORD = 4
_WORD = re.compile(r"[^\W\d_]+")
_TERM = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")  # "back-to-work", "l'éponge"
_POSSESSIVE = re.compile(r"['’]s$")
# articles and demonstratives of our languages: the word after one is a noun or its modifier
_DETERMINERS = frozenset(
    "the a an this that these those der die das den dem des ein eine einen einem einer "
    "le la les un une du ce cet cette ces el los las uno unos unas este esta estos estas".split()
)
# Romance languages put most adjectives after the noun ("grève illimitée", "huelga indefinida")
MODIFIER_AFTER = frozenset({"fr", "es", "it", "pt", "ca", "ro"})
# modified nouns in the referent table: a reader scans about a dozen rows (the examples'
# stories give 6 to 11, the port strike's led by its cranes, strike and stoppage)
MAX_MODIFIED = 12
# function words of four letters or more (pronouns, prepositions, conjunctions, auxiliaries,
# quantifiers) of our languages: never a framing choice, nor a noun or its modifier
_STOP = frozenset(
    "that this with from have said says were will would been their there about after which "
    "they also into than when what more other over told could should them then these those "
    "against before since until under above below between during without within through "
    "across around among because while where whether though although only just even still "
    "very much many some such each every both either neither here your ours being does "
    "dass eine einer nicht sich wird wurde sagte nach noch auch aber oder wenn weil schon "
    "über unter gegen zwischen während durch ohne seit bereits sein seine ihre ihren dieser "
    "diese dieses haben hatte sind waren werden kann muss soll "
    "pour dans avec sont cette elle leur plus mais comme après avant depuis pendant sans "
    "sous entre vers chez encore aussi très tout tous toute toutes être avoir était leurs "
    "notre votre dont selon contre "
    "como para pero dijo sobre este esta desde hasta contra durante según también muy todo "
    "todos toda todas cuando donde porque aunque estar está están había nuestro".split()
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


def _content(word: str) -> bool:
    """A lower-case content word as written (a thing or a quality, not a name)."""
    return word.islower() and len(word) >= MIN_WORD and word.lower() not in _STOP


def _runs(text: str) -> Iterator[tuple[str | None, list[str]]]:
    """Runs of content words with only spaces between them, each with the word right before
    it (None after punctuation, a number or at the start)."""
    prev: re.Match[str] | None = None
    before: str | None = None
    run: list[str] = []
    for m in _TERM.finditer(text):
        joined = prev is not None and not text[prev.end() : m.start()].strip()
        word = m.group()
        if run and joined and _content(word):
            run.append(word)
        else:
            if run:
                yield before, run
            run = [word] if _content(word) else []
            before = prev.group() if prev is not None and joined else None
        prev = m
    if run:
        yield before, run


def _key(word: str) -> str:
    """A noun or modifier folded for comparing ("union's" and "unions" are union)."""
    return noun_key(_POSSESSIVE.sub("", word))


def _nouns(runs: Iterable[tuple[str | None, list[str], bool]]) -> set[str]:
    """Keys of the words the story uses as nouns: alone after a determiner ("the strike"), or
    after a determiner and a word that is not one ("an indefinite strike", not "the levels
    found"); in a language that puts modifiers after the noun, the word after the determiner
    ("la grève illimitée")."""
    led = [
        (run, after)
        for before, run, after in runs
        if before is not None and before.lower() in _DETERMINERS and len(run) <= 2
    ]
    alone = {_key(run[0]) for run, after in led if after or len(run) == 1}
    return alone | {
        _key(run[1]) for run, after in led if len(run) == 2 and _key(run[0]) not in alone
    }


def _modified(
    sentences: Iterable[Sentence], language_of: Mapping[str, str | None]
) -> dict[str, dict[str, set[str]]]:
    """Per noun key, per outlet, the "modifier noun" phrases (as written) it prints: in a run
    of two or three content words, the last word the story uses as a noun and the word before
    it ("the governing coalition agreed": governing coalition), or the first such word and the
    word after it in a language that puts its modifiers after the noun."""
    runs: list[tuple[str, str | None, list[str], bool]] = []
    for s in sentences:
        after = (language_of.get(s.article_id) or "")[:2] in MODIFIER_AFTER
        outlet = s.outlet or s.article_id[:8]
        runs.extend((outlet, before, run, after) for before, run in _runs(s.text))
    nouns = _nouns((before, run, after) for _, before, run, after in runs)
    by_noun: dict[str, dict[str, set[str]]] = {}
    for outlet, _, run, after in runs:
        if not 2 <= len(run) <= 3:
            continue
        order = range(len(run)) if after else range(len(run) - 1, -1, -1)
        at = next((i for i in order if _key(run[i]) in nouns), -1)
        modifier = at + 1 if after else at - 1
        if at < 0 or not 0 <= modifier < len(run):
            continue
        phrase = run[min(at, modifier) : max(at, modifier) + 1]
        by_noun.setdefault(_key(run[at]), {}).setdefault(outlet, set()).add(" ".join(phrase))
    return {  # named in two ways at least: two modifiers, not one with and without a plural
        noun: by_outlet
        for noun, by_outlet in by_noun.items()
        if len(_modifiers((p for ps in by_outlet.values() for p in ps), noun)) >= 2
    }


def _modifiers(phrases: Iterable[str], noun: str) -> set[str]:
    """The folded modifiers of a noun's phrases."""
    return {k for p in phrases for w in p.split() if (k := _key(w)) != noun}


def _rows(by_noun: Mapping[str, Mapping[str, set[str]]]) -> list[dict[str, Any]]:
    """Referent rows of the nouns that two or more outlets name in two or more ways."""
    out = []
    for noun, by_outlet in by_noun.items():
        distinct = {p.lower() for ps in by_outlet.values() for p in ps}
        if len(by_outlet) >= 2 and len(distinct) >= 2:
            out.append(
                {
                    "referent": noun,
                    "by_outlet": {o: sorted(ps) for o, ps in sorted(by_outlet.items())},
                }
            )
    return out


def referents(
    sentences: Sequence[Sentence],
    counted: Mapping[str, list[tuple[str, str]]],
    language_of: Mapping[str, str | None] | None = None,
) -> list[dict[str, Any]]:
    """The same referent named in different words by different outlets: its counted rows
    first, then the `MAX_MODIFIED` modified nouns that most outlets name.

    `counted` maps an article id to the (referent, "number … noun" phrase) of its figures
    (`figures.figures_in`: "4,000 members" and "3.500 Beschäftigte" are one referent);
    `language_of` an article id to its language (for the side modifiers stand on)."""
    by_noun: dict[str, dict[str, set[str]]] = {}
    outlet_of = {s.article_id: s.outlet or s.article_id[:8] for s in sentences}
    for article, phrases in counted.items():
        for noun, phrase in phrases:
            by_noun.setdefault(noun, {}).setdefault(outlet_of.get(article, article), set()).add(
                phrase
            )
    rows = sorted(_rows(by_noun), key=lambda r: r["referent"])
    modified = _rows(_modified(sentences, language_of or {}))
    modified.sort(key=lambda r: (-len(r["by_outlet"]), r["referent"]))
    taken = {r["referent"] for r in rows}
    return rows + [r for r in modified if r["referent"] not in taken][:MAX_MODIFIED]


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
