"""Happenings of one story told in the articles of another: sources across stories.

A report on one story often dates in passing a happening of another ("the dockers' strike,
which began on Thursday, has halted most cargo handling", in a report on the coalition). That
sentence is a source of the other story's entry for the happening, and no line of its own
story's timeline. Given the articles of other stories that may tell this story's happenings
(`foreign`, by story), each of their dated sentences that tells an entry's happening on its date
(`timeline_drafts._best`, by two of its tests: a single shared name or neighbouring word is not
enough across stories) becomes a source of the entry, never a new entry. An entry of dated
sentences that another story's articles tell more often than this story's, at least
`OWNED_BY_OTHERS` times, is that story's happening: it leaves this timeline (and is in that
story's, with this story's articles among its sources). An event's own entry always stays.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from storyline.compare.timeline_drafts import (
    TimelineDoc,
    Vectors,
    _absorb,
    _best,
    _Draft,
    _mentions,
    _source,
    _told,
)
from storyline.model import TimelineSource

OWNED_BY_OTHERS = 2  # other-story articles that must tell an entry before it is theirs
# Of `_best`'s tests, those a sentence of another story must pass. On examples/gold.json one
# test gave the strike story's line on a back-to-work law (17 March, two reports) away to the
# election story, whose reports of that Tuesday's coalition committee pass one test with it
# (entry precision 0.897 and recall 0.946, against 0.9 and 0.973 with two).
FOREIGN_TESTS = 2


def add_foreign_sources(
    drafts: Sequence[_Draft], foreign: Mapping[str, Sequence[TimelineDoc]], vectors: Vectors
) -> list[_Draft]:
    """The entries kept, with the sentences of other stories' articles that tell them among
    their sources (see the module)."""
    found: dict[int, list[tuple[str, TimelineSource]]] = {}
    for story, docs in foreign.items():
        for doc in docs:
            for value, timex, start, end in _mentions(doc):
                told = _told(doc, timex, (start, end), vectors)
                candidates = [d for d in drafts if d.value == value]
                draft = _best(candidates, told, FOREIGN_TESTS)
                if draft is None or any(s.article_id == doc.id for s in draft.sources):
                    continue
                sources = found.setdefault(id(draft), [])
                if all(s.article_id != doc.id for _, s in sources):
                    sources.append((story, _source(doc, start, end, timex.text)))
                    _absorb(draft, doc, (start, end), told)
    kept = []
    for d in drafts:
        theirs = found.get(id(d), [])
        most = max(Counter(story for story, _ in theirs).values(), default=0)
        if d.kind == "mention" and most >= OWNED_BY_OTHERS and most > len(d.sources):
            continue
        d.sources.extend(s for _, s in theirs)
        kept.append(d)
    return kept
