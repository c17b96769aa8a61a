"""Classify the lines of an article into title, headings, story text and boilerplate.

A line classifier on features rather than site rules:
  1. shape: word count, terminal punctuation, casing, bullets, digits;
  2. kind patterns (`patterns.py`): ad slots, language switchers, photo credits, bylines,
     timestamps, id codes, "full version" links, comment policy, legal text;
  3. position: short lines and legal text above the first or below the last story paragraph
     are page chrome; the same short line in the middle of the story is a section heading;
  4. repetition: a line printed twice counts once, a sentence repeated inside a line counts
     once, and a line seen in many articles of one outlet (`outlet_lines`) is boilerplate.
Every input line comes back as exactly one `Line`, kept or removed with its reason: nothing is
lost, and `storyline show` can audit every decision.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.ingest import patterns as P
from storyline.ingest.dateparse import MONTHS, WEEKDAYS
from storyline.model import Line

RULE = "clean.lines.v1"

# Tuned on the shape of news text, not on any one site: a story paragraph has at least this
# many words when it ends in sentence punctuation, or twice as many when it does not.
BODY_MIN_WORDS = 10
SHORT_LINE_WORDS = 6  # at most this many words and no full stop: chrome at the edges
HEADING_MAX_WORDS = 12
HEADLINE_MAX_WORDS = 30
ID_CODE = re.compile(r"^[A-Za-z]{2,}[-_]?[A-Za-z0-9_-]*\d{6,}[A-Za-z0-9_-]*$")
_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
_LETTERS = re.compile(r"[^\W\d_]+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


@dataclass(frozen=True, slots=True)
class LineDecision:
    """What cleaning found in one article's lines, besides the lines themselves."""

    lines: tuple[Line, ...]
    title: str | None
    author: str | None
    timestamp_lines: tuple[str, ...]
    id_codes: tuple[str, ...]


def normalise(text: str) -> str:
    """Casefolded, quote-unified, whitespace-collapsed text without edge punctuation."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(text.split()).strip(" .,:;!?-–—\"'()[]")


def words(text: str) -> list[str]:
    """The words of a line (letters or digits, with inner apostrophes and hyphens)."""
    return _WORD.findall(text)


def is_timestamp(text: str) -> bool:
    """A line made only of date/time words and numbers ("Tuesday, 02 January 2024 12:17 GMT")."""
    if len(text) > 80 or not any(ch.isdigit() for ch in text):
        return False
    return all(_is_date_word(token.casefold()) for token in _LETTERS.findall(text))


def _is_date_word(token: str) -> bool:
    return token in P.DATE_WORDS or token in MONTHS or token in WEEKDAYS


def is_id_code(text: str) -> bool:
    """A single long token of letters and digits, such as a wire-service article id."""
    return len(text) >= 10 and " " not in text and bool(ID_CODE.match(text))


def _is_language_switcher(text: str) -> bool:
    tokens = [t.casefold() for t in re.split(r"[\s|/·•,]+", text) if t]
    return len(tokens) >= 2 and all(t in P.LANGUAGE_CODES or t in P.LANGUAGE_NAMES for t in tokens)


def _pattern_reason(text: str) -> str | None:
    """The boilerplate kind a line matches wherever it stands, or None."""
    n = len(words(text))
    checks: tuple[tuple[bool, str], ...] = (
        (_is_language_switcher(text), "language-switcher"),
        (n <= 8 and bool(P.AD_PLACEHOLDER.search(text)), "ad-placeholder"),
        (n <= 15 and bool(P.FULL_VERSION.search(text)), "full-version-link"),
        (n <= 30 and bool(P.PHOTO_CREDIT.search(text)), "photo-credit"),
        (n <= 8 and bool(P.BYLINE.match(text)), "byline"),
        (is_timestamp(text), "timestamp"),
        (is_id_code(text), "id-code"),
        (bool(P.COMMENT_POLICY.search(text)) and n <= 80, "comment-policy"),
        (n <= 2 and text.casefold().strip(" .:") in P.CHROME_WORDS, "site-chrome"),
    )
    return next((reason for hit, reason in checks if hit), None)


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(tuple(P.TERMINAL_PUNCT))


def _is_body(text: str) -> bool:
    n = len(words(text))
    return n >= 2 * BODY_MIN_WORDS or (n >= BODY_MIN_WORDS and _ends_sentence(text))


def _is_headline(text: str) -> bool:
    n = len(words(text))
    return 2 <= n <= HEADLINE_MAX_WORDS and not text.rstrip().endswith((".", ":", ";", ","))


def _is_heading(text: str) -> bool:
    n = len(words(text))
    first = text.lstrip()[:1]
    return (
        1 <= n <= HEADING_MAX_WORDS
        and not text.rstrip().endswith((".", ":", ";", ",", "!", "?"))
        and (first.isupper() or first.isdigit())
    )


def repeated_prefix(text: str) -> str | None:
    """If a line is one passage printed twice in a row ("X X." or "X. X."), the passage once."""
    probe = normalise(text)[:40]
    if len(probe) < 20:
        return None
    folded = text.casefold()
    start = folded.find(probe, 1)
    while start > 0:
        first, second = text[:start].strip(), text[start:].strip()
        if normalise(first) == normalise(second):
            return second if len(second) >= len(first) else first
        start = folded.find(probe, start + 1)
    return None


def classify_lines(
    lines: Sequence[str],
    *,
    title_hint: str | None = None,
    outlet_lines: frozenset[str] = frozenset(),
) -> LineDecision:
    """Decide for every line whether it is title, heading, story text or boilerplate (and why)."""
    stripped = [P.BULLET.sub("", line).strip() if line.strip() else "" for line in lines]
    reasons: list[str | None] = []
    for text in stripped:
        if not text:
            reasons.append("")
        elif normalise(text) in outlet_lines:
            reasons.append("repeated-in-outlet")
        else:
            reasons.append(_pattern_reason(text))

    legal = [bool(t) and bool(P.LEGAL.search(t)) for t in stripped]
    body_idx = [
        i for i, t in enumerate(stripped) if reasons[i] is None and not legal[i] and _is_body(t)
    ]
    first_body = body_idx[0] if body_idx else len(lines)
    last_body = body_idx[-1] if body_idx else -1

    title_key = normalise(title_hint) if title_hint else None
    title: str | None = title_hint
    title_seen = False
    for i, text in enumerate(stripped):
        if reasons[i] is not None:
            continue
        key = normalise(text)
        if title_key is not None and key == title_key:
            reasons[i] = "duplicate-title" if title_seen else "title"
            title_seen = True
        elif title is None and i <= first_body and _is_headline(text):
            title, title_key, title_seen = text, key, True
            reasons[i] = "title"
        elif (i < first_body or i > last_body) and (
            legal[i]
            or (len(words(text)) <= SHORT_LINE_WORDS and not _ends_sentence(text))
            or text.endswith(":")
        ):
            reasons[i] = "legal" if legal[i] else "site-chrome"

    return _build(lines, stripped, reasons, title)


def _build(
    lines: Sequence[str], stripped: list[str], reasons: list[str | None], title: str | None
) -> LineDecision:
    out: list[Line] = []
    seen: set[str] = set()
    author: str | None = None
    stamps: list[str] = []
    codes: list[str] = []
    kept_idx = [i for i, r in enumerate(reasons) if r is None]
    for i, raw in enumerate(lines):
        text, reason = stripped[i], reasons[i]
        if reason == "":
            out.append(Line(no=i, text=raw, kind="blank"))
            continue
        if reason == "title":
            out.append(Line(no=i, text=raw, kind="title", clean=text, rule=RULE))
            continue
        if reason is not None:
            if reason == "byline" and author is None and (m := P.BYLINE.match(text)):
                author = m.group("name")
            stamps += [text] if reason == "timestamp" else []
            codes += [text] if reason == "id-code" else []
            out.append(Line(no=i, text=raw, kind="removed", reason=reason, rule=RULE))
            continue
        key = normalise(text)
        if key in seen:
            out.append(Line(no=i, text=raw, kind="removed", reason="duplicate-line", rule=RULE))
            continue
        seen.add(key)
        once = repeated_prefix(text)
        nxt = next((j for j in kept_idx if j > i), None)
        heading = (
            _is_heading(text) and nxt is not None and _is_body(stripped[nxt]) and not _is_body(text)
        )
        out.append(
            Line(
                no=i,
                text=raw,
                kind="heading" if heading else "body",
                clean=once if once is not None else raw.strip(),
                reason="repeated-within-line" if once is not None else "",
                rule=RULE,
            )
        )
    return LineDecision(tuple(out), title, author, tuple(stamps), tuple(codes))
