"""Live ingest (storyline/live/): fetching, politeness, safety, feeds and the watch loop, all
against a real HTTP server on 127.0.0.1 that these tests start (no other network)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from storyline.cli import cli
from storyline.errors import InputError
from storyline.live.commands import _stop_on_interrupt, parse_duration
from storyline.live.feeds import defuse, feed_urls, parse_feed, read_opml
from storyline.live.fetch import Fetched, Fetcher
from storyline.live.guard import Guard, Refused
from storyline.live.polite import (
    BACKOFF_BASE_S,
    HostGate,
    Stopped,
    backoff_delay,
    retry_after,
)
from storyline.live.watch import Watcher
from storyline.store.db import Store
from storyline.store.fetchlog import fetch_log, list_feeds

PAGES = sorted(EXAMPLES.glob("*.html"))[:4]
HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml"


# -- a small web site on loopback ------------------------------------------------------------


@dataclass
class Reply:
    """What the test server answers for a path."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a slow server)
    length: bool = True  # send Content-Length (else the body ends when the connection closes)


Route = Reply | Callable[[dict[str, str]], Reply]


class Site:
    """A threaded HTTP server on 127.0.0.1 (random port) serving `routes`, logging requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                site.requests.append((self.path, headers))
                route = site.routes.get(self.path, Reply(b"not found", 404))
                reply = route(headers) if callable(route) else route
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    if reply.length:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout, size cap): that is the point

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        """The absolute URL of a path on this site."""
        return self.base + path

    def hits(self, path: str) -> int:
        """How many times a path was requested."""
        return sum(1 for p, _ in self.requests if p == path)

    def page(self, path: str, source: Path) -> str:
        """Serve an example HTML page at `path`; its URL."""
        self.routes[path] = Reply(source.read_bytes(), headers={"Content-Type": HTML})
        return self.url(path)

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    """A fresh loopback web site."""
    s = Site()
    yield s
    s.close()


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    """A fetcher allowed onto loopback, without the per-host delay (tests need no courtesy)."""
    f = Fetcher(allow_private=True, host_delay=0, timeout=2)
    yield f
    f.close()


def rss(items: list[dict[str, str]], *, title: str = "Test Wire") -> bytes:
    """An RSS 2.0 feed with these items (guid, link, title, pubDate, author)."""
    body = "".join(
        "<item>" + "".join(f"<{k}>{v}</{k}>" for k, v in item.items()) + "</item>" for item in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.org/</link>{body}</channel></rss>"
    ).encode()


def atom(entries: list[dict[str, str]]) -> bytes:
    """An Atom feed whose entries have an id, a link href, a title, published and author."""
    body = "".join(
        f'<entry><id>{e["id"]}</id><link href="{e["link"]}"/><title>{e["title"]}</title>'
        f"<published>{e['published']}</published><author><name>{e['author']}</name></author>"
        "</entry>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Test Atom</title><id>urn:test</id>{body}</feed>"
    ).encode()


def fetched_feed(body: bytes, url: str = "http://feeds.test/rss") -> Fetched:
    """A fetched feed body, as the watcher hands it to the parser."""
    return Fetched(
        url=url, kind="feed", at="", final_url=url, status=200, body=body, content_type=RSS
    )


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><guid>x</guid><link>http://feeds.test/a</link><title>&lol9;</title></item>
</channel></rss>"""


# -- the SSRF guard --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "allowed", "allowed_private"),
    [
        ("93.184.215.14", True, True),
        ("2606:4700::1111", True, True),
        ("127.0.0.1", False, True),
        ("::1", False, True),
        ("10.0.0.1", False, True),
        ("192.168.1.20", False, True),
        ("172.16.5.4", False, True),
        ("fe80::1", False, True),
        ("169.254.10.1", False, True),
        ("::ffff:127.0.0.1", False, True),
        ("169.254.169.254", False, False),
        ("fd00:ec2::254", False, False),
        ("::ffff:169.254.169.254", False, False),
        ("224.0.0.1", False, False),
        ("0.0.0.0", False, False),
        ("240.0.0.1", False, False),
    ],
)
def test_guard_classifies_addresses(address: str, allowed: bool, allowed_private: bool) -> None:
    import ipaddress

    ip = ipaddress.ip_address(address)
    assert (Guard().why_not(ip) is None) is allowed
    assert (Guard(allow_private=True).why_not(ip) is None) is allowed_private


def test_guard_refuses_a_host_if_any_address_is_refused() -> None:
    with pytest.raises(Refused, match=r"10\.0\.0\.1 is a private address"):
        Guard().check("mixed.test", ["93.184.215.14", "10.0.0.1"])
    with pytest.raises(Refused, match="loopback"):
        Guard().resolve("localhost", 80)


def test_loopback_is_refused_without_allow_private_and_fetched_with_it(site: Site) -> None:
    url = site.page("/a.html", PAGES[0])
    with Fetcher(host_delay=0) as strict:
        refused = strict.fetch(url, "page")
        assert refused.refused
        assert "loopback" in (refused.error or "")
        assert site.requests == []  # refused before connecting
        logged = strict.drain_log()  # robots.txt first, then the page: both refused
        assert logged
        assert all(r.error and r.error.startswith("refused: ") for r in logged)
    with Fetcher(host_delay=0, allow_private=True) as lenient:
        got = lenient.fetch(url, "page")
    assert got.ok
    assert got.body == PAGES[0].read_bytes()
    assert site.requests[-1][1]["user-agent"].startswith("storyline/")


def test_redirect_to_the_metadata_address_is_refused_even_with_allow_private(
    site: Site, fetcher: Fetcher
) -> None:
    site.routes["/go"] = Reply(
        status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    got = fetcher.fetch(site.url("/go"), "page")
    assert got.refused
    assert "metadata" in (got.error or "")
    assert got.final_url == "http://169.254.169.254/latest/meta-data/"


def test_redirects_are_followed_and_checked_and_capped(site: Site, fetcher: Fetcher) -> None:
    site.page("/final.html", PAGES[0])
    site.routes["/r1"] = Reply(status=301, headers={"Location": "/r2"})
    site.routes["/r2"] = Reply(status=307, headers={"Location": site.url("/final.html")})
    got = fetcher.fetch(site.url("/r1"), "page")
    assert got.ok
    assert (got.url, got.final_url) == (site.url("/r1"), site.url("/final.html"))
    for i in range(7):
        site.routes[f"/loop{i}"] = Reply(status=302, headers={"Location": f"/loop{i + 1}"})
    looped = fetcher.fetch(site.url("/loop0"), "page")
    assert looped.refused
    assert "more than 5 redirects" in (looped.error or "")
    assert site.hits("/loop5") == 1
    assert site.hits("/loop6") == 0


def test_server_errors_timeouts_and_dead_hosts_are_results_not_exceptions(
    site: Site, fetcher: Fetcher
) -> None:
    site.routes["/500"] = Reply(b"oops", 500, {"Content-Type": HTML})
    site.routes["/slow"] = Reply(b"late", headers={"Content-Type": HTML}, delay=3)
    failed = fetcher.fetch(site.url("/500"), "page")
    assert (failed.status, failed.error, failed.transient) == (500, "HTTP 500", True)
    with Fetcher(allow_private=True, host_delay=0, timeout=0.3) as hasty:
        slow = hasty.fetch(site.url("/slow"), "page")
    assert slow.error is not None
    assert slow.error.startswith("timed out")
    assert slow.transient
    dead = fetcher.fetch("http://127.0.0.1:9/", "page")  # the discard port: nobody listens
    assert dead.status is None
    assert dead.transient


def test_conditional_get_gives_304(site: Site, fetcher: Fetcher) -> None:
    def feed(headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == '"v1"':
            return Reply(status=304)
        return Reply(rss([]), headers={"Content-Type": RSS, "ETag": '"v1"'})

    site.routes["/feed"] = feed
    first = fetcher.fetch(site.url("/feed"), "feed")
    assert (first.status, first.etag) == (200, '"v1"')
    again = fetcher.fetch(site.url("/feed"), "feed", etag=first.etag)
    assert again.not_modified
    assert again.body == b""


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
def test_oversized_bodies_are_cut_off(site: Site, declared: bool) -> None:
    site.routes["/big"] = Reply(
        b"<p>" + b"x" * 50_000, headers={"Content-Type": HTML}, length=declared
    )
    with Fetcher(allow_private=True, host_delay=0, max_bytes={"page": 10_000}) as capped:
        got = capped.fetch(site.url("/big"), "page")
        log = capped.drain_log()
    assert got.refused
    assert "10,000-byte limit" in (got.error or "")
    assert log[0].bytes == 0


def test_only_html_pages_and_xml_feeds_are_accepted(site: Site, fetcher: Fetcher) -> None:
    site.routes["/doc.pdf"] = Reply(b"%PDF-1.7", headers={"Content-Type": "application/pdf"})
    site.routes["/feed-as-html"] = Reply(rss([]), headers={"Content-Type": HTML})
    pdf = fetcher.fetch(site.url("/doc.pdf"), "page")
    assert pdf.refused
    assert "'application/pdf' is not a page" in (pdf.error or "")
    assert fetcher.fetch(site.url("/feed-as-html"), "feed").refused


def test_robots_txt_is_respected_and_read_once(site: Site, fetcher: Fetcher) -> None:
    site.routes["/robots.txt"] = Reply(
        b"User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"}
    )
    site.page("/private/a.html", PAGES[0])
    site.page("/public/a.html", PAGES[0])
    blocked = fetcher.fetch(site.url("/private/a.html"), "page")
    assert blocked.refused
    assert "robots.txt" in (blocked.error or "")
    assert fetcher.fetch(site.url("/public/a.html"), "page").ok
    assert site.hits("/private/a.html") == 0
    assert site.hits("/robots.txt") == 1


def test_429_with_retry_after_backs_off_the_feed_and_blocks_the_host(
    site: Site, fetcher: Fetcher, store: Store
) -> None:
    site.routes["/feed"] = Reply(b"slow down", 429, {"Retry-After": "3600"})
    watcher = Watcher(store, fetcher, [site.url("/feed")], every=60, steps=("clean",))
    try:
        watcher.poll_round()
        (state,) = list_feeds(store)
        assert (state.failures, state.last_status) == (1, 429)
        assert state.last_polled is not None
        assert state.next_poll is not None
        # Retry-After beats both the poll interval and the first backoff (1-2 minutes)
        assert _seconds(state.last_polled, state.next_poll) >= 3600
        store.conn.execute("UPDATE feeds SET next_poll = NULL")  # due again: still blocked
        watcher.poll_round()
    finally:
        watcher.close()
    assert site.hits("/feed") == 1
    (state,) = list_feeds(store)
    assert state.failures == 2
    assert "Retry-After" in (state.last_error or "")
    assert _seconds(state.last_polled or "", state.next_poll or "") > 3000


def _seconds(start: str, end: str) -> float:
    from datetime import datetime

    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


# -- politeness helpers ----------------------------------------------------------------------


def test_backoff_grows_with_failures_within_its_jitter() -> None:
    import random

    rng = random.Random(7)
    for failures in (1, 2, 3):
        ceiling = BACKOFF_BASE_S * 2 ** (failures - 1)
        delays = [backoff_delay(failures, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered
    assert backoff_delay(0) == 0
    assert backoff_delay(10_000) <= 6 * 3600


def test_retry_after_reads_seconds_and_http_dates() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert retry_after("120") == 120
    assert retry_after("Mon, 23 Nov 2026 12:05:00 GMT", now) == 300
    assert retry_after("soon") is None
    assert retry_after(None) is None


def test_a_stop_drops_requests_waiting_for_their_turn() -> None:
    stop = threading.Event()
    gate = HostGate(delay=3600, stop=stop)
    with gate.slot("http://a.test/1"):
        pass  # the first request goes at once; the next one would wait an hour
    outcome: list[str] = []

    def second() -> None:
        try:
            with gate.slot("http://a.test/2"):
                outcome.append("ran")
        except Stopped:
            outcome.append("stopped")

    waiter = threading.Thread(target=second)
    waiter.start()
    stop.set()
    waiter.join(timeout=10)
    assert outcome == ["stopped"]


def test_first_ctrl_c_asks_to_stop_and_second_interrupts() -> None:
    stop = threading.Event()
    with _stop_on_interrupt(stop):
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.is_set()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)


def test_durations() -> None:
    assert [parse_duration(v) for v in ("90", "30s", "10m", "2h", "1d")] == [
        90,
        30,
        600,
        7200,
        86400,
    ]


# -- feeds -----------------------------------------------------------------------------------


def test_rss_items_with_relative_links_and_duplicate_guids() -> None:
    feed = parse_feed(
        fetched_feed(
            rss(
                [
                    {
                        "guid": "urn:story:1",
                        "link": "/news/one.html",
                        "title": "One",
                        "pubDate": "Mon, 23 Nov 2026 10:00:00 GMT",
                        "author": "ann@x.test (Ann Lee)",
                    },
                    {"guid": "urn:story:1", "link": "/news/1.html", "title": "Repeat"},
                    {"guid": "g2", "link": "javascript:alert(1)", "title": "Bad link"},
                ]
            ),
            url="http://feeds.test/section/rss.xml",
        )
    )
    assert feed.title == "Test Wire"
    first, second = feed.items
    assert first.link == "http://feeds.test/news/one.html"
    assert (first.guid, first.title, first.published) == (
        "urn:story:1",
        "One",
        "Mon, 23 Nov 2026 10:00:00 GMT",
    )
    assert second.link is None  # only http(s) links are followed
    assert feed.warning is None


def test_atom_entries() -> None:
    feed = parse_feed(
        fetched_feed(
            atom(
                [
                    {
                        "id": "urn:a1",
                        "link": "http://feeds.test/a1",
                        "title": "A1",
                        "published": "2026-11-20T08:00:00Z",
                        "author": "Bo Ek",
                    }
                ]
            )
        )
    )
    (item,) = feed.items
    assert (item.guid, item.link, item.author, item.published) == (
        "urn:a1",
        "http://feeds.test/a1",
        "Bo Ek",
        "2026-11-20T08:00:00Z",
    )


def test_malformed_feeds_are_read_leniently_or_refused() -> None:
    sloppy = rss([{"guid": "urn:g1", "link": "http://feeds.test/1", "title": "Fish & chips"}])
    feed = parse_feed(fetched_feed(sloppy))
    assert [i.guid for i in feed.items] == ["urn:g1"]
    assert feed.warning is not None
    assert feed.warning.startswith("malformed feed")
    with pytest.raises(InputError, match="not a readable feed"):
        parse_feed(fetched_feed(b"<html><body>not a feed</body></html>"))


def test_billion_laughs_is_refused_before_parsing() -> None:
    with pytest.raises(InputError, match="declares XML entities"):
        parse_feed(fetched_feed(BILLION_LAUGHS))
    plain = b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://x.test/rss.dtd"><rss/>'
    assert defuse(plain, source="x") == b'<?xml version="1.0"?><rss/>'
    quoted = b"<rss><item><description><![CDATA[<!DOCTYPE html><p>x</p>]]></description></rss>"
    assert defuse(quoted, source="x") == quoted  # only the prologue's DOCTYPE counts


def test_opml_lists_feeds_and_refuses_dtds(tmp_path: Path) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        '<outline text="News"><outline type="rss" xmlUrl="http://a.test/rss"/>'
        '<outline type="rss" xmlUrl="http://b.test/atom"/></outline></body></opml>',
        encoding="utf-8",
    )
    assert read_opml(opml) == ["http://a.test/rss", "http://b.test/atom"]
    assert feed_urls(["http://c.test/rss", str(opml)]) == [
        "http://c.test/rss",
        "http://a.test/rss",
        "http://b.test/atom",
    ]
    hostile = tmp_path / "hostile.opml"
    hostile.write_bytes(BILLION_LAUGHS.replace(b"<rss", b"<opml", 1))
    with pytest.raises(InputError, match="not a usable OPML"):
        read_opml(hostile)


# -- the watch loop --------------------------------------------------------------------------


def _serve_feed(site: Site, path: str, pages: list[tuple[str, Path]], *, etag: str) -> str:
    """Serve RSS at `path` listing pages (served too), answering 304 to its ETag."""
    items = [
        {
            "guid": f"guid-{name}",
            "link": site.page(f"/articles/{name}", src),
            "title": src.stem,
            "pubDate": "Mon, 16 Nov 2026 09:30:00 GMT",
            "author": "Feed Author",
        }
        for name, src in pages
    ]
    body = rss(items)

    def reply(headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == etag:
            return Reply(status=304)
        return Reply(body, headers={"Content-Type": RSS, "ETag": etag})

    site.routes[path] = reply
    return site.url(path)


def _watch(store: Store, urls: list[str], **kw: Any) -> Watcher:
    fetcher = Fetcher(allow_private=True, host_delay=0, timeout=2)
    return Watcher(store, fetcher, urls, every=3600, steps=("clean",), **kw)


def test_watch_ingests_new_items_with_feed_fields_and_never_refetches(
    site: Site, store: Store
) -> None:
    good = _serve_feed(site, "/rss", [("a.html", PAGES[0]), ("b.html", PAGES[1])], etag='"e1"')
    watcher = _watch(store, [good])
    try:
        assert watcher.poll_round() == 2
        store.conn.execute("UPDATE feeds SET next_poll = NULL")  # due again at once
        assert watcher.poll_round() == 0
    finally:
        watcher.close()
        watcher.fetcher.close()
    assert site.hits("/rss") == 2
    assert site.hits("/articles/a.html") == 1  # the second poll was a 304
    rows = store.conn.execute("SELECT id, source, url, author, extra FROM articles").fetchall()
    assert {r["url"] for r in rows} == {site.url("/articles/a.html"), site.url("/articles/b.html")}
    article = store.get(rows[0]["id"])
    assert article is not None
    assert article.author == "Feed Author"
    assert any(
        c.source == "feed:published" and c.evidence == "Mon, 16 Nov 2026 09:30:00 GMT"
        for c in article.date_claims
    )
    rules = {p.field: p.rule for p in article.provenance}
    assert rules["author"] == "feed:author"
    assert json.loads(article.extra_json)["feed"] == good
    (state,) = list_feeds(store)
    assert (state.title, state.etag, state.failures, state.articles) == ("Test Wire", '"e1"', 0, 2)
    assert [f.status for f in fetch_log(store, url=good) if f.kind == "feed"] == [304, 200]


def test_items_already_stored_by_url_or_guid_are_not_fetched(site: Site, store: Store) -> None:
    first = _serve_feed(site, "/rss1", [("a.html", PAGES[0])], etag='"x"')
    # a second feed naming the same article, and a redirect to it under another link
    site.routes["/moved"] = Reply(status=301, headers={"Location": "/articles/a.html"})
    second = site.url("/rss2")
    site.routes["/rss2"] = Reply(
        rss(
            [
                {"guid": "guid-a.html", "link": site.url("/articles/a.html")},
                {"guid": "urn:other", "link": site.url("/moved")},
            ]
        ),
        headers={"Content-Type": RSS},
    )
    watcher = _watch(store, [first])
    try:
        watcher.poll_round()
    finally:
        watcher.close()
    watcher = _watch(store, [second])
    try:
        assert watcher.poll_round() == 0
    finally:
        watcher.close()
    assert site.hits("/articles/a.html") == 2  # once for the first feed, once via /moved
    assert store.count() == 1
    notes = dict(
        store.conn.execute(
            "SELECT key, note FROM feed_items WHERE feed_url = ?", (second,)
        ).fetchall()
    )
    assert notes["urn:other"].startswith("already stored as")


def test_broken_feeds_and_dead_hosts_never_stop_the_others(site: Site, store: Store) -> None:
    good = _serve_feed(site, "/rss", [("a.html", PAGES[0])], etag='"g"')
    site.routes["/laughs"] = Reply(BILLION_LAUGHS, headers={"Content-Type": RSS})
    site.routes["/broken"] = Reply(b"<rss><channel><item>", headers={"Content-Type": RSS})
    site.routes["/err"] = Reply(b"", 500)
    site.routes["/hostile-item"] = Reply(
        rss(
            [
                {"guid": "urn:h", "link": site.url("/not-html")},
                {"guid": "urn:s", "link": site.url("/slow")},
            ]
        ),
        headers={"Content-Type": RSS},
    )
    site.routes["/not-html"] = Reply(
        b"\x00\x01", headers={"Content-Type": "application/octet-stream"}
    )
    site.routes["/slow"] = Reply(b"late", 503)
    urls = [site.url(p) for p in ("/laughs", "/broken", "/err", "/hostile-item")]
    urls += ["http://127.0.0.1:9/rss", good]
    watcher = _watch(store, urls)
    try:
        assert watcher.poll_round() == 1
        summary = watcher.summary
    finally:
        watcher.close()
    assert store.count() == 1
    states = {s.url: s for s in list_feeds(store)}
    for url in [*urls[:3], urls[4]]:
        assert states[url].failures == 1, url
        assert (states[url].next_poll or "") > (states[good].last_polled or "")
        assert summary.feeds[url].status.startswith("error")
    assert "declares XML entities" in (states[site.url("/laughs")].last_error or "")
    assert states[good].failures == 0
    hostile = dict(
        store.conn.execute(
            "SELECT key, note FROM feed_items WHERE feed_url = ?", (site.url("/hostile-item"),)
        ).fetchall()
    )
    assert "content type" in hostile["urn:h"]  # refused for good: never asked again
    assert "urn:s" not in hostile  # a 503 page is tried again at the next poll
    errors = [f.error for f in fetch_log(store) if f.error]
    assert any(e.startswith("refused: ") and "content type" in e for e in errors)


def test_watch_stops_by_itself_and_reports(site: Site, tmp_path: Path) -> None:
    good = _serve_feed(site, "/rss", [("a.html", PAGES[0])], etag='"w"')
    db = str(tmp_path / "w.db")
    runner = CliRunner()
    args = [
        "--db",
        db,
        "watch",
        good,
        "--allow-private",
        "--host-delay",
        "0",
        "--steps",
        "clean",
        "--every",
        "1h",
        "--for",
        "1s",
        "--json",
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["rounds"], summary["new"], summary["errors"]) == (1, 1, 0)
    listed = runner.invoke(cli, ["--db", db, "feeds", "--json"])
    data = json.loads(listed.stdout)
    assert data["feeds"][0]["url"] == good
    assert data["feeds"][0]["articles"] == 1
    assert {f["kind"] for f in data["fetch_log"]} == {"feed", "page", "robots"}
    again = runner.invoke(cli, ["--db", db, "watch", "--once", "--allow-private", "--json"])
    assert json.loads(again.stdout)["polls"] == 0  # the feed is not due for an hour
    refused = runner.invoke(cli, ["--db", str(tmp_path / "r.db"), "watch", good, "--once"])
    assert refused.exit_code == 0
    assert "loopback" in refused.stderr


def test_ingest_urls_beside_files(site: Site, tmp_path: Path) -> None:
    page = site.page("/p.html", PAGES[0])
    missing = site.url("/gone.html")
    db = str(tmp_path / "i.db")
    runner = CliRunner()
    args = ["--db", db, "ingest", page, missing, str(PAGES[1]), "--steps", "clean", "--json"]
    denied = runner.invoke(cli, args)
    assert denied.exit_code == 1
    report = json.loads(denied.stdout)
    assert report["ingested"] == 1  # the file; both URLs refused (loopback)
    assert all("refused" in e and "loopback" in e for e in report["errors"])
    allowed = runner.invoke(cli, [*args, "--allow-private"])
    report = json.loads(allowed.stdout)
    assert allowed.exit_code == 1
    assert (report["ingested"], report["already_had"], report["failed"]) == (1, 1, 1)
    assert "HTTP 404" in report["errors"][0]
    with sqlite3.connect(db) as conn:
        urls = [r[0] for r in conn.execute("SELECT url FROM articles WHERE url IS NOT NULL")]
    assert urls == [page]


def test_a_new_feed_item_lands_in_its_story_and_event(site: Site, store: Store) -> None:
    """End to end, the whole pipeline (clean, NLP, link): the only test that loads the models."""
    pages = [(p.name, p) for p in PAGES[:3]]
    feed = _serve_feed(site, "/rss", pages[:2], etag='"1"')
    fetcher = Fetcher(allow_private=True, host_delay=0, timeout=5)
    watcher = Watcher(store, fetcher, [feed], every=3600)
    try:
        assert watcher.poll_round() == 2
        # the feed gains an item: only that one is fetched and linked on the next poll
        _serve_feed(site, "/rss", pages, etag='"2"')
        store.conn.execute("UPDATE feeds SET next_poll = NULL")
        assert watcher.poll_round() == 1
    finally:
        watcher.close()
        fetcher.close()
    assert [site.hits(f"/articles/{name}") for name, _ in pages] == [1, 1, 1]
    placed = store.conn.execute(
        "SELECT a.url, e.story_id FROM articles a JOIN event_members m ON m.article_id = a.id"
        " JOIN events e ON e.id = m.event_id"
    ).fetchall()
    assert sorted(r["url"] for r in placed) == sorted(site.url(f"/articles/{n}") for n, _ in pages)
    assert all(r["story_id"] is not None for r in placed)
    analysed = store.conn.execute("SELECT COUNT(*) FROM analyses").fetchone()[0]
    assert analysed == 3


def test_run_keeps_polling_feeds_that_are_due_at_once_until_its_bound(
    site: Site, store: Store
) -> None:
    feed = _serve_feed(site, "/rss", [("a.html", PAGES[0])], etag='"r"')
    fetcher = Fetcher(allow_private=True, host_delay=0, timeout=2)
    watcher = Watcher(store, fetcher, [feed], every=0, steps=("clean",))
    try:
        summary = watcher.run(duration=3600, max_rounds=3)
    finally:
        watcher.close()
        fetcher.close()
    assert (summary.rounds, summary.new, summary.stopped) == (3, 1, False)
    assert site.hits("/rss") == 3
