"""Nearest earlier articles by embedding, at a per-query cost that stays about flat as the
store grows.

Online assignment asks, for each new article, which earlier articles are nearest to it. Stacking
every stored vector for each question copied the whole corpus once per article. `VectorIndex`
keeps the vectors in one preallocated float32 matrix that doubles when full (adding is amortised
O(1)) and answers exactly, by one matrix-vector product and a partial sort, while it holds up to
`EXACT_MAX` vectors, so small corpora get the same neighbours as brute force. Above that the
product grows with N (on the 2-core bench machine 100,000 × 384 took ~40 ms a query, ~30 min
summed over a 100k run), so the index switches to an HNSW graph (faiss, inner product), built
once from the matrix, then added to one vector at a time: ~2 ms to add and ~2 ms to query at
100k, approximate (it may miss a true neighbour; the entity candidates still come on top).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

INITIAL_ROWS = 1024  # first allocation; doubled when full
# Exact search up to this many vectors: ~4 ms a query on 2 cores (bench/cluster.py), about
# what an HNSW query and add cost together, so the switch does not raise the curve.
EXACT_MAX = 10_000
HNSW_LINKS = 16  # faiss HNSW M: neighbours per node (16: build ~1.7 ms/vector at 100k)
HNSW_EF_SEARCH = 64  # candidates kept while searching (faiss default 16 misses too many of 20)


class VectorIndex:
    """Unit vectors added in order, each known by its row number (0, 1, 2, ...)."""

    def __init__(self, dim: int, exact_max: int = EXACT_MAX) -> None:
        self._matrix = np.zeros((INITIAL_ROWS, dim), dtype=np.float32)
        self._size = 0
        self._exact_max = exact_max
        self._graph: Any = None  # the faiss index, once past `exact_max`

    def __len__(self) -> int:
        return self._size

    def add(self, vector: NDArray[np.float32]) -> int:
        """Append a vector; returns its row."""
        if self._size == len(self._matrix):
            grown = np.zeros((2 * len(self._matrix), self._matrix.shape[1]), dtype=np.float32)
            grown[: self._size] = self._matrix
            self._matrix = grown
        self._matrix[self._size] = vector
        self._size += 1
        if self._graph is not None:
            self._graph.add(self._matrix[self._size - 1 : self._size])
        elif self._size > self._exact_max:
            self._graph = self._build()
        return self._size - 1

    def _build(self) -> Any:
        import faiss

        graph = faiss.IndexHNSWFlat(self._matrix.shape[1], HNSW_LINKS, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efSearch = HNSW_EF_SEARCH
        graph.add(self._matrix[: self._size])
        return graph

    def nearest(self, vector: NDArray[np.float32], k: int) -> NDArray[np.intp]:
        """The rows of the `k` largest dot products with `vector` (all rows when there are
        fewer), in no particular order: exact up to `exact_max` rows (ties at the k-th place
        broken arbitrarily), approximate above."""
        if k <= 0 or self._size == 0:
            return np.zeros(0, dtype=np.intp)
        if self._size <= k:
            return np.arange(self._size)
        if self._graph is not None:
            _, rows = self._graph.search(vector.reshape(1, -1), k)
            return np.asarray(rows[0][rows[0] >= 0], dtype=np.intp)
        sims = self._matrix[: self._size] @ vector
        return np.argpartition(-sims, k - 1)[:k]
