"""Main text and metadata of an HTML page: trafilatura (which runs htmldate for the date).

The page is parsed once with lxml; trafilatura gets the tree and returns the main text as an
XML body whose `<head>` elements are section headings. The page's other visible text blocks
are returned too, so the lines trafilatura left out can be shown with their reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import html as lxml_html

RULE = "html.trafilatura.v1"
_BLOCKS = (
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "footer",
    "nav",
    "section",
    "article",
    "aside",
    "figcaption",
    "blockquote",
    "td",
    "th",
    "dt",
    "dd",
    "pre",
    "form",
    "button",
    "label",
    "option",
    "br",
    "tr",
    "ul",
    "ol",
    "table",
    "figure",
    "main",
    "a",
)
# As trafilatura's own loader: comments and processing instructions out (a comment inside a
# paragraph would otherwise cut it short).
_PARSER = lxml_html.HTMLParser(
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    collect_ids=False,
    default_doctype=False,
)
_WHOLE_PAGE = re.compile(r"<(html|head|body|!doctype)[\s>]", re.IGNORECASE)
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "head")


@dataclass(frozen=True, slots=True)
class Page:
    """What an HTML page gives: main-text lines (with heading flags) and metadata."""

    lines: tuple[tuple[str, bool], ...]  # (text, is_heading)
    page_lines: tuple[str, ...]  # every visible text block of the page
    title: str | None
    author: str | None
    sitename: str | None
    url: str | None
    date: str | None
    head_title: str | None = None
    fragment: bool = False  # a snippet (a JSON record's html), not a whole page


def extract_page(markup: str, *, url: str | None = None, extensive_dates: bool = True) -> Page:
    """Extract main text and metadata from `markup` (an empty Page when there is none).

    `extensive_dates` runs htmldate's extensive search on the page (as accurate as htmldate
    alone, and about as costly as trafilatura itself); without it the date is the one
    trafilatura's own quick htmldate look-up found (about ten times cheaper, less accurate).
    """
    import trafilatura

    try:
        # Already decoded: tell lxml the bytes are UTF-8 so a <meta charset> cannot re-decode them.
        tree = lxml_html.fromstring(markup.encode("utf-8"), parser=_PARSER)
    except (ValueError, lxml_html.etree.ParserError):
        return Page((), (), None, None, None, url, None)
    doc = trafilatura.bare_extraction(
        tree,  # trafilatura copies a tree it is given
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        # trafilatura's own date look-up is the quick one; the extensive one comes from htmldate
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    document = doc if doc is not None and not isinstance(doc, dict) else None
    if extensive_dates or document is None:
        page_url = url or (document.url if document is not None else None)
        page_date = _find_date(markup, page_url, extensive=extensive_dates)
    else:
        page_date = document.date or None
    page_lines = _visible_lines(tree)
    head_title = " ".join((tree.findtext(".//title") or "").split()) or None
    fragment = not _WHOLE_PAGE.search(markup[:4096])
    if doc is None or isinstance(doc, dict):
        return Page((), page_lines, None, None, None, url, page_date)
    lines: list[tuple[str, bool]] = []
    if doc.body is not None:
        for el in doc.body:
            if el.tag == "list":
                lines += [(_text(item), False) for item in el.iter("item")]
            else:
                lines.append((_text(el), el.tag == "head"))
    return Page(
        lines=tuple((t, h) for t, h in lines if t),
        page_lines=page_lines,
        title=doc.title or None,
        author=doc.author or None,
        sitename=doc.sitename or None,
        url=doc.url or url,
        date=page_date,
        head_title=head_title,
        fragment=fragment,
    )


def _find_date(markup: str, url: str | None, *, extensive: bool) -> str | None:
    """htmldate on the page as given, exactly as one would call it alone (original date):
    the publication-date evaluation compares against that call."""
    from htmldate import find_date

    try:
        found = find_date(markup, url=url, original_date=True, extensive_search=extensive)
    except (ValueError, TypeError):  # htmldate refuses some malformed pages
        return None
    return str(found) if found else None


def _text(el: object) -> str:
    # Pieces joined with a space: line breaks and table cells must not glue words together.
    return " ".join(" ".join(el.itertext()).split())  # type: ignore[attr-defined]


def _visible_lines(tree: object) -> tuple[str, ...]:
    """The page's visible text, one line per block element, in document order."""
    chunks: list[str] = []

    def walk(el: object) -> None:
        tag = getattr(el, "tag", None)
        if not isinstance(tag, str) or tag in _INVISIBLE:
            return
        block = tag in _BLOCKS
        if block:
            chunks.append("\n")
        if el.text:  # type: ignore[attr-defined]
            chunks.append(el.text)  # type: ignore[attr-defined]
        for child in el:  # type: ignore[attr-defined]
            walk(child)
            if child.tail:
                chunks.append(child.tail)
        if block:
            chunks.append("\n")

    body = tree.find(".//body")  # type: ignore[attr-defined]
    walk(body if body is not None else tree)
    lines = (" ".join(line.split()) for line in "".join(chunks).split("\n"))
    return tuple(line for line in lines if line and re.search(r"\w", line))
