"""NLP driver: analyse every stored article that needs it, in batches, and store the results;
likewise its time expressions, which are redone when its publication date changes.

The analysis itself (`storyline.nlp.analyse.analyse_texts`) is a pure function of the texts;
this module reads what is pending from the store and writes results back, one transaction per
batch. Re-running is idempotent: only new, changed, or older-stage articles are analysed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from storyline.store.analyses import pending, save_analyses
from storyline.store.db import Store

STAGE = "nlp.analyse.v1"
BATCH_SIZE = 200  # articles per transaction; spaCy batches inside


def analyse_store(
    store: Store,
    ids: Sequence[str] | None = None,
    *,
    n_process: int = 1,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Analyse pending articles (all, or only `ids`); returns how many were analysed."""
    from storyline.nlp.analyse import analyse_texts

    todo = pending(store, STAGE, ids)
    for start in range(0, len(todo), BATCH_SIZE):
        batch = todo[start : start + BATCH_SIZE]
        results = analyse_texts([(text, lang) for _, text, lang in batch], n_process=n_process)
        save_analyses(
            store,
            [(aid, text, res) for (aid, text, _), res in zip(batch, results, strict=True)],
            STAGE,
        )
        if on_progress:
            on_progress(start + len(batch), len(todo))
    return len(todo)


# v2: tense read per clause (coordinated and infinitive clauses), the year of a month near half
# a year away by its tense, ranges, nights: stored expressions are found again
TIMEX_STAGE = "nlp.timex.v2"


def timex_store(store: Store, ids: Sequence[str] | None = None) -> int:
    """Find and anchor the time expressions of articles whose text or publication date changed
    since they were last found; returns how many articles were processed."""
    from storyline.nlp.timex import find_timexes
    from storyline.store.timexes import pending_timexes, save_timexes

    todo = pending_timexes(store, TIMEX_STAGE, ids)
    for start in range(0, len(todo), BATCH_SIZE):
        batch = todo[start : start + BATCH_SIZE]
        save_timexes(
            store,
            [
                (aid, text, published, find_timexes(text, lang, anchor_day(published)))
                for aid, text, lang, published in batch
            ],
            TIMEX_STAGE,
        )
    return len(todo)


def anchor_day(published: str | None) -> date | None:
    """The day relative expressions are anchored to: a published value known to the day (a
    month-only date cannot say which day "yesterday" was)."""
    if not published or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None
