"""Inputs → partitions: the units of work that run as Dask tasks, each with a content hash.

A partition is a run of small files (txt, html, json), a range of lines of a JSONL file, or a
run of row groups of a Parquet file. Partitions come in the order the single-process readers
read the same inputs (`readers.expand`), so loading them in order gives the same store. The
`digest` hashes what the partition reads (bytes, and which part of a file), so a re-run knows a
finished partition by its content, whatever else changed around it.

Workers read the partitions themselves (`read_partition`): the paths must be visible to them
(the same absolute paths on every machine; see docs/batch.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from storyline.errors import InputError
from storyline.ingest.readers import (
    SUFFIXES,
    Item,
    expand,
    read_entry,
    read_jsonl_lines,
    read_parquet,
)

# Articles per partition. A task then takes ~10 s of NLP on one core (~30 articles/s, see
# bench/RESULTS.md "NLP stage"): long enough that Dask's per-task overhead (~1 ms) and the
# shard write are noise, short enough that a lost worker costs little and the progress moves.
PARTITION_ROWS = 256
PARTITION_FILES = 64  # small files per partition (a file is usually one article)

Kind = Literal["files", "jsonl", "parquet"]


@dataclass(frozen=True, slots=True)
class Partition:
    """One unit of work: what to read, and the hash of its content.

    `names` are the inputs as the user gave them (they become article sources); `paths` the
    absolute paths the workers open. JSONL: bytes `start`-`stop`, whose first line is line
    `first_line` of the file. Parquet: `row_groups`. `size` counts its articles (files, lines,
    rows) for progress.
    """

    index: int
    kind: Kind
    names: tuple[str, ...]
    paths: tuple[str, ...]
    digest: str
    size: int
    start: int = 0
    stop: int = 0
    first_line: int = 1
    row_groups: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        """A short human name: the file (and its range) or the first file of a run."""
        if self.kind == "jsonl":
            return f"{self.names[0]}:{self.first_line}-{self.first_line + self.size - 1}"
        if self.kind == "parquet":
            return f"{self.names[0]} row groups {self.row_groups[0]}-{self.row_groups[-1]}"
        more = f" (+{len(self.names) - 1} files)" if len(self.names) > 1 else ""
        return self.names[0] + more


def plan(
    paths: Iterable[str], *, rows: int = PARTITION_ROWS, files: int = PARTITION_FILES
) -> tuple[list[Partition], list[InputError]]:
    """The partitions of the inputs under `paths`, in reading order, and the inputs that cannot
    be partitioned (missing paths, stdin, unknown suffixes)."""
    parts: list[Partition] = []
    errors: list[InputError] = []
    run: list[tuple[str, Path]] = []

    def add(kind: Kind, names: list[str], digest: str, size: int, **where: Any) -> None:
        resolved = tuple(str(Path(n).resolve()) for n in names)
        parts.append(Partition(len(parts), kind, tuple(names), resolved, digest, size, **where))

    def close_run() -> None:
        if run:
            h = hashlib.sha1(b"files")
            for name, path in run:
                h.update(name.encode("utf-8") + b"\0" + _content(path) + b"\0")
            add("files", [n for n, _ in run], h.hexdigest(), len(run))
            run.clear()

    for entry in expand(paths):
        if isinstance(entry, InputError):
            errors.append(entry)
            continue
        name, path = entry
        if path is None:
            errors.append(InputError("batch reads files, not stdin; save it first", path=name))
            continue
        kind = SUFFIXES.get(path.suffix.lower())
        if kind == "jsonl":
            close_run()
            for start, stop, first, size, digest in _line_ranges(path, rows):
                add("jsonl", [name], digest, size, start=start, stop=stop, first_line=first)
        elif kind == "parquet" and (pieces := _row_group_runs(path, rows)) is not None:
            close_run()
            for groups, size, digest in pieces:
                add("parquet", [name], digest, size, row_groups=groups)
        elif kind is None:
            errors.append(InputError(f"unknown format '{path.suffix or '(no suffix)'}'", path=name))
        else:
            run.append((name, path))
            if len(run) >= files:
                close_run()
    close_run()
    return parts, errors


def _line_ranges(path: Path, rows: int) -> Iterator[tuple[int, int, int, int, str]]:
    """(start, stop, first line, lines, digest) of runs of `rows` lines of a JSONL file."""
    start = offset = count = 0
    first = 1
    h = hashlib.sha1(b"jsonl")
    with path.open("rb") as fh:
        for lineno, line in enumerate(fh, start=1):
            h.update(line)
            offset += len(line)
            count += 1
            if count == rows:
                yield start, offset, first, count, h.hexdigest()
                start, first, count, h = offset, lineno + 1, 0, hashlib.sha1(b"jsonl")
    if count:
        yield start, offset, first, count, h.hexdigest()


def _row_group_runs(path: Path, rows: int) -> list[tuple[tuple[int, ...], int, str]] | None:
    """(row groups, rows, digest) of runs of row groups holding about `rows` rows each; None
    when the file cannot be read as Parquet (then it is read as a file, and its error is the
    reader's)."""
    import pyarrow.parquet as pq

    try:
        whole = hashlib.sha1(path.read_bytes()).hexdigest()
        meta = pq.ParquetFile(path).metadata
    except (OSError, ValueError):  # pyarrow.ArrowInvalid is a ValueError
        return None
    out = []
    groups: list[int] = []
    size = 0
    for g in range(meta.num_row_groups):
        groups.append(g)
        size += meta.row_group(g).num_rows
        if size >= rows or g == meta.num_row_groups - 1:
            digest = hashlib.sha1(f"parquet {whole} {groups}".encode()).hexdigest()
            out.append((tuple(groups), size, digest))
            groups, size = [], 0
    return out


def _content(path: Path) -> bytes:
    """A file's bytes for its partition's hash; none when it cannot be read (the worker then
    reports the reader's error)."""
    try:
        return path.read_bytes()
    except OSError:
        return b""


def read_partition(part: Partition) -> Iterator[Item]:
    """The inputs (or errors) of one partition, as the single-process readers give them."""
    if part.kind == "files":
        for name, path in zip(part.names, part.paths, strict=True):
            yield from read_entry(name, Path(path))
    elif part.kind == "jsonl":
        with Path(part.paths[0]).open("rb") as fh:
            fh.seek(part.start)
            data = fh.read(part.stop - part.start)
        pieces = data.split(b"\n")  # as iterating the file: lines end at \n only
        lines = [p + b"\n" for p in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])
        yield from read_jsonl_lines(part.names[0], enumerate(lines, start=part.first_line))
    else:
        yield from read_parquet(part.names[0], Path(part.paths[0]), part.row_groups)
