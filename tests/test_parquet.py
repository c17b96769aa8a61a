"""Parquet in: one article per row (the JSON record's column names), and the export read back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from conftest import EXAMPLES

from storyline.errors import InputError
from storyline.ingest.readers import read_inputs
from storyline.ingest.run import ingest
from storyline.model import RawInput
from storyline.report.export import write_parquet
from storyline.store.db import open_store

BODY = "The port authority and the union met again on Tuesday to discuss overtime rules."


def test_rows_become_articles_with_fields_metadata_and_row_errors(tmp_path: Path) -> None:
    path = tmp_path / "feed.parquet"
    table = pa.table(
        {
            "id": ["a1", None, "a3"],
            "title": ["Talks resume", "Second", None],
            "body": [BODY, BODY + " Again.", None],  # row 3 has no text
            "lang": ["en", "en", "en"],
            "published": ["2026-03-14", None, None],
            "score": [3, 4, 5],
            "seen": [datetime(2026, 3, 14, 9, 30, tzinfo=UTC)] * 3,
            "tags": [["port", "strike"], [], None],
        }
    )
    pq.write_table(table, path, row_group_size=2)  # rows span two row groups
    items = list(read_inputs([str(path)]))
    first, second, third = items
    assert isinstance(first, RawInput)
    assert isinstance(second, RawInput)
    assert (first.source, second.source) == (f"{path}#a1", f"{path}#2")
    assert first.body == BODY
    assert first.container == "json"
    assert dict(first.fields) == {
        "id": "a1",
        "title": "Talks resume",
        "published": "2026-03-14",
        "language": "en",
    }
    assert json.loads(first.extra_json) == {
        "score": 3,
        "seen": "2026-03-14T09:30:00+00:00",
        "tags": ["port", "strike"],
    }
    assert isinstance(third, InputError)
    assert str(third).startswith(f"{path}:3: record has no text")


def test_unreadable_parquet_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 not really")
    (error,) = read_inputs([str(path)])
    assert isinstance(error, InputError)
    assert str(error).startswith(f"{path}: not a readable Parquet file")


def test_export_parquet_ingests_back_with_the_same_fields(tmp_path: Path) -> None:
    first = open_store(tmp_path / "first.db")
    report = ingest([str(EXAMPLES / "wire"), str(EXAMPLES / "tidewater")], first)
    assert report.ingested >= 3
    exported = tmp_path / "export.parquet"
    n = write_parquet(first, exported)
    second = open_store(tmp_path / "second.db")
    again = ingest([str(exported)], second)
    assert (again.ingested, again.failed) == (n, 0)
    originals = {a.id: a for a in first.iter_articles()}
    for article in second.iter_articles():
        original = originals[article.source.rsplit("#", 1)[1]]  # the export's id column
        for name in ("title", "url", "outlet", "author", "language", "published"):
            assert getattr(article, name) == getattr(original, name), name
        assert article.text.split() == original.text.split()
        metadata = json.loads(article.extra_json)
        assert metadata["source"] == original.source  # other columns kept as metadata
