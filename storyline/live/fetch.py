"""Fetching one URL safely: the SSRF guard on every connection, redirects followed by hand
(at most `MAX_REDIRECTS`, each hop checked again), timeouts, a size cap on streamed bodies,
the content types we accept, conditional GET, robots.txt and the per-host gate.

A fetch never raises for what the network or a server does: it returns a `Fetched` with the
status and the error, which the fetch log keeps. Every refusal is logged with its reason.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from storyline.errors import InputError
from storyline.ingest.decode import decode
from storyline.live.guard import Guard, GuardedBackend, Refused
from storyline.live.polite import (
    HOST_DELAY_S,
    PER_HOST,
    HostBusy,
    HostGate,
    RobotsCache,
    RobotsUnavailable,
    retry_after,
)
from storyline.model import RawInput
from storyline.store.fetchlog import FetchRecord

log = logging.getLogger(__name__)

Kind = Literal["page", "feed", "robots"]
PROJECT_URL = "https://github.com/storyline/storyline"  # where a site operator reads who we are
USER_AGENT = f"storyline/{version('storyline')} (+{PROJECT_URL})"
MAX_REDIRECTS = 5  # browsers allow 20; news links go through one or two (tracker, https, www)
TIMEOUT_S = 20.0  # connect and each read; a news page or feed that takes longer is down
DEADLINE_S = 60.0  # a whole fetch, so a server dripping one byte at a time cannot hold us
# Bodies past these sizes are cut off and refused: the pages in examples/ are under 10 kB and
# news sites' article pages, scripts and inline data included, stay under 2 MB; full-content
# feeds reach a few MB; RFC 9309 asks crawlers to read at least 500 KiB of a robots.txt.
MAX_BYTES: dict[Kind, int] = {"page": 5_000_000, "feed": 10_000_000, "robots": 500_000}
CONTENT_TYPES: dict[Kind, frozenset[str]] = {
    "page": frozenset({"text/html", "application/xhtml+xml"}),
    "feed": frozenset(
        {
            "application/rss+xml",
            "application/atom+xml",
            "application/rdf+xml",
            "application/xml",
            "text/xml",
        }
    ),
    "robots": frozenset(),  # any: RFC 9309 parses whatever the server sends
}
ACCEPT: dict[Kind, str] = {
    "page": "text/html,application/xhtml+xml;q=0.9",
    "feed": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.8",
    "robots": "text/plain",
}
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class Fetched:
    """What one fetch gave: the final URL after redirects, the status, the body (only for a 200
    that passed every check), the validators for the next conditional GET, and the error."""

    url: str
    kind: Kind
    at: str  # UTC ISO time the fetch started
    final_url: str = ""
    status: int | None = None
    body: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None  # seconds a 429/503 asked us to wait
    location: str | None = None  # where a redirect points
    error: str | None = None
    refused: bool = False  # refused by us (guard, robots, size, type), not failed by the server

    @property
    def ok(self) -> bool:
        """A 200 with a body we accept."""
        return self.error is None and self.status == 200

    @property
    def not_modified(self) -> bool:
        """A 304: unchanged since the validators we sent."""
        return self.error is None and self.status == 304

    def record(self, feed_url: str | None = None) -> FetchRecord:
        """This fetch as the fetch log keeps it."""
        return FetchRecord(
            url=self.url,
            kind=self.kind,
            at=self.at,
            final_url=self.final_url or None,
            feed_url=feed_url,
            status=self.status,
            bytes=len(self.body),
            etag=self.etag,
            last_modified=self.last_modified,
            error=f"refused: {self.error}" if self.refused else self.error,
        )

    @property
    def transient(self) -> bool:
        """A failure worth trying again later (network, timeout, 5xx, 408, 429)."""
        if self.error is None or self.refused:
            return False
        return self.status is None or self.status >= 500 or self.status in (408, 429)


class Fetcher:
    """An HTTP client for pages, feeds and robots.txt; safe to share between threads."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        timeout: float = TIMEOUT_S,
        host_delay: float = HOST_DELAY_S,
        per_host: int = PER_HOST,
        max_bytes: dict[Kind, int] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.max_bytes = {**MAX_BYTES, **(max_bytes or {})}
        self.gate = HostGate(delay=host_delay, per_host=per_host, stop=stop)
        self.robots = RobotsCache(self._robots_text, agent=USER_AGENT, gate=self.gate)
        self.client = httpx.Client(
            transport=_transport(Guard(allow_private=allow_private)),
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,  # a proxy from the environment would connect past the guard
            headers={"User-Agent": USER_AGENT},
        )
        self._log: list[FetchRecord] = []
        self._log_lock = threading.Lock()

    def close(self) -> None:
        """Close the connections."""
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def fetch(
        self,
        url: str,
        kind: Kind,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        feed_url: str | None = None,
    ) -> Fetched:
        """Fetch `url` as a page, a feed or a robots.txt (conditionally when given validators;
        `feed_url` names the feed it is for, in the fetch log). Raises only `Stopped` (the
        watcher is stopping); everything else is in the result."""
        at = datetime.now(UTC).isoformat(timespec="seconds")
        started = time.monotonic()
        current = url
        try:
            for _ in range(MAX_REDIRECTS + 1):
                _check_url(current)
                if kind != "robots" and not self.robots.allowed(current):
                    raise Refused(f"robots.txt of {urlsplit(current).netloc} disallows {current}")
                result = replace(self._get(current, kind, etag, last_modified, started), at=at)
                if result.status not in REDIRECTS or result.error:
                    return self._logged(feed_url, replace(result, url=url))
                current = urljoin(current, result.location or "")
            raise Refused(f"more than {MAX_REDIRECTS} redirects")
        except Refused as err:
            error, refused = str(err), True
        except HostBusy as err:  # temporary: the feed is backed off at least that long
            failed = Fetched(url=url, kind=kind, at=at, final_url=current, error=str(err))
            return self._logged(feed_url, replace(failed, retry_after=err.seconds))
        except RobotsUnavailable as err:  # temporary: asked again at the next poll
            error, refused = str(err), False
        except httpx.TimeoutException as err:
            error, refused = f"timed out ({err})", False
        except httpx.HTTPError as err:
            error, refused = f"{type(err).__name__}: {err}".rstrip(": "), False
        failed = Fetched(url=url, kind=kind, at=at, final_url=current, error=error, refused=refused)
        return self._logged(feed_url, failed)

    def drain_log(self) -> list[FetchRecord]:
        """The fetches made since the last call, for the store's fetch log."""
        with self._log_lock:
            done, self._log = self._log, []
        return done

    def _logged(self, feed_url: str | None, result: Fetched) -> Fetched:
        if result.refused:
            log.warning("refused %s %s: %s", result.kind, result.url, result.error)
        elif result.error:
            log.info("%s %s failed: %s", result.kind, result.url, result.error)
        with self._log_lock:
            self._log.append(result.record(feed_url))
        return result

    def _get(
        self, url: str, kind: Kind, etag: str | None, last_modified: str | None, started: float
    ) -> Fetched:
        """One request (no redirects followed) under the host's gate."""
        headers = {"Accept": ACCEPT[kind]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        with self.gate.slot(url), self.client.stream("GET", url, headers=headers) as response:
            base = Fetched(
                url=url,
                kind=kind,
                at="",
                final_url=url,
                status=response.status_code,
                content_type=response.headers.get("content-type", ""),
                charset=response.charset_encoding,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            )
            status = response.status_code
            if status in REDIRECTS:
                location = response.headers.get("location")
                return replace(base, location=location, error=None if location else "no Location")
            if status in (429, 503):
                wait = retry_after(response.headers.get("retry-after"))
                if wait is not None:
                    self.gate.block(url, wait)
                return replace(base, retry_after=wait, error=f"HTTP {status}")
            if status == 304:
                return base
            if status != 200:
                return replace(base, error=f"HTTP {status}")
            _check_type(base.content_type, kind)
            body = self._read(response, kind, started)
            return replace(base, body=body)

    def _read(self, response: httpx.Response, kind: Kind, started: float) -> bytes:
        """The body, streamed; refused past the size cap, failed past the deadline."""
        cap = self.max_bytes[kind]
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise Refused(f"body of {int(declared):,} bytes is over the {cap:,}-byte limit")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise Refused(f"body is over the {cap:,}-byte limit (stopped reading)")
            if time.monotonic() - started > DEADLINE_S:
                raise httpx.ReadTimeout(f"no whole body within {DEADLINE_S:.0f} s")
            chunks.append(chunk)
        return b"".join(chunks)

    def _robots_text(self, url: str) -> tuple[int, str]:
        result = self.fetch(url, "robots")
        if result.refused:
            raise Refused(result.error or "robots.txt refused")
        if result.status is None or result.status in REDIRECTS:
            raise OSError(result.error or "too many redirects")
        return result.status, result.body.decode("utf-8", errors="replace")


def page_input(fetched: Fetched, fields: tuple[tuple[str, str], ...] = ()) -> RawInput:
    """A fetched page as an HTML input for the normal pipeline; the final URL is its `url`
    field (after `fields`, which a feed item gives). Raises InputError for a body that is not
    text."""
    try:
        text = fetched.body.decode(fetched.charset) if fetched.charset else None
        encoding = fetched.charset or ""
    except (LookupError, UnicodeDecodeError):  # a wrong or unknown charset in the header
        text = None
    if text is None:
        text, encoding = decode(fetched.body, path=fetched.url, html=True)
    own = dict(fields)
    own.setdefault("url", fetched.final_url)
    return RawInput(
        source=fetched.url,
        format="html",
        raw=text,
        body=text,
        raw_bytes=fetched.body,
        encoding=encoding,
        fields=tuple(own.items()),
    )


def fetch_error(fetched: Fetched) -> InputError:
    """A failed fetch as the ingest report's error for its URL."""
    what = "refused" if fetched.refused else "fetch failed"
    return InputError(f"{what}: {fetched.error}", path=fetched.url)


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"not an http(s) URL: {url[:200]}")
    if parts.username or parts.password:
        raise Refused("URLs with credentials are not fetched")


def _check_type(content_type: str, kind: Kind) -> None:
    allowed = CONTENT_TYPES[kind]
    media = content_type.split(";", 1)[0].strip().lower()
    if allowed and media not in allowed:
        raise Refused(
            f"content type {media or '(none)'!r} is not a {kind} ({', '.join(sorted(allowed))})"
        )


def _transport(guard: Guard) -> httpx.HTTPTransport:
    """httpx's transport whose connections go through the guard. httpx takes no network
    backend, so its connection pool is rebuilt with one (the arguments httpx itself uses)."""
    transport = httpx.HTTPTransport(trust_env=False)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=100,  # httpx's defaults; the host gate keeps far fewer in flight
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=GuardedBackend(guard),
    )
    return transport
