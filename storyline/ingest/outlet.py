"""Which outlet published an article: from metadata, the text itself, or the URL.

In order of trust: a structured field (JSON `outlet`, HTML site name); a copyright line
("© 2026 The Harbour Ledger"); a wire tag opening the lede ("(MENAFN) ...", "PARIS (AFP) -");
the letter prefix of an id code that the text also names; the URL's host. A wire service the
text merely cites ("Reuters reports") is a source, not the outlet, and is not taken.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

_COPYRIGHT = re.compile(
    r"(?:©|\([cC]\)|(?i:copyright))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*"
    r"(?P<name>[A-Z][\w&'’.-]*(?:\s+(?:[A-Z][\w&'’.-]*|of|de|du|der|die|la|le|el)){0,5})"
)
_WIRE_TAG = re.compile(
    r"^(?:[A-ZÀ-Þ][\w .'-]{0,30}\s)?\((?P<name>[A-Z][A-Za-z0-9&.-]{1,20})\)\s*[-–—]?\s"
)
_TITLE_SEPARATORS = re.compile(r"\s+[|–—:·-]\s+|\s*::\s*")
_NOT_NAMES = frozenset({"all", "rights", "reserved", "the", "photo", "foto"})


def outlet_from_text(
    body_lines: Sequence[str], removed_lines: Sequence[str], id_codes: Sequence[str]
) -> tuple[str | None, str, str]:
    """(outlet, rule, evidence) found in the text, or (None, "", "")."""
    for line in removed_lines:
        m = _COPYRIGHT.search(line)
        if m and m["name"].casefold() not in _NOT_NAMES:
            name = re.split(r"\s*[.,;|]\s|\s+(?:all|alle|tous|todos)\s", m["name"], maxsplit=1)[0]
            return name.strip(" ."), "outlet.copyright-line", line.strip()
    for line in body_lines[:3]:
        m = _WIRE_TAG.match(line.strip())
        if m:
            return m["name"], "outlet.wire-tag", line.strip()[:80]
    text = "\n".join([*body_lines, *removed_lines])
    for code in id_codes:
        prefix = re.match(r"[A-Za-z]{3,}", code)
        if prefix and re.search(rf"(?<!\w){re.escape(prefix.group(0))}(?!\w)", text):
            return prefix.group(0), "outlet.id-code-prefix", code
    return None, "", ""


def outlet_from_head_title(head_title: str | None, title: str | None) -> str | None:
    """The site name in a page's <title> ("Headline | Site" or "Site - Headline")."""
    if not head_title or not title:
        return None
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(head_title) if p.strip()]
    if len(parts) < 2:
        return None
    key = title.casefold().strip()
    if parts[0].casefold() == key or key.startswith(parts[0].casefold()):
        return parts[-1]
    if parts[-1].casefold() == key:
        return parts[0]
    return None


def outlet_from_url(url: str | None) -> str | None:
    """The host of a URL without "www.", as the outlet of last resort."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None
