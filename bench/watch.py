"""Live ingest throughput and latency: `python bench/watch.py --out bench/RESULTS.md
[--feeds 50] [--items 20] [--latency-items 20] [--every 2]`.

Articles are made by bench/web.py's `generate` (the largest gold story of examples/, recombined;
never third-party text) and written as HTML pages. A threaded HTTP server on 127.0.0.1 serves
them with --feeds RSS feeds of --items items each (ETags, so unchanged feeds answer 304). After
an untimed warm-up (models loaded), in this process:

  (a) `storyline watch`'s loop (`Watcher.poll_round`) over all feeds into a new store: every
      feed fetched and parsed, every page fetched, the whole pipeline (clean, NLP, link with
      e5) to story assignment: articles per minute;
  (b) the batch path, `run_pipeline` over the same pages saved as files, into a new store, the
      same steps: articles per minute; the ratio (a)/(b) is what live fetching costs;
  (c) latency: with the watcher running on (a)'s store (polling every --every seconds), one new
      item at a time is added to a feed; the time from its publication to its article being in
      an event (read from a second connection): p50, p95, max. About half the poll interval is
      the wait for the next poll.

Politeness is off for (a) and (c): all feeds are on one loopback host, so the per-host delay
(1 s) would measure the courtesy, not the code; the per-host cap is raised to the concurrency.
A dated section with machine info, the command and the numbers is appended to --out.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import machine  # bench/ingest.py, beside this file
from web import generate  # bench/web.py: the synthetic articles other benches use

from storyline.live.fetch import Fetcher
from storyline.live.watch import Watcher
from storyline.pipeline import run_pipeline
from storyline.store.db import open_store

CONCURRENCY = 8
WARM_UP = 10  # untimed articles first: more than the templates' languages, so every model loads


class FeedServer:
    """Pages and feeds on 127.0.0.1, each answered with an ETag (304 when it matches)."""

    def __init__(self) -> None:
        self.bodies: dict[str, tuple[bytes, str]] = {}  # path: (body, content type)
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with server.lock:
                    found = server.bodies.get(self.path)
                if found is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body, kind = found
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def put(self, path: str, body: bytes, kind: str) -> str:
        """Serve `body` at `path`; its URL."""
        with self.lock:
            self.bodies[path] = (body, kind)
        return self.base + path

    def close(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()


def page(record: dict[str, Any]) -> bytes:
    """A generated article as a news page: head metadata, navigation, byline, footer."""
    esc = html.escape
    paragraphs = "".join(f"<p>{esc(p)}</p>" for p in record["text"].split("\n\n"))
    return (
        f'<!DOCTYPE html><html lang="{record["language"]}"><head><meta charset="utf-8">'
        f"<title>{esc(record['title'])} | {esc(record['outlet'])}</title>"
        f'<meta property="og:site_name" content="{esc(record["outlet"])}">'
        f'<meta property="article:published_time" content="{record["published"]}">'
        "</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article>"
        f"<h1>{esc(record['title'])}</h1><p>By Bench Reporter</p>{paragraphs}</article>"
        f"<footer>© 2026 {esc(record['outlet'])}</footer></body></html>"
    ).encode()


def rss(title: str, items: list[tuple[dict[str, Any], str]]) -> bytes:
    """An RSS 2.0 feed of (record, link) items, newest first."""
    esc = html.escape
    entries = "".join(
        f"<item><guid isPermaLink='false'>{r['id']}</guid><link>{esc(link)}</link>"
        f"<title>{esc(r['title'])}</title><author>desk@bench.test (Bench Reporter)</author>"
        "<pubDate>"
        + format_datetime(
            datetime.combine(date.fromisoformat(r["published"]), datetime.min.time(), UTC)
        )
        + "</pubDate></item>"
        for r, link in reversed(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{esc(title)}'
        f"</title><link>http://bench.test/</link>{entries}</channel></rss>"
    ).encode()


def records(n: int, folder: Path) -> list[dict[str, Any]]:
    """N generated articles (bench/web.py's `generate`)."""
    with generate(n, folder).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def publish(server: FeedServer, feeds: int, recs: list[dict[str, Any]]) -> dict[int, list[Any]]:
    """Serve every record as a page, record i in feed i % feeds; the feeds' items."""
    items: dict[int, list[Any]] = {k: [] for k in range(feeds)}
    for i, r in enumerate(recs):
        link = server.put(f"/a/{i}.html", page(r), "text/html; charset=utf-8")
        items[i % feeds].append((r, link))
    for k, listed in items.items():
        server.put(f"/feed/{k}.xml", rss(f"Bench feed {k}", listed), "application/rss+xml")
    return items


def fetcher() -> Fetcher:
    """A fetcher for the bench: loopback allowed, no per-host courtesy (see the docstring)."""
    return Fetcher(allow_private=True, host_delay=0, per_host=CONCURRENCY)


def warm_up(folder: Path, recs: list[dict[str, Any]]) -> None:
    """Articles through the whole pipeline, untimed: every language's models loaded."""
    warm = folder / "warm"
    warm.mkdir()
    for i, r in enumerate(recs):
        (warm / f"{i}.html").write_bytes(page(r))
    store = open_store(folder / "warm.db")
    run_pipeline([str(warm)], store)
    store.close()


def run_watch(server: FeedServer, feeds: int, db: Path) -> tuple[int, float]:
    """(a): one watcher round over every feed; new articles and seconds."""
    store = open_store(db)
    urls = [f"{server.base}/feed/{k}.xml" for k in range(feeds)]
    f = fetcher()
    watcher = Watcher(store, f, urls, every=3600, concurrency=CONCURRENCY)
    started = time.perf_counter()
    try:
        new = watcher.poll_round()
    finally:
        seconds = time.perf_counter() - started
        watcher.close()
        f.close()
        store.close()
    return new, seconds


def run_batch(recs: list[dict[str, Any]], folder: Path, db: Path) -> tuple[int, float]:
    """(b): the same pages as files through `run_pipeline`; new articles and seconds."""
    pages = folder / "pages"
    pages.mkdir()
    for i, r in enumerate(recs):
        (pages / f"{i}.html").write_bytes(page(r))
    store = open_store(db)
    started = time.perf_counter()
    report = run_pipeline([str(pages)], store)
    seconds = time.perf_counter() - started
    store.close()
    return report.ingest.ingested, seconds


def _placed(reader: sqlite3.Connection, link: str) -> str | None:
    """ "event" once the article of `link` is in an event; the reason when the clustering
    stage left it out (too short, empty); None while it is not there yet."""
    row = reader.execute(
        "SELECT m.article_id, s.reason FROM articles a LEFT JOIN event_members m"
        " ON m.article_id = a.id LEFT JOIN cluster_skips s ON s.article_id = a.id"
        " WHERE a.url = ?",
        (link,),
    ).fetchone()
    if row is None:
        return None
    return "event" if row[0] else row[1]


def latencies(
    server: FeedServer,
    feeds: int,
    items: dict[int, list[Any]],
    extra: list[dict[str, Any]],
    db: Path,
    every: float,
) -> tuple[list[float], list[str]]:
    """(c): seconds from a new feed item to its article in an event, one item at a time; and
    the reasons of the items stored but placed in no event."""
    store = open_store(db)
    store.conn.execute("UPDATE feeds SET next_poll = NULL")
    urls = [f"{server.base}/feed/{k}.xml" for k in range(feeds)]
    f = fetcher()
    watcher = Watcher(store, f, urls, every=every, concurrency=CONCURRENCY)
    loop = threading.Thread(target=watcher.run, kwargs={"duration": 24 * 3600}, daemon=True)
    loop.start()
    reader = sqlite3.connect(db, timeout=30)
    out: list[float] = []
    skipped: list[str] = []
    try:
        for j, r in enumerate(extra):
            k = j % feeds
            link = server.put(f"/new/{j}.html", page(r), "text/html; charset=utf-8")
            items[k].append((r, link))
            published = time.perf_counter()
            server.put(f"/feed/{k}.xml", rss(f"Bench feed {k}", items[k]), "application/rss+xml")
            while not (placed := _placed(reader, link)):
                time.sleep(0.02)
            seconds = time.perf_counter() - published
            if placed == "event":
                out.append(seconds)
            else:  # stored, but the clustering stage left it out (with this reason)
                skipped.append(placed)
            print(f"item {j + 1}/{len(extra)}: {seconds:.1f} s, {placed}", file=sys.stderr)
    finally:
        watcher.stop.set()
        loop.join()
        watcher.close()
        f.close()
        reader.close()
        store.close()
    return out, skipped


def report(command: str, facts: dict[str, Any], lat: list[float], skipped: list[str]) -> str:
    """The Markdown section for RESULTS.md."""
    info = machine()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    n = facts["articles"]
    a_rate = facts["watch_new"] / facts["watch_s"] * 60
    b_rate = facts["batch_new"] / facts["batch_s"] * 60
    q = statistics.quantiles(lat, n=20, method="inclusive") if len(lat) > 1 else lat * 19
    rows = "\n".join(
        f"| {name} | {new:,} | {seconds:.1f} | {rate:.0f} |"
        for name, new, seconds, rate in (
            (
                f"(a) `Watcher.poll_round`: {facts['feeds']} feeds, pages fetched, whole pipeline",
                facts["watch_new"],
                facts["watch_s"],
                a_rate,
            ),
            (
                "(b) `run_pipeline` on the same pages as files",
                facts["batch_new"],
                facts["batch_s"],
                b_rate,
            ),
        )
    )
    return f"""
## {stamp} — live watch, {facts["feeds"]} feeds × {facts["items"]} items

- Machine: {info["platform"]}; {info["cpu"]}; {info["cores"]} cores; Python {info["python"]}
- Command: `{command}`
- Corpus: {n:,} HTML pages made from bench/web.py's `generate` (examples/' largest gold story,
  recombined), served on 127.0.0.1 as {facts["feeds"]} RSS feeds of {facts["items"]} items
  (ETags; 304 when unchanged); steps clean, nlp, link (e5); {WARM_UP} untimed warm-up
  articles first. Per-host courtesy off (one loopback host), {CONCURRENCY} requests in flight.

| run | articles | seconds | articles/min |
|---|---:|---:|---:|
{rows}

Ratio (a)/(b): **{a_rate / b_rate:.2f}**.

(c) From a new feed item to its article in an event ({len(lat)} items, one at a time, into the
store of (a); the watcher polls every {facts["every"]:g} s, so about {facts["every"] / 2:g} s of
each is the wait for the next poll): p50 **{statistics.median(lat):.1f} s**, p95
**{q[18]:.1f} s**, max {max(lat):.1f} s.{_skipped_note(skipped)}
"""


def _skipped_note(skipped: list[str]) -> str:
    """What (c) says about items stored but placed in no event (not in the latencies)."""
    if not skipped:
        return ""
    reasons = ", ".join(f"{r} ×{skipped.count(r)}" for r in sorted(set(skipped)))
    return f"\nNot in the figures: {len(skipped)} items stored but placed in no event ({reasons})."


def main() -> None:
    """Generate, serve, measure, print and append the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, required=True, help="Markdown file to append to.")
    parser.add_argument("--feeds", type=int, default=50, help="Feeds (default 50).")
    parser.add_argument("--items", type=int, default=20, help="Items per feed (default 20).")
    parser.add_argument(
        "--latency-items", type=int, default=20, help="New items for (c) (default 20)."
    )
    parser.add_argument("--every", type=float, default=2.0, help="Poll interval for (c), s.")
    args = parser.parse_args()
    if min(args.feeds, args.items, args.latency_items) < 1:
        parser.error("--feeds, --items and --latency-items must be at least 1")
    command = " ".join(["python", *sys.argv])
    n = args.feeds * args.items
    with tempfile.TemporaryDirectory(prefix="storyline-bench-watch-") as tmp:
        folder = Path(tmp)
        recs = records(n + args.latency_items + WARM_UP, folder)
        warm, extra, recs = recs[-WARM_UP:], recs[n:-WARM_UP], recs[:n]
        warm_up(folder, warm)
        server = FeedServer()
        try:
            items = publish(server, args.feeds, recs)
            watch_new, watch_s = run_watch(server, args.feeds, folder / "watch.db")
            print(f"(a) {watch_new} new in {watch_s:.1f} s", file=sys.stderr)
            batch_new, batch_s = run_batch(recs, folder, folder / "batch.db")
            print(f"(b) {batch_new} new in {batch_s:.1f} s", file=sys.stderr)
            lat, skipped = latencies(
                server, args.feeds, items, extra, folder / "watch.db", args.every
            )
        finally:
            server.close()
    facts = {
        "feeds": args.feeds,
        "items": args.items,
        "articles": n,
        "every": args.every,
        "watch_new": watch_new,
        "watch_s": watch_s,
        "batch_new": batch_new,
        "batch_s": batch_s,
    }
    print(json.dumps({"facts": facts, "latencies": lat, "skipped": skipped}), file=sys.stderr)
    section = report(command, facts, lat, skipped)
    print(section)
    with args.out.open("a", encoding="utf-8") as fh:
        fh.write(section)


if __name__ == "__main__":
    main()
