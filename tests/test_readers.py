"""Readers: formats, encodings, BOM/CRLF, JSON records, errors with file and line."""

from __future__ import annotations

import json
from pathlib import Path

from storyline.errors import InputError
from storyline.ingest.readers import read_inputs
from storyline.model import RawInput


def read(*paths: Path | str) -> list[RawInput | InputError]:
    return list(read_inputs([str(p) for p in paths]))


def test_text_with_bom_and_crlf(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes(b"\xef\xbb\xbfTitle line\r\nBody line one.\r\n")
    (item,) = read(f)
    assert isinstance(item, RawInput)
    assert item.body.splitlines() == ["Title line", "Body line one."]
    assert item.encoding == "utf-8-sig"


def test_latin1_html_declared_charset(tmp_path: Path) -> None:
    f = tmp_path / "p.html"
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Grüße aus Köln</p></body></html>'
    f.write_bytes(page.encode("latin-1"))
    (item,) = read(f)
    assert isinstance(item, RawInput)
    assert item.format == "html"
    assert "Grüße aus Köln" in item.body


def test_jsonl_records_fields_and_bad_line(tmp_path: Path) -> None:
    f = tmp_path / "w.jsonl"
    rows = [
        json.dumps({"id": "a1", "title": "T", "body": "Text one.", "lang": "de", "section": "x"}),
        "{not json",
        json.dumps({"content": "Text two.", "url": "https://x.example/2026/01/02/b"}),
        json.dumps({"title": "no text here"}),
    ]
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    items = read(f)
    assert [type(i).__name__ for i in items] == ["RawInput", "InputError", "RawInput", "InputError"]
    first, bad, second, empty = items
    assert isinstance(first, RawInput)
    assert isinstance(second, RawInput)
    assert first.source.endswith("w.jsonl#a1")
    assert first.field("language") == "de"  # "lang" is an alias
    assert json.loads(first.extra_json) == {"section": "x"}
    assert first.raw == rows[0]
    assert second.source.endswith("w.jsonl:3")
    assert isinstance(bad, InputError)
    assert bad.line == 2
    assert isinstance(empty, InputError)
    assert "no text" in str(empty)


def test_json_list_and_html_field(tmp_path: Path) -> None:
    f = tmp_path / "one.json"
    f.write_text(json.dumps([{"id": 1, "html": "<p>Hi there</p>"}, {"id": 2, "text": "Plain."}]))
    a, b = read(f)
    assert isinstance(a, RawInput)
    assert a.format == "html"
    assert isinstance(b, RawInput)
    assert b.format == "txt"


def test_errors_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "x.docx").write_text("?")
    items = read(
        tmp_path / "empty.txt", tmp_path / "bin.txt", tmp_path / "x.docx", tmp_path / "missing.txt"
    )
    assert all(isinstance(i, InputError) for i in items)
    messages = [str(i) for i in items]
    assert "empty" in messages[0]
    assert "binary" in messages[1]
    assert "unknown format" in messages[2]
    assert "no such file" in messages[3]
    assert all(str(tmp_path) in m for m in messages)


def test_directory_walk_skips_labels_and_hidden(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("Hello there.")
    (tmp_path / "gold.json").write_text("{}")
    (tmp_path / ".hidden.txt").write_text("secret")
    (tmp_path / "notes.png").write_bytes(b"\x89PNG")
    items = read(tmp_path)
    assert [Path(i.source).name for i in items if isinstance(i, RawInput)] == ["a.txt"]
    assert len(items) == 1


def test_huge_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    f.write_text("x" * 2000)
    (item,) = list(read_inputs([str(f)], max_bytes=1000))
    assert isinstance(item, InputError)
    assert "limit" in str(item)
