"""Stored quote clusters and what each member was grouped under.

Matching quotes across outlets (link/quotes.py) regroups only what changed: quotes that are new,
whose speaker key or article date changed, whose cluster lost a member, or that are linked to
any of those by a kept pair. Every member row keeps the speaker key and date it was grouped
under and every cluster the threshold (migration 11), which is how a run finds the changes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storyline.store.quote_pairs import QuoteKey


@dataclass(frozen=True, slots=True)
class StoredMember:
    """A quote's row in the stored clusters."""

    cluster: int
    speaker: str | None  # the speaker key it was grouped under ("" for none; None before V11)
    published: str | None  # its article's date then ("" for none; None before V11)
    threshold: float | None  # its cluster's threshold (None before V11)


@dataclass(frozen=True, slots=True)
class NewMember:
    """A member of a cluster to store."""

    key: QuoteKey
    similarity: float
    speaker: str | None
    published: str | None


def stored_members(conn: sqlite3.Connection) -> dict[QuoteKey, StoredMember]:
    """Every stored member row by quote key (rows of deleted quotes included)."""
    return {
        (r[0], r[1]): StoredMember(r[2], r[3], r[4], r[5])
        for r in conn.execute(
            "SELECT m.article_id, m.idx, m.cluster_id, m.speaker, m.published, c.threshold"
            " FROM quote_cluster_members m JOIN quote_clusters c ON c.id = m.cluster_id"
        )
    }


def replace_clusters(
    conn: sqlite3.Connection,
    dropped: Iterable[int],
    clusters: Sequence[Sequence[NewMember]],
    threshold: float,
) -> None:
    """Delete the clusters `dropped` and store `clusters` (each earliest member first) under
    new ids, in the given order (inside the caller's transaction)."""
    gone = [(cid,) for cid in sorted(set(dropped))]
    conn.executemany("DELETE FROM quote_cluster_members WHERE cluster_id = ?", gone)
    conn.executemany("DELETE FROM quote_clusters WHERE id = ?", gone)
    start = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM quote_clusters").fetchone()[0])
    for cid, members in enumerate(clusters, start=start + 1):
        first = members[0].key
        conn.execute(
            "INSERT INTO quote_clusters (id, first_article, first_idx, threshold) VALUES (?,?,?,?)",
            (cid, first[0], first[1], threshold),
        )
        conn.executemany(
            "INSERT INTO quote_cluster_members"
            " (cluster_id, article_id, idx, similarity, speaker, published) VALUES (?,?,?,?,?,?)",
            [
                (cid, m.key[0], m.key[1], m.similarity, m.speaker or "", m.published or "")
                for m in members
            ],
        )


def cross_article_clusters(conn: sqlite3.Connection) -> int:
    """How many stored clusters hold quotes from more than one article."""
    return int(
        conn.execute(
            "SELECT COUNT(*) FROM (SELECT cluster_id FROM quote_cluster_members"
            " GROUP BY cluster_id HAVING COUNT(DISTINCT article_id) > 1)"
        ).fetchone()[0]
    )
