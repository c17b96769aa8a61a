"""Date parsing of timestamp lines, id codes and URLs."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.ingest import dateparse, language, plausibility
from storyline.ingest.dateparse import date_in_code, date_in_url, parse_date, years_mentioned


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Tuesday, 02 January 2024 12:17 GMT", "2024-01-02"),
        ("14. März 2026, 09:12 Uhr", "2026-03-14"),
        ("Publié le 14 mars 2026 à 10h05", "2026-03-14"),
        ("14 de marzo de 2026", "2026-03-14"),
        ("14 марта 2026", "2026-03-14"),
        ("March 14, 2026", "2026-03-14"),
        ("2026-03-14T10:00:00+01:00", "2026-03-14"),
        ("Updated 14.03.2026 10:00", "2026-03-14"),
        ("March 2026", "2026-03"),
    ],
)
def test_parse_with_year(text: str, iso: str) -> None:
    parsed = parse_date(text)
    assert parsed is not None
    assert parsed.iso() == iso


def test_parse_without_year_leaves_year_open() -> None:
    parsed = parse_date("10 November, 11:54")
    assert parsed is not None
    assert (parsed.year, parsed.month, parsed.day) == (None, 11, 10)
    assert parsed.iso(2025) == "2025-11-10"


def test_id_codes_and_urls() -> None:
    assert date_in_code("WIRE27102025000045017169ID1110250765").iso() == "2025-10-27"  # type: ignore[union-attr]
    assert date_in_code("VNW-20260314-0042").iso() == "2026-03-14"  # type: ignore[union-attr]
    assert date_in_code("ABC-99999999") is None
    assert date_in_url("https://x.example/2026/03/14/strike").iso() == "2026-03-14"  # type: ignore[union-attr]
    assert date_in_url("https://x.example/news/strike") is None


def test_years_mentioned_in_running_text() -> None:
    found = [
        p.iso()
        for p in years_mentioned("terms put forward in June 2024 and the 12 March 2026 vote")
    ]
    assert "2024-06" in found
    assert "2026-03-12" in found


@given(st.text(max_size=200))
def test_parsers_never_crash(text: str) -> None:
    for fn in (parse_date, date_in_code, date_in_url):
        result = fn(text)
        if result is not None and result.year is not None:
            assert 1990 <= result.year <= 2099


# The fast patterns against the plain ones they replace (one plain alternation, the lookbehind
# first): they must find exactly the same matches.
PLAIN_MONTHS = "|".join(sorted((re.escape(m) for m in dateparse.MONTHS), key=len, reverse=True))
PLAIN = {
    name: re.compile(
        getattr(dateparse, name).pattern.replace(dateparse._MONTH_ALT, PLAIN_MONTHS), re.I
    )
    for name in ("_DAY_MONTH", "_MONTH_DAY", "_MONTH_YEAR")
}
PLAIN_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
PLAIN_BARE_YEAR = re.compile(r"(?<![\d.,/-])((?:19|20)\d\d)(?![\d.,/%-]\d|\d)")
SURNAMES = sorted({n for h in plausibility._officeholders() for n in h.surnames}, key=len)
PLAIN_SURNAMES = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, SURNAMES[::-1])) + r")(?!\w)")
# month names and surnames in other cases, with the letters the regex engine matches
# case-insensitively to others (Kelvin sign, long s, dotless i) and pieces of dates around them
WORDS = st.sampled_from(
    [
        form
        for word in [*dateparse.MONTHS, *SURNAMES]
        for form in (
            word,
            word.upper(),
            word.title(),
            word.replace("k", "\u212a"),
            word.replace("s", "\u017f"),
            word.replace("i", "\u0131"),
        )
    ]
)
PIECES = st.sampled_from(
    [" ", ", ", ".", "-", "/", "\n", "1", "14", "2024", "19", "20", "x", "é", "%"]
)
TEXTS = st.lists(st.one_of(WORDS, PIECES, st.text(max_size=3)), max_size=12).map("".join)


@given(TEXTS)
def test_fast_patterns_match_as_the_plain_ones(text: str) -> None:
    def found(pattern: re.Pattern[str]) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
        return [(m.span(), m.groupdict()) for m in pattern.finditer(text)]

    for name, plain in PLAIN.items():
        assert found(getattr(dateparse, name)) == found(plain), name
    assert found(dateparse._YEAR) == found(PLAIN_YEAR)
    assert plausibility._BARE_YEAR.findall(text) == PLAIN_BARE_YEAR.findall(text)
    assert found(plausibility._surnames()) == found(PLAIN_SURNAMES)
    assert language._first_tokens(text * 60) == language._TOKEN.findall((text * 60)[:1200])[:100]


def test_alternation_grouped_only_when_first_letters_differ() -> None:
    assert dateparse._alternation(["kx", "ky", "a"]).count("(?<=") == 2
    assert dateparse._alternation(["sa", "\u017fb"]) == "sa|\u017fb"  # long s matches s
