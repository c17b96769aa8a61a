"""Framing: words for one referent, and the distinctive terms of an outlet alone in its language."""

from __future__ import annotations

from collections import Counter

from compare_helpers import sent

from storyline.compare.compare import _by_language
from storyline.compare.framing import referents


def _rows(texts: list[tuple[str, str]], language_of: dict[str, str | None]) -> dict[str, dict]:
    """Referent rows of one sentence per (outlet, text), by referent."""
    sentences = [
        sent(f"{outlet}{i}", text, outlet=outlet) for i, (outlet, text) in enumerate(texts)
    ]
    return {r["referent"]: r["by_outlet"] for r in referents(sentences, {}, language_of)}


def test_outlets_modify_one_noun_in_different_words() -> None:
    rows = _rows(
        [
            ("A", "Dockers fear the automated cranes will cost their jobs."),
            ("B", "The union blames the new robot cranes for the dispute."),
            ("C", "The governing coalition agreed on a date."),
            ("D", "Voters may decide the future of the crumbling coalition."),
            ("A", "They called an indefinite strike."),
            ("B", "It is an indefinite strike."),
        ],
        {},
    )
    assert rows["crane"] == {"A": ["automated cranes"], "B": ["robot cranes"]}
    # the noun is the last word the story uses as one, not a verb after it ("coalition agreed")
    assert rows["coalition"] == {"C": ["governing coalition"], "D": ["crumbling coalition"]}
    assert "strike" not in rows  # every outlet in the same words: nothing to compare
    assert "agreed" not in rows


def test_modifiers_after_the_noun_in_romance_languages() -> None:
    rows = _rows(
        [("F", "La grève illimitée paralyse le port."), ("G", "Pour la grève totale du port.")],
        {"F0": "fr", "G1": "fr"},
    )
    assert rows["grève"] == {"F": ["grève illimitée"], "G": ["grève totale"]}


def test_an_outlet_alone_in_its_language_is_read_against_the_rest_of_the_store() -> None:
    per_outlet = {
        "El Faro": Counter({"huelga": 6, "puerto": 3}),
        "Ledger": Counter({"strike": 30, "port": 20}),
        "Courier": Counter({"stoppage": 30, "port": 20}),
    }
    covered = {"El Faro": {"es1"}, "Ledger": {"en1"}, "Courier": {"en2"}}
    language_of: dict[str, str | None] = {"es1": "es", "en1": "en", "en2": "en"}
    elsewhere = {"es": Counter({"puerto": 40, "gobierno": 40})}
    background = sum((*per_outlet.values(), *elsewhere.values()), Counter())
    terms = _by_language(per_outlet, covered, language_of, background, elsewhere)
    assert [t["term"] for t in terms["El Faro"]] == ["huelga"]
    assert [t["term"] for t in terms["Ledger"]] == ["strike"]
    assert "El Faro" not in _by_language(per_outlet, covered, language_of, background, {})
    silent = {"El Faro": Counter[str]()}  # nothing but function words: no terms, no error
    assert _by_language(silent, covered, language_of, background, elsewhere) == {}
