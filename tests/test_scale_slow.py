"""`storyline batch` against the single-process pipeline at size: examples/ with the real e5
embedder on the workers, and 5,000 generated articles (bench/cluster.py's corpus) with the
cheap "hash" embedder; cleaning and NLP are the real ones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT
from dask_helpers import local_client
from test_scale import assert_same_records, exported

from storyline.link.quotes import EMBEDDER_ENV
from storyline.pipeline import run_pipeline
from storyline.scale.batch import run_batch
from storyline.store.db import open_store

distributed = pytest.importorskip("distributed")
GENERATED = 5000
LINKED = 600  # quote clustering grows with the square of a speaker's quotes
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A LocalCluster started by the test: 2 worker processes, one thread each."""
    with local_client() as c:
        yield c


def test_examples_with_e5_on_the_workers(
    tmp_path: Path, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(EMBEDDER_ENV, "e5")
    one = open_store(tmp_path / "one.db")
    run_pipeline([str(EXAMPLES)], one)
    store = open_store(tmp_path / "batch.db")
    run_batch([str(EXAMPLES)], tmp_path / "out", store, client=client, files=8)
    assert_same_records(exported(store), exported(one))


def _generated(n: int, folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv(EMBEDDER_ENV, "hash")  # e5 runs at ~8 articles/s on 2 cores
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    from cluster import corpus  # bench/cluster.py: examples/ recombined into 10 JSONL files

    return [str(p) for p in corpus(n, folder)]


def test_5000_generated_articles_per_article_steps(
    tmp_path: Path, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Clean, dates (with the corpus reconciliation), NLP and time expressions of 5,000
    articles in 20 partitions. Linking is left out at this size: quote clustering, the same
    function on both sides, takes over 20 minutes here on this corpus (see docs/batch.md)."""
    paths = _generated(GENERATED, tmp_path, monkeypatch)
    one = open_store(tmp_path / "one.db")
    run_pipeline(paths, one, steps=("clean", "nlp"), workers=2)  # as `storyline ingest` runs it
    store = open_store(tmp_path / "batch.db")
    report = run_batch(paths, tmp_path / "out", store, client=client, link=False)
    assert report.partitions == 20
    assert report.ingest is not None
    assert report.ingest.ingested == GENERATED == one.count()
    assert_same_records(exported(store), exported(one))


def test_generated_articles_linked(
    tmp_path: Path, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All steps, linking included, on LINKED generated articles."""
    paths = _generated(LINKED, tmp_path, monkeypatch)
    one = open_store(tmp_path / "one.db")
    run_pipeline(paths, one, workers=2)
    store = open_store(tmp_path / "batch.db")
    run_batch(paths, tmp_path / "out", store, client=client, rows=64)
    assert_same_records(exported(store), exported(one))
