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
