"""Helpers for the compare tests: sentences as `claims.split_sentences` would give them."""

from __future__ import annotations

from storyline.compare.claims import Sentence, numbers_in
from storyline.compare.figures import figures_in


def sent(
    article: str,
    text: str,
    *,
    outlet: str | None = None,
    actors: tuple[str, ...] = (),
    days: tuple[str, ...] = (),
    start: int = 0,
) -> Sentence:
    """A sentence of `article` at offset `start`, its actors named where the text has them."""
    named = tuple((start + text.find(a), a) for a in actors)
    return Sentence(
        article,
        outlet or article,
        start,
        start + len(text),
        text,
        actors,
        numbers_in(text),
        days,
        named,
        tuple(figures_in(text)),
        days,
    )
