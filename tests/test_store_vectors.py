"""The text-vector cache: embeds each text once per embedder, keeps nothing on a read-only
connection, and joins a write transaction already open."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from storyline.store.db import Store
from storyline.store.vectors import cached


class Counting:
    """A fake embedder that records what it was asked to embed."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.seen.extend(texts)
        out = np.zeros((len(texts), 4), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row, len(text) % 4] = 1.0
        return out


def test_each_text_is_embedded_once_per_embedder(store: Store) -> None:
    embed = Counting()
    first = cached(store, ["a", "bb", "a"], "e5", embed)
    assert embed.seen == ["a", "bb"]
    again = cached(store, ["bb", "ccc"], "e5", embed)
    assert embed.seen == ["a", "bb", "ccc"]
    assert np.array_equal(first[1], again[0])
    cached(store, ["a"], "hash", embed)  # another embedder's vectors are not reused
    assert embed.seen[-1] == "a"


def test_a_read_only_connection_computes_without_keeping(store: Store) -> None:
    embed = Counting()
    store.conn.execute("PRAGMA query_only = ON")
    cached(store, ["a"], "e5", embed)
    store.conn.execute("PRAGMA query_only = OFF")
    cached(store, ["a"], "e5", embed)
    assert embed.seen == ["a", "a"]


def test_inside_an_open_transaction_the_vectors_join_it(store: Store) -> None:
    embed = Counting()
    with store.transaction():
        cached(store, ["a"], "e5", embed)
    assert store.conn.execute("SELECT COUNT(*) FROM text_vectors").fetchone()[0] == 1
