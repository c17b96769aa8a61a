"""The web UI and API against a real server: uvicorn on a free loopback port, over a store the
real pipeline filled from one story of examples/ plus an article carrying a <script>.

`web_site()` is shared with tests/test_web_browser.py (built once per session).
"""

from __future__ import annotations

import json
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from click.testing import CliRunner

from storyline.pipeline import run_pipeline
from storyline.store.db import open_store
from storyline.web.app import create_app
from storyline.web.data import Site
from storyline.web.highlight import Mark, paragraphs
from storyline.web.svg import timeline_chart

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
# One story of the examples (the Corvane recall: English, German and Spanish reports, a speaker
# quoted by several outlets), small enough to run through the whole pipeline in seconds.
STORY_FILES = (
    "dumps/0001.txt",
    "dumps/0009.txt",
    "dumps/0012.txt",
    "dumps/0015.txt",
    "northgatecourier_corvane-chief.html",
    "pharmawatch_lumexil-recall.html",
    "nw-abendpost/corvane-anhoerung.html",
)
COMPARISON_WAIT_S = 600  # the comparison embeds every sentence of the story, in the background
SCRIPT = "<script>window.__xss = true</script>"
XSS_ARTICLE = {
    "id": "xss-1",
    "title": f"Quay reopens {SCRIPT} after repairs",
    "outlet": "Test <b>Outlet</b>",
    "published": "2026-03-04",
    "language": "en",
    "text": (
        "The Valmere port authority said on Wednesday that the north quay would reopen on "
        f"Monday after three weeks of repairs {SCRIPT} to its cranes and mooring posts.\n\n"
        'Harbour master Lena Ortiz told reporters: "The quay is safe again <img src=x '
        'onerror="window.__xss = true">, and the ships can come back."\n\n'
        "Repairs cost about 2 million euros, the authority said, and were paid by the city."
    ),
}


@dataclass
class WebSite:
    """A running server over a filled store."""

    url: str
    db: Path
    server: uvicorn.Server
    thread: threading.Thread
    xss_id: str


_RUNNING: dict[str, WebSite] = {}


def _serve(db: Path) -> tuple[str, uvicorn.Server, threading.Thread]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


def web_site(tmp_path_factory: pytest.TempPathFactory) -> WebSite:
    """The session's server (started on first use)."""
    if "site" not in _RUNNING:
        root = tmp_path_factory.mktemp("web")
        xss = root / "xss.json"
        xss.write_text(json.dumps(XSS_ARTICLE), encoding="utf-8")
        db = root / "web.db"
        store = open_store(db)
        report = run_pipeline([str(EXAMPLES / f) for f in STORY_FILES] + [str(xss)], store)
        assert report.ingest.ok, report.ingest.errors
        xss_id = store.conn.execute(
            "SELECT id FROM articles WHERE source LIKE '%xss.json%'"
        ).fetchone()[0]
        store.close()
        url, server, thread = _serve(db)
        _RUNNING["site"] = WebSite(url, db, server, thread, xss_id)
    return _RUNNING["site"]


def stop_web_site() -> None:
    """Stop the session's server (idempotent)."""
    site = _RUNNING.pop("site", None)
    if site is not None:
        site.server.should_exit = True
        site.thread.join(timeout=10)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebSite]:
    """The running server over the filled store."""
    yield web_site(tmp_path_factory)
    stop_web_site()


@pytest.fixture(scope="session")
def client(site: WebSite) -> Iterator[httpx.Client]:
    """An HTTP client for the server."""
    with httpx.Client(base_url=site.url, timeout=120) as c:
        yield c


def _links(html: str, prefix: str) -> list[str]:
    return re.findall(rf'href="({re.escape(prefix)}[^"#]+)"', html)


def _story_of(client: httpx.Client, article_id: str) -> str:
    story: str = client.get(f"/api/articles/{article_id}").json()["story_id"]
    return story


def test_api_serves_the_data_with_an_openapi_schema(client: httpx.Client, site: WebSite) -> None:
    schema = client.get("/api/openapi.json").json()
    for path in (
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/articles/{article_id}",
        "/api/entities",
        "/api/entities/{entity_id}",
        "/api/search",
    ):
        assert "get" in schema["paths"][path], path
    assert schema["components"]["schemas"]["StorySummary"]["properties"]["articles"]

    stories = client.get("/api/stories", params={"sort": "size"}).json()
    assert stories[0]["articles"] >= 3
    assert sum(s["articles"] for s in stories) == len(STORY_FILES) + 1
    story = client.get(f"/api/stories/{stories[0]['id']}").json()
    assert sum(len(e["articles"]) for e in story["events"]) == stories[0]["articles"]
    assert story["timeline"]["entries"]
    assert story["comparison_status"] in {"absent", "pending", "ready", "failed"}

    article = client.get(f"/api/articles/{site.xss_id[:8]}").json()
    assert article["id"] == site.xss_id
    assert SCRIPT in article["text"]  # the API returns data as stored; escaping is the page's job
    entities = client.get("/api/entities").json()
    falk = next(e for e in entities if e["name"] == "Jonas Falk")
    assert client.get(f"/api/entities/{falk['id']}").json()["quotes"]


def test_pages_link_to_what_they_mention(client: httpx.Client) -> None:
    home = client.get("/").text
    top = client.get("/api/stories", params={"sort": "size"}).json()[0]
    assert f'href="/story/{top["id"]}"' in home
    story = client.get(f"/story/{top['id']}").text
    ids = {
        a["id"]
        for e in client.get(f"/api/stories/{top['id']}").json()["events"]
        for a in e["articles"]
    }
    assert {f"/article/{i}" for i in ids} <= set(_links(story, "/article/"))
    assert _links(story, "/entity/")  # quotes by speaker link to the speaker
    article = client.get(f"/article/{min(ids)}").text
    assert f'href="/story/{top["id"]}"' in article
    entity = client.get(_links(client.get("/entities").text, "/entity/")[0]).text
    assert _links(entity, "/story/")
    assert _links(entity, "/article/")


def test_article_page_highlights_and_shows_claims_and_boilerplate(client: httpx.Client) -> None:
    found = client.get("/api/search", params={"q": '"picked up the phone"'}).json()
    page = client.get(f"/article/{found[0]['id']}").text
    assert 'class="hl entity"' in page
    assert "hl quote" in page
    assert "hl time" in page
    assert re.search(r'<a href="/entity/\d+">Falk</a>', page)
    assert "<details>" in page
    assert "removed line" in page
    assert "Date claims" in page
    assert "chosen" in page


def test_script_in_an_article_is_escaped(client: httpx.Client, site: WebSite) -> None:
    pages = [
        client.get(f"/article/{site.xss_id}").text,
        client.get("/", params={"q": "quay"}).text,
        client.get(f"/story/{_story_of(client, site.xss_id)}").text,
    ]
    for html in pages:
        assert "<script" not in html
        assert "<img" not in html
        assert "<b>Outlet" not in html
    assert "&lt;script&gt;window.__xss = true&lt;/script&gt;" in pages[0]
    assert "Test &lt;b&gt;Outlet&lt;/b&gt;" in pages[0]


def test_every_page_forbids_scripts_and_other_origins(client: httpx.Client) -> None:
    for path in ("/", "/entities", "/api/health", "/static/style.css"):
        csp = client.get(path).headers["content-security-policy"]
        assert "default-src 'none'" in csp
        assert "script-src" not in csp


def test_pages_are_sent_gzipped_to_clients_that_take_it(site: WebSite) -> None:
    zipped = httpx.get(f"{site.url}/", headers={"accept-encoding": "gzip"})
    plain = httpx.get(f"{site.url}/", headers={"accept-encoding": "identity"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert zipped.text == plain.text  # httpx unzips: the same page
    assert int(zipped.headers["content-length"]) < int(plain.headers["content-length"])


def test_story_page_shows_the_comparison_once_computed(client: httpx.Client) -> None:
    largest = client.get("/api/stories", params={"sort": "size"}).json()[0]
    url = f"/story/{largest['id']}"
    html = client.get(url).text
    deadline = time.monotonic() + COMPARISON_WAIT_S
    while 'id="corroboration-h"' not in html and time.monotonic() < deadline:
        assert 'id="comparison-h"' in html  # pending (or failed): said on the page
        assert "failed" not in html.split('id="comparison-h"')[1][:400]
        time.sleep(2)
        html = client.get(url).text
    assert 'id="corroboration-h"' in html, "the comparison did not finish in time"
    assert 'id="conflicts-h"' in html
    assert 'id="framing-h"' in html
    assert "<svg" in html.split('id="corroboration-h"')[1]  # corroboration drawn as bars


def test_search_highlights_matches(client: httpx.Client) -> None:
    html = client.get("/", params={"q": "Lumexil"}).text
    assert re.search(r"<mark>Lumexil</mark>", html)
    hits = client.get("/api/search", params={"q": "Lumexil", "limit": 2}).json()
    assert len(hits) == 2
    assert any(part == ["Lumexil", True] for part in hits[0]["snippet"])


def test_query_sizes_and_ids_are_bounded(client: httpx.Client) -> None:
    long = "a" * 201
    assert client.get("/api/search", params={"q": long}).status_code == 422
    assert client.get("/", params={"q": long}).status_code == 422
    assert client.get("/api/search", params={"q": "x", "limit": 51}).status_code == 422
    assert client.get("/api/search", params={"q": '"unbalanced'}).status_code == 400
    assert client.get("/story/S1%20OR%201").status_code == 422
    assert client.get("/article/zzzz").status_code == 422
    assert client.get("/entity/0").status_code == 422
    assert client.get("/story/S999999").status_code == 404
    assert client.get("/api/stories/S999999").json() == {"detail": "no story S999999"}


def test_the_server_is_read_only(client: httpx.Client, site: WebSite) -> None:
    assert client.post("/", data={"q": "x"}).status_code == 405
    assert client.delete(f"/api/articles/{site.xss_id}").status_code == 405
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        Site(site.db).store().conn.execute("DELETE FROM articles")


def test_a_foreign_host_name_is_refused(site: WebSite) -> None:
    # a page elsewhere reaching the server through DNS rebinding sends its own host name
    r = httpx.get(f"{site.url}/api/health", headers={"host": "attacker.example"})
    assert r.status_code == 400


def test_serve_binds_to_loopback_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.cli import cli

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "s.db"), "serve"])
    assert result.exit_code == 0, result.output
    assert calls == [{"host": "127.0.0.1", "port": 8000, "log_level": "warning"}]


def test_pages_follow_the_store_when_it_changes(tmp_path: Path) -> None:
    from storyline.ingest.run import ingest

    db = tmp_path / "live.db"
    writer = open_store(db)
    ingest([str(EXAMPLES / "dumps/0001.txt")], writer)
    site = Site(db)
    assert len(site.search("Lumexil", 10)) == 1
    ingest([str(EXAMPLES / "dumps/0009.txt")], writer)  # another process, as far as SQLite knows
    assert len(site.search("Lumexil", 10)) == 2


def test_highlight_segments_rebuild_the_text_with_nested_marks() -> None:
    text = 'Falk said: "We knew in November."\nSecond line.'
    marks = [
        Mark(12, 32, "quote"),
        Mark(0, 4, "entity", 7, "PERSON"),
        Mark(23, 31, "time", None, "DATE 2025-11"),
    ]
    paras = paragraphs(text, marks)
    assert ["".join(s.text for s in p) for p in paras] == text.split("\n")
    kinds = {s.text: s.kinds for s in paras[0]}
    assert kinds["Falk"] == ("entity",)
    assert kinds["November"] == ("quote", "time")
    assert kinds["We knew in "] == ("quote",)
    assert kinds[' said: "'] == ()
    assert next(s for s in paras[0] if s.text == "Falk").entity == 7


def test_timeline_chart_escapes_its_text() -> None:
    entry = {"date": "2026-03-01", "what": SCRIPT, "sources": [{}], "kind": "mention"}
    svg = timeline_chart([entry], "a <b> title")
    assert svg is not None
    assert "<script" not in svg
    assert "a &lt;b&gt; title" in svg
