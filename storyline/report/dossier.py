"""The dossier of one story (`storyline brief`): everything a reader needs, every line cited.

`build_dossier` gathers JSON-ready sections from the store and the story's comparison (see
`storyline.compare.compare`): an extractive summary (the most corroborated claims, as the
articles word them), the timeline, who said what (the same quote printed by several outlets is
one entry, through the quote clusters of the link step), corroborated and single-source claims,
conflicts, framing, a sources table and coverage per day. `dossier_md` and `dossier_html` render
it; JSON is `json.dumps` of the dict. A citation is an article and a character span of its clean
text, so any line can be checked against `storyline show`.

The optional abstractive summary (`llm=URL`) is written by a model from the top claims; if the
endpoint fails, the dossier says so in `warnings` and is complete without it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from storyline.compare.story_timeline import story_timeline
from storyline.link.stories import StoryView
from storyline.report.dossier_llm import DEFAULT_MODEL, LLMError, abstractive_summary
from storyline.report.export import canonical_name
from storyline.report.timeline import timeline_dict
from storyline.store.analyses import load_analysis
from storyline.store.db import Store

SUMMARY_CLAIMS = 4  # sentences in the extractive summary: a paragraph, not a second claims list
PROMPT_CLAIMS = 12  # claims a model is given for the abstractive summary
CORROBORATED = 2  # independent sources a claim needs to count as corroborated


def citation(source: Mapping[str, Any]) -> str:
    """`outlet · a1b2c3d4:120–245`: an article and, when known, a character span of its text."""
    where = source["article_id"][:8]
    if source.get("start") is not None and source.get("end") is not None:
        where += f":{source['start']}–{source['end']}"
    return f"{source.get('outlet') or '?'} · {where}"


def _ref(article_id: str, outlet: str | None, start: int | None, end: int | None) -> dict[str, Any]:
    return {"article_id": article_id, "outlet": outlet, "start": start, "end": end}


def _rank(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claims by corroboration: independent sources, then every source; ties keep their order."""
    return sorted(claims, key=lambda c: (-c["independent"], -len(c["sources"])))


def extractive_summary(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The most corroborated claims as summary sentences, each with its claim's sources."""
    return [
        {
            "text": c["text"],
            "claim": c["id"],
            "independent": c["independent"],
            "origin": c.get("origin"),
            "sources": c["sources"],
        }
        for c in _rank(claims)[:SUMMARY_CLAIMS]
    ]


def who_said_what(store: Store, view: StoryView) -> list[dict[str, Any]]:
    """Quotes grouped by speaker (canonical name across articles); a quote that several outlets
    printed (one quote cluster) is one entry with every outlet and span."""
    ids = view.article_ids
    refs = {a.id: a for e in view.events for a in e.articles}
    cluster = {
        (r[0], r[1]): r[2]
        for r in store.conn.execute(
            "SELECT article_id, idx, cluster_id FROM quote_cluster_members WHERE article_id IN"
            f" ({','.join('?' * len(ids))})",
            ids,
        )
    }
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for aid in ids:
        analysis = load_analysis(store, aid)
        if analysis is None:  # the nlp step has not run on it
            continue
        for i, q in enumerate(analysis.quotes):
            groups[cluster.get((aid, i), (aid, i))].append(
                {
                    "speaker": canonical_name(analysis, q.speaker_entity) or q.speaker,
                    "text": q.text,
                    "kind": q.kind,
                    "published": refs[aid].published,
                    **_ref(aid, refs[aid].outlet, q.start, q.end),
                }
            )
    by_speaker: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for members in groups.values():
        members.sort(key=lambda m: (m["published"] is None, m["published"] or "", m["article_id"]))
        first = members[0]
        speaker = next((m["speaker"] for m in members if m["speaker"]), None)
        by_speaker[speaker].append(
            {
                "text": first["text"],
                "kind": first["kind"],
                "first_seen": first["published"],
                "outlets": list(dict.fromkeys(m["outlet"] or "?" for m in members)),
                "sources": [
                    _ref(m["article_id"], m["outlet"], m["start"], m["end"]) for m in members
                ],
            }
        )
    order = sorted(by_speaker, key=lambda s: (s is None, -len(by_speaker[s]), s or ""))
    return [{"speaker": s, "quotes": by_speaker[s]} for s in order]


def sources_table(view: StoryView) -> list[dict[str, Any]]:
    """One row per article, by date; `duplicate_of` names the earliest copy of its group."""
    articles = [(e.id, a) for e in view.events for a in e.articles]
    canonical = {a.dup_group: a.id for _, a in articles if a.dup_group and a.canonical}
    rows = [
        {
            "article_id": a.id,
            "title": a.title,
            "outlet": a.outlet,
            "published": a.published,
            "language": a.language,
            "event": event,
            "dup_group": a.dup_group,
            "duplicate_of": None if a.canonical else canonical.get(a.dup_group or ""),
        }
        for event, a in articles
    ]
    return sorted(
        rows, key=lambda r: (r["published"] is None, r["published"] or "", r["article_id"])
    )


def coverage(view: StoryView) -> list[dict[str, Any]]:
    """Articles per day, outlet and language (day None: no publication date)."""
    cells: dict[tuple[str | None, str, str], list[str]] = defaultdict(list)
    for a in (a for e in view.events for a in e.articles):
        day = a.published[:10] if a.published else None
        cells[(day, a.outlet or "unknown", a.language or "unknown")].append(a.id)
    return [
        {"day": day, "outlet": outlet, "language": lang, "articles": len(ids), "article_ids": ids}
        for (day, outlet, lang), ids in sorted(
            cells.items(), key=lambda kv: (kv[0][0] is None, kv[0][0] or "", kv[0][1], kv[0][2])
        )
    ]


def _notes(view: StoryView, claims: list[dict[str, Any]]) -> list[str]:
    """Plain statements about what this dossier cannot show."""
    n = len(view.article_ids)
    notes = []
    if n == 1:
        (outlet,) = view.outlets
        notes.append(
            f"This story has one article ({outlet}): there is nothing to compare it with, so"
            " every claim is single-source and there can be no conflicts or framing differences."
        )
    elif len(view.outlets) == 1:
        notes.append(
            f"All {n} articles come from one outlet ({next(iter(view.outlets))}): corroboration"
            " and framing need other outlets."
        )
    if not claims:
        notes.append("No claims were found in the articles of this story.")
    return notes


def _abstractive(url: str, model: str, claims: list[dict[str, Any]]) -> dict[str, Any]:
    """The model's summary, cited by the claims it names (all it was given if it names none)."""
    given = _rank(claims)[:PROMPT_CLAIMS]
    text = abstractive_summary(url, given, model=model)
    named = [c for c in given if f"[{c['id']}]" in text] or given
    sources = list({citation(s): s for c in named for s in c["sources"]}.values())
    return {
        "text": text,
        "model": model,
        "endpoint": url,
        "claims": [c["id"] for c in named],
        "sources": sources,
    }


def build_dossier(
    store: Store,
    view: StoryView,
    comparison: Mapping[str, Any],
    *,
    llm: str | None = None,
    llm_model: str = DEFAULT_MODEL,
) -> dict[str, Any]:
    """The dossier of one story as JSON-ready data (see the module docstring for the sections)."""
    claims: list[dict[str, Any]] = list(comparison.get("claims", []))
    dossier: dict[str, Any] = {
        "story": view.id,
        "label": view.label,
        "span": {"first": view.first, "last": view.last},
        "articles": len(view.article_ids),
        "outlets": view.outlets,
        "languages": view.languages,
        "notes": _notes(view, claims),
        "summary": extractive_summary(claims),
    }
    warnings: list[str] = []
    if llm:
        try:
            dossier["abstractive_summary"] = _abstractive(llm, llm_model, claims)
        except LLMError as err:
            warnings.append(f"{err}; the dossier has the extractive summary only")
    ranked = _rank(claims)
    dossier |= {
        "timeline": timeline_dict(story_timeline(store, view)),
        "who_said_what": who_said_what(store, view),
        "claims": {
            "corroborated": [c for c in ranked if c["independent"] >= CORROBORATED],
            "single_source": [c for c in ranked if c["independent"] < CORROBORATED],
        },
        "conflicts": list(comparison.get("conflicts", [])),
        "framing": comparison.get("framing", {}),
        "sources": sources_table(view),
        "coverage": coverage(view),
        "warnings": warnings,
    }
    return dossier


def span_text(span: Mapping[str, str | None]) -> str:
    """`2026-03-01 – 2026-03-27`, one date, or "undated"."""
    first, last = span.get("first"), span.get("last")
    if not first:
        return "undated"
    return first if first == last else f"{first} – {last}"


def framing_rows(dossier: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The framing table, one row per outlet: its distinctive terms, the names it uses for each
    referent, the quotes it chose, the claims it leaves out, and its articles (the citation)."""
    framing = dossier["framing"]
    by_outlet: dict[str, list[str]] = defaultdict(list)
    for row in dossier["sources"]:
        by_outlet[row["outlet"] or row["article_id"][:8]].append(row["article_id"])
    outlets = list(
        dict.fromkeys(
            [
                *by_outlet,
                *framing.get("distinctive_terms", {}),
                *framing.get("quotes_chosen", {}),
                *framing.get("omissions", {}),
            ]
        )
    )
    return [
        {
            "outlet": outlet,
            "terms": [t["term"] for t in framing.get("distinctive_terms", {}).get(outlet, [])],
            "names": [
                f"{r['referent']}: {', '.join(r['by_outlet'][outlet])}"
                for r in framing.get("referents", [])
                if r["by_outlet"].get(outlet)
            ],
            "quotes": framing.get("quotes_chosen", {}).get(outlet, []),
            "omits": framing.get("omissions", {}).get(outlet, []),
            "articles": by_outlet.get(outlet, []),
        }
        for outlet in outlets
    ]
