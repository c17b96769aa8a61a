"""Language of an article and of its individual lines (py3langid, which ships its model)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

# The languages news in storyline's scope is written in; restricting langid to them makes each
# call several times cheaper and avoids exotic guesses on short lines.
LANGUAGES = (
    "en de fr es it pt nl sv da no fi pl cs sk sl hr sr bg ro hu el tr ru uk be lt lv et "
    "ar he fa zh ja ko id ms vi ca eu gl ga cy"
).split()
# Lines shorter than this are too short for a language guess to mean anything.
MIN_LINE_CHARS = 12
SAMPLE_CHARS = 600  # plenty for a confident guess; langid reads byte by byte in Python
MIN_LINE_PROB = 0.9
_SCRIPTS = {
    "cyrillic": re.compile(r"[\u0400-\u04FF]"),
    "greek": re.compile(r"[\u0370-\u03FF]"),
    "arabic": re.compile(r"[\u0600-\u06FF]"),
    "cjk": re.compile(r"[\u3040-\u30FF\u4E00-\u9FFF\uAC00-\uD7AF]"),
}


@functools.lru_cache(maxsize=1)
def _identifier() -> object:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


@functools.lru_cache(maxsize=16384)  # the same ad slots and links recur across articles
def detect(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code and probability for `text` (None when there is no text)."""
    sample = text[:SAMPLE_CHARS].strip()
    if not sample:
        return None, 0.0
    lang, prob = _identifier().classify(sample)  # type: ignore[attr-defined]
    return str(lang), float(prob)


def _script(text: str) -> str:
    if text.isascii():
        return "latin"
    for name, pattern in _SCRIPTS.items():
        if len(pattern.findall(text)) > len(text) / 3:
            return name
    return "latin"


def foreign_lines(
    lines: Sequence[str], article_lang: str | None, *, removed: Sequence[str] = ()
) -> tuple[tuple[str, str], ...]:
    """Lines written in another language than the article's, with their language.

    Every line in another script is checked; of the lines in the article's script only the
    removed ones (where foreign ad slots and links hide): classifying every story paragraph
    would cost more than it finds.
    """
    if article_lang is None:
        return ()
    main_script = "cyrillic" if article_lang in {"ru", "uk", "bg", "sr", "be", "kk"} else "latin"
    suspects = set(removed)
    out = []
    for line in lines:
        text = line.strip()
        if len(text) < MIN_LINE_CHARS:
            continue
        other_script = _script(text) != main_script
        if not other_script and line not in suspects:
            continue
        lang, prob = detect(text)
        if lang and lang != article_lang and (other_script or prob >= MIN_LINE_PROB):
            out.append((text, lang))
    return tuple(out)
