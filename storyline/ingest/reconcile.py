"""Complete year-less publication dates from the corpus context (a cross-article step).

"10 November, 11:54" fits several years; the articles ingested with it usually come from the
same weeks. After an ingest, each new article whose date needed a year is recomputed with the
median of the confidently dated articles of the same run (else of the whole store) as context.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from storyline.ingest.clean import redate
from storyline.model import Article
from storyline.store.db import Store

CONFIDENT = 0.6  # dates at least this confident (and not year-completed) form the context


@dataclass(frozen=True, slots=True)
class DateNote:
    """What reconciliation needs to remember of one new article (not the article itself)."""

    article_id: str
    needs_year: bool
    confident_day: date | None


def note(article: Article) -> DateNote:
    """The date facts of a freshly cleaned article."""
    chosen = next((c for c in article.date_claims if c.verdict == "chosen"), None)
    completed = any(c.year_completed for c in article.date_claims)
    confident = (
        chosen is not None
        and not chosen.year_completed
        and chosen.granularity == "day"
        and article.published_confidence >= CONFIDENT
    )
    day = date.fromisoformat(chosen.value) if confident and chosen else None
    return DateNote(article.id, completed, day)


def store_context(store: Store) -> date | None:
    """The median confident publication date of all stored articles."""
    days = sorted(
        date.fromisoformat(r[0]).toordinal()
        for r in store.conn.execute(
            "SELECT a.published FROM articles a WHERE a.published IS NOT NULL"
            " AND a.published_confidence >= ? AND length(a.published) = 10"
            " AND NOT EXISTS (SELECT 1 FROM date_claims c WHERE c.article_id = a.id"
            " AND c.verdict = 'chosen' AND c.year_completed = 1)",
            (CONFIDENT,),
        )
    )
    return date.fromordinal(int(statistics.median_low(days))) if days else None


def reconcile_dates(store: Store, notes: Sequence[DateNote], now: date) -> int:
    """Recompute the run's articles whose date needed a year, with the median confident date
    of the run (else of the whole store) as context; returns how many changed."""
    pending = [n.article_id for n in notes if n.needs_year]
    if not pending:
        return 0
    days = sorted(n.confident_day.toordinal() for n in notes if n.confident_day is not None)
    context = date.fromordinal(int(statistics.median_low(days))) if days else store_context(store)
    if context is None:
        return 0
    changed = []
    for article_id in pending:
        old = store.get(article_id)
        if old is None:
            continue
        received = store.received_at(article_id)
        new = redate(old, now=received.date() if received else now, date_context=context)
        if new.published != old.published or new.date_claims != old.date_claims:
            changed.append(new)
    store.update_dates(changed)
    return len(changed)
