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
_SCRIPT_RANGES = {
    "cyrillic": r"\u0400-\u04FF",
    "greek": r"\u0370-\u03FF",
    "arabic": r"\u0600-\u06FF",
    "cjk": r"\u3040-\u30FF\u4E00-\u9FFF\uAC00-\uD7AF",
}
_SCRIPTS = {name: re.compile(f"[{chars}]") for name, chars in _SCRIPT_RANGES.items()}
_ANY_SCRIPT = re.compile(f"[{''.join(_SCRIPT_RANGES.values())}]")


@functools.lru_cache(maxsize=1)
def _identifier() -> object:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


# The commonest function words of the languages most news in scope is written in. A text whose
# words are clearly one list's is that language without asking langid, which reads byte by byte
# in Python (a third of the cleaning time before this short cut); anything unclear goes to it.
FUNCTION_WORDS = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the of and to in that is for on with as was by at it from said has his are be",
        "de": "der die und das ist nicht den mit von sich des auf für dem ein eine im zu sagte",
        "fr": "le la les des est et une que dans pour qui sur pas par au du avec il a",
        "es": "el la los las de que y en un una por con para es del se no al lo",
        "it": "il di che la per un una non con del della sono le gli è al dei da",
        "pt": "o a os as de que e do da em um uma para com não dos das no na",
        "nl": "de het een en van is dat op te in niet zijn met voor die er aan",
    }.items()
}
SHORTCUT_MIN_HITS = 12  # function words among the first SHORTCUT_WORDS words
SHORTCUT_RATIO = 2.0  # the winner has at least this many times the runner-up's hits
SHORTCUT_WORDS = 100
_TOKEN = re.compile(r"[^\W\d_]+")
TOKENS_FIRST_CHARS = 800  # 100 words end by character 790 in the bench's dumps (median 650)


_LANGS_OF = {
    word: tuple(lang for lang, fw in FUNCTION_WORDS.items() if word in fw)
    for fw in FUNCTION_WORDS.values()
    for word in fw
}


def _first_tokens(text: str) -> list[str]:
    """The first SHORTCUT_WORDS words of `text`'s first SAMPLE_CHARS * 2 characters; read from
    a shorter start first (they usually fit in it): when a further word follows them there,
    they are the same words."""
    tokens = _TOKEN.findall(text[:TOKENS_FIRST_CHARS])
    if len(tokens) <= SHORTCUT_WORDS:
        tokens = _TOKEN.findall(text[: SAMPLE_CHARS * 2])
    return tokens[:SHORTCUT_WORDS]


def _by_function_words(text: str) -> str | None:
    hits = dict.fromkeys(FUNCTION_WORDS, 0)  # a plain dict: Counter.update per word cost more
    langs_of = _LANGS_OF.get
    for token in _first_tokens(text):
        for lang in langs_of(token.casefold(), ()):
            hits[lang] += 1
    # A winner needs twice the runner-up's hits, so ties between the top two never decide.
    lang, best = max(hits.items(), key=lambda item: item[1])
    second = max((n for other, n in hits.items() if other != lang), default=0)
    return lang if best >= SHORTCUT_MIN_HITS and best >= SHORTCUT_RATIO * second else None


def _has_function_word(text: str, lang: str) -> bool:
    words = FUNCTION_WORDS.get(lang, frozenset())
    return any(t.casefold() in words for t in _TOKEN.findall(text))


def detect_article(text: str) -> str | None:
    """The language of a whole article: function words when they are clear, else langid."""
    return _by_function_words(text) or detect(text)[0]


@functools.lru_cache(maxsize=16384)  # the same ad slots and links recur across articles
def detect(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code and probability for `text` (None when there is no text)."""
    sample = text[:SAMPLE_CHARS].strip()
    if not sample:
        return None, 0.0
    lang, prob = _identifier().classify(sample)  # type: ignore[attr-defined]
    return str(lang), float(prob)


def _script(text: str) -> str:
    # No script can have more than a third of the characters when all of them together do not.
    if text.isascii() or len(_ANY_SCRIPT.findall(text)) <= len(text) / 3:
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
        if not other_script and (line not in suspects or _has_function_word(text, article_lang)):
            continue  # a line with the article's own function words is in its language
        lang, prob = detect(text)
        if lang and lang != article_lang and (other_script or prob >= MIN_LINE_PROB):
            out.append((text, lang))
    return tuple(out)
