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

from storyline.link.embedding import EMBEDDER_ENV
from storyline.pipeline import run_pipeline
from storyline.scale.batch import run_batch
from storyline.store.db import open_store

distributed = pytest.importorskip("distributed")
GENERATED = 5000
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


def test_5000_generated_articles_all_steps(
    tmp_path: Path, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every step, linking included (entities, quotes across outlets, duplicates, events and
    stories), on 5,000 articles in 20 partitions: the exports agree record by record."""
    paths = _generated(GENERATED, tmp_path, monkeypatch)
    one = open_store(tmp_path / "one.db")
    run_pipeline(paths, one, workers=2)  # as `storyline ingest` runs it
    store = open_store(tmp_path / "batch.db")
    report = run_batch(paths, tmp_path / "out", store, client=client)
    assert report.partitions == 20
    assert report.ingest is not None
    assert report.ingest.ingested == GENERATED == one.count()
    assert_same_records(exported(store), exported(one))
