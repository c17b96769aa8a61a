"""How good quote clustering is at each threshold: precision and recall of the predicted
cross-article quote pairs against gold `same_quote_across_outlets` entries (`threshold_curve`),
the measurement `quotes.DEFAULT_THRESHOLD` was chosen from (`storyline eval quotes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storyline.link.quote_score import Scorer, comparable
from storyline.link.quotes import group, linkable, load_quotes
from storyline.store.db import Store
from storyline.store.quote_pairs import pair_arrays

# Thresholds the curve is measured at.
CURVE_THRESHOLDS = tuple(round(0.80 + 0.01 * i, 2) for i in range(20))


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
    starts = comparable(gold.starts)
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
    texts = [comparable(q.text) for q in quotes]
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
