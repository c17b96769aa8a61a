"""`storyline eval dates`: publication dates on htmldate's evaluation set (1000 web pages).

Two systems on the same decoded pages: "htmldate" alone (`find_date(html, url=url,
original_date=True, extensive_search=True)`, the library's best published setting) and
"storyline" (`Article.published` from `clean_article`, given the page URL as the record's `url`
field so that URL dates count for both). The metric is htmldate's own (its `tests/evaluation.py`):
per page, no prediction and no gold date count as tn=1 and fn=1 (sic), no prediction with a gold
date as fn, an equal day as tp, anything else as fp (a month-only answer is not the gold day).

Our plausibility check (a date in the future of today, or ruled out by officeholders or later
dated references in the text) is measured too: how many pages it flagged, how often a flag
changed our answer, and whether the change helped. Pages run in a pool of `WORKERS` processes;
each system's seconds are summed per page, so they are single-core seconds.
"""

from __future__ import annotations

import gzip
import json
import logging
import multiprocessing
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from storyline.errors import ConfigError, InputError
from storyline.ingest import dates
from storyline.ingest.clean import clean_article
from storyline.ingest.decode import decode
from storyline.model import DateClaim, RawInput

log = logging.getLogger(__name__)
WORKERS = 2  # the reference machine has two cores
LABEL_FILES = ("eval_mediacloud_2020.json", "eval_default.json")  # the README's order
COLUMNS = [
    "system",
    "precision",
    "recall",
    "accuracy",
    "f",
    "tp",
    "fp",
    "fn",
    "tn",
    "pages",
    "errors",
    "seconds",
]
# htmldate's table in the set's README (1.10.0, extensive search, 1000 pages)
PUBLISHED_HTMLDATE_F = 0.949


@dataclass(frozen=True, slots=True)
class PageResult:
    """One page's gold date, both systems' answers, and what our plausibility check did."""

    index: int
    url: str
    gold: str | None
    htmldate: str | None
    storyline: str | None
    unflagged: str | None  # what storyline would answer if no claim were flagged implausible
    flagged: bool
    htmldate_seconds: float
    storyline_seconds: float
    errors: tuple[tuple[str, str], ...]  # (stage: "decode" | "htmldate" | "storyline", message)


def load_pages(data: Path, limit: int | None = None) -> list[tuple[str, Path, str | None]]:
    """(url, gzipped HTML path, gold day or None) for the first `limit` labelled pages."""
    pages = []
    for name in LABEL_FILES:
        labels = json.loads((data / name).read_text("utf-8"))  # NaN dates load as float nan
        for url, rec in labels.items():
            gold = rec["date"] if isinstance(rec["date"], str) else None
            pages.append((url, data / "html" / f"{rec['file']}.gz", gold))
    return pages[:limit] if limit is not None else pages


def _unflagged_choice(claims: tuple[DateClaim, ...]) -> str | None:
    """The claim `dates.decide` would choose were none implausible: the most reliable one."""
    if not claims:
        return None

    def score(c: DateClaim) -> float:
        factor = dates.COMPLETED_YEAR_FACTOR if c.year_completed else 1.0
        return dates.RELIABILITY.get(c.source, 0.5) * factor

    return max(claims, key=score).value


def score_page(task: tuple[int, str, Path, str | None, date]) -> PageResult:
    """Date one page with both systems (run in a worker process; never raises)."""
    import htmldate

    index, url, path, gold, now = task
    errors: list[tuple[str, str]] = []
    try:
        html, _ = decode(gzip.decompress(path.read_bytes()), path=str(path), html=True)
    except InputError as err:
        return PageResult(
            index, url, gold, None, None, None, False, 0.0, 0.0, (("decode", str(err)),)
        )

    start = time.perf_counter()
    try:
        found = htmldate.find_date(html, url=url, original_date=True, extensive_search=True)
    except Exception as err:  # one page's failure is a missed date, not a stopped evaluation
        found = None
        errors.append(("htmldate", f"{type(err).__name__}: {err}"))
    mid = time.perf_counter()
    ours = unflagged = None
    flagged = False
    try:
        raw = RawInput(source=str(path), format="html", raw=html, body=html, fields=(("url", url),))
        article = clean_article(raw, now=now)
        ours, unflagged = article.published, _unflagged_choice(article.date_claims)
        flagged = any(c.verdict == "implausible" for c in article.date_claims)
    except Exception as err:  # as above: counted in the result's `errors`
        log.exception("clean_article failed on %s", path)
        errors.append(("storyline", f"{type(err).__name__}: {err}"))
    end = time.perf_counter()
    return PageResult(
        index, url, gold, found, ours, unflagged, flagged, mid - start, end - mid, tuple(errors)
    )


def confusion(pairs: list[tuple[str | None, str | None]]) -> dict[str, int]:
    """htmldate's per-page counting over (prediction, gold) pairs."""
    out = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for pred, gold in pairs:
        if pred is None:
            out["fn"] += 1
            out["tn"] += gold is None
        elif pred == gold:
            out["tp"] += 1
        else:
            out["fp"] += 1
    return out


def measures(c: dict[str, int]) -> dict[str, float]:
    """Precision, recall, accuracy and F from the confusion counts (0 when undefined)."""
    tp, fp, fn, tn = c["tp"], c["fp"], c["fn"], c["tn"]
    return {
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "accuracy": (tp + tn) / (tp + tn + fp + fn) if tp + tn + fp + fn else 0.0,
        "f": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
    }


def _row(
    system: str, answers: list[str | None], results: list[PageResult], seconds: float, errors: int
) -> dict[str, Any]:
    counts = confusion([(a, r.gold) for a, r in zip(answers, results, strict=True)])
    return {
        "system": system,
        **{k: round(v, 4) for k, v in measures(counts).items()},
        **counts,
        "pages": len(results),
        "errors": errors,
        "seconds": round(seconds, 1),
    }


def _flag_effects(results: list[PageResult]) -> dict[str, int]:
    """What the plausibility check did: pages flagged, answers it changed, for better or worse
    (against our own unflagged answer and against htmldate's)."""
    flagged = [r for r in results if r.flagged]
    changed = [r for r in flagged if r.storyline != r.unflagged]
    return {
        "flagged_pages": len(flagged),
        "flag_changed_answer": len(changed),
        "flag_better": sum(r.storyline == r.gold != r.unflagged for r in changed),
        "flag_worse": sum(r.unflagged == r.gold != r.storyline for r in changed),
        "flagged_better_than_htmldate": sum(r.storyline == r.gold != r.htmldate for r in flagged),
        "flagged_worse_than_htmldate": sum(r.htmldate == r.gold != r.storyline for r in flagged),
    }


def evaluate_dates(data: Path, limit: int | None = None) -> dict[str, Any]:
    """Score htmldate alone and storyline on the first `limit` pages (all: None)."""
    if limit is not None and limit < 1:
        raise ConfigError(f"--limit must be at least 1, not {limit}")
    now = datetime.now(UTC).date()
    tasks = [
        (i, url, path, gold, now) for i, (url, path, gold) in enumerate(load_pages(data, limit))
    ]
    results: list[PageResult] = []
    progress = Progress(
        TextColumn("[bold]dates"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with progress, multiprocessing.Pool(WORKERS) as pool:
        bar = progress.add_task("", total=len(tasks))
        for result in pool.imap_unordered(score_page, tasks, chunksize=4):
            results.append(result)
            progress.advance(bar)
    results.sort(key=lambda r: r.index)

    def failed(system: str) -> int:
        return sum(any(stage in (system, "decode") for stage, _ in r.errors) for r in results)

    ours = _row(
        "storyline",
        [r.storyline for r in results],
        results,
        sum(r.storyline_seconds for r in results),
        failed("storyline"),
    )
    base = _row(
        "htmldate",
        [r.htmldate for r in results],
        results,
        sum(r.htmldate_seconds for r in results),
        failed("htmldate"),
    )
    return {
        "name": f"publication dates on {data} ({len(results)} pages, {now} as today)",
        "columns": COLUMNS,
        "rows": [ours, base],
        "overall": {
            "storyline_f": ours["f"],
            "htmldate_f": base["f"],
            "delta": round(ours["f"] - base["f"], 4),
            "published_htmldate_f": PUBLISHED_HTMLDATE_F,
            "storyline_not_a_day": sum(
                r.storyline is not None and len(r.storyline) != 10 for r in results
            ),
            **_flag_effects(results),
        },
        "pages": [
            {
                "url": r.url,
                "gold": r.gold,
                "htmldate": r.htmldate,
                "storyline": r.storyline,
                "unflagged": r.unflagged,
                "flagged": r.flagged,
                "errors": [f"{stage}: {msg}" for stage, msg in r.errors],
            }
            for r in results
        ],
    }
