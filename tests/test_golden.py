"""Golden files: what the ingest stage makes of every article in examples/.

A compact projection (fields, clean text, removed lines with reasons, date claims) per article in
tests/golden/clean/. A change in cleaning shows up as a diff to review; `pytest --update-golden`
rewrites the files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, TODAY

from storyline.ingest.clean import clean_article
from storyline.ingest.readers import read_inputs
from storyline.model import Article, RawInput

GOLDEN = Path(__file__).parent / "golden" / "clean"
INPUTS = [item for item in read_inputs([str(EXAMPLES)]) if isinstance(item, RawInput)]


def _case(raw: RawInput) -> str:
    rel = Path(raw.source.split("#")[0]).relative_to(EXAMPLES).as_posix()
    ident = raw.source.partition("#")[2]
    return re.sub(r"[^\w.-]+", "_", f"{rel}#{ident}" if ident else rel)


def _projection(article: Article) -> dict[str, Any]:
    return {
        "title": article.title,
        "outlet": article.outlet,
        "author": article.author,
        "language": article.language,
        "published": article.published,
        "text": article.text.splitlines(),
        "headings": list(article.headings),
        "removed": [f"{ln.reason}: {ln.text.strip()}" for ln in article.removed],
        "date_claims": [f"{c.value} {c.source} {c.verdict}" for c in article.date_claims],
        "provenance": {p.field: p.rule for p in article.provenance},
    }


@pytest.mark.parametrize("raw", INPUTS, ids=_case)
def test_clean_golden(raw: RawInput, update_golden: bool) -> None:
    got = json.dumps(_projection(clean_article(raw, now=TODAY)), ensure_ascii=False, indent=2)
    want = GOLDEN / f"{_case(raw)}.json"
    if update_golden:
        want.parent.mkdir(parents=True, exist_ok=True)
        want.write_text(got + "\n", encoding="utf-8")
    assert got + "\n" == want.read_text(encoding="utf-8")
