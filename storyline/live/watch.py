"""The watch loop: poll the due feeds, fetch their new items' pages, run the pipeline on them.

One round polls every due feed (in `concurrency` threads, each request through the fetcher's
guard and host gate), keeps the items not already handled (by GUID, link, or a stored article's
URL or canonical URL), fetches their pages the same way, and hands the inputs to
`run_items`, which cleans, analyses and links only what is new. Then each feed's state (its
validators, failures and next poll, with backoff), the items it handled and the fetch log are
written. Only this thread touches the store.

A feed that fails (dead host, broken XML, hostile page) is logged, shown in the status and
backed off; it never stops the others. A stop (Ctrl-C) drops the fetches still waiting for
their turn and the round they belong to; a round whose pages are all in goes through the
pipeline to the end, so no article is half-stored.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from storyline.errors import InputError
from storyline.ingest.readers import content_id
from storyline.live.feeds import Feed, FeedItem, item_input, parse_feed
from storyline.live.fetch import Fetched, Fetcher
from storyline.live.polite import Stopped, backoff_delay
from storyline.model import RawInput
from storyline.pipeline import STEPS, run_items
from storyline.store.db import Store
from storyline.store.fetchlog import (
    FeedState,
    SeenItem,
    add_feeds,
    known_keys,
    list_feeds,
    log_fetches,
    save_poll,
)

log = logging.getLogger(__name__)

EVERY_S = 600.0  # poll interval: news feeds update every few minutes; most publish TTL 5-15 min
CONCURRENCY = 8  # requests in flight over all hosts (each host has its own, smaller cap)
RETRY = "retry"  # an item whose page failed for now (network, 5xx, 429): fetched at next poll


@dataclass
class FeedStatus:
    """What the status table shows of one feed (updated as the watcher goes)."""

    url: str
    title: str = ""
    last_poll: str = ""
    status: str = "waiting"
    new: int = 0
    errors: int = 0
    next_poll: str = ""


@dataclass
class WatchSummary:
    """What a watch run did."""

    rounds: int = 0
    polls: int = 0
    new: int = 0
    errors: int = 0
    stopped: bool = False
    feeds: dict[str, FeedStatus] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Polled:
    """One feed's poll before the pipeline: its next state and the items to ingest."""

    state: FeedState
    feed: Feed | None = None
    fresh: tuple[FeedItem, ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What became of one new item before the pipeline: its input, or why there is none."""

    item: FeedItem
    raw: RawInput | None
    note: str = ""


class Watcher:
    """Polls a set of feeds into a store; see the module docstring."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        urls: Iterable[str],
        *,
        every: float = EVERY_S,
        concurrency: int = CONCURRENCY,
        steps: Iterable[str] = STEPS,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.every = every
        self.steps = tuple(steps)
        self.stop = fetcher.gate.stop  # set by Ctrl-C: the fetcher drops what waits, we stop
        add_feeds(store, urls)
        self.urls = list(dict.fromkeys(urls)) or [f.url for f in list_feeds(store)]
        self.summary = WatchSummary(feeds={u: FeedStatus(url=u) for u in self.urls})
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="fetch")

    def close(self) -> None:
        """Stop the fetch threads (requests waiting for their turn are dropped)."""
        self.stop.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def run(
        self,
        *,
        once: bool = False,
        duration: float | None = None,
        max_rounds: int | None = None,
    ) -> WatchSummary:
        """Poll until stopped: one round (`once`), for `duration` seconds or `max_rounds`
        rounds. Between rounds it sleeps until the next feed is due."""
        deadline = time.monotonic() + duration if duration is not None else None
        while not self.stop.is_set():
            self.poll_round()
            if once or (max_rounds is not None and self.summary.rounds >= max_rounds):
                break
            wait = self._until_due()
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                wait = min(wait, left)
            self.stop.wait(wait)
        self.summary.stopped = self.stop.is_set()
        return self.summary

    def poll_round(self) -> int:
        """Poll every due feed once; returns the number of new articles stored."""
        now = datetime.now(UTC)
        due = [f for f in list_feeds(self.store, self.urls) if _due(f, now)]
        if not due:
            return 0
        try:
            fetched = list(self._pool.map(self._fetch_feed, due))
            claimed: set[str] = set()  # an item in two feeds is fetched for the first only
            polled = [self._read(f, got, now, claimed) for f, got in zip(due, fetched, strict=True)]
            wanted = [(p, item) for p in polled for item in p.fresh if item.link]
            pages = list(self._pool.map(self._fetch_page, wanted))
        except Stopped:  # stopping while requests waited for their turn: drop this round
            log.info("stopped: the round in progress is dropped")
            log_fetches(self.store, self.fetcher.drain_log())
            return 0
        return self._ingest(polled, wanted, pages)

    def _fetch_feed(self, state: FeedState) -> Fetched:
        self.summary.feeds[state.url].status = "polling"
        return self.fetcher.fetch(
            state.url,
            "feed",
            etag=state.etag,
            last_modified=state.last_modified,
            feed_url=state.url,
        )

    def _fetch_page(self, wanted: tuple[_Polled, FeedItem]) -> Fetched:
        polled, item = wanted
        assert item.link is not None
        return self.fetcher.fetch(item.link, "page", feed_url=polled.state.url)

    def _read(self, state: FeedState, result: Fetched, now: datetime, claimed: set[str]) -> _Polled:
        """The feed's next state from its answer, and its items neither handled before nor
        `claimed` by another feed in this round (they are added to it)."""
        polled = replace(
            state,
            last_polled=now.isoformat(timespec="seconds"),
            last_status=result.status,
            articles=0,
        )
        if result.not_modified:
            return _Polled(self._ok(polled, now))
        if not result.ok:
            return _Polled(self._failed(polled, now, result.error or "", result.retry_after))
        try:
            feed = parse_feed(result)
        except InputError as err:
            return _Polled(self._failed(polled, now, str(err).removeprefix(f"{err.path}: "), None))
        if feed.warning:
            log.warning("%s: %s", state.url, feed.warning)
        known = claimed | known_keys(self.store, (k for i in feed.items for _, k in i.identities()))
        fresh = tuple(i for i in feed.items if not any(k in known for _, k in i.identities()))
        claimed.update(k for i in fresh for _, k in i.identities())
        ok = replace(
            self._ok(polled, now),
            title=feed.title,
            etag=result.etag,
            last_modified=result.last_modified,
            last_error=feed.warning,
        )
        return _Polled(ok, feed, fresh)

    def _ok(self, state: FeedState, now: datetime) -> FeedState:
        return replace(
            state,
            last_error=None,
            failures=0,
            next_poll=(now + timedelta(seconds=self.every)).isoformat(timespec="seconds"),
        )

    def _failed(
        self, state: FeedState, now: datetime, error: str, retry_after: float | None
    ) -> FeedState:
        """A failed poll: backed off (longer if the server asked), the validators kept."""
        failures = state.failures + 1
        wait = max(backoff_delay(failures), retry_after or 0.0, self.every)
        log.warning("%s: %s (failure %d, next poll in %.0f s)", state.url, error, failures, wait)
        return replace(
            state,
            last_error=error,
            failures=failures,
            next_poll=(now + timedelta(seconds=wait)).isoformat(timespec="seconds"),
        )

    def _ingest(
        self,
        polled: list[_Polled],
        wanted: list[tuple[_Polled, FeedItem]],
        pages: list[Fetched],
    ) -> int:
        """Run the pipeline on the round's new items, then save each feed's poll."""
        page_of = {id(item): page for (_, item), page in zip(wanted, pages, strict=True)}
        outcomes = {
            p.state.url: [self._input(p, item, page_of.get(id(item))) for item in p.fresh]
            for p in polled
        }
        inputs = [o.raw for done in outcomes.values() for o in done if o.raw is not None]
        report = run_items(inputs, self.store, steps=self.steps) if inputs else None
        new_ids = set(report.ingest.new_ids) if report else set()
        total = 0
        for p in polled:
            seen: list[SeenItem] = []
            added = 0
            for o in outcomes[p.state.url]:
                if o.note == RETRY:
                    continue
                article = content_id(o.raw.raw) if o.raw is not None else None
                stored = article if article is not None and self.store.has(article) else None
                added += article in new_ids
                note = o.note if o.raw is None or stored else "cleaning failed (see failures)"
                seen += [
                    SeenItem(kind=kind, key=key, article_id=stored, note=note)
                    for kind, key in o.item.identities()
                ]
            state = replace(p.state, articles=added)
            save_poll(self.store, state, items=seen)
            self._show(state, p, added)
            total += added
        log_fetches(self.store, self.fetcher.drain_log())
        self.summary.rounds += 1
        self.summary.new += total
        return total

    def _input(self, polled: _Polled, item: FeedItem, page: Fetched | None) -> _Outcome:
        """The item's input, or None and why (`RETRY`: its page failed for now)."""
        assert polled.feed is not None
        if page is not None and not page.ok:
            return _Outcome(item, None, RETRY if page.transient else f"page: {page.error}")
        if page and page.final_url != page.url and known_keys(self.store, [page.final_url]):
            return _Outcome(item, None, f"already stored as {page.final_url}")
        if page is None and not item.content:
            return _Outcome(item, None, "no link and no content")
        try:
            return _Outcome(item, item_input(polled.feed, item, page))
        except InputError as err:
            return _Outcome(item, None, f"page: {err}")

    def _show(self, state: FeedState, polled: _Polled, added: int) -> None:
        status = self.summary.feeds[state.url]
        status.title = state.title or status.title
        status.last_poll = (state.last_polled or "")[11:19]
        status.next_poll = (state.next_poll or "")[11:19]
        status.new += added
        self.summary.polls += 1
        if state.failures:
            status.errors += 1
            self.summary.errors += 1
            status.status = f"error ({state.failures}x): {state.last_error}"
        elif state.last_status == 304:
            status.status = "not modified"
        else:
            status.status = f"ok, {len(polled.fresh)} new item(s)"

    def _until_due(self) -> float:
        """Seconds until the next feed is due (at most one poll interval)."""
        now = datetime.now(UTC)
        waits = [
            (datetime.fromisoformat(f.next_poll) - now).total_seconds()
            for f in list_feeds(self.store, self.urls)
            if f.next_poll
        ]
        return max(0.0, min([self.every, *waits]))


def _due(state: FeedState, now: datetime) -> bool:
    return state.next_poll is None or datetime.fromisoformat(state.next_poll) <= now
