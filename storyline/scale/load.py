"""Shards → store, in input order, then the cross-article steps over the store.

Loading goes through the ingest driver's `IngestSession`, exactly as `storyline ingest` with
worker processes does: de-duplication by content id, the outlet-repetition state (an article
it touches is cleaned again here from the page the worker extracted), failures, batched
transactions, and the corpus date reconciliation at the end. What the workers computed for an
article (its analysis, time expressions and lede vector) is stored beside it when the stored
article is the one the worker saw; otherwise (cleaned again here) the stage drivers find it
pending by its text hash and compute it in this process, as they would after any ingest.

The cross-article steps then run here, over the whole store, in the pipeline's order; they
are incremental, so a batch into a store that already holds articles does only the new work.
Their costly part, scoring quote pairs, is split by time window over the workers first
(scale/quote_windows.py); docs/batch.md says why the rest is not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.ingest.run import IngestReport, IngestSession
from storyline.nlp.run import STAGE, TIMEX_STAGE, analyse_store, timex_store
from storyline.scale.tasks import Failed, PartitionResult, Processed
from storyline.store.analyses import save_analyses
from storyline.store.db import Store
from storyline.store.timexes import save_timexes


class Loader:
    """Partition results → store, through one `IngestSession`, in input order; it gathers the
    workers' quote vectors for the quote clustering that follows (`link`)."""

    def __init__(self, session: IngestSession) -> None:
        self.session = session
        self.quote_vectors: dict[str, NDArray[np.float32]] = {}

    def load(self, result: PartitionResult) -> int:
        """Add one partition's results; returns how many articles were stored with their
        worker-computed analyses."""
        from storyline.link.quote_score import embedded_text

        session, kept = self.session, []
        for item in result.items:
            if isinstance(item, Failed):
                if item.raw is None:
                    session.fail(item.error, item.source, item.line)
                elif session.is_new(item.raw):
                    session.take(item.raw, item.error)
                continue
            for quote, vector in zip(item.analysis.quotes, item.quote_vectors, strict=True):
                self.quote_vectors[embedded_text(quote.text)] = np.frombuffer(vector, np.float32)
            if not session.is_new(item.raw):
                continue
            stored = session.take(item.raw, (item.article, item.page))
            if stored == item.article:
                kept.append(item)
        session.flush()
        save_computed(session.store, kept)
        return len(kept)

    def finish(
        self,
        *,
        link: bool = True,
        quote_threshold: float | None = None,
        on_step: Callable[[str], None] | None = None,
        client: Any = None,
    ) -> IngestReport:
        """End the ingest run (date reconciliation), then run the steps after it (`link`:
        with the cross-article ones; quote pairs scored on `client`'s workers if given)."""
        report = self.session.finish()
        after_ingest(
            self.session.store,
            link=link,
            quote_threshold=quote_threshold,
            quote_vectors=self.quote_vectors,
            on_step=on_step,
            client=client,
        )
        return report


def save_computed(store: Store, items: Sequence[Processed]) -> None:
    """Store the worker-computed analyses, time expressions and lede vectors of stored
    articles, each with the text hash its stage driver checks (so it is not redone)."""
    if not items:
        return
    save_analyses(store, [(p.article.id, p.article.text, p.analysis) for p in items], STAGE)
    save_timexes(
        store,
        [(p.article.id, p.article.text, p.article.published, p.timexes) for p in items],
        TIMEX_STAGE,
    )
    with store.transaction() as conn:  # the rows `link.cluster_items.ensure_vectors` writes
        conn.executemany(
            "INSERT OR REPLACE INTO article_vectors VALUES (?,?,?)",
            [(p.article.id, p.vector_sha, p.vector) for p in items],
        )


def after_ingest(
    store: Store,
    *,
    link: bool = True,
    quote_threshold: float | None = None,
    quote_vectors: Mapping[str, NDArray[np.float32]] | None = None,
    on_step: Callable[[str], None] | None = None,
    client: Any = None,
) -> None:
    """The steps `pipeline.run_items` runs after ingest, in its order: the NLP and time
    expressions still pending (articles cleaned again in the driver, dates reconciled), then
    (`link`) entity resolution, quote clusters (embedding only the quotes without a
    `quote_vectors` entry; with a `client`, the new quotes' pairs are first scored on its
    workers, window by window: scale/quote_windows.py), duplicates, events and stories."""
    from storyline.link.quotes import DEFAULT_THRESHOLD
    from storyline.pipeline import link_store
    from storyline.scale.quote_windows import score_on_workers

    pending: tuple[tuple[str, Callable[[], object]], ...] = (
        ("nlp (pending)", lambda: analyse_store(store)),
        ("time expressions (pending)", lambda: timex_store(store)),
    )
    for name, step in pending:
        if on_step:
            on_step(name)
        step()
    if link and client is not None:
        if on_step:
            on_step("quote pairs (workers)")
        threshold = DEFAULT_THRESHOLD if quote_threshold is None else quote_threshold
        score_on_workers(store, client, threshold, quote_vectors)
    if link:
        link_store(
            store, quote_threshold=quote_threshold, quote_vectors=quote_vectors, on_step=on_step
        )
