"""Quotes and speakers on invented sentences: every mark style, partial, indirect, not-quotes."""

from __future__ import annotations

import pytest

from storyline.model import Analysis, Quote
from storyline.nlp.analyse import analyse
from storyline.nlp.marks import quote_spans


def _only(result: Analysis, starts: str) -> Quote:
    found = [q for q in result.quotes if q.text.startswith(starts)]
    assert len(found) == 1, [q.text for q in result.quotes]
    return found[0]


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("“", "”"), ('"', '"'), ("«", "»"), ("„", "“"), ("‚", "‘"), ("‘", "’"), ("'", "'")],
)
def test_every_mark_style_is_a_quote(opening: str, closing: str) -> None:
    text = f"{opening}The bridge opens in May,{closing} Mayor Sarah Collins said on Monday."
    quote = _only(analyse(text, "en"), "The bridge opens in May")
    assert quote.kind == "direct"
    assert quote.speaker == "Sarah Collins"
    assert quote.cue == "said"


def test_apostrophes_are_not_quote_marks() -> None:
    text = "The ferrymen’s union didn’t sign. ‘We’re not done,’ David Miller said."
    spans = quote_spans(text)
    assert [text[s.start : s.end] for s in spans] == ["We’re not done"]


def test_nested_quotes_stay_inside_their_outer_quote() -> None:
    text = '"We reject talk of a "crisis", or of "chaos" in the town," Maria Jensen said.'
    assert [text[s.start : s.end] for s in quote_spans(text)] == [
        'We reject talk of a "crisis", or of "chaos" in the town'
    ]


def test_speaker_is_the_fullest_name_never_a_pronoun_or_title() -> None:
    text = (
        "Harbour Minister Sarah Collins visited the docks on Friday.\n"
        "“We will rebuild the north pier first,” she said.\n"
        "“Then the ferries come back,” the minister added."
    )
    result = analyse(text, "en")
    assert {q.speaker for q in result.quotes} == {"Sarah Collins"}
    assert {q.speaker_mention for q in result.quotes} == {"she", "the minister"}
    assert all(
        text[q.speaker_start : q.speaker_end] == q.speaker_mention  # type: ignore[misc]
        for q in result.quotes
    )


def test_quote_spanning_paragraphs_and_cue_after_it() -> None:
    text = (
        "“The tide gauges failed twice in March.\n"
        "“Nobody told the pilots, and that is on us,” Maria Jensen said."
    )
    quote = _only(analyse(text, "en"), "The tide gauges failed")
    assert "Nobody told the pilots" in quote.text
    assert quote.speaker == "Maria Jensen"


def test_partial_quote_and_outlet_as_speaker() -> None:
    text = (
        'Maria Jensen described the new timetable as "a small miracle" on Tuesday.\n'
        'The plan, which Reuters called "ambitious but fragile", starts in June.'
    )
    result = analyse(text, "en")
    assert _only(result, "a small miracle").kind == "partial"
    assert _only(result, "a small miracle").speaker == "Maria Jensen"
    assert _only(result, "ambitious but fragile").speaker == "Reuters"


def test_scare_quotes_titles_and_so_called_are_not_quotes() -> None:
    text = (
        'The museum opened "Salt and Iron: Two Centuries of Shipbuilding" on Sunday.\n'
        'Critics mocked the so-called "green harbour" plan.\n'
        'Its new "modern" look drew crowds, Maria Jensen said.'
    )
    assert analyse(text, "en").quotes == () or all(
        q.kind == "indirect" for q in analyse(text, "en").quotes
    )


def test_indirect_speech_and_according_to() -> None:
    text = (
        "David Miller said that the ferry service would resume within two weeks.\n"
        "According to Maria Jensen, the repairs will cost four million crowns."
    )
    result = analyse(text, "en")
    first = _only(result, "the ferry service would resume")
    assert (first.kind, first.speaker, first.cue) == ("indirect", "David Miller", "said")
    second = _only(result, "the repairs will cost")
    assert (second.kind, second.speaker) == ("indirect", "Maria Jensen")


def test_medium_and_addressee() -> None:
    text = "“We are ready,” David Miller told the Coastal Herald in an interview."
    quote = _only(analyse(text, "en"), "We are ready")
    assert quote.medium == "the Coastal Herald"


def test_french_guillemets_and_cue() -> None:
    text = "« Nous ne céderons pas », a déclaré Mathilde Roussel, la maire de la ville."
    quote = _only(analyse(text, "fr"), "Nous ne céderons pas")
    assert quote.speaker == "Mathilde Roussel"


def test_fallback_language_finds_quotes_and_speaker() -> None:
    text = "„Wir bleiben hart“, sagte Gewerkschafterin Friederike Almqvist am Montag."
    result = analyse(text, "de")
    assert result.processor == "fallback"
    assert _only(result, "Wir bleiben hart").speaker == "Friederike Almqvist"


def test_unbalanced_marks_still_find_the_quote() -> None:
    text = 'Maria Jensen spoke first. The pier is unsafe and we knew it," she said.'
    [quote] = analyse(text, "en").quotes  # no opening mark: from the paragraph start
    assert quote.text.endswith("The pier is unsafe and we knew it")
    assert quote.speaker == "Maria Jensen"
