"""Name normalisation for matching people and organisations across articles, languages and scripts.

Pure functions, no I/O. Three layers:

* `fold` is for comparing text: Cyrillic (Russian and Ukrainian) transliterated to Latin,
  diacritics removed, case folded ("Лавров" → "lavrov", "Orbán" → "orban").
* `strip_titles` / `clean_org` give the display form of a name without titles, honorifics,
  descriptions and possessives ("Kremlin Spokesperson Dmitry Peskov" → "Dmitry Peskov",
  "VCT's Henrik Aalto" → "Henrik Aalto").
* `parse_person` turns a display name into keys that ignore spelling variants of transliteration
  (`skeleton`: Zelensky/Zelenskiy/Zelenskyy → "zelenski", Sergey/Sergei/Sergej → "sergei") and
  common given-name equivalents (`GIVEN_NAME_GROUPS`: Steve/Stephen), and `compatible` decides
  whether two person names can be the same person (surname + given name or first initial, with
  rapidfuzz for near spellings such as Zelensky/Selenskyj).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

# Two name skeletons at least this similar (rapidfuzz `ratio`, 0-100) are spellings of one name:
# it admits one substitution in an 8-letter name ("selenski"/"zelenski" 87.5, "katarina"/
# "katerina" 87.5) and rejects two ("petrenko"/"petrenka" passes, "petrov"/"popov" 72.7 fails).
NAME_SIMILARITY = 85.0
# Shorter skeletons must match exactly: one letter changes a short name (Fico/Rico, Ivan/Iwan
# are kept apart by the skeleton, not by fuzz).
MIN_FUZZY_LENGTH = 5
# Names are folded and parsed for every stored entity and speaker on every linking run (entity
# resolution, quote speakers); the same few thousand names recur, so the pure functions below
# are cached (3.5 of 4.5 s of resolving a 1,000-article store went to parsing the same names).
NAME_CACHE = 1 << 16

_CYRILLIC_RU = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
# Ukrainian differs in a few letters (Володимир Зеленський → Volodymyr Zelenskyi).
_CYRILLIC_UK = {**_CYRILLIC_RU, "г": "h", "ґ": "g", "и": "y", "і": "i", "ї": "i", "є": "ye"}
_UKRAINIAN_ONLY = set("іїєґ")
# Latin letters that Unicode decomposition does not reduce to ASCII.
_SPECIAL_LATIN = {"ß": "ss", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i",
                  "þ": "th", "ð": "d"}  # fmt: skip

# Ordered spelling rewrites that make transliteration variants of one name equal. Applied to
# folded, letters-only text; `y` → `i` last so Dmitriy/Dmitry/Dmitri/Dmitrij all end in "dmitri".
_SKELETON_RULES: tuple[tuple[str, str], ...] = (
    ("tsch", "ch"),  # German transliteration of ч
    ("sch", "sh"),
    ("ph", "f"),  # Stephen / Stefen
    ("th", "t"),  # Katharina / Katarina
    ("kh", "h"),  # Mikhail / Michail after ch is kept
    ("x", "ks"),  # Alexey / Aleksey
    ("w", "v"),  # Lawrow / Lavrov, Wolodymyr / Volodymyr
    ("ck", "k"),
    ("q", "k"),
    ("j", "y"),  # Selenskyj, Sergej, Juri
    ("y", "i"),
)

# Common given-name equivalents (nicknames, and Slavic names written through other languages).
# The first name of each group is its key. Only given names: a surname must still match, so a
# broad group ("Volodymyr"/"Vladimir") cannot merge two people by itself.
GIVEN_NAME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("stephen", "steve", "steven"),
    ("william", "bill", "billy", "will"),
    ("robert", "bob", "bobby", "rob"),
    ("richard", "rick", "dick"),
    ("michael", "mike"),
    ("mikhail", "mykhailo", "michail"),
    ("james", "jim", "jimmy"),
    ("joseph", "joe"),
    ("thomas", "tom"),
    ("anthony", "tony"),
    ("andrew", "andy"),
    ("daniel", "dan", "danny"),
    ("edward", "ed", "ted"),
    ("christopher", "chris"),
    ("benjamin", "ben", "bibi"),
    ("elizabeth", "liz", "beth"),
    ("alexander", "alex", "aleksandr", "oleksandr", "alexandr"),
    ("nikolai", "nikolay", "mykola"),
    ("andrei", "andrey", "andriy", "andrii"),
    ("sergei", "serhiy", "serhii"),
    ("dmitry", "dmytro"),
    ("yuri", "yuriy", "yurii", "jurij"),
    ("olga", "olha"),
    ("volodymyr", "vladimir"),
    ("yevgeny", "evgeny", "yevhen", "jewgeni"),
)

# Titles, honorifics and roles that precede a person's name (English, French, German, Spanish,
# Italian, Russian, Ukrainian). Compared folded, so accents and script do not matter.
_TITLE_WORDS = """
mr mrs ms miss mx sir dame lord lady dr doctor prof professor rev reverend
president vice premier prime minister chancellor secretary spokesperson spokesman spokeswoman
senator sen rep representative congressman congresswoman governor gov mayor judge justice
king queen prince princess pope patriarch emir sheikh sultan tsar czar ayatollah
general gen colonel col lieutenant lt captain capt sergeant sgt admiral adm commander marshal
leader chief head boss envoy ambassador official negotiator commissioner diplomat candidate
founder owner executive ceo cfo coo chairman chairwoman chairperson chair director manager
editor correspondent reporter analyst economist lawyer attorney prosecutor mediator
mp mep lawmaker deputy speaker
herr frau präsident präsidentin bundeskanzler kanzler kanzlerin ministerin bürgermeister
bürgermeisterin sprecher sprecherin chefin geschäftsführer geschäftsführerin vorsitzende
vorsitzender schlichter schlichterin richter richterin
m mme mlle monsieur madame présidente ministre maire porte-parole directeur directrice
médiateur médiatrice juge secrétaire général générale dirigeant dirigeante
sr sra señor señora presidenta ministro ministra alcalde alcaldesa portavoz directora
mediador mediadora jefe jefa consejero consejera secretario secretaria
signor signora sig sindaco portavoce
господин госпожа г-н президент премьер премьер-министр министр глава пресс-секретарь спикер
представитель пан пані міністр речник голова
"""
# Multi-word titles whose later words would otherwise look like a name ("Secretary of State").
_TITLE_PHRASES = (
    "secretary of state",
    "secretary of defense",
    "secretary of defence",
    "secretary of the treasury",
    "head of state",
    "chief of staff",
    "minister of foreign affairs",
    "minister for foreign affairs",
    "secretario de estado",
    "secrétaire d'état",
)
# German compounds end in a title ("Außenminister", "Corvane-Chef", "Gewerkschaftschefin").
_TITLE_SUFFIXES = ("minister", "ministerin", "präsident", "präsidentin", "kanzler", "kanzlerin",
                   "chef", "chefin", "sprecher", "sprecherin", "vorsitzende", "vorsitzender",
                   "führer", "führerin", "direktor", "direktorin", "bürgermeister",
                   "bürgermeisterin")  # fmt: skip
_ARTICLES = {"the", "la", "le", "les", "l", "el", "los", "las", "die", "der", "das", "il", "lo"}
# Lower-case words that belong inside a name ("Ursula von der Leyen", "Charles de Gaulle").
_PARTICLES = {"von", "van", "der", "den", "de", "da", "di", "del", "della", "du", "des", "la",
              "le", "bin", "ibn", "al", "el", "ter", "ten", "zu", "dos", "das"}  # fmt: skip
_POSSESSIVE = re.compile(r"(?:['’]s|s['’]|['’])$")
_SPACE = re.compile(r"\s+")


def transliterate(text: str) -> str:
    """Cyrillic letters to Latin (Russian, or Ukrainian when the word has і ї є ґ); the rest kept.

    A capital keeps its capital on the first Latin letter ("Жуков" → "Zhukov").
    """
    if not any("\u0400" <= ch <= "\u04ff" for ch in text):
        return text
    out = []
    for word in re.split(r"(\W+)", text):
        table = _CYRILLIC_UK if _UKRAINIAN_ONLY & set(word.lower()) else _CYRILLIC_RU
        for ch in word:
            latin = table.get(ch.lower())
            if latin is None:
                out.append(ch)
            else:
                out.append(latin.capitalize() if ch.isupper() else latin)
    return "".join(out)


@lru_cache(maxsize=NAME_CACHE)
def fold(text: str) -> str:
    """Text for comparison: transliterated, without diacritics, case-folded, spaces collapsed."""
    bare = transliterate(text)
    for _ in range(2):  # casefolding can yield combining marks ("İ" → "i̇"): a second pass
        decomposed = unicodedata.normalize("NFKD", bare).casefold()
        bare = "".join(
            _SPECIAL_LATIN.get(ch, ch) for ch in decomposed if not unicodedata.combining(ch)
        )
    return _SPACE.sub(" ", bare).strip()


def _fold_word(token: str) -> str:
    return fold(token).strip('.,;:!?"“”«»()[]')


_TITLES = frozenset(_fold_word(w) for w in _TITLE_WORDS.split())
_PHRASES = tuple(tuple(_fold_word(w) for w in p.split()) for p in _TITLE_PHRASES)
_SUFFIXES = tuple(_fold_word(s) for s in _TITLE_SUFFIXES)


def skeleton(token: str) -> str:
    """A spelling-variant key for one name word: "Zelenskyy", "Selenskyj" → "zelenski", "selenski".

    Folded, letters only, rewritten by `_SKELETON_RULES`, doubled letters collapsed, a leading
    "ie" (from Ye/Je) read as "e" (Yevgeny / Evgeny).
    """
    key = "".join(ch for ch in fold(token) if ch.isalnum())
    for old, new in _SKELETON_RULES:
        key = key.replace(old, new)
    key = re.sub(r"c(?!h)", "k", key)
    key = re.sub(r"(.)\1+", r"\1", key)
    return "e" + key[2:] if key.startswith("ie") else key


_GIVEN_KEYS = {skeleton(name): skeleton(group[0]) for group in GIVEN_NAME_GROUPS for name in group}


def given_key(token: str) -> str:
    """The key of a given name: its skeleton, mapped through `GIVEN_NAME_GROUPS`."""
    key = skeleton(token)
    return _GIVEN_KEYS.get(key, key)


def _is_title_at(words: list[str], i: int) -> int:
    """How many words starting at `i` form a title (0 if none)."""
    for phrase in _PHRASES:
        if tuple(words[i : i + len(phrase)]) == phrase:
            return len(phrase)
    word = words[i]
    last = word.rsplit("-", 1)[-1]
    if word in _TITLES or last in _TITLES:
        return 1
    if any(word.endswith(s) and len(word) > len(s) + 2 for s in _SUFFIXES):
        return 1
    return 0


def _is_lower(token: str) -> bool:
    letters = [ch for ch in token if ch.isalpha()]
    return bool(letters) and letters[0].islower()


def _strip_segment(segment: str) -> list[str]:
    """The name words of one comma-separated part of a name."""
    tokens = [t for t in segment.split() if any(ch.isalnum() for ch in t)]
    words = [_fold_word(t) for t in tokens]
    cut = 0
    for i in range(len(words)):
        n = _is_title_at(words, i)
        if n and i + n < len(words):
            cut = i + n
    tokens = tokens[cut:]
    while tokens and (
        _fold_word(tokens[0]) in _ARTICLES
        or (len(tokens) > 1 and _POSSESSIVE.search(tokens[0]) is not None)
        or (_is_lower(tokens[0]) and _fold_word(tokens[0]) not in _PARTICLES)
        or _is_title_at([_fold_word(t) for t in tokens], 0)
    ):
        tokens = tokens[1:]
    while tokens and _is_lower(tokens[-1]):
        if _is_title_at([_fold_word(tokens[-1])], 0):
            return []  # a description ending in a role: "the Kremlin leader"
        tokens = tokens[:-1]
    if tokens:
        tokens[-1] = _POSSESSIVE.sub("", tokens[-1]).rstrip(".,;:!?")
    return [t for t in tokens if any(ch.isalnum() for ch in t)]


@lru_cache(maxsize=NAME_CACHE)
def strip_titles(name: str) -> str:
    """A person's name without titles, roles, descriptions or possessives ("" if nothing is left).

    "Foreign Minister Sergey Lavrov" → "Sergey Lavrov"; "US Secretary of State Marco Rubio" →
    "Marco Rubio"; "President (Donald) Trump" → "Donald Trump"; "La maire, Ingrid Solberg" →
    "Ingrid Solberg"; "Lavrov's" → "Lavrov"; "Russia's top diplomat" and "the Kremlin leader" →
    "". Of comma-separated
    parts, the one with the most name words wins (the first on a tie).
    """
    text = _SPACE.sub(" ", re.sub(r"[()\[\]\"“”«»„]", " ", name)).strip()
    best: list[str] = []
    for segment in text.split(","):
        words = _strip_segment(segment)
        if len(words) > len(best):
            best = words
    return " ".join(best)


@lru_cache(maxsize=NAME_CACHE)
def clean_org(name: str) -> str:
    """An organisation's or place's display name: no leading article, no trailing possessive."""
    tokens = _SPACE.sub(" ", name).strip().split()
    if len(tokens) > 1 and _fold_word(tokens[0]) in _ARTICLES:
        tokens = tokens[1:]
    if tokens:
        tokens[-1] = _POSSESSIVE.sub("", tokens[-1])
    return " ".join(t for t in tokens if t)


@lru_cache(maxsize=NAME_CACHE)
def org_key(name: str) -> str:
    """The matching key of an organisation or place: "The RIA Novosti" ≡ "Ria Novosti"."""
    words = ["".join(ch for ch in w if ch.isalnum()) for w in fold(clean_org(name)).split()]
    return " ".join(w for w in words if w)


@dataclass(frozen=True, slots=True)
class PersonName:
    """A person's name as keys: `surname` skeleton (with particles), the first given name's key
    and initial ("" when the name is a surname alone), `display` the title-stripped name."""

    display: str
    surname: str
    given: str = ""
    initial: str = ""

    @property
    def has_given(self) -> bool:
        """Whether a given name (or an initial) is known."""
        return bool(self.initial)

    @property
    def full(self) -> bool:
        """Whether the given name is spelled out (not just an initial)."""
        return bool(self.given)


def _is_initial(token: str) -> bool:
    letters = [ch for ch in token if ch.isalpha()]
    return 0 < len(letters) <= 2 and (token.endswith(".") or len(letters) == 1)


@lru_cache(maxsize=NAME_CACHE)
def parse_person(name: str) -> PersonName | None:
    """Keys of a person's name, or None when no name is left after stripping titles."""
    words = strip_titles(name).split()
    if not words:
        return None
    start = len(words) - 1
    while start > 0 and _fold_word(words[start - 1]) in _PARTICLES and _is_lower(words[start - 1]):
        start -= 1
    surname = " ".join(skeleton(w) for w in words[start:])
    if not surname.strip():
        return None
    display = " ".join(words)
    if start == 0:
        return PersonName(display=display, surname=surname)
    first = words[0]
    initial = fold(first)[:1]
    if _is_initial(first):
        return PersonName(display=display, surname=surname, initial=initial)
    return PersonName(display=display, surname=surname, given=given_key(first), initial=initial)


def similar(a: str, b: str) -> bool:
    """Whether two skeletons are one name: equal, or near spellings of a long enough name.

    A feminine form is another person's name though it is a near spelling ("lavrov"/"lavrova",
    "daniel"/"daniela").
    """
    if a == b:
        return True
    if min(len(a), len(b)) < MIN_FUZZY_LENGTH or a + "a" == b or b + "a" == a:
        return False
    return bool(fuzz.ratio(a, b) >= NAME_SIMILARITY)


def given_compatible(a: PersonName, b: PersonName) -> bool:
    """Whether the given names allow one person: either unknown, initials agreeing with each
    other or with the spelled-out name, or spelled-out names with the same key or near spellings."""
    if not (a.has_given and b.has_given):
        return True
    if not (a.full and b.full):
        return a.initial == b.initial
    return similar(a.given, b.given)


def compatible(a: PersonName, b: PersonName) -> bool:
    """Whether two person names can be the same person (surname and given name compatible)."""
    return similar(a.surname, b.surname) and given_compatible(a, b)
