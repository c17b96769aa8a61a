"""Name tokens: the clustering signal that survives misspelt and translated names."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from storyline.link.name_tokens import fallback_names, idf_weights, tokens, weighted_overlap


def test_tokens_meet_across_spellings_and_plurals() -> None:
    assert tokens(["Helena Strand"]) & tokens(["Helen Strand"]) == {"strand"}
    assert tokens(["Civic Liberals"]) == tokens(["Civic Liberal"])


def test_rare_shared_names_weigh_more_than_common_ones() -> None:
    sets = [frozenset({"lavrov", "rubio"}), frozenset({"lavrov", "rubio"}), frozenset({"lavrov"})]
    w = idf_weights(sets)
    assert w["rubio"] > w["lavrov"]
    a = {t: w[t] for t in sets[0]}
    b = {t: w[t] for t in sets[1]}
    c = {t: w[t] for t in sets[2]}
    assert weighted_overlap(a, b) == 1.0
    assert weighted_overlap(a, c) < 0.5


def test_fallback_names_skip_sentence_openers() -> None:
    names = fallback_names("The union said Katarina Voss would speak. Talks resume in Valmere.")
    assert names == ["Katarina", "Voss", "Valmere"]


@given(st.text(), st.text())
def test_overlap_is_bounded(x: str, y: str) -> None:
    w = idf_weights([tokens([x]), tokens([y])])
    a = {t: w[t] for t in tokens([x])}
    b = {t: w[t] for t in tokens([y])}
    assert 0.0 <= weighted_overlap(a, b) <= 1.0
