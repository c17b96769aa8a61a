"""Readers: files, directories, globs and stdin to `RawInput`s, one per article.

`.txt` text dumps, `.html`/`.htm` pages, `.json` (one object or a list), `.jsonl` (one object
per line) and `.parquet` (one article per row, read in row batches with pyarrow). A JSON record
or Parquet row gives its body in `text`|`body`|`content`|`html` and may give `id`, `title`,
`url`, `outlet`, `author`, `published`, `language`|`lang`; other fields (columns) are kept as
metadata. Errors are yielded, not raised, so one bad input never stops the others.
"""

from __future__ import annotations

import base64
import glob
import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from storyline.errors import InputError
from storyline.ingest.decode import decode
from storyline.model import RawInput

SUFFIXES = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}
# Label files and docs that live beside a corpus (examples/gold.json, README.md) are not articles.
IGNORED_NAMES = frozenset({"gold.json", "readme.md", "readme.txt", "license", "license.txt"})
MAX_BYTES = 20_000_000  # one article (or one JSON record) larger than this is not news text
BODY_FIELDS = ("text", "body", "content", "html")
# Field names and the aliases feeds and scrapers commonly use for them.
FIELD_ALIASES = {
    "id": ("id", "guid", "uid"),
    "title": ("title", "headline"),
    "url": ("url", "link", "permalink"),
    "outlet": ("outlet", "site", "site_name", "publisher", "source_name", "sitename"),
    "author": ("author", "authors", "byline", "creator"),
    "published": (
        "published",
        "published_at",
        "publishedAt",
        "pubDate",
        "date_published",
        "datePublished",
        "date",
        "pub_date",
        "created_at",
    ),
    "language": ("language", "lang", "locale"),
}

PARQUET_BATCH = 256  # rows per pyarrow record batch: bounded memory on large files
JSONL_BATCH = 256  # lines parsed per hand-over

Item = RawInput | InputError


def expand(paths: Iterable[str]) -> Iterator[tuple[str, Path | None] | InputError]:
    """Each input as (name, path); `-` is stdin (path None). Missing paths become errors."""
    for arg in paths:
        if arg == "-":
            yield "-", None
            continue
        p = Path(arg)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                rel = child.relative_to(p).parts
                if (
                    child.is_file()
                    and child.suffix.lower() in SUFFIXES
                    and child.name.lower() not in IGNORED_NAMES
                    and not any(part.startswith(".") for part in rel)
                ):
                    yield str(child), child
        elif p.is_file():
            yield str(p), p
        elif any(ch in arg for ch in "*?["):
            matches = sorted(glob.glob(arg, recursive=True))  # noqa: PTH207 (a user's pattern)
            if not matches:
                yield InputError("no file matches this pattern", path=arg)
            for match in matches:
                yield from expand([match])
        else:
            yield InputError("no such file or directory; check the path", path=arg)


def read_inputs(
    paths: Iterable[str],
    *,
    max_bytes: int = MAX_BYTES,
    on_file: Callable[[str], None] | None = None,
) -> Iterator[Item]:
    """Every article (or error) found under `paths`, streamed; `on_file` hears of each file."""
    for entry in expand(paths):
        if isinstance(entry, InputError):
            yield entry
            continue
        name, path = entry
        if on_file is not None:
            on_file(name)
        yield from read_entry(name, path, max_bytes=max_bytes)


def read_entry(name: str, path: Path | None, *, max_bytes: int = MAX_BYTES) -> Iterator[Item]:
    """`read_one`, with a file that cannot be read yielded as an error rather than raised."""
    try:
        yield from read_one(name, path, max_bytes=max_bytes)
    except InputError as err:
        yield err
    except OSError as err:
        yield InputError(f"cannot read: {err.strerror or err}; check permissions", path=name)


def read_one(name: str, path: Path | None, *, max_bytes: int = MAX_BYTES) -> Iterator[Item]:
    """The articles in one file (or stdin when `path` is None)."""
    kind = SUFFIXES.get(path.suffix.lower()) if path is not None else None
    if path is not None and kind is None:
        raise InputError(
            f"unknown format '{path.suffix or '(no suffix)'}'; use one of "
            + ", ".join(sorted(SUFFIXES)),
            path=name,
        )
    if kind == "jsonl":
        assert path is not None
        with path.open("rb") as fh:
            yield from read_jsonl_lines(name, enumerate(fh, start=1), max_bytes=max_bytes)
        return
    if kind == "parquet":
        assert path is not None
        yield from read_parquet(name, path)
        return
    if path is not None and path.stat().st_size > max_bytes:
        raise InputError(
            f"file is {path.stat().st_size:,} bytes, over the {max_bytes:,}-byte "
            "limit for one article; split it or raise --max-bytes",
            path=name,
        )
    data = path.read_bytes() if path is not None else sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"input is over the {max_bytes:,}-byte limit", path=name)
    kind = kind or _sniff(data)
    if kind == "json":
        text, _ = decode(data, path=name)
        yield from _read_json(name, text)
        return
    if kind == "jsonl":
        text, _ = decode(data, path=name)
        yield from _records(name, enumerate(text.splitlines(), start=1))
        return
    text, encoding = decode(data, path=name, html=kind == "html")
    yield RawInput(
        source=name,
        format="html" if kind == "html" else "txt",
        raw=text,
        body=text,
        raw_bytes=data,
        encoding=encoding,
    )


def _sniff(data: bytes) -> str:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<article")):
        return "html"
    if head.startswith((b"{", b"[")):
        lines = [ln for ln in data.splitlines() if ln.strip()]
        return (
            "jsonl"
            if len(lines) > 1 and all(ln.lstrip().startswith(b"{") for ln in lines)
            else "json"
        )
    return "txt"


def read_jsonl_lines(
    name: str, numbered: Iterable[tuple[int, bytes]], *, max_bytes: int = MAX_BYTES
) -> Iterator[Item]:
    """The records of JSONL lines given as (line number, bytes): the whole file, or a range of
    it (a `storyline batch` partition), numbered as in the file."""
    batch = []
    for lineno, line in numbered:
        if len(line) > max_bytes:
            yield InputError(f"record over the {max_bytes:,}-byte limit", path=name, line=lineno)
            continue
        try:
            batch.append((lineno, line.decode("utf-8-sig")))
        except UnicodeDecodeError:
            yield InputError("not UTF-8; JSONL must be UTF-8", path=name, line=lineno)
        if len(batch) >= JSONL_BATCH:
            yield from _records(name, batch)
            batch = []
    yield from _records(name, batch)


def read_parquet(name: str, path: Path, row_groups: Sequence[int] | None = None) -> Iterator[Item]:
    """One article per row of a Parquet file (all row groups, or only `row_groups`), read in
    record batches; a row is a JSON record with the columns as its fields, numbered from 1 in
    the file (errors name the file and the row)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as err:
        raise InputError(f"not a readable Parquet file ({err}); check the file", path=name) from err
    groups = list(range(pf.num_row_groups)) if row_groups is None else list(row_groups)
    starts = [0]
    for g in range(pf.num_row_groups):
        starts.append(starts[-1] + pf.metadata.row_group(g).num_rows)
    for group in groups:
        row = starts[group]
        for batch in pf.iter_batches(batch_size=PARQUET_BATCH, row_groups=[group]):
            for values in batch.to_pylist():
                row += 1
                obj = {k: _plain(v) for k, v in values.items() if v is not None}
                raw = json.dumps(obj, ensure_ascii=False, sort_keys=True)
                yield _record(name, obj, raw, None, row)


def _plain(value: Any) -> Any:
    """A Parquet cell as JSON-ready data: dates and times in ISO 8601, decimals as text,
    binary as base64, nested lists and structs likewise."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _records(name: str, numbered: Iterable[tuple[int, str]]) -> Iterator[Item]:
    for lineno, line in numbered:
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            yield InputError(
                f"malformed JSON ({err.msg} at column {err.colno}); fix or remove this line",
                path=name,
                line=lineno,
            )
            continue
        yield _record(name, obj, line.rstrip("\r\n"), lineno)


def _read_json(name: str, text: str) -> Iterator[Item]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        yield InputError(f"malformed JSON ({err.msg}); fix the file", path=name, line=err.lineno)
        return
    if isinstance(obj, list):
        for i, item in enumerate(obj, start=1):
            yield _record(name, item, json.dumps(item, ensure_ascii=False, sort_keys=True), None, i)
    else:
        yield _record(name, obj, text, None)


def _record(name: str, obj: Any, raw: str, lineno: int | None, index: int | None = None) -> Item:
    where = lineno if lineno is not None else index
    if not isinstance(obj, dict):
        return InputError("a JSON article must be an object", path=name, line=where)
    body_key = next(
        (k for k in BODY_FIELDS if isinstance(obj.get(k), str) and obj[k].strip()), None
    )
    if body_key is None:
        return InputError(
            "record has no text: give one of " + ", ".join(BODY_FIELDS), path=name, line=where
        )
    fields, used = _known_fields(obj)
    extra = {k: v for k, v in obj.items() if k not in used and k != body_key}
    ident = dict(fields).get("id")
    if ident not in (None, ""):
        source = f"{name}#{ident}"
    elif lineno is not None:
        source = f"{name}:{lineno}"
    else:
        source = f"{name}#{index}" if index else name
    body = obj[body_key]
    fmt: Literal["txt", "html"] = (
        "html" if body_key == "html" or body.lstrip()[:1] == "<" else "txt"
    )
    return RawInput(
        source=source,
        format=fmt,
        raw=raw,
        body=body,
        container="json",
        fields=fields,
        extra_json=json.dumps(extra, ensure_ascii=False, sort_keys=True),
    )


def _known_fields(obj: dict[str, Any]) -> tuple[tuple[tuple[str, str], ...], set[str]]:
    """The known fields of a record, under their canonical names, and the keys used."""
    fields, used = [], set()
    for name, aliases in FIELD_ALIASES.items():
        key = next((a for a in aliases if _flat(obj.get(a))), None)
        if key is not None:
            fields.append((name, _flat(obj[key])))
            used.add(key)
    return tuple(fields), used


def _flat(value: Any) -> str:
    """A field value as text: names of author objects, lists joined, numbers as strings."""
    if isinstance(value, dict):
        return _flat(value.get("name") or value.get("title") or "")
    if isinstance(value, list):
        return ", ".join(filter(None, (_flat(v) for v in value)))
    return "" if value is None else str(value).strip()


def content_id(raw: str) -> str:
    """A stable article id: sha1 of the raw input, 16 hex digits."""
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]
