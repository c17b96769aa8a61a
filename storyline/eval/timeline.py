"""`storyline eval timeline GOLD` and `storyline eval timeline17`: story timelines against gold.

**Gold timelines** (a seeds- or examples-style gold.json): the folder is run through the whole
pipeline in a temporary store; each gold story is mapped to the stored story holding most of its
articles, and that story's `story_timeline` entries are matched one-to-one to the gold entries,
greedily by `match_score`. A predicted entry fits a gold entry when all three hold:

* **date** agrees at the gold's granularity: the predicted value is the gold value or finer and
  starts with it (gold `2025-10`: `2025-10-16` agrees, `2025` does not; gold `2025`: `2025-W45`
  agrees); with a gold `date_end` any period from `date` to `date_end` at that granularity does;
* **sources**: at least one predicted source article is among the gold entry's articles;
* **text**: a content word (its first `STEM_CHARS` letters, so "cancels" meets "cancelled") of
  the gold `what` occurs in the entry's `what`, its actors (who "she" is in "when we meet in her
  office, she is adamant") or one of its source sentences — names and numbers cross languages,
  so a German sentence about "Corvane" still fits — or, for an entry
  reported by several outlets, its sources cover at least half of the gold articles and at
  least `MIN_COVERED` of them (one shared article alone says nothing about the happening).

Measures per gold story and overall: entry recall and precision, mean source recall over
matched entries (|predicted sources ∩ gold articles| / |gold articles|), value accuracy (the
matched entry's date is exactly the gold value), conflicts flagged, and the gold events whose
date the pipeline got right. A gold entry with story null (examples' distractors) must not
appear: a predicted entry of any mapped story that fits it counts as wrongly placed.
`details` lists each gold entry with its match, or with its nearest candidate and the checks
that candidate fails; `unmatched`, the predicted entries of mapped stories that fit none.

**timeline17** (date selection, the first half of timeline summarisation): per topic (the
folder name before `_`; as in news-tls, each gold timeline is scored against its topic's whole
collection, every outlet's), `find_timexes(text, "en", dct)` per article (pure: no store, no
spaCy; at most `DEFAULT_TOPIC_CAP` articles a topic, a fixed-seed sample), `timeline_entries`
of those articles (no events), and per day the distinct articles among its entries' sources.
For each gold timeline, the `k` most mentioned days in its range (k = its number of dates) are
scored by date F1 against its dates; beside them, the same ranking over the set's own
HeidelTime `dates`, and news-tls's published DATEWISE date F1. Averaged over the timelines.
"""

from __future__ import annotations

import gzip
import json
import logging
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from storyline.compare.sentences import content_words
from storyline.compare.timeline import timeline_entries
from storyline.compare.timeline_drafts import TimelineDoc
from storyline.model import TimelineEntry, Timex

log = logging.getLogger(__name__)
STEM_CHARS = 5  # a crude stem: enough for English inflection, names stay whole
MIN_COVERED = 2  # source cover alone fits a multi-outlet entry, never a one-article one
EXACT_BONUS = 0.25  # between two fitting candidates, prefer the one at the gold's own value
SAMPLE_SEED = 20260101
# find_timexes takes ~0.13 s an article here: 300 a topic (2,211 of the 4,352 articles, the
# five largest topics sampled) runs in about 2.5 minutes on 2 cores; None reads them all.
DEFAULT_TOPIC_CAP = 300
# Gholipour Ghalandari & Ifrim 2020, T17, DATEWISE: quoted from memory in the set's README
PUBLISHED_NEWS_TLS_DATEWISE_F1 = 0.544
_GOLD_PERIOD = re.compile(r"\d{4}(?:-\d\d){0,2}")
_DAY = re.compile(r"\d{4}-\d\d-\d\d")
STORY_COLUMNS = [
    "story",
    "predicted_story",
    "gold_entries",
    "predicted_entries",
    "matched",
    "entry_recall",
    "entry_precision",
    "source_recall",
    "value_accuracy",
    "conflicts",
]


@dataclass(frozen=True, slots=True)
class GoldEntry:
    """One gold timeline line: its story (None: a distractor), date period and articles."""

    story: str | None
    date: str
    what: str
    articles: frozenset[str]
    date_end: str | None = None


@dataclass(frozen=True, slots=True)
class Predicted:
    """One predicted timeline line with its sources as gold keys and the stems of its text."""

    date: str
    what: str
    sources: frozenset[str]
    words: frozenset[str]
    conflict: bool = False


def stems(text: str) -> frozenset[str]:
    """Content words of `text` cut to `STEM_CHARS` letters."""
    return frozenset(w[:STEM_CHARS] for w in content_words(text))


def date_agrees(gold: str, pred: str, gold_end: str | None = None) -> bool:
    """The predicted value lies in the gold period (to `gold_end`) at its granularity or finer."""
    head, rest = pred[: len(gold)], pred[len(gold) :]
    if rest and not rest.startswith("-"):
        return False
    if not _GOLD_PERIOD.fullmatch(head) or len(head) != len(gold):
        return False
    return gold <= head <= (gold_end or gold)


def failed_checks(gold: GoldEntry, pred: Predicted) -> list[str]:
    """The checks (`date`, `sources`, `text`) that `pred` fails for `gold`; empty: it fits."""
    failed = [] if date_agrees(gold.date, pred.date, gold.date_end) else ["date"]
    covered = len(gold.articles & pred.sources)
    if not covered:
        failed.append("sources")
    cover_fits = covered >= MIN_COVERED and 2 * covered >= len(gold.articles)
    if not (stems(gold.what) & pred.words or cover_fits):
        failed.append("text")
    return failed


def match_score(gold: GoldEntry, pred: Predicted) -> float | None:
    """How well `pred` fits `gold` (source recall + share of gold words found + a bonus for
    the exact value), None when it does not fit."""
    if failed_checks(gold, pred):
        return None
    words = stems(gold.what)
    shared = len(words & pred.words) / len(words) if words else 0.0
    exact = EXACT_BONUS if pred.date == gold.date else 0.0
    return source_recall(gold, pred) + shared + exact


def source_recall(gold: GoldEntry, pred: Predicted) -> float:
    """Share of the gold entry's articles among the predicted sources."""
    return len(gold.articles & pred.sources) / len(gold.articles) if gold.articles else 0.0


def match_entries(gold: Sequence[GoldEntry], pred: Sequence[Predicted]) -> dict[int, int]:
    """One-to-one matches gold index → predicted index, the best-scoring pairs first."""
    pairs = sorted(
        (
            (score, -i, -j)
            for i, g in enumerate(gold)
            for j, p in enumerate(pred)
            if (score := match_score(g, p)) is not None
        ),
        reverse=True,
    )
    matches: dict[int, int] = {}
    for _, i, j in pairs:
        if -i not in matches and -j not in matches.values():
            matches[-i] = -j
    return matches


def _nearest(gold: GoldEntry, pred: Sequence[Predicted]) -> dict[str, Any] | None:
    """The candidate failing fewest checks (then with most gold articles), and what it fails."""
    if not pred:
        return None
    best = min(pred, key=lambda p: (len(failed_checks(gold, p)), -source_recall(gold, p)))
    return _describe(best) | {"fails": failed_checks(gold, best)}


def _describe(pred: Predicted) -> dict[str, Any]:
    return {"date": pred.date, "what": pred.what, "sources": sorted(pred.sources)}


def score_story(gold: Sequence[GoldEntry], pred: Sequence[Predicted]) -> dict[str, Any]:
    """Counts and measures for one story, and a detail line per gold entry."""
    matches = match_entries(gold, pred)
    recalls = [source_recall(gold[i], pred[j]) for i, j in matches.items()]
    exact = sum(pred[j].date == gold[i].date for i, j in matches.items())
    details = []
    for i, g in enumerate(gold):
        line: dict[str, Any] = {"date": g.date, "what": g.what, "articles": sorted(g.articles)}
        if i in matches:
            p = pred[matches[i]]
            line["matched"] = _describe(p) | {"source_recall": round(source_recall(g, p), 3)}
        else:
            line["nearest"] = _nearest(g, pred)
        details.append(line)
    used = set(matches.values())
    return {
        "gold_entries": len(gold),
        "predicted_entries": len(pred),
        "matched": len(matches),
        "entry_recall": len(matches) / len(gold) if gold else None,
        "entry_precision": len(matches) / len(pred) if pred else None,
        "source_recall": sum(recalls) / len(recalls) if recalls else None,
        "value_accuracy": exact / len(matches) if matches else None,
        "exact_dates": exact,
        "conflicts": sum(p.conflict for p in pred),
        "details": details,
        "unmatched": [_describe(p) for j, p in enumerate(pred) if j not in used],
    }


# --------------------------------------------------------------------------- gold.json


def read_gold(data: Mapping[str, Any]) -> tuple[dict[str, frozenset[str]], list[GoldEntry]]:
    """Gold stories (id → articles) and timeline entries of a seeds- or examples-style gold.
    The seeds' single `story` is "S"; its entries carry no story key."""
    stories = {k: v for k, v in data.get("stories", {}).items() if k != "distractors"}
    if "story" in data:
        stories["S"] = data["story"]
    default = next(iter(stories)) if len(stories) == 1 else None
    entries = [
        GoldEntry(
            story=e.get("story", default),
            date=e["date"],
            what=e["what"],
            articles=frozenset(e["articles"]),
            date_end=e.get("date_end"),
        )
        for e in data.get("timeline", [])
    ]
    return {k: frozenset(v["articles"]) for k, v in stories.items()}, entries


def _best_holder(articles: frozenset[str], groups: Mapping[str, Iterable[str]]) -> str | None:
    """The group holding most of `articles` (the first such in id order), None when none does."""
    counts = {gid: len(articles & set(members)) for gid, members in sorted(groups.items())}
    best = max(counts, key=lambda gid: counts[gid], default=None)
    return best if best is not None and counts[best] else None


def as_predicted(
    entry: TimelineEntry, key: Mapping[str, str], texts: Mapping[str, str]
) -> Predicted:
    """A stored timeline entry as the scorer sees it: its sources as gold keys, and the stems
    of its text, its source sentences and its actors."""
    return Predicted(
        entry.date,
        entry.what,
        frozenset(key[s.article_id] for s in entry.sources),
        stems(entry.what).union(
            *(stems(texts[s.article_id][s.start : s.end]) for s in entry.sources),
            *(stems(actor) for actor in entry.actors),
        ),
        bool(entry.conflict),
    )


def evaluate_timeline(gold: Path) -> dict[str, Any]:
    """Score the timelines the pipeline builds for the gold file's folder (see the module)."""
    from storyline.compare.story_timeline import story_timeline
    from storyline.eval.ingested import ingested_store
    from storyline.link.stories import list_stories

    data = json.loads(gold.read_text(encoding="utf-8"))
    gold_stories, entries = read_gold(data)
    with ingested_store([str(gold.parent)]) as run:
        key = run.keys
        texts = {r[0]: r[1] or "" for r in run.store.conn.execute("SELECT id, text FROM articles")}
        timelines = {v.id: (v, story_timeline(run.store, v)) for v in list_stories(run.store)}
    members = {sid: [key[a] for a in v.article_ids] for sid, (v, _) in timelines.items()}
    predicted = {
        sid: [as_predicted(e, key, texts) for e in tl.entries] for sid, (_, tl) in timelines.items()
    }
    rows, details, unmatched = [], [], []
    mapped: dict[str, str | None] = {}
    for sid, articles in sorted(gold_stories.items()):
        mapped[sid] = _best_holder(articles, members)
        scored = score_story(
            [e for e in entries if e.story == sid], predicted.get(mapped[sid] or "", [])
        )
        details += [d | {"story": sid} for d in scored.pop("details")]
        unmatched += [d | {"story": sid} for d in scored.pop("unmatched")]
        rows.append({"story": sid, "predicted_story": mapped[sid]} | scored)
    placed = _distractors(entries, [p for s in set(mapped.values()) if s for p in predicted[s]])
    overall = _overall(rows) | {
        "distractor_entries": sum(e.story is None for e in entries),
        "distractors_placed": len(placed),
        "event_dates": _event_dates(data, timelines, key),
        "ingest_failed": run.failed,
    }
    return {
        "name": f"timeline on {gold}",
        "columns": STORY_COLUMNS,
        "rows": rows,
        "overall": overall,
        "details": details,
        "unmatched": unmatched,
        "distractor_details": placed,
    }


def _distractors(entries: Sequence[GoldEntry], pred: Sequence[Predicted]) -> list[dict[str, Any]]:
    """Distractor entries that some predicted entry of a mapped story fits."""
    out = []
    for g in (e for e in entries if e.story is None):
        fits = [p for p in pred if match_score(g, p) is not None]
        if fits:
            out.append({"date": g.date, "what": g.what, "placed_as": [_describe(p) for p in fits]})
    return out


def _overall(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The stories' counts summed, and the measures over all their entries."""
    total = {k: sum(r[k] for r in rows) for k in ("gold_entries", "predicted_entries", "matched")}
    matched = total["matched"]
    exact = sum(r["exact_dates"] for r in rows)
    recall_sum = sum(r["source_recall"] * r["matched"] for r in rows if r["matched"])
    return total | {
        "entry_recall": matched / total["gold_entries"] if total["gold_entries"] else None,
        "entry_precision": matched / total["predicted_entries"]
        if total["predicted_entries"]
        else None,
        "source_recall": recall_sum / matched if matched else None,
        "value_accuracy": exact / matched if matched else None,
        "conflicts": sum(r["conflicts"] for r in rows),
    }


def _event_dates(
    data: Mapping[str, Any], timelines: Mapping[str, Any], key: Mapping[str, str]
) -> tuple[int, int]:
    """(right, total) over gold events with a date: the stored event holding most of the gold
    event's articles has exactly that date."""
    events = {e.id: tl.events.get(e.id) for v, tl in timelines.values() for e in v.events}
    members = {
        e.id: [key[a.id] for a in e.articles] for v, _ in timelines.values() for e in v.events
    }
    dated = [ev for ev in data.get("events", {}).values() if ev.get("date")]
    right = 0
    for ev in dated:
        holder = _best_holder(frozenset(ev["articles"]), members)
        found = events.get(holder) if holder else None
        right += found is not None and found.value == ev["date"]
    return right, len(dated)


# --------------------------------------------------------------------------- timeline17


def date_f1(pred: Iterable[str], gold: Iterable[str]) -> float:
    """F1 between a predicted and a gold set of dates."""
    p, g = set(pred), set(gold)
    hits = len(p & g)
    return 2 * hits / (len(p) + len(g)) if hits else 0.0


def select_dates(counts: Mapping[str, int], first: str, last: str, k: int) -> list[str]:
    """The `k` day values from `first` to `last` that most articles mention (earlier first
    among equals)."""
    days = [d for d in counts if len(d) == 10 and first <= d <= last]
    return sorted(days, key=lambda d: (-counts[d], d))[:k]


def timeline_day_counts(docs: Sequence[TimelineDoc]) -> Counter[str]:
    """Per day value, the distinct articles among the sources of the timeline's entries."""
    articles: dict[str, set[str]] = defaultdict(set)
    for entry in timeline_entries(docs):
        articles[entry.date].update(s.article_id for s in entry.sources)
    return Counter({day: len(ids) for day, ids in articles.items()})


@dataclass(frozen=True, slots=True)
class T17Article:
    """One timeline17 article: its uid, publication day, text and HeidelTime's dates."""

    uid: str
    dct: date
    text: str
    heideltime: tuple[str, ...]


def read_timeline17(data: Path) -> tuple[dict[str, list[T17Article]], dict[str, list[Path]]]:
    """Articles and gold timeline files per topic (the folder name before `_`): as in news-tls,
    each gold timeline is scored against its topic's whole collection, every outlet's."""
    articles: dict[str, list[T17Article]] = defaultdict(list)
    golds: dict[str, list[Path]] = defaultdict(list)
    for folder in sorted(p for p in data.iterdir() if p.is_dir()):
        topic = folder.name.split("_", 1)[0]
        golds[topic] += sorted(folder.glob("*.timeline.json"))
        path = folder / "articles.json.gz"
        if path.exists():
            with gzip.open(path, "rt", encoding="utf-8") as f:
                articles[topic] += [
                    T17Article(
                        f"{folder.name}/{a['uid']}",
                        date.fromisoformat(a["dct"]),
                        re.sub(r" \. ", ".\n", a.get("text") or ""),  # sentences back on lines
                        tuple(d for d in a.get("dates") or () if d),  # some are null
                    )
                    for a in json.load(f)
                ]
    return dict(articles), dict(golds)


def _days(article: T17Article) -> tuple[Timex, ...] | None:
    """The article's time expressions valued to the day (only days are selected, and the
    timeline joins only same-date mentions, so the others change no day's count); None when
    `find_timexes` fails on it (a bug there, counted in the result, not stopping the run)."""
    from storyline.nlp.timex import find_timexes

    try:
        found = find_timexes(article.text, "en", article.dct)
        return tuple(t for t in found if t.value and _DAY.fullmatch(t.value))
    except ValueError:
        log.warning("find_timexes failed on %s", article.uid, exc_info=True)
        return None


def _sample(articles: Sequence[T17Article], cap: int | None) -> list[T17Article]:
    if cap is None or len(articles) <= cap:
        return list(articles)
    return random.Random(SAMPLE_SEED).sample(list(articles), cap)


def evaluate_timeline17(
    data: Path, limit_articles: int | None = DEFAULT_TOPIC_CAP
) -> dict[str, Any]:
    """Date selection on timeline17: per gold timeline, the `k` (= its number of dates) days in
    its range that most articles of the topic mention, by our timeline and by HeidelTime's
    `dates`; date F1 against the gold days, averaged over the timelines. At most
    `limit_articles` articles per topic (a fixed-seed sample; None: all)."""
    started = time.perf_counter()
    articles, golds = read_timeline17(data)
    used = {t: _sample(arts, limit_articles) for t, arts in sorted(articles.items())}
    flat = [a for arts in used.values() for a in arts]
    with ProcessPoolExecutor() as pool:
        found = dict(zip((a.uid for a in flat), pool.map(_days, flat, chunksize=8), strict=True))
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    for topic, paths in sorted(golds.items()):
        arts = used.get(topic, [])
        if not arts:
            skipped += [f"{p.parent.name}/{p.name}" for p in paths]
            continue
        ours = timeline_day_counts(
            [TimelineDoc(a.uid, a.text, None, found[a.uid] or ()) for a in arts]
        )
        theirs = Counter(d for a in arts for d in set(a.heideltime))
        for path in paths:
            gold = {e["date"] for e in json.loads(path.read_text(encoding="utf-8"))}
            first, last, k = min(gold), max(gold), len(gold)
            rows.append(
                {
                    "timeline": f"{path.parent.name}/{path.name.removesuffix('.timeline.json')}",
                    "articles": len(arts),
                    "gold_dates": k,
                    "storyline_date_f1": date_f1(select_dates(ours, first, last, k), gold),
                    "heideltime_date_f1": date_f1(select_dates(theirs, first, last, k), gold),
                }
            )
    n = len(rows)
    overall = {
        "timelines": n,
        "storyline_date_f1": sum(r["storyline_date_f1"] for r in rows) / n if n else None,
        "heideltime_date_f1": sum(r["heideltime_date_f1"] for r in rows) / n if n else None,
        "news_tls_datewise_date_f1_published": PUBLISHED_NEWS_TLS_DATEWISE_F1,
        "articles": len(flat),
        "articles_per_topic_cap": limit_articles,
        "timex_failures": sorted(uid for uid, tx in found.items() if tx is None),
        "skipped_timelines": skipped,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return {
        "name": f"timeline17 date selection at {data}",
        "columns": list(rows[0]) if rows else ["timeline"],
        "rows": rows,
        "overall": overall,
    }
