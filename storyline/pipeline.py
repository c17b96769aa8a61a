"""The whole pipeline over a store: ingest (clean, date) → NLP (entities, quotes) → linking
(canonical entities, quotes across outlets, duplicates, events and stories). Each step only
does what is new or changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.errors import InputError
from storyline.ingest.readers import read_inputs
from storyline.ingest.run import IngestReport, ingest_items
from storyline.model import RawInput
from storyline.store.db import Store

STEPS = ("clean", "nlp", "link")


@dataclass
class PipelineReport:
    """What a pipeline run did."""

    ingest: IngestReport
    analysed: int = 0
    linked: bool = False


def run_pipeline(
    paths: Iterable[str],
    store: Store,
    *,
    on_file: Callable[[str], None] | None = None,
    **options: Any,
) -> PipelineReport:
    """Ingest the files under `paths` and run the later steps on what changed."""
    return run_items(read_inputs(paths, on_file=on_file), store, **options)


def run_items(
    items: Iterable[RawInput | InputError],
    store: Store,
    *,
    steps: Iterable[str] = STEPS,
    workers: int = 1,
    on_error: Callable[[str], None] | None = None,
    on_analysed: Callable[[int, int], None] | None = None,
    quote_threshold: float | None = None,
    extensive_dates: bool = True,
) -> PipelineReport:
    """Ingest already-read inputs (files, fetched pages, feed items) and run the later steps
    on what changed (`workers` processes for the per-article steps)."""
    wanted = set(steps)
    report = PipelineReport(
        ingest_items(
            items,
            store,
            workers=workers,
            extensive_dates=extensive_dates,
            on_error=on_error,
        )
    )
    if "nlp" in wanted:
        from storyline.nlp.run import analyse_store, timex_store

        report.analysed = analyse_store(store, n_process=workers, on_progress=on_analysed)
        timex_store(store)
    if "link" in wanted and "nlp" in wanted:
        link_store(store, quote_threshold=quote_threshold)
        report.linked = True
    return report


def link_store(
    store: Store,
    *,
    quote_threshold: float | None = None,
    quote_vectors: Mapping[str, NDArray[np.float32]] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> None:
    """The cross-article steps, in order: canonical entities, quote clusters (`quote_vectors`:
    embeddings computed elsewhere, e.g. by batch workers), duplicates, events and stories."""
    from storyline.link.cluster import assign_events
    from storyline.link.dedup import find_duplicates
    from storyline.link.quotes import DEFAULT_THRESHOLD, cluster_quotes
    from storyline.link.resolve import resolve_entities

    threshold = DEFAULT_THRESHOLD if quote_threshold is None else quote_threshold
    steps: list[tuple[str, Callable[[], object]]] = [
        ("entities", lambda: resolve_entities(store)),
        ("quotes", lambda: cluster_quotes(store, threshold, known=quote_vectors)),
        ("duplicates", lambda: find_duplicates(store)),
        ("events", lambda: assign_events(store)),
    ]
    for name, step in steps:
        if on_step:
            on_step(name)
        step()
