"""Helpers for the linking tests: store invented articles with hand-made analyses."""

from __future__ import annotations

from conftest import TODAY, make_raw

from storyline.ingest.clean import clean_article
from storyline.model import Analysis, Entity, Mention, Quote, QuoteKind
from storyline.store.analyses import save_analyses
from storyline.store.db import Store

QuoteSpec = tuple[str, int | None, QuoteKind]  # (words as in the text, speaker entity, kind)


def add_article(
    store: Store,
    body: str,
    *,
    source: str,
    published: str | None,
    entities: list[tuple[str, str]] = (),  # type: ignore[assignment]
    quotes: list[QuoteSpec] = (),  # type: ignore[assignment]
) -> str:
    """Store an article and its analysis: entities as (label, name), each name mentioned where
    the text first has it; quotes located in the clean text. Returns the article id."""
    fields = {"title": f"Report {source}", "outlet": f"Outlet {source}"}
    if published:
        fields["published"] = published
    raw = make_raw(body, source=source, **fields)
    article = clean_article(raw, now=TODAY)
    store.add([(raw, article)])
    text = article.text
    mentions = []
    for i, (label, name) in enumerate(entities):
        at = text.find(name)
        if at >= 0:
            mentions.append(Mention(start=at, end=at + len(name), text=name, label=label, entity=i))
    found = []
    for words, speaker, kind in quotes:
        at = text.find(words)
        assert at >= 0, f"{words!r} is not in the clean text {text!r}"
        found.append(
            Quote(
                start=at,
                end=at + len(words),
                text=words,
                kind=kind,
                speaker=entities[speaker][1] if speaker is not None else None,
                speaker_entity=speaker,
            )
        )
    analysis = Analysis(
        processor="test",
        entities=tuple(Entity(id=i, label=lab, name=n) for i, (lab, n) in enumerate(entities)),
        mentions=tuple(mentions),
        quotes=tuple(found),
    )
    save_analyses(store, [(article.id, text, analysis)], "test")
    return article.id
