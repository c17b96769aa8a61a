"""Main text and metadata of an HTML page: trafilatura for text and metadata, htmldate for the date.

The page is parsed once with lxml; trafilatura gets the tree (in its fast mode) and returns the
main text as an XML body whose `<head>` elements are section headings; its metadata steps run
on the same tree (metadata.py), and htmldate on the same parse. The page's other visible text
blocks are returned too, so the lines trafilatura left out can be shown with their reason.
"""

from __future__ import annotations

import functools
import logging
import re
from copy import copy, deepcopy
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from storyline.ingest.metadata import page_metadata

if TYPE_CHECKING:
    from trafilatura.settings import Extractor

log = logging.getLogger(__name__)

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
# As htmldate's own loader: comments kept (a date may be written in one).
_DATE_PARSER = lxml_html.HTMLParser(
    encoding="utf-8",
    remove_pis=True,
    collect_ids=False,
    default_doctype=False,
)
# Every element an HtmlElement, chosen in C. lxml.html's own lookup calls into Python for each
# element Python touches (about a sixth of the time of trafilatura's extraction and our steps
# on the tree) only to give form controls classes of their own, which nothing here uses.
for _parser in (_PARSER, _DATE_PARSER):
    _parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=HtmlElement,
            comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction,
            entity=lxml_html.HtmlEntity,
        )
    )
_WHOLE_PAGE = re.compile(r"<(html|head|body|!doctype)[\s>]", re.IGNORECASE)
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "head")
_WORD_CHAR = re.compile(r"\w")


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
    alone); without it, htmldate's quick look-up as trafilatura makes it (cheaper, less
    accurate).
    """
    import trafilatura

    try:
        tree, dated = _parse(markup, for_dates=extensive_dates)
    except (ValueError, lxml_html.etree.ParserError):
        return Page((), (), None, None, None, url, None)
    options = copy(_extractor())
    options.url = options.source = url
    doc = trafilatura.bare_extraction(tree, options=options)  # it copies a tree it is given
    document = doc if doc is not None and not isinstance(doc, dict) else None
    meta = page_metadata(tree, url) if document is not None else None
    if meta is None or extensive_dates:
        page_url = url or (meta.url if meta is not None else None)
        given = dated if dated is not None else markup
        page_date = _find_date(given, page_url, extensive=extensive_dates)
    else:  # the quick look-up trafilatura itself would make, on its tree
        page_date = _find_date(tree, meta.url, extensive=False)
    page_lines = _visible_lines(tree)
    head_title = " ".join((tree.findtext(".//title") or "").split()) or None
    fragment = not _WHOLE_PAGE.search(markup[:4096])
    if document is None or meta is None:
        return Page((), page_lines, None, None, None, url, page_date)
    lines: list[tuple[str, bool]] = []
    if document.body is not None:
        for el in document.body:
            if el.tag == "list":
                lines += [(_text(item), False) for item in el.iter("item")]
            else:
                lines.append((_text(el), el.tag == "head"))
    return Page(
        lines=tuple((t, h) for t, h in lines if t),
        page_lines=page_lines,
        title=meta.title or None,
        author=meta.author or None,
        sitename=meta.sitename or None,
        url=meta.url or url,
        date=page_date,
        head_title=head_title,
        fragment=fragment,
    )


@functools.cache
def _extractor() -> Extractor:
    """trafilatura's options, built once (reading its settings costs about 0.1 ms a page);
    each page gets a copy with its URL, as trafilatura's own command line does."""
    from trafilatura.settings import Extractor

    return Extractor(
        # Without the readability/justext comparison: about a third of trafilatura's time, and
        # our line classifier does the cleaning it would (`storyline eval extraction`: F1
        # 0.9641 fast vs 0.9616 with it; 5 of 181 pages differ, 3 better, 2 worse).
        fast=True,
        comments=False,
        tables=True,
        # The XML body as it is: its plain-text rendering (format "python") goes unused.
        output_format="xml",
    )


def _parse(markup: str, *, for_dates: bool) -> tuple[HtmlElement, HtmlElement | None]:
    """The page's tree without comments, and (`for_dates`) the tree htmldate would make of
    `markup` itself, comments kept; None where htmldate would make another (a page it repairs
    first or refuses, a snippet): it is then given the markup, to parse as it does.

    The page is parsed once: ours is htmldate's tree itself when the page has no comments
    (trafilatura and htmldate copy a tree before they change it, our steps only read it), else a
    copy of it with its comments stripped: the same tree as parsing without them (every
    element, text and tail alike on the 1,389 pages of examples/ and ../shared), at about a
    third of the cost of a second parse.
    """
    from htmldate.utils import repair_faulty_html

    # Already decoded: tell lxml the bytes are UTF-8 so a <meta charset> cannot re-decode them.
    data = markup.encode("utf-8")
    if for_dates:
        try:
            dated = lxml_html.fromstring(data, parser=_DATE_PARSER)
        except (ValueError, lxml_html.etree.ParserError):
            dated = None
        beginning = markup[:50].lower()
        if (
            dated is not None
            and isinstance(dated.tag, str)
            and dated.getparent() is None  # a whole page, not a snippet inside a wrapper
            and ("html" in beginning or len(dated) >= 2)  # a page htmldate does not refuse
            and repair_faulty_html(markup, beginning) == markup
        ):
            if not _has_comments(dated):  # one tree for both: neither changes it
                return dated, dated
            tree = deepcopy(dated)
            etree.strip_elements(tree, etree.Comment, with_tail=False)
            return tree, dated
    return lxml_html.fromstring(data, parser=_PARSER), None


def _has_comments(root: HtmlElement) -> bool:
    """Whether a document has a comment, inside its root element or beside it."""
    return any(
        next(nodes, None) is not None
        for nodes in (
            root.iter(etree.Comment),
            root.itersiblings(etree.Comment, preceding=True),
            root.itersiblings(etree.Comment),
        )
    )


def _find_date(markup: str | HtmlElement, url: str | None, *, extensive: bool) -> str | None:
    """htmldate on the page, exactly as one would call it alone (original date): the
    publication-date evaluation compares against that call. Given a tree, htmldate copies it
    before it prunes. (Not on our tree, which has no comments: on that, htmldate dates 3 of its
    999 test pages differently.)"""
    from htmldate import find_date

    if isinstance(markup, str) and markup.startswith("http") and " " not in markup:
        return None  # htmldate would download it: ingest fetches nothing (live/ does, guarded)
    try:
        found = find_date(markup, url=url, original_date=True, extensive_search=extensive)
    except (ValueError, TypeError):  # htmldate refuses some malformed pages
        return None
    return str(found) if found else None


def _text(el: object) -> str:
    # Pieces joined with a space: line breaks and table cells must not glue words together.
    return " ".join(" ".join(el.itertext()).split())  # type: ignore[attr-defined]


def _visible_lines(tree: HtmlElement) -> tuple[str, ...]:
    """The page's visible text, one line per block element, in document order."""
    body = tree.find(".//body")
    text = str(_visible_text()(body if body is not None else tree))
    return tuple(" ".join(line.split()) for line in text.split("\n") if _WORD_CHAR.search(line))


@functools.cache
def _visible_text() -> etree.XSLT:
    """An XSLT walk (in C: a third of the time of the same walk in Python) giving the text of
    a tree without its invisible elements, a line break before and after each block element."""
    return etree.XSLT(
        etree.XML(
            f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
              <xsl:output method="text" encoding="utf-8"/>
              <xsl:template match="{"|".join(_INVISIBLE)}"/>
              <xsl:template match="{"|".join(_BLOCKS)}">
                <xsl:text>&#10;</xsl:text><xsl:apply-templates/><xsl:text>&#10;</xsl:text>
              </xsl:template>
            </xsl:stylesheet>"""
        )
    )
