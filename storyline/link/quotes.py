"""The same quote across outlets: group the same utterance reported by different articles.

A copy can be verbatim, trimmed ("a gift to nobody" of "An early election would be a gift to
nobody"), or reworded in translation ("Zwei Monate sind keine Verzögerung"). Pairs of quotes
from different articles are scored by quote_score.py (embedding cosine or fuzzy ratio, within
`WINDOW_DAYS`); a pair can link only when its speakers agree (the same canonical entity, or
one of them unknown).

Of the candidates scoring at least the threshold, only mutual best matches count (each quote
the other's best in the other's article); they join clusters greedily, best pair first, with
average linkage, never putting two quotes of one article or two different known speakers in
one cluster. Every quote gets a cluster (a quote nobody else reported is a cluster of one); the
cluster's first member is the earliest by the article's publication date (undated last), then
article id and quote index. quote_curve.py measures precision and recall of the cross-article
pairs against gold.

Cost: a pair's score depends on the two quotes alone, so each quote is scored against the
others once in its life and the pairs reaching the threshold are kept in the store
(store/quote_pairs.py); a run regroups only what changed (`cluster_quotes`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from storyline.link.embedding import embed_cached, embedder
from storyline.link.names import fold, org_key, strip_titles
from storyline.link.quote_score import WINDOW_DAYS, QuoteRef, Scorer, quote_day
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
from storyline.store.vectors import keep

# Default clustering threshold, chosen from `threshold_curve` on examples/gold.json (our own
# corpus; its 237 gold quotes placed in the clean text from their `starts`, gold speakers):
#   0.85 P 0.78 R 0.91 | 0.87 P 0.93 R 0.81 | 0.88 P 0.93 R 0.78 | 0.89 P 0.90 R 0.59
# 0.88 is the last step before recall drops, and the first at which the seeds
# (../shared/seeds/gold.json, placed the same way) have no wrong pair (0.87: P 0.25). With the
# NLP stage's own quotes (`storyline eval quotes`): examples 0.87 P 0.77 R 0.53, 0.88 P 1.0
# R 0.44 (recall bounded by the quotes found); seeds 0.88 P 1.0 R 1.0 (both pairs).
DEFAULT_THRESHOLD = 0.88


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
    *,
    by_wording: bool = True,
) -> list[list[int]]:
    """Clusters of quote indices (every quote in one), earliest member first, from scored
    pairs (best first). Two clusters join when their members' mean pairwise score reaches the
    threshold too (average linkage: one strong pair cannot chain two different remarks), and
    they hold no two quotes of one article nor two speakers. `by_wording` (`_Clusters`): each
    cluster is kept as counts of its wordings; False works out everything from the members at
    every try (the reference the tests and bench/quote_group.py compare with)."""
    owner = list(range(len(quotes)))
    clusters = _Clusters(quotes, scorer, by_wording)
    # Clusters only grow, so a join refused for two clusters of these sizes stays refused
    # until one grows: copies of one remark bring the same two clusters up again and again.
    refused: set[tuple[int, int, int, int]] = set()
    for score, i, j in scored:
        if score < threshold:
            break
        a, b = owner[i], owner[j]
        if a == b:
            continue
        tried = (a, b, len(clusters.members[a]), len(clusters.members[b]))
        if tried in refused:
            continue
        if not clusters.compatible(a, b) or clusters.mean(a, b, score) < threshold:
            refused.add(tried)
            continue
        for k in clusters.merge(a, b):
            owner[k] = a
    out = [sorted(m, key=lambda k: quotes[k].order) for m in clusters.members.values()]
    return sorted(out, key=lambda members: quotes[members[0]].order)


# Places a cluster mean is rounded to: pair scores have `quote_score.SCORE_DIGITS` (5), so this
# only removes the float noise of summing them.
MEAN_DIGITS = 9


class _Clusters:
    """The clusters `group` builds, with what deciding a join needs kept up to date as they
    merge: their articles, their speakers, and the count of each wording (with whether it is
    reported speech) under one member that stands for it. Copies of a syndicated remark make
    clusters of hundreds of quotes of a few wordings, tried against their neighbours again and
    again; the mean score of two clusters is then worked out over their wordings, weighted by
    the counts, not over every pair of members; for two clusters of one wording each it is the
    score of the pair being tried (at N=20,000, working it out from the members made grouping
    the batch driver's longest step)."""

    def __init__(self, quotes: Sequence[QuoteRef], scorer: Scorer, by_wording: bool) -> None:
        self.quotes = quotes
        self.scorer = scorer
        self.by_wording = by_wording
        self.members: dict[int, list[int]] = {i: [i] for i in range(len(quotes))}
        # of clusters of two or more (a single quote's are read from it): their articles, their
        # speakers, and (wording, reported speech) → [a member with it, how many have it]
        self._articles: dict[int, set[str]] = {}
        self._speakers: dict[int, set[str]] = {}
        self._wordings: dict[int, dict[tuple[int, bool], list[int]]] = {}

    def articles(self, c: int) -> set[str]:
        return self._articles.get(c) or {self.quotes[c].article_id}

    def speakers(self, c: int) -> set[str]:
        if c in self._speakers:
            return self._speakers[c]
        return {s} if (s := self.quotes[c].speaker) is not None else set()

    def wordings(self, c: int) -> dict[tuple[int, bool], list[int]]:
        return self._wordings.get(c) or {
            (int(self.scorer.variant[c]), self.quotes[c].indirect): [c, 1]
        }

    def compatible(self, a: int, b: int) -> bool:
        """No article and no two speakers in the two clusters together."""
        if not self.by_wording:
            members = self.members[a] + self.members[b]
            articles_a = {self.quotes[k].article_id for k in self.members[a]}
            speakers = {self.quotes[k].speaker for k in members} - {None}
            return len(speakers) <= 1 and not any(
                self.quotes[k].article_id in articles_a for k in self.members[b]
            )
        small, large = sorted((self.articles(a), self.articles(b)), key=len)
        return len(self.speakers(a) | self.speakers(b)) <= 1 and small.isdisjoint(large)

    def mean(self, a: int, b: int, score: float) -> float:
        """The mean score of the members of `a` × those of `b`, whose pair being tried scores
        `score`: all it is when each has one wording (most tries: copies of one remark).
        Rounded to `MEAN_DIGITS` places, so that the order of a float sum never decides a join
        (147 copies of a pair scoring the threshold averaged a hair below it)."""
        if not self.by_wording:
            mean = float(self.scorer.matrix(self.members[a], self.members[b]).mean())
            return round(mean, MEAN_DIGITS)
        rows, cols = list(self.wordings(a).values()), list(self.wordings(b).values())
        if len(rows) == len(cols) == 1:
            return score
        scores = self.scorer.matrix([k for k, _ in rows], [k for k, _ in cols])
        weights = np.outer([n for _, n in rows], [n for _, n in cols])
        return round(float((scores * weights).sum() / weights.sum()), MEAN_DIGITS)

    def merge(self, a: int, b: int) -> list[int]:
        """`b` joins `a`; returns `b`'s members."""
        if self.by_wording:
            # a single quote's sets are made afresh by the readers: kept as a's own, they grow
            self._articles.setdefault(a, self.articles(a)).update(self.articles(b))
            self._speakers.setdefault(a, self.speakers(a)).update(self.speakers(b))
            into = self._wordings.setdefault(a, self.wordings(a))
            for key, (k, n) in self.wordings(b).items():
                into.setdefault(key, [k, 0])[1] += n
            for kept in (self._articles, self._speakers, self._wordings):
                kept.pop(b, None)
        moved = self.members.pop(b)
        self.members[a].extend(moved)
        return moved


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
