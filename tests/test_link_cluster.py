"""Events and stories: online assignment, stability, recluster, skipped articles, ids."""

from __future__ import annotations

import math

import numpy as np
import pytest
from link_helpers import add_article

from storyline.link.cluster import assign_events, recluster
from storyline.link.cluster_features import Item
from storyline.link.dedup import find_duplicates
from storyline.link.resolve import resolve_entities
from storyline.link.stories import article_assignments, get_story, list_stories, skipped
from storyline.store.db import Store

FERRY = [("ORG", "Saltmarsh Lines"), ("PERSON", "Miriam Okonjo")]
FERRY_EN = (
    "Saltmarsh Lines said on Monday it would suspend night crossings to the Orrin islands from "
    "1 June, citing a shortage of 14 certified engineers. Council leader Miriam Okonjo called it "
    "a betrayal of families who rely on the late boat to reach the hospital on the mainland, and "
    "said the council would ask the transport authority to step in."
)
FERRY_DE = (
    "Die Reederei Saltmarsh Lines stellt ab dem 1. Juni die Nachtfähren zu den Orrin-Inseln ein, "
    "weil 14 geprüfte Ingenieure fehlen. Die Ratsvorsitzende Miriam Okonjo sprach von Verrat an "
    "den Familien, die mit dem späten Schiff das Krankenhaus auf dem Festland erreichen, und will "
    "die Verkehrsbehörde um Hilfe bitten."
)
MINE = [("ORG", "Kestrel Mining"), ("PERSON", "Tomas Arvid")]
MINE_EN = (
    "Kestrel Mining will close its copper pit at Hollow Fell by the end of the year with the loss "
    "of 320 jobs, chief executive Tomas Arvid told analysts on Thursday. Falling ore grades and "
    "the cost of pumping water out of the lower levels had made the site unprofitable, he said, "
    "and workers would be offered places at the company's northern mine."
)


def test_translation_joins_event_and_other_topic_opens_one(store: Store) -> None:
    en = add_article(store, FERRY_EN, source="en.txt", published="2026-05-04", entities=FERRY)
    de = add_article(store, FERRY_DE, source="de.txt", published="2026-05-04", entities=FERRY)
    mine = add_article(store, MINE_EN, source="mine.txt", published="2026-05-07", entities=MINE)
    resolve_entities(store)
    find_duplicates(store)
    report = assign_events(store)
    assert report.assigned == 3
    ids = article_assignments(store)
    assert ids[en][1] == ids[de][1]
    assert ids[mine][1] != ids[en][1]
    assert ids[mine][0] != ids[en][0]
    assert ids[en][1].startswith("E")
    assert ids[en][0].startswith("S")
    assert ids[en][2] is None  # no duplicate
    story = get_story(store, ids[en][1])  # an event id finds its story
    assert story is not None
    assert set(story.article_ids) == {en, de}
    assert story.languages == {"en": 1, "de": 1}
    assert "Miriam Okonjo" in story.label or "Saltmarsh Lines" in story.label


def test_incremental_keeps_assignments_and_recluster_records_changes(store: Store) -> None:
    en = add_article(store, FERRY_EN, source="en.txt", published="2026-05-04", entities=FERRY)
    mine = add_article(store, MINE_EN, source="mine.txt", published="2026-05-07", entities=MINE)
    resolve_entities(store)
    find_duplicates(store)
    assign_events(store)
    before = article_assignments(store)
    de = add_article(store, FERRY_DE, source="de.txt", published="2026-05-04", entities=FERRY)
    resolve_entities(store)
    find_duplicates(store)
    assert assign_events(store).assigned == 1
    after = article_assignments(store)
    assert {k: after[k] for k in before} == before
    assert after[de][1] == after[en][1]
    # Move one article by hand: a recluster puts it back and records the move.
    store.conn.execute(
        "UPDATE event_members SET event_id = (SELECT event_id FROM event_members"
        " WHERE article_id = ?) WHERE article_id = ?",
        (mine, en),
    )
    changes = recluster(store)
    assert [c.article_id for c in changes] == [en]
    logged = store.conn.execute("SELECT article_id FROM cluster_changes").fetchall()
    assert [r[0] for r in logged] == [en]
    assert article_assignments(store)[en][1] == after[en][1]
    assert len(list_stories(store)) == 2


def test_short_article_gets_no_cluster_with_a_reason(store: Store) -> None:
    body = "Ferry strike called off.\n\nThe union and Saltmarsh Lines agreed terms late on Sunday."
    short = add_article(store, body, source="s.txt", published="2026-05-04")
    find_duplicates(store)
    report = assign_events(store)
    assert report.skipped == 1
    assert "too short" in skipped(store)[short]
    assert article_assignments(store)[short] == (None, None, None)
    assert assign_events(store).skipped == 0  # not retried on the next run


def test_duplicate_joins_its_canonical_event(store: Store) -> None:
    first = add_article(store, FERRY_EN, source="a.txt", published="2026-05-04", entities=FERRY)
    copy = add_article(store, FERRY_EN + " ", source="b.txt", published="2026-05-05")
    find_duplicates(store)
    assign_events(store)
    ids = article_assignments(store)
    assert ids[first][1] == ids[copy][1]
    assert ids[first][2] == ids[copy][2] == "D1"


def test_happened_is_the_lede_day_within_the_lag_else_publication() -> None:
    from datetime import date

    from storyline.link.cluster_items import happened

    monday = date(2026, 3, 2)
    assert happened(monday, [date(2026, 2, 27)]) == date(2026, 2, 27)  # "met on Friday"
    assert happened(monday, [date(2025, 6, 1), date(2026, 3, 1)]) == date(2026, 3, 1)
    assert happened(monday, [date(2026, 3, 9)]) == monday  # a lede date after publication
    assert happened(monday, []) == monday
    assert happened(None, [date(2026, 2, 27)]) == date(2026, 2, 27)
    assert happened(None, []) is None


def test_gap_is_between_the_closest_dates_of_two_articles() -> None:
    import math
    from datetime import date

    from storyline.link.cluster_features import _gap

    interview, paper, follow_up = date(2026, 2, 27), date(2026, 3, 2), date(2026, 3, 3)
    assert _gap({interview, paper}, {follow_up}) == math.log1p(1)
    assert _gap({interview}, {interview, follow_up}) == 0.0
    assert math.isnan(_gap(set(), {paper}))


def test_scaled_cosine_rewards_standing_out_from_a_crowded_neighbourhood() -> None:
    from storyline.link.cluster_features import scaled_cosine

    # the same cosine means more between articles whose other neighbours are far
    crowded = scaled_cosine(0.93, 0.92, 0.92)
    sparse = scaled_cosine(0.93, 0.80, 0.80)
    assert sparse > crowded
    assert crowded == pytest.approx(0.02)
    assert scaled_cosine(0.93, math.nan, 0.9) == 0.0  # unknown density: as close as usual


def _unit(*xs: float) -> np.ndarray:
    v = np.zeros(384, dtype=np.float32)
    v[: len(xs)] = xs
    return v / np.linalg.norm(v)


def _bare(ident: str, vector: np.ndarray) -> Item:
    return Item(ident, None, vector, frozenset(), frozenset(), frozenset(), {}, 100, None)


def test_density_is_taken_online_and_brought_up_to_date_as_the_store_grows() -> None:
    from storyline.link.cluster import DENSITY_K, State

    state = State()
    items = [_bare(f"a{n}", _unit(1.0, 0.1 * n)) for n in range(DENSITY_K + 3)]
    state.density_of(items[0])
    assert math.isnan(items[0].density)
    assert items[0].density_n == 0
    state.add(items[0], 1)
    state.density_of(items[1])
    assert items[1].density == pytest.approx(float(items[0].vector @ items[1].vector))
    for n, item in enumerate(items[1:], start=2):
        state.add(item, n)
    state.density_of(items[0])  # a member taken when the store was empty, now up to date
    sims = sorted((float(items[0].vector @ o.vector) for o in items[1:]), reverse=True)
    assert items[0].density_n == DENSITY_K
    assert items[0].density == pytest.approx(np.mean(sims[:DENSITY_K]))
    assert state.densities_changed == {"a0"}


def test_densities_are_stored_with_the_assignment_and_read_back(store: Store) -> None:
    from storyline.link.cluster import load_state
    from storyline.link.cluster_items import load_items

    add_article(store, FERRY_EN, source="en.txt", published="2026-05-04", entities=FERRY)
    add_article(store, FERRY_DE, source="de.txt", published="2026-05-04", entities=FERRY)
    add_article(store, MINE_EN, source="mine.txt", published="2026-05-07", entities=MINE)
    resolve_entities(store)
    find_duplicates(store)
    assign_events(store)
    stored = dict(store.conn.execute("SELECT article_id, density_n FROM event_members").fetchall())
    assert len(stored) == 3
    assert max(stored.values()) == 2
    items = load_items(store)
    load_state(store, items)
    assert {i.id: i.density_n for i in items} == stored
    assert all(not math.isnan(i.density) for i in items if i.density_n)
