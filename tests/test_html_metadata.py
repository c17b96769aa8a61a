"""HTML metadata and re-cleaning: storyline's shortened trafilatura metadata and the page reuse.

`metadata.page_metadata` runs trafilatura's own metadata steps without those storyline does not
use, and its author and title expressions without `re:test`; these tests pin it to
`trafilatura.metadata.extract_metadata` on every example page (and the expressions to
trafilatura's), so a trafilatura upgrade that changes those steps fails here rather than
silently. The page is parsed once for trafilatura and htmldate: the tests check the tree and
the date are what two parses gave.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import TODAY, make_raw
from htmldate import find_date
from lxml import etree
from test_clean import PAGE
from trafilatura.metadata import extract_metadata
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS, TITLE_XPATHS

from storyline.ingest.clean import clean_article, read_page
from storyline.ingest.decode import decode
from storyline.ingest.html import _PARSER, _find_date, _parse, extract_page, lxml_html
from storyline.ingest.metadata import (
    _author_hints,
    _expressions,
    _words,
    page_metadata,
    plain_xpath,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NO_META = "<html><head><title>Port reopens</title></head><body><p>Text.</p></body></html>"
MARKUP = {
    "inline-page": PAGE,
    "no-meta": NO_META,
    **{
        p.name: decode(p.read_bytes(), path=str(p), html=True)[0]
        for p in sorted(EXAMPLES.rglob("*.htm*"))
    },
}


@pytest.mark.parametrize("url", [None, "https://example.org/2026/03/14/story.html"])
@pytest.mark.parametrize("name", sorted(MARKUP))
def test_metadata_as_trafilatura(name: str, url: str | None) -> None:
    markup = MARKUP[name]
    tree = lxml_html.fromstring(markup.encode("utf-8"), parser=_PARSER)
    ours = page_metadata(tree, url)
    theirs = extract_metadata(tree, url, {"extensive_search": False, "original_date": True})
    assert (ours.title, ours.author, ours.sitename, ours.url) == (
        theirs.title,
        theirs.author,
        theirs.sitename,
        theirs.url,
    )


def test_clean_again_from_page() -> None:
    raw = make_raw(PAGE, source="p.html", fmt="html")
    page = read_page(raw)
    assert page is not None
    assert clean_article(raw, now=TODAY, page=page) == clean_article(raw, now=TODAY)
    assert read_page(make_raw("Plain text.\n", source="a.txt")) is None


# Elements carrying each word of trafilatura's `re:test` patterns, near misses and case
# variants, so that the plain expressions meet every alternative.
CLASSES = (
    "author-name authorname AuthorName authorName Author byline Byline screenname writer "
    "channel-name zuozhe bianji xiaobian submitted-by posted-by journalist-name post-title "
    "entry-title article-title post__title headline commentlist comments-list sidebar is-hidden "
    "quote embedly-instagram article-share article-support print category meta-date "
    "meta-reviewer Comments-box comments-box xcomments AUTHOR auth-or by-line posttitle"
).split()
TAGS = ("a", "div", "span", "p", "h1", "h2", "h3", "h4", "section", "strong", "address", "li")
PROBE = "<html><head><title>t</title></head><body>{}</body></html>".format(
    "".join(
        f'<{tag} class="x {c}">{c}</{tag}><{tag} id="{c}-1">{c}</{tag}>'
        for tag in TAGS
        for c in CLASSES
    )
)


@pytest.mark.parametrize("name", sorted({**MARKUP, "probe": PROBE}))
def test_plain_expressions_select_what_trafilaturas_do(name: str) -> None:
    markup = {**MARKUP, "probe": PROBE}[name]
    tree = lxml_html.fromstring(markup.encode("utf-8"), parser=_PARSER)
    theirs = [*TITLE_XPATHS, *AUTHOR_DISCARD_XPATHS, *AUTHOR_XPATHS]
    ours = [x for group in _expressions() for x in group]
    assert all("re:" not in x.path for x in ours)  # all written out: none left slow
    assert _author_hints() is not None  # every part of the author expressions understood
    for their, our in zip(theirs, ours, strict=True):
        assert our(tree) == their(tree), their.path


def test_regex_words() -> None:
    assert _words("author-?name|[Aa]uthor") == ["authorname", "author-name", "Author", "author"]
    assert _words("^comments|article-(?:share|support)") == [
        "^comments",
        "article-share",
        "article-support",
    ]
    for pattern in ("a.b", "a*", "[a-z]", "x$", "(a|b)", "a\\d", "(?:^a)"):
        with pytest.raises(ValueError, match=re.escape(pattern)):
            _words(pattern)
    regex = {"re": "http://exslt.org/regular-expressions"}
    kept = plain_xpath(etree.XPath("//*[re:test(@class, 'a+')]", namespaces=regex))
    assert "re:test" in kept.path  # not a plain alternation: left to the regex


DATED = (
    "<!DOCTYPE html>\n<html><head><title>Harbour</title></head><body>\n"
    "<!-- published 2025-11-03 --><p>The port reopened on Monday after a week of talks.</p>\n"
    "<p>Ships waiting outside the harbour began to move in the early hours of the morning.</p>"
    "</body></html>\n"
)


ODD = {
    "dated-comment": DATED,
    "snippet": "<p>The port reopened on Monday, 3 November 2025, after a week of talks.</p>",
    "one-line": DATED.replace("\n", ""),  # htmldate repairs its doctype line: it parses alone
    "comment-before-root": "<!-- 2024-01-05 -->\n" + DATED,
}


@pytest.mark.parametrize("name", sorted({**MARKUP, **ODD}))
def test_one_parse_gives_both_trees(name: str) -> None:
    markup = {**MARKUP, **ODD}[name]
    tree, dated = _parse(markup, for_dates=True)
    alone = lxml_html.fromstring(markup.encode("utf-8"), parser=_PARSER)
    assert etree.tostring(tree, method="c14n") == etree.tostring(alone, method="c14n")
    want = find_date(markup, original_date=True, extensive_search=True)
    assert _find_date(markup if dated is None else dated, None, extensive=True) == want


def test_date_in_a_comment_as_htmldate_alone() -> None:
    assert extract_page(DATED).date == find_date(DATED, original_date=True) == "2025-11-03"


def test_markup_that_is_a_url_is_not_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    # htmldate downloads a string that looks like a URL; ingest must not
    fetched: list[str] = []
    monkeypatch.setattr("htmldate.utils.fetch_url", fetched.append)
    assert extract_page("http://169.254.169.254/latest/meta-data").date is None
    assert fetched == []
