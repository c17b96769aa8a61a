"""The store: migrations, WAL, FTS5, already-had, versions, lock errors, recompute."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import TODAY, make_raw

from storyline.errors import SchemaTooNew, StoreLocked
from storyline.ingest.clean import clean_article
from storyline.ingest.run import ingest
from storyline.store.db import Store, open_store
from storyline.store.migrations import MIGRATIONS, schema_version

BODY = (
    "Harbour talks resume\n\nThe port authority and the union met again on Tuesday to discuss "
    "the overtime rules that triggered the strike three weeks ago."
)


def test_schema_wal_and_version(store: Store) -> None:
    assert schema_version(store.conn) == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(SchemaTooNew):
        open_store(path)


def test_add_search_get_roundtrip(store: Store) -> None:
    raw = make_raw(BODY, source="a.txt")
    article = clean_article(raw, now=TODAY)
    assert store.add([(raw, article)]) == 1
    assert store.add([(raw, article)]) == 0  # same content: already had
    assert store.get(article.id) == article
    hits = store.search("overtime")
    assert [h["id"] for h in hits] == [article.id]
    assert "[overtime]" in hits[0]["snippet"]
    assert store.raw_input(article.id) == raw


def test_same_url_new_content_is_a_new_version(store: Store) -> None:
    url = "https://x.example/2026/03/14/talks"
    a = make_raw(BODY, url=url)
    b = make_raw(BODY + " Both sides called the meeting constructive.", url=url)
    for raw in (a, b):
        store.add([(raw, clean_article(raw, now=TODAY))])
    versions = [r[0] for r in store.conn.execute("SELECT version FROM articles ORDER BY version")]
    assert versions == [1, 2]


def test_reingest_reports_already_had(tmp_path: Path, store: Store) -> None:
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    first = ingest([str(tmp_path)], store)
    second = ingest([str(tmp_path)], store)
    assert (first.ingested, first.already) == (1, 0)
    assert (second.ingested, second.already) == (0, 1)


def test_locked_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    open_store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        store = open_store(path, busy_timeout_ms=100)
        with pytest.raises(StoreLocked, match="locked"), store.transaction():
            pass
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_raw_input_keeps_where_its_fields_came_from(store: Store) -> None:
    from dataclasses import replace

    extra = json.dumps({"feed": "https://x.example/rss", "feed_link": "https://x.example/a"})
    raw = replace(make_raw(BODY, source="https://x.example/a", title="T"), extra_json=extra)
    article = clean_article(raw, now=TODAY)
    store.add([(raw, article)])
    again = store.raw_input(article.id)
    assert again is not None
    assert again.fields_from == "feed"
    assert clean_article(again, now=TODAY).rule_for("title") == "feed:title"
