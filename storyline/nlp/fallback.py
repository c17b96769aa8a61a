"""The fallback for languages without a spaCy model (de, es, ...): sentences and names by rule.

Sentences end at . ! ? followed by space and a capital, a digit or a quote mark, or at a line
break. Names are runs of capitalised words (joined by "of", "de", "von", ... and possessive
"'s"); a run that contains an organisation word ("Union", "Gewerkschaft", "Agency") is an ORG,
a run of two or three words a PERSON, a single word a PERSON only when it is the last word of
a person's name found elsewhere in the text, anything else MISC. German capitalises every
noun, so single capitalised words are never names on their own there.
"""

from __future__ import annotations

import re

from storyline.nlp import lexicon as lx
from storyline.nlp.entities import PERSON, Parsed

PROCESSOR = "fallback"
SENTENCE_RE = re.compile(r"[^\n]+?(?:[.!?…]+[\"“”»’']?(?=\s+[\"“„«A-ZÀ-ÖØ-Þ0-9¿¡])|$)", re.M)
NAME_RE = re.compile(
    r"\b[A-ZÀ-ÖØ-Þ][\w’'-]*(?:\s+(?:(?:of|de|del|de la|von|van|der|du)\s+)?[A-ZÀ-ÖØ-Þ][\w’'-]*)*"
)
MAX_PERSON_WORDS = 3  # "Jonas Falk", "Elena Marsh", "Pieter van Dam"-style names


def _label(words: list[str]) -> str:
    lowered = {w.lower().strip("’'") for w in words}
    if lowered & lx.ORG_HEADS or any(w.lower() in lx.ORG_SUFFIXES for w in words):
        return "ORG"
    capitals = [w for w in words if w[0].isupper()]
    return PERSON if 2 <= len(capitals) <= MAX_PERSON_WORDS else "MISC"


def parse(text: str) -> Parsed:
    """Sentence and name spans of `text` found without a model."""
    sentences = tuple((m.start(), m.end()) for m in SENTENCE_RE.finditer(text) if m.group().strip())
    starts = {s for s, _ in sentences}
    names: list[tuple[int, int, str]] = []
    for m in NAME_RE.finditer(text):
        start, words = m.start(), m.group().split()
        while words and (
            words[0].lower() in lx.DETERMINERS
            or words[0].lower() in lx.TITLE_WORDS
            or (start in starts and len(words) > 1 and words[0].lower() in lx.FUNCTION_WORDS)
        ):
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else m.end()
            words = words[1:]
        label = _label(words) if words else ""
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
