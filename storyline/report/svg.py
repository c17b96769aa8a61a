"""Small inline SVG charts for the HTML dossier: no library, no script, no network.

Three pictures where people would rather look than read: coverage over time (articles per day,
stacked by outlet, with a strip of languages under each bar), the timeline (numbered marks on a
date axis, keyed to the table beside it) and corroboration per claim (independent sources, and
all sources including copies). Every text is escaped; each mark has a <title> tooltip. The
charts size themselves with a viewBox, so they scale to the page and print.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from html import escape
from typing import Any

from storyline.compare.periods import CALENDAR, period_start

WIDTH = 720  # viewBox width; the page scales it
# Okabe–Ito, then Tableau's muted colours: distinguishable with the common colour blindnesses.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
    "#8C6D31", "#6B6ECF", "#B5CF6B", "#E7969C",
)  # fmt: skip
LABEL_PX = 72  # room a date label needs on the axis (10 characters at 11 px)
MAX_BAR = 48  # a bar's width when there are few days: wider bars look like a different chart
WEEKLY_AFTER_DAYS = 92  # a longer span is drawn per week: daily bars would be hairlines
MAX_CLAIM_BARS = 20  # the corroboration chart shows the most corroborated claims
MAX_STACK = 8  # timeline marks under one date; more are counted ("+5")
COLUMN = 22  # a timeline mark's diameter and spacing
GAP_PER_LOG_DAY = 6.0  # extra room between dates per log(1 + days apart)
CLAIM_CHARS = 70  # claim text beside a bar is cut here (the full text is in the list below)


def colors(names: Iterable[str]) -> dict[str, str]:
    """A colour for each name, in order, cycling through the palette."""
    return {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(dict.fromkeys(names))}


def legend(palette: Mapping[str, str]) -> str:
    """An HTML legend for a chart's colours."""
    items = "".join(
        f'<li><span class="swatch" style="background:{c}"></span>{escape(n)}</li>'
        for n, c in palette.items()
    )
    return f'<ul class="legend">{items}</ul>'


def _svg(height: float, label: str, body: list[str], width: float = WIDTH) -> str:
    return (
        f'<svg viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(label)}"'
        f' xmlns="http://www.w3.org/2000/svg">{"".join(body)}</svg>'
    )


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"


def _bins(days: list[date]) -> tuple[list[date], int]:
    """Consecutive bins (days, or weeks from a Monday) covering these days, and their length."""
    first, last = min(days), max(days)
    step = 7 if (last - first).days > WEEKLY_AFTER_DAYS else 1
    if step == 7:
        first -= timedelta(days=first.weekday())
    n = (last - first).days // step + 1
    return [first + timedelta(days=i * step) for i in range(n)], step


def coverage_chart(
    cells: Sequence[Mapping[str, Any]],
    outlet_colors: Mapping[str, str],
    lang_colors: Mapping[str, str],
) -> str:
    """Articles per day (or week) stacked by outlet, a language strip under each bar."""
    dated = [c for c in cells if c["day"]]
    if not dated:
        return ""
    bins, step = _bins([date.fromisoformat(c["day"]) for c in dated])
    stacks: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    langs: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in dated:
        i = (date.fromisoformat(c["day"]) - bins[0]).days // step
        stacks[i][c["outlet"]] += c["articles"]
        langs[i][c["language"]] += c["articles"]
    top = max(sum(s.values()) for s in stacks.values())
    left, plot_h, base = 36, 150, 170
    bw = min((WIDTH - left - 40) / len(bins), MAX_BAR)  # room on the right for the last label
    body = [
        f'<line x1="{left}" y1="{base}" x2="{left + bw * len(bins):.1f}" y2="{base}"'
        ' class="axis"/>',
        f'<text x="{left - 6}" y="{base - plot_h + 4}" class="tick" text-anchor="end">{top}</text>',
        f'<text x="{left - 6}" y="{base + 4}" class="tick" text-anchor="end">0</text>',
        f'<text x="{left - 6}" y="{base + 17}" class="tick" text-anchor="end">lang</text>',
    ]
    unit = "week of " if step == 7 else ""
    for i, day in enumerate(bins):
        x, y = left + i * bw, float(base)
        for outlet, n in sorted(stacks[i].items()):
            h = plot_h * n / top
            y -= h
            body.append(
                f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{max(bw - 2, 1):.1f}" height="{h:.1f}"'
                f' fill="{outlet_colors[outlet]}"><title>{unit}{day}: {escape(outlet)},'
                f" {n} article{'s' * (n != 1)}</title></rect>"
            )
        total, lx = sum(langs[i].values()), x + 1
        for lang, n in sorted(langs[i].items()):
            w = max(bw - 2, 1) * n / total
            body.append(
                f'<rect x="{lx:.1f}" y="{base + 8}" width="{w:.1f}" height="10"'
                f' fill="{lang_colors[lang]}"><title>{unit}{day}: {escape(lang)} {n}</title></rect>'
            )
            lx += w
    every = math.ceil(LABEL_PX / bw)  # a date label every so many bars, so labels never overlap
    for i in range(0, len(bins), every):
        body.append(
            f'<text x="{left + (i + 0.5) * bw:.1f}" y="{base + 34}" class="tick"'
            f' text-anchor="middle">{bins[i].isoformat()}</text>'
        )
    return _svg(base + 42, "articles per day by outlet and language", body)


def _columns(values: list[str]) -> list[float]:
    """x offsets of date columns in order: a mark's width apart, plus a gap that grows with the
    log of the days between them (a story of one week with a 2009 back-reference stays legible)."""
    xs = [0.0]
    for a, b in itertools.pairwise(values):
        days = (period_start(b) - period_start(a)).days
        xs.append(xs[-1] + COLUMN + GAP_PER_LOG_DAY * math.log1p(max(days, 0)))
    return xs


def timeline_chart(entries: Sequence[Mapping[str, Any]]) -> str:
    """The timeline entries as numbered marks (their rows in the table) under their dates, in
    order with shortened gaps; event dates filled, conflicting dates ringed in red."""
    by_date: dict[str, list[tuple[int, Mapping[str, Any]]]] = defaultdict(list)
    for i, e in enumerate(entries, 1):
        if CALENDAR.fullmatch(e["date"]):
            by_date[e["date"]].append((i, e))
    if not by_date:
        return ""
    values = sorted(by_date, key=lambda v: (period_start(v), len(v)))
    xs = _columns(values)
    margin, right, axis = 24, 72, 84  # the last date's label leans right
    room = WIDTH - margin - right
    width = max(WIDTH, xs[-1] + margin + right)  # more columns than fit: the chart is smaller
    scale = room / xs[-1] if 0 < xs[-1] < room else 1.0
    body = [f'<line x1="{margin}" y1="{axis}" x2="{width - right}" y2="{axis}" class="axis"/>']
    deepest = 0
    for value, x0 in zip(values, xs, strict=True):
        x = margin + x0 * scale if xs[-1] else width / 2
        marks = by_date[value]
        body.append(
            f'<text transform="translate({x:.1f} {axis - 8}) rotate(-40)" class="tick">'
            f"{escape(value)}</text>"
        )
        shown = marks[:MAX_STACK]
        y = axis + 26 + COLUMN * (len(shown) - 1)
        body.append(f'<line x1="{x:.1f}" y1="{axis}" x2="{x:.1f}" y2="{y}" class="stem"/>')
        for k, (i, e) in enumerate(shown):
            y = axis + 26 + COLUMN * k
            cls = "mark event" if e["kind"] == "event" else "mark"
            cls += " conflict" if e["conflict"] else ""
            body.append(
                f'<g class="{cls}"><circle cx="{x:.1f}" cy="{y}" r="9"/><text x="{x:.1f}"'
                f' y="{y + 4}" text-anchor="middle">{i}</text><title>{escape(value)}:'
                f" {escape(e['what'])}</title></g>"
            )
        if len(marks) > MAX_STACK:
            body.append(
                f'<text x="{x:.1f}" y="{y + 26}" class="tick" text-anchor="middle">'
                f"+{len(marks) - MAX_STACK}</text>"
            )
        deepest = max(deepest, len(shown) + (len(marks) > MAX_STACK))
    return _svg(axis + 16 + COLUMN * deepest, "timeline of the story", body, width)


def corroboration_chart(claims: Sequence[Mapping[str, Any]]) -> str:
    """A bar per claim: independent sources (dark) within all sources (light, copies included)."""
    shown = claims[:MAX_CLAIM_BARS]
    if not shown:
        return ""
    most = max(len(c["sources"]) for c in shown)
    left, bar_w, row = 44, 220, 22
    body = []
    for k, c in enumerate(shown):
        y, n, total = 6 + k * row, c["independent"], len(c["sources"])
        all_w, ind_w = bar_w * total / most, bar_w * n / most
        body.append(
            f'<g><text x="{left - 6}" y="{y + 13}" class="tick" text-anchor="end">'
            f"{escape(c['id'])}</text>"
            f'<rect x="{left}" y="{y + 2}" width="{all_w:.1f}" height="14" class="all"/>'
            f'<rect x="{left}" y="{y + 2}" width="{ind_w:.1f}" height="14" class="independent"/>'
            f'<text x="{left + bar_w + 8}" y="{y + 13}" class="claim">{n} of {total} ·'
            f" {escape(_cut(c['text'], CLAIM_CHARS))}</text><title>{escape(c['text'])}</title></g>"
        )
    return _svg(12 + len(shown) * row, "independent sources per claim", body)
