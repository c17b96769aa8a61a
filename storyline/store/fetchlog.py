"""The live-ingest tables (schema V8): feeds and their polling state, the fetch log, and the
items each feed has shown.

`storyline watch` keeps here what it must remember between polls and runs: each feed's
validators (ETag, Last-Modified) for conditional GET, its consecutive failures and when it is due
again (backoff), every fetch with its outcome, and the GUIDs and links already handled, so that
nothing stored is fetched twice. One poll's outcome is written in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from storyline.store.db import Store, from_row


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedState:
    """A watched feed and how its polling stands."""

    url: str
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    added_at: str = ""
    last_polled: str | None = None
    last_status: int | None = None
    last_error: str | None = None
    failures: int = 0
    next_poll: str | None = None
    articles: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchRecord:
    """One fetch as the log keeps it (no body)."""

    url: str
    kind: str  # feed | page | robots
    at: str
    final_url: str | None = None
    feed_url: str | None = None
    status: int | None = None
    bytes: int = 0
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SeenItem:
    """A feed item handled in a poll, by GUID or by link, and what became of it."""

    kind: str  # guid | url
    key: str
    article_id: str | None = None
    note: str = ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def add_feeds(store: Store, urls: Iterable[str]) -> int:
    """Start watching these feeds (those already watched keep their state); how many are new."""
    with store.transaction() as conn:
        added = 0
        for url in urls:
            cur = conn.execute(
                "INSERT OR IGNORE INTO feeds (url, added_at) VALUES (?, ?)", (url, _now())
            )
            added += cur.rowcount
        return added


def list_feeds(store: Store, urls: Iterable[str] | None = None) -> list[FeedState]:
    """The watched feeds (or only `urls`), in the order they were added."""
    rows = store.conn.execute("SELECT * FROM feeds ORDER BY added_at, url").fetchall()
    wanted = set(urls) if urls is not None else None
    return [from_row(FeedState, r) for r in rows if wanted is None or r["url"] in wanted]


def save_poll(
    store: Store,
    feed: FeedState,
    *,
    items: Iterable[SeenItem] = (),
) -> None:
    """A poll's outcome in one transaction: the feed's new state (its `articles` is the number
    added by this poll) and the items it handled."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE feeds SET title = COALESCE(?, title), etag = ?, last_modified = ?,"
            " last_polled = ?, last_status = ?, last_error = ?, failures = ?, next_poll = ?,"
            " articles = articles + ? WHERE url = ?",
            (
                feed.title,
                feed.etag,
                feed.last_modified,
                feed.last_polled,
                feed.last_status,
                feed.last_error,
                feed.failures,
                feed.next_poll,
                feed.articles,
                feed.url,
            ),
        )
        conn.executemany(
            "INSERT OR REPLACE INTO feed_items VALUES (?,?,?,?,?,?)",
            [(feed.url, i.kind, i.key, i.article_id, i.note, _now()) for i in items],
        )


def log_fetches(store: Store, fetches: Iterable[FetchRecord]) -> None:
    """Add fetches to the log."""
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO fetch_log (url, final_url, kind, feed_url, at, status, bytes, etag,"
            " last_modified, error) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    f.url,
                    f.final_url,
                    f.kind,
                    f.feed_url,
                    f.at,
                    f.status,
                    f.bytes,
                    f.etag,
                    f.last_modified,
                    f.error,
                )
                for f in fetches
            ],
        )


def fetch_log(store: Store, *, url: str | None = None, limit: int = 100) -> list[FetchRecord]:
    """The latest fetches, newest first (of one URL, or of the feed it was made for)."""
    if url is None:
        rows = store.conn.execute(
            "SELECT * FROM fetch_log ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
    else:
        rows = store.conn.execute(
            "SELECT * FROM fetch_log WHERE url = ? OR feed_url = ? ORDER BY id DESC LIMIT ?",
            (url, url, limit),
        ).fetchall()
    return [from_row(FetchRecord, r) for r in rows]


def known_keys(store: Store, keys: Iterable[str]) -> set[str]:
    """Which of these GUIDs and URLs are already handled: seen in any feed, or the URL or
    canonical URL of a stored article."""
    wanted = list(dict.fromkeys(k for k in keys if k))
    found: set[str] = set()
    for start in range(0, len(wanted), 400):  # SQLite's default limit is 999 parameters
        chunk = wanted[start : start + 400]
        marks = ",".join("?" * len(chunk))
        for sql in (
            f"SELECT key FROM feed_items WHERE key IN ({marks})",
            f"SELECT url FROM articles WHERE url IN ({marks})",
            f"SELECT canonical_url FROM articles WHERE canonical_url IN ({marks})",
        ):
            found.update(r[0] for r in store.conn.execute(sql, chunk))
    return found
