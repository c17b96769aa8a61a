"""The NLP stage never crashes and its offsets are always consistent (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.model import Analysis
from storyline.nlp.analyse import analyse_texts
from storyline.nlp.models import pipeline

MARKS = "\"“”„‟«»‹›‘’‚' \n.,:;—"
PIECES = st.one_of(
    st.sampled_from(list(MARKS)),
    st.sampled_from(
        [
            "said",
            "told",
            "according to",
            "Anna Berg",
            "Berg",
            "he",
            "she",
            "the minister",
            "Reuters",
            "dijo",
            "sagte",
            "a déclaré",
            "selon",
            "that",
            "Mr",
            "’s",
        ]
    ),
    st.text(max_size=8),
)
TEXTS = st.lists(PIECES, max_size=40).map(" ".join)


def _consistent(text: str, result: Analysis) -> None:
    for m in result.mentions:
        assert text[m.start : m.end] == m.text
        assert 0 <= m.entity < len(result.entities)
    for q in result.quotes:
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.text
        if q.speaker_start is not None and q.speaker_end is not None:
            assert text[q.speaker_start : q.speaker_end] == q.speaker_mention


@settings(max_examples=60, deadline=None)
@given(TEXTS, st.sampled_from(["en", "fr", "de", None]))
def test_odd_text_never_crashes_and_offsets_hold(text: str, language: str | None) -> None:
    [result] = analyse_texts([(text, language)])
    _consistent(text, result)


def test_huge_text_is_capped_for_the_model_and_still_analysed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loaded = pipeline("en")
    assert loaded is not None
    monkeypatch.setattr(loaded[0], "max_length", 5_000)  # stands in for spaCy's 1,000,000
    text = "“We will stay,” Anna Berg said.\n" * 400  # 12,800 characters
    [result] = analyse_texts([(text, "en")])
    assert result.processor.startswith("spacy:")
    assert result.quotes[-1].end > 5_000  # quote rules still read the text past the cap
    _consistent(text, result)
