"""The fallback for languages without a spaCy model (de, es, ...): sentences and names by rule.

Sentences end at . ! ? followed by space and a capital, a digit or a quote mark, or at a line
break. Names are runs of capitalised words on one line (joined by "of", "de", "von", ... and
possessive "'s"), never an "according to" phrase ("Nach Angaben"); a run that contains an
organisation word ("Union", "Hafenarbeitergewerkschaft", "Agency") or is an acronym ("VCT") is
an ORG, a run of two or three words a PERSON when it holds a common given name or follows a
title, a single word a PERSON only when it is the last word of a person's name found elsewhere
in the text, anything else MISC. German capitalises every noun, so capitalised words alone
("Ende Januar", "Behörde") are never names there.
"""

from __future__ import annotations

import re

from storyline.nlp import lexicon as lx
from storyline.nlp.entity_spans import PERSON, Parsed

PROCESSOR = "fallback"
SENTENCE_RE = re.compile(r"[^\n]+?(?:[.!?…]+[\"“”»’']?(?=\s+[\"“„«A-ZÀ-ÖØ-Þ0-9¿¡])|$)", re.M)
NAME_RE = re.compile(
    r"\b[A-ZÀ-ÖØ-Þ][\w’'-]*(?:[^\S\n]+(?:(?:of|de|del|de la|von|van|du)[^\S\n]+)?"
    r"[A-ZÀ-ÖØ-Þ][\w’'-]*)*"
)
ACRONYM_RE = re.compile(r"[A-ZÀ-ÖØ-Þ]{2,6}")
MAX_PERSON_WORDS = 3  # "Jonas Falk", "Elena Marsh", "Pieter van Dam"-style names


def _label(words: list[str], titled: bool) -> str:
    lowered = tuple(w.lower().strip("’'") for w in words)
    if len(words) == 1 and ACRONYM_RE.fullmatch(words[0]):
        return "ORG"  # "VCT", "MSA"
    if len(words) == 1 and lx.org_kinds(lowered):
        return "MISC"  # "Behörde", "Hafenbetreiber": a description, not a name
    if lx.org_kinds(lowered) or (len(words) > 1 and any(w in lx.ORG_SUFFIXES for w in lowered)):
        return "ORG"
    capitals = [w for w in words if w[0].isupper()]
    if not 2 <= len(capitals) <= MAX_PERSON_WORDS:
        return "MISC"
    # German capitalises every noun ("Ende Januar", "Zwei Monate"): a run of capitalised words
    # is a person's name when it holds a given name before its last word ("VCT-Chef Jonas
    # Falk") or follows a title ("Herr", "Richterin")
    given = any(w.lower() in lx.GIVEN_NAMES for w in words[:-1])
    return PERSON if given or titled else "MISC"


def parse(text: str) -> Parsed:
    """Sentence and name spans of `text` found without a model."""
    sentences = tuple((m.start(), m.end()) for m in SENTENCE_RE.finditer(text) if m.group().strip())
    starts = {s for s, _ in sentences}
    names: list[tuple[int, int, str]] = []
    according = {m.start(): m.end() for m in lx.ACCORDING_RE.finditer(text)}
    for m in NAME_RE.finditer(text):
        start, words = m.start(), m.group().split()
        # "Nach Angaben der Gewerkschaft X", "nach Angaben der Behörde": the phrase is no name
        lead = next((e for s, e in according.items() if s <= start < e), None)
        if lead is not None and lead < m.end():
            start, words = lead, text[lead : m.end()].split()
        titled = False
        while words and (
            words[0][0].islower()  # a joiner left at the head: "[Sprecher] von VCT"
            or words[0].lower() in lx.DETERMINERS
            or words[0].lower() in lx.TITLE_WORDS
            or (start in starts and len(words) > 1 and words[0].lower() in lx.FUNCTION_WORDS)
        ):
            titled = titled or words[0].lower() in lx.TITLE_WORDS
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else m.end()
            words = words[1:]
        label = _label(words, titled) if words else ""
        if label == "MISC" and len(words) > 1 and ACRONYM_RE.fullmatch(words[-1]):
            start, words, label = m.end() - len(words[-1]), words[-1:], "ORG"  # "Betreibers VCT"
        while label == PERSON and len(words) > 2 and words[-2].lower() not in lx.FUNCTION_WORDS:
            start = text.index(words[1], start + len(words[0]))  # "Richterin Elena Marsh"
            words = words[1:]
        if words:
            names.append((start, m.end(), label))
    surnames = {text[s:e].split()[-1] for s, e, label in names if label == PERSON}
    return Parsed(
        text,
        sentences,
        tuple(
            (s, e, PERSON if label == "MISC" and text[s:e] in surnames else label)
            for s, e, label in names
            if label != "MISC" or text[s:e] in surnames
        ),
    )
