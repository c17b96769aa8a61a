"""Ingest-and-assign throughput and memory: `python bench/cluster.py --out bench/RESULTS.md
[--sizes 1000,10000] [--steps clean,link] [--embed hash] [--workers 2]`.

Corpus: the repo's own `examples/` (never third-party text) ingested into a temporary store, then
recombined into N JSONL articles by `nlp.generate` (paragraphs rotated and shuffled, a paragraph
of another example in the same language added, names swapped), each with its example's title
numbered, its numeric dates shifted by up to 400 days and a publication date in its chunk's
tenth of a year (chunk by chunk, the year goes by, as for a store fed by a stream), so the corpus
holds many distinct stories and events. (Until 2026-12-07 every chunk spread over the whole year:
then a date window holds a fixed share of the store, and the per-article time grew with it.)

Measurements, each in a fresh process (`spawn`, its own peak RSS):
  (a) storyline: `run_pipeline(chunk, store, steps=--steps, workers=--workers)` on ten
      successive chunks of N/10 articles into one store — the incremental path: each chunk is
      new articles arriving at a store that already holds the earlier ones. Per-article seconds
      per chunk is the curve that must stay flat as the store grows; total articles/s and peak
      RSS. Whatever the link step does at the time of the run is measured (say in the results
      which stages existed: story/event assignment is only counted once it is wired in).
      The seconds spent embedding (`ensure_vectors`), finding duplicates (`find_duplicates`),
      loading the store's state for assignment (`load_items`, `load_state`: once a run, so it
      grows with the store and is shown per chunk) and placing the new articles (the rest of
      `assign_events`) are timed apart: duplicates and placing are what must stay flat per
      article, embedding is a constant per article. Without the nlp step the pipeline does not
      link, so the bench runs `find_duplicates` and `assign_events` itself (no entities then:
      names come from the text, `name_tokens.fallback_names`). `--embed hash` swaps e5 for a
      hashed bag of words (same shape, no model), to measure ingest and assignment at sizes
      whose e5 embedding alone would take hours; the e5 rate is then measured on a sample and
      reported beside;
  (b) BERTopic-style batch baseline: e5 embeddings of the same texts + HDBSCAN, on all N at once;
  (c) TF-IDF + agglomerative batch baseline on all N at once — skipped above `AGGLO_MAX` articles,
      where its dense n × n distances no longer fit the 4 GB target.
The baselines re-cluster everything for every new batch; their one-shot time is a lower bound of
what an incremental user of them would pay per batch.
"""

from __future__ import annotations

import argparse
import json
import os
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
HDBSCAN_MAX = 20_000  # HDBSCAN over 384 dimensions grows about quadratically: hours at 100k
E5_SAMPLE = 256  # ledes timed for the e5 rate beside a `--embed hash` run
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
    span = 365 // CHUNKS  # days per chunk: the chunks arrive in time order, as a stream does
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
                    "published": (
                        start + timedelta(days=c * span + rng.randrange(span))
                    ).isoformat(),
                }
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


def _use_embedding(embed: str) -> None:
    """`--embed hash`: storyline (and the HDBSCAN baseline) embed with the "hash" embedder
    (`storyline.link.embedding.hash_embed`, chosen by `STORYLINE_EMBEDDER`)."""
    from storyline.link.embedding import EMBEDDER_ENV

    if embed == "hash":
        os.environ[EMBEDDER_ENV] = "hash"


class _Timed:
    """Wraps a module's function so that the seconds spent in it add up in `seconds`."""

    def __init__(self, module: Any, name: str) -> None:
        self.seconds, self._func = 0.0, getattr(module, name)
        setattr(module, name, self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return self._func(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - t


def storyline_run(
    paths: list[str], db: str, steps: tuple[str, ...], workers: int, embed: str
) -> dict[str, Any]:
    """The pipeline on each chunk in turn, into one store; seconds per article per chunk, in
    all and in assignment alone."""
    import storyline.link.cluster as cluster
    import storyline.link.dedup as dedup
    from storyline.pipeline import run_pipeline
    from storyline.store.db import open_store

    _use_embedding(embed)
    embedding, assigning = _Timed(cluster, "ensure_vectors"), _Timed(cluster, "assign_events")
    loading = [_Timed(cluster, "load_items"), _Timed(cluster, "load_state")]
    duplicates = _Timed(dedup, "find_duplicates")
    store = open_store(Path(db))
    curve, place_curve, dedup_curve, loads = [], [], [], []
    total, articles = 0.0, 0
    for path in paths:
        t = time.perf_counter()
        before = (embedding.seconds, assigning.seconds, duplicates.seconds, _sum(loading))
        report = run_pipeline([path], store, steps=steps, workers=workers)
        if "link" in steps and "nlp" not in steps:  # the pipeline links analysed stores only
            dedup.find_duplicates(store)
            cluster.assign_events(store)
        seconds = time.perf_counter() - t
        added = max(report.ingest.ingested, 1)
        load = _sum(loading) - before[3]
        place = (assigning.seconds - before[1]) - (embedding.seconds - before[0]) - load
        curve.append(seconds / added)
        place_curve.append(place / added)
        dedup_curve.append((duplicates.seconds - before[2]) / added)
        loads.append(load)
        print(
            f"chunk {len(curve)}: {curve[-1]:.4f} s/article, duplicates {dedup_curve[-1]:.4f},"
            f" placing {place_curve[-1]:.4f}, state loaded in {load:.1f} s",
            file=sys.stderr,
            flush=True,
        )
        total += seconds
        articles += report.ingest.ingested
    assigned = store.conn.execute("SELECT COUNT(*) FROM event_members").fetchone()[0]
    store.close()
    return {
        "articles": articles,
        "seconds": total,
        "rate": articles / total,
        "curve": curve,
        "place_curve": place_curve,
        "dedup_curve": dedup_curve,
        "loads": loads,
        "embed_seconds": embedding.seconds,
        "assign_seconds": assigning.seconds - embedding.seconds,
        "assigned": assigned,
        "peak_rss_mb": rss_mb(),
    }


def _sum(timers: list[_Timed]) -> float:
    return sum(t.seconds for t in timers)


def e5_rate(paths: list[str], sample: int = E5_SAMPLE) -> float:
    """e5 ledes per second (`ensure_vectors`' texts and batches) on the first `sample`."""
    from storyline.link.cluster_items import LEDE_BATCH, embed_text
    from storyline.link.embedding import embed

    with Path(paths[0]).open(encoding="utf-8") as f:
        recs = [json.loads(line) for _, line in zip(range(sample), f, strict=False)]
    texts = [embed_text(r["title"], r["text"]) for r in recs]
    embed(texts[:4])  # load the model
    t = time.perf_counter()
    embed(texts, batch=LEDE_BATCH)
    return len(texts) / (time.perf_counter() - t)


def _texts(paths: list[str]) -> list[str]:
    out = []
    for path in paths:
        with Path(path).open(encoding="utf-8") as f:
            out += [f"{r['title']}\n{r['text']}" for r in map(json.loads, f)]
    return out


def baseline_run(which: str, paths: list[str], embed: str) -> dict[str, Any]:
    """One batch baseline on all the texts at once."""
    from storyline.eval.clusters import hdbscan_partition, tfidf_partition

    _use_embedding(embed)
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


def _ms(curve: list[float]) -> str:
    ratio = max(curve) / min(curve) if min(curve) > 0 else float("inf")
    return " ".join(f"{1000 * x:.1f}" for x in curve) + f" (max/min {ratio:.2f})"


def report(n: int, command: str, args: argparse.Namespace, runs: dict[str, Any]) -> str:
    """The Markdown section appended to the results file."""
    info = machine()
    s = runs["storyline"]
    lines = [
        f"| (a) storyline `run_pipeline` {args.steps}, embed {args.embed}, {CHUNKS} chunks |"
        f" {s['articles']:,} | {s['seconds']:.1f} | {s['rate']:.1f} | {s['peak_rss_mb']:.0f} |"
    ]
    for label, key, limit in (
        (f"(b) {args.embed} + HDBSCAN, batch", "bertopic", HDBSCAN_MAX),
        ("(c) TF-IDF + agglomerative, batch", "tfidf", AGGLO_MAX),
    ):
        r = runs.get(key)
        if r is None:
            lines.append(f"| {label} | {n:,} | skipped (n > {limit:,}) | | |")
        else:
            lines.append(
                f"| {label} | {r['articles']:,} | {r['seconds']:.1f} | {r['rate']:.1f} |"
                f" {r['peak_rss_mb']:.0f} |"
            )
    e5 = ""
    if "e5_rate" in runs:
        rate = runs["e5_rate"]
        e5 = (
            f"\ne5 ledes (`ensure_vectors`' batches) on this machine now: {rate:.1f} articles/s,"
            f" so e5 for these {n:,} would add ~{n / rate / 60:.0f} min to the total above."
        )
    return f"""
## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — ingest and assign, N={n:,}

- Machine: {info["platform"]}; {info["cpu"]}; {info["cores"]} cores; Python {info["python"]}
- Command: `{command}`
- Corpus: {n:,} JSONL articles recombined from `examples/`, fed to storyline in {CHUNKS} chunks
  into one store (steps {args.steps}, {args.workers} workers, embedding {args.embed}); each
  measurement in a fresh process.

| run | articles | seconds | articles/s | peak RSS (MB) |
|---|---:|---:|---:|---:|
{chr(10).join(lines)}

Per-article time per {100 // CHUNKS} % chunk, all steps (ms, first to last): {_ms(s["curve"])}.
Of which duplicates (`find_duplicates`): {_ms(s["dedup_curve"])}.
Of which placing articles in events and stories (`assign_events` less embedding and less
loading the store's state): {_ms(s["place_curve"])}.
Loading the state for assignment (`load_items`, `load_state`; once a run, seconds per chunk):
{" ".join(f"{x:.1f}" for x in s["loads"])}.
Assignment in all (`assign_events` less embedding): {s["assign_seconds"]:.0f} s.
Embedding: {s["embed_seconds"]:.0f} s in all.{e5}
Articles with an event after the run: {s["assigned"]:,} of {s["articles"]:,}.
Target (issue 5): 100k articles assigned in < 30 min on 2 cores, < 4 GB.
"""


def main() -> None:
    """Generate the corpus for each size, run the measurements, print and append the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, required=True, help="Markdown file to append to.")
    parser.add_argument("--sizes", default="1000", help="Comma-separated N (default 1000).")
    parser.add_argument("--steps", default="clean,nlp,link", help="Pipeline steps (default all).")
    parser.add_argument("--workers", type=int, default=2, help="Processes (default 2).")
    parser.add_argument("--embed", choices=("e5", "hash"), default="e5", help="See above.")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    if not sizes or min(sizes) < CHUNKS:
        parser.error(f"--sizes must be at least {CHUNKS} each")
    steps = tuple(x for x in args.steps.split(",") if x)
    command = " ".join(["python", *sys.argv])
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="storyline-bench-cluster-") as tmp:
            paths = [str(p) for p in corpus(n, Path(tmp))]
            db = str(Path(tmp) / "b.db")
            runs: dict[str, Any] = {
                "storyline": in_fresh_process(
                    storyline_run, paths, db, steps, args.workers, args.embed
                )
            }
            if n <= HDBSCAN_MAX:
                runs["bertopic"] = in_fresh_process(baseline_run, "bertopic", paths, args.embed)
            if n <= AGGLO_MAX:
                runs["tfidf"] = in_fresh_process(baseline_run, "tfidf", paths, args.embed)
            if args.embed == "hash":
                runs["e5_rate"] = e5_rate(paths)
            print(json.dumps(runs), file=sys.stderr)
        section = report(n, command, args, runs)
        print(section)
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write(section)


if __name__ == "__main__":
    main()
