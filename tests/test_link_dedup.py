"""Near-duplicates: exact and near copies, other boilerplate, truncation, rewrites, incremental."""

from __future__ import annotations

from link_helpers import add_article

from storyline.link.dedup import duplicate_groups, exact_key, find_duplicates
from storyline.store.db import Store

REPORT = (
    "The ferry operator Saltmarsh Lines said on Monday that it would suspend its night crossings "
    "between Quillhaven and the Orrin islands from the first of June.\n\n"
    "The company blamed a shortage of certified engineers and the rising cost of fuel, and said "
    "day crossings would run as normal through the summer season.\n\n"
    "Islanders reacted with anger. The council leader Miriam Okonjo called the decision a betrayal "
    "of families who depend on the late boat to reach the hospital on the mainland.\n\n"
    "Saltmarsh Lines said it would review the timetable in September and was in talks with the "
    "regional transport authority about a subsidy for the winter months."
)
REWRITE = (
    "Night ferries to the Orrin islands will stop in June, Saltmarsh Lines announced, pointing to "
    "a lack of qualified engineers and expensive fuel.\n\n"
    "Council leader Miriam Okonjo said islanders who need the hospital were being let down, while "
    "the operator promised unchanged daytime sailings and a review of the schedule after summer, "
    "as it negotiates support from the transport authority for the colder months."
)


def _groups(store: Store) -> list[list[str]]:
    return sorted(duplicate_groups(store).values())


def test_exact_key_ignores_case_and_punctuation() -> None:
    assert exact_key("The Port, reopened!") == exact_key("the port reopened")


def test_copies_with_other_boilerplate_and_cut_short_are_duplicates(store: Store) -> None:
    wire = add_article(store, REPORT, source="wire.txt", published="2026-05-04")
    exact = add_article(store, REPORT + "\n", source="copy.txt", published="2026-05-05")
    boiler = add_article(
        store,
        "Subscribe to our island newsletter for the weekly tide tables.\n\n"
        + REPORT
        + "\n\nShare this story with a friend who takes the ferry.",
        source="boiler.txt",
        published="2026-05-05",
    )
    cut = add_article(store, REPORT.rsplit("\n\n", 2)[0], source="cut.txt", published="2026-05-06")
    rewrite = add_article(store, REWRITE, source="rewrite.txt", published="2026-05-04")
    assert find_duplicates(store) == 4
    (group,) = _groups(store)
    assert group[0] == wire  # the earliest is canonical
    assert set(group) == {wire, exact, boiler, cut}
    assert rewrite not in group


def test_new_articles_are_checked_against_stored_signatures(store: Store) -> None:
    first = add_article(store, REPORT, source="a.txt", published="2026-05-04")
    assert find_duplicates(store) == 0
    stored = store.conn.execute("SELECT COUNT(*) FROM dedup_signatures").fetchone()[0]
    assert stored == 1
    second = add_article(store, REPORT.replace("Monday", "Tuesday"), source="b.txt", published=None)
    assert find_duplicates(store) == 2
    assert _groups(store) == [[first, second]]  # undated after dated
    assert find_duplicates(store) == 2  # nothing new: idempotent
