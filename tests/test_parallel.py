"""Cleaning in worker processes gives exactly what one process gives, in the same order."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLES

from storyline.ingest.run import ingest
from storyline.report.export import records
from storyline.store.db import open_store


def test_two_workers_same_store_as_one(tmp_path: Path) -> None:
    one, two = open_store(tmp_path / "one.db"), open_store(tmp_path / "two.db")
    first = ingest([str(EXAMPLES)], one, workers=1)
    second = ingest([str(EXAMPLES)], two, workers=2)
    assert (first.ingested, first.failed) == (second.ingested, second.failed)
    assert first.new_ids == second.new_ids
    assert list(records(one)) == list(records(two))


def test_one_process_cleans_each_article_once(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """In one process the repetition state goes into the first cleaning, so an article whose
    lines are all its outlet's known boilerplate is not cleaned a second time for nothing; with
    workers (cleaned without that state) it is, and both stores are the same."""
    import json
    import sys

    run = sys.modules[ingest.__module__]  # storyline.ingest.run, where `take` cleans again

    footer = ["Follow the Harbour Ledger on social media.", "Subscribe to our morning newsletter."]
    story = (
        "The ferry to Orrin number {} sailed late on Monday after a crew shortage, the operator "
        "said, and the council asked for a timetable that families can rely on."
    )
    rows = [
        {"outlet": "Harbour Ledger", "title": f"Ferry report {n}", "text": story.format(n)}
        for n in range(4)
    ]
    for row in rows:
        row["text"] = "\n".join([row["text"], *footer])
    rows.append({"outlet": "Harbour Ledger", "title": "Notice", "text": "\n".join(footer)})
    path = tmp_path / "ledger.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    calls = []
    real = run.clean_article
    monkeypatch.setattr(run, "clean_article", lambda *a, **k: calls.append(1) or real(*a, **k))
    one = open_store(tmp_path / "one.db")
    assert ingest([str(path)], one, workers=1).ingested == 5
    assert len(calls) == 5
    two = open_store(tmp_path / "two.db")
    ingest([str(path)], two, workers=2)
    assert list(records(one)) == list(records(two))
