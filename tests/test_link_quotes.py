"""The same quote across outlets: trimmed copies, paraphrases, earliest member, the curve."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from link_helpers import add_article

from storyline.link.embedding import hash_embed
from storyline.link.quote_curve import GoldQuote, gold_pairs, threshold_curve
from storyline.link.quote_score import PARTNERS, QuoteRef, Scorer, best_partners
from storyline.link.quotes import (
    DEFAULT_THRESHOLD,
    _Clusters,
    cluster_quotes,
    group,
    load_quotes,
)
from storyline.link.resolve import merge, resolve_entities
from storyline.store.db import Store, open_store

ARNE = ("PERSON", "Lise Arne")
OFFER = "The offer came from the harbour owners, not from the union"
OFFER_REWORDED = "The whole offer was the idea of the harbour owners and not of the union"
SHIPS = "We will not unload a single ship until the pilots are paid"
SHIPS_DE = "Wir werden kein einziges Schiff entladen, bis die Lotsen bezahlt sind"


# Four invented reports of one union leader's words, and one of someone else's.
REPORTS: dict[str, dict[str, Any]] = {
    "wire": {
        "body": f"Pilots at Brightwater stopped work on Monday. “{SHIPS},” said Lise Arne, who "
        f"leads the pilots' union. “{OFFER},” she added.",
        "published": "2026-03-02",
        "entities": [ARNE],
        "quotes": [(SHIPS, 0, "direct"), (OFFER, 0, "direct")],
    },
    "copy": {
        "body": f"Union leader Lise Arne said the pilots would stay out: “{SHIPS[:38]}.” "
        "The port was quiet on Tuesday.",
        "published": "2026-03-03",
        "entities": [("PERSON", "Union leader Lise Arne")],
        "quotes": [(SHIPS[:38], 0, "direct")],
    },
    "german": {
        "body": f"Die Lotsen streiken weiter. „{SHIPS_DE}“, sagte Gewerkschaftschefin Lise Arne.",
        "published": "2026-03-04",
        "entities": [("PERSON", "Gewerkschaftschefin Lise Arne")],
        "quotes": [(SHIPS_DE, 0, "direct")],
    },
    "rewrite": {
        "body": f"Arne was blunt about the talks. “{OFFER_REWORDED},” Arne told reporters.",
        "published": "2026-03-01",  # dated before the wire: it is the earliest report
        "entities": [("PERSON", "Arne")],
        "quotes": [(OFFER_REWORDED, 0, "direct")],
    },
    "other": {
        "body": f"“{OFFER},” said Tomas Reyl, who owns the harbour, repeating the union's line.",
        "published": "2026-03-05",
        "entities": [("PERSON", "Tomas Reyl")],
        "quotes": [(OFFER, 0, "direct")],
    },
}


def _add(store: Store, name: str) -> str:
    return add_article(store, source=f"{name}.txt", **REPORTS[name])


@pytest.fixture
def corpus(store: Store) -> dict[str, str]:
    """All the reports, entities resolved."""
    ids = {name: _add(store, name) for name in REPORTS}
    resolve_entities(store)
    return ids


def _clusters(store: Store) -> dict[int, set[tuple[str, int]]]:
    out: dict[int, set[tuple[str, int]]] = {}
    for r in store.conn.execute("SELECT cluster_id, article_id, idx FROM quote_cluster_members"):
        out.setdefault(r["cluster_id"], set()).add((r["article_id"], r["idx"]))
    return out


def _cluster_of(store: Store, article_id: str, idx: int) -> set[tuple[str, int]]:
    return next(m for m in _clusters(store).values() if (article_id, idx) in m)


def test_trimmed_copy_and_translation_join_the_original(
    store: Store, corpus: dict[str, str]
) -> None:
    cluster_quotes(store)
    ships = _cluster_of(store, corpus["wire"], 0)
    assert ships == {(corpus["wire"], 0), (corpus["copy"], 0), (corpus["german"], 0)}


def test_paraphrase_joins_and_the_earliest_is_first(store: Store, corpus: dict[str, str]) -> None:
    shared = cluster_quotes(store)
    offer = _cluster_of(store, corpus["wire"], 1)
    assert offer == {(corpus["wire"], 1), (corpus["rewrite"], 0)}
    assert shared == 2
    first = store.conn.execute(
        "SELECT c.first_article, c.first_idx FROM quote_clusters c JOIN quote_cluster_members m"
        " ON m.cluster_id = c.id WHERE m.article_id = ? AND m.idx = 1",
        (corpus["wire"],),
    ).fetchone()
    assert tuple(first) == (corpus["rewrite"], 0)


def test_other_speakers_words_stay_apart(store: Store, corpus: dict[str, str]) -> None:
    cluster_quotes(store)
    assert _cluster_of(store, corpus["other"], 0) == {(corpus["other"], 0)}


def test_every_quote_has_one_cluster_and_reruns_replace(
    store: Store, corpus: dict[str, str]
) -> None:
    cluster_quotes(store)
    cluster_quotes(store)
    members = store.conn.execute("SELECT COUNT(*) FROM quote_cluster_members").fetchone()[0]
    quotes = store.conn.execute("SELECT COUNT(*) FROM quotes").fetchone()[0]
    assert members == quotes == 6
    assert cluster_quotes(store, threshold=1.01) == 0  # nothing is that similar


def _by_source(store: Store) -> set[frozenset[tuple[str, int]]]:
    """The clusters as sets of (article source, quote index): comparable across stores."""
    source = {r[0]: r[1] for r in store.conn.execute("SELECT id, source FROM articles")}
    return {frozenset((source[a], i) for a, i in m) for m in _clusters(store).values()}


def test_one_article_at_a_time_gives_what_all_at_once_gives(
    store: Store, corpus: dict[str, str], tmp_path: Path
) -> None:
    cluster_quotes(store)
    one_by_one = open_store(tmp_path / "incremental.db")
    for name in ("other", "german", "wire", "rewrite", "copy"):
        _add(one_by_one, name)
        resolve_entities(one_by_one)
        cluster_quotes(one_by_one)
    assert _by_source(one_by_one) == _by_source(store)
    pairs = "SELECT a_idx, b_idx, score FROM quote_pair_keys ORDER BY 1, 2, 3"
    assert one_by_one.conn.execute(pairs).fetchall() == store.conn.execute(pairs).fetchall()
    one_by_one.close()


def _repeated(store: Store) -> str:
    """A later report of the union leader repeating the pilots' words, linked; its id."""
    later = add_article(
        store,
        f"Lise Arne repeated it on Friday: “{SHIPS}.”",
        source="later.txt",
        published="2026-03-06",
        entities=[ARNE],
        quotes=[(SHIPS, 0, "direct")],
    )
    resolve_entities(store)
    cluster_quotes(store)
    return later


def test_only_quotes_never_scored_are_compared(
    store: Store, corpus: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster_quotes(store)
    asked: list[int] = []
    real = Scorer.candidates

    def spy(self: Scorer, rows: Sequence[int], minimum: float) -> list[tuple[float, int, int]]:
        asked.append(len(rows))
        return real(self, rows, minimum)

    monkeypatch.setattr(Scorer, "candidates", spy)
    cluster_quotes(store)
    assert asked == []  # nothing new: every pair came from the store
    later = _repeated(store)
    assert asked == [1]  # the one quote of the later article
    assert (later, 0) in _cluster_of(store, corpus["wire"], 0)


def _by_key(store: Store) -> set[frozenset[tuple[str, int]]]:
    return {frozenset(m) for m in _clusters(store).values()}


def _from_scratch(store: Store) -> set[frozenset[tuple[str, int]]]:
    """The clusters of grouping every quote again (the stored pairs reused)."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM quote_cluster_members")
        conn.execute("DELETE FROM quote_clusters")
    cluster_quotes(store)
    return _by_key(store)


def test_only_what_changed_is_regrouped_and_the_result_is_a_full_regrouping(
    store: Store, corpus: dict[str, str]
) -> None:
    cluster_quotes(store)
    wire, other = corpus["wire"], corpus["other"]
    offer_id = "SELECT cluster_id FROM quote_cluster_members WHERE article_id = ? AND idx = ?"
    before = store.conn.execute(offer_id, (other, 0)).fetchone()[0]
    _repeated(store)  # another report of the pilots' words: linked to them only
    assert store.conn.execute(offer_id, (other, 0)).fetchone()[0] == before  # not regrouped
    changes: list[Any] = [
        # a quote deleted (its article re-analysed): its cluster mates are regrouped
        lambda: store.conn.execute("DELETE FROM quotes WHERE article_id = ? AND idx = 1", (wire,)),
        # an alias edit: the harbour owner's quote now has the union leader's speaker key
        lambda: merge(store, "Tomas Reyl", "Lise Arne"),
    ]
    for change in changes:
        change()
        resolve_entities(store)
        cluster_quotes(store)
        incremental = _by_key(store)
        assert incremental == _from_scratch(store)
    assert {(other, 0), (corpus["rewrite"], 0)} in incremental  # the edit joined them


def test_the_same_words_months_later_are_another_quote(
    store: Store, corpus: dict[str, str]
) -> None:
    later = add_article(
        store,
        f"Lise Arne repeated it in May: “{SHIPS}.”",
        source="may.txt",
        published="2026-05-20",  # 79 days after the wire: outside WINDOW_DAYS
        entities=[ARNE],
        quotes=[(SHIPS, 0, "direct")],
    )
    resolve_entities(store)
    cluster_quotes(store)
    assert _cluster_of(store, later, 0) == {(later, 0)}


def test_a_reanalysed_article_takes_its_pairs_with_it(store: Store, corpus: dict[str, str]) -> None:
    cluster_quotes(store)
    wire = corpus["wire"]
    count = "SELECT COUNT(*) FROM quote_pair_keys WHERE ? IN (a_article, b_article)"
    assert store.conn.execute(count, (wire,)).fetchone()[0] > 0
    with store.transaction() as conn:
        conn.execute("DELETE FROM quotes WHERE article_id = ?", (wire,))
    assert store.conn.execute(count, (wire,)).fetchone()[0] == 0
    scored = "SELECT COUNT(*) FROM quotes_scored WHERE article_id = ?"
    assert store.conn.execute(scored, (wire,)).fetchone()[0] == 0


def test_a_lower_threshold_scores_everything_again(store: Store, corpus: dict[str, str]) -> None:
    assert cluster_quotes(store, threshold=1.01) == 0  # pairs kept only from 1.01 up: none
    assert cluster_quotes(store) == 2  # as a fresh run at the default finds


def test_matrix_is_symmetric_and_gates_only_fuzzy_ratios(
    store: Store, corpus: dict[str, str]
) -> None:
    quotes = load_quotes(store)
    scorer = Scorer(quotes, hash_embed)
    every = list(range(len(quotes)))
    scores = scorer.matrix(every, every)
    assert np.array_equal(scores, scores.T)
    # a trimmed copy shares every word with its original: its fuzzy ratio is computed (1.0)
    wire, copy = (
        next(i for i, q in enumerate(quotes) if q.article_id == corpus[n]) for n in ("wire", "copy")
    )
    assert scores[wire, copy] == 1.0


def test_threshold_curve_against_gold(store: Store, corpus: dict[str, str]) -> None:
    ids = {f"{k}.txt": v for k, v in corpus.items()}
    gold = {
        "same_quote_across_outlets": [
            {"articles": ["wire.txt", "copy.txt"], "starts": "We will not unload"},
            {
                "articles": ["wire.txt", "rewrite.txt", "absent.txt"],
                "starts_by_article": {
                    "wire.txt": "The offer came",
                    "rewrite.txt": "The whole offer",
                },
            },
        ]
    }
    pairs = gold_pairs(gold, ids)
    assert (
        GoldQuote(corpus["wire"], "The offer came"),
        GoldQuote(corpus["rewrite"], "The whole offer"),
    ) in pairs
    rows = {
        round(r.threshold, 2): r for r in threshold_curve(store, pairs, [0.5, DEFAULT_THRESHOLD])
    }
    at_default = rows[DEFAULT_THRESHOLD]
    assert (at_default.recall, at_default.found, at_default.gold) == (1.0, 2, 2)
    # The German copy of the wire quote is not in this gold: its pairs count against precision.
    assert at_default.correct == 2
    assert at_default.judged == 4
    assert at_default.precision == 0.5


class _Obj:
    """What `click.pass_obj` gives the commands: something with `.store()`."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def store(self) -> Store:
        return self._store


def test_commands_list_entities_and_quotes(store: Store, corpus: dict[str, str]) -> None:
    import json

    from click.testing import CliRunner

    from storyline.link.commands import entities, quotes

    cluster_quotes(store)
    runner = CliRunner()
    listed = json.loads(runner.invoke(entities, ["--json"], obj=_Obj(store)).output)
    arne = next(e for e in listed if e["name"] == "Lise Arne")
    assert arne["articles"] == 4
    assert "Arne" in arne["variants"]
    result = runner.invoke(
        quotes, ["--speaker", "arne", "--story", "S1", "--json"], obj=_Obj(store)
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 2  # the ships remark (3 outlets) and the offer (2 outlets)
    ships = next(r for r in rows if r["text"] == SHIPS)
    assert ships["outlets"] == ["Outlet wire.txt", "Outlet copy.txt", "Outlet german.txt"]
    assert ships["first_seen"] == "2026-03-02"
    table = runner.invoke(quotes, [], obj=_Obj(store))
    assert table.exit_code == 0
    assert "Tomas Reyl" in table.output
    split = runner.invoke(entities, ["split", "Lise Arne", "Arne"], obj=_Obj(store))
    assert split.exit_code == 0, split.output


def test_embed_encodes_a_repeated_text_once_and_keeps_the_order() -> None:
    from storyline.link.embedding import embed

    vectors = embed(["the port reopens", "talks resume on Friday", "the port reopens"])
    assert vectors.shape == (3, 384)
    assert np.allclose(vectors[0], vectors[2])
    assert not np.allclose(vectors[0], vectors[1])
    assert embed([]).shape == (0, 384)


def test_a_syndicated_remark_keeps_few_pairs_and_one_cluster(store: Store) -> None:
    """Fifty outlets print one remark word for word and five a trimmed copy: each quote keeps
    its best `PARTNERS` pairs at most (not the 1,485 pairs of everyone with everyone), and all
    55 still make one cluster."""
    for n in range(55):
        text = SHIPS if n < 50 else SHIPS[:38]
        add_article(
            store,
            source=f"outlet{n}.txt",
            body=f"Pilots stopped work. “{text},” said Lise Arne on day {n}.",
            published=f"2026-03-{1 + n % 28:02d}",
            entities=[ARNE],
            quotes=[(text, 0, "direct")],
        )
    resolve_entities(store)
    cluster_quotes(store)
    [pairs] = store.conn.execute("SELECT COUNT(*) FROM quote_pairs").fetchone()
    assert 55 <= pairs <= 55 * PARTNERS
    rows = store.conn.execute("SELECT article_id, idx FROM quotes WHERE text = ?", (SHIPS[:38],))
    trimmed = {(r[0], r[1]) for r in rows}
    [members] = [m for m in _clusters(store).values() if len(m) > 1]
    assert len(members) == 55
    assert len(trimmed) == 5
    assert trimmed <= members


@given(
    st.lists(
        st.tuples(
            st.integers(0, 9), st.integers(0, 9), st.sampled_from([0.8, 0.9, 1.0]), st.booleans()
        ),
        max_size=60,
    ),
    st.lists(st.integers(0, 2), min_size=10, max_size=10),
    st.sets(st.integers(0, 9)),
)
def test_best_partners_chosen_in_parts_are_the_ones_chosen_at_once(
    found: list[tuple[int, int, float, bool]], wording: list[int], listed: set[int]
) -> None:
    """What the windows of `storyline batch` rely on: choosing again among what two parts
    chose gives what choosing among all pairs gives."""
    pairs = {(min(i, j), max(i, j)): (s, part) for i, j, s, part in found if i != j}
    mask = np.array([k in listed for k in range(10)])
    rank, words = np.arange(10)[::-1].copy(), np.array(wording)

    def choose(chosen: list[tuple[float, int, int]]) -> list[tuple[float, int, int]]:
        arrays = (
            np.array([s for s, _, _ in chosen], dtype=np.float64),
            np.array([i for _, i, _ in chosen], dtype=np.int64),
            np.array([j for _, _, j in chosen], dtype=np.int64),
        )
        return best_partners(arrays, mask, rank, words)

    every = [(s, i, j) for (i, j), (s, _) in pairs.items()]
    parts = [[(s, i, j) for (i, j), (s, p) in pairs.items() if p == side] for side in (0, 1)]
    assert sorted(choose(choose(parts[0]) + choose(parts[1]))) == sorted(choose(every))


WORDS = ("ships", "wait", "outside", "the", "port", "strike", "talks", "resume", "deal", "soon")
PHRASES = ("ships wait outside the port", "the strike talks resume soon", "a deal soon", "deal")


@given(
    st.lists(
        st.tuples(
            st.one_of(
                st.sampled_from(PHRASES),  # copies of a few wordings
                st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join),
            ),
            st.integers(0, 6),
            st.sampled_from([None, None, "c1", "c2"]),
            st.booleans(),
        ),
        min_size=2,
        max_size=30,
    ),
    st.sampled_from([0.4, 0.6, 0.8]),
)
def test_grouping_by_wording_is_grouping_by_every_member(
    told: list[tuple[str, int, str | None, bool]], threshold: float
) -> None:
    """`group` keeps each cluster as counts of its wordings; the clusters are the ones working
    everything out from the members gives."""
    quotes = [
        QuoteRef(f"a{article}", n, text, speaker, "2026-03-01", indirect)
        for n, (text, article, speaker, indirect) in enumerate(told)
    ]
    scorer = Scorer(quotes, hash_embed)
    every = scorer.matrix(range(len(quotes)), range(len(quotes)))
    pairs = sorted(
        ((float(every[i, j]), i, j) for i in range(len(quotes)) for j in range(i + 1, len(quotes))),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    by_wording = group(quotes, pairs, threshold, scorer)
    by_member = group(quotes, pairs, threshold, scorer, by_wording=False)
    assert by_wording == by_member


def test_a_clusters_mean_by_wording_is_the_mean_over_its_members() -> None:
    texts = ["ships wait outside the port", "the strike talks resume soon", "a deal soon"] * 3
    quotes = [
        QuoteRef(f"a{n}", 0, t, None, "2026-03-01", indirect=n == 4) for n, t in enumerate(texts)
    ]
    scorer = Scorer(quotes, hash_embed)
    clusters = _Clusters(quotes, scorer, by_wording=True)
    for a, b in ((0, 3), (0, 6), (0, 4), (1, 2), (1, 5), (1, 7), (1, 8)):
        clusters.merge(a, b)
    assert clusters.members == {0: [0, 3, 6, 4], 1: [1, 2, 5, 7, 8]}
    assert len(clusters.wordings(0)) == 2  # one wording, once as reported speech
    every = float(scorer.matrix(clusters.members[0], clusters.members[1]).mean())
    assert clusters.mean(0, 1, 0.0) == pytest.approx(every)
    assert clusters.mean(1, 0, 0.0) == pytest.approx(every)
    assert clusters.articles(0) == {"a0", "a3", "a6", "a4"}
    assert not clusters.compatible(0, 0)


@pytest.mark.parametrize("by_wording", [True, False])
def test_many_copies_of_a_pair_at_the_threshold_average_to_it(by_wording: bool) -> None:
    """147 copies of a pair scoring s average to s exactly, however the float sum runs."""
    texts = ["the talks resume soon"] * 147 + ["the strike talks resume on Monday"]
    quotes = [QuoteRef(f"a{n}", 0, t, None, "2026-03-01") for n, t in enumerate(texts)]
    scorer = Scorer(quotes, hash_embed)
    score = float(scorer.matrix([0], [147])[0, 0])
    assert np.full((147, 1), score).mean() != score  # the float noise this is about
    clusters = _Clusters(quotes, scorer, by_wording)
    for k in range(1, 147):
        clusters.merge(0, k)
    assert clusters.mean(0, 147, score) == score
