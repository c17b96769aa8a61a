"""Near-duplicates: exact and near copies, other boilerplate, truncation, rewrites, incremental."""

from __future__ import annotations

from datetime import date, timedelta

from link_helpers import add_article

from storyline.link.dedup import WINDOW_DAYS, duplicate_groups, exact_key, find_duplicates
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


def test_near_copies_are_sought_within_the_date_window(store: Store) -> None:
    """A near copy published more than `WINDOW_DAYS` later is another article (a recurring text),
    while an exact copy at any date and an undated near copy still match."""
    first = add_article(store, REPORT, source="a.txt", published="2025-05-04")
    later = date.fromisoformat("2025-05-04") + timedelta(days=WINDOW_DAYS + 1)
    near = REPORT.replace("Monday", "Tuesday")
    late = add_article(store, near, source="late.txt", published=later.isoformat() + "T09:30:00")
    assert find_duplicates(store) == 0
    exact = add_article(store, REPORT + " ", source="exact.txt", published="2026-01-04")
    assert find_duplicates(store) == 2
    assert _groups(store) == [[first, exact]]
    undated = add_article(store, near.replace("June", "July"), source="undated.txt", published=None)
    assert find_duplicates(store) == 4  # the undated copy matches both dates: one group
    assert _groups(store) == [[first, late, exact, undated]]


def test_a_changed_date_files_the_article_under_its_new_day(store: Store) -> None:
    """The LSH bands are stored with the publication day; when an article's date is corrected
    (date reconciliation), it is filed again and checked again within its new window."""
    first = add_article(store, REPORT, source="a.txt", published="2025-05-04")
    near = REPORT.replace("Monday", "Tuesday")
    moved = add_article(store, near, source="b.txt", published="2025-09-04")
    assert find_duplicates(store) == 0
    store.conn.execute("UPDATE articles SET published = '2025-05-05' WHERE id = ?", (moved,))
    assert find_duplicates(store) == 2
    assert _groups(store) == [[first, moved]]
    days = store.conn.execute(
        "SELECT DISTINCT day FROM dedup_bands WHERE article_id = ?", (moved,)
    ).fetchall()
    assert [d[0] for d in days] == [date(2025, 5, 5).toordinal()]


def test_an_article_holding_two_reports_joins_their_groups(store: Store) -> None:
    """A round-up that carries two wire reports whole is a copy of both: their groups merge
    under the older group id."""
    paragraphs = REPORT.split("\n\n")
    first, second = "\n\n".join(paragraphs[:2]), "\n\n".join(paragraphs[2:])
    a = add_article(store, first, source="a.txt", published="2025-05-04")
    a2 = add_article(store, first + "\n\nShare this.", source="a2.txt", published="2025-05-04")
    b = add_article(store, second, source="b.txt", published="2025-05-05")
    b2 = add_article(store, second + "\n\nShare this.", source="b2.txt", published="2025-05-05")
    assert find_duplicates(store) == 4
    before = duplicate_groups(store)
    assert {frozenset(g) for g in before.values()} == {frozenset((a, a2)), frozenset((b, b2))}
    both = add_article(store, REPORT, source="both.txt", published="2025-05-06")
    assert find_duplicates(store) == 5
    ((gid, group),) = duplicate_groups(store).items()
    assert gid == min(before)
    assert set(group) == {a, a2, b, b2, both}
    assert group[-1] == both
