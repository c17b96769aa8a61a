"""Complete year-less publication dates from the corpus context (a cross-article step).

"10 November, 11:54" fits several years; the articles ingested with it usually come from the
same weeks. After an ingest, each new article whose date needed a year is recomputed with the
median of the confidently dated articles of the same run (else of the whole store) as context.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import date

from storyline.ingest.clean import clean_article
from storyline.ingest.repeats import OutletLines
from storyline.store.db import Store

CONFIDENT = 0.6  # dates at least this confident (and not year-completed) form the context


def corpus_context(store: Store, ids: Sequence[str]) -> date | None:
    """The median confident publication date among `ids`, else among all stored articles."""
    for scope in (list(ids), None):
        query = (
            "SELECT a.published FROM articles a WHERE a.published IS NOT NULL"
            " AND a.published_confidence >= ? AND length(a.published) = 10"
            " AND NOT EXISTS (SELECT 1 FROM date_claims c WHERE c.article_id = a.id"
            " AND c.verdict = 'chosen' AND c.year_completed = 1)"
        )
        params: list[object] = [CONFIDENT]
        if scope is not None:
            if not scope:
                continue
            query += f" AND a.id IN ({','.join('?' * len(scope))})"
            params += scope
        days = sorted(
            date.fromisoformat(r[0]).toordinal() for r in store.conn.execute(query, params)
        )
        if days:
            return date.fromordinal(int(statistics.median_low(days)))
    return None


def reconcile_dates(store: Store, ids: Sequence[str], now: date) -> int:
    """Recompute articles among `ids` whose date needed a year; returns how many changed."""
    wanted = set(ids)
    pending = [
        r[0]
        for r in store.conn.execute(
            "SELECT DISTINCT article_id FROM date_claims WHERE year_completed = 1"
        )
        if r[0] in wanted
    ]
    if not pending:
        return 0
    context = corpus_context(store, ids)
    if context is None:
        return 0
    changed = 0
    outlet_lines = OutletLines(store.outlet_line_counts())
    for article_id in pending:
        raw, old = store.raw_input(article_id), store.get(article_id)
        if raw is None or old is None:
            continue
        received = store.received_at(article_id)
        new = clean_article(
            raw,
            now=received.date() if received else now,
            outlet_lines=outlet_lines,
            date_context=context,
        )
        if new.published != old.published or new.date_claims != old.date_claims:
            store.replace_article(new)
            changed += 1
    return changed
