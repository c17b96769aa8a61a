"""The dossier as Markdown: the same sections as the HTML, every line ending in its citations.

A citation reads `[outlet · a1b2c3d4:120–245]`: the article id's first eight hex digits (as
`storyline show` takes them) and the character span of its clean text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from storyline.report.dossier import citation, framing_rows, span_text


def cites(sources: Iterable[Mapping[str, Any]]) -> str:
    """Every distinct citation of these sources, in brackets."""
    return " ".join(f"[{c}]" for c in dict.fromkeys(citation(s) for s in sources))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def _articles(ids: Iterable[str], outlet: str | None = None) -> str:
    return cites({"article_id": a, "outlet": outlet} for a in ids)


def _claim(c: Mapping[str, Any]) -> str:
    origin = f", all from {c['origin']}" if c.get("origin") else ""
    n = c["independent"]
    return (
        f"- **{c['id']}** {c['text']} ({n} independent source{'s' if n != 1 else ''}{origin},"
        f" {len(c['sources'])} in all) {cites(c['sources'])}"
    )


def _head(d: Mapping[str, Any]) -> list[str]:
    lines = [
        f"# {d['story']}: {d['label']}",
        "",
        f"*{span_text(d['span'])} · {d['articles']} articles · outlets: {_counts(d['outlets'])}"
        f" · languages: {_counts(d['languages'])}*",
        "",
    ]
    lines += [f"> {n}" for n in d["notes"]]
    lines += ["", "## Summary", ""]
    lines += [_claim({**s, "id": s["claim"]}) for s in d["summary"]] or ["No claims to summarise."]
    if llm := d.get("abstractive_summary"):
        lines += ["", f"### Written by a model ({llm['model']}), from the claims above", ""]
        lines += [llm["text"], "", f"Sources: {cites(llm['sources'])}"]
    return lines


def _timeline(tl: Mapping[str, Any]) -> list[str]:
    lines = ["", "## Timeline", ""]
    if not tl["entries"]:
        return [*lines, "No dated happenings."]
    lines += ["| date | what | note | sources |", "|---|---|---|---|"]
    for e in tl["entries"]:
        note = e["conflict"] or ("event date" if e["kind"] == "event" else "")
        lines.append(
            f"| {e['date']} | {_cell(e['what'])} | {_cell(note)} | {_cell(cites(e['sources']))} |"
        )
    return lines


def _quotes(groups: list[Mapping[str, Any]]) -> list[str]:
    lines = ["", "## Who said what", ""]
    if not groups:
        return [*lines, "No quotes."]
    for g in groups:
        lines += [f"### {g['speaker'] or 'Unattributed'}", ""]
        for q in g["quotes"]:
            lines.append(
                f"- “{q['text']}” ({q['kind']}; {', '.join(q['outlets'])}) {cites(q['sources'])}"
            )
        lines.append("")
    return lines[:-1]


def _claims_and_conflicts(d: Mapping[str, Any]) -> list[str]:
    lines = []
    for key, title in (("corroborated", "Corroborated claims"), ("single_source", "Single-source")):
        claims = d["claims"][key]
        lines += ["", f"## {title} ({len(claims)})", ""]
        lines += [_claim(c) for c in claims] or ["None."]
    lines += ["", "## Conflicts", ""]
    for c in d["conflicts"]:
        sides = " vs ".join(f"**{s['value']}** {cites(s['sources'])}" for s in c["sides"])
        when = " (changed over time)" if c["over_time"] else ""
        lines.append(f"- {c['kind']}: {c['topic']}{when}: {sides}. {c['note']}".rstrip())
    if not d["conflicts"]:
        lines.append(
            "No conflicts between sources." if d["articles"] > 1 else "Nothing to compare."
        )
    return lines


def _framing(d: Mapping[str, Any]) -> list[str]:
    lines = ["", "## Framing", ""]
    lines += ["| outlet | distinctive terms | names used | quotes chosen | leaves out | articles |"]
    lines.append("|---|---|---|---|---|---|")
    for r in framing_rows(d):
        quotes = "; ".join(
            f"{q['speaker'] or '?'}: “{q['text']}” {cites([{**q, 'outlet': r['outlet']}])}"
            for q in r["quotes"]
        )
        cells = [
            r["outlet"],
            ", ".join(r["terms"]),
            "; ".join(r["names"]),
            quotes,
            ", ".join(r["omits"]),
            _articles(r["articles"], r["outlet"]),
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def _sources(d: Mapping[str, Any]) -> list[str]:
    lines = ["", "## Sources", ""]
    lines += ["| article | published | language | event | duplicate of | title |"]
    lines.append("|---|---|---|---|---|---|")
    for s in d["sources"]:
        dup = s["duplicate_of"][:8] if s["duplicate_of"] else ""
        cells = [_articles([s["article_id"]], s["outlet"]), s["published"] or "undated"]
        cells += [s["language"] or "?", s["event"], dup, s["title"] or ""]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines += ["", "## Coverage", "", "| day | outlet | language | articles |", "|---|---|---|---|"]
    for c in d["coverage"]:
        lines.append(
            f"| {c['day'] or 'undated'} | {_cell(c['outlet'])} | {c['language']} |"
            f" {c['articles']} {_articles(c['article_ids'], c['outlet'])} |"
        )
    return lines


def dossier_markdown(d: Mapping[str, Any]) -> str:
    """The whole dossier as one Markdown document."""
    lines = [
        *_head(d),
        *_timeline(d["timeline"]),
        *_quotes(d["who_said_what"]),
        *_claims_and_conflicts(d),
        *_framing(d),
        *_sources(d),
    ]
    # article text may hold "<": Markdown viewers would take it for HTML
    return "\n".join(lines).replace("<", "&lt;") + "\n"
