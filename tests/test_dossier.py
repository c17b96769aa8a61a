"""The dossier: its sections from a stored story and a comparison, Markdown and HTML renderings
(every line cited, self-contained, escaped), the SVG charts, and `storyline brief`."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from dossier_helpers import QUOTE, comparison, ferry_story, link, lone_story

from storyline.cli import cli
from storyline.link.stories import ArticleRef, EventView, StoryView, list_stories
from storyline.report import svg
from storyline.report.brief_commands import write_atomic
from storyline.report.dossier import build_dossier, coverage, sources_table
from storyline.report.dossier_html import dossier_html
from storyline.report.dossier_md import dossier_markdown
from storyline.store.db import Store

CITE = re.compile(r"\[[^\]]+ · [0-9a-f]{8}(?::\d+–\d+)?\]")


def _ref(i: str, published: str | None, outlet: str, **kw: object) -> ArticleRef:
    fields: dict[str, object] = {"dup_group": None, "canonical": True, "how": "joined"}
    fields.update(kw)
    return ArticleRef(i * 16, f"title {i}", outlet, published, "en", **fields)  # type: ignore[arg-type]


def test_sources_table_names_the_copy_and_coverage_counts_days() -> None:
    refs = [
        _ref("a", "2026-05-05T09:00:00", "Wire", dup_group="D1"),
        _ref("b", "2026-05-05", "Paper", dup_group="D1", canonical=False, how="duplicate"),
        _ref("c", None, "Blog"),
    ]
    view = StoryView(
        "S1", "ferry", "2026-05-05", "2026-05-05", [EventView("E1", "S1", "", None, None, refs)]
    )
    rows = {r["article_id"][0]: r for r in sources_table(view)}
    assert rows["b"]["duplicate_of"] == "a" * 16
    assert rows["a"]["duplicate_of"] is None
    assert [r["article_id"][0] for r in sources_table(view)] == ["b", "a", "c"]  # undated last
    cells = {(c["day"], c["outlet"]): c["articles"] for c in coverage(view)}
    assert cells == {("2026-05-05", "Wire"): 1, ("2026-05-05", "Paper"): 1, (None, "Blog"): 1}


@pytest.fixture
def ferry(store: Store) -> tuple[StoryView, dict[str, object]]:
    first, second = ferry_story(store)
    (view,) = list_stories(store)
    assert set(view.article_ids) == {first, second}
    return view, build_dossier(store, view, comparison(store, first, second))


def test_dossier_ranks_claims_groups_quotes_and_cites_real_spans(
    store: Store, ferry: tuple[StoryView, dict[str, object]]
) -> None:
    _view, d = ferry
    assert [s["claim"] for s in d["summary"]] == ["C1", "C2"]  # most corroborated first
    claims = d["claims"]
    assert [c["id"] for c in claims["corroborated"]] == ["C1"]  # type: ignore[index]
    assert [c["id"] for c in claims["single_source"]] == ["C2"]  # type: ignore[index]
    (okonjo,) = d["who_said_what"]  # type: ignore[misc]
    assert okonjo["speaker"] == "Miriam Okonjo"
    (quote,) = okonjo["quotes"]  # one quote cluster, two outlets
    assert quote["text"] == QUOTE
    assert quote["outlets"] == ["Outlet a.txt", "Outlet b.txt"]
    for s in quote["sources"]:
        text = store.conn.execute("SELECT text FROM articles WHERE id = ?", (s["article_id"],))
        assert text.fetchone()[0][s["start"] : s["end"]] == QUOTE
    assert d["timeline"]["entries"]  # type: ignore[index]
    assert d["notes"] == []
    assert "abstractive_summary" not in d
    json.dumps(d, default=str)


def _section(md: str, title: str) -> list[str]:
    body = md.split(f"\n## {title}")[1].split("\n## ")[0]
    return [ln for ln in body.splitlines()[1:] if ln.startswith(("- ", "| ")) and "---" not in ln]


def test_every_markdown_line_cites_its_articles(ferry: tuple[StoryView, dict[str, object]]) -> None:
    md = dossier_markdown(ferry[1])
    for title in ("Summary", "Timeline", "Who said what", "Corroborated", "Single-source",
                  "Conflicts", "Framing", "Sources", "Coverage"):  # fmt: skip
        lines = _section(md, title)
        assert lines, title
        rows = lines[1:] if lines[0].startswith("| ") else lines  # a table's header row
        for line in rows:
            assert CITE.search(line), line
    (_, first, second) = _section(md, "Framing")
    assert "C2" in second
    assert "C2" not in first


def test_html_is_self_contained_escaped_and_draws_three_charts(
    ferry: tuple[StoryView, dict[str, object]],
) -> None:
    page = dossier_html(ferry[1])
    assert "<script" not in page
    assert "<link" not in page
    assert "src=" not in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "&lt;b&gt;early&lt;/b&gt;" in page
    assert "<b>early" not in page
    charts = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(charts) == 3  # coverage, timeline, corroboration
    for chart in charts:
        ET.fromstring(chart)  # well-formed
    assert len(CITE.findall(page)) >= 10


def test_one_article_story_says_there_is_nothing_to_compare(store: Store) -> None:
    lone_story(store)
    link(store)
    (view,) = list_stories(store)
    d = build_dossier(store, view, {"story": view.id, "claims": [], "conflicts": [], "framing": {}})
    assert "nothing to compare" in d["notes"][0]
    md = dossier_markdown(d)
    assert "nothing to compare" in md
    assert "Nothing to compare." in md
    assert "nothing to compare" in dossier_html(d)


def test_timeline_chart_orders_dates_and_rings_conflicts() -> None:
    entries = [
        {"date": "2026-03-09", "what": "strike called", "kind": "event", "conflict": ""},
        {"date": "2009", "what": "last stoppage", "kind": "mention", "conflict": ""},
        {"date": "2026-03-12", "what": "strike <starts>", "kind": "mention", "conflict": "03-13"},
        {"date": "PRESENT_REF", "what": "now", "kind": "mention", "conflict": ""},
    ]
    chart = svg.timeline_chart(entries)
    root = ET.fromstring(chart)
    xs = {t.text: float(t.get("transform", "").split("(")[1].split()[0]) for t in root.iter(
        "{http://www.w3.org/2000/svg}text") if t.get("transform")}  # fmt: skip
    assert xs["2009"] < xs["2026-03-09"] < xs["2026-03-12"]
    assert "PRESENT_REF" not in chart
    assert 'class="mark conflict"' in chart
    assert "&lt;starts&gt;" in chart
    assert svg.timeline_chart([]) == ""


def test_coverage_chart_goes_weekly_over_long_spans() -> None:
    cells = [
        {"day": "2026-01-01", "outlet": "A", "language": "en", "articles": 2},
        {"day": "2026-06-01", "outlet": "B", "language": "de", "articles": 1},
    ]
    chart = svg.coverage_chart(cells, svg.colors(["A", "B"]), svg.colors(["de", "en"]))
    assert "week of 2025-12-29" in chart  # the Monday before 1 January
    assert svg.coverage_chart([{**cells[0], "day": None}], {}, {}) == ""


def test_corroboration_bars_are_independent_within_all_sources() -> None:
    claims = [{"id": "C1", "text": "x", "independent": 1, "sources": [{}, {}, {}, {}]}]
    widths = [
        float(w)
        for w in re.findall(r'width="([\d.]+)" height="14"', svg.corroboration_chart(claims))
    ]
    assert widths == [220.0, 55.0]


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    out = tmp_path / "d.md"
    write_atomic(out, "first")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(out, "half \ud800 written")
    assert out.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["d.md"]


def test_brief_command_end_to_end(store: Store, tmp_path: Path) -> None:
    ferry_story(store)
    lone_story(store)
    link(store)
    db, runner = str(store.path), CliRunner()
    out = tmp_path / "out" / "dossier.html"
    result = runner.invoke(cli, ["--db", db, "brief", "largest", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    assert out.read_text().startswith("<!doctype html>")
    largest = max(list_stories(store), key=lambda s: len(s.article_ids))
    assert f"storyline dossier · {largest.id}" in out.read_text()
    lone = next(s for s in list_stories(store) if len(s.article_ids) == 1)
    js = runner.invoke(cli, ["--db", db, "brief", lone.id, "--format", "json"])
    assert js.exit_code == 0, js.output
    data = json.loads(js.output)
    assert data["articles"] == 1
    assert "nothing to compare" in data["notes"][0]
    missing = runner.invoke(cli, ["--db", db, "brief", "S99"])
    assert missing.exit_code != 0
    assert "storyline stories" in missing.output
