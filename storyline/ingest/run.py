"""Ingest driver: read inputs, clean each article, store in batches, report what happened.

Cleaning is a pure per-article function; this module is the only place that ties it to the
store. Articles are committed in batches of `BATCH_SIZE` (one transaction each), so a crash or
a kill loses at most the batch in flight and never leaves a half-written article.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from storyline.errors import InputError
from storyline.ingest.clean import clean_article, read_page
from storyline.ingest.html import Page
from storyline.ingest.readers import content_id, read_inputs
from storyline.ingest.reconcile import DateNote, note, reconcile_dates
from storyline.ingest.repeats import OutletLines
from storyline.model import Article, RawInput
from storyline.store.db import Store

log = logging.getLogger(__name__)
# Articles per transaction. Each article inserts rows keyed by its hash id and its normalised
# lines all over the indexes, so a commit writes most of the pages it touched: 100 an article
# made ingest slow down as the store grew (256 text dumps/s at 10,000, 338 with 500 and the
# larger page cache; bench/RESULTS.md). A kill loses at most this many, stored again on a re-run.
BATCH_SIZE = 500
CHUNK = 8  # inputs per hand-over to a worker process: fewer round trips, same order
IN_FLIGHT = 8  # chunks handed out ahead of the one being stored


@dataclass
class IngestReport:
    """What an ingest run did: counts, errors (one line each) and the new article ids."""

    ingested: int = 0
    already: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    new_ids: list[str] = field(default_factory=list)
    redated: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return self.failed == 0


def ingest(
    paths: Iterable[str],
    store: Store,
    *,
    now: datetime | None = None,
    workers: int = 1,
    extensive_dates: bool = True,
    on_file: Callable[[str], None] | None = None,
    on_error: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest every article under `paths` into `store`, cleaning in `workers` processes."""
    return ingest_items(
        read_inputs(paths, on_file=on_file),
        store,
        now=now,
        workers=workers,
        extensive_dates=extensive_dates,
        on_error=on_error,
    )


def ingest_items(
    items: Iterable[RawInput | InputError],
    store: Store,
    *,
    now: datetime | None = None,
    workers: int = 1,
    extensive_dates: bool = True,
    on_error: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest already-read inputs (files, fetched pages, feed items; errors are recorded).

    Reading, de-duplication by content, the outlet-repetition state and all writes stay in
    this process, in input order; only the pure cleaning runs in the workers, so the result
    is the same for any number of workers.
    """
    session = IngestSession(store, now=now, extensive_dates=extensive_dates, on_error=on_error)
    # In one process the live repetition state goes straight in; workers clean without it and
    # the articles it touches are cleaned again by the session, from the page the worker read
    # (the costly part, unaffected by repetition). Both give the same articles.
    clean = functools.partial(
        clean_or_error,
        now=session.moment.date(),
        outlet_lines=session.outlet_lines if workers <= 1 else None,
        extensive_dates=extensive_dates,
    )
    with _mapper(workers) as mapper:
        for item, cleaned in mapper(clean, session.fresh(items)):
            session.take(item, cleaned, with_state=workers <= 1)
    return session.finish()


class IngestSession:
    """One ingest run over a store, fed cleaned inputs in input order.

    It owns what is cross-article in ingest: de-duplication by content id, the outlet
    repetition state (an article touched by it is cleaned again here, from its page), failure
    records, batched writes and, at the end, the corpus date reconciliation. Cleaning happens
    elsewhere (this process, a process pool, or Dask workers in `storyline batch`).
    """

    def __init__(
        self,
        store: Store,
        *,
        now: datetime | None = None,
        extensive_dates: bool = True,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.moment = now or datetime.now(UTC)
        self.extensive_dates = extensive_dates
        self.on_error = on_error
        self.report = IngestReport()
        self._run_id = store.start_run()
        self.outlet_lines = OutletLines(store.outlet_line_counts())
        self._batch: list[tuple[RawInput, Article]] = []
        self._notes: list[DateNote] = []
        self._seen: set[str] = set()

    def fail(self, message: str, source: str, line: int | None) -> None:
        """Record a failed input (counted, stored, reported)."""
        self.report.failed += 1
        self.report.errors.append(message)
        self.store.record_failure(source, line, message)
        if self.on_error:
            self.on_error(message)

    def fresh(self, items: Iterable[RawInput | InputError]) -> Iterator[RawInput]:
        """The inputs not yet seen in this run nor stored; errors are recorded on the way."""
        for item in items:
            if isinstance(item, InputError):
                self.fail(str(item), item.path, item.line)
                continue
            if self.is_new(item):
                yield item

    def is_new(self, item: RawInput) -> bool:
        """Whether an input's content is neither seen in this run nor stored (counted as
        "already" when it is); a new one is remembered."""
        article_id = content_id(item.raw)
        if article_id in self._seen or self.store.has(article_id):
            self.report.already += 1
            return False
        self._seen.add(article_id)
        return True

    def take(self, item: RawInput, cleaned: Cleaned, *, with_state: bool = False) -> Article | None:
        """Add one cleaned input (or its error message) in input order; returns the article as
        it will be stored (cleaned again when the repetition state touches it), or None.
        `with_state`: it was cleaned with this session's repetition state as it is now (in this
        process, just before), so cleaning it again would give the same article."""
        if isinstance(cleaned, str):
            self.fail(cleaned, item.source, None)
            return None
        result, page = cleaned
        if not with_state and self.outlet_lines.touches(result):  # known only here: again
            result = clean_article(
                item,
                now=self.moment.date(),
                outlet_lines=self.outlet_lines,
                extensive_dates=self.extensive_dates,
                page=page,
            )
        self.outlet_lines.add(result)
        self._notes.append(note(result))
        self._batch.append((item, result))
        if len(self._batch) >= BATCH_SIZE:
            self.flush()
        return result

    def flush(self) -> None:
        """Store the articles taken since the last flush (one transaction)."""
        if not self._batch:
            return
        added = self.store.add(self._batch)
        self.report.ingested += added
        self.report.already += len(self._batch) - added
        self.report.new_ids += [a.id for _, a in self._batch]
        self._batch.clear()

    def finish(self) -> IngestReport:
        """Flush, complete year-less dates from the corpus, close the run record."""
        self.flush()
        self.report.redated = reconcile_dates(self.store, self._notes, self.moment.date())
        r = self.report
        self.store.finish_run(self._run_id, r.ingested, r.already, r.failed)
        return r


Cleaned = tuple[Article, Page | None] | str  # the article and its page, or an error message
Mapper = Callable[
    [Callable[[RawInput], Cleaned], Iterator[RawInput]],
    Iterator[tuple[RawInput, Cleaned]],
]


@contextmanager
def _mapper(workers: int) -> Iterator[Mapper]:
    """Map cleaning over inputs, in order: in this process, or in a pool of worker processes."""
    if workers <= 1:
        yield lambda fn, items: ((item, fn(item)) for item in items)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:

        def parallel(
            fn: Callable[[RawInput], Cleaned], items: Iterator[RawInput]
        ) -> Iterator[tuple[RawInput, Cleaned]]:
            # Inputs go out in chunks (fewer round trips), at most IN_FLIGHT chunks ahead, and
            # come back in input order; reading stays in this thread, as does the store.
            # Workers get no raw bytes: the store keeps them, cleaning reads the text.
            pending: deque[tuple[list[RawInput], Any]] = deque()
            chunk: list[RawInput] = []
            for item in items:
                chunk.append(item)
                if len(chunk) == CHUNK:
                    pending.append((chunk, pool.map_async(fn, [_light(i) for i in chunk])))
                    chunk = []
                while len(pending) > IN_FLIGHT or (pending and pending[0][1].ready()):
                    done, results = pending.popleft()
                    yield from zip(done, results.get(), strict=True)
            if chunk:
                pending.append((chunk, pool.map_async(fn, [_light(i) for i in chunk])))
            while pending:
                done, results = pending.popleft()
                yield from zip(done, results.get(), strict=True)

        yield parallel


def _light(item: RawInput) -> RawInput:
    return replace(item, raw_bytes=b"")


def clean_or_error(
    item: RawInput,
    *,
    now: date,
    outlet_lines: OutletLines | None = None,
    extensive_dates: bool = True,
) -> Cleaned:
    """Clean one input; a bug in one article becomes its error message, never a crash."""
    try:
        page = read_page(item, extensive_dates=extensive_dates)
        article = clean_article(
            item, now=now, outlet_lines=outlet_lines, extensive_dates=extensive_dates, page=page
        )
        return article, page
    except Exception as err:  # one article's failure must not stop the others
        log.exception("cleaning failed for %s", item.source)
        why = f"{type(err).__name__}: {err}"
        return f"{item.source}: cleaning failed ({why}); please report this input"


def today() -> date:
    """Today's date in UTC, the default reference for plausibility."""
    return datetime.now(UTC).date()
