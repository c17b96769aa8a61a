"""Ingest-and-assign throughput and memory: `python bench/cluster.py --out bench/RESULTS.md
[--sizes 1000,10000]`.

Corpus: the repo's own `examples/` (never third-party text) ingested into a temporary store, then
recombined into N JSONL articles by `nlp.generate` (paragraphs rotated and shuffled, a paragraph
of another example in the same language added, names swapped), each with its example's title
numbered, its numeric dates shifted by up to 400 days and a publication date spread over a year,
so the corpus holds many distinct stories and events.

Measurements, each in a fresh process (`spawn`, its own peak RSS):
  (a) storyline: `run_pipeline(chunk, store, steps=("clean", "nlp", "link"))` on ten successive
      chunks of N/10 articles into one store — the incremental path: each chunk is new articles
      arriving at a store that already holds the earlier ones. Per-article seconds per chunk is
      the curve that must stay flat as the store grows; total articles/s and peak RSS. Whatever
      the link step does at the time of the run is measured (say in the results which stages
      existed: story/event assignment is only counted once it is wired into the pipeline);
  (b) BERTopic-style batch baseline: e5 embeddings of the same texts + HDBSCAN, on all N at once;
  (c) TF-IDF + agglomerative batch baseline on all N at once — skipped above `AGGLO_MAX` articles,
      where its dense n × n distances no longer fit the 4 GB target.
The baselines re-cluster everything for every new batch; their one-shot time is a lower bound of
what an incremental user of them would pay per batch.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import _shift_dates, in_fresh_process, machine, rss_mb  # bench/, beside this file
from nlp import _examples, generate

ROOT = Path(__file__).resolve().parents[1]
CHUNKS = 10
AGGLO_MAX = 20_000
SEED = 20260101


def _titles() -> list[str]:
    """Titles of the example articles (in the order `nlp._examples` gives their texts)."""
    from storyline.ingest.run import ingest
    from storyline.store.db import open_store

    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        store = open_store(Path(tmp) / "examples.db")
        ingest([str(ROOT / "examples")], store)
        titles = [a.title or "" for a in store.iter_articles() if a.text.strip()]
        store.close()
    return titles


def corpus(n: int, folder: Path) -> list[Path]:
    """Write N recombined articles as `CHUNKS` JSONL files; returns their paths in order."""
    rng = random.Random(SEED)
    titles = _titles()
    count = len(_examples())
    items = generate(n, seed=SEED)
    start = date(2025, 1, 1)
    paths = []
    size = -(-n // CHUNKS)
    for c in range(CHUNKS):
        path = folder / f"chunk{c:02d}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for i in range(c * size, min(n, (c + 1) * size)):
                text, lang = items[i]
                shift = rng.randrange(400)
                rec = {
                    "id": f"bench-{i}",
                    "title": f"{titles[i % count]} ({i})",
                    "text": _shift_dates(text, shift),
                    "language": lang,
                    "published": (start + timedelta(days=rng.randrange(365))).isoformat(),
                }
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


def storyline_run(paths: list[str], db: str) -> dict[str, Any]:
    """The pipeline on each chunk in turn, into one store; seconds per article per chunk."""
    from storyline.pipeline import run_pipeline
    from storyline.store.db import open_store

    store = open_store(Path(db))
    curve, total, articles = [], 0.0, 0
    for path in paths:
        t = time.perf_counter()
        report = run_pipeline([path], store, steps=("clean", "nlp", "link"))
        seconds = time.perf_counter() - t
        added = report.ingest.ingested
        curve.append(seconds / max(added, 1))
        total += seconds
        articles += added
    from storyline.report.export import records

    assigned = sum(r["event_id"] is not None or r["story_id"] is not None for r in records(store))
    store.close()
    return {
        "articles": articles,
        "seconds": total,
        "rate": articles / total,
        "curve": curve,
        "assigned": assigned,
        "peak_rss_mb": rss_mb(),
    }


def _texts(paths: list[str]) -> list[str]:
    out = []
    for path in paths:
        with Path(path).open(encoding="utf-8") as f:
            out += [f"{r['title']}\n{r['text']}" for r in map(json.loads, f)]
    return out


def baseline_run(which: str, paths: list[str]) -> dict[str, Any]:
    """One batch baseline on all the texts at once."""
    from storyline.eval.clusters import hdbscan_partition, tfidf_partition

    texts = _texts(paths)
    t = time.perf_counter()
    labels = hdbscan_partition(texts) if which == "bertopic" else tfidf_partition(texts)
    seconds = time.perf_counter() - t
    return {
        "articles": len(texts),
        "seconds": seconds,
        "rate": len(texts) / seconds,
        "clusters": len(set(labels)),
        "peak_rss_mb": rss_mb(),
    }


def report(n: int, command: str, runs: dict[str, dict[str, Any]]) -> str:
    """The Markdown section appended to the results file."""
    info = machine()
    s = runs["storyline"]
    lines = [
        f"| (a) storyline `run_pipeline` clean,nlp,link, {CHUNKS} chunks | {s['articles']:,} |"
        f" {s['seconds']:.1f} | {s['rate']:.1f} | {s['peak_rss_mb']:.0f} |"
    ]
    for label, key in (
        ("(b) e5 + HDBSCAN, batch", "bertopic"),
        ("(c) TF-IDF + agglomerative, batch", "tfidf"),
    ):
        r = runs.get(key)
        if r is None:
            lines.append(f"| {label} | {n:,} | skipped (n > {AGGLO_MAX:,}: O(n²) memory) | | |")
        else:
            lines.append(
                f"| {label} | {r['articles']:,} | {r['seconds']:.1f} | {r['rate']:.1f} |"
                f" {r['peak_rss_mb']:.0f} |"
            )
    curve = " ".join(f"{1000 * x:.0f}" for x in s["curve"])
    flat = max(s["curve"]) / min(s["curve"]) if min(s["curve"]) > 0 else float("inf")
    return f"""
## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — ingest and assign, N={n:,}

- Machine: {info["platform"]}; {info["cpu"]}; {info["cores"]} cores; Python {info["python"]}
- Command: `{command}`
- Corpus: {n:,} JSONL articles recombined from `examples/`, fed to storyline in {CHUNKS} chunks
  into one store; each measurement in a fresh process.

| run | articles | seconds | articles/s | peak RSS (MB) |
|---|---:|---:|---:|---:|
{chr(10).join(lines)}

Per-article time per {100 // CHUNKS} % chunk (ms, first to last): {curve}
(last/first max/min ratio {flat:.2f}). Articles with a story or event id after the run:
{s["assigned"]:,} of {s["articles"]:,} (0 means story/event assignment was not wired into the
pipeline yet: the figures are clean + NLP + entity/quote linking only).
Target (issue 5): 100k articles assigned in < 30 min on 2 cores, < 4 GB.
"""


def main() -> None:
    """Generate the corpus for each size, run the measurements, print and append the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, required=True, help="Markdown file to append to.")
    parser.add_argument("--sizes", default="1000", help="Comma-separated N (default 1000).")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    if not sizes or min(sizes) < CHUNKS:
        parser.error(f"--sizes must be at least {CHUNKS} each")
    command = " ".join(["python", *sys.argv])
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="storyline-bench-cluster-") as tmp:
            paths = [str(p) for p in corpus(n, Path(tmp))]
            runs = {"storyline": in_fresh_process(storyline_run, paths, str(Path(tmp) / "b.db"))}
            runs["bertopic"] = in_fresh_process(baseline_run, "bertopic", paths)
            if n <= AGGLO_MAX:
                runs["tfidf"] = in_fresh_process(baseline_run, "tfidf", paths)
            for label, run in runs.items():
                print(f"{label}: {json.dumps(run)}", file=sys.stderr)
        section = report(n, command, runs)
        print(section)
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write(section)


if __name__ == "__main__":
    main()
