"""`storyline eval extraction`: main-text F1 on the Zyte article-extraction benchmark.

Two systems run on the same pages in the same process, one after the other, so their times
compare: "storyline" (the clean text `clean_article` makes of the page: trafilatura, then the
line classifier) and "trafilatura" (`trafilatura.extract(html)` with default settings, the
baseline our cleaning must not fall below). The benchmark's published trafilatura output is
scored too, on all pages, to check that this metric matches the published one (F1 0.958).

The metric is the benchmark's own (its README, from `evaluate.py`): `\\w+` tokens, multisets of
4-token shingles, per-document tp/fp/fn normalised to sum 1 so that every document weighs the
same, precision and recall averaged over documents, F1 from the averaged precision and recall.
The ground truth's `articleBody` holds no title, so neither system's title is added.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from storyline.errors import ConfigError
from storyline.ingest.clean import clean_article
from storyline.model import RawInput

PUBLISHED_TRAFILATURA_F1 = 0.958  # trafilatura 2.0.0 in the benchmark README's table
SHINGLE = 4
_TOKEN = re.compile(r"\w+")
COLUMNS = ["system", "precision", "recall", "f1", "accuracy", "docs", "seconds"]

Counts = tuple[float, float, float]  # (tp, fp, fn), normalised to sum 1 (all 0 for two empties)


def tokens(text: str) -> list[str]:
    """The benchmark's tokens: runs of unicode word characters."""
    return _TOKEN.findall(text)


def shingles(toks: list[str]) -> Counter[tuple[str, ...]]:
    """4-token shingles as a multiset; a text shorter than 4 tokens is one shorter shingle."""
    return Counter(
        tuple(toks[i : i + SHINGLE])
        for i in range(max(1, len(toks) - SHINGLE + 1))
        if toks[i : i + SHINGLE]
    )


def shingle_counts(true: str, pred: str) -> Counts:
    """One document's (tp, fp, fn) over shingles, normalised so that they sum to 1."""
    t, p = shingles(tokens(true)), shingles(tokens(pred))
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _ratio(hit: float, miss: float, other: float) -> float:
    """tp/(tp+miss), with the benchmark's conventions: 1 for a perfect document."""
    if miss == other == 0:
        return 1.0
    return hit / (hit + miss) if hit + miss else 0.0


def scores(counts: list[Counts]) -> dict[str, float]:
    """Precision and recall averaged over documents; F1 from the two averages."""
    precision = statistics.fmean(_ratio(tp, fp, fn) for tp, fp, fn in counts if tp + fp > 0)
    recall = statistics.fmean(_ratio(tp, fn, fp) for tp, fp, fn in counts if tp + fn > 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def score_outputs(truths: list[str], preds: list[str]) -> dict[str, float]:
    """Precision, recall, F1 and accuracy (share of documents whose tokens equal the truth)."""
    counts = [shingle_counts(t, p) for t, p in zip(truths, preds, strict=True)]
    exact = sum(tokens(t) == tokens(p) for t, p in zip(truths, preds, strict=True))
    return scores(counts) | {"accuracy": exact / len(truths)}


def _storyline_text(html: str, source: str) -> str:
    raw = RawInput(source=source, format="html", raw=html, body=html)
    return clean_article(raw, now=datetime.now(UTC).date()).text


def _trafilatura_text(html: str, source: str) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def _run(
    name: str, extract: Callable[[str, str], str], pages: list[tuple[str, str]], console: Console
) -> tuple[list[str], float]:
    """Every page's text from one system, and the seconds spent in that system alone."""
    texts, spent = [], 0.0
    extract(*pages[0])  # warm-up, untimed: imports and model loading are not per-page costs
    with Progress(
        TextColumn(f"[bold]{name}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        for source, html in progress.track(pages, description=name):
            start = time.perf_counter()
            texts.append(extract(html, source))
            spent += time.perf_counter() - start
    return texts, spent


def _row(system: str, result: dict[str, float], docs: int, seconds: float | None) -> dict[str, Any]:
    return {
        "system": system,
        **{k: round(v, 4) for k, v in result.items()},
        "docs": docs,
        "seconds": None if seconds is None else round(seconds, 1),
    }


def _load_pages(root: Path, ids: Iterable[str]) -> list[tuple[str, str]]:
    """(source path, UTF-8 HTML) of each page; the benchmark stores them gzipped."""
    out = []
    for item in ids:
        path = root / "html" / f"{item}.html.gz"
        out.append((str(path), gzip.decompress(path.read_bytes()).decode("utf-8")))
    return out


def evaluate_extraction(data: Path, limit: int | None = None) -> dict[str, Any]:
    """Score storyline's clean text and trafilatura's on the first `limit` pages (all: None)."""
    if limit is not None and limit < 1:
        raise ConfigError(f"--limit must be at least 1, not {limit}")
    truth: dict[str, dict[str, str]] = json.loads((data / "ground-truth.json").read_text("utf-8"))
    ids = list(truth)[:limit] if limit is not None else list(truth)
    gold = [truth[i].get("articleBody", "") for i in ids]
    pages = _load_pages(data, ids)
    console = Console(stderr=True)
    ours, ours_s = _run("storyline", _storyline_text, pages, console)
    base, base_s = _run("trafilatura", _trafilatura_text, pages, console)
    ours_r, base_r = score_outputs(gold, ours), score_outputs(gold, base)

    reference = json.loads((data / "reference_outputs" / "trafilatura.json").read_text("utf-8"))
    ref_r = score_outputs(
        [truth[i].get("articleBody", "") for i in truth],
        [reference["output"][i].get("articleBody", "") for i in truth],
    )
    per_page = [
        {
            "id": i,
            "url": truth[i].get("url"),
            "storyline_f1": round(_doc_f1(g, o), 4),
            "trafilatura_f1": round(_doc_f1(g, b), 4),
        }
        for i, g, o, b in zip(ids, gold, ours, base, strict=True)
    ]
    return {
        "name": f"main-text extraction on {data} ({len(ids)} pages)",
        "columns": COLUMNS,
        "rows": [
            _row("storyline", ours_r, len(ids), ours_s),
            _row("trafilatura", base_r, len(ids), base_s),
            _row(
                f"trafilatura {reference.get('version', '?')} (published output)",
                ref_r,
                len(truth),
                None,
            ),
        ],
        "overall": {
            "storyline_f1": round(ours_r["f1"], 4),
            "trafilatura_f1": round(base_r["f1"], 4),
            "delta": round(ours_r["f1"] - base_r["f1"], 4),
            "published_trafilatura_f1": PUBLISHED_TRAFILATURA_F1,
            "reference_output_f1": round(ref_r["f1"], 4),
        },
        "pages": per_page,
    }


def _doc_f1(true: str, pred: str) -> float:
    """One document's shingle F1, to find the pages where the two systems differ."""
    tp, fp, fn = shingle_counts(true, pred)
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
