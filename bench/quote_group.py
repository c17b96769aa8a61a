"""Quote grouping by wording against grouping by every member: `python
bench/quote_group.py --out bench/RESULTS.md [--n 5000] [--embed hash|e5]`.

Corpus: bench/cluster.py's `corpus` (the repo's own `examples/` recombined into N JSONL
articles, many copies of each remark: the shape of syndicated news), run through the whole
single-process pipeline into a temporary store (not timed). Then every stored quote is grouped
again from its stored pairs, as `cluster_quotes` does when it regroups the store, twice in one
process, each with a new `Scorer` (nothing cached from the other run):

  (a) `group` as storyline runs it: each cluster kept as counts of its wordings with its
      articles and speakers (link/quotes.py `_Clusters`), so a join tried scores the clusters'
      wordings, weighted by their counts;
  (b) the same with `by_wording=False`: the articles, speakers and mean score worked out from
      every member at each try (what storyline did before; at N=20,000 this grouping was 207 s
      of the batch driver).

Both must give the same clusters. Reported: seconds of each, the ratio (b)/(a), quotes, pairs
and clusters. `--embed hash` (the default) uses the hashed bag-of-words embedder, as
bench/scale.py does; the grouping itself is the same either way. A dated section is appended
to `--out`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster import corpus  # bench/, beside this file
from ingest import in_fresh_process, machine


def build(paths: list[str], db: str, embed: str) -> dict[str, Any]:
    """The single-process pipeline over `paths` into a new store (not timed)."""
    os.environ["STORYLINE_EMBEDDER"] = embed
    from storyline.pipeline import run_pipeline
    from storyline.store.db import open_store

    store = open_store(db)
    report = run_pipeline(paths, store)
    store.close()
    return {"articles": report.ingest.ingested}


def regroup(db: str, embed: str) -> dict[str, Any]:
    """Group every stored quote from its stored pairs, (b) then (a); see the module."""
    os.environ["STORYLINE_EMBEDDER"] = embed
    from storyline.link.embedding import embed_cached
    from storyline.link.quote_score import Scorer
    from storyline.link.quotes import DEFAULT_THRESHOLD, group, linkable, load_quotes
    from storyline.store.db import open_store
    from storyline.store.quote_pairs import PairReader

    store = open_store(db)
    quotes = load_quotes(store)
    pairs = PairReader(store.conn, [q.key for q in quotes]).every(DEFAULT_THRESHOLD)
    kept = linkable(quotes, pairs)

    def vectors(texts: Any) -> Any:
        return embed_cached(store, texts)

    Scorer(quotes, vectors)  # fills the vector cache: neither run embeds
    out: dict[str, Any] = {"quotes": len(quotes), "pairs": len(kept)}
    found = {}
    for key, by_wording in (("members", False), ("wordings", True)):
        scorer = Scorer(quotes, vectors)
        start = time.perf_counter()
        found[key] = group(quotes, kept, DEFAULT_THRESHOLD, scorer, by_wording=by_wording)
        out[f"{key}_seconds"] = time.perf_counter() - start
    out["same"] = found["wordings"] == found["members"]
    out["clusters"] = sum(len(c) > 1 for c in found["wordings"])
    store.close()
    return out


def report(n: int, command: str, embed: str, r: dict[str, Any]) -> str:
    """The Markdown section appended to the results file."""
    info = machine()
    ratio = r["members_seconds"] / r["wordings_seconds"]
    return f"""
## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — quote grouping, N={n:,}

- Machine: {info["platform"]}; {info["cpu"]}; {info["cores"]} cores; Python {info["python"]}
- Command: `{command}`
- Corpus: {n:,} JSONL articles from bench/cluster.py's `corpus`, whole pipeline, embedder
  {embed}; {r["quotes"]:,} quotes, {r["pairs"]:,} linkable pairs, {r["clusters"]:,} clusters of
  two or more; both runs in one fresh process, each with a new `Scorer`.

| run | seconds | ratio |
|---|---:|---:|
| (a) `group`, clusters kept by wording | {r["wordings_seconds"]:.2f} | {ratio:.1f} |
| (b) `group(..., by_wording=False)`, every member at each try | {r["members_seconds"]:.2f} | 1.0 |

Same clusters from both: {"yes" if r["same"] else "NO"}.
"""


def main() -> None:
    """Generate the corpus, build the store, measure, print and append the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, required=True, help="Markdown file to append to.")
    parser.add_argument("--n", type=int, default=5_000, help="Articles (default 5,000).")
    parser.add_argument("--embed", choices=("e5", "hash"), default="hash", help="See above.")
    args = parser.parse_args()
    command = " ".join(["python", *sys.argv])
    with tempfile.TemporaryDirectory(prefix="storyline-bench-group-") as tmp:
        paths = [str(p) for p in corpus(args.n, Path(tmp))]
        in_fresh_process(build, paths, f"{tmp}/a.db", args.embed)
        result = in_fresh_process(regroup, f"{tmp}/a.db", args.embed)
    section = report(args.n, command, args.embed, result)
    print(section)
    with args.out.open("a", encoding="utf-8") as fh:
        fh.write(section)
    if not result["same"]:
        sys.exit("the two groupings differ")


if __name__ == "__main__":
    main()
