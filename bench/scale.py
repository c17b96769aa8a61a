"""Batch throughput on Dask against the single-process pipeline: `python bench/scale.py
--out bench/RESULTS.md [--n 20000] [--workers 1,2] [--embed hash|e5]`.

Corpus: bench/cluster.py's `corpus` (the repo's own `examples/` recombined into N JSONL
articles in 10 files, many distinct stories and events; never third-party text), into a
temporary directory.

Measurements, each in a fresh process (`spawn`), all steps (clean, NLP, link):
  (a) the single-process pipeline, `run_pipeline(paths, store)` (one process);
  (b) `run_batch` on a LocalCluster of 1, then 2, worker processes (one thread each), whose
      start is timed apart: wall seconds until the store is linked, of which the seconds until
      the last partition finished, the driver's link steps each, peak RSS of the driver and of
      each worker (`ru_maxrss`, read on the workers with `client.run`), and how many articles
      were cleaned again (and analysed) in the driver.
Speed-up: (a) seconds / (b) seconds. `--embed hash` (the default) swaps e5 for the hashed
bag-of-words embedder on both sides (`STORYLINE_EMBEDDER=hash`): e5 runs at ~8 articles/s on
these 2 cores, which would make N=20,000 take hours; the e5 rate per worker is given in
bench/RESULTS.md ("ingest and assign"). A dated section is appended to `--out`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import corpus  # bench/, beside this file
from ingest import in_fresh_process, machine, rss_mb


def single_run(paths: list[str], db: str, embed: str) -> dict[str, Any]:
    """The single-process pipeline over `paths` into a new store."""
    os.environ["STORYLINE_EMBEDDER"] = embed
    from storyline.pipeline import run_pipeline
    from storyline.store.db import open_store

    store = open_store(db)
    start = time.perf_counter()
    report = run_pipeline(paths, store)
    seconds = time.perf_counter() - start
    return {
        "articles": report.ingest.ingested,
        "seconds": seconds,
        "rate": report.ingest.ingested / seconds,
        "peak_rss_mb": rss_mb(),
    }


def _worker_peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def batch_run(paths: list[str], db: str, out: str, workers: int, embed: str) -> dict[str, Any]:
    """`run_batch` on a LocalCluster of `workers` processes into a new store."""
    os.environ["STORYLINE_EMBEDDER"] = embed
    from distributed import Client, LocalCluster

    from storyline.scale.batch import run_batch
    from storyline.store.db import open_store

    t = time.perf_counter()
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        cluster_start = time.perf_counter() - t
        store = open_store(db)
        marks: dict[str, float] = {}
        start = time.perf_counter()

        def on_progress(done: int, total: int) -> None:
            if done == total:
                marks.setdefault("tasks", time.perf_counter() - start)

        def on_step(name: str) -> None:
            marks[name] = time.perf_counter() - start

        report = run_batch(
            paths, Path(out), store, client=client, on_progress=on_progress, on_step=on_step
        )
        seconds = time.perf_counter() - start
        workers_mb = sorted(client.run(_worker_peak_mb).values())
    assert report.ingest is not None
    # "tasks": until the last partition finished (loading overlaps it); "load": the rest of
    # the loading and the date reconciliation; then each driver step until the next
    steps = [("tasks", 0.0), ("load", marks.pop("tasks")), *marks.items(), ("end", seconds)]
    spans = {name: steps[i + 1][1] - at for i, (name, at) in enumerate(steps[:-1])}
    return {
        "articles": report.ingest.ingested,
        "partitions": report.partitions,
        "cleaned_again": report.ingest.ingested - report.precomputed,
        "seconds": seconds,
        "rate": report.ingest.ingested / seconds,
        "cluster_start": cluster_start,
        "spans": spans,
        "driver_rss_mb": rss_mb(),
        "worker_rss_mb": workers_mb,
    }


def report(n: int, command: str, embed: str, runs: dict[str, Any]) -> str:
    """The Markdown section appended to the results file."""
    info = machine()
    single = runs["single"]
    rows = [
        f"| (a) single-process `run_pipeline` | {single['articles']:,} | {single['seconds']:.1f} |"
        f" {single['rate']:.1f} | 1.00 | {single['peak_rss_mb']:.0f} | – |"
    ]
    notes = []
    for key, r in runs.items():
        if key == "single":
            continue
        ratio = single["seconds"] / r["seconds"]
        workers_mb = ", ".join(f"{m:.0f}" for m in r["worker_rss_mb"])
        rows.append(
            f"| (b) `run_batch`, {key} | {r['articles']:,} | {r['seconds']:.1f} |"
            f" {r['rate']:.1f} | {ratio:.2f} | {r['driver_rss_mb']:.0f} | {workers_mb} |"
        )
        spans = ", ".join(f"{name} {s:.1f} s" for name, s in r["spans"].items())
        notes.append(
            f"- {key}: {r['partitions']} partitions; cluster start {r['cluster_start']:.1f} s"
            f" (not counted); {spans}; cleaned again in the driver: {r['cleaned_again']:,}."
        )
    return f"""
## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — batch on Dask, N={n:,}

- Machine: {info["platform"]}; {info["cpu"]}; {info["cores"]} cores; Python {info["python"]}
- Command: `{command}`
- Corpus: {n:,} JSONL articles from bench/cluster.py's `corpus` (10 files); all steps;
  embedder {embed} on both sides; each run in a fresh process.

| run | articles | seconds | articles/s | speed-up | driver peak RSS (MB) | worker peak RSS (MB) |
|---|---:|---:|---:|---:|---:|---:|
{chr(10).join(rows)}

Where the batch time went ("tasks": until the last partition finished, loading overlapping;
"load": the rest of the loading and the date reconciliation; then the driver's steps):
{chr(10).join(notes)}
"""


def main() -> None:
    """Generate the corpus, run the measurements, print and append the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, required=True, help="Markdown file to append to.")
    parser.add_argument("--n", type=int, default=20_000, help="Articles (default 20,000).")
    parser.add_argument("--workers", default="1,2", help="Worker counts (default 1,2).")
    parser.add_argument("--embed", choices=("e5", "hash"), default="hash", help="See above.")
    args = parser.parse_args()
    command = " ".join(["python", *sys.argv])
    with tempfile.TemporaryDirectory(prefix="storyline-bench-scale-") as tmp:
        paths = [str(p) for p in corpus(args.n, Path(tmp))]
        runs = {"single": in_fresh_process(single_run, paths, f"{tmp}/a.db", args.embed)}
        for k in (int(x) for x in args.workers.split(",") if x.strip()):
            runs[f"{k} worker{'s' if k > 1 else ''}"] = in_fresh_process(
                batch_run, paths, f"{tmp}/b{k}.db", f"{tmp}/out{k}", k, args.embed
            )
        print(json.dumps(runs), file=sys.stderr)
    section = report(args.n, command, args.embed, runs)
    print(section)
    with args.out.open("a", encoding="utf-8") as fh:
        fh.write(section)


if __name__ == "__main__":
    main()
