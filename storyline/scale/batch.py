"""The batch driver: partitions → Dask tasks → shards + manifest → store → cross-article steps.

One task per partition (`tasks.process_partition`, `retries=RETRIES`; a worker that dies is
replaced and its tasks rerun elsewhere by the scheduler, which is safe since tasks are pure).
As tasks finish (`as_completed`) their results are written as shards and recorded in
`manifest.json` under --out, and the finished prefix of partitions is loaded into the store in
input order, overlapping with the work still running. A re-run with the same --out skips the
partitions whose content hash the manifest lists and whose shards exist, and loads their
shards instead. A partition whose task fails for good is recorded as a failure (and left out
of the manifest, so the next run retries it); the batch goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from storyline.errors import ConfigError
from storyline.ingest.run import IngestReport, IngestSession
from storyline.link.embedding import EMBEDDER_ENV, embedder
from storyline.scale.load import Loader
from storyline.scale.partitions import PARTITION_FILES, PARTITION_ROWS, Partition, plan
from storyline.scale.shards import has_shards, read_shards, write_clusters, write_shards
from storyline.scale.tasks import Failed, PartitionResult, Settings, process_partition
from storyline.store.db import Store

log = logging.getLogger(__name__)
RETRIES = 2  # reruns of a task that raised (a lost worker is handled by the scheduler)
MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1


@dataclass
class BatchReport:
    """What a batch run did."""

    partitions: int = 0
    reused: int = 0  # finished in an earlier run: shards loaded, nothing recomputed
    computed: int = 0
    # articles stored with their worker-computed analyses; the others were cleaned again in
    # the driver (outlet-repetition state) and analysed there
    precomputed: int = 0
    failed_partitions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # per input, when nothing is loaded
    ingest: IngestReport | None = None
    dashboard: str | None = None


class Manifest:
    """`manifest.json` under --out: the settings of the batch and its finished partitions
    (content hash → label and counts). Rewritten whole (to a temporary name, then renamed)
    after each partition, so it never lists a partition whose shards are not written."""

    def __init__(self, out: Path, settings: Settings) -> None:
        self.path = out / MANIFEST
        data: dict[str, Any] = {}
        if self.path.exists():
            data = json.loads(self.path.read_text(encoding="utf-8"))
        old = data.get("settings", {})
        same = data.get("format") == MANIFEST_FORMAT and all(
            old.get(k) == v for k, v in _settings_json(settings).items() if k != "now"
        )
        # A resumed batch keeps its first run's reference date, so all its partitions agree.
        now = date.fromisoformat(old["now"]) if same and "now" in old else settings.now
        self.settings = Settings(now, settings.extensive_dates, settings.embedder)
        self.partitions: dict[str, dict[str, Any]] = data.get("partitions", {}) if same else {}

    def done(self, part: Partition, out: Path) -> bool:
        """Whether a partition with this content finished in an earlier run."""
        return part.digest in self.partitions and has_shards(out, part.digest)

    def finish(self, part: Partition, result: PartitionResult) -> None:
        """Record a finished partition and write the manifest."""
        failed = sum(1 for i in result.items if isinstance(i, Failed))
        self.partitions[part.digest] = {
            "label": part.label,
            "items": len(result.items),
            "failed": failed,
        }
        body = {
            "format": MANIFEST_FORMAT,
            "settings": _settings_json(self.settings),
            "partitions": self.partitions,
        }
        partial = self.path.with_suffix(".json.tmp")
        partial.write_text(json.dumps(body, indent=1, sort_keys=True), encoding="utf-8")
        partial.replace(self.path)


def _settings_json(settings: Settings) -> dict[str, Any]:
    data = asdict(settings)
    data["now"] = settings.now.isoformat()
    return data


def run_batch(
    paths: Iterable[str],
    out: Path,
    store: Store | None,
    *,
    scheduler: str = "local",
    workers: int = 2,
    client: Any = None,
    settings: Settings | None = None,
    link: bool = True,
    quote_threshold: float | None = None,
    rows: int = PARTITION_ROWS,
    files: int = PARTITION_FILES,
    on_dashboard: Callable[[str], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_step: Callable[[str], None] | None = None,
    on_error: Callable[[str], None] | None = None,
) -> BatchReport:
    """Run the pipeline over `paths` on a Dask cluster, shards under `out`; load them into
    `store` and (`link`) run the cross-article steps there (`store` None: only the shards).

    `scheduler` is "local" (a LocalCluster of `workers` processes, one thread each) or a
    scheduler address (tcp://host:8786); or pass a connected `client`. Progress is reported in
    articles (partition sizes), as partitions finish.
    """
    out.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(out, settings or Settings(datetime.now(UTC).date()))
    settings = manifest.settings
    if store is not None and settings.embedder != embedder():
        raise ConfigError(
            f"the workers would embed with {settings.embedder} and the link steps here with "
            f"{embedder()}; set {EMBEDDER_ENV}={settings.embedder} (or --embedder) for both"
        )
    parts, errors = plan(paths, rows=rows, files=files)
    report = BatchReport(partitions=len(parts))
    loader = (
        Loader(
            IngestSession(
                store,
                now=datetime.combine(settings.now, time(), tzinfo=UTC),
                extensive_dates=settings.extensive_dates,
                on_error=on_error,
            )
        )
        if store is not None
        else None
    )
    for err in errors:
        _fail(report, loader, str(err), err.path, err.line, on_error)
    finished = {p.index for p in parts if manifest.done(p, out)}
    report.reused = len(finished)
    total = sum(p.size for p in parts)
    done = sum(parts[i].size for i in finished)
    loaded = 0

    def load_ready() -> None:
        nonlocal loaded
        while loaded < len(parts) and parts[loaded].index in finished:
            part = parts[loaded]
            if loader is not None and part.digest in manifest.partitions:
                report.precomputed += loader.load(read_shards(out, part.index, part.digest))
            loaded += 1

    with _connect(scheduler, workers, client) as dask:
        report.dashboard = dask.dashboard_link
        if on_dashboard and report.dashboard:
            on_dashboard(report.dashboard)
        if on_progress:
            on_progress(done, total)
        load_ready()
        futures = _submit(dask, [p for p in parts if p.index not in finished], settings)
        for future in _distributed().as_completed(list(futures)):
            part = futures[future]
            try:
                result = future.result()
            except Exception as err:  # a partition that failed for good must not stop the rest
                log.exception("partition %s failed", part.label)
                message = f"{part.label}: partition failed ({type(err).__name__}: {err}); re-run"
                report.failed_partitions.append(message)
                _fail(report, loader, message, part.names[0], None, on_error)
            else:
                write_shards(result, out)
                manifest.finish(part, result)
                report.computed += 1
            future.release()
            finished.add(part.index)
            done += part.size
            if on_progress:
                on_progress(done, total)
            load_ready()
        if loader is not None:
            report.ingest = loader.finish(
                link=link, quote_threshold=quote_threshold, on_step=on_step, client=dask
            )
    if loader is not None and link:
        write_clusters(loader.session.store, out)
    return report


def _fail(
    report: BatchReport,
    loader: Loader | None,
    message: str,
    source: str,
    line: int | None,
    on_error: Callable[[str], None] | None,
) -> None:
    if loader is not None:
        loader.session.fail(message, source, line)
        return
    report.errors.append(message)
    if on_error:
        on_error(message)


def _submit(dask: Any, parts: list[Partition], settings: Settings) -> dict[Any, Partition]:
    """One task per partition; its key names the content and the settings (a pure task)."""
    tag = hashlib.sha1(json.dumps(_settings_json(settings)).encode()).hexdigest()[:8]
    return {
        dask.submit(
            process_partition,
            part,
            settings,
            key=f"storyline-partition-{part.digest[:16]}-{tag}-{part.index}",
            retries=RETRIES,
        ): part
        for part in parts
    }


@contextmanager
def _connect(scheduler: str, workers: int, client: Any) -> Iterator[Any]:
    """A Dask client: the one given, a LocalCluster of `workers` processes, or a scheduler."""
    if client is not None:
        yield client
        return
    dist = _distributed()
    if scheduler == "local":
        with (
            dist.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True) as cluster,
            dist.Client(cluster) as local,
        ):
            yield local
        return
    with dist.Client(scheduler) as remote:
        yield remote


def _distributed() -> Any:
    """dask.distributed, imported when a batch runs (it is heavy), typed loosely: the package
    has no type hints."""
    import distributed

    return distributed
