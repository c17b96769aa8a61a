"""Quote pairs scored on the Dask workers, one task per time window, merged in the driver.

Matching quotes across outlets (link/quotes.py) compares each new quote with every quote of
another article published at most `WINDOW_DAYS` apart: in a batch, most of the linking work.
It splits by time. Windows are `WINDOW_DAYS` + 1 days long, so two quotes close enough to be
compared lie in one window or in two neighbouring ones. Task k scores the pairs with a quote in
window k and the other in window k or k + 1, one of them new: the merge across the boundary,
each pair scored by exactly one task, and once. A task returns each new quote's best partners
among the pairs it scored (`best_partners`); the driver chooses each new quote's best partners
again among all the tasks returned, which are the ones it would choose among all its pairs,
stores them and marks the quotes scored (store/quote_pairs.py), so `cluster_quotes` afterwards
only groups; the pairs are the ones it would have kept itself, and so are the clusters.

Undated quotes compare with every quote, so they stay with the driver: the pairs of new dated
quotes with undated ones are scored here, and new undated quotes are left unmarked, for
`cluster_quotes` to score against everything.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.link.embedding import embed_cached, embedder
from storyline.link.quote_score import (
    WINDOW_DAYS,
    QuoteRef,
    Scorer,
    best_partners,
    embedded_text,
    quote_day,
    ranks,
    wordings,
)
from storyline.link.quotes import load_quotes
from storyline.store.db import Store
from storyline.store.quote_pairs import KeptPair, keep_pairs, scored_quotes
from storyline.store.vectors import keep

Scored = list[tuple[float, int, int]]


@dataclass(frozen=True, slots=True)
class WindowTask:
    """The quotes of windows `window` and `window` + 1 with their vectors (one row each), and
    which of them are new (`asked`, indices into `quotes`)."""

    window: int
    quotes: tuple[QuoteRef, ...]
    vectors: NDArray[np.float32]
    asked: tuple[int, ...]


def window_of(q: QuoteRef) -> int | None:
    """The window of a quote's publication day (None when undated)."""
    day = quote_day(q.published)
    return None if math.isnan(day) else int(day) // (WINDOW_DAYS + 1)


def score_window(task: WindowTask, threshold: float) -> list[KeptPair]:
    """The Dask task: the pairs with a quote in this window and the other in this window or
    the next, one of them new, scoring at least `threshold`; each pair scored once. The new
    quotes of this window meet every quote of both; the new quotes of the next window meet
    only this window's old ones (their pairs with its new ones are in the first part, their
    pairs among themselves are the next task's)."""
    scorer = Scorer(task.quotes, _table(task.quotes, task.vectors))
    here = [task.window == window_of(q) for q in task.quotes]
    asked = set(task.asked)
    found = scorer.candidates([i for i in task.asked if here[i]], threshold, lists=task.asked)
    later = [i for i in task.asked if not here[i]]
    old_here = [i for i, h in enumerate(here) if h and i not in asked]
    found += scorer.candidates(later, threshold, among=old_here)
    return [_pair(task.quotes, s, i, j) for s, i, j in found]


def score_on_workers(
    store: Store,
    client: Any,
    threshold: float,
    known: Mapping[str, NDArray[np.float32]] | None = None,
) -> int:
    """Score the store's new dated quotes on `client`'s workers, window by window, and their
    pairs with undated quotes here; store the pairs and mark those quotes scored (one
    transaction). `known`: quote vectors the workers computed. Returns the pairs stored."""
    using = embedder()
    if known:
        keep(store, known, using)
    quotes = load_quotes(store)
    done = scored_quotes(store, using, threshold)
    windows = [window_of(q) for q in quotes]
    by_window: dict[int, list[int]] = {}
    for i, w in enumerate(windows):
        if w is not None:
            by_window.setdefault(w, []).append(i)
    new = {i for i, q in enumerate(quotes) if q.key not in done and windows[i] is not None}
    if not new:
        return 0
    vectors = embed_cached(store, [embedded_text(q.text) for q in quotes])
    asked = {w for w, members in by_window.items() if new.intersection(members)}
    futures = []
    for w in sorted(asked | {w - 1 for w in asked}):
        members = by_window.get(w, []) + by_window.get(w + 1, [])
        if members:
            task = WindowTask(
                w,
                tuple(quotes[i] for i in members),
                vectors[members],
                tuple(n for n, i in enumerate(members) if i in new),
            )
            [payload] = client.scatter([task])
            futures.append(client.submit(score_window, payload, threshold, pure=False))
    undated = [i for i, w in enumerate(windows) if w is None]
    found = _with_undated(quotes, vectors, sorted(new), undated, threshold)
    for result in client.gather(futures):
        found += result
    pairs = _best(quotes, found, new)
    with store.transaction() as conn:
        keep_pairs(conn, pairs, (quotes[i].key for i in new), using, threshold)
    return len(pairs)


def _best(quotes: Sequence[QuoteRef], found: Sequence[KeptPair], new: set[int]) -> list[KeptPair]:
    """The `found` pairs among the best partners of a `new` quote, chosen among all of them."""
    if not found:
        return []
    index = {q.key: i for i, q in enumerate(quotes)}
    score = np.array([p.score for p in found], dtype=np.float64)
    left = np.array([index[p.a] for p in found], dtype=np.int64)
    right = np.array([index[p.b] for p in found], dtype=np.int64)
    listed = np.zeros(len(quotes), dtype=bool)
    listed[list(new)] = True
    chosen = best_partners((score, left, right), listed, ranks(quotes), wordings(quotes))
    return [_pair(quotes, s, i, j) for s, i, j in chosen]


def _with_undated(
    quotes: Sequence[QuoteRef],
    vectors: NDArray[np.float32],
    new: list[int],
    undated: list[int],
    threshold: float,
) -> list[KeptPair]:
    """The pairs of the new dated quotes with undated ones, scored in the driver (the undated
    against the new: as few rows as there are undated quotes)."""
    if not undated:
        return []
    members = new + undated
    chosen = tuple(quotes[i] for i in members)
    scorer = Scorer(chosen, _table(chosen, vectors[members]))
    found = scorer.candidates(range(len(new), len(members)), threshold, lists=range(len(new)))
    return [
        _pair(chosen, s, i, j)
        for s, i, j in found
        if min(i, j) < len(new)  # one dated: two undated are `cluster_quotes`' to pair
    ]


def _table(
    quotes: Sequence[QuoteRef], vectors: NDArray[np.float32]
) -> Callable[[Sequence[str]], NDArray[np.float32]]:
    """The `vectors` argument of `Scorer`: each quote's row, looked up by its embedded text."""
    rows = {embedded_text(q.text): v for q, v in zip(quotes, vectors, strict=True)}
    return lambda texts: np.asarray([rows[t] for t in texts], dtype=np.float32)


def _pair(quotes: Sequence[QuoteRef], score: float, i: int, j: int) -> KeptPair:
    a, b = sorted((quotes[i].key, quotes[j].key))
    return KeptPair(a, b, score)
