"""Scored quote pairs in the store: each quote is compared with every other once in its life.

Matching quotes across outlets (link/quotes.py) needs the score of every pair of quotes from
different articles. A pair's score depends only on the two quotes (their words, whether they
are reported speech) and the embedder, not on the rest of the store, so it is kept: a run scores
only the quotes not yet marked in `quotes_scored` against all the others and keeps the pairs
reaching the run's threshold. Deleting a quote (its article re-analysed or removed) drops its
pairs and its mark by trigger (migration 10). Pairs kept under another embedder, or with a
floor above the threshold now asked for, are stale: then everything is scored again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from storyline.store.db import Store

QuoteKey = tuple[str, int]  # (article id, quote index)


@dataclass(frozen=True, slots=True)
class KeptPair:
    """A stored pair, `a` before `b` in (article id, index) order."""

    a: QuoteKey
    b: QuoteKey
    score: float


def scored_quotes(store: Store, embedder: str, floor: float) -> set[QuoteKey]:
    """The quotes whose pairs are kept for `embedder` down to at most `floor`; forgets every
    kept pair first when some were scored otherwise (another embedder, a higher floor)."""
    conn = store.conn
    stale = conn.execute(
        "SELECT 1 FROM quotes_scored WHERE embedder != ? OR floor > ? LIMIT 1", (embedder, floor)
    ).fetchone()
    if stale:
        with store.transaction() as tx:
            tx.execute("DELETE FROM quote_pairs")
            tx.execute("DELETE FROM quotes_scored")
        return set()
    return {(r[0], r[1]) for r in conn.execute("SELECT article_id, idx FROM quotes_scored")}


def kept_pairs(
    store: Store, minimum: float, index: Mapping[QuoteKey, int]
) -> list[tuple[float, int, int]]:
    """The stored pairs scoring at least `minimum`, as (score, i, j) with `index` giving each
    quote's position (pairs of quotes not in it are left out). Read straight into positions:
    a large store keeps hundreds of thousands of pairs, read on every run."""
    out = []
    for a_article, a_idx, b_article, b_idx, score in store.conn.execute(
        "SELECT a_article, a_idx, b_article, b_idx, score FROM quote_pairs WHERE score >= ?",
        (minimum,),
    ):
        i, j = index.get((a_article, a_idx)), index.get((b_article, b_idx))
        if i is not None and j is not None:
            out.append((score, i, j))
    return out


def keep_pairs(
    conn: sqlite3.Connection,
    pairs: Iterable[KeptPair],
    scored: Iterable[QuoteKey],
    embedder: str,
    floor: float,
) -> None:
    """Store new pairs and mark the quotes they were scored for (inside the caller's
    transaction, so the marks and the pairs land together)."""
    conn.executemany(
        "INSERT OR REPLACE INTO quote_pairs VALUES (?,?,?,?,?)",
        [(p.a[0], p.a[1], p.b[0], p.b[1], p.score) for p in pairs],
    )
    conn.executemany(
        "INSERT OR REPLACE INTO quotes_scored VALUES (?,?,?,?)",
        [(aid, idx, embedder, floor) for aid, idx in scored],
    )
