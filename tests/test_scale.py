"""`storyline batch` on a real Dask LocalCluster (2 worker processes, one thread each): the same
export as the single-process pipeline, resumable, nothing lost when a worker dies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import EXAMPLES, ROOT
from dask_helpers import local_client
from link_helpers import add_article

from storyline.ingest.readers import read_inputs
from storyline.link.embedding import EMBEDDER_ENV
from storyline.link.quotes import DEFAULT_THRESHOLD, cluster_quotes
from storyline.link.resolve import resolve_entities
from storyline.pipeline import run_pipeline
from storyline.report.export import records
from storyline.scale.batch import MANIFEST, run_batch
from storyline.scale.partitions import plan, read_partition
from storyline.scale.quote_windows import score_on_workers
from storyline.scale.shards import read_shards, write_shards
from storyline.scale.tasks import Settings, process_partition
from storyline.store.db import Store, open_store

distributed = pytest.importorskip("distributed")

# Fields of an export record that may differ between two runs on the same input. None do:
# records carry no timestamp or run id (received_at, created_at, updated_at, analysed_at and
# the ingest_runs rows stay in the store), and every id is a content hash or assigned in
# input order. Listed here so that a field added later that is run-specific is a decision.
RUN_SPECIFIC: tuple[str, ...] = ()
FILES = 4  # files per partition on examples/: 10 partitions, so several run on each worker


def exported(store: Store) -> list[dict[str, Any]]:
    """The export records, without the run-specific fields."""
    return [{k: v for k, v in r.items() if k not in RUN_SPECIFIC} for r in records(store)]


def assert_same_records(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> None:
    """Record by record, naming the first article and fields that differ."""
    assert [r["id"] for r in got] == [r["id"] for r in want]
    for a, b in zip(got, want, strict=True):
        assert a == b, (a["id"], [k for k in b if a.get(k) != b[k]])


@pytest.fixture(scope="module")
def hash_embedder() -> Iterator[None]:
    """The cheap embedder in this process (the workers get it through `Settings`)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(EMBEDDER_ENV, "hash")
        yield


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A LocalCluster started by the test: 2 worker processes, one thread each."""
    with local_client() as c:
        yield c


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory, hash_embedder: None) -> list[Any]:
    """The single-process pipeline's export of examples/."""
    store = open_store(tmp_path_factory.mktemp("one") / "one.db")
    run_pipeline([str(EXAMPLES)], store)
    return exported(store)


def settings() -> Settings:
    return Settings(records_day(), embedder="hash")


def records_day() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC).date()  # the single-process pipeline's reference day too


# -- partitions and shards, in this process -----------------------------------------------


def _mixed_inputs(folder: Path) -> list[str]:
    (folder / "feed.jsonl").write_text(
        "\n".join(
            [
                json.dumps({"id": f"j{i}", "title": f"T{i}", "text": f"Body number {i}."})
                for i in range(4)
            ]
            + ["{not json", json.dumps({"text": "Last one, no id."})]
        )
        + "\n",
        encoding="utf-8",
    )
    table = pa.table({"text": ["Row one.", "Row two.", None], "title": ["A", "B", "C"]})
    pq.write_table(table, folder / "rows.parquet", row_group_size=1)
    return [str(EXAMPLES / "tidewater"), str(folder / "feed.jsonl"), str(folder / "rows.parquet")]


def test_partitions_read_exactly_what_the_readers_read(tmp_path: Path) -> None:
    paths = _mixed_inputs(tmp_path)
    parts, errors = plan(paths, rows=2, files=2)
    assert not errors
    assert [p.kind for p in parts].count("jsonl") == 3  # 6 lines, 2 a partition
    assert [p.kind for p in parts].count("parquet") == 2  # 3 row groups of 1, ≥ 2 rows each
    got = [i for p in parts for i in read_partition(p)]
    want = list(read_inputs(paths))
    assert [str(i) if isinstance(i, Exception) else i for i in got] == [
        str(i) if isinstance(i, Exception) else i for i in want
    ]
    again, _ = plan(paths, rows=2, files=2)
    assert [p.digest for p in again] == [p.digest for p in parts]
    with (tmp_path / "feed.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": "A seventh line."}) + "\n")
    changed, _ = plan(paths, rows=2, files=2)
    assert [p.digest for p in changed][:-1] != [p.digest for p in parts][:-1]
    assert {p.digest for p in changed} & {p.digest for p in parts}  # the rest is unchanged


def test_shards_give_back_exactly_the_partition_result(tmp_path: Path) -> None:
    (part, *_), _ = plan([str(EXAMPLES / "tidewater")], files=3)
    result = process_partition(part, settings())
    assert len(result.items) == 3
    write_shards(result, tmp_path)
    assert read_shards(tmp_path, part.index, part.digest) == result


# -- on the cluster -----------------------------------------------------------------------


def test_batch_matches_single_process_and_writes_shards(
    tmp_path: Path, client: Any, baseline: list[Any]
) -> None:
    store = open_store(tmp_path / "batch.db")
    pids = client.run(os.getpid)
    report = run_batch([str(EXAMPLES)], tmp_path / "out", store, client=client, files=FILES)
    assert report.computed == report.partitions > len(pids)
    assert_same_records(exported(store), baseline)
    articles = pq.read_table(tmp_path / "out" / "articles").to_pylist()
    assert sorted(r["id"] for r in articles) == sorted(r["id"] for r in baseline)
    clusters = {
        r["article_id"]: r for r in pq.read_table(tmp_path / "out/clusters.parquet").to_pylist()
    }
    assert all(clusters[r["id"]]["event_id"] == r["event_id"] for r in baseline)
    # The workers kept their processes and loaded each language's model once for all tasks.
    assert client.run(os.getpid) == pids
    from storyline.nlp.models import pipeline

    loads = client.run(lambda: pipeline.cache_info().misses)
    languages = {r["language"] for r in baseline}
    assert all(0 < n <= len(languages) + 1 for n in loads.values()), loads


def test_rerun_reuses_finished_partitions(tmp_path: Path, client: Any, baseline: list[Any]) -> None:
    out = tmp_path / "out"
    first = run_batch([str(EXAMPLES)], out, None, client=client, files=FILES)  # shards only
    assert first.computed == first.partitions
    assert first.ingest is None
    second = run_batch(
        [str(EXAMPLES)], out, open_store(tmp_path / "a.db"), client=client, files=FILES
    )
    assert (second.reused, second.computed) == (second.partitions, 0)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    dropped = sorted(manifest["partitions"])[0]
    del manifest["partitions"][dropped]  # as if the first run had stopped before it
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    store = open_store(tmp_path / "b.db")
    third = run_batch([str(EXAMPLES)], out, store, client=client, files=FILES)
    assert (third.reused, third.computed) == (third.partitions - 1, 1)
    assert_same_records(exported(store), baseline)


def test_a_worker_killed_mid_task_loses_no_articles(
    tmp_path: Path, client: Any, baseline: list[Any]
) -> None:
    killed: list[str] = []
    pids = client.run(os.getpid)

    def kill_a_busy_worker(done: int, total: int) -> None:
        busy = [w for w, keys in client.processing().items() if keys]
        if done and not killed and busy:  # SIGKILL: no goodbye to the scheduler
            killed.append(busy[0])
            os.kill(pids[busy[0]], signal.SIGKILL)

    store = open_store(tmp_path / "batch.db")
    report = run_batch(
        [str(EXAMPLES)],
        tmp_path / "out",
        store,
        client=client,
        files=2,
        on_progress=kill_a_busy_worker,
    )
    assert killed
    assert killed[0] not in client.scheduler_info()["workers"]
    assert report.computed == report.partitions
    assert not report.failed_partitions
    assert_same_records(exported(store), baseline)
    client.wait_for_workers(2)


def test_bad_inputs_are_recorded_and_the_rest_goes_on(
    tmp_path: Path, client: Any, hash_embedder: None
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    _mixed_inputs(inputs)
    (inputs / "broken.json").write_text("{oops", encoding="utf-8")
    (inputs / "broken.parquet").write_bytes(b"PAR1 not really")
    paths = [str(inputs), str(tmp_path / "missing.txt")]
    one = open_store(tmp_path / "one.db")
    single = run_pipeline(paths, one, steps=("clean",))
    store = open_store(tmp_path / "batch.db")
    report = run_batch(paths, tmp_path / "out", store, client=client, rows=2, files=2)
    assert report.ingest is not None
    assert report.ingest.failed == single.ingest.failed == 5
    assert sorted(report.ingest.errors) == sorted(single.ingest.errors)
    assert sorted(r["error"] for r in store.failures()) == sorted(single.ingest.errors)
    assert store.count() == one.count() == 7  # 5 JSONL records, 2 Parquet rows


def test_cli_batch_against_a_scheduler_address(tmp_path: Path, client: Any) -> None:
    env = {**os.environ, "STORYLINE_DB": str(tmp_path / "s.db"), EMBEDDER_ENV: "hash"}
    args = [str(EXAMPLES / "wire"), "--scheduler", client.scheduler.address]
    args += ["--out", str(tmp_path / "out"), "--json"]

    def batch() -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-m", "storyline", "batch", *args],
            text=True,
            capture_output=True,
            env=env,
            timeout=300,
            check=False,
            cwd=ROOT,
        )
        assert done.returncode == 0, done.stderr
        return dict(json.loads(done.stdout))

    first = batch()
    assert first["ingested"] == 5
    assert first["failed"] == 0
    assert first["computed"] == 1
    assert first["dashboard"].startswith("http")  # printed on stderr without --json
    second = batch()
    assert (second["ingested"], second["already_had"], second["reused"]) == (0, 5, 1)


# -- quote pairs by time window on the workers ------------------------------------------------

REMARK = "We will not unload a single ship until the pilots are paid"
REMARK_DAYS = ("2026-01-01", "2026-01-20", "2026-02-10", "2026-03-01", "2026-03-25", "2026-04-20")


def _remarks(store: Store, which: slice = slice(None)) -> None:
    """One remark reported over four months (several windows; neighbours under WINDOW_DAYS
    apart, others not) and once undated (`which`: those reports only)."""
    for n, day in list(enumerate((*REMARK_DAYS, None)))[which]:
        add_article(
            store,
            f"Pilots stayed out, report {n}. “{REMARK},” said Lise Arne.",
            source=f"r{n}.txt",
            published=day,
            entities=[("PERSON", "Lise Arne")],
            quotes=[(REMARK, 0, "direct")],
        )


def test_quote_pairs_scored_by_window_on_the_workers_are_the_drivers(
    tmp_path: Path, client: Any, hash_embedder: None
) -> None:
    pairs = (
        "SELECT a_article, a_idx, b_article, b_idx, score FROM quote_pair_keys ORDER BY 1, 2, 3, 4"
    )
    alone, spread = open_store(tmp_path / "alone.db"), open_store(tmp_path / "spread.db")
    for store in (alone, spread):
        _remarks(store)
    stored = score_on_workers(spread, client, DEFAULT_THRESHOLD)
    marked = spread.conn.execute("SELECT COUNT(*) FROM quotes_scored").fetchone()[0]
    assert marked == len(REMARK_DAYS)  # the undated quote is left to cluster_quotes
    assert stored == len(spread.conn.execute(pairs).fetchall()) > 0
    for store in (alone, spread):
        resolve_entities(store)
        cluster_quotes(store)
    assert spread.conn.execute(pairs).fetchall() == alone.conn.execute(pairs).fetchall()
    clusters = (
        "SELECT cluster_id, article_id, idx, similarity FROM quote_cluster_members ORDER BY 2"
    )
    assert spread.conn.execute(clusters).fetchall() == alone.conn.execute(clusters).fetchall()


def test_new_quotes_are_scored_by_window_against_the_old_ones(
    tmp_path: Path, client: Any, hash_embedder: None
) -> None:
    """Quotes arriving at a store whose quotes were scored before: each new quote meets the old
    ones of its window and of the window before, as the driver's own scoring would."""
    pairs = "SELECT a_article, a_idx, b_article, b_idx, score FROM quote_pair_keys ORDER BY 1, 2"
    alone, spread = open_store(tmp_path / "alone.db"), open_store(tmp_path / "spread.db")
    for store in (alone, spread):
        _remarks(store, slice(0, len(REMARK_DAYS), 2))  # every other report first
        resolve_entities(store)
        cluster_quotes(store)
        _remarks(store, slice(1, len(REMARK_DAYS), 2))
    score_on_workers(spread, client, DEFAULT_THRESHOLD)
    for store in (alone, spread):
        resolve_entities(store)
        cluster_quotes(store)
    assert spread.conn.execute(pairs).fetchall() == alone.conn.execute(pairs).fetchall() != []
