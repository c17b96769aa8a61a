"""Store access for time expressions: which articles need them, writing and reading them.

A row set is current when it was computed by the current stage from the article's present
clean text and publication date (relative expressions are anchored to that date).
"""

from __future__ import annotations

from collections.abc import Sequence

from storyline.model import Timex
from storyline.store.analyses import text_sha
from storyline.store.db import Store, from_row

TIMEX_FIELDS = ("start", "end", "text", "type", "value", "anchor", "note")


def pending_timexes(
    store: Store, stage: str, ids: Sequence[str] | None = None
) -> list[tuple[str, str, str | None, str | None]]:
    """(id, text, language, published) of articles whose time expressions are missing or stale."""
    rows = store.conn.execute(
        "SELECT a.id, a.text, a.language, a.published, r.stage, r.text_sha,"
        " r.published AS anchored FROM articles a"
        " LEFT JOIN timex_runs r ON r.article_id = a.id ORDER BY a.rowid"
    ).fetchall()
    wanted = set(ids) if ids is not None else None
    return [
        (r["id"], r["text"], r["language"], r["published"])
        for r in rows
        if (wanted is None or r["id"] in wanted)
        and (
            r["stage"] != stage
            or r["text_sha"] != text_sha(r["text"])
            or r["anchored"] != r["published"]
        )
    ]


def save_timexes(
    store: Store, items: Sequence[tuple[str, str, str | None, Sequence[Timex]]], stage: str
) -> None:
    """Replace the time expressions of these (id, text, published, timexes) in one transaction."""
    with store.transaction() as conn:
        for article_id, text, published, timexes in items:
            conn.execute("DELETE FROM timexes WHERE article_id = ?", (article_id,))
            conn.execute(
                "INSERT OR REPLACE INTO timex_runs VALUES (?,?,?,?)",
                (article_id, stage, text_sha(text), published),
            )
            conn.executemany(
                f"INSERT INTO timexes VALUES ({','.join('?' * (len(TIMEX_FIELDS) + 2))})",
                [
                    (article_id, i, *(getattr(t, f) for f in TIMEX_FIELDS))
                    for i, t in enumerate(timexes)
                ],
            )


def load_timexes(store: Store, article_id: str) -> list[Timex]:
    """The stored time expressions of one article, in text order."""
    return [
        from_row(Timex, r)
        for r in store.conn.execute(
            "SELECT * FROM timexes WHERE article_id = ? ORDER BY idx", (article_id,)
        )
    ]
