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

import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
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
HEADLINE_MIN_WORDS = 4  # a headline says something; site names and section labels are shorter
PROSE_MIN_WORDS = 5  # a sentence this long above or below the story is kept, not chrome
SITE_NAME_MAX_WORDS = 5
# A short line may legitimately recur (list items, "Eat every 2-3 hours"); only a sentence-sized
# repeat, or a line straight after itself, is a duplicate.
DUPLICATE_MIN_WORDS = 6
LEGAL_MAX_WORDS = 80  # a longer line that mentions cookies or copyright is a story paragraph
MENU_SITE_NAME_MAX_WORDS = 3  # headlines are longer; site names are one to three words
ID_CODE = re.compile(r"^[A-Za-z]{2,}[-_]?[A-Za-z0-9_-]*\d{6,}[A-Za-z0-9_-]*$")
_SIX_DIGITS = re.compile(r"\d{6}")  # in every id code: a line without it needs no closer look
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"”»'’)]))\s+(?=[\"“„«‘'(]?[A-ZÀ-ÞА-Я0-9])")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
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
    site_name: str | None = None
    urls: tuple[str, ...] = ()


@functools.lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """Casefolded, quote-unified, whitespace-collapsed text without edge punctuation."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(text.split()).strip(" .,:;!?-–—\"'()[]")


@functools.lru_cache(maxsize=16384)
def word_count(text: str) -> int:
    """How many words a line has (cached: every rule asks, often for the same line)."""
    return len(words(text))


def words(text: str) -> list[str]:
    """The words of a line (letters or digits, with inner apostrophes and hyphens). Scripts
    written without spaces (Chinese, Japanese) count one word per two characters."""
    found = _WORD.findall(text)
    cjk = len(_CJK.findall(text))
    if cjk:
        found = [w for w in found if not _CJK.search(w)] + ["字"] * (cjk // 2 or 1)
    return found


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


def _is_navigation(text: str) -> bool:
    """A menu or breadcrumb: three or more short items split by wide gaps, pipes or arrows."""
    items = [i for i in P.NAV_SEPARATORS.split(text) if i.strip()]
    return len(items) >= 3 and all(word_count(i) <= 3 for i in items) and not _ends_sentence(text)


@functools.lru_cache(maxsize=16384)  # boilerplate lines recur across an outlet's articles
def _pattern_reason(text: str) -> str | None:
    """The boilerplate kind a line matches wherever it stands, or None (cheapest tests first)."""
    n = word_count(text)
    checks: tuple[tuple[int, Callable[[str], bool], str], ...] = (
        (12, _is_language_switcher, "language-switcher"),
        (8, lambda t: bool(P.AD_PLACEHOLDER.search(t)), "ad-placeholder"),
        (15, lambda t: bool(P.FULL_VERSION.search(t)), "full-version-link"),
        (30, lambda t: bool(P.PHOTO_CREDIT.search(t)), "photo-credit"),
        (8, lambda t: bool(P.BYLINE.match(t) or P.BYLINE_ROLE.match(t)), "byline"),
        (16, is_timestamp, "timestamp"),
        (100, is_id_code, "id-code"),  # one token; words() splits it at dashes
        (100, lambda t: bool(P.URL_LINE.match(t)), "url-line"),
        (40, lambda t: bool(P.CREDITS.search(t)), "credits-note"),
        (80, lambda t: bool(P.COMMENT_POLICY.search(t)), "comment-policy"),
        (2, lambda t: t.casefold().strip(" .:") in P.CHROME_WORDS, "site-chrome"),
        (12, _is_navigation, "navigation"),
    )
    return next((reason for limit, test, reason in checks if n <= limit and test(text)), None)


@functools.lru_cache(maxsize=16384)  # asked again when an outlet's repeated lines are known
def _is_legal(text: str) -> bool:
    # The lowercased line against the pattern without IGNORECASE: the same matches (its words
    # are all lowercase) at a third of the cost; it runs on every line of every article.
    return P.LEGAL_LOWER.search(text.lower()) is not None


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(tuple(P.TERMINAL_PUNCT))


def _is_body(text: str) -> bool:
    n = word_count(text)
    return n >= 2 * BODY_MIN_WORDS or (n >= BODY_MIN_WORDS and _ends_sentence(text))


def _is_prose(text: str) -> bool:
    """A sentence, however short: kept even above or below the story paragraphs."""
    return word_count(text) >= PROSE_MIN_WORDS and text.rstrip().endswith(
        (".", "!", "?", "…", '"', "”", "»")
    )


def _is_headline(text: str) -> bool:
    n = word_count(text)
    return 2 <= n <= HEADLINE_MAX_WORDS and not text.rstrip().endswith((".", ":", ";", ","))


def _is_heading(text: str) -> bool:
    n = word_count(text)
    first = text.lstrip()[:1]
    return (
        1 <= n <= HEADING_MAX_WORDS
        and not text.rstrip().endswith((".", ":", ";", ",", "!", "?"))
        and (first.isupper() or first.isdigit())
    )


@functools.lru_cache(maxsize=16384)  # asked again when an outlet's repeated lines are known
def collapse_repeats(text: str) -> str | None:
    """The line with a passage printed twice in a row kept once, or None if nothing repeats:
    the whole line doubled ("X X."), or one sentence straight after itself ("A. B. B.")."""
    whole = repeated_prefix(text)
    if whole is not None:
        return whole
    sentences = _SENTENCE_END.split(text.strip())
    kept = [
        s
        for i, s in enumerate(sentences)
        if i == 0 or word_count(s) < 4 or normalise(s) != normalise(sentences[i - 1])
    ]
    return " ".join(kept) if len(kept) < len(sentences) else None


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


def _site_name(
    stripped: list[str], reasons: list[str | None], tail: set[int], legal: list[bool]
) -> int | None:
    """The index of a site-name line: the first line, short, and either named again in a footer
    line or followed by the site's menu (navigation, language switcher, chrome)."""
    first = next((i for i, t in enumerate(stripped) if t), None)
    if first is None or reasons[first] is not None or _ends_sentence(stripped[first]):
        return None
    if word_count(stripped[first]) > SITE_NAME_MAX_WORDS:
        return None
    name = _without_article(stripped[first])
    for i, text in enumerate(stripped):
        footer = i in tail or legal[i] or reasons[i] == "comment-policy"
        if i != first and footer and name in normalise(text):
            return first
    # Without a footer to confirm it, only a name too short to be a headline, printed once.
    if word_count(stripped[first]) > MENU_SITE_NAME_MAX_WORDS:
        return None
    if sum(normalise(t) == normalise(stripped[first]) for t in stripped) > 1:
        return None
    following = [r for r in reasons[first + 1 : first + 4] if r != ""]
    if any(r in ("navigation", "language-switcher", "site-chrome") for r in following):
        return first
    return None


def _without_article(text: str) -> str:
    return re.sub(r"^(the|der|die|das|le|la|les|el|los|las|il|lo)\s+", "", normalise(text))


def classify_lines(
    lines: Sequence[str],
    *,
    title_hint: str | None = None,
    outlet_lines: AbstractSet[str] = frozenset(),
) -> LineDecision:
    """Decide for every line whether it is title, heading, story text or boilerplate (and why)."""
    stripped = [P.BULLET.sub("", line).strip() if line.strip() else "" for line in lines]
    reasons: list[str | None] = []
    for text in stripped:
        if not text:
            reasons.append("")
        elif outlet_lines and normalise(text) in outlet_lines:
            reasons.append("repeated-in-outlet")
        else:
            reasons.append(_pattern_reason(text))

    legal = [bool(t) and word_count(t) <= LEGAL_MAX_WORDS and _is_legal(t) for t in stripped]
    body_idx = [
        i for i, t in enumerate(stripped) if reasons[i] is None and not legal[i] and _is_body(t)
    ]
    first_body = body_idx[0] if body_idx else len(lines)
    last_body = body_idx[-1] if body_idx else -1
    tail = set(range(last_body + 1, len(lines)))
    site = _site_name(stripped, reasons, tail, legal)
    if site is not None:
        reasons[site] = "site-name"

    title_key = normalise(title_hint) if title_hint else None
    title: str | None = title_hint
    if title is None:
        title_at = _pick_title(stripped, reasons, first_body)
        if title_at is not None:
            title, title_key = stripped[title_at], normalise(stripped[title_at])
    title_seen = False
    for i, text in enumerate(stripped):
        if reasons[i] is not None:
            continue
        if title_key is not None and normalise(text) == title_key:
            reasons[i] = "duplicate-title" if title_seen else "title"
            title_seen = True
        elif (i < first_body or i > last_body) and (legal[i] or not _is_prose(text)):
            reasons[i] = "legal" if legal[i] else "site-chrome"

    site_name = _name_as_written(stripped[site], stripped) if site is not None else None
    return _build(lines, stripped, reasons, title, site_name)


def _name_as_written(name: str, stripped: list[str]) -> str:
    """An all-capitals site name in the spelling the text uses elsewhere ("Daily Meridian")."""
    if not name.isupper():
        return name
    pattern = re.compile(re.escape(name), re.IGNORECASE)
    for text in stripped:
        m = pattern.search(text)
        if m and not m.group(0).isupper():
            return m.group(0)
    return name.title()


def _pick_title(stripped: list[str], reasons: list[str | None], first_body: int) -> int | None:
    """The headline above the story: the nearest headline-like line of four or more words
    (a site's name or a section label above it is shorter), else the nearest one."""
    candidates = [
        i
        for i in range(min(first_body + 1, len(stripped)))
        if reasons[i] is None
        and stripped[i]
        and _is_headline(stripped[i])
        and not _is_body(stripped[i])
    ]
    full = [i for i in candidates if word_count(stripped[i]) >= HEADLINE_MIN_WORDS]
    pool = full or candidates
    return pool[-1] if pool else None


def _build(
    lines: Sequence[str],
    stripped: list[str],
    reasons: list[str | None],
    title: str | None,
    site_name: str | None,
) -> LineDecision:
    out: list[Line] = []
    seen: set[str] = set()
    author: str | None = None
    stamps: list[str] = []
    codes: list[str] = []
    urls: list[str] = []
    kept_idx = [i for i, r in enumerate(reasons) if r is None]
    next_kept = dict(itertools.pairwise(kept_idx))
    previous = ""
    for i, raw in enumerate(lines):
        text, reason = stripped[i], reasons[i]
        if reason == "":
            out.append(Line(no=i, text=raw, kind="blank"))
            continue
        if reason == "title":
            out.append(Line(no=i, text=raw, kind="title", clean=text, rule=RULE))
            continue
        if reason is not None:
            if reason == "byline" and author is None:
                m = P.BYLINE.match(text) or P.BYLINE_ROLE.match(text)
                author = m.group("name") if m else None
            stamps += [text] if reason == "timestamp" else []
            if _SIX_DIGITS.search(text):
                codes += [c for t in text.split() if is_id_code(c := t.strip(".,;:()[]"))]
            urls += [text] if reason == "url-line" else []
            out.append(Line(no=i, text=raw, kind="removed", reason=reason, rule=RULE))
            continue
        key = normalise(text)
        if key in seen and (word_count(text) >= DUPLICATE_MIN_WORDS or key == previous):
            out.append(Line(no=i, text=raw, kind="removed", reason="duplicate-line", rule=RULE))
            continue
        seen.add(key)
        previous = key
        once = collapse_repeats(text)
        nxt = next_kept.get(i)
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
    return LineDecision(
        tuple(out), title, author, tuple(stamps), tuple(codes), site_name, tuple(urls)
    )
