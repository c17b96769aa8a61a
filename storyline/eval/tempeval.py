"""`storyline eval tempeval`: time expressions on the TempEval-3 platinum test set (Task A).

The 20 platinum documents (`te3-platinum/*.tml`, TimeML) give the gold TIMEX3 spans, types and
values in `<TEXT>`, and a document creation time (DCT) that we pass as `published`. The
measures are TempEval-3's (re-implemented from the task paper, the scorer is not copied):

* strict span P/R/F1: system and gold spans have the same offsets;
* relaxed span P/R/F1: they overlap (one-to-one, each gold matched at most once);
* value F1 = relaxed F1 × value accuracy (accuracy over relaxed matches, exact string equality),
  the task's ranking number; type F1 and accuracy likewise.

Beside ours, in the same run: `dateparser.search_dates` alone (its spans, and a day value
where it gives a datetime, type DATE), and HeidelTime's published platinum scores.
"""

from __future__ import annotations

import io
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from storyline.errors import InputError
from storyline.eval.table import print_result
from storyline.nlp.timex import find_timexes

# UzZaman et al. 2013, Table 3 (HeidelTime-t on the platinum test set), as percentages
PUBLISHED_HEIDELTIME = {"strict_f1": 81.34, "relaxed_f1": 90.30, "value_f1": 77.61}
SPLIT = "te3-platinum"


@dataclass(frozen=True, slots=True)
class Gold:
    """One TimeML document: its name, DCT, plain text and (start, end, type, value) timexes."""

    name: str
    dct: date
    text: str
    timexes: tuple[tuple[int, int, str, str], ...]


Span = tuple[int, int, str, str | None]  # start, end, type, value
System = Callable[[Gold], list[Span]]


def read_tml(path: Path) -> Gold:
    """Parse one .tml file: offsets index the concatenated text of `<TEXT>` without tags."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as err:
        raise InputError(f"not TimeML: {err}", path=str(path)) from err
    dct_el, text_el = root.find("DCT/TIMEX3"), root.find("TEXT")
    if dct_el is None or text_el is None:
        raise InputError("no DCT/TIMEX3 or TEXT element", path=str(path))
    parts: list[str] = []
    timexes: list[tuple[int, int, str, str]] = []
    length = 0

    def walk(el: ET.Element) -> None:
        nonlocal length
        start = length
        parts.append(el.text or "")
        length += len(el.text or "")
        for child in el:
            walk(child)
            parts.append(child.tail or "")
            length += len(child.tail or "")
        if el.tag == "TIMEX3":
            timexes.append((start, length, el.get("type", ""), el.get("value", "")))

    walk(text_el)
    dct = date.fromisoformat(dct_el.get("value", "")[:10])
    return Gold(path.stem, dct, "".join(parts), tuple(sorted(timexes)))


def read_split(data: Path, split: str = SPLIT, limit: int | None = None) -> list[Gold]:
    """The documents of a split (`te3-platinum`, or `TBAQ-cleaned/TimeBank` as a dev set)."""
    paths = sorted((data / split).glob("*.tml"))
    if not paths:
        raise InputError(
            f"no .tml files in {split}/: is this the tempeval3 folder?", path=str(data)
        )
    return [read_tml(p) for p in paths[:limit]]


def storyline_spans(doc: Gold) -> list[Span]:
    """Our timexes for one document, the DCT as publication date."""
    return [(t.start, t.end, t.type, t.value) for t in find_timexes(doc.text, "en", doc.dct)]


def dateparser_spans(doc: Gold) -> list[Span]:
    """`dateparser.search_dates` alone: its spans, a day value for each datetime, type DATE."""
    from dateparser.search import search_dates

    base = datetime(doc.dct.year, doc.dct.month, doc.dct.day)  # noqa: DTZ001 - naive, as dateparser wants
    found = search_dates(doc.text, languages=["en"], settings={"RELATIVE_BASE": base}) or []
    spans, cursor = [], 0
    for surface, when in found:
        start = doc.text.find(surface, cursor)
        if start < 0:
            continue
        cursor = start + len(surface)
        spans.append((start, cursor, "DATE", when.date().isoformat()))
    return spans


def _match(gold: Sequence[tuple[int, int, str, str]], pred: Sequence[Span]) -> dict[str, int]:
    """Counts for one document: strict and relaxed matches, and right values/types among the
    relaxed ones (each gold and each prediction used once, the largest overlap first)."""
    strict = len({(g[0], g[1]) for g in gold} & {(p[0], p[1]) for p in pred})
    pairs = sorted(
        (
            (min(g[1], p[1]) - max(g[0], p[0]), i, j)
            for i, g in enumerate(gold)
            for j, p in enumerate(pred)
            if min(g[1], p[1]) > max(g[0], p[0])
        ),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    value = kind = 0
    for _, i, j in pairs:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        value += gold[i][3] == pred[j][3]
        kind += gold[i][2] == pred[j][2]
    return {
        "gold": len(gold),
        "system": len(pred),
        "strict": strict,
        "relaxed": len(used_g),
        "value": value,
        "type": kind,
    }


def _prf(hits: int, system: int, gold: int) -> tuple[float, float, float]:
    p = hits / system if system else 0.0
    r = hits / gold if gold else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def summarise(counts: Sequence[dict[str, int]]) -> dict[str, float | int]:
    """TempEval-3 measures (percentages) from per-document counts."""
    total = {
        k: sum(c[k] for c in counts)
        for k in ("gold", "system", "strict", "relaxed", "value", "type")
    }
    out: dict[str, float | int] = {}
    for key in ("strict", "relaxed", "value", "type"):
        p, r, f = _prf(total[key], total["system"], total["gold"])
        out |= {f"{key}_p": 100 * p, f"{key}_r": 100 * r, f"{key}_f1": 100 * f}
    matched = total["relaxed"]
    out["value_accuracy"] = 100 * total["value"] / matched if matched else 0.0
    out["type_accuracy"] = 100 * total["type"] / matched if matched else 0.0
    return out | {"gold": total["gold"], "system": total["system"]}


def _run(system: System, docs: Sequence[Gold]) -> tuple[list[dict[str, int]], float]:
    start = time.perf_counter()
    counts = [_match(doc.timexes, system(doc)) for doc in docs]
    return counts, time.perf_counter() - start


def evaluate_tempeval(data: Path, limit: int | None = None, split: str = SPLIT) -> dict[str, Any]:
    """Score storyline and `dateparser.search_dates` on TempEval-3 (platinum test by default)."""
    docs = read_split(data, split, limit)
    ours, ours_seconds = _run(storyline_spans, docs)
    theirs, their_seconds = _run(dateparser_spans, docs)
    rows = [
        {
            "doc": doc.name,
            "gold": a["gold"],
            "storyline_strict": a["strict"],
            "storyline_relaxed": a["relaxed"],
            "storyline_value": a["value"],
            "dateparser_relaxed": b["relaxed"],
            "dateparser_value": b["value"],
        }
        for doc, a, b in zip(docs, ours, theirs, strict=True)
    ]
    overall = {f"storyline_{k}": v for k, v in summarise(ours).items()}
    overall |= {f"heideltime_published_{k}": v for k, v in PUBLISHED_HEIDELTIME.items()}
    overall |= {
        "documents": len(docs),
        "storyline_seconds": ours_seconds,
        "dateparser_seconds": their_seconds,
    }
    return {
        "name": f"TempEval-3 {split} ({len(docs)} documents) at {data}",
        "columns": list(rows[0]) if rows else ["doc"],
        "rows": rows,
        "overall": overall,
        "baselines": {
            "dateparser.search_dates": summarise(theirs),
            "heideltime (published)": dict(PUBLISHED_HEIDELTIME),
        },
    }


def format_tempeval(result: dict[str, Any]) -> str:
    """The result as plain tables (per document, overall, and ours beside the baselines)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, color_system=None, force_terminal=False)
    print_result(result, as_json=False, console=console)
    ours = {k.removeprefix("storyline_"): v for k, v in result["overall"].items()}
    systems = {"storyline": ours, **result["baselines"]}
    measures = ["strict_f1", "relaxed_f1", "value_f1", "value_accuracy", "type_accuracy"]
    side = {
        "name": "storyline beside the baselines (percent)",
        "columns": ["system", *measures],
        "rows": [{"system": name} | {m: s.get(m) for m in measures} for name, s in systems.items()],
        "overall": {"gold timexes": ours["gold"]},
    }
    print_result(side, as_json=False, console=console)
    return buffer.getvalue()
