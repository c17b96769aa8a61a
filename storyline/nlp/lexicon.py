"""The small multilingual word lists the rule-based NLP stage reads (en, fr, de, es).

Everything language-specific lives here, compiled once at import. The speech words come from one
file per language, `data/speech_<lang>.json`: cue verbs, "according to" phrases, role nouns
grouped by the role they name in every language (with the gender a form shows: "ministra/f"),
titles, organisation heads grouped by kind, pronouns; `data/given_names.json` gives the gender
common given names signal. The words around quote marks that tell a quotation from a scare
quote or a title are below. Lists are lower case; matching ignores case.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any


def _words(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


def _alternation(words: frozenset[str]) -> str:
    """A regex alternation, longest first so multi-word entries win."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


LANGUAGES = ("en", "fr", "de", "es")  # one data/speech_<lang>.json each


def _load(name: str) -> dict[str, Any]:
    path = resources.files("storyline.nlp").joinpath(f"data/{name}.json")
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


SPEECH = [_load(f"speech_{lang}") for lang in LANGUAGES]


def _gendered(spec: str) -> dict[str, str]:
    """ "spokesman/m spokeswoman/f spokesperson" -> {word: gender ("" when either)}."""
    return {w: g for w, _, g in (item.partition("/") for item in spec.split())}


def _groups(key: str) -> dict[str, str]:
    """word -> its group's key, over every language ("ministra" -> "minister")."""
    return {
        w: group for lang in SPEECH for group, spec in lang[key].items() for w in _gendered(spec)
    }


# Verbs (as written, no lemmatizer) that introduce or attribute speech.
CUE_VERBS = frozenset(w for lang in SPEECH for w in lang["cue_verbs"].split())
# Cue verbs that take the hearer as object ("told reporters"): what follows is the medium.
ADDRESSEE_CUES = frozenset(w for lang in SPEECH for w in lang["addressee_cues"].split())
# "according to X" in every language (X follows, perhaps after a determiner: "selon le syndicat").
ACCORDING_RE = re.compile(
    r"(?i)\b(?:"
    + _alternation(frozenset(p for lang in SPEECH for p in lang["according"]))
    + r")\s+"
)


def _genders(key: str) -> dict[str, str]:
    """word -> the gender it shows in every language that lists it ("" if they disagree)."""
    found: dict[str, set[str]] = {}
    for lang in SPEECH:
        specs = lang[key].values() if isinstance(lang[key], dict) else [lang[key]]
        for spec in specs:
            for word, gender in _gendered(spec).items():
                found.setdefault(word, set()).add(gender)
    return {w: g.pop() if len(g) == 1 else "" for w, g in found.items()}


# Role nouns, titles and pronouns with the gender they show, when they show one ("ministra";
# German "Minister" is a man's title, English "minister" anyone's: so it shows none).
ROLE_GENDER = _genders("roles")
TITLE_GENDER = _genders("titles")
ARTICLE_GENDER = _genders("articles")  # "la ministre" is a woman, "le ministre" a man
PRONOUNS = _genders("pronouns")
SUBJECT_PRONOUNS = frozenset(PRONOUNS) - frozenset(
    w for lang in SPEECH for w in lang["object_pronouns"].split()
)
# Role word -> the role it names in any language and gender ("ministerin" -> "minister").
ROLE_KEY = _groups("roles")
# Titles and role words that precede a name ("Foreign Minister Sergey Lavrov") and are stripped
# from entity names; also the heads of descriptions ("the minister").
ROLE_NOUNS = frozenset(ROLE_KEY)
# Description heads that fit any person who holds some title ("the Russian official").
GENERIC_ROLES = frozenset({"official", "leader"})
# Description heads that stand for another role ("top diplomat" = foreign minister).
ROLE_SYNONYMS = {"diplomat": "foreign", "leader": "president", "premier": "prime"}
TITLE_WORDS = ROLE_NOUNS | frozenset(TITLE_GENDER)
# Organisation description heads ("the union", "le syndicat"), in any language.
ORG_KEY = _groups("org_heads")
ORG_HEADS = frozenset(ORG_KEY)
# Given names and the gender they usually signal (a pronoun's antecedent must agree).
GIVEN_NAMES = {
    name: gender
    for gender, spec in _load("given_names").items()
    if gender in ("m", "f")
    for name in spec.split()
}
DETERMINERS = _words(
    "the a an this that its his her their our my your le la les l' l’ un une des du ce cette"
    " ses son sa leur der die das den dem des ein eine einen el los las una unos su sus"
)
# "his office", "son cabinet", "ihres Büros": a person's office speaking for them, read as a
# pronoun (with the gender the possessive shows, if it shows one).
POSSESSIVES = _genders("possessives")
OFFICE_RE = re.compile(
    rf"(?i)\b({_alternation(frozenset(POSSESSIVES))})\s+(?:"
    + _alternation(frozenset(w for lang in SPEECH for w in lang["offices"].split()))
    + r")\b"
)
# Verb forms of reported speech ("Beide Seiten hätten zugesagt"): a sentence with one goes on
# with the words of the speaker named just before.
REPORTED_MOOD = frozenset(w for lang in SPEECH for w in lang["reported_mood"].split())
REPORTED_MOOD_RE = re.compile(rf"(?i)\b(?:{_alternation(REPORTED_MOOD)})\b")
PRONOUN_RE = re.compile(rf"(?i)\b(?:{_alternation(frozenset(PRONOUNS))})\b")
# Words that make the next word a noun; not "a" (French "has": "a dit"), "son" (English "son
# said") or "that" ("a source that said").
NOUN_MARKERS = DETERMINERS - {"a", "son", "that"}
INFINITIVE_RE = re.compile(r"(?i)\b(?:to|zu)\s+$")  # "asked X to explain": no subject of its own
# Words after a quoted phrase that show it ended a noun phrase (not modifying the next noun).
FUNCTION_WORDS = _words(
    "in on at to for of from with by and or but as than that which who whom whose when while"
    " because after before since if is was were are has had have will would could should"
    " de du des à au aux et ou mais que qui dont pour dans sur avec par en est était"
    " in im am an auf für von mit und oder aber als dass der die das ist war sei"
    " en el la de del y o pero que con por para es era"
)
# Words just before a quote mark that make the quoted words a name or a word mentioned ("does
# not define 'suspected'"), not speech.
SO_CALLED_RE = re.compile(
    r"(?i)(?:so-called|sogenannte[nmrs]?|so genannte[nmrs]?|dite?s?|llamad[oa]s?|"
    r"denominad[oa]s?|under the (?:title|heading)|the words?|the term|titled|entitled|"
    r"intitulée?s?|define[sd]?|definiert|définit|define)\s*$"
)
# Words before a quoted phrase that attribute it even after a determiner ("as a 'mistake'").
AS_WORDS = _words("as comme als como")

# Words, for set lookups: far faster than one regex alternation of hundreds of verbs.
LETTERS_RE = re.compile(r"[^\W\d_]+")


def cue_matches(text: str, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
    """The cue verbs of `text[start:end]`, as regex matches (see `_not_a_verb`)."""
    return [
        m
        for m in LETTERS_RE.finditer(text, start, len(text) if end is None else end)
        if m.group().lower() in CUE_VERBS and not _not_a_verb(text, m.start())
    ]


def _not_a_verb(text: str, at: int) -> bool:
    """A cue word after a determiner or possessive is a noun ("the Alliance's call")."""
    before = text[max(0, at - 24) : at].split()
    if not before:
        return False
    word = before[-1].lower()
    return word in NOUN_MARKERS or word.endswith(("'s", "’s", "s'", "s’"))


ROLE_RE = re.compile(rf"(?i)\b(?:{_alternation(ROLE_NOUNS)})\b")
# Words between a person and the organisation they belong to ("Pia Marek of the National Union").
AFFILIATION_RE = re.compile(r"(?i)\s+(?:of|from|at|de|du|des|von|vom|der|del|de la)\s+(?:the\s+)?$")
# Words that end an organisation's name ("Corvane Therapeutics", "Valmere Container Terminals").
ORG_SUFFIXES = _words(
    "therapeutics terminals maritime federation association chamber ministry agency union"
    " commission council gmbh ag sa s.a. ltd inc corp group bank"
)
# Name words that make an organisation a company ("the company", "l'entreprise" stand for it).
COMPANY_SUFFIXES = _words(
    "therapeutics terminals maritime gmbh ag sa s.a. ltd inc corp plc llc group bank airlines"
    " pharma motors holdings industries services systems technologies logistics shipping energy"
)


def org_kinds(tokens: tuple[str, ...]) -> set[str]:
    """The kinds of organisation a name's words show ("union", "agency", "company"), also from
    the end of a German compound ("Hafenarbeitergewerkschaft" is a union)."""
    kinds = {ORG_KEY[t] for t in tokens if t in ORG_KEY}
    kinds |= {k for t in tokens for h, k in ORG_KEY.items() if len(h) > 4 and t.endswith(h)}
    if len(tokens) > 1 and any(t in COMPANY_SUFFIXES for t in tokens):
        kinds.add("company")  # "Norlift Terminals" is a company, "Terminals" alone a word
    return kinds
