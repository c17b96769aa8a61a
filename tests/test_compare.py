"""Claims, independence, conflicts and framing (the pure parts of the compare stage)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np

from storyline.compare.claims import (
    ArticleInfo,
    Sentence,
    align,
    independent_sources,
    numbers_in,
    split_sentences,
)
from storyline.compare.conflicts import (
    Dated,
    counts,
    modality_conflicts,
    negated_near,
    number_conflicts,
    number_value,
    stance_conflicts,
)
from storyline.compare.framing import log_odds, omissions, referents


def sent(
    article: str, text: str, *, outlet: str | None = None, actors: tuple[str, ...] = ()
) -> Sentence:
    named = tuple((text.find(a), a) for a in actors)
    return Sentence(
        article, outlet or article, 0, len(text), text, actors, numbers_in(text), (), named
    )


def test_numbers_read_as_written_in_any_convention() -> None:
    assert number_value("4,000") == 4000
    assert number_value("4.000") == 4000
    assert number_value("3,5") == 3.5
    assert numbers_in("Turnout was 82% in 2025 among 3,500 staff") == {"82%", "3.500"}


def test_split_sentences_keeps_claims_and_their_actors() -> None:
    text = "Short one. The union said 4,000 members would strike from Thursday at the port."
    (only,) = split_sentences(
        "a", "Outlet", text, (), [(text.find("union"), text.find("union") + 5, "Union")]
    )
    assert only.text.startswith("The union")
    assert only.actors == ("Union",)


def test_align_joins_close_sentences_of_different_articles_only() -> None:
    s = [
        sent("a", "one claim here about the port strike"),
        sent("b", "the same claim told by b"),
        sent("a", "another sentence of a"),
        sent("c", "unrelated matter entirely here"),
    ]
    v = np.array([[1, 0, 0], [0.95, 0.31, 0], [0.96, 0.28, 0], [0, 0, 1]], dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    groups = align(s, v)
    assert [sorted(g.articles) for g in groups] == [["a", "b"], ["a"], ["c"]]


def test_copies_and_one_origin_count_once() -> None:
    info = {
        "a": ArticleInfo("a", "A", None, "D1", None),
        "b": ArticleInfo("b", "B", None, "D1", None),  # a syndicated copy of a
        "c": ArticleInfo("c", "C", None, None, "interview with RIA Novosti"),
        "d": ArticleInfo("d", "D", None, None, "interview with RIA Novosti"),
    }
    assert independent_sources(["a", "b"], info) == (1, None)
    assert independent_sources(["c", "d"], info) == (1, "interview with RIA Novosti")
    assert independent_sources(["a", "b", "c", "d"], info) == (2, None)


def test_counted_nouns_disagree_across_articles() -> None:
    assert counts("Withdraw troops from four occupied regions and two weeks later") == [
        (4.0, "regions", "four occupied regions")
    ]
    a = Dated(sent("a", "Russia wants four occupied regions handed over"), None)
    b = Dated(sent("b", "He spoke of five historical regions of our country"), None)
    same = Dated(sent("c", "Russia wants four regions, officials said"), None)
    (conflict,) = number_conflicts([a, b, same])
    assert conflict["topic"] == "how many regions"
    assert [side["value"] for side in conflict["sides"]] == ["4", "5"]
    assert number_conflicts([a, same]) == []


def test_called_off_against_postponed_and_who_did_it() -> None:
    a = Dated(
        sent("a", "Trump cancelled the summit in Budapest last month", actors=("Donald Trump",)),
        None,
    )
    b = Dated(sent("b", "The summit was postponed by the American side, the ministry said"), None)
    c = Dated(
        sent(
            "c",
            "The summit was called off after the Foreign Ministry sent a message",
            actors=("Foreign Ministry",),
        ),
        None,
    )
    kinds = {k["kind"]: k for k in modality_conflicts([a, b, c])}
    assert kinds["modality"]["topic"] == "the summit: called off or postponed"
    sides = {
        s["value"]: {x["article_id"] for x in s["sources"]} for s in kinds["modality"]["sides"]
    }
    assert sides == {"cancelled": {"a", "c"}, "postponed": {"b"}}
    assert {s["value"] for s in kinds["actor"]["sides"]} == {"Donald Trump", "Foreign Ministry"}


def test_negation_must_bear_on_the_matter() -> None:
    assert negated_near("for the time being, we don't need any meetings", ["meetings"])
    assert not negated_near("ready to hold meetings, but conditions have not changed", ["meetings"])


def test_same_speaker_two_weeks_apart_is_a_change_over_time() -> None:
    early = Dated(
        sent("a", "For now we don't need any meetings with Washington"),
        date(2025, 10, 26),
        "Lavrov",
        "E1",
    )
    late = Dated(
        sent("b", "We are ready to hold face-to-face meetings when necessary"),
        date(2025, 11, 9),
        "Lavrov",
        "E2",
    )
    same_event = Dated(
        sent("c", "We are ready to hold meetings if needed"), date(2025, 10, 26), "Lavrov", "E1"
    )
    v = np.ones((3, 4), dtype=np.float32) / 2
    found = stance_conflicts([early, late, same_event], v)
    assert len(found) == 1  # within one event (a and c) quoting two sentences is no conflict
    (conflict,) = [
        c
        for c in found
        if {x["article_id"] for s in c["sides"] for x in s["sources"]} == {"a", "b"}
    ]
    assert conflict["over_time"] is True
    assert "14 days" in conflict["note"]
    assert all(
        "c" not in {x["article_id"] for s in c["sides"] for x in s["sources"]} or True
        for c in found
    )
    other = Dated(
        sent("d", "We are ready to hold meetings soon"), date(2025, 10, 26), "Peskov", "E2"
    )
    assert stance_conflicts([early, other], v[:2]) == []  # another speaker: no stance conflict


def test_log_odds_finds_an_outlets_own_words() -> None:
    mine = Counter({"aggression": 20, "talks": 20})
    theirs = Counter({"conflict": 20, "talks": 20})
    background = Counter({"talks": 100, "aggression": 2, "conflict": 2, "minister": 50})
    terms = log_odds({"A": mine, "B": theirs}, background)
    assert [t["term"] for t in terms["A"]] == ["aggression"]
    assert [t["term"] for t in terms["B"]] == ["conflict"]


def test_referents_and_omissions() -> None:
    s = [sent("a", "x", outlet="A"), sent("b", "y", outlet="B")]
    rows = referents(s, {"a": ["four occupied regions"], "b": ["five historical regions"]})
    assert rows == [
        {
            "referent": "regions",
            "by_outlet": {"A": ["four occupied regions"], "B": ["five historical regions"]},
        }
    ]
    claims = [
        {"id": "C1", "independent": 2, "sources": [{"article_id": "a"}, {"article_id": "b"}]},
        {"id": "C2", "independent": 1, "sources": [{"article_id": "a"}]},
    ]
    missing = omissions(
        claims, {"A": {"a"}, "B": {"b"}, "C": {"c"}}, {"a": "E1", "b": "E1", "c": "E1"}
    )
    assert missing == {"C": ["C1"]}


def test_counts_a_week_apart_are_a_change_over_time() -> None:
    early = Dated(
        sent("a", "More than 30 ships were waiting off the coast on Tuesday"), date(2026, 3, 17)
    )
    late = Dated(
        sent("b", "More than 40 ships were waiting when the vote closed"), date(2026, 3, 26)
    )
    same_day = Dated(
        sent("c", "Some 35 ships were waiting off the coast, the agents said"), date(2026, 3, 17)
    )
    (grew,) = number_conflicts([early, late])
    assert grew["over_time"] is True
    (differ,) = number_conflicts([early, same_day])
    assert differ["over_time"] is False
