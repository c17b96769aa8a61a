"""What the web pages and the JSON API show, read from the store and cached until it changes.

The server only reads: every connection it opens for pages has `PRAGMA query_only`, so the
ingest goes on in the CLI (another process) while pages are served. A story page gathers a lot
(events, timeline, quotes, coverage), so each result is computed once and kept until the store
changes: a watcher connection's `PRAGMA data_version` moves whenever another connection commits,
and then the cache is dropped. The comparison stage (claims, conflicts, framing) embeds every
sentence, which takes far longer than a page may, so it runs in a background process and its
sections appear once it is done (the stage keeps its result in the store). SQLite connections
are per thread (the server answers from a thread pool).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import multiprocessing
import sqlite3
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable
from dataclasses import asdict
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import Any, TypeVar, cast

from storyline.link.commands import QuoteRow, quote_rows
from storyline.link.resolve import CanonicalRow, list_canonical
from storyline.link.stories import ArticleRef, StoryView, article_assignments, list_stories
from storyline.model import Analysis, Timex
from storyline.report.export import record
from storyline.report.timeline import timeline_dict
from storyline.store.analyses import load_analysis
from storyline.store.db import Store
from storyline.store.timexes import TIMEX_FIELDS, load_timexes
from storyline.web.highlight import Mark, Paragraph, paragraphs

log = logging.getLogger(__name__)
T = TypeVar("T")
CACHE_ENTRIES = 512  # computed views kept per store version (a page is a few to a few hundred kB)
LEDE_CHARS = 280  # characters of an article shown beside the other sources of its event
SNIPPET_OPEN, SNIPPET_CLOSE = "\x02", "\x03"  # FTS5 highlight marks no article text contains
COMPARE_MODULE = "storyline.compare.compare"  # the comparison stage, when it is installed


class NotFound(LookupError):
    """A story, article or entity id the store does not have."""


class BadQuery(ValueError):
    """A search query FTS5 cannot parse; the message says how to write one."""


class Site:
    """Read-only, cached views over one store, safe to share between threads."""

    def __init__(self, db: str | Path) -> None:
        self.db = str(db)
        self._local = threading.local()
        self._watch = self._open()
        self._lock = threading.Lock()  # guards the cache and the watcher; never held long
        self._computing = threading.RLock()  # one computation at a time (they may nest)
        self._version: int | None = None
        self._cache: dict[Hashable, Any] = {}
        self._workers: Pool | None = None

    def _open(self) -> Store:
        store = Store(self.db)
        store.conn.execute("PRAGMA query_only = ON")
        return store

    def store(self) -> Store:
        """This thread's read-only connection."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = self._open()
        return cast(Store, store)

    def close(self) -> None:
        """Stop a comparison still running in the background."""
        if self._workers is not None:
            self._workers.terminate()
            self._workers = None

    def _lookup(self, key: Hashable) -> tuple[bool, Any, int]:
        """(found, value, store version), after dropping the cache if the store changed."""
        with self._lock:
            version = int(self._watch.conn.execute("PRAGMA data_version").fetchone()[0])
            if version != self._version:
                self._cache.clear()
                self._version = version
            return key in self._cache, self._cache.get(key), version

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` once per store version. A hit never waits for a computation; misses are
        computed one at a time, so twenty clients opening a cold page wait for one result
        instead of computing it twenty times."""
        found, value, _ = self._lookup(key)
        if found:
            return cast(T, value)
        with self._computing:
            found, value, version = self._lookup(key)
            if found:
                return cast(T, value)
            value = compute()
            with self._lock:
                if version == self._version:
                    if len(self._cache) >= CACHE_ENTRIES:
                        self._cache.pop(next(iter(self._cache)))
                    self._cache[key] = value
            return value

    # -- shared indexes ---------------------------------------------------------------------

    def stories(self) -> dict[str, StoryView]:
        """Every story by id."""
        return self.cached("stories", lambda: {s.id: s for s in list_stories(self.store())})

    def story_of(self) -> dict[str, tuple[str | None, str | None, str | None]]:
        """Article id → (story, event, duplicate group)."""
        return self.cached("assignments", lambda: article_assignments(self.store()))

    def entities(self) -> list[CanonicalRow]:
        """Canonical entities, the most widely reported first."""
        return self.cached("entities", lambda: list_canonical(self.store()))

    def entity_ids(self) -> dict[str, int]:
        """Canonical name → id (the most reported entity when two share a name)."""

        def build() -> dict[str, int]:
            out: dict[str, int] = {}
            for row in self.entities():
                out.setdefault(row.name, row.id)
            return out

        return self.cached("entity_ids", build)

    def quotes(self) -> list[QuoteRow]:
        """Every quote cluster, earliest first."""
        return self.cached("quotes", lambda: quote_rows(self.store()))

    # -- pages --------------------------------------------------------------------------------

    def home(self, sort: str = "recent") -> list[dict[str, Any]]:
        """One line per story: most recent (latest article) or largest first."""

        def build() -> list[dict[str, Any]]:
            stories = list(self.stories().values())
            if sort == "size":
                stories.sort(key=lambda s: (-len(s.article_ids), s.last is None, s.id))
            else:
                stories.sort(key=lambda s: s.last or "", reverse=True)
            return [
                {
                    "id": s.id,
                    "label": s.label,
                    "first": s.first,
                    "last": s.last,
                    "articles": len(s.article_ids),
                    "events": len(s.events),
                    "outlets": s.outlets,
                    "languages": s.languages,
                }
                for s in stories
            ]

        return self.cached(("home", sort), build)

    def search(self, query: str, limit: int) -> list[dict[str, Any]]:
        """FTS5 matches with their snippet split into (text, highlighted) parts.

        Its own query rather than `Store.search`: the marks must be characters no article
        contains, so that a "[" in a text is never taken for a highlight."""

        def build() -> list[dict[str, Any]]:
            try:
                rows = (
                    self.store()
                    .conn.execute(
                        "SELECT a.id, a.title, a.outlet, a.published,"
                        " snippet(articles_fts, 1, ?, ?, '…', 16) AS snippet"
                        " FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
                        " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
                        (SNIPPET_OPEN, SNIPPET_CLOSE, query, limit),
                    )
                    .fetchall()
                )
            except sqlite3.OperationalError as err:
                raise BadQuery(f'bad search query ({err}); quote phrases with "..."') from err
            stories = self.story_of()
            return [
                {
                    **{k: r[k] for k in ("id", "title", "outlet", "published")},
                    "story": stories.get(r["id"], (None, None, None))[0],
                    "snippet": _snippet_parts(r["snippet"]),
                }
                for r in rows
            ]

        return self.cached(("search", query, limit), build)

    def story(self, story_id: str) -> dict[str, Any]:
        """Everything the story page shows (`NotFound` for an unknown id)."""
        view = self.stories().get(story_id)
        if view is None:
            raise NotFound(f"no story {story_id}")
        return self.cached(("story", story_id), lambda: self._story(view))

    def _story(self, view: StoryView) -> dict[str, Any]:
        from storyline.compare.story_timeline import story_timeline

        store = self.store()
        ids = view.article_ids
        ledes = dict(
            store.conn.execute(
                f"SELECT id, substr(text, 1, {LEDE_CHARS}) FROM articles WHERE id IN"
                f" ({','.join('?' * len(ids))})",
                ids,
            ).fetchall()
        )
        timeline = story_timeline(store, view)
        events = []
        for ev in view.events:
            when = timeline.events.get(ev.id)
            events.append(
                {
                    "id": ev.id,
                    "label": ev.label,
                    "first": ev.first,
                    "last": ev.last,
                    "date": asdict(when) if when else None,
                    "outlets": ev.outlets,
                    "languages": ev.languages,
                    "articles": [asdict(a) for a in ev.articles],
                    "cards": _cards(ev.articles, ledes),
                }
            )
        in_story = set(ids)
        return {
            "id": view.id,
            "label": view.label,
            "first": view.first,
            "last": view.last,
            "articles": len(ids),
            "outlets": view.outlets,
            "languages": view.languages,
            "events": events,
            "timeline": timeline_dict(timeline),
            "coverage": _coverage(view),
            "quotes": self._quotes_by_speaker(
                [q for q in self.quotes() if any(m["article"] in in_story for m in q.members)]
            ),
        }

    def comparison(self, story_id: str) -> tuple[str, dict[str, Any] | None]:
        """The comparison stage's findings for a story (claims, conflicts, framing) as
        (status, data): "ready" with them, "pending" while they are computed in the background
        (the stage embeds every sentence: tens of seconds for a large story, too long to hold
        a page), "failed" with {"error": ...}, or "absent" when the stage is not installed."""
        view = self.stories().get(story_id)
        if view is None:
            raise NotFound(f"no story {story_id}")
        if importlib.util.find_spec(COMPARE_MODULE) is None:
            return "absent", None
        job: AsyncResult[dict[str, Any]] = self.cached(
            ("comparison", story_id),
            lambda: self._pool().apply_async(_compare_story, (self.db, view)),
        )
        if not job.ready():
            return "pending", None
        try:
            return "ready", job.get()
        except Exception as err:  # the stage's own failure, shown on the page, not a 500
            log.warning("comparison of %s failed: %s", story_id, err)
            return "failed", {"error": f"{type(err).__name__}: {err}"}

    def _pool(self) -> Pool:
        # a process, not a thread: the comparison's CPU-bound work would hold the GIL that
        # every page request needs; spawned, so it inherits none of the server's threads
        with self._lock:
            if self._workers is None:
                self._workers = multiprocessing.get_context("spawn").Pool(processes=1)
            return self._workers

    def _quotes_by_speaker(self, rows: list[QuoteRow]) -> list[dict[str, Any]]:
        ids = self.entity_ids()
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for q in rows:
            groups[q.speaker or ""].append(asdict(q))
        return [
            {"speaker": name or None, "entity": ids.get(name), "quotes": quotes}
            for name, quotes in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0] == ""))
        ]

    def article(self, article_id: str) -> dict[str, Any]:
        """Everything the article page shows: the export record, highlights and links."""
        store = self.store()
        full = store.resolve_id(article_id)
        if full is None:
            raise NotFound(f"no article {article_id}")
        return self.cached(("article", full), lambda: self._article(full))

    def _article(self, article_id: str) -> dict[str, Any]:
        store = self.store()
        article = store.get(article_id)
        if article is None:
            raise NotFound(f"no article {article_id}")
        analysis = load_analysis(store, article_id)
        timexes = load_timexes(store, article_id)
        canonical = dict(
            store.conn.execute(
                "SELECT entity, canonical_id FROM entity_links WHERE article_id = ?", (article_id,)
            ).fetchall()
        )
        rec = record(article, version=store.version_of(article_id), analysis=analysis)
        rec["story_id"], rec["event_id"], rec["dup_group"] = self.story_of().get(
            article_id, (None, None, None)
        )
        rec["timexes"] = [{f: getattr(t, f) for f in TIMEX_FIELDS} for t in timexes]
        if analysis is not None:
            for item, e in zip(rec["entities"], analysis.entities, strict=True):
                item["entity_id"] = canonical.get(e.id)
            for item, q in zip(rec["quotes"], analysis.quotes, strict=True):
                item["entity_id"] = (
                    canonical.get(q.speaker_entity) if q.speaker_entity is not None else None
                )
        return {
            "record": rec,
            "paragraphs": _highlights(article.text, analysis, canonical, timexes),
        }

    def entity(self, entity_id: int) -> dict[str, Any]:
        """A canonical entity: its variants, quotes (as speaker), articles and stories."""
        row = next((e for e in self.entities() if e.id == entity_id), None)
        if row is None:
            raise NotFound(f"no entity {entity_id}")
        return self.cached(("entity", entity_id), lambda: self._entity(row))

    def _entity(self, row: CanonicalRow) -> dict[str, Any]:
        conn = self.store().conn
        said = {
            (r[0], r[1])
            for r in conn.execute(
                "SELECT q.article_id, q.idx FROM quotes q JOIN entity_links l"
                " ON l.article_id = q.article_id AND l.entity = q.speaker_entity"
                " WHERE l.canonical_id = ?",
                (row.id,),
            )
        }
        quotes = [
            asdict(q)
            for q in self.quotes()
            if any((m["article"], m["idx"]) in said for m in q.members)
        ]
        articles = [
            dict(r)
            for r in conn.execute(
                "SELECT DISTINCT a.id, a.title, a.outlet, a.published, a.language"
                " FROM entity_links l JOIN articles a ON a.id = l.article_id"
                " WHERE l.canonical_id = ? ORDER BY a.published IS NULL, a.published, a.id",
                (row.id,),
            )
        ]
        assigned = self.story_of()
        story_counts = Counter(assigned.get(a["id"], (None,))[0] for a in articles)
        stories = self.stories()
        return {
            **asdict(row),
            "quotes": quotes,
            "articles": articles,
            "stories": [
                {"id": sid, "label": stories[sid].label, "articles": n}
                for sid, n in story_counts.most_common()
                if sid is not None and sid in stories
            ],
        }


def _compare_story(db: str, view: StoryView) -> dict[str, Any]:
    """The comparison stage over a story (run in the worker process). Not query-only: the
    stage keeps its result in the store (table `comparisons`), so the next server start, or
    the next page after a restart, reads it instead of computing it again."""
    store = Store(db)
    module = importlib.import_module(COMPARE_MODULE)
    return cast(dict[str, Any], module.compare_story(store, view))


def _cards(articles: list[ArticleRef], ledes: dict[str, str]) -> list[dict[str, Any]]:
    """An event's articles to set side by side: one card per distinct text, its copies (the
    later members of its duplicate group in this event) listed on it rather than repeated."""
    cards: list[dict[str, Any]] = []
    first_of: dict[str | None, dict[str, Any]] = {}
    for a in sorted(articles, key=lambda a: not a.canonical):
        card = first_of.get(a.dup_group) if a.dup_group else None
        if card is not None:
            card["copies"].append(asdict(a))
            continue
        card = {**asdict(a), "lede": _lede(ledes.get(a.id)), "copies": []}
        cards.append(card)
        if a.dup_group:
            first_of[a.dup_group] = card
    return cards


def _lede(text: str | None) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) < LEDE_CHARS - 1 else text.rsplit(" ", 1)[0] + " …"


def _snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """ "a \x02b\x03 c" → [("a ", False), ("b", True), (" c", False)]."""
    parts: list[tuple[str, bool]] = []
    for i, chunk in enumerate(snippet.split(SNIPPET_OPEN)):
        if i == 0:
            parts.append((chunk, False))
            continue
        inside, _, after = chunk.partition(SNIPPET_CLOSE)
        parts += [(inside, True), (after, False)]
    return [p for p in parts if p[0]]


def _coverage(view: StoryView) -> dict[str, Any]:
    """Articles per publication day, by outlet and by language (undated articles counted)."""
    by_outlet: dict[str, Counter[str]] = defaultdict(Counter)
    by_language: dict[str, Counter[str]] = defaultdict(Counter)
    undated = 0
    for ev in view.events:
        for a in ev.articles:
            if not a.published:
                undated += 1
                continue
            day = a.published[:10]
            by_outlet[a.outlet or "unknown"][day] += 1
            by_language[a.language or "unknown"][day] += 1
    days = sorted({d for c in by_outlet.values() for d in c})
    return {
        "days": days,
        "by_outlet": {k: dict(v) for k, v in by_outlet.items()},
        "by_language": {k: dict(v) for k, v in by_language.items()},
        "undated": undated,
    }


def _highlights(
    text: str,
    analysis: Analysis | None,
    canonical: dict[int, int],
    timexes: list[Timex],
) -> list[Paragraph]:
    marks: list[Mark] = []
    if analysis is not None:
        labels = {e.id: e.label for e in analysis.entities}
        marks += [
            Mark(m.start, m.end, "entity", canonical.get(m.entity), labels.get(m.entity, m.label))
            for m in analysis.mentions
            if m.kind != "pronoun"
        ]
        marks += [
            Mark(q.start, q.end, "quote", None, f"{q.kind} quote: {q.speaker or 'unattributed'}")
            for q in analysis.quotes
        ]
    marks += [Mark(t.start, t.end, "time", None, f"{t.type} {t.value or '?'}") for t in timexes]
    return paragraphs(text, marks)
