"""Entities and in-article coreference on invented sentences."""

from __future__ import annotations

from storyline.model import Analysis
from storyline.nlp.analyse import analyse, analyse_texts


def _entity_of(result: Analysis, words: str) -> str:
    mention = next(m for m in result.mentions if m.text == words)
    return result.entities[mention.entity].name


TEXT = (
    "Harbour Minister Sarah Collins met Mayor David Miller in Lindholm on Monday.\n"
    "Collins said the pier would reopen. The minister later toured the docks with "
    "Miller, and she praised the crews.\n"
    "The Lindholm leader was less upbeat."
)


def test_surname_title_and_pronoun_join_the_full_name() -> None:
    result = analyse(TEXT, "en")
    assert _entity_of(result, "Collins") == "Sarah Collins"
    assert _entity_of(result, "The minister") == "Sarah Collins"
    assert _entity_of(result, "she") == "Sarah Collins"
    assert _entity_of(result, "Miller") == "David Miller"


def test_titles_are_stripped_from_names() -> None:
    names = {e.name for e in analyse(TEXT, "en").entities if e.label == "PERSON"}
    assert {"Sarah Collins", "David Miller"} <= names
    assert not any(n.split()[0] in {"Harbour", "Minister", "Mayor"} for n in names)


def test_mentions_point_into_the_text() -> None:
    result = analyse(TEXT, "en")
    assert all(TEXT[m.start : m.end] == m.text for m in result.mentions)
    assert all(0 <= m.entity < len(result.entities) for m in result.mentions)


def test_organisation_acronym_joins_the_full_name() -> None:
    text = (
        "Lindholm Ferry Services cancelled three crossings. A spokesman said LFS would add buses."
    )
    result = analyse(text, "en")
    orgs = [m for m in result.mentions if m.label == "ORG"]
    assert len({m.entity for m in orgs}) == 1


def test_batch_keeps_order_and_processors() -> None:
    results = analyse_texts([(TEXT, "en"), ("", "en"), ("Ein Text.", "de"), (TEXT, None)])
    assert [r.processor.split(":")[0] for r in results] == [
        "spacy",
        "fallback",
        "fallback",
        "fallback",
    ]
    assert results[0].entities
    assert results[1] == type(results[1])(processor="fallback")
