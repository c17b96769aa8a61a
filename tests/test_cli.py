"""The command line, run as a real subprocess on a temporary database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from storyline.cli import cli

BODY = (
    "Harbour talks resume\n\nBy Jane Roe\n14 March 2026\n\nThe port authority and the union "
    "met again on Tuesday to discuss the overtime rules that triggered the strike.\n"
)


def run(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STORYLINE_DB": str(db), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "storyline", *args],
        input=stdin,
        text=True,
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )


def _command_paths(group: click.Group, prefix: str = "") -> list[str]:
    """Every command of the CLI, as it is typed ("eval cleaning", "entities merge", ...)."""
    paths = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}".strip()
        paths.append(path)
        if isinstance(command, click.Group):
            paths += _command_paths(command, path)
    return paths


@pytest.mark.parametrize("command", ["", *_command_paths(cli)])
def test_every_command_has_help(tmp_path: Path, command: str) -> None:
    result = run(tmp_path / "h.db", *command.split(), "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout
    assert len(result.stdout.split("\n\n")[1].strip()) > 10  # a real description


def test_ingest_list_show_export(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(BODY, encoding="utf-8")
    first = run(db, "ingest", str(tmp_path / "in"), "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["ingested"] == 1
    again = run(db, "ingest", str(tmp_path / "in"), "--json")
    assert json.loads(again.stdout)["already_had"] == 1

    rows = json.loads(run(db, "list", "--json").stdout)
    assert rows[0]["title"] == "Harbour talks resume"
    shown = json.loads(run(db, "show", rows[0]["id"][:8], "--json").stdout)
    assert shown["author"] == "Jane Roe"
    assert {r["reason"] for r in shown["removed"]} >= {"byline", "timestamp"}

    out = tmp_path / "out.jsonl"
    assert run(db, "export", "-o", str(out)).returncode == 0
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    for key in (
        "title",
        "outlet",
        "published",
        "text",
        "story_id",
        "event_id",
        "dup_group",
        "quotes",
        "provenance",
        "date_claims",
        "removed",
    ):
        assert key in record
    parquet = tmp_path / "out.parquet"
    assert run(db, "export", "--format", "parquet", "-o", str(parquet)).returncode == 0
    import pyarrow.parquet as pq

    assert pq.read_table(parquet).num_rows == 1


def test_stdin_and_search(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    assert run(db, "ingest", "-", stdin=BODY).returncode == 0
    hits = json.loads(run(db, "search", "overtime", "--json").stdout)
    assert len(hits) == 1


def test_bad_inputs_one_line_each_others_still_ingested(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    good = tmp_path / "good.txt"
    good.write_text(BODY, encoding="utf-8")
    bad_jsonl = tmp_path / "w.jsonl"
    bad_jsonl.write_text('{"text": "A fine record with text."}\n{oops\n', encoding="utf-8")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x00\x00")
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4")
    result = run(
        db,
        "ingest",
        str(good),
        str(bad_jsonl),
        str(tmp_path / "empty.txt"),
        str(tmp_path / "bin.txt"),
        str(tmp_path / "doc.pdf"),
        str(tmp_path / "nope.txt"),
        "--json",
    )
    assert result.returncode == 1
    summary = json.loads(result.stdout)
    assert (summary["ingested"], summary["failed"]) == (2, 5)
    assert any("w.jsonl:2" in e and "malformed JSON" in e for e in summary["errors"])
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 5


def test_unknown_article_and_bad_search_exit_1(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    result = run(db, "show", "zzzz")
    assert result.returncode == 1
    assert "no article" in result.stderr
    assert run(db, "frobnicate").returncode == 2


def test_export_carries_quotes_and_clusters(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    text = (
        "Harbour chief speaks out\n\nPort director Marta Olsen said on Monday that the strike "
        'had cost the city dearly. "We cannot keep the cranes idle for another week," Olsen '
        "told reporters outside the harbour office.\n"
    )
    (tmp_path / "q.txt").write_text(text, encoding="utf-8")
    assert run(db, "ingest", str(tmp_path / "q.txt")).returncode == 0
    record = json.loads(run(db, "export").stdout.splitlines()[0])
    direct = [q for q in record["quotes"] if q["kind"] == "direct"]
    assert direct[0]["text"].startswith("We cannot keep the cranes idle")
    assert direct[0]["speaker"] == "Marta Olsen"
    assert record["story_id"] is not None
    assert record["event_id"] is not None
