"""The ingest stage on text dumps and HTML pages."""

from __future__ import annotations

import pickle

from conftest import TODAY, make_raw

from storyline.ingest.clean import clean_article
from storyline.ingest.html import _PARSER, _visible_lines, lxml_html

PAGE = """<!doctype html><html lang="en"><head>
<title>Dock talks collapse | The Harbour Ledger</title>
<meta property="og:site_name" content="The Harbour Ledger">
<meta property="article:published_time" content="2026-03-14T08:00:00Z">
<meta name="author" content="Jane Roe">
<link rel="canonical" href="https://harbourledger.example/2026/03/14/dock-talks">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<div class="cookie">We use cookies to improve your experience. Accept all cookies</div>
<article><h1>Dock talks collapse</h1>
<p>Negotiations between the port authority and the dockworkers' union collapsed late on Friday,
leaving more than forty ships waiting outside the harbour of Valmere.</p>
<h2>What comes next</h2>
<p>The union said it would hold a ballot on Monday, while the authority asked the regional
government to appoint a mediator before the end of the week.</p>
<p>Photo: Jane Roe / Harbour Agency</p>
</article>
<footer>© 2026 The Harbour Ledger. All rights reserved.</footer>
</body></html>"""


def test_html_page() -> None:
    article = clean_article(make_raw(PAGE, source="p.html", fmt="html"), now=TODAY)
    assert article.title == "Dock talks collapse"
    assert article.outlet == "The Harbour Ledger"
    assert article.author == "Jane Roe"
    assert article.published == "2026-03-14"
    assert article.canonical_url == "https://harbourledger.example/2026/03/14/dock-talks"
    assert "Negotiations between the port authority" in article.text
    assert "What comes next" in article.headings
    assert "cookies" not in article.text
    assert "Photo:" not in article.text
    page_removed = {ln.text for ln in article.removed if ln.origin == "page"}
    assert any("cookies" in t for t in page_removed)


def test_text_dump_fields_from_text() -> None:
    body = (
        "EN | DE | FR\n\nPort strike enters second week\n\nBy Jane Roe\n14 March 2026, 09:12\n\n"
        "The strike at the port of Valmere entered its second week on Saturday, with union "
        "leaders promising to hold out until the authority improves its offer.\n"
        "Anzeige wird geladen...\n© 2026 The Harbour Ledger. All rights reserved."
    )
    article = clean_article(make_raw(body), now=TODAY)
    assert article.title == "Port strike enters second week"
    assert article.author == "Jane Roe"
    assert article.outlet == "The Harbour Ledger"
    assert article.published == "2026-03-14"
    assert article.language == "en"
    assert article.text.startswith("The strike at the port of Valmere")
    assert {ln.reason for ln in article.removed} >= {
        "language-switcher",
        "byline",
        "timestamp",
        "ad-placeholder",
        "legal",
    }
    assert ("Anzeige wird geladen...", "de") in article.foreign_lines


def test_structured_fields_win_and_are_recorded() -> None:
    raw = make_raw(
        "Some body text that is long enough to be a story paragraph, really it is.",
        title="Given title",
        outlet="Wire One",
        published="2026-02-01",
        language="fr",
    )
    article = clean_article(raw, now=TODAY)
    assert (article.title, article.outlet, article.published, article.language) == (
        "Given title",
        "Wire One",
        "2026-02-01",
        "fr",
    )
    assert article.rule_for("outlet") == "json:outlet"


def test_stage_is_pure_and_pickles() -> None:
    raw = make_raw(PAGE, source="p.html", fmt="html")
    a, b = clean_article(raw, now=TODAY), clean_article(raw, now=TODAY)
    assert a == b
    assert pickle.loads(pickle.dumps(a)) == a


def test_fast_dates_read_the_page_metadata_too() -> None:
    raw = make_raw(PAGE, source="p.html", fmt="html")
    fast = clean_article(raw, now=TODAY, extensive_dates=False)
    assert fast.published == "2026-03-14"
    assert fast.text == clean_article(raw, now=TODAY).text


def test_page_lines_one_per_block_without_invisible_text() -> None:
    markup = (
        "<html><head><title>Port news</title><style>p {color: red}</style></head><body>"
        "<div>Harbour Ledger<a href='/'>Home</a> | <a href='/n'>News</a></div>"
        "<p>First <b>bold</b>  words<br>after a break</p><!-- a note --><script>var x;</script>"
        "tail text<svg><text>icon</text></svg><ul><li>one</li><li>two</li></ul> &mdash; "
        "</body></html>"
    )
    tree = lxml_html.fromstring(markup.encode("utf-8"), parser=_PARSER)
    assert _visible_lines(tree) == (
        "Harbour Ledger",
        "Home",
        "News",
        "First bold words",
        "after a break",
        "tail text",
        "one",
        "two",
    )


def test_an_outlets_repeated_lines_go_unless_they_are_the_whole_story() -> None:
    from storyline.ingest.lines import normalise

    story = "The ferry to Brightwater left an hour late on Tuesday."
    chrome = "Subscribe to the Harbour Ledger newsletter today."
    raw = make_raw(f"{story}\n{chrome}\nA second line of the story, also short.", outlet="Ledger")
    seen = {"Ledger": frozenset({normalise(chrome)})}
    kept = clean_article(raw, now=TODAY, outlet_lines=seen).text
    assert story in kept
    assert chrome not in kept
    # every line seen before: a reprint, kept whole rather than emptied
    everything = {"Ledger": frozenset(normalise(line) for line in raw.body.splitlines())}
    whole = clean_article(raw, now=TODAY).text
    assert story in whole
    assert clean_article(raw, now=TODAY, outlet_lines=everything).text == whole
