"""Disputes: a dispute verb pointing back at an account, inside one article and across them."""

from __future__ import annotations

from datetime import date

import numpy as np
from compare_helpers import sent

from storyline.compare.conflicts import Dated
from storyline.compare.disputes import dispute_conflicts

DAY = date(2026, 2, 24)


def _article(
    article: str, parts: list[tuple[str, str | None, tuple[str, ...]]]
) -> tuple[str, list[Dated]]:
    """An article's text of `parts` (text, speaker, actors) joined by spaces, and the claims of
    its parts with a speaker or of six words or more (shorter ones are not claims)."""
    text, told = "", []
    for part, speaker, actors in parts:
        start = len(text) + (1 if text else 0)
        text = f"{text} {part}" if text else part
        if speaker or len(part.split()) >= 6:
            told.append(Dated(sent(article, part, actors=actors, start=start), DAY, speaker, "E1"))
    return text, told


def test_a_sentence_disputing_the_one_before() -> None:
    told = [
        Dated(
            sent(
                "a",
                "He said he had offered to appear by video link, an offer the committee declined",
            ),
            None,
        ),
        Dated(
            sent("a", "The committee's chair, Oskar Lind, disputes that.", actors=("Oskar Lind",)),
            None,
        ),
        Dated(sent("a", "He denied wrongdoing in the matter at the hearing"), None),
    ]
    (conflict,) = dispute_conflicts(told, np.eye(3, dtype=np.float32))
    assert conflict["topic"] == "what Oskar Lind disputes"
    assert [s["value"] for s in conflict["sides"]] == ["account", "disputed"]
    assert conflict["note"] == "two parties disagree inside one article"


def test_one_dispute_told_by_several_articles_with_the_parties_quoted_elsewhere() -> None:
    agency = ("Renata Silvestri", ("Renata Silvestri",))
    company = ("Pieter Vandam", ("Pieter Vandam",))
    en_text, en = _article(
        "en",
        [
            ("Two months is a decision, Dr Renata Silvestri told the committee.", *agency),
            ("Corvane disputed that account.", None, ()),  # too short to be a claim
            ("Dr Pieter Vandam said the November result was an unconfirmed signal.", *company),
        ],
    )
    de_text, de = _article(
        "de",
        [
            ("Zwei Monate sind eine Entscheidung, sagte Silvestri.", *agency),
            ("Corvane widersprach.", None, ()),
            ("Pieter Vandam erklärte, der Befund vom November sei ein Signal gewesen.", *company),
        ],
    )
    later_text, later = _article(
        "later",
        [
            (
                "Dr Silvestri is right that the first signal came in November.",
                "Jonas Falk",
                ("Renata Silvestri",),
            )
        ],
    )
    aside_text, aside = _article(  # quotes a party, on another matter
        "aside", [("Patients should not stop taking their medicine, Silvestri said.", *agency)]
    )
    quiet_text, quiet = _article(  # the same matter, neither party named nor quoted
        "quiet", [("The first signal of the impurity came in November last year.", None, ())]
    )
    told = [*en, *de, *later, *aside, *quiet]
    texts = {"en": en_text, "de": de_text, "later": later_text, "aside": aside_text}
    texts["quiet"] = quiet_text
    matter, other = [1.0, 0.0], [0.0, 1.0]  # the disputed matter; a party's other quotes
    v = np.array([other, matter, other, matter, matter, other, matter], dtype=np.float32)
    (conflict,) = dispute_conflicts(told, v, texts)
    by_side = {s["value"]: {x["article_id"] for x in s["sources"]} for s in conflict["sides"]}
    assert by_side == {"account": {"en", "de", "later"}, "disputed": {"en", "de"}}
    assert conflict["note"] == "two parties disagree"
    assert dispute_conflicts(told, v) == []  # without the texts no short dispute sentence


def test_accounts_without_a_dispute_verb_are_no_dispute() -> None:
    text, told = _article(
        "a",
        [
            ("Two months is a decision, Dr Renata Silvestri told the committee.", "Silvestri", ()),
            ("The company answered questions.", None, ()),
            ("Dr Pieter Vandam said the November result was an unconfirmed signal.", "Vandam", ()),
        ],
    )
    assert dispute_conflicts(told, np.eye(2, dtype=np.float32), {"a": text}) == []
