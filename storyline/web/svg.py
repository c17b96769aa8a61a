"""Charts as inline SVG, drawn on the server: no JavaScript, no chart library, nothing fetched.

Each chart is an `<svg role="img">` with a `<title>` (and every mark a `<title>` of its own for
a tooltip); its numbers are also in the page's tables, so nothing is shown by colour alone.
Every piece of text is escaped here (the result is `Markup`, inserted as is). Colours are
SVG presentation attributes, not `style`, which the page's Content-Security-Policy forbids.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup, escape

from storyline.compare.periods import CALENDAR, period_start

# Okabe-Ito (colour-blind safe) then two darker greys; the last is "other".
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#8C7A00",
    "#555555",
    "#999999",
)
WIDTH = 760
PAD = 40  # room for axis labels
MAX_DAILY_BARS = 92  # a longer story's coverage is counted per month


def colours(names: Sequence[str]) -> dict[str, str]:
    """A colour for each series name, most frequent first; the rest share "other"'s grey."""
    head = list(names[: len(PALETTE) - 1])
    out = {n: PALETTE[i] for i, n in enumerate(head)}
    out.update(dict.fromkeys(names[len(head) :], PALETTE[-1]))
    return out


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}"'
        f' height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def _day(value: str) -> date | None:
    return period_start(value) if CALENDAR.fullmatch(value) else None


def timeline_chart(entries: Sequence[Mapping[str, Any]], title: str) -> Markup | None:
    """Dated entries on a time axis: circles for mentions, diamonds for events (size grows with
    the number of sources), a red ring where sources disagree; each links to its table row."""
    points = [(i, _day(e["date"])) for i, e in enumerate(entries)]
    dated = [(i, d) for i, d in points if d is not None]
    if not dated:
        return None
    lo = min(d for _, d in dated)
    hi = max(d for _, d in dated)
    span = max((hi - lo).days, 1)
    stack: Counter[int] = Counter()
    body = []
    plot = WIDTH - 2 * PAD
    marks = []
    for i, d in dated:
        e = entries[i]
        x = PAD + round(plot * (d - lo).days / span)
        slot = x // 8
        level = stack[slot]
        stack[slot] += 1
        r = 3 + 2 * math.sqrt(len(e["sources"]))
        marks.append((i, x, level, r, e))
    top = max(level for _, _, level, _, _ in marks)
    height = 70 + 16 * (top + 1)
    base = height - 40
    body.append(f'<line x1="{PAD}" y1="{base}" x2="{WIDTH - PAD}" y2="{base}" stroke="#333"/>')
    for label, x in _ticks(lo, hi, plot):
        body.append(
            f'<line x1="{x}" y1="{base}" x2="{x}" y2="{base + 5}" stroke="#333"/>'
            f'<text x="{x}" y="{base + 18}" font-size="11" text-anchor="middle"'
            f' fill="#222">{escape(label)}</text>'
        )
    for i, x, level, r, e in marks:
        y = base - 14 - 16 * level
        stroke = ' stroke="#C00000" stroke-width="2.5"' if e.get("conflict") else ""
        fill = "#0072B2" if e["kind"] == "event" else "#E69F00"
        if e["kind"] == "event":
            shape = (
                f'<polygon points="{x},{y - r} {x + r},{y} {x},{y + r} {x - r},{y}"'
                f' fill="{fill}"{stroke}/>'
            )
        else:
            shape = f'<circle cx="{x}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}"{stroke}/>'
        tip = f"{e['date']}: {e['what']} ({len(e['sources'])} sources)"
        if e.get("conflict"):
            tip += f"; disagreement: {e['conflict']}"
        body.append(f'<a href="#entry-{i}"><title>{escape(tip)}</title>{shape}</a>')
    return _svg(WIDTH, height, title, body)


def _ticks(lo: date, hi: date, plot: int) -> list[tuple[str, int]]:
    """Axis labels: days for a short span, else the first of each month (at most ~10)."""
    span = max((hi - lo).days, 1)

    def x(d: date) -> int:
        return PAD + round(plot * (d - lo).days / span)

    if span <= 14:
        return [(d.isoformat()[5:], x(d)) for d in (lo + timedelta(n) for n in range(span + 1))]
    months = []
    d = date(lo.year, lo.month, 1)
    while d <= hi:
        if d >= lo:
            months.append(d)
        d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    step = max(1, math.ceil(len(months) / 10))
    return [(m.strftime("%Y-%m"), x(m)) for m in months[::step]] or [(lo.isoformat(), x(lo))]


def buckets(days: Sequence[str]) -> tuple[list[str], int]:
    """Every day from the first to the last (gaps shown as gaps), or every month when that is
    more than MAX_DAILY_BARS bars; and how many characters of an ISO date name a bucket."""
    if not days:
        return [], 10
    lo, hi = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    if (hi - lo).days < MAX_DAILY_BARS:
        return [(lo + timedelta(n)).isoformat() for n in range((hi - lo).days + 1)], 10
    months = sorted({d[:7] for d in days})
    first, last = months[0], months[-1]
    out = []
    y, m = int(first[:4]), int(first[5:])
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = y + m // 12, m % 12 + 1
    return out, 7


def stacked_bars(
    days: Sequence[str], series: Mapping[str, Mapping[str, int]], title: str
) -> tuple[Markup | None, list[tuple[str, str, int]]]:
    """Articles per day (or month), stacked by series (outlet, language); and the legend:
    (name, colour, articles) with the smaller series folded into "other"."""
    keys, width = buckets(days)
    if not keys:
        return None, []
    totals = Counter({name: sum(c.values()) for name, c in series.items()})
    order = [n for n, _ in totals.most_common()]
    colour = colours(order)
    legend_names = order[: len(PALETTE) - 1]
    legend = [(n, colour[n], totals[n]) for n in legend_names]
    rest = sum(totals[n] for n in order[len(legend_names) :])
    if rest:
        legend.append(("other", PALETTE[-1], rest))
    per_bucket: dict[str, Counter[str]] = {k: Counter() for k in keys}
    for name, counts in series.items():
        for day, n in counts.items():
            per_bucket[day[:width]][name] += n
    peak = max(sum(c.values()) for c in per_bucket.values()) or 1
    height, base = 180, 150
    plot = WIDTH - 2 * PAD
    bar = plot / len(keys)
    body = [
        f'<line x1="{PAD}" y1="{base}" x2="{WIDTH - PAD}" y2="{base}" stroke="#333"/>',
        f'<text x="{PAD - 6}" y="{base - 120 + 4}" font-size="11" text-anchor="end"'
        f' fill="#222">{peak}</text>',
        f'<text x="{PAD - 6}" y="{base + 4}" font-size="11" text-anchor="end" fill="#222">0</text>',
    ]
    for k, key in enumerate(keys):
        x = PAD + k * bar
        y = float(base)
        for name in order:
            n = per_bucket[key][name]
            if not n:
                continue
            h = 120 * n / peak
            y -= h
            body.append(
                f'<rect x="{x + 0.5:.1f}" y="{y:.1f}" width="{max(bar - 1, 1):.1f}"'
                f' height="{h:.1f}" fill="{colour[name]}"><title>{escape(key)}: {n} from'
                f" {escape(name)}</title></rect>"
            )
    step = max(1, math.ceil(len(keys) / 8))
    for k in range(0, len(keys), step):
        x = PAD + k * bar + bar / 2
        body.append(
            f'<text x="{x:.1f}" y="{base + 16}" font-size="11" text-anchor="middle"'
            f' fill="#222">{escape(keys[k])}</text>'
        )
    return _svg(WIDTH, height, title, body), legend


def meter(value: float, peak: float, *, width: int = 160) -> Markup:
    """A horizontal bar for a table cell; decorative (the number is in the cell beside it)."""
    w = 0 if peak <= 0 else round(width * min(value / peak, 1.0))
    return Markup(
        f'<svg class="meter" aria-hidden="true" width="{width}" height="12"'
        f' viewBox="0 0 {width} 12" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="{width}" height="12" fill="#E6E6E6"/>'
        f'<rect width="{w}" height="12" fill="#0072B2"/></svg>'
    )


def swatch(colour: str) -> Markup:
    """A legend's colour square."""
    return Markup(
        f'<svg aria-hidden="true" width="12" height="12" viewBox="0 0 12 12"'
        f' xmlns="http://www.w3.org/2000/svg"><rect width="12" height="12"'
        f' fill="{escape(colour)}"/></svg>'
    )
