"""Near-duplicates: the same report carried by several outlets, collapsed into groups.

Two articles are duplicates when their clean texts are the same after normalisation (`exact`:
sha1 of the folded words), when their word 5-shingle sets are alike (`near`: Jaccard estimated
from datasketch MinHash signatures, candidates from MinHashLSH), or when one is mostly inside
the other (`contained`: a copy cut at a different point; containment estimated from the same
signatures and the shingle counts). A syndicated copy with other boilerplate around it is a
duplicate; a rewrite of the same report shares too few 5-word runs to be one.

Signatures are stored (`dedup_signatures`), so a run only hashes new or changed articles; the LSH
index is rebuilt in memory from the stored signatures, which is cheap next to hashing. Groups
(`dup_members`) hold only articles that have a duplicate; a group's canonical member is its
earliest (published date, undated last, then id), computed when read.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from storyline.link.names import fold
from storyline.store.analyses import text_sha
from storyline.store.db import Store

SHINGLE = 5  # words per shingle: the classic choice for near-duplicate news (Broder 1997)
NUM_PERM = 128  # MinHash permutations: ±0.044 standard error on a Jaccard estimate
SEED = 1  # fixed, so stored signatures stay comparable across runs
SCHEME = "affine32"  # datasketch 2.0 default, named so stored values are read back with it
# LSH candidate threshold, below the decision thresholds so containment candidates are found too
# (a copy that keeps half of a longer text has Jaccard 0.5 but containment 1.0).
LSH_THRESHOLD = 0.3
NEAR_JACCARD = 0.5  # issue 5: "MinHash at Jaccard 0.5"
# Containment of the shorter text in the longer one. A rewrite of the examples' wire report
# (tidewater/vct-agreement-ratified.html) keeps quotes and figures but few 5-word runs; copies
# cut at another paragraph keep nearly all of theirs.
CONTAINED = 0.8
MIN_SHINGLES = 20  # fewer 5-shingles (about 24 words) only match exactly: too little to compare
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The folded words of a text (case, accents and punctuation dropped)."""
    return _WORD.findall(fold(text))


def exact_key(text: str) -> str:
    """sha1 of the normalised text: equal for copies that differ only in case, accents,
    punctuation and spacing."""
    return hashlib.sha1(" ".join(words(text)).encode("utf-8")).hexdigest()


def shingles(text: str) -> set[str]:
    """The distinct word 5-shingles of a text."""
    w = words(text)
    return {" ".join(w[i : i + SHINGLE]) for i in range(len(w) - SHINGLE + 1)}


def signature(sh: Iterable[str]) -> MinHash:
    """The MinHash signature of a shingle set."""
    m = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    m.update_batch([s.encode("utf-8") for s in sh])
    return m


@dataclass(frozen=True, slots=True)
class _Sig:
    article_id: str
    published: str | None
    exact: str
    shingles: int
    minhash: MinHash | None

    @property
    def order(self) -> tuple[bool, str, str]:
        return (self.published is None, self.published or "", self.article_id)


def _update_signatures(store: Store) -> list[str]:
    """Store signatures for articles without a current one; returns their ids."""
    rows = store.conn.execute(
        "SELECT a.id, a.text, s.text_sha FROM articles a"
        " LEFT JOIN dedup_signatures s ON s.article_id = a.id ORDER BY a.rowid"
    ).fetchall()
    fresh = []
    for r in rows:
        sha = text_sha(r["text"])
        if r["text_sha"] == sha:
            continue
        sh = shingles(r["text"])
        blob = None
        if len(sh) >= MIN_SHINGLES:
            blob = signature(sh).hashvalues.astype(np.uint64).tobytes()
        fresh.append((r["id"], sha, exact_key(r["text"]), len(sh), blob))
    with store.transaction() as conn:
        conn.executemany("INSERT OR REPLACE INTO dedup_signatures VALUES (?,?,?,?,?)", fresh)
    return [f[0] for f in fresh]


def _load(store: Store) -> dict[str, _Sig]:
    out = {}
    for r in store.conn.execute(
        "SELECT s.article_id, s.exact, s.shingles, s.minhash, a.published FROM dedup_signatures s"
        " JOIN articles a ON a.id = s.article_id"
    ):
        mh = None
        if r["minhash"] is not None:
            values = np.frombuffer(r["minhash"], dtype=np.uint64)
            mh = MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=values, scheme=SCHEME)
        out[r["article_id"]] = _Sig(r["article_id"], r["published"], r["exact"], r["shingles"], mh)
    return out


def compare(a: _Sig, b: _Sig) -> tuple[str, float] | None:
    """How two articles are duplicates ("exact", "near", "contained") with the similarity that
    decided it, or None."""
    if a.exact == b.exact:
        return ("exact", 1.0)
    if a.minhash is None or b.minhash is None:
        return None
    jaccard = float(a.minhash.jaccard(b.minhash))
    if jaccard >= NEAR_JACCARD:
        return ("near", jaccard)
    # |A ∩ B| = J (|A| + |B|) / (1 + J), over the smaller set.
    inter = jaccard * (a.shingles + b.shingles) / (1 + jaccard)
    containment = inter / min(a.shingles, b.shingles)
    if containment >= CONTAINED:
        return ("contained", min(containment, 1.0))
    return None


def find_duplicates(store: Store) -> int:
    """Check new or changed articles against every stored signature and update the duplicate
    groups; returns the number of articles in duplicate groups."""
    fresh = _update_signatures(store)
    sigs = _load(store)
    by_exact: dict[str, list[str]] = {}
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    for s in sigs.values():
        by_exact.setdefault(s.exact, []).append(s.article_id)
        if s.minhash is not None:
            lsh.insert(s.article_id, s.minhash)
    group_of = {
        r["article_id"]: r["group_id"]
        for r in store.conn.execute("SELECT article_id, group_id FROM dup_members")
    }
    links: list[tuple[str, str, str, float]] = []
    for aid in fresh:
        a = sigs[aid]
        candidates = set(by_exact[a.exact])
        if a.minhash is not None:
            candidates.update(lsh.query(a.minhash))
        for bid in sorted(candidates - {aid}):
            verdict = compare(a, sigs[bid])
            if verdict is not None:
                links.append((aid, bid, *verdict))
    with store.transaction() as conn:
        for aid, bid, kind, sim in links:
            ga, gb = group_of.get(aid), group_of.get(bid)
            if ga is not None and gb is not None:
                if ga != gb:  # the new article bridges two groups: keep the older id
                    keep, drop = min(ga, gb), max(ga, gb)
                    conn.execute(
                        "UPDATE dup_members SET group_id = ? WHERE group_id = ?", (keep, drop)
                    )
                    group_of = {k: keep if v == drop else v for k, v in group_of.items()}
                continue
            gid = ga if ga is not None else gb
            if gid is None:
                gid = _next_group(conn)
            for member in (aid, bid):
                if member not in group_of:
                    group_of[member] = gid
                    conn.execute(
                        "INSERT INTO dup_members VALUES (?,?,?,?)", (member, gid, kind, sim)
                    )
    return len(group_of)


def _next_group(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT COALESCE(MAX(group_id), 0) + 1 FROM dup_members").fetchone()
    return int(row[0])


def duplicate_groups(store: Store) -> dict[int, list[str]]:
    """Group id → member article ids, canonical (earliest) first."""
    groups: dict[int, list[tuple[bool, str, str]]] = {}
    for r in store.conn.execute(
        "SELECT m.group_id, m.article_id, a.published FROM dup_members m"
        " JOIN articles a ON a.id = m.article_id"
    ):
        key = (r["published"] is None, r["published"] or "", r["article_id"])
        groups.setdefault(r["group_id"], []).append(key)
    return {g: [k[2] for k in sorted(keys)] for g, keys in groups.items()}
