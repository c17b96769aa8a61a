"""The line classifier: boilerplate kinds, position rules, duplicates, nothing lost."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.ingest.lines import classify_lines, is_timestamp, repeated_prefix

BODY = (
    "The harbour authority said on Monday that talks with the union would resume next week, "
    "after a night of negotiations ended without agreement."
)
BODY2 = (
    "Union leaders told reporters that the offer on the table did not cover overtime, "
    "and that members would vote on any new proposal before the weekend."
)


def kinds(lines: list[str]) -> list[tuple[str, str]]:
    decision = classify_lines(lines)
    return [(ln.kind, ln.reason) for ln in decision.lines]


def test_title_body_and_tail_chrome() -> None:
    got = kinds(["Port talks stall again", "", BODY, BODY2, "Search"])
    assert got[0] == ("title", "")
    assert got[2][0] == got[3][0] == "body"
    assert got[4] == ("removed", "site-chrome")


def test_short_line_between_paragraphs_is_a_heading() -> None:
    got = kinds(["Port talks stall again", BODY, "What the union wants", BODY2])
    assert got[2] == ("heading", "")


def test_pattern_kinds_in_several_languages() -> None:
    lines = [
        "Headline of the day here",
        "EN | DE | FR",
        "Anzeige wird geladen...",
        "Photo: Jane Roe / Harbour Agency",
        "By Jane Roe",
        "Lire la suite sur notre site",
        "14. März 2026, 09:12 Uhr",
        "VNW-20260314-0042",
        BODY,
    ]
    reasons = [r for _, r in kinds(lines)]
    assert reasons[1:8] == [
        "language-switcher",
        "ad-placeholder",
        "photo-credit",
        "byline",
        "full-version-link",
        "timestamp",
        "id-code",
    ]


def test_byline_gives_author() -> None:
    decision = classify_lines(["A headline for the test", "Author: Jane Roe", BODY])
    assert decision.author == "Jane Roe"


def test_duplicate_line_and_repeated_title_count_once() -> None:
    got = kinds(["Port talks stall again", "Home", "Port talks stall again", BODY, BODY])
    assert got[2] == ("removed", "duplicate-title")
    assert got[4] == ("removed", "duplicate-line")


def test_sentence_printed_twice_in_one_line() -> None:
    once = "Ships waited outside the harbour for a third day as the strike went on"
    assert repeated_prefix(f"{once} {once}.") == f"{once}."
    assert repeated_prefix(BODY) is None


def test_legal_text_in_tail_but_not_in_story() -> None:
    story = (
        "The court heard that the company had ignored a privacy policy for years, "
        "according to the regulator's lawyer."
    )
    lines = [
        "A headline for the test",
        BODY,
        story,
        BODY2,
        "All rights reserved. Reproduction without permission is prohibited by copyright law.",
    ]
    got = kinds(lines)
    assert got[2][0] == "body"
    assert got[4] == ("removed", "legal")


def test_timestamp_lines() -> None:
    assert is_timestamp("Tuesday, 02 January 2026 12:17 GMT")
    assert is_timestamp("10 November, 11:54")
    assert not is_timestamp("Talks resumed on 10 November")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=120), max_size=30))
def test_never_crashes_and_nothing_is_lost(lines: list[str]) -> None:
    decision = classify_lines(lines)
    assert [ln.text for ln in decision.lines] == lines  # every line, once, in order
    for ln in decision.lines:
        if ln.kind == "removed":
            assert ln.reason
        if ln.kind in ("heading", "body"):
            assert ln.clean.strip()
