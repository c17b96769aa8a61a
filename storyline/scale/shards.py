"""Parquet shards: one file per partition and table, written with pyarrow, read back exactly.

Under `--out`, `<table>/<digest>.parquet` for the tables `articles` (the raw input, the cleaned
article with its lines, date claims and provenance, the page metadata, the lede vector),
`entities`, `mentions`, `quotes`, `timexes` and `failures`. Child tables carry `article_id`
and `pos` (the input's position in its partition). The schemas are in `SCHEMAS` and
docs/batch.md; DuckDB, Polars, Spark or pandas read a table's folder as one dataset
(`read_parquet('out/articles/*.parquet')`).

A shard holds everything the store needs, so loading a finished partition on a re-run reads
only its shards (never the inputs) and gives the same articles.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from storyline.ingest.html import Page
from storyline.model import (
    Analysis,
    Article,
    DateClaim,
    Entity,
    Line,
    Mention,
    Provenance,
    Quote,
    RawInput,
    Timex,
)
from storyline.scale.tasks import Failed, PartitionResult, Processed
from storyline.store.db import Store

S, I32, I64, F64, BOOL, BIN = (
    pa.string(),
    pa.int32(),
    pa.int64(),
    pa.float64(),
    pa.bool_(),
    pa.binary(),
)


def _struct(**types: pa.DataType) -> pa.DataType:
    return pa.list_(pa.struct([pa.field(k, t) for k, t in types.items()]))


_LINE = _struct(no=I32, text=S, kind=S, clean=S, reason=S, rule=S, origin=S)
_CLAIM = _struct(
    value=S, granularity=S, source=S, evidence=S, verdict=S, reason=S, year_completed=BOOL
)
_PROVENANCE = _struct(field=S, rule=S, evidence=S)
_KEY = {"pos": I32, "article_id": S}

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema(
        {
            "pos": I32,
            "id": S,
            # the raw input (RawInput)
            "source": S,
            "format": S,
            "container": S,
            "encoding": S,
            "raw": S,
            "raw_bytes": BIN,  # only when the text cannot give them back, else null
            "body": S,  # null when the same as raw
            "fields": _struct(name=S, value=S),
            "extra_json": S,
            # the cleaned article (Article)
            "url": S,
            "canonical_url": S,
            "title": S,
            "outlet": S,
            "author": S,
            "language": S,
            "text": S,
            "headings": pa.list_(S),
            "lines": _LINE,
            "foreign_lines": _struct(text=S, language=S),
            "date_claims": _CLAIM,
            "published": S,
            "published_confidence": F64,
            "published_inferred": BOOL,
            "provenance": _PROVENANCE,
            "warnings": pa.list_(S),
            "page": S,  # the HTML page's extraction as JSON (null for text), to clean again
            "nlp_processor": S,
            "vector_sha": S,
            "vector": BIN,  # float32 × 384, the lede embedding
        }
    ),
    "entities": pa.schema({**_KEY, "id": I32, "label": S, "name": S}),
    "mentions": pa.schema(
        {**_KEY, "entity": I32, "start": I32, "end": I32, "text": S, "label": S, "kind": S}
    ),
    "quotes": pa.schema(
        {
            **_KEY,
            "idx": I32,
            "start": I32,
            "end": I32,
            "text": S,
            "kind": S,
            "speaker": S,
            "speaker_mention": S,
            "speaker_start": I32,
            "speaker_end": I32,
            "speaker_entity": I32,
            "cue": S,
            "medium": S,
            "via": S,
            "vector": BIN,  # float32 × 384, the quote's embedding
        }
    ),
    "timexes": pa.schema(
        {
            **_KEY,
            "idx": I32,
            "start": I32,
            "end": I32,
            "text": S,
            "type": S,
            "value": S,
            "anchor": S,
            "note": S,
        }
    ),
    "failures": pa.schema({"pos": I32, "source": S, "line": I32, "error": S, "raw": S}),
}
TABLES = tuple(SCHEMAS)
CLUSTERS = pa.schema({"article_id": S, "story_id": S, "event_id": S, "dup_group": S})
QUOTE_CLUSTERS = pa.schema({"cluster_id": I64, "article_id": S, "idx": I32, "similarity": F64})


def shard_path(out: Path, table: str, digest: str) -> Path:
    """Where a partition's shard of one table lives."""
    return out / table / f"{digest}.parquet"


def write_shards(result: PartitionResult, out: Path) -> list[Path]:
    """Write a partition's result as one Parquet file per table (each written to a temporary
    name, then renamed: a shard that exists is complete); returns the paths."""
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    for pos, item in enumerate(result.items):
        if isinstance(item, Failed):
            raw = json.dumps(asdict(item.raw), default=_bytes_hex) if item.raw else None
            rows["failures"].append(
                {
                    "pos": pos,
                    "source": item.source,
                    "line": item.line,
                    "error": item.error,
                    "raw": raw,
                }
            )
            continue
        aid = item.article.id
        rows["articles"].append(_article_row(pos, item))
        key = {"pos": pos, "article_id": aid}
        rows["entities"] += [{**key, **asdict(e)} for e in item.analysis.entities]
        rows["mentions"] += [{**key, **asdict(m)} for m in item.analysis.mentions]
        quotes = enumerate(zip(item.analysis.quotes, item.quote_vectors, strict=True))
        rows["quotes"] += [{**key, "idx": i, **asdict(q), "vector": v} for i, (q, v) in quotes]
        rows["timexes"] += [{**key, "idx": i, **asdict(t)} for i, t in enumerate(item.timexes)]
    paths = []
    for table, schema in SCHEMAS.items():
        target = shard_path(out, table, result.digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".parquet.tmp")
        data = [{c: r.get(c) for c in schema.names} for r in rows[table]]
        pq.write_table(pa.Table.from_pylist(data, schema=schema), partial)
        partial.replace(target)
        paths.append(target)
    return paths


def has_shards(out: Path, digest: str) -> bool:
    """Whether every table's shard of a partition is on disk."""
    return all(shard_path(out, t, digest).exists() for t in TABLES)


def read_shards(out: Path, index: int, digest: str) -> PartitionResult:
    """A partition's result read back from its shards (the same as what was written)."""
    tables = {t: pq.read_table(shard_path(out, t, digest)).to_pylist() for t in TABLES}
    children: dict[str, dict[int, list[dict[str, Any]]]] = {}
    for table in ("entities", "mentions", "quotes", "timexes"):
        by_pos: dict[int, list[dict[str, Any]]] = {}
        for r in tables[table]:
            by_pos.setdefault(r["pos"], []).append(r)
        children[table] = by_pos
    items: dict[int, Processed | Failed] = {}
    for r in tables["failures"]:
        raw = _raw_input(json.loads(r["raw"])) if r["raw"] else None
        items[r["pos"]] = Failed(r["source"], r["line"], r["error"], raw)
    for r in tables["articles"]:
        pos = r["pos"]
        items[pos] = _processed(r, {t: c.get(pos, []) for t, c in children.items()})
    return PartitionResult(index, digest, tuple(items[p] for p in sorted(items)))


def write_clusters(store: Store, out: Path) -> None:
    """After linking: `clusters.parquet` (article_id, story_id, event_id, dup_group, as in the
    export) and `quote_clusters.parquet` (cluster_id, article_id, idx, similarity) under
    `out`, for the whole store."""
    from storyline.link.stories import article_assignments

    rows = [
        {"article_id": aid, "story_id": s, "event_id": e, "dup_group": d}
        for aid, (s, e, d) in sorted(article_assignments(store).items())
    ]
    pq.write_table(pa.Table.from_pylist(rows, schema=CLUSTERS), out / "clusters.parquet")
    quotes = [
        dict(r)
        for r in store.conn.execute(
            "SELECT cluster_id, article_id, idx, similarity FROM quote_cluster_members"
            " ORDER BY cluster_id, article_id, idx"
        )
    ]
    pq.write_table(
        pa.Table.from_pylist(quotes, schema=QUOTE_CLUSTERS), out / "quote_clusters.parquet"
    )


# -- rows ↔ objects ------------------------------------------------------------------------


def _article_row(pos: int, item: Processed) -> dict[str, Any]:
    raw, a = item.raw, item.article
    return {
        "pos": pos,
        **{k: v for k, v in asdict(a).items() if k not in ("raw", "format", "container")},
        "source": raw.source,
        "format": raw.format,
        "container": raw.container,
        "encoding": raw.encoding,
        "raw": raw.raw,
        "raw_bytes": raw.raw_bytes or None,
        "body": raw.body if raw.body != raw.raw else None,
        "fields": [{"name": k, "value": v} for k, v in raw.fields],
        "extra_json": raw.extra_json,
        "foreign_lines": [{"text": t, "language": lang} for t, lang in a.foreign_lines],
        "page": json.dumps(asdict(item.page), ensure_ascii=False) if item.page else None,
        "nlp_processor": item.analysis.processor,
        "vector_sha": item.vector_sha,
        "vector": item.vector,
    }


def _processed(r: dict[str, Any], child: Mapping[str, list[dict[str, Any]]]) -> Processed:
    raw = RawInput(
        source=r["source"],
        format=r["format"],
        raw=r["raw"],
        body=r["body"] if r["body"] is not None else r["raw"],
        container=r["container"],
        raw_bytes=r["raw_bytes"] or b"",
        encoding=r["encoding"],
        fields=tuple((f["name"], f["value"]) for f in r["fields"]),
        extra_json=r["extra_json"],
    )
    article = Article(
        id=r["id"],
        source=r["source"],
        format=r["format"],
        raw=r["raw"],
        container=r["container"],
        url=r["url"],
        canonical_url=r["canonical_url"],
        title=r["title"],
        outlet=r["outlet"],
        author=r["author"],
        language=r["language"],
        text=r["text"],
        headings=tuple(r["headings"]),
        lines=_many(Line, r["lines"]),
        foreign_lines=tuple((f["text"], f["language"]) for f in r["foreign_lines"]),
        date_claims=_many(DateClaim, r["date_claims"]),
        published=r["published"],
        published_confidence=r["published_confidence"],
        published_inferred=r["published_inferred"],
        provenance=_many(Provenance, r["provenance"]),
        extra_json=r["extra_json"],
        warnings=tuple(r["warnings"]),
    )
    page = _page(json.loads(r["page"])) if r["page"] else None
    analysis = Analysis(
        processor=r["nlp_processor"],
        entities=_many(Entity, child["entities"]),
        mentions=_many(Mention, child["mentions"]),
        quotes=_many(Quote, child["quotes"]),
    )
    timexes = _many(Timex, child["timexes"])
    said = tuple(q["vector"] for q in child["quotes"])
    return Processed(raw, article, page, analysis, timexes, r["vector_sha"], r["vector"], said)


def _many(cls: Callable[..., Any], rows: Sequence[dict[str, Any]]) -> tuple[Any, ...]:
    """Dataclasses from rows, keeping only the class's own fields (not `pos`, `article_id`)."""
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return tuple(cls(**{k: v for k, v in r.items() if k in names}) for r in rows)


def _page(data: dict[str, Any]) -> Page:
    data["lines"] = tuple((text, heading) for text, heading in data["lines"])
    data["page_lines"] = tuple(data["page_lines"])
    return Page(**data)


def _raw_input(data: dict[str, Any]) -> RawInput:
    data["raw_bytes"] = bytes.fromhex(data["raw_bytes"])
    data["fields"] = tuple(tuple(f) for f in data["fields"])
    return RawInput(**data)


def _bytes_hex(value: object) -> str:
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot serialise {type(value).__name__}")
