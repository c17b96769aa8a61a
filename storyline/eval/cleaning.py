"""`storyline eval cleaning GOLD.json`: titles, outlets, dates, boilerplate and story lines.

The articles next to the gold file are ingested into a temporary store, then each gold article
is compared with what storyline made of it:
  * title / outlet / published: exact after normalisation (`acceptable_*` lists also count;
    a field the gold does not state is not scored);
  * implausible header: the gold's wrong date is among the claims with verdict "implausible";
  * boilerplate recall: share of gold boilerplate lines absent from the clean text;
  * story precision: share of clean-text lines that are story text;
  * story recall: share of story lines whose every sentence is in the clean text ("no story
    line lost" means 1.0). Story lines are the gold's `text` when given, else the raw lines
    that are neither boilerplate nor the title.
"""

from __future__ import annotations

import json
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storyline.ingest.lines import collapse_repeats, normalise
from storyline.ingest.run import ingest
from storyline.model import Article
from storyline.store.db import open_store

PREFIX_MIN_CHARS = 12  # a boilerplate string this long may stand for a line that starts with it
_SENTENCE = re.compile(r"(?<=[.!?…])[\"”»’']?\s+(?=[\"“„«‘'(]?[A-ZÀ-ÞА-Я0-9])")
METRICS = (
    "title",
    "outlet",
    "published",
    "implausible_header",
    "boilerplate_recall",
    "story_precision",
    "story_recall",
)


def _matches(boiler: str, line: str) -> bool:
    b, ln = normalise(boiler), normalise(line)
    if not b or not ln:
        return False
    return (
        ln == b
        or (len(b) >= PREFIX_MIN_CHARS and ln.startswith(b))
        or (b in ln and len(b) >= 0.5 * len(ln))
    )


def _same(pred: str | None, gold: Any) -> bool:
    if gold is None or pred is None:
        return pred is None and gold is None
    return normalise(str(pred)) == normalise(str(gold))


def _key(article: Article, root: Path) -> str:
    path, _, ident = article.source.partition("#")
    try:
        rel = Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = path
    return f"{rel}#{ident}" if ident else rel


def _story_lines(gold: dict[str, Any], article: Article) -> list[str]:
    text = gold.get("text")
    if text:  # one paragraph per line, or a list of paragraphs
        lines = text if isinstance(text, list) else str(text).splitlines()
        return [str(ln) for ln in lines if str(ln).strip()]
    boiler = gold.get("boilerplate", [])
    title = normalise(gold.get("title") or "")
    story = []
    for line in (ln.text for ln in article.lines if ln.origin == "text"):
        rest = normalise(line)
        for b in boiler:  # a line may be the title followed by a caption
            rest = rest.replace(normalise(b), " ").strip()
        if rest and rest != title and not any(_matches(b, line) for b in boiler):
            story.append(collapse_repeats(line) or line)  # a passage printed twice counts once
    return story


def score_article(gold: dict[str, Any], article: Article) -> dict[str, Any]:
    """Per-article scores: booleans for fields, (hits, total) pairs for line measures."""
    row: dict[str, Any] = {}
    titles = [gold.get("title"), *gold.get("acceptable_title", [])]
    row["title"] = any(_same(article.title, t) for t in titles)
    if "outlet" in gold or "acceptable_outlet" in gold:
        outlets = [gold.get("outlet"), *gold.get("acceptable_outlet", [])]
        row["outlet"] = any(_same(article.outlet, o) for o in outlets)
    if "published" in gold:
        row["published"] = _same(article.published, gold["published"])
    if gold.get("implausible_header_date"):
        row["implausible_header"] = any(
            c.value == gold["implausible_header_date"] and c.verdict == "implausible"
            for c in article.date_claims
        )
    clean_lines = [ln for ln in article.text.splitlines() if ln.strip()]
    boiler = gold.get("boilerplate", [])
    removed = sum(not any(_matches(b, ln) for ln in clean_lines) for b in boiler)
    row["boilerplate_recall"] = (removed, len(boiler))
    story = _story_lines(gold, article)
    story_text = normalise(" ".join(story))
    row["story_precision"] = (
        sum(normalise(ln) in story_text for ln in clean_lines),
        len(clean_lines),
    )
    clean_text = normalise(" ".join(clean_lines))
    kept = [
        all(normalise(s) in clean_text for s in _SENTENCE.split(ln) if normalise(s)) for ln in story
    ]
    row["story_recall"] = (sum(kept), len(story))
    row["lost_story_lines"] = [ln for ln, ok in zip(story, kept, strict=True) if not ok]
    row["leaked_boilerplate"] = [b for b in boiler if any(_matches(b, ln) for ln in clean_lines)]
    return row


def overall(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy for booleans, micro-averaged ratios for (hits, total) measures."""
    out: dict[str, Any] = {}
    for metric in METRICS:
        values = [r[metric] for r in rows if metric in r]
        if not values:
            continue
        if isinstance(values[0], tuple):
            hits, total = sum(v[0] for v in values), sum(v[1] for v in values)
            out[metric] = round(hits / total, 4) if total else 1.0
        else:
            out[metric] = round(sum(values) / len(values), 4)
        out[f"{metric}_n"] = len(values)
    out["lost_story_lines"] = sum(len(r.get("lost_story_lines", [])) for r in rows)
    return out


def evaluate_cleaning(gold_path: Path) -> dict[str, Any]:
    """Ingest the articles beside `gold_path` into a temporary store and score them."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    root = gold_path.parent
    with tempfile.TemporaryDirectory(prefix="storyline-eval-") as tmp:
        store = open_store(Path(tmp) / "eval.db")
        report = ingest([str(root)], store, now=datetime.now(UTC))
        articles = {_key(a, root): a for a in store.iter_articles()}
        store.close()
    rows = []
    for key, gold_article in sorted(gold["articles"].items()):
        article = articles.get(key)
        if article is None:
            rows.append({"article": key, "missing": True, "title": False})
            continue
        rows.append({"article": key, **score_article(gold_article, article)})
    return {
        "name": f"cleaning on {gold_path}",
        "columns": ["article", *METRICS],
        "rows": rows,
        "overall": overall(rows)
        | {
            "articles": len(rows),
            "missing": sum(bool(r.get("missing")) for r in rows),
            "ingest_failed": report.failed,
        },
    }
