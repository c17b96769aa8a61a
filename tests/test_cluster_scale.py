"""What keeps online assignment flat in cost must not change what it decides: the vector index
finds the brute-force neighbours, and the member and entity caps leave a clear-cut corpus
clustered exactly as without them. Behaviour only; the timings are in bench/cluster.py."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from storyline.link.cluster import State, place
from storyline.link.cluster_features import Item, load_models
from storyline.link.index import INITIAL_ROWS, VectorIndex
from storyline.store.db import Store


def _unit(rng: np.random.Generator, n: int, dim: int = 384) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_exact_index_returns_brute_force_neighbours_across_growth() -> None:
    rng = np.random.default_rng(1)
    vectors = _unit(rng, INITIAL_ROWS + 300)  # past the first allocation
    index = VectorIndex(384)
    for v in vectors:
        index.add(v)
    assert len(index) == len(vectors)
    for q in _unit(rng, 5):
        expected = set(np.argsort(-(vectors @ q))[:20].tolist())
        assert set(index.nearest(q, 20).tolist()) == expected


def test_index_with_fewer_rows_than_asked_returns_them_all() -> None:
    index = VectorIndex(384)
    assert index.nearest(np.ones(384, dtype=np.float32), 5).tolist() == []
    rows = _unit(np.random.default_rng(2), 3)
    for v in rows:
        index.add(v)
    assert sorted(index.nearest(rows[0], 5).tolist()) == [0, 1, 2]


def test_graph_index_past_the_exact_limit_finds_nearly_all_neighbours() -> None:
    rng = np.random.default_rng(3)
    centres = _unit(rng, 20)
    noisy = np.repeat(centres, 30, axis=0) + 0.3 * _unit(rng, 600)
    vectors = (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)
    index = VectorIndex(384, exact_max=100)
    for v in vectors:
        index.add(v)
    found = 0
    for row in range(0, 600, 37):
        got = set(index.nearest(vectors[row], 10).tolist())
        assert row in got  # a stored vector is its own nearest
        found += len(got & set(np.argsort(-(vectors @ vectors[row]))[:10].tolist()))
    assert found / (10 * len(range(0, 600, 37))) >= 0.9


def _corpus(topics: int, per_topic: int) -> list[Item]:
    """Well-separated topics: own direction, own people, own numbers; one name (a head of
    state) in every article, so the entity cap binds, and events bigger than the member cap."""
    rng = np.random.default_rng(4)
    centres = _unit(rng, topics)
    items = []
    for i in range(topics * per_topic):
        t = i % topics
        v = centres[t] + 0.15 * _unit(rng, 1)[0]
        items.append(
            Item(
                id=f"a{i:04d}",
                day=date(2025, 1, 1) + timedelta(days=i // topics),
                vector=(v / np.linalg.norm(v)).astype(np.float32),
                entities=frozenset({0, 100 + t}),
                numbers=frozenset({f"{t}{t}{t}"}),
                quotes=frozenset(),
                names={f"name{t}": 2.0, "president": 0.1},
                words=200,
                dup_group=None,
            )
        )
    return items


@pytest.mark.parametrize(("recent", "entity_recent"), [(5, 5), (20, 3)])
def test_caps_leave_a_clear_cut_corpus_clustered_as_without_them(
    recent: int, entity_recent: int
) -> None:
    items = _corpus(topics=4, per_topic=30)
    event_model, story_model = load_models()
    runs = []
    capped = State(recent=recent, entity_recent=entity_recent)
    for state in (State(recent=0, entity_recent=0), capped):
        decisions = [place(state, item, event_model, story_model) for item in items]
        runs.append([(d.event, d.story, d.how) for d in decisions])
    assert runs[0] == runs[1]
    assert len(capped.by_entity[0]) == entity_recent  # the caps did bind
    assert max(len(m) for m in capped.members.values()) == recent


def test_text_features_are_computed_once_per_article(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from link_helpers import add_article

    from storyline.link import cluster_items

    first = add_article(
        store,
        "Talks on the 14 engineers resumed in Valmere on Monday.",
        source="a.txt",
        published="2026-05-04",
    )
    found = cluster_items.text_features(store)
    assert found[first][0] == frozenset({"14"})
    monkeypatch.setattr(cluster_items, "numbers", lambda text: pytest.fail("recomputed"))
    assert cluster_items.text_features(store)[first] == found[first]  # read back, not recomputed
    rows = store.conn.execute("SELECT COUNT(*) FROM cluster_features").fetchone()[0]
    assert rows == 1
