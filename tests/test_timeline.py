"""Event dates, the merged story timeline, stored time expressions and `storyline timeline`."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from link_helpers import add_article

from storyline.cli import cli
from storyline.compare.event_dates import EventMember, event_date
from storyline.compare.periods import period_start
from storyline.compare.sentences import sentence_spans
from storyline.compare.story_timeline import story_timeline
from storyline.compare.timeline import timeline_entries
from storyline.compare.timeline_drafts import TimelineDoc
from storyline.link.cluster import assign_events
from storyline.link.dedup import find_duplicates
from storyline.link.resolve import resolve_entities
from storyline.link.stories import list_stories
from storyline.nlp.run import timex_store
from storyline.nlp.timex import find_timexes
from storyline.store.db import Store
from storyline.store.timexes import load_timexes

FERRY = [("ORG", "Saltmarsh Lines"), ("PERSON", "Miriam Okonjo")]
FIRST = (
    "Saltmarsh Lines said on Monday it would suspend night crossings to the Orrin islands from "
    "1 June, citing a shortage of 14 certified engineers. Council leader Miriam Okonjo called it "
    "a betrayal of families who rely on the late boat to reach the hospital on the mainland. "
    "The company first warned of the shortage on 12 March."
)
SECOND = (
    "Night crossings to the Orrin islands will stop from 1 June, Saltmarsh Lines announced on "
    "Monday, blaming a shortage of 14 certified engineers. Miriam Okonjo, the council leader, "
    "said families who rely on the late boat to reach the mainland hospital had been betrayed. "
    "Saltmarsh Lines first warned of the engineer shortage on 14 March."
)


def doc(i: str, text: str, published: date | None, event: str | None = "E1") -> TimelineDoc:
    timexes = tuple(find_timexes(text, "en", published))
    return TimelineDoc(i, text, f"Outlet {i}", timexes, (), event, published=published)


def test_sentence_spans_cover_each_sentence() -> None:
    text = "First one. Second one!\nThird line"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "First one.",
        "Second one!",
        "Third line",
    ]


def test_period_start_orders_granularities() -> None:
    assert period_start("2025-10") == date(2025, 10, 1)
    assert period_start("2025-W45") == date(2025, 11, 3)
    assert period_start("2025") < period_start("2025-01-02")


def test_event_date_is_the_lede_day_not_publication() -> None:
    text = "The minister said on Sunday that talks would resume. Nothing else was agreed."
    member = EventMember(
        "a", text, date(2025, 10, 27), tuple(find_timexes(text, "en", date(2025, 10, 27)))
    )
    when = event_date([member])
    assert when.value == "2025-10-26"
    assert when.confidence == 1.0
    assert "Sunday" in when.evidence[0]


def test_event_date_falls_back_to_publication_at_half_weight() -> None:
    lede = "The minister said on Sunday that talks would resume."
    plain = "Talks will resume, the minister said."
    a = EventMember(
        "a", lede, date(2025, 10, 27), tuple(find_timexes(lede, "en", date(2025, 10, 27)))
    )
    b = EventMember("b", plain, date(2025, 10, 28), ())
    when = event_date([a, b])
    assert when.value == "2025-10-26"
    assert when.confidence == round(1 / 1.5, 3)
    assert event_date([EventMember("c", plain, None, ())]).value is None


def test_event_date_tie_goes_to_the_day_a_lede_states() -> None:
    lede = "Talks fell apart tonight after nine hours."
    plain = "Talks were adjourned without a deal."
    tonight = EventMember(
        "a", lede, date(2026, 3, 17), tuple(find_timexes(lede, "en", date(2026, 3, 17)))
    )
    papers = [EventMember(k, plain, date(2026, 3, 18), ()) for k in ("b", "c")]
    assert event_date([tonight, *papers]).value == "2026-03-17"


def test_one_happening_from_two_outlets_is_one_entry_with_both_sources() -> None:
    entries = timeline_entries(
        [doc("a", FIRST, date(2026, 5, 5)), doc("b", SECOND, date(2026, 5, 5))]
    )
    june = [e for e in entries if e.date == "2026-06-01"]
    assert len(june) == 1
    assert {s.article_id for s in june[0].sources} == {"a", "b"}
    assert [e.date for e in entries] == sorted(
        (e.date for e in entries), key=lambda v: (period_start(v), -len(v))
    )
    # the two outlets date the first warning differently: one entry, flagged with the other date
    (warned,) = [e for e in entries if e.date in {"2026-03-12", "2026-03-14"}]
    assert warned.date == "2026-03-12"
    assert warned.conflict == "also dated 2026-03-14 by Outlet b"
    assert {s.article_id for s in warned.sources} == {"a", "b"}


def test_event_entry_gathers_every_lede_of_the_event() -> None:
    from storyline.model import EventDate

    docs = [doc("a", FIRST, date(2026, 5, 5)), doc("b", SECOND, None)]
    entries = timeline_entries(docs, {"E1": EventDate(value="2026-05-04", confidence=1.0)})
    event = [e for e in entries if e.kind == "event"]
    assert len(event) == 1
    assert {s.article_id for s in event[0].sources} == {"a", "b"}
    assert event[0].date == "2026-05-04"


def _story(store: Store, second_published: str | None) -> list[str]:
    ids = [
        add_article(store, FIRST, source="a.txt", published="2026-05-05", entities=FERRY),
        add_article(store, SECOND, source="b.txt", published=second_published, entities=FERRY),
    ]
    resolve_entities(store)
    find_duplicates(store)
    assign_events(store)
    timex_store(store)
    return ids


def _monday(store: Store, article_id: str) -> str | None:
    return next(t.value for t in load_timexes(store, article_id) if t.text == "Monday")


def test_undated_article_reads_its_dates_against_its_event(store: Store) -> None:
    first, second = _story(store, None)
    assert _monday(store, second) is None  # nothing to anchor "Monday" on alone
    (view,) = list_stories(store)
    tl = story_timeline(store, view)
    assert tl.events[view.events[0].id].value == "2026-05-04"
    (undated,) = tl.undated
    assert undated.article_id == second
    assert undated.anchor == date(2026, 5, 5)
    assert undated.earliest == "2026-05-04"
    assert undated.latest == "2026-05-05"
    june = next(e for e in tl.entries if e.date == "2026-06-01")
    assert {s.article_id for s in june.sources} == {first, second}


def test_timexes_are_redone_when_the_publication_date_changes(store: Store) -> None:
    _, second = _story(store, "2026-05-05")
    assert _monday(store, second) == "2026-05-04"  # the Monday before 5 May
    assert timex_store(store) == 0  # nothing changed: nothing redone
    store.conn.execute("UPDATE articles SET published = '2026-05-12' WHERE id = ?", (second,))
    assert timex_store(store) == 1
    assert _monday(store, second) == "2026-05-11"


def test_timeline_command_prints_markdown_and_json(store: Store) -> None:
    _story(store, "2026-05-05")
    db = str(store.path)
    runner = CliRunner()
    md = runner.invoke(cli, ["--db", db, "timeline", "S1"])
    assert md.exit_code == 0, md.output
    assert "| 2026-06-01 |" in md.output
    assert "Outlet a.txt" in md.output
    js = runner.invoke(cli, ["--db", db, "timeline", "S1", "--format", "json"])
    data = json.loads(js.output)
    assert data["story"] == "S1"
    assert data["entries"]
    missing = runner.invoke(cli, ["--db", db, "timeline", "S99"])
    assert missing.exit_code != 0
    assert "storyline stories" in missing.output


def test_seasons_and_far_shifts_do_not_crash() -> None:
    assert period_start("2025-WI") == date(2025, 12, 1)
    far = find_timexes("Settled 5000 years ago, it thrived.", "en", date(2011, 2, 1))
    assert all(t.value is None or t.value[:1] != "-" for t in far)


@pytest.mark.parametrize(
    ("coarse", "coarse_day", "fine", "fine_day"),
    [
        (  # a month
            "The ministers recalled the August summit in Anchorage, Alaska between the presidents.",
            date(2025, 10, 27),
            "They met at their August 15 summit in Anchorage, Alaska, the presidents said.",
            date(2025, 11, 10),
        ),
        (  # a season
            "Lavrov said the meeting held in Anchorage, Alaska in the summer should remain"
            " the basis.",
            date(2025, 11, 10),
            "The understandings reached at their August 15 summit in Anchorage, Alaska"
            " were praised.",
            date(2025, 11, 9),
        ),
    ],
)
def test_a_coarse_mention_joins_the_day_it_tells_of(
    coarse: str, coarse_day: date, fine: str, fine_day: date
) -> None:
    entries = timeline_entries([doc("a", coarse, coarse_day), doc("b", fine, fine_day)])
    (summit,) = entries
    assert summit.date == "2025-08-15"
    assert {s.article_id for s in summit.sources} == {"a", "b"}


def test_a_detail_on_the_event_day_joins_the_event_entry() -> None:
    from storyline.model import EventDate

    text = (
        "The union called a strike on Monday after talks failed. "
        "The operator declined to comment on Monday, a spokesman said."
    )
    entries = timeline_entries(
        [doc("a", text, date(2026, 3, 10))], {"E1": EventDate(value="2026-03-09", confidence=1.0)}
    )
    assert [(e.date, e.kind) for e in entries] == [("2026-03-09", "event")]


def test_mentions_dating_the_same_thing_are_one_entry() -> None:
    # little in common but the noun the year dates: "the 2023 election"
    a = "She became finance minister after the 2023 election, her aides recalled."
    b = "Ferrante's coalition, formed after the 2023 election, now looks fragile."
    c = "Corvane opened a new plant in 2023 near the river."
    entries = timeline_entries(
        [doc("a", a, date(2026, 3, 1)), doc("b", b, date(2026, 3, 2)), doc("c", c, None)]
    )
    assert sorted(sorted(s.article_id for s in e.sources) for e in entries) == [["a", "b"], ["c"]]


def test_a_time_of_day_dates_its_day() -> None:
    text = "The first ships will sail from 6am on Friday, the operator said."
    (entry,) = timeline_entries([doc("a", text, date(2026, 3, 26), None)])
    assert entry.date == "2026-03-27"
    assert entry.sources[0].timex == "6am on Friday"


def test_events_telling_one_happening_are_one_entry() -> None:
    from storyline.model import EventDate

    english = "Saltmarsh Lines suspended night crossings to the Orrin islands on Monday."
    again = "Night crossings to the Orrin islands were suspended by Saltmarsh Lines."
    other = "A new bakery opened in the harbour town to long queues."
    docs = [
        doc("a", english, date(2026, 5, 5), "E1"),
        doc("b", english.replace("Saltmarsh Lines", "The ferry firm Saltmarsh Lines"), None, "E2"),
        doc("c", again, None, "E3"),  # an undated event telling the same happening
        doc("d", other, None, "E4"),  # an undated event telling another
    ]
    day = EventDate(value="2026-05-04", confidence=1.0)
    entries = timeline_entries(docs, {"E1": day, "E2": day})
    (event,) = [e for e in entries if e.kind == "event"]
    assert {s.article_id for s in event.sources} == {"a", "b", "c"}


def test_a_sentence_giving_two_dates_is_no_conflict() -> None:
    from storyline.model import EventDate

    text = "The union said on Monday that dockers will begin an indefinite strike on Thursday."
    docs = [doc("a", text, date(2026, 3, 10)), doc("b", text, date(2026, 3, 10))]
    entries = timeline_entries(docs, {"E1": EventDate(value="2026-03-09", confidence=1.0)})
    assert {e.date for e in entries} == {"2026-03-09", "2026-03-12"}
    assert not any(e.conflict for e in entries)


def test_a_detail_on_the_event_day_brings_its_other_sources() -> None:
    from storyline.model import EventDate

    lede = "Saltmarsh Lines said on Monday it would suspend night crossings."
    detail = "Engineers walked out of the Orrin depot on Monday in protest."
    docs = [
        doc("a", f"{lede} {detail}", date(2026, 3, 10), "E1"),
        doc("b", f"Fares rose again. {detail}", date(2026, 3, 10), "E2"),
    ]
    entries = timeline_entries(docs, {"E1": EventDate(value="2026-03-09", confidence=1.0)})
    (entry,) = entries
    assert entry.kind == "event"
    assert {s.article_id for s in entry.sources} == {"a", "b"}


def test_a_month_mention_stays_apart_from_the_event_recalling_it() -> None:
    from storyline.model import EventDate

    lede = "The minister said on Sunday that the cancelled Budapest summit could still take place."
    recalled = "The Budapest summit was cancelled last month, officials said."
    docs = [doc("a", lede, date(2025, 10, 27)), doc("b", recalled, date(2025, 11, 10), "E2")]
    entries = timeline_entries(docs, {"E1": EventDate(value="2025-10-26", confidence=1.0)})
    assert [(e.date, e.kind) for e in entries] == [("2025-10", "mention"), ("2025-10-26", "event")]


def _lede_at(text: str, published: date, word: str) -> int:
    return next(t.start for t in find_timexes(text, "en", published) if t.text == word)


def test_the_day_a_lede_dates_its_event_by_is_no_entry_of_its_own() -> None:
    from dataclasses import replace

    from storyline.model import EventDate

    tonight = "Port talks fell apart tonight after nine hours, the Meridian understands."
    night = "Port talks were adjourned shortly after 1am on Wednesday after eleven hours."
    docs = [
        doc("a", tonight, date(2026, 3, 17)),
        replace(
            doc("b", night, date(2026, 3, 18)),
            lede_at=_lede_at(night, date(2026, 3, 18), "1am on Wednesday"),
        ),
    ]
    entries = timeline_entries(docs, {"E1": EventDate(value="2026-03-17", confidence=0.5)})
    (event,) = entries  # not a second line on the 18th
    assert (event.date, event.kind) == ("2026-03-17", "event")
    assert {s.article_id for s in event.sources} == {"a", "b"}


def test_a_happening_two_reports_tell_on_the_event_day_keeps_its_line() -> None:
    from storyline.model import EventDate

    one = (
        "Port talks fell apart tonight after nine hours. "
        "Labour Alliance MPs tonight renewed calls for an emergency back-to-work law."
    )
    other = (
        "Port talks were adjourned on Tuesday without a deal. "
        "On Tuesday, members of the Labour Alliance floated emergency legislation."
    )
    docs = [doc("a", one, date(2026, 3, 17)), doc("b", other, date(2026, 3, 18))]
    entries = timeline_entries(docs, {"E1": EventDate(value="2026-03-17", confidence=1.0)})
    assert sorted(e.kind for e in entries) == ["event", "mention"]
    (law,) = [e for e in entries if e.kind == "mention"]
    assert {s.article_id for s in law.sources} == {"a", "b"}


def test_a_guessed_year_follows_the_reports_that_date_the_same_happening() -> None:
    french = "Ferrante et Strand ont annoncé jeudi la tenue d'élections anticipées le 13 septembre."
    english = "Ferrante and Strand agreed to hold an early general election on 13 September."
    docs = [
        TimelineDoc("f", french, "Écho", tuple(find_timexes(french, "fr", date(2026, 3, 20)))),
        doc("a", english, date(2026, 3, 19)),
        doc("b", english.replace("agreed", "decided"), date(2026, 3, 20)),
    ]
    assert docs[0].timexes[-1].value == "2025-09-13"  # past "annoncé": the September before
    (entry,) = [e for e in timeline_entries(docs) if e.date.endswith("09-13")]
    assert entry.date == "2026-09-13"
    assert {s.article_id for s in entry.sources} == {"f", "a", "b"}


def test_a_range_is_one_entry_at_its_start() -> None:
    text = "The recall covers tablets distributed between July and December 2025."
    (entry,) = timeline_entries([doc("a", text, date(2026, 2, 10))])
    assert entry.date == "2025-07"


def test_before_a_year_dates_the_year_before() -> None:
    wire = "VCT committed not to make compulsory redundancies linked to automation before 2031."
    ledger = (
        "VCT committed to no compulsory redundancies linked to automation until the end of 2030."
    )
    entries = timeline_entries([doc("a", wire, date(2026, 3, 26)), doc("b", ledger, None)])
    (entry,) = entries
    assert entry.date == "2030"
    assert {s.article_id for s in entry.sources} == {"a", "b"}


def test_what_may_happen_is_no_entry() -> None:
    text = (
        "Sources say the executive could vote to quit the government as early as this week. "
        "The executive met on Monday."
    )
    entries = timeline_entries([doc("a", text, date(2026, 3, 16))])
    assert [e.date for e in entries] == ["2026-03-16"]


def test_a_week_recalling_the_event_joins_its_entry() -> None:
    from storyline.model import EventDate

    lede = "Strand said on Sunday she would keep her word and serve the full term."
    later = "Two weeks ago I said I would keep my word and serve the full term, Strand said."
    docs = [doc("a", lede, date(2026, 3, 1)), doc("b", later, date(2026, 3, 15), "E2")]
    entries = timeline_entries(docs, {"E1": EventDate(value="2026-03-01", confidence=1.0)})
    event = next(e for e in entries if e.kind == "event" and e.date == "2026-03-01")
    assert "b" in {s.article_id for s in event.sources}
    assert not any(e.date.startswith("2026-W") for e in entries)


def test_the_reports_own_week_or_year_opens_no_entry_but_joins_one() -> None:
    vague = "An outside laboratory would audit every batch produced at the plant this year."
    stated = "An outside laboratory will audit every batch produced at the plant in 2026."
    alone = [
        doc("a", vague, date(2026, 3, 2)),
        doc("c", "Safety is what matters this week, he said.", date(2026, 2, 10)),
        doc("d", stated, date(2026, 3, 3)),  # its year stated, still the report's own
    ]
    assert timeline_entries(alone) == []
    (entry,) = timeline_entries([doc("a", vague, date(2026, 3, 2)), doc("b", stated, None)])
    assert entry.date == "2026"
    assert {s.article_id for s in entry.sources} == {"a", "b"}


def test_a_one_article_event_far_from_the_story_adds_nothing() -> None:
    from storyline.model import EventDate

    strike = "The union called a strike on Monday after talks failed."
    row = "The chief executive completed a charity row on Sunday, his second in 2025."
    talk = "The union leader said on Sunday that the strike would go on."
    docs = [
        doc("a", strike, date(2026, 3, 10)),
        doc("b", strike, date(2026, 3, 10)),
        doc("c", row, date(2025, 9, 15), "E2"),
        doc("d", talk, date(2026, 3, 16), "E3"),
    ]
    dates = {"E1": "2026-03-09", "E2": "2025-09-14", "E3": "2026-03-15"}
    entries = timeline_entries(
        docs, {e: EventDate(value=v, confidence=1.0) for e, v in dates.items()}
    )
    sources = {s.article_id for e in entries for s in e.sources}
    assert sources == {"a", "b", "d"}
    assert "2025" not in {e.date for e in entries}


def test_outlets_dating_one_happening_apart_give_one_flagged_entry() -> None:
    told = [
        ("a", "The leaders agreed on Thursday to hold an early general election on 13 September."),
        (
            "b",
            "The leaders said on Thursday they will hold an early general election"
            " on 13 September.",
        ),
        (
            "c",
            "After a long meeting, the leaders announced that the general election will be"
            " held on 20 September.",
        ),
    ]
    entries = timeline_entries([doc(i, text, date(2026, 3, 20)) for i, text in told])
    (election,) = [e for e in entries if e.date.startswith("2026-09")]
    assert election.date == "2026-09-13"
    assert election.conflict == "also dated 2026-09-20 by Outlet c"
    assert {s.article_id for s in election.sources} == {"a", "b", "c"}


def test_an_inclusive_and_an_exclusive_bound_of_one_guarantee_give_one_flagged_entry() -> None:
    told = [
        ("a", "The deal rules out compulsory redundancies linked to automation before 2031."),
        ("b", "The agreement bars compulsory redundancies linked to automation until 2031."),
        ("c", "VCT has committed to no compulsory redundancies linked to automation until 2030."),
    ]
    entries = timeline_entries([doc(i, text, date(2026, 3, 26)) for i, text in told])
    (guarantee,) = [e for e in entries if e.date in ("2030", "2031")]
    assert guarantee.date == "2030"
    assert guarantee.conflict == "also dated 2031 by Outlet b"
    assert {s.article_id: s.date for s in guarantee.sources} == {"a": "", "b": "2031", "c": ""}


def test_years_further_apart_are_two_happenings() -> None:
    told = [
        ("a", "Compulsory redundancies linked to automation were ruled out in 2029."),
        ("b", "Compulsory redundancies linked to automation were ruled out in 2031."),
    ]
    entries = timeline_entries([doc(i, text, date(2026, 3, 26)) for i, text in told])
    assert {e.date for e in entries} == {"2029", "2031"}
    assert not any(e.conflict for e in entries)


STRIKE = "The dockers' strike began on Thursday and has halted most cargo handling at the port."


def test_a_happening_another_story_tells_more_often_leaves_this_timeline() -> None:
    coalition = (
        "The finance minister said on Sunday that the coalition would last. "
        "The dockers' strike, which began on Thursday, has halted most cargo at the port."
    )
    ours = [doc("a", coalition, date(2026, 3, 15))]
    theirs = [doc(i, STRIKE, date(2026, 3, 13), event=None) for i in ("x", "y")]
    alone = timeline_entries(ours)
    assert "2026-03-12" in {e.date for e in alone}
    shared = timeline_entries(ours, foreign={"S9": theirs})
    assert "2026-03-12" not in {e.date for e in shared}
    assert {e.date for e in shared} == {e.date for e in alone} - {"2026-03-12"}


def test_another_storys_report_of_a_happening_is_a_source_of_its_entry() -> None:
    ours = [doc(i, STRIKE, date(2026, 3, 13)) for i in ("a", "b")]
    coalition = "The dockers' strike, which began on Thursday, has halted cargo at the port."
    told = timeline_entries(ours, foreign={"S9": [doc("x", coalition, date(2026, 3, 15), None)]})
    (strike,) = [e for e in told if e.date == "2026-03-12"]
    assert {s.article_id for s in strike.sources} == {"a", "b", "x"}
    elsewhere = "The ferry company said on Thursday that ticket prices would rise in April."
    unrelated = timeline_entries(ours, foreign={"S9": [doc("z", elsewhere, date(2026, 3, 13))]})
    assert "z" not in {s.article_id for e in unrelated for s in e.sources}


def test_one_article_giving_two_days_tells_two_happenings() -> None:
    text = (
        "The executive would meet on Monday, she said. "
        "The committee would meet as planned on Tuesday, a spokesman said."
    )
    entries = timeline_entries([doc("a", text, date(2026, 3, 15))])
    assert len({e.date for e in entries}) == 2
    assert not any(e.conflict for e in entries)


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("Talks resumed on Friday. That was not true this morning, she said.", ["2026-03-13"]),
        ("From April nobody will be asked to work a twelve-hour shift.", []),
        ("Voss has led the union since 2019 and has not called a strike before.", ["2019"]),
        ("The company did not inform the agency until 28 January.", ["2026-01-28"]),
    ],
)
def test_what_did_not_happen_is_no_entry(text: str, dates: list[str]) -> None:
    entries = timeline_entries([doc("a", text, date(2026, 3, 18))])
    assert [e.date for e in entries] == dates


def test_what_did_not_happen_is_no_entry_in_french_either() -> None:
    def french(text: str) -> TimelineDoc:
        found = tuple(find_timexes(text, "fr", date(2026, 3, 18)))
        return TimelineDoc("f", text, "Écho", found, language="fr")

    assert [e.date for e in timeline_entries([french("Ils ont voté le 3 mars.")])] == ["2026-03-03"]
    assert timeline_entries([french("Ils n'ont pas voté le 3 mars.")]) == []


def test_an_undated_sentence_retelling_a_happening_is_one_of_its_sources() -> None:
    dated = "Last month, Trump cancelled a planned meeting with Putin in Budapest."
    undated = (
        "Lavrov said Trump had proposed a Budapest meeting with Putin that was later postponed."
        " The weather in Moscow was cold."
    )
    other = "Trump said on Friday that Putin would not meet Zelensky."
    docs = [
        doc("a", dated, date(2025, 11, 10)),
        doc("b", undated, date(2025, 11, 10)),
        doc("c", other, date(2025, 11, 10)),
    ]
    assert all(len(e.sources) == 1 for e in timeline_entries(docs))
    entries = timeline_entries(docs, retold=True)
    (cancelled,) = [e for e in entries if e.date == "2025-10"]
    assert [s.article_id for s in cancelled.sources] == ["a", "b"]
    assert cancelled.sources[1].timex == ""
    assert all("b" not in {s.article_id for s in e.sources} for e in entries if e is not cancelled)


def test_an_undated_retelling_gives_its_day_to_the_narrative_after_it() -> None:
    from storyline.compare.story_timeline import _retold_days
    from storyline.model import TimelineEntry, TimelineSource

    text = "Lede sentence here. They spoke by phone.\nA couple of days later, we met."
    call = text.index("They")
    entries = [
        TimelineEntry(
            date="2025-10-16",
            what="They spoke by phone on 16 October.",
            sources=(
                TimelineSource(article_id="x", start=0, end=30, timex="16 October"),
                TimelineSource(article_id="a", start=0, end=19),  # a lede: no retelling
                TimelineSource(article_id="a", start=call, end=text.index("\n")),
            ),
        )
    ]
    docs = [doc("a", text, date(2025, 11, 10)), doc("x", "They spoke on 16 October.", None)]
    assert _retold_days(entries, docs) == {"a": {text.index("A couple"): "2025-10-16"}}
