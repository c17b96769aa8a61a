"""Gold folders run through the whole pipeline in a temporary store, for the scorers.

`ingested_store(paths)` keeps the store open while a scorer reads it (stories, timelines);
`ingest_records(paths)` is the export records of such a run, for scorers that need only those.
Gold files name articles by path relative to their folder (`dumps/0004.txt`,
`wire/wire.jsonl#VNW-…`): `keys` maps each store id to that key (`cleaning._key`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyline.eval.cleaning import _key
from storyline.store.db import Store


@dataclass(frozen=True, slots=True)
class Ingested:
    """An open temporary store, the gold key of each article id, and the failed inputs."""

    store: Store
    keys: dict[str, str]
    failed: int


@contextmanager
def ingested_store(paths: list[str]) -> Iterator[Ingested]:
    """Run the pipeline on `paths` in a temporary store, open while the block runs; keys are
    relative to the first path (or its folder, when it is a file)."""
    from storyline.pipeline import run_pipeline
    from storyline.store.db import open_store

    root = Path(paths[0])
    root = root if root.is_dir() else root.parent
    with tempfile.TemporaryDirectory(prefix="storyline-eval-") as tmp:
        store = open_store(Path(tmp) / "eval.db")
        try:
            report = run_pipeline(paths, store)
            keys = {a.id: _key(a, root) for a in store.iter_articles()}
            yield Ingested(store, keys, report.ingest.failed)
        finally:
            store.close()


def ingest_records(paths: list[str]) -> tuple[dict[str, dict[str, Any]], dict[str, str], int]:
    """Run the pipeline on `paths` in a temporary store: export records by id, gold keys by id,
    and the number of failed inputs."""
    from storyline.report.export import records

    with ingested_store(paths) as run:
        recs = {r["id"]: r for r in records(run.store)}
    return recs, run.keys, run.failed
