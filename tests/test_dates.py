"""Publication dates: claims, plausibility, year completion, choice with confidence."""

from __future__ import annotations

from datetime import date

from conftest import TODAY, make_raw

from storyline.ingest import dates
from storyline.ingest.clean import clean_article
from storyline.ingest.plausibility import gather_evidence

OFFICE_TEXT = (
    "President Donald Trump met Secretary of State Marco Rubio on Monday to discuss "
    "the trade talks, officials said."
)


def test_officeholder_rules_out_a_header_date() -> None:
    evidence = gather_evidence(OFFICE_TEXT, TODAY)
    claims = dates.gather_claims(
        timestamp_lines=("Tuesday, 02 January 2024 12:17 GMT",),
        id_codes=("WIRE27102025000045017169",),
    )
    result = dates.decide(claims, evidence)
    assert result.value == "2025-10-27"
    verdicts = {c.value: c.verdict for c in result.claims}
    assert verdicts == {"2025-10-27": "chosen", "2024-01-02": "implausible"}


def test_former_officeholder_is_no_evidence() -> None:
    evidence = gather_evidence("Former President Donald Trump spoke in Ohio on Monday.", TODAY)
    assert evidence.offices == ()


def test_future_date_is_implausible_and_no_claim_left_means_none() -> None:
    evidence = gather_evidence("Talks went on.", TODAY)
    result = dates.decide(dates.gather_claims(field_value="2027-05-01"), evidence)
    assert result.value is None
    assert result.claims[0].verdict == "implausible"


def test_later_dated_reference_in_text() -> None:
    evidence = gather_evidence("The agreement signed on 12 March 2026 was ratified.", TODAY)
    both = dates.gather_claims(timestamp_lines=("3 February 2024",), id_codes=("NW-20260314-7",))
    result = dates.decide(both, evidence)
    assert result.value == "2026-03-14"
    assert [c.verdict for c in result.claims] == ["chosen", "implausible"]


def test_a_lone_doubtful_claim_is_kept_with_its_doubt() -> None:
    evidence = gather_evidence("The agreement signed on 12 March 2026 was ratified.", TODAY)
    result = dates.decide(dates.gather_claims(timestamp_lines=("3 February 2024",)), evidence)
    assert result.value == "2024-02-03"
    assert result.claims[0].reason.startswith("doubtful")


def test_agreeing_claims_raise_confidence_and_conflicts_are_flagged() -> None:
    evidence = gather_evidence("Talks went on.", TODAY)
    one = dates.decide(dates.gather_claims(field_value="2026-03-14"), evidence)
    two = dates.decide(
        dates.gather_claims(field_value="2026-03-14", urls=("https://x.example/2026/03/14/a",)),
        evidence,
    )
    three = dates.decide(
        dates.gather_claims(field_value="2026-03-14", timestamp_lines=("1 March 2026",)), evidence
    )
    assert two.confidence > one.confidence > three.confidence
    assert [c.verdict for c in three.claims] == ["chosen", "conflicting"]


def test_year_completion_uses_text_and_context() -> None:
    evidence = gather_evidence(OFFICE_TEXT, TODAY)
    claims = dates.gather_claims(timestamp_lines=("10 November, 11:54",))
    alone = dates.decide(claims, evidence)
    assert alone.value == "2026-11-10"  # most recent consistent year, not in the future
    assert alone.claims[0].year_completed
    with_context = dates.decide(claims, evidence, context=date(2025, 10, 27))
    assert with_context.value == "2025-11-10"


def test_clean_article_keeps_every_claim() -> None:
    body = (
        "Tuesday, 02 January 2024 12:17 GMT\n\nTrade talks resume\n\n"
        + OFFICE_TEXT
        + "\nWIRE27102025000045017169"
    )
    article = clean_article(make_raw(body), now=TODAY)
    assert article.published == "2025-10-27"
    assert {c.source for c in article.date_claims} == {"timestamp-line", "id-code"}
    assert article.rule_for("published") == "dates.publication.v1:id-code"


def test_redate_decides_as_cleaning_does() -> None:
    from storyline.ingest.clean import redate

    body = "Port talks resume\n10 November, 11:54\n\n" + OFFICE_TEXT
    context = date(2025, 10, 27)
    first = clean_article(make_raw(body), now=TODAY)
    assert first.published == "2026-11-10"
    again = redate(first, now=TODAY, date_context=context)
    assert again == clean_article(make_raw(body), now=TODAY, date_context=context)
    assert again.published == "2025-11-10"
