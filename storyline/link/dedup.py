"""Near-duplicates: the same report carried by several outlets, collapsed into groups.

Two articles are duplicates when their clean texts are the same after normalisation (`exact`:
sha1 of the folded words), when their word 5-shingle sets are alike (`near`: Jaccard estimated
from datasketch MinHash signatures, candidates from LSH bands), or when one is mostly inside
the other (`contained`: a copy cut at a different point; containment estimated from the same
signatures and the shingle counts). A syndicated copy with other boilerplate around it is a
duplicate; a rewrite of the same report shares too few 5-word runs to be one.

Copies are sought within a date window: a near or contained copy must be published within
`WINDOW_DAYS` of the article (an undated article is compared with every other). Syndicated copies
run within days of each other, while the texts that share paragraphs with an article (background
boilerplate, a recurring explainer) keep accumulating as the store grows: without the window the
LSH candidates, and the time per new article, grow with the store. Exact copies match at any date.

Signatures are stored (`dedup_signatures`), so a run only hashes new articles, and so is the LSH
index: each signature's band keys with the article's publication day (`dedup_bands`,
indexed by band, key and day). datasketch's MinHashLSH keeps its index in memory (or Redis,
Cassandra); rebuilding it from every stored signature on each run cost more, as the store grew,
than the new articles themselves. A new article's candidates are one indexed query, whatever the
size of the store. Groups (`dup_members`) hold only articles that have a duplicate; a group's
canonical member is its earliest (published date, undated last, then id), computed when read.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from datasketch import MinHash, MinHashLSH
from numpy.typing import NDArray

from storyline.link.days import day_number
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
# Days between the publication dates of two near or contained copies. Wire copies run the same
# day or the next; a week leaves room for a weekly's reprint and a date read a day or two off.
WINDOW_DAYS = 7

_WORD = re.compile(r"\w+")
Band = tuple[int, int, int, str]  # a `dedup_bands` row: band, key, day, article id
UNDATED = 0  # the day of an undated article's bands (day numbers start at 1)


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
    m = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=_permutations())
    m.update_batch([s.encode("utf-8") for s in sh])
    return m


@dataclass(frozen=True, slots=True)
class _Sig:
    article_id: str
    published: str | None
    exact: str
    shingles: int
    blob: bytes | None  # the MinHash hash values (uint64), as stored; None: too short

    @property
    def day(self) -> int | None:
        """The publication date as a day number, None when undated or unreadable."""
        return day_number(self.published)


def _update_signatures(store: Store) -> list[str]:
    """Sign and band the articles without a signature, and file again under their new day those
    whose publication date changed (date reconciliation); returns both's ids. An article's id is
    the hash of its input, so its text, and its signature, never change: only new articles are
    read."""
    unsigned: list[tuple[str, int | None]] = []
    moved: list[tuple[int | None, str]] = []  # (day, id) of signatures filed under another day
    filed: list[Band] = []
    unfiled: list[Band] = []  # bands filed under an old day
    for r in store.conn.execute(
        "SELECT a.id, a.published, s.article_id IS NULL AS unsigned, s.day, s.minhash"
        " FROM articles a LEFT JOIN dedup_signatures s ON s.article_id = a.id ORDER BY a.rowid"
    ):
        day = day_number(r["published"])
        if r["unsigned"]:
            unsigned.append((r["id"], day))
        elif r["day"] != day:
            moved.append((day, r["id"]))
            if r["minhash"] is not None:
                unfiled += _bands(r["minhash"], r["day"], r["id"])
                filed += _bands(r["minhash"], day, r["id"])
    signed = []
    for aid, text, day in _texts(store, unsigned):
        sh = shingles(text)
        blob = None
        if len(sh) >= MIN_SHINGLES:
            blob = signature(sh).hashvalues.astype(np.uint64).tobytes()
            filed += _bands(blob, day, aid)
        signed.append((aid, text_sha(text), exact_key(text), len(sh), blob, day))
    # in index order: each page of the b-tree is visited once, however large the store
    unfiled.sort()
    filed.sort()
    with store.transaction() as conn:
        conn.executemany(
            "DELETE FROM dedup_bands WHERE band = ? AND key = ? AND day = ? AND article_id = ?",
            unfiled,
        )
        conn.executemany("INSERT INTO dedup_signatures VALUES (?,?,?,?,?,?)", signed)
        conn.executemany("UPDATE dedup_signatures SET day = ? WHERE article_id = ?", moved)
        conn.executemany("INSERT INTO dedup_bands VALUES (?,?,?,?)", filed)
    return [s[0] for s in signed] + [m[1] for m in moved]


def _texts(
    store: Store, wanted: Sequence[tuple[str, int | None]]
) -> Iterator[tuple[str, str, int | None]]:
    """(id, clean text, day) of the `wanted` (id, day) pairs, in their order, read a few hundred
    at a time."""
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        texts = dict(
            store.conn.execute(
                f"SELECT id, text FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
                [aid for aid, _ in chunk],
            ).fetchall()
        )
        for aid, day in chunk:
            yield aid, texts[aid], day


def _bands(blob: bytes, day: int | None, article_id: str) -> list[Band]:
    """The `dedup_bands` rows of one signature."""
    filed = UNDATED if day is None else day
    return [(band, key, filed, article_id) for band, key in enumerate(band_keys(blob))]


def band_keys(blob: bytes) -> list[int]:
    """The LSH band keys of a stored signature: each band's hash values (datasketch's
    bands and rows for `LSH_THRESHOLD`) hashed to a signed 64-bit integer."""
    bands, rows = _lsh_params()
    width = rows * 8  # uint64 values
    return [
        int.from_bytes(
            hashlib.blake2b(blob[b * width : (b + 1) * width], digest_size=8).digest(),
            "big",
            signed=True,
        )
        for b in range(bands)
    ]


@cache
def _permutations() -> tuple[NDArray[np.uint64], NDArray[np.uint64]]:
    """The permutations of `SEED`: datasketch draws them again for every new MinHash."""
    a, b = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations
    return a, b


@cache
def _lsh_params() -> tuple[int, int]:
    """Bands and rows that make `LSH_THRESHOLD` the candidate threshold: datasketch's choice,
    weighing false positives and false negatives alike. (Changing `LSH_THRESHOLD` or `NUM_PERM`
    invalidates the stored bands: it needs a migration that signs the articles again.)"""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


class _Signatures:
    """Signatures read from the store on demand, each once per run."""

    def __init__(self, store: Store) -> None:
        self._conn = store.conn
        self._read: dict[str, _Sig] = {}

    def get(self, ids: Sequence[str]) -> list[_Sig]:
        wanted = [i for i in ids if i not in self._read]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for r in self._conn.execute(
                "SELECT s.article_id, s.exact, s.shingles, s.minhash, a.published"
                " FROM dedup_signatures s JOIN articles a ON a.id = s.article_id"
                f" WHERE s.article_id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                sig = _Sig(r["article_id"], r["published"], r["exact"], r["shingles"], r["minhash"])
                self._read[sig.article_id] = sig
        return [self._read[i] for i in ids if i in self._read]

    def candidates(self, sig: _Sig) -> set[str]:
        """Ids of the articles that may be copies of `sig`: the same exact key at any date; an
        LSH band in common, published within `WINDOW_DAYS` (any date when either is undated)."""
        found = {
            r[0]
            for r in self._conn.execute(
                "SELECT article_id FROM dedup_signatures WHERE exact = ?", (sig.exact,)
            )
        }
        if sig.blob is None:
            return found
        day = sig.day
        window = "" if day is None else f" AND (b.day = {UNDATED} OR b.day BETWEEN ? AND ?)"
        keys = band_keys(sig.blob)
        values = ",".join(["(?,?)"] * len(keys))
        found.update(
            r[0]
            for r in self._conn.execute(
                f"WITH q(band, key) AS (VALUES {values}) SELECT DISTINCT b.article_id FROM q"
                f" JOIN dedup_bands b ON b.band = q.band AND b.key = q.key{window}",
                [x for pair in enumerate(keys) for x in pair]
                + ([] if day is None else [day - WINDOW_DAYS, day + WINDOW_DAYS]),
            )
        )
        return found


def jaccards(a: _Sig, others: Sequence[_Sig]) -> NDArray[np.float64]:
    """MinHash estimates of the Jaccard similarity of `a` with each of `others` (the share of
    equal hash values, as datasketch's `MinHash.jaccard`), in one array operation; NaN where
    either has no signature."""
    out = np.full(len(others), np.nan)
    have = [i for i, b in enumerate(others) if b.blob is not None]
    if a.blob is None or not have:
        return out
    mine = np.frombuffer(a.blob, dtype=np.uint64)
    theirs = np.frombuffer(b"".join(others[i].blob or b"" for i in have), dtype=np.uint64)
    out[have] = (theirs.reshape(len(have), -1) == mine).mean(axis=1)
    return out


def compare(a: _Sig, b: _Sig, jaccard: float) -> tuple[str, float] | None:
    """How two articles are duplicates ("exact", "near", "contained") with the similarity that
    decided it, or None; `jaccard` is their signatures' estimate (NaN: none)."""
    if a.exact == b.exact:
        return ("exact", 1.0)
    if np.isnan(jaccard):
        return None
    if jaccard >= NEAR_JACCARD:
        return ("near", jaccard)
    # |A ∩ B| = J (|A| + |B|) / (1 + J), over the smaller set.
    inter = jaccard * (a.shingles + b.shingles) / (1 + jaccard)
    containment = inter / min(a.shingles, b.shingles)
    if containment >= CONTAINED:
        return ("contained", min(containment, 1.0))
    return None


def find_duplicates(store: Store) -> int:
    """Check new articles (and those whose date changed) against the stored signatures (exact
    copies at any date, near and contained ones within the date window) and update the
    duplicate groups; returns the number of articles in duplicate groups."""
    fresh = _update_signatures(store)
    sigs = _Signatures(store)
    group_of = {
        r["article_id"]: r["group_id"]
        for r in store.conn.execute("SELECT article_id, group_id FROM dup_members")
    }
    members: dict[int, list[str]] = {}
    for member, gid in group_of.items():
        members.setdefault(gid, []).append(member)
    links: list[tuple[str, str, str, float]] = []
    for a in sigs.get(fresh):
        others = sigs.get(sorted(sigs.candidates(a) - {a.article_id}))
        for b, jaccard in zip(others, jaccards(a, others).tolist(), strict=True):
            verdict = compare(a, b, jaccard)
            if verdict is not None:
                links.append((a.article_id, b.article_id, *verdict))
    with store.transaction() as conn:
        for aid, bid, kind, sim in links:
            ga, gb = group_of.get(aid), group_of.get(bid)
            if ga is not None and gb is not None:
                if ga != gb:  # the new article bridges two groups: keep the older id
                    keep, drop = min(ga, gb), max(ga, gb)
                    conn.execute(
                        "UPDATE dup_members SET group_id = ? WHERE group_id = ?", (keep, drop)
                    )
                    for member in members.pop(drop):
                        group_of[member] = keep
                        members[keep].append(member)
                continue
            gid = ga if ga is not None else gb
            if gid is None:
                gid = _next_group(conn)
            for member in (aid, bid):
                if member not in group_of:
                    group_of[member] = gid
                    members.setdefault(gid, []).append(member)
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
