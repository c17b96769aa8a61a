"""Export: one record per article with every field and its provenance (JSONL or Parquet).

The record shape is a public contract (documented in the README, scored from outside):
field names stay stable; later stages fill `story_id`, `event_id`, `dup_group`, `entities`,
`quotes` and `timexes`, which are null until their stage has run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from storyline.model import Analysis, Article
from storyline.store.analyses import load_analysis
from storyline.store.db import Store
from storyline.store.timexes import TIMEX_FIELDS, load_timexes

LATER_STAGE_FIELDS = ("story_id", "event_id", "dup_group", "entities", "quotes", "timexes")
QUOTE_EXPORT = (
    "text",
    "kind",
    "speaker",
    "speaker_mention",
    "cue",
    "medium",
    "via",
    "start",
    "end",
)


def record(
    article: Article,
    *,
    version: int = 1,
    with_raw: bool = False,
    analysis: Analysis | None = None,
    clusters: dict[int, int] | None = None,
) -> dict[str, Any]:
    """The export record of one article (with its analysis and quote clusters when given)."""
    rec: dict[str, Any] = {
        "id": article.id,
        "source": article.source,
        "format": article.format,
        "container": article.container,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "version": version,
        "title": article.title,
        "outlet": article.outlet,
        "author": article.author,
        "language": article.language,
        "published": article.published,
        "published_confidence": article.published_confidence,
        "published_inferred": article.published_inferred,
        "text": article.text,
        "headings": list(article.headings),
        "removed": [
            {
                "line": ln.no,
                "origin": ln.origin,
                "text": ln.text,
                "reason": ln.reason,
                "rule": ln.rule,
            }
            for ln in article.removed
        ],
        "foreign_lines": [{"text": t, "language": lang} for t, lang in article.foreign_lines],
        "date_claims": [
            {
                "value": c.value,
                "granularity": c.granularity,
                "source": c.source,
                "evidence": c.evidence,
                "verdict": c.verdict,
                "reason": c.reason,
                "year_completed": c.year_completed,
            }
            for c in article.date_claims
        ],
        "provenance": [
            {"field": p.field, "rule": p.rule, "evidence": p.evidence} for p in article.provenance
        ],
        "metadata": json.loads(article.extra_json),
        "nlp_processor": None,
    }
    rec.update(dict.fromkeys(LATER_STAGE_FIELDS))
    if analysis is not None:
        rec["entities"] = _entities(analysis)
        rec["quotes"] = [
            {
                **{f: getattr(q, f) for f in QUOTE_EXPORT},
                # the person across articles (titles stripped, spellings merged) when linking
                # has run; the article's own fullest name is kept beside it
                "speaker": canonical_name(analysis, q.speaker_entity) or q.speaker,
                "speaker_in_article": q.speaker,
                "cluster": (clusters or {}).get(i),
            }
            for i, q in enumerate(analysis.quotes)
        ]
        rec["nlp_processor"] = analysis.processor
    if with_raw:
        rec["raw"] = article.raw
    return rec


def canonical_name(analysis: Analysis, entity: int | None) -> str | None:
    """The name of an article's entity across articles (its own name before linking)."""
    found = next((e for e in analysis.entities if e.id == entity), None)
    return found.canonical or found.name if found else None


def _entities(analysis: Analysis) -> list[dict[str, Any]]:
    out = []
    for e in analysis.entities:
        mentions = [
            {"text": m.text, "start": m.start, "end": m.end, "kind": m.kind}
            for m in analysis.mentions
            if m.entity == e.id
        ]
        out.append(
            {
                "name": e.name,
                "canonical": e.canonical or e.name,
                "label": e.label,
                "mentions": mentions,
            }
        )
    return out


def records(store: Store, *, with_raw: bool = False) -> Iterator[dict[str, Any]]:
    """Export records of every stored article, by publication date."""
    from storyline.link.stories import article_assignments

    assignments = article_assignments(store)
    timexed = {r[0] for r in store.conn.execute("SELECT article_id FROM timex_runs")}
    for article in store.iter_articles():
        clusters = {
            int(r["idx"]): int(r["cluster_id"])
            for r in store.conn.execute(
                "SELECT idx, cluster_id FROM quote_cluster_members WHERE article_id = ?",
                (article.id,),
            )
        }
        rec = record(
            article,
            version=store.version_of(article.id),
            with_raw=with_raw,
            analysis=load_analysis(store, article.id),
            clusters=clusters,
        )
        rec["story_id"], rec["event_id"], rec["dup_group"] = assignments.get(
            article.id, (None, None, None)
        )
        if article.id in timexed:
            rec["timexes"] = [
                {f: getattr(t, f) for f in TIMEX_FIELDS} for t in load_timexes(store, article.id)
            ]
        yield rec


def write_jsonl(store: Store, out: IO[str], *, with_raw: bool = False) -> int:
    """Write JSONL to `out`; returns the number of records."""
    n = 0
    for rec in records(store, with_raw=with_raw):
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_parquet(store: Store, path: Path, *, with_raw: bool = False) -> int:
    """Write a Parquet file (nested lists as JSON strings, metadata as JSON)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = []
    for rec in records(store, with_raw=with_raw):
        flat = {
            k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
            for k, v in rec.items()
        }
        rows.append(flat)
    table = pa.Table.from_pylist(rows, schema=_schema(with_raw))
    pq.write_table(table, path)
    return len(rows)


def _schema(with_raw: bool) -> Any:
    import pyarrow as pa

    string_fields = (
        "id",
        "source",
        "format",
        "container",
        "url",
        "canonical_url",
        "title",
        "outlet",
        "author",
        "language",
        "published",
        "text",
        "headings",
        "removed",
        "foreign_lines",
        "nlp_processor",
        "date_claims",
        "provenance",
        "metadata",
        *LATER_STAGE_FIELDS,
    )
    fields = [pa.field(name, pa.string()) for name in string_fields]
    fields += [
        pa.field("version", pa.int64()),
        pa.field("published_confidence", pa.float64()),
        pa.field("published_inferred", pa.bool_()),
    ]
    if with_raw:
        fields.append(pa.field("raw", pa.string()))
    return pa.schema(fields)
