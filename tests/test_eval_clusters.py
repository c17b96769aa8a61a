"""Cluster metrics on hand-made partitions, the baselines on tiny sets, and the seeds' structure.

Scores on the seeds are not pinned (the clustering stage is being wired); the result shape is.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.eval.clusters import (
    COLUMNS,
    Item,
    ari,
    b_cubed,
    duplicate_pairs,
    evaluate_clusters,
    hdbscan_partition,
    score_items,
    tfidf_partition,
)

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def test_identical_partitions_score_one() -> None:
    labels = ["a", "a", "b", "c", "c", "c"]
    assert b_cubed(labels, labels) == (1.0, 1.0, 1.0)
    assert ari(labels, labels) == pytest.approx(1.0)
    renamed = [1, 1, 2, 3, 3, 3]  # label names do not matter
    assert b_cubed(renamed, labels) == (1.0, 1.0, 1.0)


def test_singletons_against_one_cluster() -> None:
    n = 4
    singletons = list(range(n))
    one = ["x"] * n
    # every item alone: perfect precision, recall 1/n
    assert b_cubed(singletons, one) == pytest.approx((1.0, 1 / n, 2 * (1 / n) / (1 + 1 / n)))
    # everything together against singletons: precision 1/n, recall 1
    assert b_cubed(one, singletons) == pytest.approx((1 / n, 1.0, 2 * (1 / n) / (1 + 1 / n)))


def test_known_b_cubed_values() -> None:
    gold = ["a", "a", "b", "b"]
    pred = ["x", "x", "x", "y"]
    # precision: items 1-3 in a cluster of 3 with 2, 2, 1 of their gold: (2/3+2/3+1/3+1)/4
    # recall: (1 + 1 + 1/2 + 1/2)/4
    precision, recall, _ = b_cubed(pred, gold)
    assert precision == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    assert recall == pytest.approx(0.75)


def test_none_is_a_singleton() -> None:
    assert b_cubed([None, None], ["a", "a"]) == pytest.approx((1.0, 0.5, 2 / 3))
    assert b_cubed([None, None], [None, None]) == (1.0, 1.0, 1.0)


def test_ari_sanity() -> None:
    gold = [0, 0, 0, 1, 1, 1]
    assert ari([5, 5, 5, 7, 7, 7], gold) == pytest.approx(1.0)
    assert ari([0, 1, 0, 1, 0, 1], gold) < 0.1
    with pytest.raises(ValueError, match="predicted labels"):
        b_cubed([1], [1, 2])


def test_duplicate_pairs() -> None:
    gold = ["g", "g", "g", None]
    pred = ["p", "p", None, None]
    out = duplicate_pairs(pred, gold)
    assert out["dup_precision"] == 1.0
    assert out["dup_recall"] == pytest.approx(1 / 3)
    assert duplicate_pairs([None, None], [None, None])["dup_precision"] is None


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_baselines_on_a_handful_of_documents(n: int) -> None:
    texts = ["Lavrov met Rubio in Budapest.", "Lavrov met Rubio.", "Port strike in Valmere."][:n]
    for partition in (hdbscan_partition(texts), tfidf_partition(texts)):
        assert len(partition) == n


def test_tfidf_without_words() -> None:
    assert tfidf_partition(["", "  ", "!"]) == [0, 1, 2]


def test_score_items_skips_unlabelled_levels() -> None:
    items = [
        Item("a", "Lavrov met Rubio.", {"story": "s1"}, {"story": "S"}),
        Item("b", "Lavrov met Rubio again.", {"story": "s1"}, {"story": "S"}),
    ]
    result = score_items(items, "tiny")
    assert {row["level"] for row in result["rows"]} == {"story"}
    assert result["overall"]["storyline_story_b3_f1"] == 1.0


@pytest.mark.shared
def test_seeds_result_structure() -> None:
    if not (SEEDS / "gold.json").exists():
        pytest.skip(f"{SEEDS} is absent: clone the repo next to shared/ to run this test")
    result = evaluate_clusters(SEEDS / "gold.json")
    json.dumps(result)  # the --json output
    assert result["columns"] == COLUMNS
    assert {(r["system"], r["level"]) for r in result["rows"]} == {
        (s, lvl) for s in ("storyline", "bertopic", "tfidf") for lvl in ("event", "story")
    }
    overall = result["overall"]
    assert overall["articles"] == 5
    assert overall["missing"] == 0
    for system in ("storyline", "bertopic", "tfidf"):
        for level in ("event", "story"):
            assert 0.0 <= overall[f"{system}_{level}_b3_f1"] <= 1.0
    # issue 5's target: one story, events exactly {000, 001}, {002, 004}, {003}
    assert overall["storyline_story_b3_f1"] == 1.0
    assert overall["storyline_event_b3_f1"] == 1.0
