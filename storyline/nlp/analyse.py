"""The per-article NLP stage: clean text → entities, mentions and quotes (pure, batched).

Texts are grouped by language; each group with a spaCy model goes through `nlp.pipe` in one
stream (batched, `n_process` workers), the rest through the rule-based fallback. The rules
after the model are shared: quote marks (`marks`), coreference (`entities`), then quotes and
their speakers (`quotes`, `attribution`). Results come back in input order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from storyline.model import Analysis
from storyline.nlp import fallback
from storyline.nlp.attribution import Attributor
from storyline.nlp.entities import resolve
from storyline.nlp.entity_spans import Parsed
from storyline.nlp.marks import quote_spans
from storyline.nlp.models import pipeline
from storyline.nlp.quotes import QuoteFinder

LINE_RE = re.compile(r"[^\n]+")


def analyse(text: str, language: str | None) -> Analysis:
    """The analysis of one clean text in `language` (ISO 639-1, or None)."""
    return analyse_texts([(text, language)])[0]


def analyse_texts(
    items: Sequence[tuple[str, str | None]], *, n_process: int = 1, batch_size: int = 32
) -> list[Analysis]:
    """One Analysis per (clean text, language), in order; never raises on odd text."""
    results: list[Analysis | None] = [None] * len(items)
    groups: dict[str, list[int]] = {}
    for i, (text, language) in enumerate(items):
        loaded = pipeline(language) if text.strip() else None
        if loaded is None:
            results[i] = _rules(fallback.parse(text), fallback.PROCESSOR)
        else:
            groups.setdefault(loaded[1], []).append(i)
    for processor, indices in groups.items():
        nlp = _model(items[indices[0]][1])
        limit = nlp.max_length - 1
        texts = (_for_model(items[i][0])[:limit] for i in indices)
        for i, doc in zip(
            indices, nlp.pipe(texts, batch_size=batch_size, n_process=n_process), strict=True
        ):
            original = items[i][0]
            seen = _for_model(original)
            results[i] = _restore(_rules(_parsed(seen, doc), processor), original, seen)
    return [r for r in results if r is not None]


_BRACKETED_NAME = re.compile(r"\b([A-Z]\w*) \(([A-Z][\w.-]*)\) (?=[A-Z])")


def _for_model(text: str) -> str:
    """The text the model reads: an editor's bracketed first name ("President (Donald) Trump")
    unbracketed so the name is found whole. Same length, so every offset stays valid."""
    return _BRACKETED_NAME.sub(lambda m: f"{m.group(1)}  {m.group(2)}  ", text)


def _restore(analysis: Analysis, original: str, seen: str) -> Analysis:
    """Surfaces from the original text when the model read an unbracketed copy of it."""
    if seen == original:
        return analysis
    return replace(
        analysis,
        entities=tuple(replace(e, name=" ".join(e.name.split())) for e in analysis.entities),
        mentions=tuple(replace(m, text=original[m.start : m.end]) for m in analysis.mentions),
        quotes=tuple(
            replace(
                q,
                text=original[q.start : q.end],
                speaker_mention=original[q.speaker_start : q.speaker_end]
                if q.speaker_start is not None and q.speaker_end is not None
                else q.speaker_mention,
            )
            for q in analysis.quotes
        ),
    )


def _model(language: str | None) -> Any:
    loaded = pipeline(language)
    assert loaded is not None  # grouped by languages whose model loaded
    return loaded[0]


def _parsed(text: str, doc: Any) -> Parsed:
    """The language-neutral view of a spaCy doc; text past the model's limit is one sentence."""
    sentences = [part for s in doc.sents for part in _lines(text, s.start_char, s.end_char)]
    if len(doc.text) < len(text):
        sentences.append((len(doc.text), len(text)))
    names = tuple((e.start_char, e.end_char, e.label_) for e in doc.ents)
    return Parsed(text, tuple(sentences), names)


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence cut at paragraph breaks (the model sometimes runs over them)."""
    return [(m.start(), m.end()) for m in LINE_RE.finditer(text, start, end)]


def _rules(parsed: Parsed, processor: str) -> Analysis:
    """Coreference and quotes on top of the sentences and names."""
    spans = quote_spans(parsed.text)
    coref = resolve(parsed, spans)
    hidden = [(s.start, s.end) for s in spans]
    attributor = Attributor(parsed.text, coref.mentions, coref.entities, hidden)
    quotes = QuoteFinder(parsed.text, parsed.sentences, attributor).find(spans)
    return Analysis(
        processor=processor, entities=coref.entities, mentions=coref.mentions, quotes=tuple(quotes)
    )
