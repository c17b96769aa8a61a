"""`storyline eval compare GOLD.json`: disagreements, framing and figures against a gold file
in the schema of ../shared/seeds/gold.json.

The gold folder runs through the whole pipeline in a temporary store; each gold story is
compared with the stored story holding most of its articles (`compare_story`). Scored:

* disagreements: a gold disagreement is found when one predicted conflict cites at least two of
  its articles (or its only one) and shares a content word with its topic and accounts; gold
  and predicted are matched one to one, best first by word overlap weighted by the share of
  articles cited; its sides are right when the conflict cites every article the gold gives an
  account for (side recall is reported too); change over time when the gold's note calls it one
  and the conflict is labelled `over_time` (or, for a gold that is not one, not labelled);
* framing: a gold framing row is found when the predicted referents or distinctive terms give
  words of the gold phrases for at least two of its articles;
* figures: a gold figure is found when a claim of its article states one of its numbers, read
  in any notation (`figures.figures_in`: "4,000" is "4 000", "eleven days" is 11 days).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from storyline.compare.claims import numbers_in
from storyline.compare.framing import words
from storyline.eval.ingested import ingested_store
from storyline.store.db import Store

COLUMNS = ("story", "measure", "found", "total", "share")
OVER_TIME = re.compile(r"change over time", re.IGNORECASE)


def _gold_stories(gold: dict[str, Any]) -> dict[str | None, list[str]]:
    if "story" in gold:
        return {None: list(gold["story"]["articles"])}
    return {
        sid: list(s["articles"])
        for sid, s in gold.get("stories", {}).items()
        if sid != "distractors"
    }


def _conflict_articles(c: dict[str, Any]) -> set[str]:
    return {s["article_id"] for side in c["sides"] for s in side["sources"]}


def _conflict_words(c: dict[str, Any]) -> set[str]:
    text = c["topic"] + " " + " ".join(s["text"] for side in c["sides"] for s in side["sources"])
    return set(words(text))


def _fit(
    gold: dict[str, Any], c: dict[str, Any], ids: dict[str, str]
) -> tuple[float, float] | None:
    """(side recall, word overlap) of a conflict for a gold disagreement, or None when it
    cites fewer than two of its articles (its one article, for a disagreement inside one
    article) or shares no topic word. The overlap is the Jaccard
    of the gold's topic and accounts with the conflict's topic and sentences."""
    wanted = {ids[k] for k in gold["accounts"] if k in ids}
    topic = set(words(gold["topic"] + " " + " ".join(gold["accounts"].values())))
    cited = _conflict_articles(c) & wanted
    theirs = _conflict_words(c)
    shared = topic & theirs
    if len(cited) < min(2, len(wanted)) or not shared:
        return None
    return len(cited) / max(len(wanted), 1), len(shared) / len(topic | theirs)


def match_disagreements(
    golds: list[dict[str, Any]], conflicts: list[dict[str, Any]], ids: dict[str, str]
) -> list[dict[str, Any]]:
    """Gold disagreements matched one-to-one to predicted conflicts, best fits first."""
    fits = sorted(
        (
            (fit, g, c)
            for g, gold in enumerate(golds)
            for c, conflict in enumerate(conflicts)
            if (fit := _fit(gold, conflict, ids)) is not None
        ),
        key=lambda t: (-t[0][1] * (1 + t[0][0]), t[1], t[2]),  # the topic first, then sides
    )
    chosen: dict[int, tuple[tuple[float, float], int]] = {}
    used: set[int] = set()
    for fit, g, c in fits:
        if g not in chosen and c not in used:
            chosen[g] = (fit, c)
            used.add(c)
    out = []
    for g, gold in enumerate(golds):
        over_time = bool(OVER_TIME.search(gold.get("note", "")))
        fit, c = chosen.get(g, ((0.0, 0.0), -1))
        best = conflicts[c] if c >= 0 else None
        out.append(
            {
                "topic": gold["topic"],
                "found": best is not None,
                "conflict": best["topic"] if best else None,
                "side_recall": round(fit[0], 3),
                "right_sides": best is not None and fit[0] == 1.0,
                "over_time_gold": over_time,
                "over_time_right": best is not None and bool(best["over_time"]) == over_time,
            }
        )
    return out


def framing_found(
    gold: dict[str, Any], framing: dict[str, Any], ids: dict[str, str], outlet_of: dict[str, str]
) -> bool:
    """Whether predicted framing gives words of the gold phrases for two or more articles."""
    hits = 0
    for key, phrase in gold["by_article"].items():
        aid = ids.get(key)
        if aid is None:
            continue
        outlet = outlet_of.get(aid, aid[:8])
        said = set(words(phrase))
        ours = {t["term"] for t in framing["distinctive_terms"].get(outlet, [])}
        for row in framing["referents"]:
            for p in row["by_outlet"].get(outlet, []):
                ours |= set(words(p))
        if said & ours:
            hits += 1
    return hits >= 2


def figure_found(gold: dict[str, Any], claims: list[dict[str, Any]], ids: dict[str, str]) -> bool:
    """Whether a claim of the figure's article states one of its numbers (or dates)."""
    aid = ids.get(gold["article"])
    wanted = numbers_in(gold["claim"])
    return any(
        _stated(c) & wanted and any(s["article_id"] == aid for s in c["sources"]) for c in claims
    )


def _stated(claim: dict[str, Any]) -> set[str]:
    """The numbers a claim states, the days of its calendar dates among them ("on 13
    September" states 13, kept as a date rather than a figure)."""
    return set(claim["numbers"]) | {str(int(d[8:10])) for d in claim["dates"] if len(d) == 10}


def _share(found: int, total: int) -> float | None:
    return round(found / total, 4) if total else None


def evaluate_compare(gold_path: Path) -> dict[str, Any]:
    """Score the comparison stage on a gold file (its folder ingested into a temporary store)."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    with ingested_store([str(gold_path.parent)]) as run:
        result = score_store(gold, run.store, run.keys)
    result["overall"]["ingest_failed"] = run.failed
    return {"name": f"compare on {gold_path}", **result}


def score_store(gold: dict[str, Any], store: Store, keys: dict[str, str]) -> dict[str, Any]:
    """Score the comparisons of a store holding a gold folder (`keys`: gold key of each id)."""
    from storyline.compare.compare import compare_story
    from storyline.link.stories import list_stories

    rows: list[dict[str, Any]] = []
    details: list[dict[str, Any]] = []
    totals: dict[str, list[int]] = {}
    ids = {key: aid for aid, key in keys.items()}
    views = list_stories(store)
    outlet_of = {a.id: a.outlet or a.id[:8] for v in views for e in v.events for a in e.articles}
    for sid, gold_keys in _gold_stories(gold).items():
        members = {ids[k] for k in gold_keys if k in ids}
        view = max(views, key=lambda v: len(members & set(v.article_ids)), default=None)
        if view is None:
            continue
        comparison = compare_story(store, view)
        mine = [d for d in gold.get("disagreements", []) if d.get("story") == sid]
        matches = match_disagreements(mine, comparison["conflicts"], ids)
        details.extend({"story": sid, **m} for m in matches)
        frames = [f for f in gold.get("framing", []) if f.get("story") == sid]
        figures = [f for f in gold.get("figures", []) if f.get("story") == sid]
        measures = {
            "disagreements_found": (sum(m["found"] for m in matches), len(matches)),
            "right_sides": (sum(m["right_sides"] for m in matches), len(matches)),
            "over_time_right": (sum(m["over_time_right"] for m in matches), len(matches)),
            "framing_found": (
                sum(framing_found(f, comparison["framing"], ids, outlet_of) for f in frames),
                len(frames),
            ),
            "figures_found": (
                sum(figure_found(f, comparison["claims"], ids) for f in figures),
                len(figures),
            ),
        }
        for measure, (found, total) in measures.items():
            rows.append(
                {
                    "story": sid or "story",
                    "measure": measure,
                    "found": found,
                    "total": total,
                    "share": _share(found, total),
                }
            )
            acc = totals.setdefault(measure, [0, 0])
            acc[0] += found
            acc[1] += total
    overall: dict[str, Any] = {m: _share(f, t) for m, (f, t) in totals.items()}
    return {"columns": COLUMNS, "rows": rows, "overall": overall, "disagreements": details}
