"""Figures: the numbers a sentence states, read as written in any of our languages, with what
they count.

A figure is a value, its unit (a count, "%" or a currency) and its referent, the thing
counted or paid for. Numbers are read the way English, German, French and Spanish print them
("4,000", "4.000", "4 000", "1,2 millones", "68 %", "€5 million", "eleven"); years, numbers
inside compounds ("eight-hour shifts") and calendar dates (masked by the caller) are not
figures. The referent is the noun that follows the number within `COUNT_WINDOW` words (after
"of"/"de"/"der" for percentages and amounts, before them in "un fondo de 6 millones"),
folded to its class in `CLASSES` (workers, employees and staff are one population; ships and
vessels one fleet), else to a crude lemma. A bare number takes the referent of a class noun
its sentence names ("put the number of staff affected at 3,500"), when it names one class.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from storyline.nlp.timex_rules import LANGUAGES, lexicon

COUNT_WINDOW = 3  # words between a number and its counted noun ("four occupied regions")
# a compound's head matches a class word this long ("Hafen|arbeiter"); a shorter one would let
# "ships" match "relationships"
MIN_SUFFIX = 6
# Classes of counted things that news reports count in different words. Generic measure nouns,
# several words per language each; a noun outside them is its own referent (its lemma).
CLASSES: dict[str, tuple[str, ...]] = {
    "people": tuple(
        "people persons individuals residents workers employees staff members personnel "
        "dockers dockworkers strikers Menschen Personen Leute Beschäftigte Beschäftigten "
        "Arbeiter Arbeitnehmer Mitarbeiter Mitglieder Einwohner personnes gens travailleurs "
        "salariés employés membres adhérents habitants ouvriers personas gente trabajadores "
        "empleados miembros afiliados habitantes obreros".split()
    ),
    "ships": tuple(
        "ships vessels boats freighters tankers Schiffe Frachter navires bateaux cargos "
        "buques barcos".split()
    ),
    "batches": tuple("batches lots Chargen Partien lotes".split()),
    "packs": tuple(
        "packs packages packets boxes Packungen Schachteln boîtes paquets envases cajas "
        "paquetes".split()
    ),
    "votes": tuple("votes ballots Stimmen voix votos".split()),
    "seats": tuple("seats Sitze Mandate sièges escaños".split()),
    "funds": tuple("fund funds Fonds fonds fondo fondos".split()),
    "jobs": tuple("jobs Arbeitsplätze Stellen emplois empleos".split()),
}
_CLASS_OF = {w.lower(): c for c, ws in CLASSES.items() for w in ws}
_SCALES = {
    "thousand": 1e3, "tausend": 1e3, "mille": 1e3,
    "million": 1e6, "millions": 1e6, "millionen": 1e6, "mio": 1e6, "millón": 1e6,
    "millones": 1e6, "mn": 1e6, "mln": 1e6,
    "billion": 1e9, "billions": 1e9, "milliard": 1e9, "milliards": 1e9, "milliarde": 1e9,
    "milliarden": 1e9, "mrd": 1e9, "bn": 1e9,
}  # fmt: skip
_SUFFIX_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9}  # "€5m", only after a currency sign
# units of measure written after a number ("20 mg tablets"): a measure, not a count
_MEASURES = frozenset(
    "mg g kg t km m cm mm ml l ha kw mw gw kwh mwh gwh mph kmh km/h °c °f".split()
)
_CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP"}
_CURRENCY_WORDS = {
    "euro": "EUR", "euros": "EUR", "eur": "EUR", "dollar": "USD", "dollars": "USD",
    "dólares": "USD", "usd": "USD", "pound": "GBP", "pounds": "GBP", "gbp": "GBP",
}  # fmt: skip
# number words that are also common words of another of our languages ("once", "sept")
_AMBIGUOUS = frozenset({"once", "sept", "cent", "dos", "elf"})
_PERCENT = re.compile(
    r"\s*(?:%|per\s?cent\b|percent\b|prozent\b|pour\s?cent\b|por\s?ciento\b|процент\w*)",
    re.IGNORECASE,
)
_LINKS = frozenset("of de d du des der die den von del la".split())  # "6 millones de euros"
# a number: digit groups of three after a point, comma, space or thin space, then decimals;
# a hyphen or letters right after it make it part of a word ("eight-hour", "6pm", "20mg")
_NUMBER = re.compile(
    r"(?<![\w.,-])(?P<sign>[€$£]\s?)?(?P<num>\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?!\d)"
    r"(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?P<glued>-?[^\W\d_]+)?"
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_NEXT_IS_WORD = re.compile(r"\s+[^\W\d_]")  # "eleven days", not "eleven-day" or "a €5 million"
_CLAUSE_END = re.compile(r"[,;:.()!?\"“”«»]")
_NUM = r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?!\d)|\d+"
# a vote tally: "by 2,310 to 940", "310 votes to 290", "2,310 in favour and 940 against"
_TALLY = re.compile(
    rf"(?P<yes>{_NUM})\s+(?:(?:votes?|voix|Stimmen|votos)\s+)?(?:to|contre|zu|gegen|a|frente a)"
    rf"\s+(?P<no>{_NUM})(?!\s*(?:%|per))|(?P<yes2>{_NUM})\s+(?:[^\W\d]+\s+){{0,3}}?"
    r"(?:in favou?r|for|pour|a favor|dafür)\W+(?:and\s+|et\s+|y\s+|und\s+)?"
    rf"(?P<no2>{_NUM})\s+(?:against|contre|en contra|dagegen)",
    re.IGNORECASE,
)
_VOTED = re.compile(r"\b(?:vot\w*|ballot\w*|stimm\w*|abstimm\w*|scrutin\w*)", re.IGNORECASE)
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+")


def _number_words() -> dict[str, float]:
    out: dict[str, float] = {}
    for lang in LANGUAGES:
        for w, v in lexicon(lang).get("numbers", {}).items():
            if " " not in w and isinstance(v, int | float):
                out[w.lower()] = float(v)
    return out


NUMBER_WORDS = _number_words()


@dataclass(frozen=True, slots=True)
class Figure:
    """One number of a sentence: its value, unit ("" for a count, "%", a currency code, a
    unit of measure), what
    it counts (a class of `CLASSES`, a noun's lemma, or "" when bare), the counted word as
    written (lower case) and the words stating it."""

    value: float
    unit: str
    referent: str
    noun: str
    phrase: str
    start: int


def number_value(written: str) -> float:
    """A number as written: "4,000", "4.000" and "4 000" are four thousand, "3,5" and "3.5"
    three and a half (a separator followed by exactly three digits groups thousands)."""
    if _THOUSANDS.fullmatch(written):
        return float(re.sub(r"\D", "", written))
    return float(written.replace(",", "."))


def _fold(word: str) -> str:
    """Lower case, NFC, an elided article dropped ("d'euros" -> "euros")."""
    low = unicodedata.normalize("NFC", word.lower())
    head, _, tail = low.replace("’", "'").partition("'")
    return tail if tail and len(head) <= 2 else low


def referent_of(word: str) -> str | None:
    """The class of a noun (`CLASSES`, a compound by its head), else None."""
    low = _fold(word)
    if low in _CLASS_OF:
        return _CLASS_OF[low]
    for form, cls in _CLASS_OF.items():
        if len(form) >= MIN_SUFFIX and low.endswith(form) and len(low) - len(form) >= 3:
            return cls
    return None


def qualifiers(f: Figure) -> frozenset[str]:
    """The words of a count between its number and the counted noun ("occupied" in "four
    occupied regions"): what narrows the things counted. None for shares and amounts."""
    if f.unit or not f.noun:
        return frozenset()
    said = [w.lower() for w in _WORD.findall(f.phrase)][:-1]  # the last is the noun
    return frozenset(w for w in said if w not in NUMBER_WORDS | _SCALES.keys() | _LINKS)


def noun_key(word: str) -> str:
    """What a noun names, to group its mentions across outlets and languages: its class
    (`CLASSES`: "vessels" and "Schiffe" are ships), else its crude lemma ("cranes": crane)."""
    return referent_of(word) or _lemma(word)


def _lemma(word: str) -> str:
    low = _fold(word)
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith("s") and not low.endswith("ss") and len(low) > 3:
        return low[:-1]
    return low


def _is_plural(word: str) -> bool:
    return len(word) > 3 and word.lower().endswith("s") and word.isalpha()


def figures_in(text: str) -> list[Figure]:
    """The figures of a sentence, in order (calendar dates should be masked beforehand)."""
    out: list[Figure] = []
    for m in _NUMBER.finditer(text):
        written, glued = m.group("num"), (m.group("glued") or "").lower()
        unit = _CURRENCY_SIGNS.get((m.group("sign") or "").strip(), "")
        if len(written) == 4 and written[:2] in {"19", "20"}:
            continue
        value = number_value(written)
        if glued:  # "€5m" is five million euros; "eight-hour", "6pm" are not figures
            if not (unit and glued in _SUFFIX_SCALES):
                continue
            value *= _SUFFIX_SCALES[glued]
        out.append(_read(text, value, unit, m.start(), m.end()))
    taken = [(f.start, f.start + len(f.phrase)) for f in out]
    for m in _WORD.finditer(text):
        low = m.group().lower()
        word_value = NUMBER_WORDS.get(low)
        if word_value is None or low in _AMBIGUOUS or not _NEXT_IS_WORD.match(text, m.end()):
            continue
        if any(a <= m.start() < b for a, b in taken):
            continue
        f = _read(text, word_value, "", m.start(), m.end())
        counted = f.value != word_value or f.referent or f.unit  # not a bare "one of them"
        if counted and f.value >= 2:
            out.append(f)
    out.extend(_tallies(text))
    out.sort(key=lambda f: f.start)
    return _bare_take_class(text, out)


def _tallies(text: str) -> list[Figure]:
    """The share of a vote a tally gives ("voted by 2,310 to 940" is 71 %), in whole per cent
    as outlets print it, when the sentence is about a vote."""
    if not _VOTED.search(text):
        return []
    out = []
    for m in _TALLY.finditer(text):
        yes = number_value(m.group("yes") or m.group("yes2"))
        no = number_value(m.group("no") or m.group("no2"))
        if yes + no > 0:
            out.append(Figure(round(100 * yes / (yes + no)), "%", "", "", m.group(), m.start()))
    return out


def _words_after(text: str, pos: int) -> list[tuple[str, int]]:
    """The words after `pos` up to the end of the clause, with their end offsets."""
    stop = _CLAUSE_END.search(text, pos)
    limit = stop.start() if stop else len(text)
    return [(w.group(), w.end()) for w in _WORD.finditer(text, pos, limit)]


def _read(text: str, value: float, unit: str, start: int, end: int) -> Figure:
    """A number's scale, unit and referent from the words after it."""
    after = _words_after(text, end)
    if after and _fold(after[0][0]) in _SCALES:
        value *= _SCALES[_fold(after[0][0])]
        end = after.pop(0)[1]
    pct = _PERCENT.match(text, end)
    if pct:
        unit, end = "%", pct.end()
        after = _words_after(text, end)
    if after and not unit and _fold(after[0][0]) in _MEASURES:
        word, end = after[0]
        return Figure(value, word.lower(), "", "", text[start:end], start)
    for _ in range(2):
        if after and _fold(after[0][0]) in _LINKS:
            after.pop(0)
    if after and not unit and _fold(after[0][0]) in _CURRENCY_WORDS:
        unit = _CURRENCY_WORDS[_fold(after[0][0])]
        end = after.pop(0)[1]
    referent, noun = "", ""
    for word, w_end in after[:COUNT_WINDOW]:
        cls = referent_of(word)
        if cls or (_is_plural(word) and not unit):
            referent, noun, end = cls or _lemma(word), word.lower(), w_end
            break
    if not referent and unit and unit != "%":
        referent = _noun_before(text, start)
    return Figure(value, unit, referent, noun, text[start:end], start)


def _noun_before(text: str, start: int) -> str:
    """The class noun an amount is "of": "un fondo de 6 millones", "a fund of €5 million"."""
    before = _WORD.findall(text[:start])[-2:]
    if len(before) == 2 and _fold(before[1]) in _LINKS:
        return referent_of(before[0]) or ""
    return ""


def _bare_take_class(text: str, figures: list[Figure]) -> list[Figure]:
    """A bare count or share takes the class of the one class noun its sentence names
    ("put the number of staff affected at about 3,500")."""
    classes = {c for w in _WORD.findall(text) if (c := referent_of(w))}
    if len(classes) != 1:
        return figures
    (cls,) = classes
    return [
        Figure(f.value, f.unit, cls, f.noun, f.phrase, f.start)
        if not f.referent and f.unit in {"", "%"}
        else f
        for f in figures
    ]


def canonical(f: Figure) -> str:
    """A figure's value as one string whatever the notation: "4000", "1.2e+06", "71%"."""
    return f"{f.value:g}{'%' if f.unit == '%' else ''}"
