"""Scored quote pairs in the store: each quote is compared with every other once in its life.

Matching quotes across outlets (link/quotes.py) needs the score of every pair of quotes from
different articles. A pair's score depends only on the two quotes (their words, whether they
are reported speech) and the embedder, not on the rest of the store, so it is kept: a run scores
only the quotes not yet marked in `quotes_scored` against all the others and keeps the pairs
reaching the run's threshold, each new quote's best partners only (link/quote_score.py
`best_partners`). Pairs are stored by integer quote ids (`quote_ids`; the view
`quote_pair_keys` shows them by article id and index): a large store keeps hundreds of
thousands, and a run reads the ones its new quotes reach. Deleting a quote (its article
re-analysed or removed) drops its pairs, its id and its mark by trigger (migration 11). Pairs
kept under another embedder, or with a floor above the threshold now asked for, are stale:
then everything is scored again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
from numpy.typing import NDArray

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


Pairs = tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]  # score, i, j


class PairReader:
    """The stored pairs among the quotes `keys`, read as positions in `keys` (i < j)."""

    def __init__(self, conn: sqlite3.Connection, keys: Sequence[QuoteKey]) -> None:
        self.conn = conn
        index = {key: n for n, key in enumerate(keys)}
        rows = conn.execute("SELECT id, article_id, idx FROM quote_ids").fetchall()
        self.position = np.full(max((r[0] for r in rows), default=0) + 1, -1, dtype=np.int64)
        self.id_of = np.full(len(keys), -1, dtype=np.int64)
        for qid, article_id, idx in rows:
            at = index.get((article_id, idx))
            if at is not None:
                self.position[qid], self.id_of[at] = at, qid

    def every(self, minimum: float) -> Pairs:
        """Every stored pair of two of the quotes scoring at least `minimum`."""
        rows = self.conn.execute(
            "SELECT score, a, b FROM quote_pairs WHERE score >= ?", (minimum,)
        ).fetchall()
        return self._positions(rows)

    def touching(self, positions: Sequence[int], done: Sequence[int], minimum: float) -> Pairs:
        """The stored pairs scoring at least `minimum` of a quote at `positions` with another
        of the quotes, except those with a quote at `done` (read before), each once."""
        rows = self.conn.execute(
            "SELECT score, a, b FROM quote_pairs WHERE score >= :minimum"
            " AND a IN (SELECT value FROM json_each(:ids)) AND b NOT IN"
            " (SELECT value FROM json_each(:done)) UNION ALL"
            " SELECT score, a, b FROM quote_pairs WHERE score >= :minimum"
            " AND b IN (SELECT value FROM json_each(:ids)) AND a NOT IN"
            " (SELECT value FROM json_each(:done) UNION ALL SELECT value FROM json_each(:ids))",
            {"minimum": minimum, "ids": self._ids(positions), "done": self._ids(done)},
        ).fetchall()
        return self._positions(rows)

    def _ids(self, positions: Sequence[int]) -> str:
        """The ids of the quotes at `positions` as a JSON list (quotes without one have no
        pairs)."""
        ids = self.id_of[np.asarray(positions, dtype=np.int64)]
        return json.dumps(ids[ids >= 0].tolist())

    def _positions(self, rows: list[tuple[float, int, int]]) -> Pairs:
        score, a, b = pair_arrays(rows)
        a, b = self.position[a], self.position[b]
        ours = (a >= 0) & (b >= 0)  # pairs with a quote not among `keys` are left out
        return score[ours], np.minimum(a, b)[ours], np.maximum(a, b)[ours]


def pair_arrays(rows: Sequence[tuple[float, int, int]]) -> Pairs:
    """(score, i, j) tuples as arrays."""
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.float64, count=3 * len(rows))
    table = flat.reshape(-1, 3)
    return table[:, 0], table[:, 1].astype(np.int64), table[:, 2].astype(np.int64)


def quote_ids(conn: sqlite3.Connection, keys: Iterable[QuoteKey]) -> dict[QuoteKey, int]:
    """Each quote's integer id, given one when it has none yet (inside the caller's
    transaction)."""
    listed = list(dict.fromkeys(keys))
    conn.executemany("INSERT OR IGNORE INTO quote_ids (article_id, idx) VALUES (?,?)", listed)
    return {
        (r[1], r[2]): r[0]
        for r in conn.execute(
            "SELECT id, article_id, idx FROM quote_ids WHERE (article_id, idx) IN"
            " (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]')"
            " FROM json_each(?))",
            (json.dumps([list(k) for k in listed]),),
        )
    }


def keep_pairs(
    conn: sqlite3.Connection,
    pairs: Iterable[KeptPair],
    scored: Iterable[QuoteKey],
    embedder: str,
    floor: float,
) -> None:
    """Store new pairs and mark the quotes they were scored for (inside the caller's
    transaction, so the marks and the pairs land together)."""
    pairs = list(pairs)
    ids = quote_ids(conn, (key for p in pairs for key in (p.a, p.b)))
    conn.executemany(
        "INSERT OR REPLACE INTO quote_pairs VALUES (?,?,?)",
        [(ids[p.a], ids[p.b], p.score) for p in pairs],
    )
    conn.executemany(
        "INSERT OR REPLACE INTO quotes_scored VALUES (?,?,?,?)",
        [(aid, idx, embedder, floor) for aid, idx in scored],
    )
