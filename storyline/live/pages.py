"""`storyline ingest URL…`: single pages fetched (safely and politely, as the watcher does) into
pipeline inputs, their fetches kept in the store's fetch log."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from storyline.errors import InputError
from storyline.live.fetch import Fetcher, fetch_error, page_input
from storyline.model import RawInput
from storyline.store.db import Store
from storyline.store.fetchlog import log_fetches


def is_url(arg: str) -> bool:
    """Whether a command-line input names a page to fetch rather than a file."""
    return arg.startswith(("http://", "https://"))


def fetch_pages(
    urls: Iterable[str],
    store: Store,
    fetcher: Fetcher,
    *,
    on_url: Callable[[str], None] | None = None,
) -> Iterator[RawInput | InputError]:
    """Each URL's page as an HTML input, or its fetch error (the ingest report records it).
    Fetches are logged in the store as they are made."""
    for url in urls:
        if on_url is not None:
            on_url(url)
        fetched = fetcher.fetch(url, "page")
        log_fetches(store, fetcher.drain_log())
        if not fetched.ok:
            yield fetch_error(fetched)
            continue
        try:
            yield page_input(fetched)
        except InputError as err:
            yield err
