"""A cache of text embeddings in the store, keyed by the text's hash and the embedder's name.

Quote matching, timelines and comparisons embed the same short texts again and again (every
quote of the store on each ingest, every sentence of a story on each timeline); embedding is
their costly step. `cached` returns the vectors it has and embeds only the others, storing them
unless the connection is read-only (the web server's): then they are computed and not kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from storyline.store.db import Store

Embed = Callable[[Sequence[str]], NDArray[np.float32]]
LOOKUP_CHUNK = 500  # hashes per SELECT … IN (…): under SQLite's variable limit


def text_key(text: str) -> str:
    """The cache key of a text: sha1, 16 hex digits."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def cached(store: Store, texts: Sequence[str], embedder: str, embed: Embed) -> NDArray[np.float32]:
    """One unit vector per text (`dim` columns as `embed` gives them): from the cache when the
    text was embedded before by `embedder`, else by `embed` (then stored)."""
    if not texts:
        return embed([])  # the embedder knows its width
    keys = [text_key(t) for t in texts]
    found = _lookup(store, sorted(set(keys)), embedder)
    missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
    if missing:
        fresh = embed(list(missing.values()))
        new = dict(zip(missing, (np.asarray(v, dtype=np.float32) for v in fresh), strict=True))
        _store(store, new, embedder)
        found.update(new)
    return np.stack([found[k] for k in keys]).astype(np.float32)


def _lookup(store: Store, keys: list[str], embedder: str) -> dict[str, NDArray[np.float32]]:
    out: dict[str, NDArray[np.float32]] = {}
    for i in range(0, len(keys), LOOKUP_CHUNK):
        chunk = keys[i : i + LOOKUP_CHUNK]
        for sha, blob in store.conn.execute(
            f"SELECT sha, vector FROM text_vectors WHERE embedder = ? AND sha IN"
            f" ({','.join('?' * len(chunk))})",
            (embedder, *chunk),
        ):
            out[sha] = np.frombuffer(blob, dtype=np.float32)
    return out


def keep(store: Store, vectors: Mapping[str, NDArray[np.float32]], embedder: str) -> None:
    """Store vectors computed elsewhere (text → vector, by `embedder`) in the cache."""
    _store(
        store, {text_key(t): np.asarray(v, dtype=np.float32) for t, v in vectors.items()}, embedder
    )


def _store(store: Store, vectors: dict[str, NDArray[np.float32]], embedder: str) -> None:
    if store.conn.execute("PRAGMA query_only").fetchone()[0]:
        return  # a reader (the web server) computes and does not keep
    rows = [(sha, embedder, v.tobytes()) for sha, v in vectors.items()]
    sql = "INSERT OR IGNORE INTO text_vectors VALUES (?, ?, ?)"
    if store.conn.in_transaction:  # part of the caller's write: committed with it
        store.conn.executemany(sql, rows)
        return
    with store.transaction() as conn:
        conn.executemany(sql, rows)
