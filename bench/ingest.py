"""Ingest throughput and memory: `python bench/ingest.py --out bench/RESULTS.md [--n 10000]`.

A corpus of N text dumps and N/10 HTML pages is generated into a temporary directory by
recombining the repo's own `examples/` (never third-party text): each generated article keeps a
template's header and footer lines, shuffles and thins its body paragraphs, adds one paragraph
from another template, shifts its numeric dates and numbers its title, so no two articles have
the same content (the store would skip a duplicate). Then, each in a fresh process on one core:

  (a) `storyline.ingest.run.ingest` of N/4, N/2 and N text dumps into a new SQLite store:
      articles/s, and peak RSS at each size (flat peaks mean the ingest streams);
  (b) the same ingest of the HTML pages, articles/s;
  (c) `trafilatura.extract(html)` alone on the same pages (read, decode, extract), articles/s:
      the main text only;
  (c2) `trafilatura.extract(html, with_metadata=True)` on the same pages: trafilatura doing the
      job storyline does with a page, main text plus title, author, site name, URL and the
      publication date (htmldate's extensive search, trafilatura's default and storyline's).

The target (HTML at ≥ 0.8 of trafilatura's own rate) is read against (c2), the same outputs;
(b)/(c) is given beside it: what storyline's metadata, dating, cleaning and storing cost beyond
trafilatura's text alone.
The generated pages are small (about 4 KB, 60 elements), so per-article costs weigh more there
than on real pages; when ../shared is beside the repo, (d) repeats (b) and (c) on the real news
pages of its extraction and date evaluation sets (1,181 pages, decompressed into the temporary
directory; trafilatura reads their bytes and decodes them itself, as its users do).
A dated section with machine info, the command and the numbers is appended to `--out`.
"""

from __future__ import annotations

import argparse
import gzip
import multiprocessing
import os
import platform
import random
import re
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"
REAL_SETS = ("article_extraction_benchmark", "htmldate_eval")
HTML_SHARE = 10  # one HTML page per this many text dumps
TARGET_TEXT_RATE = 300  # articles/s on one core
TARGET_HTML_RATIO = 0.8  # storyline HTML ingest vs trafilatura alone
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})([./])(\d{1,2})\2(\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")
_PARAGRAPH = re.compile(r"<p\b[^>]*>.*?</p>", re.S | re.I)
_HEADLINE = re.compile(r"(<(title|h1)\b[^>]*>)(.*?)(</\2>)", re.S | re.I)


def _shift_dates(text: str, days: int) -> str:
    """Move every dd.mm.yyyy, dd/mm/yyyy and yyyy-mm-dd date in `text` by `days`."""

    def shift(m: re.Match[str]) -> str:
        try:
            if m.group(5):
                day = date(int(m.group(5)), int(m.group(6)), int(m.group(7)))
                return (day + timedelta(days=days)).isoformat()
            day = date(int(m.group(4)), int(m.group(3)), int(m.group(1)))
        except ValueError:  # not a date after all (a version number, a ratio)
            return m.group(0)
        new, sep = day + timedelta(days=days), m.group(2)
        return f"{new.day:02d}{sep}{new.month:02d}{sep}{new.year}"

    return _NUMERIC_DATE.sub(shift, text)


def _is_body(line: str) -> bool:
    return len(line) >= 80 and line.count(" ") >= 10


def _templates() -> tuple[list[str], list[str]]:
    """The text of every .txt and .html file under examples/ (decoded as storyline would)."""
    from storyline.ingest.decode import decode

    texts: list[str] = []
    pages: list[str] = []
    for path in sorted(EXAMPLES.rglob("*")):
        if path.suffix.lower() in (".txt", ".html", ".htm") and path.name.lower() != "readme.txt":
            text, _ = decode(path.read_bytes(), path=str(path), html=path.suffix != ".txt")
            (texts if path.suffix.lower() == ".txt" else pages).append(text)
    if not texts or not pages:
        sys.exit(f"error: {EXAMPLES} needs at least one .txt and one .html file to recombine")
    return texts, pages


def make_dump(template: str, extra: str, i: int, rng: random.Random) -> str:
    """A new text dump: the template's frame, its body paragraphs thinned and shuffled, one
    paragraph from another article, numbered title (the first short line before the body)."""
    lines = template.splitlines()
    body = [k for k, ln in enumerate(lines) if _is_body(ln)]
    paras = [lines[k] for k in body]
    rng.shuffle(paras)
    paras = [*paras[: max(1, round(len(paras) * rng.uniform(0.6, 1.0)))], extra]
    first = body[0] if body else len(lines)
    title = next((k for k in range(first) if 4 <= len(lines[k].split()) <= 25), None)
    out = [*lines[:first], *paras, *lines[body[-1] + 1 :]] if body else [*lines, extra]
    if title is not None:
        out[title] = f"{lines[title]} ({i})"
    return _shift_dates("\n".join(out) + "\n", rng.randint(-400, 0))


def make_page(template: str, i: int, rng: random.Random) -> str:
    """A new HTML page: paragraphs shuffled in place, numbered title and h1, dates shifted."""
    paras = _PARAGRAPH.findall(template)
    rng.shuffle(paras)
    it = iter(paras)
    page = _PARAGRAPH.sub(lambda _: next(it), template)
    page = _HEADLINE.sub(lambda m: f"{m[1]}{m[3]} ({i}){m[4]}", page)
    return _shift_dates(page, rng.randint(-400, 0))


def generate(root: Path, n: int) -> tuple[list[str], list[str]]:
    """Write N dumps and N/HTML_SHARE pages under `root`, streaming; return their paths."""
    texts, pages = _templates()
    paragraphs = [ln for t in texts for ln in t.splitlines() if _is_body(ln)]
    rng = random.Random(20260101)
    (root / "txt").mkdir()
    (root / "html").mkdir()
    txt_paths, html_paths = [], []
    for i in range(n):
        path = root / "txt" / f"{i:06d}.txt"
        path.write_text(make_dump(texts[i % len(texts)], rng.choice(paragraphs), i, rng), "utf-8")
        txt_paths.append(str(path))
    for i in range(max(1, n // HTML_SHARE)):
        path = root / "html" / f"{i:06d}.html"
        path.write_text(make_page(pages[i % len(pages)], i, rng), "utf-8")
        html_paths.append(str(path))
    return txt_paths, html_paths


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def storyline_run(
    paths: list[str], db: str, workers: int = 1, extensive_dates: bool = True
) -> dict[str, Any]:
    """Ingest `paths` into a new store (in a fresh process, cleaning in `workers` processes);
    untimed warm-up on one article and of langid's model (loaded once per process, about a
    second, whichever article first needs it; trafilatura's imports are not timed either)."""
    from storyline.ingest import language
    from storyline.ingest.clean import clean_article
    from storyline.ingest.readers import read_inputs
    from storyline.ingest.run import ingest
    from storyline.model import RawInput
    from storyline.store.db import open_store

    warm = next(item for item in read_inputs(paths[:1]) if isinstance(item, RawInput))
    clean_article(warm, now=datetime.now(UTC).date())
    language.detect("A sentence to load the language model before the clock starts.")
    baseline = rss_mb()
    store = open_store(db)
    start = time.perf_counter()
    report = ingest(paths, store, workers=workers, extensive_dates=extensive_dates)
    seconds = time.perf_counter() - start
    store.close()
    return {
        "articles": report.ingested,
        "failed": report.failed,
        "already": report.already,
        "seconds": seconds,
        "rate": report.ingested / seconds,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": rss_mb(),
    }


def trafilatura_run(
    paths: list[str], as_bytes: bool = False, with_metadata: bool = False
) -> dict[str, Any]:
    """`trafilatura.extract` on each page after reading it (in a fresh process); `as_bytes`:
    trafilatura decodes the page itself; `with_metadata`: with its metadata and date too."""
    import trafilatura

    def read(p: str) -> str | bytes:
        return Path(p).read_bytes() if as_bytes else Path(p).read_text("utf-8")

    def extract(p: str) -> str | None:
        return trafilatura.extract(read(p), with_metadata=with_metadata)

    extract(paths[0])  # warm-up, untimed
    start = time.perf_counter()
    extracted = sum(extract(p) is not None for p in paths)
    seconds = time.perf_counter() - start
    return {
        "articles": len(paths),
        "extracted": extracted,
        "seconds": seconds,
        "rate": len(paths) / seconds,
        "peak_rss_mb": rss_mb(),
    }


def real_pages(root: Path) -> list[str]:
    """The real news pages of ../shared's extraction and date sets, written as .html files
    under `root` (none when ../shared is absent)."""
    out = []
    for name in REAL_SETS:
        for gz in sorted((SHARED_DATA / name / "html").glob("*.html.gz")):
            path = root / f"{name}-{gz.name.removesuffix('.gz')}"
            path.write_bytes(gzip.decompress(gz.read_bytes()))
            out.append(str(path))
    return out


def in_fresh_process(func: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run `func` in a new interpreter, so that its peak RSS and caches are its own."""
    # an executor's worker may start processes of its own (ingest --workers 2); a Pool's may not
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as executor:
        return executor.submit(func, *args).result()


def machine() -> dict[str, str]:
    """Platform, CPU model, cores and Python version, for the results file."""
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next(
            (
                ln.split(":", 1)[1].strip()
                for ln in cpuinfo.read_text().splitlines()
                if ln.startswith("model name")
            ),
            cpu,
        )
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": sys.version.split()[0],
    }


def _verdict(good: bool) -> str:
    return "meets target" if good else "BELOW target"


def report(
    n: int,
    command: str,
    text_runs: list[dict[str, Any]],
    html: dict[str, Any],
    trafs: tuple[dict[str, Any], dict[str, Any]],
    n_html: int,
    html2: dict[str, Any],
    html3: dict[str, Any],
    real: tuple[dict[str, Any], dict[str, Any], dict[str, Any]] | None,
) -> str:
    """The Markdown section appended to the results file."""
    info = machine()
    full = text_runs[-1]
    traf, meta = trafs
    ratio = html["rate"] / meta["rate"]
    text_ok = _verdict(full["rate"] >= TARGET_TEXT_RATE)
    ratio_ok = _verdict(ratio >= TARGET_HTML_RATIO)
    rows = "\n".join(
        f"| {r['articles']:,} | {r['seconds']:.1f} | {r['rate']:.0f} | {r['baseline_rss_mb']:.0f} |"
        f" {r['peak_rss_mb']:.0f} | {r['failed']} |"
        for r in text_runs
    )
    return f"""
## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — N={n:,}

- Machine: {info["platform"]}; {info["cpu"]}; {info["cores"]} cores; Python {info["python"]}
- Command: `{command}`
- Corpus: {n:,} text dumps and {n_html:,} HTML pages recombined from `examples/` (generated into
  a temporary directory, deleted afterwards); each measurement in a fresh process, one core.

(a) storyline ingest + clean of text dumps into a new SQLite store:

| articles | seconds | articles/s | peak RSS after warm-up (MB) | peak RSS at end (MB) | failed |
|---:|---:|---:|---:|---:|---:|
{rows}

Text ingest: **{full["rate"]:.0f} articles/s** (target ≥ {TARGET_TEXT_RATE}: {text_ok}).

(b) storyline ingest of {html["articles"]:,} HTML pages: **{html["rate"]:.1f} articles/s**
({html["seconds"]:.1f} s, peak RSS {html["peak_rss_mb"]:.0f} MB, failed {html["failed"]}).
(c) `trafilatura.extract(html)` alone on the same pages, main text only: **{traf["rate"]:.1f}
articles/s** ({traf["seconds"]:.1f} s, {traf["extracted"]:,} with text, peak RSS
{traf["peak_rss_mb"]:.0f} MB).
(c2) `trafilatura.extract(html, with_metadata=True)` on the same pages, the same outputs as (b):
**{meta["rate"]:.1f} articles/s** ({meta["seconds"]:.1f} s, {meta["extracted"]:,} with text).

Ratio (b)/(c2), the same job: **{ratio:.2f}** (target ≥ {TARGET_HTML_RATIO}: {ratio_ok}).
Ratio (b)/(c), against trafilatura's main text alone: **{html["rate"] / traf["rate"]:.2f}**.

(b2) the same HTML ingest cleaning in 2 worker processes (`ingest --workers 2`, both cores):
**{html2["rate"]:.1f} articles/s**, ratio to (c) **{html2["rate"] / traf["rate"]:.2f}**.

(b3) the same HTML ingest with `--fast-dates` (htmldate's quick search, one core):
**{html3["rate"]:.1f} articles/s**, ratio to (c) **{html3["rate"] / traf["rate"]:.2f}**. The
default (b) runs htmldate's extensive search, which `storyline eval dates` needs to match
htmldate's accuracy.
{_real_section(real)}"""


def _real_section(real: tuple[dict[str, Any], dict[str, Any], dict[str, Any]] | None) -> str:
    if real is None:
        return "\n(d) skipped: ../shared/data is not beside the repo.\n"
    ours, traf, meta = real
    rate = traf["articles"] / ours["seconds"]  # pages handled: stored, already had or failed
    ratio = rate / meta["rate"]
    return f"""
(d) real news pages ({", ".join(REAL_SETS)} in ../shared/data, {ours["articles"]:,} stored of
{traf["articles"]:,}): storyline ingest **{rate:.1f} pages/s** ({ours["seconds"]:.1f} s,
failed {ours["failed"]}, already had {ours["already"]}); on the same bytes
`trafilatura.extract(with_metadata=True)` **{meta["rate"]:.1f} pages/s**, ratio **{ratio:.2f}**
(target ≥ {TARGET_HTML_RATIO}: {_verdict(ratio >= TARGET_HTML_RATIO)}); `trafilatura.extract`,
main text alone, **{traf["rate"]:.1f} pages/s** ({traf["extracted"]:,} with text), ratio
**{rate / traf["rate"]:.2f}**.
"""


def main() -> None:
    """Generate the corpus, run the measurements, print and append the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, required=True, help="Markdown file to append to.")
    parser.add_argument("--n", type=int, default=10_000, help="Text dumps (default 10000).")
    args = parser.parse_args()
    if args.n < 4:
        parser.error("--n must be at least 4")
    command = " ".join(["python", *sys.argv])
    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        txt, html = generate(root, args.n)
        print(
            f"generated {len(txt):,} dumps and {len(html):,} pages in "
            f"{time.perf_counter() - start:.1f} s",
            file=sys.stderr,
        )
        text_runs = []
        for size in (args.n // 4, args.n // 2, args.n):
            text_runs.append(in_fresh_process(storyline_run, txt[:size], str(root / f"t{size}.db")))
            print(
                f"(a) {size:,} dumps: {text_runs[-1]['rate']:.0f}/s, "
                f"peak RSS {text_runs[-1]['peak_rss_mb']:.0f} MB",
                file=sys.stderr,
            )
        html_run = in_fresh_process(storyline_run, html, str(root / "h.db"))
        html2_run = in_fresh_process(storyline_run, html, str(root / "h2.db"), 2)
        html3_run = in_fresh_process(storyline_run, html, str(root / "h3.db"), 1, False)
        trafs = (
            in_fresh_process(trafilatura_run, html),
            in_fresh_process(trafilatura_run, html, False, True),
        )
        real_root = root / "real"
        real_root.mkdir()
        pages = real_pages(real_root)
        real = None
        if pages:
            real = (
                in_fresh_process(storyline_run, pages, str(root / "r.db")),
                in_fresh_process(trafilatura_run, pages, True),
                in_fresh_process(trafilatura_run, pages, True, True),
            )
    section = report(
        args.n, command, text_runs, html_run, trafs, len(html), html2_run, html3_run, real
    )
    print(section)
    with args.out.open("a", encoding="utf-8") as fh:
        fh.write(section)


if __name__ == "__main__":
    main()
