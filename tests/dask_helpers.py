"""A real Dask LocalCluster for the batch tests: 2 worker processes, one thread each."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def local_client() -> Iterator[Any]:
    """A client of a LocalCluster started here (dashboard on a free port), closed after."""
    import distributed

    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c
