"""`storyline eval clusters GOLD`: stories, events and duplicates against gold, beside baselines.

GOLD is either
  * a gold.json (the seeds' `story` + `events`, or examples' `stories` + `events` + per-article
    `duplicate_of`): the articles beside it are ingested through `run_pipeline`, or
  * a JSONL file of articles with `story_id`, `event_id` and `dup_group` columns: the file itself
    is ingested (the readers keep those columns in `metadata`, where the gold is read back).

storyline's partition is `story_id` / `event_id` / `dup_group` of `records(store)`; a null id is a
cluster of its own (so everything scores before the clustering stage exists, and improves after).
Gold articles without a story or event (examples' `distractors`) are singletons too.

Two baselines cluster the same clean texts (title + text) once each, and that one partition is
scored against both events and stories — one threshold cannot serve both, which is the point:
  * `bertopic`: BERTopic's recipe without its topic words — the same multilingual-e5-small
    vectors storyline uses (`EMBED_CHARS` of title + text) + sklearn HDBSCAN with its defaults
    and `min_cluster_size=2`; noise points are singletons; fewer than 3 documents are singletons
    (HDBSCAN needs more than one sample and finds no cluster in 2 or 3);
  * `tfidf`: TF-IDF (sublinear tf) + agglomerative clustering, cosine distance, average linkage,
    `TFIDF_DISTANCE` as the cut, fixed once (see there), never tuned per set.

Measures per level (event, story): B-cubed precision, recall and F1 (Amigó et al. 2009) and the
adjusted Rand index; duplicates: pair precision and recall, storyline only (no baseline). A level
the gold does not label at all (timeline17 has no events) is not scored.

`evaluate_public` turns a public set into such a JSONL and scores it the same way:
  * timeline17: story = topic (the folder name before `_`, several outlets per topic); no events;
    `limit` articles (default 300) sampled with a fixed seed, stratified by topic;
  * meantime: story = the sub-corpus (airbus, apple, gm, stock); event = the document's main
    event, taken as the earliest-mentioned event instance of the document that is shared with
    another document (MEANTIME's cross-document `instance_id`s); a document sharing none is a
    singleton. `limit` takes the first documents in name order.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.eval.ingested import ingest_records

EMBED_CHARS = 1000  # title + lede and a little more: what carries the event, and e5's 512 tokens
# Chosen once, a priori: cosine distance 0.8 (similarity 0.2) is a customary cut for sublinear
# TF-IDF of news articles on one topic; it is not tuned on any evaluation set.
TFIDF_DISTANCE = 0.8
HDBSCAN_MIN_CLUSTER_SIZE = 2
SAMPLE_SEED = 20260101
PUBLIC_SETS = ("timeline17", "meantime")
DEFAULT_PUBLIC_LIMIT = 300
SYSTEMS = ("storyline", "bertopic", "tfidf")
LEVELS = ("event", "story")
COLUMNS = [
    "system",
    "level",
    "b3_precision",
    "b3_recall",
    "b3_f1",
    "ari",
    "clusters",
    "gold_clusters",
]
Label = Hashable | None


# --------------------------------------------------------------------------- metrics (pure)


def _filled(labels: Sequence[Label]) -> list[Hashable]:
    """Labels with every None replaced by a label of its own (a singleton cluster)."""
    return [("__singleton__", i) if lab is None else lab for i, lab in enumerate(labels)]


def b_cubed(pred: Sequence[Label], gold: Sequence[Label]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of `pred` against `gold` (labels of the same items).

    Per item, precision is the share of its predicted cluster in its gold cluster, recall the
    share of its gold cluster in its predicted cluster; both averaged over items (Amigó et al.).
    None is a singleton. No items scores 1.0 (nothing is wrong).
    """
    if len(pred) != len(gold):
        raise ValueError(f"{len(pred)} predicted labels for {len(gold)} gold labels")
    if not pred:
        return 1.0, 1.0, 1.0
    p, g = _filled(pred), _filled(gold)
    pair_counts = Counter(zip(p, g, strict=True))
    p_sizes, g_sizes = Counter(p), Counter(g)
    n = len(p)
    precision = sum(c * c / p_sizes[pl] for (pl, _), c in pair_counts.items()) / n
    recall = sum(c * c / g_sizes[gl] for (_, gl), c in pair_counts.items()) / n
    return precision, recall, 2 * precision * recall / (precision + recall)


def ari(pred: Sequence[Label], gold: Sequence[Label]) -> float:
    """Adjusted Rand index (sklearn) of `pred` against `gold`; None is a singleton."""
    from sklearn.metrics import adjusted_rand_score

    def codes(labels: Sequence[Label]) -> list[int]:
        index: dict[Hashable, int] = {}
        return [index.setdefault(lab, len(index)) for lab in _filled(labels)]

    return float(adjusted_rand_score(codes(gold), codes(pred)))


def _pairs(labels: Sequence[Label]) -> set[tuple[int, int]]:
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels):
        if lab is not None:
            groups[lab].append(i)
    return {(a, b) for members in groups.values() for a in members for b in members if a < b}


def duplicate_pairs(pred: Sequence[Label], gold: Sequence[Label]) -> dict[str, float | int | None]:
    """Pair precision and recall of duplicate groups (None: in no group); None when undefined
    (no predicted pairs for precision, no gold pairs for recall)."""
    p, g = _pairs(pred), _pairs(gold)
    hits = len(p & g)
    return {
        "dup_precision": hits / len(p) if p else None,
        "dup_recall": hits / len(g) if g else None,
        "dup_pairs": len(p),
        "dup_gold_pairs": len(g),
    }


# --------------------------------------------------------------------------- baselines


def hdbscan_partition(texts: Sequence[str]) -> list[int]:
    """BERTopic-style clusters: e5 embeddings of the truncated texts + HDBSCAN (defaults,
    min_cluster_size=2); noise points, and every document of a set smaller than 3, are
    singletons (cluster ids are then distinct negative numbers)."""
    if len(texts) < 3:
        return [-1 - i for i in range(len(texts))]
    from sklearn.cluster import HDBSCAN

    from storyline.link.embedding import embed

    vectors = embed([t[:EMBED_CHARS] for t in texts])
    labels = HDBSCAN(min_cluster_size=HDBSCAN_MIN_CLUSTER_SIZE, copy=True).fit_predict(vectors)
    return [int(lab) if lab >= 0 else -1 - i for i, lab in enumerate(labels)]


def tfidf_partition(texts: Sequence[str], threshold: float = TFIDF_DISTANCE) -> list[int]:
    """TF-IDF + agglomerative clusters (cosine, average linkage, cut at `threshold`); a set
    of one document, or with no words at all, is all singletons."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(texts) < 2:
        return list(range(len(texts)))
    try:
        matrix = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    except ValueError:  # empty vocabulary: nothing to compare
        return list(range(len(texts)))
    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
    )
    return [int(x) for x in model.fit_predict(matrix.toarray())]


# --------------------------------------------------------------------------- scoring


@dataclass
class Item:
    """One scored article: its text, storyline's ids and the gold labels."""

    key: str
    text: str
    pred: dict[str, Label] = field(default_factory=dict)  # story, event, dup
    gold: dict[str, Label] = field(default_factory=dict)


def score_items(items: Sequence[Item], name: str) -> dict[str, Any]:
    """Rows per system and level, and a flat `overall`, for `items`."""
    texts = [it.text for it in items]
    partitions: dict[str, dict[str, list[Label]]] = {
        "storyline": {lvl: [it.pred.get(lvl) for it in items] for lvl in LEVELS}
    }
    for system, labels in (
        ("bertopic", hdbscan_partition(texts)),
        ("tfidf", tfidf_partition(texts)),
    ):
        partitions[system] = {level: list(labels) for level in LEVELS}
    rows: list[dict[str, Any]] = []
    overall: dict[str, Any] = {"articles": len(items)}
    for level in LEVELS:
        gold = [it.gold.get(level) for it in items]
        if all(g is None for g in gold):  # the set does not label this level
            continue
        for system in SYSTEMS:
            pred = partitions[system][level]
            precision, recall, f1 = b_cubed(pred, gold)
            row = {
                "system": system,
                "level": level,
                "b3_precision": round(precision, 4),
                "b3_recall": round(recall, 4),
                "b3_f1": round(f1, 4),
                "ari": round(ari(pred, gold), 4),
                "clusters": len(set(_filled(pred))),
                "gold_clusters": len(set(_filled(gold))),
            }
            rows.append(row)
            for measure in ("b3_precision", "b3_recall", "b3_f1", "ari"):
                overall[f"{system}_{level}_{measure}"] = row[measure]
    gold_dup = [it.gold.get("dup") for it in items]
    if any(g is not None for g in gold_dup):
        dup = duplicate_pairs([it.pred.get("dup") for it in items], gold_dup)
        overall.update({f"storyline_{k}": v for k, v in dup.items()})
    return {"name": name, "columns": COLUMNS, "rows": rows, "overall": overall}


def _text(rec: dict[str, Any]) -> str:
    return f"{rec.get('title') or ''}\n{rec.get('text') or ''}".strip()


def _predicted(rec: dict[str, Any]) -> dict[str, Label]:
    return {"story": rec.get("story_id"), "event": rec.get("event_id"), "dup": rec.get("dup_group")}


def _gold_json_labels(gold: dict[str, Any]) -> dict[str, dict[str, Label]]:
    """Gold labels per article key from a seeds- or examples-style gold.json."""
    labels: dict[str, dict[str, Label]] = {key: {} for key in gold.get("articles", {})}
    stories = dict(gold.get("stories", {}))
    if "story" in gold:
        stories["S"] = gold["story"]
    for sid, story in stories.items():
        if sid == "distractors":  # "not part of any story": singletons
            continue
        for key in story.get("articles", []):
            labels.setdefault(key, {})["story"] = sid
    for eid, event in gold.get("events", {}).items():
        for key in event.get("articles", []):
            labels.setdefault(key, {})["event"] = eid
    for key, art in gold.get("articles", {}).items():
        canonical = art.get("duplicate_of")
        if canonical:
            labels[key]["dup"] = canonical
            labels.setdefault(canonical, {})["dup"] = canonical
    return labels


def evaluate_clusters(gold: Path, limit: int | None = None) -> dict[str, Any]:
    """Score storyline and both baselines on GOLD (a gold.json or a labelled JSONL); `limit`
    scores the first N gold articles (gold.json: in key order) or ingests the first N records
    (JSONL)."""
    if gold.suffix.lower() in {".jsonl", ".ndjson"}:
        return _evaluate_jsonl(gold, limit)
    data = json.loads(gold.read_text(encoding="utf-8"))
    labels = _gold_json_labels(data)
    recs, keys, failed = ingest_records([str(gold.parent)])
    by_key = {keys[i]: rec for i, rec in recs.items()}
    wanted = sorted(labels)[:limit] if limit is not None else sorted(labels)
    items = [
        Item(key, _text(by_key[key]), _predicted(by_key[key]), labels[key])
        for key in wanted
        if key in by_key
    ]
    result = score_items(items, f"clusters on {gold}")
    result["overall"] |= {"missing": len(wanted) - len(items), "ingest_failed": failed}
    return result


def _evaluate_jsonl(path: Path, limit: int | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="storyline-eval-jsonl-") as tmp:
        source = path
        if limit is not None:
            source = Path(tmp) / path.name
            with path.open(encoding="utf-8") as f:
                lines = [ln for ln in f if ln.strip()][:limit]
            source.write_text("".join(lines), encoding="utf-8")
        recs, _, failed = ingest_records([str(source)])
    items = []
    for rec in recs.values():
        meta = rec.get("metadata") or {}
        gold = {"story": meta.get("story_id"), "event": meta.get("event_id")}
        gold["dup"] = meta.get("dup_group")
        items.append(Item(rec["source"], _text(rec), _predicted(rec), gold))
    items.sort(key=lambda it: it.key)
    result = score_items(items, f"clusters on {path}")
    result["overall"] |= {"ingest_failed": failed}
    return result


# --------------------------------------------------------------------------- public sets


def timeline17_records(
    data: Path, limit: int | None, seed: int = SAMPLE_SEED
) -> list[dict[str, Any]]:
    """timeline17 articles as JSONL records (story_id = topic), a topic-stratified sample of
    `limit` (each topic gets its share of the total, at least one) drawn with `seed`."""
    by_topic: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for folder in sorted(p for p in data.iterdir() if p.is_dir()):
        path = folder / "articles.json.gz"
        if not path.exists():
            continue
        topic = folder.name.split("_", 1)[0]
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for art in json.load(f):
                text = re.sub(r" \. ", ".\n", art.get("text") or "")
                by_topic[topic].append(
                    {
                        "id": f"{folder.name}/{art['uid']}",
                        "text": text,
                        "published": art.get("dct"),
                        "story_id": topic,
                    }
                )
    total = sum(len(v) for v in by_topic.values())
    rng = random.Random(seed)
    out = []
    for topic in sorted(by_topic):
        arts = by_topic[topic]
        k = len(arts) if limit is None else max(1, round(limit * len(arts) / total))
        out.extend(rng.sample(arts, min(k, len(arts))))
    return out


def _meantime_doc(path: Path) -> tuple[dict[str, Any], list[tuple[int, str]]]:
    """One MEANTIME document as a record (title = sentence 0, date line dropped) and its event
    instances as (first token, instance id), in text order."""
    doc = ET.parse(path).getroot()  # a local, trusted corpus
    sentences: dict[int, list[str]] = defaultdict(list)
    for tok in doc.iter("token"):
        sentences[int(tok.get("sentence", "0"))].append(tok.text or "")
    instance = {e.get("m_id"): e.get("instance_id") for e in doc.iter("EVENT")}
    first_token = {
        m.get("m_id"): min(int(a.get("t_id", "0")) for a in anchors)
        for m in doc.iter("EVENT_MENTION")
        if (anchors := list(m.iter("token_anchor")))
    }
    mentions = []
    for ref in doc.iter("REFERS_TO"):
        target = ref.find("target")
        inst = instance.get(target.get("m_id") if target is not None else None)
        if inst:
            mentions += [
                (first_token[s.get("m_id")], inst)
                for s in ref.findall("source")
                if s.get("m_id") in first_token
            ]
    created = next(
        (
            t.get("value")
            for t in doc.iter("TIMEX3")
            if t.get("functionInDocument") == "CREATION_TIME"
        ),
        None,
    )
    body = [" ".join(sentences[i]) for i in sorted(sentences) if i >= 2]
    record = {
        "id": doc.get("doc_id") or path.stem,
        "title": " ".join(sentences.get(0, [])),
        "text": "\n".join(body),
        "published": created,
        "url": doc.get("url"),
        "story_id": path.parent.name.removeprefix("corpus_"),
    }
    return record, sorted(mentions)


def meantime_records(data: Path, limit: int | None) -> list[dict[str, Any]]:
    """MEANTIME documents as JSONL records: story_id = sub-corpus, event_id = the earliest
    event instance shared with another document (None when the document shares none)."""
    paths = sorted(data.glob("intra_cross-doc_annotation/corpus_*/*.xml"), key=lambda p: p.name)
    docs = [_meantime_doc(p) for p in paths[:limit]]
    holders: dict[str, set[str]] = defaultdict(set)
    for record, mentions in docs:
        for _, inst in mentions:
            holders[inst].add(record["id"])
    out = []
    for record, mentions in docs:
        shared = [inst for _, inst in mentions if len(holders[inst]) > 1]
        out.append(record | {"event_id": shared[0] if shared else None})
    return out


def evaluate_public(name: str, data: Path, limit: int | None = None) -> dict[str, Any]:
    """Score storyline and the baselines on a public set (`timeline17` or `meantime`) at
    `data`, through a temporary JSONL of its articles with their labels."""
    if name == "timeline17":
        recs = timeline17_records(data, DEFAULT_PUBLIC_LIMIT if limit is None else limit)
    elif name == "meantime":
        recs = meantime_records(data, limit)
    else:
        raise ValueError(f"unknown public set {name!r}; use one of {', '.join(PUBLIC_SETS)}")
    with tempfile.TemporaryDirectory(prefix="storyline-public-") as tmp:
        path = Path(tmp) / f"{name}.jsonl"
        _write_jsonl(path, recs)
        result = evaluate_clusters(path)
    result["name"] = f"clusters on {name} ({data}, {len(recs)} articles)"
    return result


def _write_jsonl(path: Path, recs: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for rec in recs:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
