"""Store access for the NLP stage: per-article analyses (entities, mentions, quotes).

An analysis is keyed by article and records the stage version and a hash of the clean text it
read, so re-running the stage only processes articles that are new, changed, or analysed by an
older stage version (idempotent).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from storyline.model import Analysis, Entity, Mention, Quote
from storyline.store.db import Store, from_row

QUOTE_FIELDS = (
    "start",
    "end",
    "text",
    "kind",
    "speaker",
    "speaker_mention",
    "speaker_start",
    "speaker_end",
    "speaker_entity",
    "cue",
    "medium",
    "via",
)


def text_sha(text: str) -> str:
    """The hash an analysis records of the text it read."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def pending(
    store: Store, stage: str, ids: Sequence[str] | None = None
) -> list[tuple[str, str, str | None]]:
    """(id, text, language) of articles without a current analysis by `stage`."""
    rows = store.conn.execute(
        "SELECT a.id, a.text, a.language, n.stage, n.text_sha FROM articles a"
        " LEFT JOIN analyses n ON n.article_id = a.id ORDER BY a.rowid"
    ).fetchall()
    wanted = set(ids) if ids is not None else None
    return [
        (r["id"], r["text"], r["language"])
        for r in rows
        if (wanted is None or r["id"] in wanted)
        and (r["stage"] != stage or r["text_sha"] != text_sha(r["text"]))
    ]


def save_analyses(store: Store, items: Sequence[tuple[str, str, Analysis]], stage: str) -> None:
    """Replace the analyses of these (article id, text, analysis) in one transaction."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with store.transaction() as conn:
        for article_id, text, analysis in items:
            for table in ("analyses", "entities", "mentions", "quotes"):
                column = "article_id"
                conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (article_id,))
            conn.execute(
                "INSERT INTO analyses VALUES (?,?,?,?,?)",
                (article_id, analysis.processor, stage, text_sha(text), now),
            )
            conn.executemany(
                "INSERT INTO entities VALUES (?,?,?,?)",
                [(article_id, e.id, e.label, e.name) for e in analysis.entities],
            )
            conn.executemany(
                "INSERT INTO mentions VALUES (?,?,?,?,?,?,?)",
                [
                    (article_id, m.entity, m.start, m.end, m.text, m.label, m.kind)
                    for m in analysis.mentions
                ],
            )
            conn.executemany(
                f"INSERT INTO quotes VALUES ({','.join('?' * (len(QUOTE_FIELDS) + 2))})",
                [
                    (article_id, i, *(getattr(q, f) for f in QUOTE_FIELDS))
                    for i, q in enumerate(analysis.quotes)
                ],
            )


def load_analysis(store: Store, article_id: str) -> Analysis | None:
    """The stored analysis of one article, with canonical names where resolution has run."""
    head = store.conn.execute(
        "SELECT processor FROM analyses WHERE article_id = ?", (article_id,)
    ).fetchone()
    if head is None:
        return None
    entities = tuple(
        from_row(Entity, r)
        for r in store.conn.execute(
            "SELECT e.*, c.name AS canonical FROM entities e LEFT JOIN entity_links l"
            " ON l.article_id = e.article_id AND l.entity = e.id LEFT JOIN canonical_entities c"
            " ON c.id = l.canonical_id WHERE e.article_id = ? ORDER BY e.id",
            (article_id,),
        )
    )
    mentions = tuple(
        from_row(Mention, r)
        for r in store.conn.execute(
            "SELECT * FROM mentions WHERE article_id = ? ORDER BY start", (article_id,)
        )
    )
    quotes = tuple(
        from_row(Quote, r)
        for r in store.conn.execute(
            "SELECT * FROM quotes WHERE article_id = ? ORDER BY idx", (article_id,)
        )
    )
    return Analysis(
        processor=head["processor"], entities=entities, mentions=mentions, quotes=quotes
    )
