"""The web UI in a real browser: Playwright driving Debian's chromium (never a downloaded
browser), headless, against the server of tests/test_web.py.

A walk home → story → article → speaker page, with screenshots saved under
build/test-artefacts/; an injected script must not run; and accessibility basics on every
kind of page: one h1, `main` and `nav` landmarks, a labelled search box, a `lang` attribute,
text contrast of at least 4.5:1. Skips with a message when chromium or Playwright is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_web import WebSite, stop_web_site, web_site

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTEFACTS = Path(__file__).resolve().parents[1] / "build" / "test-artefacts"
MIN_CONTRAST = 4.5  # WCAG AA for body text

# The lowest contrast between an element's text colour and the background it is drawn on
# (the first opaque background among its ancestors), over every element with its own text.
CONTRAST_JS = """() => {
  const rgb = s => s.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  let worst = {ratio: 21, text: ""};
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < worst.ratio) worst = {ratio, text: el.tagName + ": " + el.textContent.slice(0, 60)};
  }
  return worst;
}"""


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebSite]:
    """The server of tests/test_web.py (the same one when both modules run)."""
    yield web_site(tmp_path_factory)
    stop_web_site()


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    """A headless chromium page."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent: `make test` installs Debian's chromium (as root)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser.new_page(viewport={"width": 1280, "height": 900})
        browser.close()


def _shot(page: Any, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"web-{name}.png"), full_page=True)


def test_walk_home_story_article_speaker(page: Any, site: WebSite) -> None:
    page.goto(site.url + "/")
    assert page.locator("h1").inner_text() == "Stories"
    _shot(page, "1-home")

    page.get_by_role("link", name="largest").click()
    page.locator("table.stories tbody tr th a").first.click()
    assert page.url.startswith(site.url + "/story/S")
    assert page.locator("#sources .card").count() >= 3
    assert page.locator("svg.chart").count() >= 3  # timeline, coverage by outlet and language
    _shot(page, "2-story")

    page.locator("#sources .card a", has_text="Jonas Falk").first.click()
    assert "/article/" in page.url
    assert "We should have picked up the phone" in page.locator("h1").inner_text()
    assert page.locator(".text .hl.quote").count() > 0
    assert page.locator(".text .hl.time").count() > 0
    assert not page.locator("details table").is_visible()  # boilerplate behind a toggle
    page.locator("details summary").click()
    assert page.locator("details table").is_visible()
    _shot(page, "3-article")

    page.locator("section", has_text="Quotes").locator("table a", has_text="Falk").first.click()
    assert "/entity/" in page.url
    assert page.locator("h1").inner_text() == "Jonas Falk"
    assert page.locator("ul.quotes blockquote").count() > 0
    _shot(page, "4-speaker")


def test_an_injected_script_does_not_run(page: Any, site: WebSite) -> None:
    page.goto(f"{site.url}/article/{site.xss_id}")
    assert "<script>window.__xss = true</script>" in page.locator("h1").inner_text()
    assert page.evaluate("() => window.__xss") is None
    page.goto(f"{site.url}/?q=quay")
    assert page.evaluate("() => window.__xss") is None


@pytest.mark.parametrize("path", ["/", "/?q=Corvane", "/story", "/article", "/entity", "/entities"])
def test_accessibility_basics(page: Any, site: WebSite, path: str) -> None:
    if path in {"/story", "/article", "/entity"}:  # the first such link on the home/entity pages
        page.goto(site.url + ("/entities" if path == "/entity" else "/?q=Falk"))
        if path == "/story":
            page.goto(site.url + "/")
        page.locator(f'main a[href^="{path}/"]').first.click()
    else:
        page.goto(site.url + path)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1
    assert page.get_by_role("navigation", name="Main").count() == 1
    assert page.get_by_role("searchbox", name="Search articles").count() == 1
    for chart in page.locator("svg.chart").all():
        assert chart.get_attribute("role") == "img"
        assert chart.locator("title").count() >= 1
    worst = page.evaluate(CONTRAST_JS)
    assert worst["ratio"] >= MIN_CONTRAST, worst
