"""Quote marks → quoted spans, in every style, tolerant of apostrophes and unbalanced marks.

One linear scan over the quote-mark characters. Each mark is read from its neighbours (an opening
mark has space or the paragraph start before it and a word after it; a closing mark the reverse),
and marks are paired with a stack, so nested quotes ("... fakes about "X", "Y" of ...") pair
correctly. `’` and `'` between letters are apostrophes; after a word they close a single quote
only when one is open. Quotes do not cross paragraphs, except the news convention: a paragraph
that opens a quote and does not close it continues into the next paragraph when that one opens
with a quote mark. A closing mark with no opener quotes back to the start of its sentence (a
cut-off or mistyped text), an opener never closed quotes to the end of its paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKS_RE = re.compile("[\"“”„‟«»‹›‘’‚']")
CLOSERS = {  # opening mark -> the marks that may close it
    "„": "“”",
    "«": "»",
    "‹": "›",
    "‚": "‘’",
    "“": '”"“',
    "‘": "’'",
    '"': '"',
    "'": "'",
}
DOUBLE = frozenset('"“”„‟«»')
SENTENCE_START_RE = re.compile(r"[.!?…]\s+(?=[^\s])")


@dataclass(frozen=True, slots=True)
class Span:
    """A quoted span: `start`/`end` are the content (without marks); `orphan` if half-marked."""

    start: int
    end: int
    open_at: int  # index of the opening mark, or -1
    close_at: int  # index of the closing mark, or -1
    orphan: bool = False


def _is_space(ch: str) -> bool:
    return ch == "" or ch.isspace() or ch in "([{—–-/"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding space and the trailing comma that belongs to the sentence."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


def _role(text: str, i: int, stack: list[tuple[str, int]]) -> str:
    """'open', 'close' or '' (an apostrophe or a stray mark) for the mark at `i`."""
    ch = text[i]
    prev = text[i - 1] if i > 0 else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    top = stack[-1][0] if stack else ""
    closes_top = bool(top) and ch in CLOSERS.get(top, "")
    if ch in "„«‹‚":
        return "open"
    if ch in "»›":
        return "close" if top in "«‹" and top else ""
    left_open = _is_space(prev) or prev in "\"“„«‘‚'"
    word_after = not _is_space(nxt)
    if ch in "’'" and prev.isalnum() and nxt.isalnum():
        return ""  # don't, Moscow’s
    if ch in "‘’'" and not stack and not (left_open and word_after):
        return ""  # a lone apostrophe (Dockers’ union), never a closing quote
    if closes_top and not (left_open and word_after):
        return "close"
    if left_open and word_after:
        return "open"
    if ch in '”"' and prev and not prev.isspace():
        return "close"  # an orphan: the opening mark is missing
    return ""


def quote_spans(text: str) -> list[Span]:
    """All outermost quoted spans of `text`, in order (nested quotes are inside their outer)."""
    spans: list[Span] = []
    stack: list[tuple[str, int]] = []
    para_start = 0
    last_close = 0  # end of the last closed quote or paragraph start: orphan quotes start after
    pending: tuple[int, int] | None = None  # an unclosed quote continuing into this paragraph
    for m in MARKS_RE.finditer(text):
        i = m.start()
        para_end = text.find("\n", para_start, i)
        if para_end >= 0:
            pending = _end_paragraph(text, stack, spans, para_start, para_end, pending, i)
            stack.clear()
            para_start = last_close = text.rfind("\n", para_start, i) + 1
        role = _role(text, i, stack)
        if role == "open":
            stack.append((text[i], i))
        elif role == "close" and stack:
            _, at = stack.pop()
            if not stack:
                start, open_at = _continued(text, pending, para_start, at)
                pending = None
                spans.append(Span(*_trim(text, start, i), open_at=open_at, close_at=i))
                last_close = i + 1
        elif role == "close" and text[i] in DOUBLE:
            start = _orphan_start(text, last_close, i)
            spans.append(Span(*_trim(text, start, i), open_at=-1, close_at=i, orphan=True))
            last_close = i + 1
    end = len(text)
    _end_paragraph(text, stack, spans, para_start, end, pending, end)
    return [s for s in spans if s.end > s.start]


def _continued(
    text: str, pending: tuple[int, int] | None, para_start: int, at: int
) -> tuple[int, int]:
    """(content start, opening mark) of a quote opened at `at`, joined to a pending one."""
    if pending and not text[para_start:at].strip():
        return pending
    return at + 1, at


def _orphan_start(text: str, lo: int, close_at: int) -> int:
    """Where a quote with no opening mark starts: its paragraph's start or, after an earlier
    quote and its attribution, the next sentence start."""
    if lo == 0 or text[lo - 1] == "\n":
        return lo
    m = SENTENCE_START_RE.search(text, lo, close_at)
    return m.end() if m else lo


def _end_paragraph(
    text: str,
    stack: list[tuple[str, int]],
    spans: list[Span],
    para_start: int,
    para_end: int,
    pending: tuple[int, int] | None,
    next_mark: int,
) -> tuple[int, int] | None:
    """Close what the paragraph left open; return the quote that continues, if any."""
    outer = next((entry for entry in stack if entry[0] in DOUBLE), None)
    if pending and not outer:
        spans.append(
            Span(
                *_trim(text, pending[0], para_start - 1),
                open_at=pending[1],
                close_at=-1,
                orphan=True,
            )
        )
        pending = None
    if outer is None:
        return pending
    ch, at = outer
    start, open_at = _continued(text, pending, para_start, at)
    next_para = para_end + 1
    continues = (
        next_mark < len(text)
        and text[next_para:next_mark].strip() == ""
        and (text[next_mark] == ch or text[next_mark] in '“„«"')
    )
    if continues:
        return (start, open_at)
    spans.append(Span(*_trim(text, start, para_end), open_at=open_at, close_at=-1, orphan=True))
    return None
