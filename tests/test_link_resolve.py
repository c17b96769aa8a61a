"""Cross-article entity resolution: variants, scripts, ambiguity, alias edits that survive."""

from __future__ import annotations

import pytest
from link_helpers import add_article

from storyline.errors import StorylineError
from storyline.link.resolve import list_canonical, merge, resolve_entities, split
from storyline.store.analyses import load_analysis
from storyline.store.db import Store


def _canonical(store: Store, article_id: str, entity: int) -> str | None:
    analysis = load_analysis(store, article_id)
    assert analysis is not None
    return analysis.entities[entity].canonical


def _groups(store: Store) -> dict[str, set[str]]:
    return {row.name: set(row.variants) for row in list_canonical(store)}


@pytest.fixture
def corpus(store: Store) -> dict[str, str]:
    """Five invented articles naming the same people in other spellings, scripts and titles."""
    return {
        "a": add_article(
            store,
            "Foreign Minister Oleg Brannik met Vasyl Hrytsenko in Brightwater on Monday.",
            source="a.txt",
            published="2026-03-01",
            entities=[
                ("PERSON", "Foreign Minister Oleg Brannik"),
                ("PERSON", "Vasyl Hrytsenko"),
                ("GPE", "Brightwater"),
            ],
        ),
        "b": add_article(
            store,
            "Олег Браннік заявив, що переговори тривають. Брокер Harbourco мовчить.",
            source="b.txt",
            published="2026-03-02",
            entities=[("PERSON", "Олег Браннік"), ("ORG", "Harbourco")],
        ),
        "c": add_article(
            store,
            "Wasyl Hrytsenkyj said Brannik had called twice. The Harbourco board met.",
            source="c.txt",
            published="2026-03-03",
            entities=[
                ("PERSON", "Wasyl Hrytsenkyj"),
                ("PERSON", "Brannik"),
                ("ORG", "The Harbourco"),
            ],
        ),
        "d": add_article(
            store,
            "Robert Kallas and Peter Kallas disagree. Kallas would not comment on Brightwater.",
            source="d.txt",
            published="2026-03-04",
            entities=[
                ("PERSON", "Robert Kallas"),
                ("PERSON", "Peter Kallas"),
                ("PERSON", "Kallas"),
                ("GPE", "Brightwater"),
            ],
        ),
        "e": add_article(
            store,
            "Steve Oduya, the envoy, arrived late. Stephen Oduya left early, said R. Kallas.",
            source="e.txt",
            published="2026-03-05",
            entities=[
                ("PERSON", "Steve Oduya"),
                ("PERSON", "Stephen Oduya"),
                ("PERSON", "R. Kallas"),
            ],
        ),
    }


def test_people_and_orgs_are_resolved_across_articles(store: Store, corpus: dict[str, str]) -> None:
    report = resolve_entities(store)
    assert (report.entities, report.linked) == (15, 15)
    a, b, c, d, e = (corpus[k] for k in "abcde")
    brannik = _canonical(store, a, 0)
    assert brannik == "Oleg Brannik"  # title stripped, Latin script preferred
    assert _canonical(store, b, 0) == brannik  # Cyrillic (Ukrainian) ↔ Latin
    assert _canonical(store, c, 1) == brannik  # surname alone, unambiguous
    assert _canonical(store, c, 0) == _canonical(store, a, 1)  # Wasyl Hrytsenkyj ↔ Vasyl Hrytsenko
    assert _canonical(store, b, 1) == _canonical(store, c, 2) == "Harbourco"
    assert _canonical(store, a, 2) == _canonical(store, d, 3) == "Brightwater"
    assert _canonical(store, e, 0) == _canonical(store, e, 1)  # Steve ↔ Stephen
    # Two Kallases with different given names stay apart; "Kallas" alone is ambiguous;
    # "R. Kallas" fits only Robert.
    robert, peter, lone = (_canonical(store, d, i) for i in range(3))
    assert len({robert, peter, lone}) == 3
    assert _canonical(store, e, 2) == robert


def test_rerun_replaces_the_previous_result(store: Store, corpus: dict[str, str]) -> None:
    first = resolve_entities(store)
    second = resolve_entities(store)
    assert (first.canonical, first.linked) == (second.canonical, second.linked)
    count = store.conn.execute("SELECT COUNT(*) FROM entity_links").fetchone()[0]
    assert count == second.linked


def test_merge_and_split_survive_re_resolution(store: Store, corpus: dict[str, str]) -> None:
    resolve_entities(store)
    d = corpus["d"]
    merge(store, "Robert Kallas", "Kallas")
    assert _canonical(store, d, 2) == "Robert Kallas"
    split(store, "Oleg Brannik", "Brannik")
    assert _canonical(store, corpus["c"], 1) == "Brannik"
    assert _canonical(store, corpus["a"], 0) == "Oleg Brannik"
    report = resolve_entities(store)  # a later automatic run replays both edits
    assert report.edits_applied == 2
    assert _canonical(store, d, 2) == "Robert Kallas"
    assert _canonical(store, corpus["c"], 1) == "Brannik"
    assert _canonical(store, corpus["b"], 0) == "Oleg Brannik"


def test_an_edit_naming_nothing_is_refused_and_not_kept(
    store: Store, corpus: dict[str, str]
) -> None:
    resolve_entities(store)
    with pytest.raises(StorylineError, match="cannot merge"):
        merge(store, "Oleg Brannik", "Nobody Known")
    assert store.conn.execute("SELECT COUNT(*) FROM alias_edits").fetchone()[0] == 0


def test_listing_has_variants_and_article_counts(store: Store, corpus: dict[str, str]) -> None:
    resolve_entities(store)
    groups = _groups(store)
    assert {"Foreign Minister Oleg Brannik", "Олег Браннік", "Brannik"} <= groups["Oleg Brannik"]
    rows = {row.name: row for row in list_canonical(store)}
    assert rows["Oleg Brannik"].articles == 3
    assert rows["Oleg Brannik"].label == "PERSON"


def test_descriptions_and_other_labels_are_not_linked(store: Store) -> None:
    add_article(
        store,
        "The harbour chief spoke on Monday.",
        source="x.txt",
        published=None,
        entities=[("PERSON", "the harbour chief"), ("DATE", "Monday")],
    )
    report = resolve_entities(store)
    assert (report.entities, report.linked, report.canonical) == (2, 0, 0)
