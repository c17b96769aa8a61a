"""Feeds: RSS/Atom bytes to items with their metadata, OPML subscription lists to feed URLs,
and feed items to pipeline inputs.

Feed XML comes from the network, so it is defused before any parser sees it: a DOCTYPE that
declares entities (the "billion laughs" and external-entity attacks) is refused, any other
DOCTYPE is cut off, and feedparser reads the rest from memory (never a URL or a file). OPML is
parsed with defusedxml, which refuses DTDs. A feed item's metadata (title, link, published,
author, GUID) becomes the input's structured fields, so cleaning takes them as title, author and
date claims, and the feed it came from is kept with the article (`extra`: feed, feed_title).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import parse as parse_xml

from storyline.errors import InputError
from storyline.live.fetch import Fetched, page_input
from storyline.model import RawInput

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ROOT = re.compile(rb"<[A-Za-z_]")  # the first element's start tag, after the prologue
_UTF16_32 = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
_XML_DECL = re.compile(r"^<\?xml[^>]*\?>")


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedItem:
    """One item of a feed: its GUID, absolute link and metadata as the feed gives them, and
    its HTML content (used as the article when the item has no link)."""

    guid: str | None = None
    link: str | None = None
    title: str | None = None
    published: str | None = None
    author: str | None = None
    content: str | None = None

    def identities(self) -> tuple[tuple[str, str], ...]:
        """How the item is recognised again: ("guid", ...) and ("url", link)."""
        return tuple((kind, key) for kind, key in (("guid", self.guid), ("url", self.link)) if key)


@dataclass(frozen=True, slots=True, kw_only=True)
class Feed:
    """A parsed feed: its title, its items, and a warning when it was malformed but readable."""

    url: str
    title: str | None = None
    items: tuple[FeedItem, ...] = ()
    warning: str | None = None


def defuse(data: bytes, *, source: str) -> bytes:
    """Feed bytes without a DOCTYPE; raises InputError when the DOCTYPE declares entities."""
    for bom, codec in _UTF16_32:  # UTF-16/32 feeds: to UTF-8 first, so the checks can read them
        if data.startswith(bom):
            text = data[len(bom) :].decode(codec, errors="replace")
            data = _XML_DECL.sub('<?xml version="1.0" encoding="utf-8"?>', text).encode("utf-8")
            break
    first = _ROOT.search(data)  # a DOCTYPE counts only before the first element (the prologue)
    doctype = _DOCTYPE.search(data, 0, first.start() if first else len(data))
    if doctype is None:
        return data
    root = _ROOT.search(data, doctype.end())
    head = data[doctype.start() : root.start() if root else len(data)]
    if b"<!ENTITY" in head:
        raise InputError(
            "the feed declares XML entities (refused: entity expansion is an attack vector)",
            path=source,
        )
    return data[: doctype.start()] + (data[root.start() :] if root else b"")


def parse_feed(fetched: Fetched) -> Feed:
    """The feed in a fetched body; raises InputError when it is unsafe or not a feed."""
    source = fetched.final_url or fetched.url
    parsed: Any = feedparser.parse(
        io.BytesIO(defuse(fetched.body, source=source)),
        response_headers={"content-location": source, "content-type": fetched.content_type},
        sanitize_html=False,  # the pipeline reads the content; it is never shown as HTML
    )
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    items = tuple(_dedup(_item(source, e) for e in parsed.entries))
    if not items and (problem is not None or not parsed.get("version")):
        raise InputError(f"not a readable feed ({problem or 'no RSS or Atom found'})", path=source)
    return Feed(
        url=fetched.url,
        title=_text(parsed.feed.get("title")),
        items=items,
        warning=f"malformed feed, read leniently ({problem})" if problem is not None else None,
    )


def item_input(feed: Feed, item: FeedItem, page: Fetched | None) -> RawInput:
    """A feed item as a pipeline input: its fetched page, or its content when it has no link.
    The item's metadata are the input's fields; the feed is kept in its extra metadata."""
    fields = tuple(
        (name, value)
        for name, value in (
            ("title", item.title),
            ("author", item.author),
            ("published", item.published),
            ("id", item.guid),
            ("url", item.link),
        )
        if value
    )
    extra = json.dumps(
        {"feed": feed.url, "feed_title": feed.title, "feed_link": item.link},
        ensure_ascii=False,
        sort_keys=True,
    )
    if page is not None:  # the page's final URL is its url field, not the item's link
        return replace(page_input(page, _without(fields, "url")), extra_json=extra)
    body = item.content or ""
    return RawInput(
        source=item.link or f"{feed.url}#{item.guid}",
        format="html",
        raw=body,
        body=body,
        fields=fields,
        extra_json=extra,
    )


def read_opml(path: Path) -> list[str]:
    """The feed URLs (`xmlUrl`) of an OPML subscription list, in order; DTDs are refused."""
    try:
        tree = parse_xml(path, forbid_dtd=True)
    except (DefusedXmlException, ParseError) as err:
        raise InputError(f"not a usable OPML file ({err})", path=str(path)) from err
    except OSError as err:
        raise InputError(f"cannot read ({err.strerror or err})", path=str(path)) from err
    urls = [el.get("xmlUrl", "").strip() for el in tree.iter("outline")]
    return list(dict.fromkeys(u for u in urls if u))


def feed_urls(args: Iterable[str]) -> list[str]:
    """Feed URLs from the command line: each argument is a URL or an OPML file."""
    urls: list[str] = []
    for arg in args:
        if arg.startswith(("http://", "https://")):
            urls.append(arg)
        else:
            urls.extend(read_opml(Path(arg)))
    return list(dict.fromkeys(urls))


def _item(base: str, entry: Any) -> FeedItem:
    link = _absolute(base, _text(entry.get("link")))
    content = entry.get("content") or []
    html = _text(content[0].get("value")) if content else None
    return FeedItem(
        guid=_text(entry.get("id")),
        link=link,
        title=_text(entry.get("title")),
        published=_text(entry.get("published") or entry.get("updated")),
        author=_text(entry.get("author")),
        content=html or _text(entry.get("summary")),
    )


def _dedup(items: Iterable[FeedItem]) -> Iterator[FeedItem]:
    """Items in order, each GUID or link once (feeds repeat items)."""
    seen: set[tuple[str, str]] = set()
    for item in items:
        if not item.identities() or seen.intersection(item.identities()):
            continue
        seen.update(item.identities())
        yield item


def _absolute(base: str, link: str | None) -> str | None:
    """A link resolved against the feed's URL; only http(s) links are kept."""
    if not link:
        return None
    url = urljoin(base, link)
    return url if urlsplit(url).scheme in ("http", "https") else None


def _without(fields: tuple[tuple[str, str], ...], name: str) -> tuple[tuple[str, str], ...]:
    return tuple((k, v) for k, v in fields if k != name)


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
