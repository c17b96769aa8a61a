"""Sentences as the timeline and the claims compare them: spans, words, stems, names, numbers.

A sentence ends at ".", "!", "?" or "…" before a capital or a digit, or at a line break. Its
content words have four letters or more and are not among a short list of common ones; its
stems are those words cut short, names and numbers kept apart (`key_stems`, `same_local`);
what survives translation is its names and numbers (`marks_of`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from storyline.link.name_tokens import fallback_names, tokens

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»)]*\s+(?=[\"'“„«(]*[A-ZÀ-ÖØ-ÞА-ЯЁ0-9])|\n+")
_WORD = re.compile(r"[^\W_]{4,}")
# Or this many shared names and numbers, for two sentences to tell one happening (a
# translation shares no words; `timeline_drafts.SAME_HAPPENING` is the shared words' share).
SHARED_MARKS = 2
_NUMBER = re.compile(r"\d+")
STEM_CHARS = 5  # a crude stem, so "began" meets "begin" and "recalling" meets "recall"
# Common words carry no happening; the list is short because rarer words are what match.
_COMMON = frozenset(
    "that this with from have said says were will would been their there about after "
    "which they also into than when what more other over said told dass eine einer nicht "
    "sich wird wurde sagte pour dans avec sont été cette elle leur plus como para pero "
    "dijo sobre este esta который также было были".split()
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line of a text."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[start : m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def content_words(text: str) -> set[str]:
    """Lower-cased words of four letters or more, common ones left out."""
    return {w for w in _WORD.findall(text.lower()) if w not in _COMMON}


def key_stems(words: Iterable[str]) -> set[str]:
    """Content words cut to `STEM_CHARS` letters, names with their capital ("Ancho"), and
    numbers ("Terminal 4"), so that `same_local` can weigh them apart."""
    return {
        w[:STEM_CHARS] if w.islower() else w[:STEM_CHARS].capitalize()
        for w in words
        if w.isdigit() or (len(w) >= 4 and w.lower() not in _COMMON)
    }


def same_local(a: set[str], b: set[str]) -> bool:
    """Two time expressions date the same thing: a common word beside them ("the 2023
    election"), or `SHARED_MARKS` common names and numbers ("in Anchorage, Alaska"); one name
    alone is not enough, as a story's actors stand beside many of its dates."""
    shared = a & b
    return any(w.islower() for w in shared) or len(shared) >= SHARED_MARKS


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def marks_of(sentence: str, timex: str) -> set[str]:
    """What survives translation: the names in a sentence (capitalised words that do not open
    it) and its numbers, the time expression's own digits left out."""
    own = set(_NUMBER.findall(timex))
    names = set(tokens(fallback_names(sentence)))
    return names | {n for n in _NUMBER.findall(sentence) if n not in own}
