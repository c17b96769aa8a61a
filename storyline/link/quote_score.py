"""How alike two quotes are: the pair scores that quote clustering (quotes.py) starts from.

Two quotes are candidates when they come from different articles published at most
`WINDOW_DAYS` apart. Their score is the larger of

* the cosine similarity of their multilingual-e5-small embeddings (embedding.py), which sees
  paraphrases and translations, and
* rapidfuzz `token_set_ratio` / `partial_ratio` of the folded texts (/100), which sees trimmed
  verbatim copies (worked out only for pairs sharing enough words: `GATE_SHARE`);

less `INDIRECT_PENALTY` when one of them is reported speech, and a quote under `MIN_WORDS` words
only matches an identical copy. Scores are worked out per distinct text (copies repeat a remark
word for word) and spread to the quotes carrying it. Each quote keeps only its best partners
(`best_partners`): copies of a syndicated remark would otherwise all pair with each other.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz
from scipy import sparse

from storyline.link.days import day_number
from storyline.link.embedding import EMBED_DIM, embed
from storyline.link.names import fold
from storyline.store.quote_pairs import Pairs, QuoteKey

# A quote shorter than this (in words) only matches an identical copy: one or two words are in
# many quotes ("nobody"), and the embedding rates any two short phrases alike ("echter
# Bewegung" / "paciencia" 0.89 in examples/).
MIN_WORDS = 3
# Subtracted from the score of a pair with a quote in reported speech (`_penalised`).
# `storyline eval quotes` with and without it: cross-outlet pair precision seeds 0.29 → 0.50,
# examples 0.69 → 0.86, recall unchanged (1.0 and 0.44).
INDIRECT_PENALTY = 0.05
# Fuzzy ratios (slow: partial_ratio aligns the shorter text along the longer) are computed only
# for pairs sharing at least this share of the shorter text's distinct words of four letters or
# more: a trimmed verbatim copy shares nearly all of them. Scoring every pair took 6 s of the
# 15 s of linking one article into a 200-article store (bench/watch.py's corpus).
GATE_WORD = re.compile(r"\w{4,}")
GATE_SHARE = 1 / 3
GATE_COLUMNS = 1 << 16  # hashed word columns of `gate_matrix` (a collision only adds a candidate)
SCORE_DIGITS = 5  # scores are rounded: the same pair scores the same whichever side is new
SMALL_MATRIX = 400  # pairs up to which the gate is worked out with Python sets
CANDIDATE_ROWS = 128  # quotes scored against all others at a time (bounds the score matrix)
# Quotes are matched across articles published at most this many days apart (undated articles
# with all): outlets carry a remark within days or weeks, and a pair months apart in
# examples/ was a false match (two union leaders' different words, 116 days apart). It also
# bounds the work per new quote as a store grows over months.
WINDOW_DAYS = 31
# A quote keeps its pairs with at most `PER_WORDING` quotes of one wording (the same folded text)
# and `PARTNERS` in all, best first, earliest first among equals (`best_partners`). n copies of
# a syndicated remark all pair with each other, n²/2 pairs: on bench/scale.py's corpus at
# N=2,000, 134,219 pairs among 15,199 quotes of 1,266 wordings, 65 % of them between identical
# texts, growing with the square of a window's copies. Clusters need the copies connected, not
# every pair (`group` joins by the mean score over all members): each copy's earliest fellow
# copies chain them, and `PER_WORDING` leaves room for other wordings (a translation, a trimmed
# copy) beside many identical ones.
PER_WORDING = 3
PARTNERS = 12
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


@lru_cache(maxsize=1 << 16)
def comparable(text: str) -> str:
    """A quote's text folded (case, accents, quote marks, spacing) for comparing; cached: the
    same quotes are compared on every run and copies repeat them."""
    return " ".join(fold(_QUOTE_MARKS.sub(" ", text)).split())


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
        self.variant = wordings(quotes, variants)
        self.rank = ranks(quotes)
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

    def candidates(
        self,
        rows: Sequence[int],
        minimum: float,
        among: Sequence[int] | None = None,
        lists: Sequence[int] | None = None,
    ) -> list[tuple[float, int, int]]:
        """(score, i, j), i < j, of the pairs of a quote in `rows` with a quote `among` (default
        every quote) of another article published within `WINDOW_DAYS` (or undated), scoring
        at least `minimum`, any speakers, each once, and among the `best_partners` of a quote
        in `lists` (default `rows`). Variants are scored first; only variant pairs reaching
        `minimum` are spread to their quotes (the penalty only lowers a score)."""
        if len(rows) == 0 or (among is not None and len(among) == 0):
            return []
        inside = np.zeros(len(self.variant), dtype=bool)
        inside[list(rows)] = True
        pool = np.arange(len(self.variant)) if among is None else np.unique(np.asarray(among))
        members = _members(self.variant[pool], pool)
        fresh = _members(self.variant[inside], np.flatnonzero(inside))
        asked, cols = sorted(fresh), sorted(members)
        found: list[Pairs] = []
        for start in range(0, len(asked), CANDIDATE_ROWS):
            block = asked[start : start + CANDIDATE_ROWS]
            base = self._variant_matrix(block, cols)
            for r, c in zip(*np.nonzero(base >= minimum), strict=True):
                found.append(
                    self._spread(fresh[block[r]], members[cols[c]], base[r, c], minimum, inside)
                )
        if not found:
            return []
        listed = inside
        if lists is not None:
            listed = np.zeros(len(self.variant), dtype=bool)
            listed[list(lists)] = True
        score, left, right = (np.concatenate(part) for part in zip(*found, strict=True))
        return best_partners((score, left, right), listed, self.rank, self.variant)

    def _spread(
        self,
        left: NDArray[np.int_],
        right: NDArray[np.int_],
        base: float,
        minimum: float,
        inside: NDArray[np.bool_],
    ) -> Pairs:
        """The quote pairs (score, i, j), i < j, of two variants scoring `base`: from different
        articles, within the window, at least `minimum` after the penalty; a pair of two quotes
        in `inside` once."""
        i, j = np.repeat(left, len(right)), np.tile(right, len(left))
        score = _penalised(np.full(len(i), base), self.indirect[i] | self.indirect[j])
        keep = (
            (score >= minimum)
            & (self.article_codes[i] != self.article_codes[j])
            & ~(np.abs(self.days[i] - self.days[j]) > WINDOW_DAYS)
            & (~inside[j] | (i < j))
        )
        return score[keep], np.minimum(i, j)[keep], np.maximum(i, j)[keep]


def best_partners(
    pairs: Pairs, listed: NDArray[np.bool_], rank: NDArray[np.int_], wording: NDArray[np.int_]
) -> list[tuple[float, int, int]]:
    """The pairs (score, i, j), i < j, each once, that are among the best partners of a
    `listed` quote: of its pairs, best score first and then the partner earliest (`rank`), at
    most `PER_WORDING` partners of one `wording` and `PARTNERS` in all. Selecting again from
    what a selection kept, with more pairs beside, gives the selection from all of them: so
    pairs chosen in parts (time windows) and merged give the pairs chosen at once."""
    score, i, j = pairs
    ends = (listed[i], listed[j])
    src = np.concatenate([i[ends[0]], j[ends[1]]])
    dst = np.concatenate([j[ends[0]], i[ends[1]]])
    value = np.concatenate([score[ends[0]], score[ends[1]]])
    order = np.lexsort((rank[dst], -value, wording[dst], src))
    src, dst, value = src[order], dst[order], value[order]
    keep = _places(src, wording[dst]) < PER_WORDING
    src, dst, value = src[keep], dst[keep], value[keep]
    order = np.lexsort((rank[dst], -value, src))
    src, dst, value = src[order], dst[order], value[order]
    keep = _places(src) < PARTNERS
    lo, hi = np.minimum(src, dst)[keep], np.maximum(src, dst)[keep]
    _, once = np.unique(lo * (int(hi.max(initial=0)) + 1) + hi, return_index=True)
    return list(zip(value[keep][once].tolist(), lo[once].tolist(), hi[once].tolist(), strict=True))


def _places(*keys: NDArray[np.int_]) -> NDArray[np.int_]:
    """Each element's place (0, 1, …) in its run of equal `keys` (sorted by them)."""
    count = len(keys[0])
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.ones(count, dtype=bool)
    for key in keys:
        starts[1:] &= key[1:] == key[:-1]
    starts = ~starts
    starts[0] = True
    first = np.flatnonzero(starts)
    return np.arange(count) - np.repeat(first, np.diff(np.append(first, count)))


def wordings(
    quotes: Sequence[QuoteRef], ids: dict[tuple[str, str], int] | None = None
) -> NDArray[np.int_]:
    """Each quote's wording as a number: equal folded and embedded texts, equal numbers
    (`ids`, filled on the way, maps the texts to them)."""
    ids = {} if ids is None else ids
    keys = [(comparable(q.text), embedded_text(q.text)) for q in quotes]
    return np.array([ids.setdefault(k, len(ids)) for k in keys], dtype=int)


def ranks(quotes: Sequence[QuoteRef]) -> NDArray[np.int_]:
    """Each quote's place when all are sorted earliest first (`QuoteRef.order`)."""
    out = np.empty(len(quotes), dtype=int)
    out[sorted(range(len(quotes)), key=lambda k: quotes[k].order)] = np.arange(len(quotes))
    return out


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
    day = day_number(published)
    return float("nan") if day is None else float(day)


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
