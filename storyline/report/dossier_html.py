"""The dossier as one self-contained HTML page: inline CSS and SVG, no script, no network.

The sections follow the Markdown version; pictures come first where they say more than a list
(coverage over time, the timeline, corroboration per claim). Every text from an article is
escaped, and every line ends in citations `[outlet · a1b2c3d4:120–245]` whose tooltip shows the
cited words when the comparison gives them. The page reads well on screen and prints cleanly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from storyline.report import svg
from storyline.report.dossier import citation, framing_rows, span_text

CSS = """
:root { --ink:#1d232b; --muted:#5f6b78; --rule:#d9dee4; --tint:#f5f7f9; --accent:#0072B2;
  --warn:#b3261e; }
* { box-sizing:border-box; }
body { margin:0; color:var(--ink); background:#fff;
  font:17px/1.6 Charter,"Bitstream Charter","Iowan Old Style",Georgia,serif; }
main { max-width:50rem; margin:0 auto; padding:2.5rem 1.25rem 4rem; }
h1,h2,h3,nav,table,figure,.meta,.kicker,.cite,footer {
  font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; }
h1 { font-size:1.9rem; line-height:1.2; margin:.2rem 0 .5rem; }
h2 { font-size:1.25rem; margin:2.6rem 0 .8rem; padding-bottom:.3rem;
  border-bottom:2px solid var(--ink); }
h3 { font-size:1rem; margin:1.6rem 0 .4rem; }
.kicker { text-transform:uppercase; letter-spacing:.08em; font-size:.75rem; color:var(--accent);
  margin:0; }
.meta { color:var(--muted); font-size:.9rem; margin:0; }
nav { font-size:.85rem; margin:1.2rem 0; } nav a { margin-right:.9rem; color:var(--accent); }
.note { background:var(--tint); border-left:4px solid var(--accent); padding:.7rem 1rem;
  margin:1.2rem 0; }
.model { border-left-color:#E69F00; }
.cite { font-size:.72rem; color:var(--muted); white-space:nowrap; } td .cite { white-space:normal; }
.date { white-space:nowrap; }
li { margin:.35rem 0; }
blockquote { margin:.5rem 0; padding:0 0 0 1rem; border-left:3px solid var(--rule); }
.badge { font:600 .7rem system-ui,sans-serif; border-radius:3px; padding:.05rem .35rem;
  background:var(--tint); color:var(--muted); margin-right:.3rem; }
.conflict .badge, .badge.warn { color:var(--warn); }
table { width:100%; border-collapse:collapse; font-size:.82rem; margin:.6rem 0; }
th,td { text-align:left; vertical-align:top; padding:.35rem .5rem;
  border-bottom:1px solid var(--rule); }
th { background:var(--tint); font-weight:600; }
figure { margin:1rem 0 1.4rem; } figcaption { font-size:.8rem; color:var(--muted); }
svg { width:100%; height:auto; display:block; }
svg text { font:11px system-ui,sans-serif; fill:var(--ink); }
svg .tick { fill:var(--muted); } svg .axis, svg .stem { stroke:var(--rule); stroke-width:1.5; }
svg .mark circle { fill:#fff; stroke:var(--accent); stroke-width:2; }
svg .mark.event circle { fill:var(--accent); } svg .mark.event text { fill:#fff; }
svg .mark.conflict circle { stroke:var(--warn); stroke-width:3; }
svg .all { fill:#cfe0ee; } svg .independent { fill:var(--accent); }
.legends { font-size:.78rem; font-weight:600; margin:.3rem 0; }
.legend { display:inline; list-style:none; padding:0; margin:0 0 0 .5rem; color:var(--muted);
  font-weight:400; }
.legend li { display:inline-block; margin:0 .9rem .2rem 0; }
.swatch { display:inline-block; width:.75rem; height:.75rem; border-radius:2px;
  margin-right:.3rem; vertical-align:-1px; }
footer { margin-top:3rem; font-size:.78rem; color:var(--muted); }
@media print { body { font-size:11pt; } main { max-width:none; padding:0; } nav { display:none; }
  h2 { break-after:avoid; } figure, tr, li, blockquote { break-inside:avoid; } }
"""
SECTIONS = (
    ("summary", "Summary"),
    ("coverage", "Coverage"),
    ("timeline", "Timeline"),
    ("quotes", "Who said what"),
    ("claims", "Claims"),
    ("conflicts", "Conflicts"),
    ("framing", "Framing"),
    ("sources", "Sources"),
)


def cites(sources: Iterable[Mapping[str, Any]]) -> str:
    """Every distinct citation of these sources, each with the cited words as its tooltip."""
    seen: dict[str, str] = {}
    for s in sources:
        seen.setdefault(citation(s), s.get("text") or "")
    return " ".join(
        f'<span class="cite" title="{escape(text)}">[{escape(c)}]</span>'
        for c, text in seen.items()
    )


def _articles(ids: Iterable[str], outlet: str | None) -> str:
    return cites({"article_id": a, "outlet": outlet} for a in ids)


def _counts(counts: Mapping[str, int]) -> str:
    return escape(", ".join(f"{k} {v}" for k, v in counts.items()))


def _claim(c: Mapping[str, Any]) -> str:
    n, total = c["independent"], len(c["sources"])
    origin = f", all from {escape(c['origin'])}" if c.get("origin") else ""
    return (
        f'<li><span class="badge">{escape(c["id"])}</span>{escape(c["text"])}'
        f" <small>({n} independent of {total}{origin})</small> {cites(c['sources'])}</li>"
    )


def _table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """A table from already-escaped cells."""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _section(key: str, *parts: str) -> str:
    title = dict(SECTIONS)[key]
    return f'<section id="{key}"><h2>{title}</h2>{"".join(parts)}</section>'


def _summary(d: Mapping[str, Any]) -> str:
    items = "".join(_claim({**s, "id": s["claim"]}) for s in d["summary"])
    parts = [f"<ol>{items}</ol>" if items else "<p>No claims to summarise.</p>"]
    if llm := d.get("abstractive_summary"):
        parts.append(
            f'<div class="note model"><p><span class="badge warn">written by'
            f" {escape(llm['model'])}</span> from claims {escape(', '.join(llm['claims']))}</p>"
            f"<p>{escape(llm['text'])}</p><p>{cites(llm['sources'])}</p></div>"
        )
    return _section("summary", *parts)


def _coverage(d: Mapping[str, Any]) -> str:
    cells = d["coverage"]
    outlets = svg.colors(sorted({c["outlet"] for c in cells}))
    langs = svg.colors(sorted({c["language"] for c in cells}))
    chart = svg.coverage_chart(cells, outlets, langs)
    undated = sum(c["articles"] for c in cells if not c["day"])
    caption = "Articles per day by outlet; the strip under each bar shows their languages."
    if undated:
        caption += f" {undated} article{'s' * (undated != 1)} without a date not drawn."
    figure = (
        f'<figure>{chart}<div class="legends">Outlets {svg.legend(outlets)}</div>'
        f'<div class="legends">Languages {svg.legend(langs)}</div>'
        f"<figcaption>{caption}</figcaption></figure>"
    )
    return _section("coverage", figure if chart else "<p>No article has a date.</p>")


def _timeline(tl: Mapping[str, Any]) -> str:
    entries = tl["entries"]
    if not entries:
        return _section("timeline", "<p>No dated happenings.</p>")
    rows = []
    for i, e in enumerate(entries, 1):
        what = escape(e["what"])
        if e["conflict"]:
            what += f' <span class="badge warn">other dates: {escape(e["conflict"])}</span>'
        elif e["kind"] == "event":
            what += ' <span class="badge">event date</span>'
        rows.append(
            [str(i), f'<span class="date">{escape(e["date"])}</span>', what, cites(e["sources"])]
        )
    figure = f"<figure>{svg.timeline_chart(entries)}<figcaption>Numbers are rows of the table;"
    figure += " filled marks are event dates, red rings conflicting dates.</figcaption></figure>"
    return _section("timeline", figure, _table(["#", "date", "what", "sources"], rows))


def _quotes(groups: list[Mapping[str, Any]]) -> str:
    parts = []
    for g in groups:
        parts.append(f"<h3>{escape(g['speaker'] or 'Unattributed')}</h3>")
        for q in g["quotes"]:
            parts.append(
                f'<blockquote><span class="badge">{escape(q["kind"])}</span>'
                f"“{escape(q['text'])}” <small>{escape(', '.join(q['outlets']))}</small>"
                f" {cites(q['sources'])}</blockquote>"
            )
    return _section("quotes", *(parts or ["<p>No quotes.</p>"]))


def _claims(d: Mapping[str, Any]) -> str:
    claims = d["claims"]
    ranked = claims["corroborated"] + claims["single_source"]
    chart = svg.corroboration_chart(ranked)
    parts = [
        f"<figure>{chart}<figcaption>Dark: independent sources (copies and one shared origin"
        " count once); light: every article carrying the claim.</figcaption></figure>"
        if chart
        else ""
    ]
    for key, title in (("corroborated", "Corroborated"), ("single_source", "Single-source")):
        items = "".join(_claim(c) for c in claims[key])
        parts.append(f"<h3>{title} ({len(claims[key])})</h3>")
        parts.append(f"<ul>{items}</ul>" if items else "<p>None.</p>")
    return _section("claims", *parts)


def _conflicts(d: Mapping[str, Any]) -> str:
    items = []
    for c in d["conflicts"]:
        sides = " <em>vs</em> ".join(
            f"<strong>{escape(s['value'])}</strong> {cites(s['sources'])}" for s in c["sides"]
        )
        when = ' <span class="badge">over time</span>' if c["over_time"] else ""
        items.append(
            f'<li class="conflict"><span class="badge">{escape(c["kind"])}</span>'
            f"{escape(c['topic'])}{when}: {sides}. {escape(c['note'])}</li>"
        )
    empty = "No conflicts between sources." if d["articles"] > 1 else "Nothing to compare."
    return _section("conflicts", f"<ul>{''.join(items)}</ul>" if items else f"<p>{empty}</p>")


def _framing(d: Mapping[str, Any]) -> str:
    rows = []
    for r in framing_rows(d):
        quotes = "<br>".join(
            f"{escape(q['speaker'] or '?')}: “{escape(q['text'])}”"
            f" {cites([{**q, 'outlet': r['outlet']}])}"
            for q in r["quotes"]
        )
        rows.append(
            [
                escape(r["outlet"]),
                escape(", ".join(r["terms"])),
                "<br>".join(escape(n) for n in r["names"]),
                quotes,
                escape(", ".join(r["omits"])),
                _articles(r["articles"], r["outlet"]),
            ]
        )
    head = ["outlet", "distinctive terms", "names used", "quotes chosen", "leaves out", "articles"]
    return _section("framing", _table(head, rows))


def _sources(d: Mapping[str, Any]) -> str:
    rows = [
        [
            _articles([s["article_id"]], s["outlet"]),
            f'<span class="date">{escape(s["published"] or "undated")}</span>',
            escape(s["language"] or "?"),
            escape(s["event"]),
            escape(s["duplicate_of"][:8] if s["duplicate_of"] else ""),
            escape(s["title"] or ""),
        ]
        for s in d["sources"]
    ]
    head = ["article", "published", "lang", "event", "copy of", "title"]
    return _section("sources", _table(head, rows))


def dossier_html(d: Mapping[str, Any]) -> str:
    """The whole dossier as one HTML document."""
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in d["notes"])
    nav = "".join(f'<a href="#{k}">{t}</a>' for k, t in SECTIONS)
    title = escape(f"{d['story']}: {d['label']}")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} · storyline dossier</title><style>{CSS}</style></head><body><main>"
        f'<header><p class="kicker">storyline dossier · {escape(d["story"])}</p>'
        f'<h1>{escape(d["label"])}</h1><p class="meta">{escape(span_text(d["span"]))} ·'
        f" {d['articles']} article{'s' * (d['articles'] != 1)} · outlets: {_counts(d['outlets'])}"
        f" · languages: {_counts(d['languages'])}</p></header><nav>{nav}</nav>{notes}"
        + _summary(d)
        + _coverage(d)
        + _timeline(d["timeline"])
        + _quotes(d["who_said_what"])
        + _claims(d)
        + _conflicts(d)
        + _framing(d)
        + _sources(d)
        + "<footer>Citations read [outlet · article id:start–end]: the first eight characters"
        " of the article id (as <code>storyline show</code> takes them) and the character span"
        " of its clean text.</footer></main></body></html>\n"
    )
