"""Bytes to text: BOMs, declared charsets, detection (charset-normalizer), binary refusal."""

from __future__ import annotations

import codecs
import re

from storyline.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_SNIFF_BYTES = 8192


def decode(data: bytes, *, path: str, html: bool = False) -> tuple[str, str]:
    """The text of `data` and the encoding used. Raises InputError for binary or empty input."""
    if not data.strip():
        raise InputError("empty file: nothing to ingest; remove it or add an article", path=path)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise InputError(
            "binary file (NUL bytes): storyline reads text, HTML, JSON, JSONL; convert it first",
            path=path,
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if html and (m := _META_CHARSET.search(data[:_SNIFF_BYTES])):
        declared = m.group(1).decode("ascii", "replace")
        try:
            return data.decode(declared), declared.lower()
        except (LookupError, UnicodeDecodeError):
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError("unreadable: no text encoding fits; convert it to UTF-8", path=path)
    return str(best), best.encoding
