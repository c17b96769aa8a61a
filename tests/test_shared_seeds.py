"""The seed articles in ../shared/seeds: every cleaning target right."""

from __future__ import annotations

import pytest
from conftest import SEEDS, need_shared

from storyline.eval.cleaning import METRICS, evaluate_cleaning

pytestmark = pytest.mark.shared


def test_seed_targets() -> None:
    need_shared(SEEDS / "gold.json")
    result = evaluate_cleaning(SEEDS / "gold.json")
    overall = result["overall"]
    for metric in METRICS:
        assert overall[metric] == 1.0, (
            metric,
            [r for r in result["rows"] if r.get(metric) is not True],
        )
    assert overall["lost_story_lines"] == 0


def test_seed_dates_and_flags() -> None:
    need_shared(SEEDS / "gold.json")
    rows = {r["article"]: r for r in evaluate_cleaning(SEEDS / "gold.json")["rows"]}
    assert rows["000_975065cdef9709d2.txt"]["implausible_header"] is True
    assert all(not r.get("missing") for r in rows.values())
