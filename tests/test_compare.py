"""Claims, independence, conflicts and framing (the pure parts of the compare stage)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
from compare_helpers import sent

from storyline.compare.claims import (
    ArticleInfo,
    align,
    independent_sources,
    numbers_in,
    split_sentences,
)
from storyline.compare.compare import _date_conflicts
from storyline.compare.conflict_dates import date_conflicts
from storyline.compare.conflict_modality import modality_conflicts
from storyline.compare.conflict_numbers import number_conflicts
from storyline.compare.conflict_stance import negated_near, stance_conflicts
from storyline.compare.conflicts import Dated
from storyline.compare.figures import figures_in, number_value, referent_of
from storyline.compare.framing import log_odds, omissions, referents
from storyline.compare.story_timeline import StoryTimeline
from storyline.eval.compare import figure_found, match_disagreements
from storyline.model import TimelineEntry, TimelineSource


def test_numbers_read_as_written_in_any_convention() -> None:
    assert number_value("4,000") == 4000
    assert number_value("4.000") == 4000
    assert number_value("3,5") == 3.5
    assert number_value("4 000") == 4000
    assert numbers_in("Turnout was 82% in 2025 among 3,500 staff") == {"82%", "3500"}
    assert numbers_in("a 3.5 per cent rise") == {"3.5%"}  # not 3,500
    assert numbers_in("the 2009 stoppage lasted eleven days") == {"11"}


def _read(text: str) -> list[tuple[float, str, str]]:
    return [(f.value, f.unit, f.referent) for f in figures_in(text)]


def test_figures_read_in_each_languages_notation_with_what_they_count() -> None:
    four_thousand = [(4000.0, "", "people")]
    assert _read("The union said about 4,000 members would walk out.") == four_thousand
    assert _read("werden rund 4.000 Beschäftigte am Streik teilnehmen") == four_thousand
    assert _read("quelque 4 000 travailleurs participeront") == four_thousand
    assert _read("unos 4.000 trabajadores secundan el paro") == four_thousand
    assert _read("unos 1,2 millones de envases") == [(1.2e6, "", "packs")]
    assert _read("more than a million packs") == [(1e6, "", "packs")]
    assert _read("68 % des adhérents ont voté pour") == [(68.0, "%", "people")]
    assert _read("71 per cent of members who voted") == [(71.0, "%", "people")]
    assert _read("a €5 million fund to reimburse pharmacies") == [(5e6, "EUR", "funds")]
    assert _read("un fondo de 6 millones de euros para compensar") == [(6e6, "EUR", "funds")]
    assert _read("40 millions d'euros aux entreprises") == [(4e7, "EUR", "")]
    # a number inside a word, a measure or a year is not a count
    assert _read("eight-hour shifts from 6pm in 2026") == []
    assert _read("20 mg tablets") == [(20.0, "mg", "")]
    assert _read("once the ships left") == []  # Spanish eleven, English adverb


def test_compound_heads_and_bare_numbers_take_a_class() -> None:
    assert referent_of("Hafenarbeiter") == "people"
    assert referent_of("relationships") is None  # a short class word is not a compound head
    assert _read("VCT put the number of staff affected at about 3,500") == [(3500.0, "", "people")]
    assert _read("la empresa habla de 3.500") == [(3500.0, "", "")]  # no class named: bare


def test_a_vote_tally_gives_its_share() -> None:
    shares = [f.value for f in figures_in("Dockers voted by 2,310 to 940 to ratify it") if f.unit]
    assert shares == [71]
    assert [f for f in figures_in("from 12 to 15 people") if f.unit == "%"] == []


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
    (regions, weeks) = figures_in("Withdraw troops from four occupied regions and two weeks later")
    assert (regions.value, regions.referent, regions.phrase) == (
        4.0,
        "region",
        "four occupied regions",
    )
    assert weeks.noun == "weeks"  # a time unit: left to the timeline
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
    # within one event (a and c) quoting two sentences is no conflict of its own
    (conflict,) = stance_conflicts([early, late, same_event], v)
    assert conflict["over_time"] is True
    assert "14 days" in conflict["note"]
    by_side = {s["value"]: {x["article_id"] for x in s["sources"]} for s in conflict["sides"]}
    assert by_side == {"negated": {"a", "c"}, "affirmed": {"b"}}  # each side: one event's
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
    rows = referents(
        s, {"a": [("people", "4,000 members")], "b": [("people", "3.500 Beschäftigte")]}
    )
    assert rows == [
        {
            "referent": "people",
            "by_outlet": {"A": ["4,000 members"], "B": ["3.500 Beschäftigte"]},
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


def test_counts_qualified_differently_disagree_whenever_told() -> None:
    occupied = Dated(sent("a", "Russia wants four occupied regions of Ukraine"), date(2025, 11, 9))
    historical = Dated(
        sent("b", "He spoke of five historical regions of our country"), date(2025, 10, 26)
    )
    (differ,) = number_conflicts([occupied, historical])
    assert differ["over_time"] is False  # two definitions of what is counted, not a change
    plain = Dated(sent("c", "He spoke of five regions of the country"), date(2025, 10, 26))
    (grew,) = number_conflicts([occupied, plain])
    assert grew["over_time"] is True


def test_synonyms_and_translations_count_one_referent() -> None:
    day = date(2026, 3, 9)
    union = Dated(sent("a", "The union said about 4,000 members would walk out"), day)
    company = Dated(
        sent("a", "The operator said roughly 3,500 of its employees were affected"), day
    )
    german = Dated(sent("b", "Die Zahl der betroffenen Beschäftigten liege bei etwa 3.500"), day)
    (conflict,) = number_conflicts([union, company, german])
    assert conflict["topic"] == "how many people"
    sides = {s["value"]: {x["article_id"] for x in s["sources"]} for s in conflict["sides"]}
    assert sides == {"4,000": {"a"}, "3,500": {"a", "b"}}
    assert conflict["over_time"] is False
    grew = [
        Dated(sent("c", "More than 30 vessels were waiting at anchor"), date(2026, 3, 17)),
        Dated(sent("d", "The backlog of more than 40 ships may take two weeks"), date(2026, 3, 26)),
    ]
    (ships,) = number_conflicts(grew)
    assert ships["topic"] == "how many ships"
    assert ships["over_time"] is True


def test_referents_measured_side_by_side_are_one_conflict() -> None:
    told = [
        Dated(sent("a", "The recall covers 14 batches, about 1.2 million packs in all"), None),
        Dated(
            sent("b", "Betroffen sind 14 Chargen mit insgesamt rund 1,2 Millionen Packungen"), None
        ),
        Dated(sent("c", "The company recalled 12 batches of the drug on Tuesday"), None),
        Dated(sent("d", "Around 900,000 packs are affected, the company said"), None),
    ]
    (merged,) = number_conflicts(told)
    assert merged["topic"] == "how many batches; how many packs"
    assert {s["value"] for s in merged["sides"]} == {
        "14 batches", "1,200,000 packs", "12 batches", "900,000 packs"
    }  # fmt: skip
    copies = {"a": "copy:D1", "b": "copy:D1", "c": "c", "d": "d"}  # a and b: one source
    assert len(number_conflicts(told, copies)) == 2


def test_talks_adjourned_against_broken_off_and_told_as_planned() -> None:
    told = [
        Dated(sent("a", "The talks were adjourned shortly after 1am without a deal"), None),
        Dated(sent("b", "The talks collapsed after nine hours when negotiators walked out"), None),
        Dated(
            sent("c", "Las negociaciones quedaron suspendidas sin acuerdo tras una larga jornada"),
            None,
        ),
        Dated(sent("d", "A spokesman said the committee would meet as planned on Tuesday"), None),
    ]
    (modality,) = [c for c in modality_conflicts(told) if c["kind"] == "modality"]
    sides = {s["value"]: {x["article_id"] for x in s["sources"]} for s in modality["sides"]}
    assert sides == {"postponed": {"a", "c"}, "cancelled": {"b"}, "as planned": {"d"}}
    assert modality["topic"].endswith("called off or postponed or held as planned")


def test_one_happening_given_two_printed_days() -> None:
    e = date(2026, 3, 19)
    told = [
        Dated(
            sent("a", "They agreed to hold the election on 13 September", days=("2026-09-13",)), e
        ),
        Dated(sent("b", "The election will be held on 20 September", days=("2025-09-20",)), e),
        Dated(sent("c", "The election will be held on 13 September", days=("2026-09-13",)), e),
        Dated(sent("d", "The strike began on 12 March, the union said", days=("2026-03-12",)), e),
    ]
    v = np.array([[1, 0], [1, 0], [1, 0], [0, 1]], dtype=np.float32)
    (conflict,) = date_conflicts(told, v)
    sides = {s["value"]: {x["article_id"] for x in s["sources"]} for s in conflict["sides"]}
    assert sides == {"2026-09-13": {"a", "c"}, "2025-09-20": {"b"}}  # the year is not compared
    assert conflict["over_time"] is False
    dateline = Dated(
        sent(
            "e",
            "VALMERE, March 19 - the election on 20 September",
            days=("2026-03-19", "2026-09-20"),
        ),
        e,
    )
    other = Dated(
        sent("f", "VALMERE, March 9 - the strike", days=("2026-03-09",)), date(2026, 3, 9)
    )
    assert date_conflicts([dateline, other], v[:2]) == []  # each article's own day is no clash


def test_a_stance_conflict_cites_every_report_of_its_two_events() -> None:
    early = Dated(
        sent("a", "An early election would help nobody"), date(2026, 3, 1), "Helena Strand", "E1"
    )
    late = Dated(
        sent("b", "She does not rule out an early election"),
        date(2026, 3, 15),
        "Helena Strand",
        "E2",
    )
    misspelt = Dated(  # a tabloid's "Helen Strand", entity resolution kept apart
        sent("c", "Helen Strand performed a U-turn on an early election"),
        date(2026, 3, 15),
        "Helen Strand",
        "E2",
    )
    unquoted = Dated(
        sent(
            "d",
            "La ministra Helena Strand ya no descarta un adelanto electoral",
            actors=("Helena Strand",),
        ),
        date(2026, 3, 15),
        None,
        "E2",
    )
    someone_else = Dated(
        sent("e", "An early election is what Pia Marek wants"), date(2026, 3, 15), "Pia Marek", "E2"
    )
    other_event = Dated(
        sent("f", "Strand named the election day", actors=("Strand",)),
        date(2026, 3, 19),
        None,
        "E3",
    )
    off_matter = Dated(
        sent("g", "Helena Strand keeps a slide rule on her desk"),
        date(2026, 3, 1),
        "Helena Strand",
        "E1",
    )
    told = [early, late, misspelt, unquoted, someone_else, other_event, off_matter]
    v = np.ones((len(told), 4), dtype=np.float32) / 2
    v[-1] = [1, 0, 0, 0]  # another matter: cosine 0.5
    (conflict,) = stance_conflicts(told, v)
    by_side = {s["value"]: {x["article_id"] for x in s["sources"]} for s in conflict["sides"]}
    assert by_side == {"affirmed": {"a"}, "negated": {"b", "c", "d"}}


def test_an_undated_copy_joins_the_dated_stance_conflict() -> None:
    early = Dated(sent("a", "For now we don't need any meetings"), date(2025, 10, 26), "L", "E1")
    late = Dated(
        sent("b", "We are ready to hold meetings when necessary"), date(2025, 11, 9), "L", "E2"
    )
    undated = Dated(sent("c", "We are ready to hold meetings when necessary"), None, "L", "E3")
    v = np.ones((3, 4), dtype=np.float32) / 2
    (conflict,) = stance_conflicts([early, late, undated], v)
    assert conflict["over_time"] is True
    cited = {x["article_id"] for s in conflict["sides"] for x in s["sources"]}
    assert cited == {"a", "b", "c"}


def test_scorer_takes_a_one_article_disagreement_and_dates_as_figures() -> None:
    gold = {"topic": "whether he offered a video link", "accounts": {"k": "offered video"}}
    conflict = {
        "topic": "what Lind disputes",
        "over_time": False,
        "sides": [{"value": "account", "sources": [{"article_id": "a", "text": "offered video"}]}],
    }
    (match,) = match_disagreements([gold], [conflict], {"k": "a"})
    assert match["found"]
    assert match["right_sides"]
    claim = {"numbers": [], "dates": ["2026-09-13"], "sources": [{"article_id": "a"}]}
    assert figure_found({"article": "k", "claim": "election on 13 September"}, [claim], {"k": "a"})
    assert not figure_found(
        {"article": "k", "claim": "election on 20 September"}, [claim], {"k": "a"}
    )


def test_a_flagged_timeline_date_is_a_conflict_with_a_side_per_date() -> None:
    sources = (
        TimelineSource(article_id="a", start=0, end=9, outlet="Wire", timex="before 2031"),
        TimelineSource(
            article_id="b", start=4, end=20, outlet="Gazette", timex="2031", date="2031"
        ),
        TimelineSource(article_id="c", start=0, end=9, outlet="Ledger", timex="end of 2030"),
    )
    entry = TimelineEntry(
        date="2030", what="No redundancies", sources=sources, conflict="also dated 2031 by Gazette"
    )
    quiet = TimelineEntry(date="2026-04-01", what="Shifts change", sources=sources[:1])
    timeline = StoryTimeline("S1", "strike", {}, [entry, quiet], [], [])
    (conflict,) = _date_conflicts(timeline)
    sides = {
        side["value"]: [s["article_id"] for s in side["sources"]] for side in conflict["sides"]
    }
    assert sides == {"2030": ["a", "c"], "2031": ["b"]}
    assert conflict["note"] == "also dated 2031 by Gazette"
