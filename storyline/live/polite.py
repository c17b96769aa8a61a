"""Politeness: how often and how many at once we ask one host, robots.txt, and backing off.

Every request to a host waits for its turn (`HostGate.slot`): at most `per_host` at once, starts
at least `delay` seconds apart (or the host's robots.txt Crawl-delay when larger), and none while
the host has asked us to wait (a 429 or 503 with Retry-After). robots.txt is read once per origin
and kept for `ROBOTS_TTL_S`. A failing feed is polled again after an exponential backoff with
jitter, so that many watchers (or many feeds on one host) do not retry in step.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from storyline.live.guard import Refused

log = logging.getLogger(__name__)

# One request per second per host: the customary crawler courtesy (and Scrapy's AutoThrottle
# target for a single slot); robots.txt Crawl-delay raises it, never lowers it.
HOST_DELAY_S = 1.0
PER_HOST = 2  # requests in flight per host: browsers open 6, a background poller needs fewer
ROBOTS_TTL_S = 24 * 3600  # RFC 9309 §2.4: a cached robots.txt should not be used for longer
ROBOTS_RETRY_S = 600.0  # an unreadable robots.txt (5xx, network) is asked again after 10 min
BACKOFF_BASE_S = 60.0  # first retry of a failing feed after about a minute ...
BACKOFF_MAX_S = 6 * 3600.0  # ... doubling up to six hours (a feed down for a day is polled 4x)
RETRY_AFTER_MAX_S = 24 * 3600.0  # a Retry-After beyond a day is a misconfiguration: cap it


BLOCK_WAIT_MAX_S = 30.0  # a Retry-After shorter than this is waited out; a longer one fails fast


class Stopped(Exception):
    """The watcher is stopping: a request still waiting for its turn is dropped."""


class HostBusy(Exception):
    """The host asked us (429/503 Retry-After) to wait longer than a request should wait."""

    def __init__(self, host: str, seconds: float) -> None:
        super().__init__(f"{host} asked us to wait {seconds:.0f} s more (Retry-After)")
        self.seconds = seconds


def backoff_delay(failures: int, rng: random.Random | None = None) -> float:
    """Seconds to wait after `failures` consecutive failures: exponential, capped, with
    "equal jitter" (half fixed, half random), so retries spread out but never come early."""
    if failures <= 0:
        return 0.0
    ceiling = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2.0 ** min(failures - 1, 30))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """The seconds a Retry-After header asks for (a number or an HTTP date), capped; None when
    absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_MAX_S)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), RETRY_AFTER_MAX_S)


@dataclass
class _Host:
    slots: threading.Semaphore
    delay: float
    next_start: float = 0.0
    blocked_until: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


class HostGate:
    """Per-host concurrency cap, spacing between requests and Retry-After blocks."""

    def __init__(
        self,
        *,
        delay: float = HOST_DELAY_S,
        per_host: int = PER_HOST,
        stop: threading.Event | None = None,
    ) -> None:
        self.delay = delay
        self.per_host = per_host
        self.stop = stop or threading.Event()
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def _host(self, host: str) -> _Host:
        with self._lock:
            if host not in self._hosts:
                self._hosts[host] = _Host(threading.Semaphore(self.per_host), self.delay)
            return self._hosts[host]

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        """Wait for a turn to ask the host of `url`; raises Stopped when the watcher stops,
        HostBusy when the host has asked for a long pause."""
        state = self._host(_host_of(url))
        blocked = state.blocked_until - time.monotonic()
        if blocked > BLOCK_WAIT_MAX_S:
            raise HostBusy(_host_of(url), blocked)
        while not state.slots.acquire(timeout=0.2):
            if self.stop.is_set():
                raise Stopped
        try:
            with state.lock:
                start = max(time.monotonic(), state.next_start, state.blocked_until)
                state.next_start = start + state.delay
            wait = start - time.monotonic()
            if wait > 0 and self.stop.wait(wait):
                raise Stopped
            yield
        finally:
            state.slots.release()

    def block(self, url: str, seconds: float) -> None:
        """Ask the host of `url` nothing for `seconds` (it answered 429 or 503)."""
        state = self._host(_host_of(url))
        with state.lock:
            state.blocked_until = max(state.blocked_until, time.monotonic() + seconds)
        log.info("%s asked us to wait %.0f s", _host_of(url), seconds)

    def slow_down(self, url: str, delay: float) -> None:
        """Space requests to the host of `url` at least `delay` seconds apart (Crawl-delay)."""
        state = self._host(_host_of(url))
        with state.lock:
            state.delay = max(state.delay, delay)


class RobotsUnavailable(Exception):
    """robots.txt could not be read (5xx, network): nothing is fetched there for now."""


class RobotsCache:
    """robots.txt per origin, read through `fetch_robots(url) -> (status, text)`.

    As RFC 9309 says: a missing robots.txt (4xx) allows everything; one that cannot be read
    (5xx, network error) allows nothing until it is read again, `ROBOTS_RETRY_S` later; the
    fetches meanwhile fail as a temporary error, tried again at the next poll.
    """

    def __init__(
        self,
        fetch_robots: Callable[[str], tuple[int, str]],
        *,
        agent: str,
        gate: HostGate,
        ttl: float = ROBOTS_TTL_S,
    ) -> None:
        self.fetch_robots = fetch_robots
        self.agent = agent
        self.gate = gate
        self.ttl = ttl
        # origin: (expiry, the parsed file or why it could not be read)
        self._cache: dict[str, tuple[float, RobotFileParser | str]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the origin of `url` lets us fetch it; raises
        RobotsUnavailable when it cannot be read for now."""
        parser = self._parser(_origin(url))
        if isinstance(parser, str):
            raise RobotsUnavailable(parser)
        return parser.can_fetch(self.agent, url)

    def _parser(self, origin: str) -> RobotFileParser | str:
        with self._lock:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:  # one fetch per origin, however many threads ask
            cached = self._cache.get(origin)
            if cached is not None and time.monotonic() < cached[0]:
                return cached[1]
            parser = self._read(origin)
            ttl = ROBOTS_RETRY_S if isinstance(parser, str) else self.ttl
            self._cache[origin] = (time.monotonic() + ttl, parser)
            return parser

    def _read(self, origin: str) -> RobotFileParser | str:
        url = f"{origin}/robots.txt"
        try:
            status, text = self.fetch_robots(url)
        except (Stopped, Refused):  # the pages there are refused (or dropped) just the same
            raise
        except Exception as err:  # network trouble: nothing is fetched there for now
            log.warning("%s unreadable (%s): not fetching there for now", url, err)
            return f"{url} unreadable ({err})"
        if status >= 500 or status == 429:  # 429: "too many requests" is no answer either
            return f"{url} unreadable (HTTP {status})"
        parser = RobotFileParser(url)
        parser.parse([] if status >= 400 else text.splitlines())
        delay = parser.crawl_delay(self.agent)
        if delay:
            self.gate.slow_down(origin, float(delay))
        return parser


def _host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
