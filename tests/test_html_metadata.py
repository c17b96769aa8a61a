"""HTML metadata and re-cleaning: storyline's shortened trafilatura metadata and the page reuse.

`html._metadata` runs trafilatura's own metadata steps without those storyline does not use;
these tests pin it to `trafilatura.metadata.extract_metadata` on every example page, so a
trafilatura upgrade that changes those steps fails here rather than silently.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TODAY, make_raw
from test_clean import PAGE
from trafilatura.metadata import extract_metadata

from storyline.ingest.clean import clean_article, read_page
from storyline.ingest.decode import decode
from storyline.ingest.html import _PARSER, _metadata, lxml_html

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
    ours = _metadata(tree, url)
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
