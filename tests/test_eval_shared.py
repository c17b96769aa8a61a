"""The extraction and date evaluations on the public sets in ../shared/data (a few pages each).

Scores are not pinned here (they move with the cleaning rules); the structure is, and so is the
metric: our shingle F1 of the benchmark's published trafilatura output must match its 0.958.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.eval.dates import evaluate_dates
from storyline.eval.extraction import PUBLISHED_TRAFILATURA_F1, evaluate_extraction

pytestmark = pytest.mark.shared
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
EXTRACTION = DATA / "article_extraction_benchmark"
DATES = DATA / "htmldate_eval"
LIMIT = 15

if not (EXTRACTION.is_dir() and DATES.is_dir()):
    pytest.skip(
        f"evaluation sets not found under {DATA}; check out ../shared next to the repo",
        allow_module_level=True,
    )


def _check_shape(result: dict[str, object], systems: set[str]) -> None:
    assert set(result) >= {"name", "columns", "rows", "overall"}
    rows = result["rows"]
    assert isinstance(rows, list)
    assert systems <= {row["system"] for row in rows}
    for row in rows:
        assert set(row) >= set(result["columns"])  # type: ignore[arg-type]


def test_extraction_scores_and_reference_metric() -> None:
    result = evaluate_extraction(EXTRACTION, limit=LIMIT)
    _check_shape(result, {"storyline", "trafilatura"})
    for row in result["rows"]:
        for measure in ("precision", "recall", "f1", "accuracy"):
            assert 0.0 <= row[measure] <= 1.0
    assert [r["docs"] for r in result["rows"][:2]] == [LIMIT, LIMIT]
    overall = result["overall"]
    assert overall["delta"] == pytest.approx(
        overall["storyline_f1"] - overall["trafilatura_f1"], abs=1e-3
    )
    # the reference output is scored on all 181 pages whatever the limit
    assert result["rows"][2]["docs"] == 181
    assert overall["reference_output_f1"] == pytest.approx(PUBLISHED_TRAFILATURA_F1, abs=0.01)


def test_dates_scores() -> None:
    result = evaluate_dates(DATES, limit=LIMIT)
    _check_shape(result, {"storyline", "htmldate"})
    for row in result["rows"]:
        assert row["pages"] == LIMIT
        assert row["tp"] + row["fp"] + row["fn"] == LIMIT  # one of these per page
        assert row["tn"] <= row["fn"]  # a page with neither date counts as tn and fn (sic)
        for measure in ("precision", "recall", "accuracy", "f"):
            assert 0.0 <= row[measure] <= 1.0
    overall = result["overall"]
    assert 0 <= overall["flag_better"] + overall["flag_worse"] <= overall["flag_changed_answer"]
    assert overall["flag_changed_answer"] <= overall["flagged_pages"] <= LIMIT
