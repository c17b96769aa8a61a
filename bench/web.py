"""Story-page latency of the web UI: `python bench/web.py --out bench/RESULTS.md [--requests 2000]`.

A story of about 200 articles is made from the repo's own `examples/` (never third-party text):
the gold story with the most articles (examples/gold.json) gives the templates, and each
generated article is one template's gold title and clean text with its body paragraphs
shuffled, a numbered title, one of 40 invented outlets and its date moved by up to three days,
written as JSONL into a temporary directory and run through the whole pipeline (clean, NLP,
link) into a new store. Then `storyline serve` runs in its own process on 127.0.0.1 and, after
the first (cold) request of the largest story's page and the background comparison (bounded by
--compare-wait), 20 client threads (one httpx client each, kept-alive connections) send
--requests requests in all, back to back:

  (a) the story page, `/story/S<n>`: p50, p95, p99, max latency and requests/s;
  (b) the baseline, `/api/health`, the same way: what the server and the clients cost alone.

Pages are kept rendered until the store changes, so (a) measures a warm page; the cold first
render is reported beside it. Target: (a) p95 < 100 ms. A dated section with machine info, the
command and the numbers is appended to `--out`.
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import machine  # bench/ingest.py, beside this file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
OUTLETS = 40
CLIENTS = 20
TARGET_P95_MS = 100.0
START_TIMEOUT_S = 60


def generate(n: int, folder: Path, seed: int = 20261123) -> Path:
    """N JSONL articles recombined from the largest gold story of examples/."""
    gold = json.loads((EXAMPLES / "gold.json").read_text(encoding="utf-8"))
    story = max(gold["stories"].values(), key=lambda s: len(s["articles"]))
    templates = [
        gold["articles"][key]
        for key in story["articles"]
        if gold["articles"][key].get("published") and gold["articles"][key].get("text")
    ]
    rng = random.Random(seed)
    path = folder / "story.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            t = templates[i % len(templates)]
            lede, *rest = [p for p in t["text"] if p.strip()]  # gold text: one paragraph each
            rng.shuffle(rest)
            day = date.fromisoformat(t["published"][:10]) + timedelta(days=rng.randint(-3, 3))
            record = {
                "id": f"bench-{i}",
                "title": f"{t['title']} ({i + 1})",
                "outlet": f"Bench Outlet {i % OUTLETS + 1:02d}",
                "published": day.isoformat(),
                "language": t["language"],
                "text": "\n\n".join([lede, *rest]),
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def build_store(n: int, folder: Path) -> tuple[Path, str, int, float]:
    """The store (the whole pipeline over the generated articles), its largest story and its
    size, and the pipeline's seconds."""
    from storyline.link.stories import list_stories
    from storyline.pipeline import run_pipeline
    from storyline.store.db import open_store

    db = folder / "web.db"
    store = open_store(db)
    started = time.perf_counter()
    report = run_pipeline([str(generate(n, folder))], store)
    seconds = time.perf_counter() - started
    if not report.ingest.ok:
        sys.exit(f"error: the pipeline failed: {report.ingest.errors[:3]}")
    largest = max(list_stories(store), key=lambda s: len(s.article_ids))
    store.close()
    return db, largest.id, len(largest.article_ids), seconds


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`storyline serve` in its own process; returns it and its URL once it answers."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "storyline", "--db", str(db), "serve", "--port", str(port)],
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/health").status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    sys.exit("error: the server did not start")


def load(url: str, clients: int, total: int) -> dict[str, Any]:
    """`clients` threads send `total` GETs of `url` back to back; latencies in ms."""
    per = max(total // clients, 1)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)

    def client() -> None:
        mine = []
        failed = 0
        with httpx.Client(timeout=30) as c:
            c.get(url)  # open the connection (not timed)
            ready.wait()
            for _ in range(per):
                t = time.perf_counter()
                r = c.get(url)
                mine.append((time.perf_counter() - t) * 1000)
                failed += r.status_code != 200
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for th in threads:
        th.start()
    ready.wait()
    started = time.perf_counter()
    for th in threads:
        th.join()
    wall = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "p50": q[49],
        "p95": q[94],
        "p99": q[98],
        "max": max(latencies),
        "rate": len(latencies) / wall,
        "errors": errors[0],
    }


def wait_for_comparison(url: str, story: str, limit: float) -> tuple[str, float]:
    """Poll the story's comparison until it is no longer pending (or `limit` seconds)."""
    started = time.perf_counter()
    status = "pending"
    while time.perf_counter() - started < limit:
        data = httpx.get(f"{url}/api/stories/{story}", timeout=60).json()
        status = data["comparison_status"]
        if status == "failed":
            print(f"comparison failed: {data['comparison']['error']}", file=sys.stderr)
        if status != "pending":
            break
        time.sleep(2)
    return status, time.perf_counter() - started


def report(command: str, facts: dict[str, Any], page: dict[str, Any], base: dict[str, Any]) -> str:
    """The Markdown section appended to the results file."""
    info = machine()
    verdict = "meets target" if page["p95"] < TARGET_P95_MS else "BELOW target"
    rows = "\n".join(
        f"| {name} | {r['requests']:,} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} |"
        f" {r['max']:.1f} | {r['rate']:.0f} | {r['errors']} |"
        for name, r in ((f"(a) `/story/{facts['story']}`", page), ("(b) `/api/health`", base))
    )
    return f"""
## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — web story page

- Machine: {info["platform"]}; {info["cpu"]}; {info["cores"]} cores; Python {info["python"]}
- Command: `{command}`
- Store: {facts["generated"]} articles recombined from the largest gold story of `examples/`, whole
  pipeline in {facts["pipeline_s"]:.0f} s; the largest story, {facts["story"]}, has
  **{facts["articles"]} articles** (page {facts["kb"]:.0f} kB). Server: `storyline serve` in its
  own process on 127.0.0.1; {CLIENTS} client threads (httpx, kept-alive connections), back to back.
- First (cold) request of the story page: {facts["cold_ms"]:.0f} ms; the comparison section:
  {facts["comparison"]} after {facts["comparison_s"]:.0f} s in the background.

| run | requests | p50 ms | p95 ms | p99 ms | max ms | requests/s | errors |
|---|---:|---:|---:|---:|---:|---:|---:|
{rows}

Story page p95: **{page["p95"]:.1f} ms** (target < {TARGET_P95_MS:.0f} ms: {verdict}); p50 is
{page["p50"] / base["p50"]:.1f}× the health check's.
"""


def main() -> None:
    """Build the store, serve it, measure, print and append the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, required=True, help="Markdown file to append to.")
    parser.add_argument("--n", type=int, default=200, help="Articles to generate (default 200).")
    parser.add_argument("--requests", type=int, default=2000, help="Requests per run.")
    parser.add_argument(
        "--compare-wait", type=float, default=600, help="Seconds to wait for the comparison."
    )
    args = parser.parse_args()
    if args.n < 1 or args.requests < CLIENTS:
        parser.error(f"--n must be at least 1 and --requests at least {CLIENTS}")
    command = " ".join(["python", *sys.argv])
    with tempfile.TemporaryDirectory(prefix="storyline-bench-web-") as tmp:
        db, story, size, pipeline_s = build_store(args.n, Path(tmp))
        print(f"store: {story} has {size} articles ({pipeline_s:.0f} s)", file=sys.stderr)
        proc, url = serve(db)
        try:
            t = time.perf_counter()
            httpx.get(f"{url}/story/{story}", timeout=120).raise_for_status()
            cold_ms = (time.perf_counter() - t) * 1000
            status, waited = wait_for_comparison(url, story, args.compare_wait)
            kb = len(httpx.get(f"{url}/story/{story}", timeout=120).content) / 1024
            page = load(f"{url}/story/{story}", CLIENTS, args.requests)
            base = load(f"{url}/api/health", CLIENTS, args.requests)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    facts = {
        "generated": args.n,
        "pipeline_s": pipeline_s,
        "story": story,
        "articles": size,
        "kb": kb,
        "cold_ms": cold_ms,
        "comparison": status,
        "comparison_s": waited,
    }
    print(json.dumps({"facts": facts, "page": page, "base": base}), file=sys.stderr)
    section = report(command, facts, page, base)
    print(section)
    with args.out.open("a", encoding="utf-8") as fh:
        fh.write(section)


if __name__ == "__main__":
    main()
