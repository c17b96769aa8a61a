"""The demo corpus in examples/: every cleaning measure at or above its target (0.95)."""

from __future__ import annotations

import json

from conftest import EXAMPLES

from storyline.eval.cleaning import METRICS, evaluate_cleaning

TARGET = 0.95


def test_corpus_shape() -> None:
    gold = json.loads((EXAMPLES / "gold.json").read_text(encoding="utf-8"))
    articles = gold["articles"]
    assert len(articles) >= 30
    assert len({a["outlet"] for a in articles.values()}) >= 8
    assert len({a["language"] for a in articles.values()}) >= 3
    assert len(gold["stories"]) >= 3


def test_cleaning_targets_on_examples() -> None:
    result = evaluate_cleaning(EXAMPLES / "gold.json")
    overall = result["overall"]
    assert overall["missing"] == 0
    assert overall["ingest_failed"] == 0
    for measure in METRICS:
        failing = [r["article"] for r in result["rows"] if r.get(measure) is False]
        assert overall[measure] >= TARGET, (measure, overall[measure], failing)
