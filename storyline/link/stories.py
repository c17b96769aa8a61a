"""Read stories, events and duplicate groups from the store as plain dataclasses.

Ids are short stable strings: "S12" (story), "E57" (event), "D3" (duplicate group), from the
store's integer keys. `article_assignments` gives the three per article for the export: an
article without an event (not assigned yet, or skipped as too short) has None for story and
event; `dup_group` is None unless the article has at least one duplicate.

Labels are computed when read: the cluster's most frequent canonical entities and a key
phrase of its most distinctive title words (frequent in the cluster's titles, rare in the
store's: tf-idf).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from storyline.link.dedup import duplicate_groups, words
from storyline.store.db import Store

LABEL_ENTITIES = 3  # canonical names in a label
KEY_WORDS = 3  # title words in a key phrase
MIN_KEY_WORD = 4  # shorter title words are mostly function words in every language we read


def story_key(n: int) -> str:
    """The public id of story n."""
    return f"S{n}"


def event_key(n: int) -> str:
    """The public id of event n."""
    return f"E{n}"


def dup_key(n: int) -> str:
    """The public id of duplicate group n."""
    return f"D{n}"


def _number(key: str, prefix: str) -> int | None:
    key = key.strip().upper()
    if key.startswith(prefix) and key[1:].isdigit():
        return int(key[1:])
    return None


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """An article as listed under an event."""

    id: str
    title: str | None
    outlet: str | None
    published: str | None
    language: str | None
    dup_group: str | None
    canonical: bool  # the earliest of its duplicate group (True when it has none)
    how: str  # joined | opened | duplicate


@dataclass(slots=True)
class EventView:
    """One event: label, date span, articles, outlet and language counts."""

    id: str
    story: str
    label: str
    first: str | None
    last: str | None
    articles: list[ArticleRef] = field(default_factory=list)
    outlets: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class StoryView:
    """One story: label, date span, its events (earliest first), outlet and language counts."""

    id: str
    label: str
    first: str | None
    last: str | None
    events: list[EventView] = field(default_factory=list)
    outlets: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)

    @property
    def article_ids(self) -> list[str]:
        """Every article of the story."""
        return [a.id for e in self.events for a in e.articles]


class _Labeler:
    """Labels from the store's titles and canonical entities."""

    def __init__(self, store: Store) -> None:
        rows = store.conn.execute("SELECT id, title FROM articles").fetchall()
        self.titles = {r["id"]: set(words(r["title"] or "")) for r in rows}
        self.df = Counter(w for ws in self.titles.values() for w in ws)
        self.n = max(len(rows), 1)
        self.entities: dict[str, list[str]] = {}
        for r in store.conn.execute(
            "SELECT DISTINCT l.article_id, c.name FROM entity_links l"
            " JOIN canonical_entities c ON c.id = l.canonical_id WHERE c.label IN ('PERSON', 'ORG')"
        ):
            self.entities.setdefault(r[0], []).append(r[1])

    def label(self, ids: list[str]) -> str:
        names = Counter(n for a in ids for n in self.entities.get(a, []))
        top = [n for n, _ in sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))]
        tf = Counter(w for a in ids for w in self.titles.get(a, ()) if len(w) >= MIN_KEY_WORD)
        score = {w: c * math.log(self.n / self.df[w]) for w, c in tf.items()}
        phrase = sorted(score, key=lambda w: (-score[w], w))[:KEY_WORDS]
        return " · ".join([*top[:LABEL_ENTITIES], " ".join(phrase)]).strip(" ·")


def _counts(values: list[str | None]) -> dict[str, int]:
    return dict(Counter(v or "unknown" for v in values).most_common())


def list_stories(store: Store) -> list[StoryView]:
    """Every story with its events and articles, earliest story first."""
    groups = duplicate_groups(store)
    group_of = {a: (g, members[0] == a) for g, members in groups.items() for a in members}
    rows = store.conn.execute(
        "SELECT m.article_id, m.event_id, m.how, e.story_id, a.title, a.outlet, a.published,"
        " a.language FROM event_members m JOIN events e ON e.id = m.event_id"
        " JOIN articles a ON a.id = m.article_id"
        " ORDER BY a.published IS NULL, a.published, a.id"
    ).fetchall()
    labeler = _Labeler(store)
    events: dict[int, EventView] = {}
    stories: dict[int, StoryView] = {}
    for r in rows:
        g = group_of.get(r["article_id"])
        ref = ArticleRef(
            id=r["article_id"],
            title=r["title"],
            outlet=r["outlet"],
            published=r["published"],
            language=r["language"],
            dup_group=dup_key(g[0]) if g else None,
            canonical=g[1] if g else True,
            how=r["how"],
        )
        ev = events.setdefault(
            r["event_id"],
            EventView(event_key(r["event_id"]), story_key(r["story_id"]), "", None, None),
        )
        ev.articles.append(ref)
        st = stories.setdefault(r["story_id"], StoryView(story_key(r["story_id"]), "", None, None))
        if ev not in st.events:
            st.events.append(ev)
    for ev in events.values():
        _fill(ev, labeler)
    for st in stories.values():
        _fill(st, labeler)
    return sorted(stories.values(), key=lambda s: (s.first is None, s.first or "", s.id))


def _fill(view: EventView | StoryView, labeler: _Labeler) -> None:
    arts = (
        view.articles
        if isinstance(view, EventView)
        else [a for e in view.events for a in e.articles]
    )
    dates = sorted(a.published for a in arts if a.published)
    view.first, view.last = (dates[0], dates[-1]) if dates else (None, None)
    view.outlets = _counts([a.outlet for a in arts])
    view.languages = _counts([a.language for a in arts])
    view.label = labeler.label([a.id for a in arts])


def get_story(store: Store, key: str) -> StoryView | None:
    """A story by id ("S3" or "3"), or the story of an event id ("E7")."""
    n = _number(key, "S") or (int(key) if key.isdigit() else None)
    event = _number(key, "E")
    for st in list_stories(store):
        if st.id == story_key(n or -1) or any(e.id == event_key(event or -1) for e in st.events):
            return st
    return None


def skipped(store: Store) -> dict[str, str]:
    """Articles in no cluster → why."""
    return dict(store.conn.execute("SELECT article_id, reason FROM cluster_skips").fetchall())


def article_assignments(store: Store) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Article id → (story id, event id, duplicate group id) for every article; None where it
    has none (dup_group: None unless the article has a duplicate)."""
    out: dict[str, tuple[str | None, str | None, str | None]] = {}
    dup = {a: dup_key(g) for g, members in duplicate_groups(store).items() for a in members}
    for r in store.conn.execute(
        "SELECT a.id, m.event_id, e.story_id FROM articles a"
        " LEFT JOIN event_members m ON m.article_id = a.id LEFT JOIN events e ON e.id = m.event_id"
    ):
        out[r["id"]] = (
            story_key(r["story_id"]) if r["story_id"] is not None else None,
            event_key(r["event_id"]) if r["event_id"] is not None else None,
            dup.get(r["id"]),
        )
    return out


def as_dict(view: StoryView) -> dict[str, Any]:
    """A story as plain JSON-ready data."""
    from dataclasses import asdict

    data = asdict(view)
    data["articles"] = view.article_ids
    return data
