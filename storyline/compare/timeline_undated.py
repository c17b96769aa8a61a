"""Undated sentences that retell a timeline entry's happening: more sources for the entry.

A report often tells a happening that others date without giving a date of its own ("the
summit ... was subsequently postponed"; "a few days later he had a telephone conversation with
Putin, during which they agreed to meet in Budapest"). A sentence with no calendar date becomes
a source of the entry one of whose source sentences it retells: at least `SAME_HAPPENING` of
their words in common, among them a plain word (what happened, not only who: "meet",
"postponed") and `SHARED_MARKS` names or numbers (who and where). Of several such entries, the
one it shares most words with; never one its article is already a source of, nor one dated
after the day the article was read from; and a sentence that is already a source of an entry
(an event's lede) stays where it is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from storyline.compare.periods import calendar_value, period_start
from storyline.compare.sentences import (
    SHARED_MARKS,
    _overlap,
    content_words,
    marks_of,
    sentence_spans,
)
from storyline.compare.timeline_drafts import SAME_HAPPENING, TimelineDoc, _Draft, _source


def _retells(words: set[str], marks: set[str], told: tuple[set[str], set[str]]) -> float:
    """How many of its words a sentence shares with a source sentence that it retells (see the
    module); 0.0 when it does not."""
    other_words, other_marks = told
    shared_marks = marks & other_marks
    names = {m.lower() for m in marks | other_marks}
    plain = (words & other_words) - names
    sim = _overlap(words, other_words)
    if sim < SAME_HAPPENING or not plain or len(shared_marks) < SHARED_MARKS:
        return 0.0
    return sim


def add_undated_sources(drafts: Sequence[_Draft], docs: Sequence[TimelineDoc]) -> None:
    """Add to each entry the undated sentences that retell its happening (see the module).
    Only source sentences sharing `SHARED_MARKS` names or numbers with a sentence are compared
    with it (an index by name), so a story of many reports is not sentences times entries."""
    texts = {d.id: d.text for d in docs}
    told: list[tuple[int, set[str], set[str]]] = []  # (draft index, words, marks)
    by_mark: dict[str, list[int]] = defaultdict(list)  # mark → indexes into `told`
    for i, d in enumerate(drafts):
        for s in d.sources:
            sentence = texts[s.article_id][s.start : s.end]
            marks = marks_of(sentence, "")
            for mark in marks:
                by_mark[mark].append(len(told))
            told.append((i, content_words(sentence), marks))
    used = {(s.article_id, s.start) for d in drafts for s in d.sources}
    for doc in docs:
        for start, end in sentence_spans(doc.text):
            if (doc.id, start) in used or any(
                start <= t.start < end and calendar_value(t) for t in doc.timexes
            ):
                continue
            sentence = doc.text[start:end]
            words, marks = content_words(sentence), marks_of(sentence, "")
            hits = Counter(k for mark in marks for k in by_mark.get(mark, ()))
            best, best_sim = None, 0.0
            for k, shared in hits.items():
                i, other_words, other_marks = told[k]
                d = drafts[i]
                if shared < SHARED_MARKS or any(s.article_id == doc.id for s in d.sources):
                    continue
                if doc.published is not None and period_start(d.value) > doc.published:
                    continue
                sim = _retells(words, marks, (other_words, other_marks))
                if sim > best_sim:
                    best, best_sim = d, sim
            if best is not None:
                best.sources.append(_source(doc, start, end, ""))
