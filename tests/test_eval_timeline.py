"""The timeline scorers: the matching rule on hand-made entries, date selection and F1 on a
tiny timeline17-shaped folder, and the seeds' timeline against a floor measured on them."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import EXAMPLES, SEEDS, need_shared

from storyline.eval.timeline import (
    GoldEntry,
    Predicted,
    as_predicted,
    date_agrees,
    date_f1,
    evaluate_timeline,
    evaluate_timeline17,
    failed_checks,
    match_entries,
    read_gold,
    score_story,
    select_dates,
    stems,
)
from storyline.model import TimelineEntry, TimelineSource


def _gold(date: str, what: str, *articles: str, date_end: str | None = None) -> GoldEntry:
    return GoldEntry("S", date, what, frozenset(articles), date_end)


def _pred(date: str, text: str, *sources: str) -> Predicted:
    return Predicted(date, text, frozenset(sources), stems(text))


@pytest.mark.parametrize(
    ("gold", "pred", "end", "agrees"),
    [
        ("2025-10", "2025-10", None, True),
        ("2025-10", "2025-10-16", None, True),  # finer, inside the month
        ("2025", "2025-W45", None, True),  # a week of that year
        ("2025-10", "2025", None, False),  # coarser than the gold
        ("2025-10-16", "2025-10", None, False),
        ("2025-10", "2025-11-01", None, False),
        ("2025-11", "2025-W45", None, False),  # a week is not read as a month
        ("2025", "20251", None, False),
        ("2025-07", "2025-12", "2025-12", True),  # inside a gold range
        ("2025-07", "2025-09-30", "2025-12", True),
        ("2025-07", "2026-01", "2025-12", False),
    ],
)
def test_date_agrees_at_the_gold_granularity(
    gold: str, pred: str, end: str | None, agrees: bool
) -> None:
    assert date_agrees(gold, pred, end) is agrees


def test_a_fitting_entry_needs_a_gold_source() -> None:
    gold = _gold("2025-10-16", "Trump and Putin speak by phone", "a.txt")
    assert failed_checks(gold, _pred("2025-10-16", "Trump and Putin spoke by phone", "a.txt")) == []
    assert failed_checks(gold, _pred("2025-10-16", "Trump and Putin spoke by phone", "b.txt")) == [
        "sources"
    ]


def test_text_fits_by_a_shared_word_or_by_covering_a_multi_outlet_entry() -> None:
    sanctions = _gold("2025-10", "US sanctions Rosneft and Lukoil", "a.txt")
    cancelled = _pred("2025-10", "The meeting in Budapest was cancelled", "a.txt", "b.txt")
    assert failed_checks(sanctions, cancelled) == ["text"]  # one shared article says nothing
    german = _pred("2025-10-22", "Washington verhängt Sanktionen gegen Rosneft", "a.txt")
    assert failed_checks(sanctions, german) == []  # the name crosses languages
    strike = _gold("2026-03-09", "Union announces an indefinite strike", "en", "de", "fr")
    french = _pred("2026-03-09", "Le syndicat appelle à la grève illimitée", "de", "fr")
    assert failed_checks(strike, french) == []  # two of three outlets report it
    assert failed_checks(strike, _pred("2026-03-09", "Le syndicat appelle", "fr")) == ["text"]


def test_an_entry_fits_by_the_name_of_its_actor() -> None:
    gold = _gold("2026-02-26", "Strand gives the Morning Lantern interview", "lantern")
    told = "Yet when we meet in her office on Thursday, she is adamant."
    source = TimelineSource(article_id="a1", start=0, end=len(told), outlet="L", timex="Thursday")
    entry = TimelineEntry(date="2026-02-26", what=told, sources=(source,))
    texts = {"a1": told}
    assert failed_checks(gold, as_predicted(entry, {"a1": "lantern"}, texts)) == ["text"]
    named = replace(entry, actors=("Helena Strand",))
    assert failed_checks(gold, as_predicted(named, {"a1": "lantern"}, texts)) == []


def test_matching_is_one_to_one_best_first() -> None:
    gold = [
        _gold("2025-10", "Lavrov and Rubio speak by phone", "a", "b"),
        _gold("2025-10", "Trump cancels the Budapest summit", "a", "b", "c"),
    ]
    pred = [
        _pred("2025-10-21", "Trump cancelled the summit in Budapest after Lavrov's call", "a", "b"),
        _pred("2025-10", "Lavrov spoke to Rubio by phone", "b"),
    ]
    assert match_entries(gold, pred) == {0: 1, 1: 0}
    assert match_entries(gold, pred[:1]) == {1: 0}  # the better fit takes the only candidate


def test_story_measures_and_details() -> None:
    gold = [
        _gold("2025-08-15", "Summit in Anchorage", "a", "b", "c", "d"),
        _gold("2025-10", "US sanctions Rosneft", "b"),
    ]
    pred = [
        _pred("2025-08-15", "the summit in Anchorage, Alaska", "b"),
        _pred("2025-10-26", "Lavrov gives an interview", "b"),
        _pred("2025-11-09", "Lavrov is ready to meet Rubio", "d"),
    ]
    scored = score_story(gold, pred)
    assert (scored["matched"], scored["entry_recall"]) == (1, 0.5)
    assert scored["entry_precision"] == pytest.approx(1 / 3)
    assert scored["source_recall"] == 0.25
    assert scored["value_accuracy"] == 1.0
    missed = scored["details"][1]
    assert "matched" not in missed
    assert missed["nearest"]["date"] == "2025-10-26"
    assert missed["nearest"]["fails"] == ["text"]
    assert [u["date"] for u in scored["unmatched"]] == ["2025-10-26", "2025-11-09"]


def test_read_gold_seeds_and_examples_shapes() -> None:
    seeds = {
        "story": {"articles": ["a", "b"]},
        "timeline": [{"date": "2025", "what": "x", "articles": ["a"]}],
    }
    stories, entries = read_gold(seeds)
    assert stories == {"S": frozenset({"a", "b"})}
    assert entries[0].story == "S"
    examples = {
        "stories": {"S1": {"articles": ["a"]}, "distractors": {"articles": ["z"]}},
        "timeline": [
            {
                "story": "S1",
                "date": "2025-07",
                "date_end": "2025-12",
                "what": "x",
                "articles": ["a"],
            },
            {"story": None, "date": "2026-02-05", "what": "coin", "articles": ["z"]},
        ],
    }
    stories, entries = read_gold(examples)
    assert set(stories) == {"S1"}
    assert entries[0].date_end == "2025-12"
    assert entries[1].story is None  # a distractor entry


def test_date_selection_and_f1() -> None:
    counts = {"2010-04-20": 5, "2010-04-21": 5, "2010-05-01": 2, "2010-04": 9, "2011-01-01": 9}
    # month values and days outside the range are not candidates; ties go to the earlier day
    assert select_dates(counts, "2010-04-01", "2010-12-31", 2) == ["2010-04-20", "2010-04-21"]
    assert date_f1(["2010-04-20", "2010-05-01"], ["2010-04-20", "2010-06-01", "2010-07-01"]) == (
        pytest.approx(2 * 1 / (2 + 3))
    )
    assert date_f1([], ["2010-04-20"]) == 0.0


def _write_topic(root: Path) -> None:
    folder = root / "quake_bbc"
    folder.mkdir()
    articles = [
        {
            "uid": str(i),
            "dct": "2010-01-20",
            "dates": ["2010-01-19"],
            "text": f"The earthquake struck on 12 January 2010 . Report {i} . Aid arrived on "
            "15 January 2010 .",
        }
        for i in range(3)
    ] + [
        {
            "uid": "9",
            "dct": "2010-01-20",
            "dates": ["2010-01-12"],
            "text": "A donor conference met on 18 January 2010 .",
        }
    ]
    with gzip.open(folder / "articles.json.gz", "wt", encoding="utf-8") as f:
        json.dump(articles, f)
    gold = [{"date": "2010-01-12", "text": "Quake."}, {"date": "2010-01-18", "text": "Donors."}]
    (folder / "quake.txt.timeline.json").write_text(json.dumps(gold), encoding="utf-8")
    (root / "other_cnn").mkdir()  # a gold timeline without articles is skipped, and said so
    (root / "other_cnn" / "o.txt.timeline.json").write_text(json.dumps(gold), encoding="utf-8")


def test_timeline17_date_selection_on_a_tiny_folder(tmp_path: Path) -> None:
    _write_topic(tmp_path)
    result = evaluate_timeline17(tmp_path, None)
    [row] = result["rows"]
    assert row["timeline"] == "quake_bbc/quake.txt"
    # k = 2 in 12-18 January: 12th (3 articles) and 15th (3) beat the 18th (1)
    assert row["storyline_date_f1"] == 0.5
    # the 19th is out of range: only the 12th is selected, and right (P 1, R 1/2)
    assert row["heideltime_date_f1"] == pytest.approx(2 / 3)
    assert result["overall"]["skipped_timelines"] == ["other_cnn/o.txt.timeline.json"]
    capped = evaluate_timeline17(tmp_path, 1)
    assert capped["overall"]["articles"] == 1


@pytest.mark.shared
def test_seeds_timeline_against_the_measured_floor() -> None:
    need_shared(SEEDS / "gold.json")
    result = evaluate_timeline(SEEDS / "gold.json")
    overall = result["overall"]
    # measured 8 of 10 entries (source recall 0.64) when this scorer was written; 0.77 once
    # undated events, seasons and the words beside a date joined reports of one happening; 9
    # (0.98) once undated retellings became sources and gave their day to "a couple of days
    # later" — a day (2025-10-18) inside the gold's month, so one value is finer than gold's
    assert overall["matched"] >= 9
    assert overall["source_recall"] >= 0.9
    assert overall["value_accuracy"] >= 8 / 9
    assert len(result["details"]) == overall["gold_entries"] == 10


def test_examples_timeline_meets_the_issue_targets() -> None:
    result = evaluate_timeline(EXAMPLES / "gold.json")
    overall = result["overall"]
    # issue 6: at least 0.9 on each; measured 0.973 recall, 0.9 precision, 0.972 source recall
    assert overall["entry_recall"] >= 0.9
    assert overall["entry_precision"] >= 0.9
    assert overall["source_recall"] >= 0.9
