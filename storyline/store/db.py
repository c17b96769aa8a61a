"""The store: one SQLite file (WAL, FTS5, migrations), the only state shared between stages.

Writes happen in explicit transactions (`BEGIN IMMEDIATE` ... `COMMIT`), so a crash or a kill
leaves the database at the last committed batch and never half-written. Articles are keyed by
the hash of their raw input: adding the same content again is a no-op ("already had"); the
same URL with other content becomes a new version.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from storyline.errors import StoreError, StoreLocked
from storyline.ingest.lines import normalise
from storyline.model import Article, DateClaim, Line, Provenance, RawInput
from storyline.store.migrations import migrate

DEFAULT_DB = "storyline.db"
T = TypeVar("T")
BUSY_TIMEOUT_MS = 5000


def default_path() -> str:
    """`STORYLINE_DB` if set, else storyline.db in the working directory."""
    return os.environ.get("STORYLINE_DB") or DEFAULT_DB


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


CACHE_KIB = 65536  # SQLite page cache per connection, KiB (its default is 2 MiB)


class Store:
    """A connection to one storyline database."""

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = str(path)
        try:
            self.conn = sqlite3.connect(
                self.path,
                timeout=busy_timeout_ms / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            self.conn.row_factory = sqlite3.Row
            self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            # The indexes on hashed ids and normalised lines take inserts all over the file,
            # which reads pages back once the store outgrows the cache: ingest slowed as the
            # store grew (10,000 text dumps: 256/s with 2 MiB, 285/s with 64 MiB).
            self.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            migrate(self.conn)
        except sqlite3.OperationalError as err:
            raise _store_error(err, self.path) from err

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or none of it."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            raise _store_error(err, self.path) from err
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    # -- writing -------------------------------------------------------------------------

    def has(self, article_id: str) -> bool:
        """Whether an article with this id (the raw input's hash) is stored."""
        return (
            self.conn.execute("SELECT 1 FROM raw_inputs WHERE id = ?", (article_id,)).fetchone()
            is not None
        )

    def add(self, pairs: Sequence[tuple[RawInput, Article]]) -> int:
        """Store articles with their raw inputs in one transaction; returns how many were new."""
        added = 0
        with self.transaction() as conn:
            for raw, article in pairs:
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO raw_inputs VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (
                        article.id,
                        raw.source,
                        raw.container,
                        raw.format,
                        raw.encoding,
                        raw.raw,
                        _distinct_bytes(raw),
                        json.dumps(raw.fields, ensure_ascii=False),
                        raw.body if raw.body != raw.raw else None,
                        _now(),
                    ),
                )
                if cursor.rowcount == 0:  # the same content is already stored
                    continue
                self._insert_article(conn, article)
                added += 1
        return added

    def update_dates(self, articles: Sequence[Article]) -> None:
        """Store re-decided publication dates (claims, choice, provenance) in one transaction;
        the text and lines stay as they are."""
        with self.transaction() as conn:
            for a in articles:
                conn.execute(
                    "UPDATE articles SET published = ?, published_confidence = ?,"
                    " published_inferred = ?, updated_at = ? WHERE id = ?",
                    (a.published, a.published_confidence, int(a.published_inferred), _now(), a.id),
                )
                conn.execute("DELETE FROM date_claims WHERE article_id = ?", (a.id,))
                self._insert_claims(conn, a)
                conn.execute(
                    "DELETE FROM provenance WHERE article_id = ? AND field = 'published'", (a.id,)
                )
                conn.executemany(
                    "INSERT INTO provenance VALUES (?,?,?,?)",
                    [
                        (a.id, p.field, p.rule, p.evidence)
                        for p in a.provenance
                        if p.field == "published"
                    ],
                )

    def _insert_article(self, conn: sqlite3.Connection, a: Article) -> None:
        # the same URL (or file) with new content is a new version
        prev = conn.execute(
            "SELECT MAX(version) FROM articles WHERE COALESCE(canonical_url, url, source) = ?",
            (a.canonical_url or a.url or a.source,),
        ).fetchone()[0]
        version = (prev or 0) + 1
        now = _now()
        conn.execute(
            "INSERT INTO articles (id, source, url, canonical_url, version, title, outlet, author,"
            " language, published, published_confidence, published_inferred, text, headings,"
            " foreign_lines, extra, stage, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                a.id,
                a.source,
                a.url,
                a.canonical_url,
                version,
                a.title,
                a.outlet,
                a.author,
                a.language,
                a.published,
                a.published_confidence,
                int(a.published_inferred),
                a.text,
                json.dumps(a.headings, ensure_ascii=False),
                json.dumps(a.foreign_lines, ensure_ascii=False),
                a.extra_json,
                "ingest.clean.v1",
                now,
                now,
            ),
        )
        conn.executemany(
            "INSERT INTO article_lines VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (
                    a.id,
                    ln.origin,
                    ln.no,
                    ln.kind,
                    ln.text,
                    ln.clean,
                    ln.reason,
                    ln.rule,
                    normalise(ln.text),
                )
                for ln in a.lines
            ],
        )
        self._insert_claims(conn, a)
        conn.executemany(
            "INSERT INTO provenance VALUES (?,?,?,?)",
            [(a.id, p.field, p.rule, p.evidence) for p in a.provenance],
        )

    @staticmethod
    def _insert_claims(conn: sqlite3.Connection, a: Article) -> None:
        conn.executemany(
            "INSERT INTO date_claims VALUES (?,?,?,?,?,?,?,?)",
            [
                (
                    a.id,
                    c.value,
                    c.granularity,
                    c.source,
                    c.evidence,
                    c.verdict,
                    c.reason,
                    int(c.year_completed),
                )
                for c in a.date_claims
            ],
        )

    def record_failure(self, source: str, line: int | None, error: str) -> None:
        """Keep a failed input's error, so nothing is silently lost."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO failures (source, line, error, at) VALUES (?,?,?,?)",
                (source, line, error, _now()),
            )

    def start_run(self) -> int:
        """Open an ingest-run record; returns its id."""
        with self.transaction() as conn:
            cur = conn.execute("INSERT INTO ingest_runs (started_at) VALUES (?)", (_now(),))
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, ingested: int, already: int, failed: int) -> None:
        """Close an ingest-run record with its counts."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE ingest_runs SET finished_at=?, ingested=?, already=?, failed=? WHERE id=?",
                (_now(), ingested, already, failed, run_id),
            )

    # -- reading -------------------------------------------------------------------------

    def count(self) -> int:
        """Number of stored articles."""
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def resolve_id(self, prefix: str) -> str | None:
        """The full id for an id prefix (at least 4 characters) or an exact source."""
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE id LIKE ? OR source = ? LIMIT 2",
            (prefix + "%" if len(prefix) >= 4 else prefix, prefix),
        ).fetchall()
        return str(rows[0]["id"]) if len(rows) == 1 else None

    def get(self, article_id: str) -> Article | None:
        """One article with its lines, claims and provenance."""
        row = self.conn.execute(
            "SELECT a.*, r.raw, r.container, r.format FROM articles a"
            " JOIN raw_inputs r ON r.id = a.id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        return self._article(row) if row else None

    def iter_articles(self, *, order: str = "published") -> Iterator[Article]:
        """Every article, ordered by publication date (undated last), then source."""
        ids = [
            r["id"]
            for r in self.conn.execute(
                "SELECT id FROM articles ORDER BY published IS NULL, published, source"
                if order == "published"
                else "SELECT id FROM articles ORDER BY rowid"
            )
        ]
        for article_id in ids:
            article = self.get(article_id)
            if article is not None:
                yield article

    def summaries(self) -> list[sqlite3.Row]:
        """One row per article for listings (no text)."""
        return self.conn.execute(
            "SELECT id, source, title, outlet, author, language, published, published_confidence,"
            " version, length(text) AS chars,"
            " (SELECT COUNT(*) FROM article_lines l WHERE l.article_id = a.id AND l.kind='removed')"
            " AS removed, (SELECT COUNT(*) FROM date_claims c WHERE c.article_id = a.id AND"
            " c.verdict = 'implausible') AS implausible"
            " FROM articles a ORDER BY published IS NULL, published, source"
        ).fetchall()

    def search(self, query: str, limit: int = 20) -> list[sqlite3.Row]:
        """Full-text search over title and text, with highlighted snippets."""
        try:
            return self.conn.execute(
                "SELECT a.id, a.title, a.outlet, a.published,"
                " snippet(articles_fts, 1, '[', ']', '…', 12) AS snippet"
                " FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
                " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
                (query, limit),
            ).fetchall()
        except sqlite3.OperationalError as err:
            raise StoreError(
                f'bad search query {query!r}: {err}; quote phrases with "..."'
            ) from err

    def raw_input(self, article_id: str) -> RawInput | None:
        """The stored raw input of an article, to recompute it (with the article's extra
        metadata, which says whether its fields came from a feed: `RawInput.fields_from`)."""
        r = self.conn.execute(
            "SELECT r.*, a.extra FROM raw_inputs r JOIN articles a ON a.id = r.id WHERE r.id = ?",
            (article_id,),
        ).fetchone()
        if r is None:
            return None
        return RawInput(
            source=r["source"],
            format=r["format"],
            raw=r["raw"],
            body=r["body"] if r["body"] is not None else r["raw"],
            container=r["container"],
            raw_bytes=r["raw_bytes"] or b"",
            encoding=r["encoding"] or "utf-8",
            fields=tuple(tuple(f) for f in json.loads(r["fields"])),
            extra_json=r["extra"],
        )

    def received_at(self, article_id: str) -> datetime | None:
        """When the raw input was first stored (UTC)."""
        row = self.conn.execute(
            "SELECT received_at FROM raw_inputs WHERE id = ?", (article_id,)
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def outlet_line_counts(self) -> dict[tuple[str, str], int]:
        """Under how many headlines of each outlet each line (normalised) appears, for the lines
        seen more than once (a line under several headlines of one outlet is boilerplate)."""
        rows = self.conn.execute(
            "SELECT a.outlet, l.key, COUNT(DISTINCT COALESCE(a.title, a.id)) AS n"
            " FROM article_lines l"
            " JOIN articles a ON a.id = l.article_id"
            " WHERE a.outlet IS NOT NULL AND l.key != '' AND l.kind != 'title'"
            " GROUP BY a.outlet, l.key HAVING n >= 2"
        ).fetchall()
        return {(r["outlet"], r["key"]): int(r["n"]) for r in rows}

    def failures(self) -> list[sqlite3.Row]:
        """Failed inputs, newest first."""
        return self.conn.execute("SELECT * FROM failures ORDER BY id DESC").fetchall()

    def _article(self, row: sqlite3.Row) -> Article:
        aid = row["id"]
        lines = tuple(
            from_row(Line, r)
            for r in self.conn.execute(
                "SELECT * FROM article_lines WHERE article_id = ? ORDER BY origin = 'page', no",
                (aid,),
            )
        )
        claims = tuple(
            from_row(DateClaim, r, year_completed=bool(r["year_completed"]))
            for r in self.conn.execute("SELECT * FROM date_claims WHERE article_id = ?", (aid,))
        )
        prov = tuple(
            from_row(Provenance, r)
            for r in self.conn.execute("SELECT * FROM provenance WHERE article_id = ?", (aid,))
        )
        return Article(
            id=aid,
            source=row["source"],
            format=row["format"],
            raw=row["raw"],
            container=row["container"],
            url=row["url"],
            canonical_url=row["canonical_url"],
            title=row["title"],
            outlet=row["outlet"],
            author=row["author"],
            language=row["language"],
            text=row["text"],
            headings=tuple(json.loads(row["headings"])),
            lines=lines,
            foreign_lines=tuple(tuple(x) for x in json.loads(row["foreign_lines"])),
            date_claims=claims,
            published=row["published"],
            published_confidence=row["published_confidence"],
            published_inferred=bool(row["published_inferred"]),
            provenance=prov,
            extra_json=row["extra"],
        )

    def version_of(self, article_id: str) -> int:
        """The version number of an article among those with its URL."""
        row = self.conn.execute(
            "SELECT version FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return int(row[0]) if row else 0


def from_row(cls: type[T], row: sqlite3.Row, **given: Any) -> T:
    """A dataclass from a row whose columns carry its field names (`given` wins)."""
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    columns = row.keys()  # iterating a Row gives its values, not its columns
    return cls(**{k: row[k] for k in columns if k in names and k not in given}, **given)


def _distinct_bytes(raw: RawInput) -> bytes | None:
    """The input bytes when the text alone cannot give them back (a BOM, another encoding);
    plain UTF-8 is its text encoded, so it is not stored twice."""
    if not raw.raw_bytes or (raw.encoding == "utf-8" and raw.raw_bytes == raw.raw.encode("utf-8")):
        return None
    return raw.raw_bytes


def open_store(path: str | Path | None = None, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Store:
    """Open (and create or migrate) the store at `path`, `STORYLINE_DB` or ./storyline.db."""
    target = Path(path or default_path())
    if target.parent and not target.parent.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
    return Store(target, busy_timeout_ms=busy_timeout_ms)


def _store_error(err: sqlite3.OperationalError, path: str) -> StoreError:
    msg = str(err)
    if "locked" in msg or "busy" in msg:
        return StoreLocked(
            f"{path}: database is locked by another process; wait for it to "
            "finish or use another --db"
        )
    return StoreError(f"{path}: cannot open the database ({msg}); check the path and permissions")


def article_dict(article: Article, *, with_raw: bool = False) -> dict[str, Any]:
    """An article as a plain dict (the JSON/export shape)."""
    data = asdict(article)
    if not with_raw:
        data.pop("raw")
    return data


def rows_to_dicts(rows: Iterable[sqlite3.Row]) -> list[dict[str, Any]]:
    """sqlite rows as plain dicts."""
    return [dict(r) for r in rows]
