"""Time-expression throughput: `python bench/timex.py --out bench/RESULTS.md [--repeat 5]`.

Sentences come from the repo's own `examples/dumps/*.txt` and, when `../shared` is present, from
the TempEval-3 platinum texts. Both systems get the same sentences in the same run, one at a
time, after an untimed warm-up (which also compiles storyline's regexes):

  (a) `storyline.nlp.timex.find_timexes(sentence, "en", published)`: detection and resolution;
  (b) `dateparser.search_dates(sentence, languages=["en"], settings={"RELATIVE_BASE": ...})`
      alone — dateparser's own search, the obvious off-the-shelf alternative.

Sentences per second for each and the ratio (a)/(b); a dated section with machine info and the
command is appended to `--out`. Accuracy is `storyline eval tempeval`'s business, not this one's.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import machine  # bench/ingest.py, beside this file

ROOT = Path(__file__).resolve().parents[1]
TEMPEVAL = ROOT.parent / "shared" / "data" / "tempeval3"
PUBLISHED = date(2026, 3, 14)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences() -> tuple[list[str], list[str]]:
    """The sentences to time and the names of their sources."""
    texts, sources = [], []
    dumps = sorted((ROOT / "examples" / "dumps").glob("*.txt"))
    texts += [p.read_text("utf-8", errors="replace") for p in dumps]
    sources.append(f"examples/dumps ({len(dumps)} files)")
    if TEMPEVAL.exists():
        from storyline.eval.tempeval import read_split

        docs = read_split(TEMPEVAL)
        texts += [doc.text for doc in docs]
        sources.append(f"TempEval-3 platinum ({len(docs)} documents)")
    out = [s.strip() for text in texts for s in _SENTENCE.split(text) if len(s.strip()) > 3]
    return out, sources


def _timed(func: Callable[[str], int], items: list[str], repeat: int) -> dict[str, Any]:
    for s in items[:50]:  # warm-up, untimed
        func(s)
    best, found = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        found = sum(func(s) for s in items)
        best = min(best, time.perf_counter() - start)
    return {"sentences": len(items), "seconds": best, "rate": len(items) / best, "found": found}


def storyline_count(sentence: str) -> int:
    """(a) storyline's time expressions in one sentence."""
    from storyline.nlp.timex import find_timexes

    return len(find_timexes(sentence, "en", PUBLISHED))


def dateparser_count(sentence: str) -> int:
    """(b) dateparser's dates in one sentence."""
    from dateparser.search import search_dates

    base = datetime(PUBLISHED.year, PUBLISHED.month, PUBLISHED.day)  # noqa: DTZ001 - naive, as dateparser wants
    found = search_dates(sentence, languages=["en"], settings={"RELATIVE_BASE": base})
    return len(found or [])


def report(command: str, sources: list[str], runs: dict[str, dict[str, Any]]) -> str:
    """The Markdown section appended to the results file."""
    info = machine()
    ratio = runs["storyline"]["rate"] / runs["dateparser"]["rate"]
    rows = "\n".join(
        f"| {label} | {r['sentences']:,} | {r['seconds']:.2f} | {r['rate']:,.0f} | {r['found']:,} |"
        for label, r in (
            ("(a) storyline `find_timexes`", runs["storyline"]),
            ("(b) `dateparser.search_dates` alone", runs["dateparser"]),
        )
    )
    return f"""
## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — time expressions

- Machine: {info["platform"]}; {info["cpu"]}; {info["cores"]} cores; Python {info["python"]}
- Command: `{command}`
- Sentences: {"; ".join(sources)}; one call per sentence, best of the repeats, same run.

| run | sentences | seconds | sentences/s | expressions found |
|---|---:|---:|---:|---:|
{rows}

Ratio (a)/(b): **{ratio:.1f}×** dateparser's throughput.
"""


def main() -> None:
    """Time both systems on the same sentences, print and append the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, required=True, help="Markdown file to append to.")
    parser.add_argument("--repeat", type=int, default=3, help="Timed repeats (default 3).")
    args = parser.parse_args()
    items, sources = sentences()
    if not items:
        sys.exit("error: no sentences under examples/dumps")
    runs = {
        "storyline": _timed(storyline_count, items, args.repeat),
        "dateparser": _timed(dateparser_count, items, args.repeat),
    }
    section = report(" ".join(["python", *sys.argv]), sources, runs)
    print(section)
    with args.out.open("a", encoding="utf-8") as fh:
        fh.write(section)


if __name__ == "__main__":
    main()
