"""Render one article for the terminal: text, removed lines with reasons, date claims."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from storyline.model import Article


def render_article(article: Article, console: Console, *, with_raw: bool = False) -> None:
    """Print an article so a user can audit every cleaning and dating decision."""
    head = Table.grid(padding=(0, 2))
    for name, value in (
        ("id", article.id),
        ("source", article.source),
        ("title", article.title),
        ("outlet", article.outlet),
        ("author", article.author),
        ("language", article.language),
        (
            "published",
            f"{article.published or '—'} (confidence {article.published_confidence:.2f})",
        ),
        ("url", article.url or article.canonical_url),
    ):
        head.add_row(f"[bold]{name}[/bold]", str(value) if value else "—")
    console.print(head)
    console.print(Panel(article.text or "(no text)", title="clean text", expand=True))

    claims = Table(title="date claims", show_lines=False)
    for col in ("value", "source", "verdict", "evidence", "reason"):
        claims.add_column(col, overflow="fold")
    for c in article.date_claims:
        style = {"implausible": "red", "chosen": "green", "conflicting": "yellow"}.get(
            c.verdict, ""
        )
        claims.add_row(
            c.value,
            c.source,
            f"[{style}]{c.verdict}[/{style}]" if style else c.verdict,
            c.evidence,
            c.reason,
        )
    console.print(claims)

    removed = Table(title=f"removed lines ({len(article.removed)})")
    for col in ("line", "reason", "text"):
        removed.add_column(col, overflow="fold")
    for ln in article.removed:
        removed.add_row(f"{ln.origin}:{ln.no}", ln.reason, ln.text.strip())
    console.print(removed)
    if article.foreign_lines:
        console.print(
            "foreign-language lines: "
            + "; ".join(f"{text!r} ({lang})" for text, lang in article.foreign_lines),
            highlight=False,
        )
    prov = ", ".join(f"{p.field} ← {p.rule}" for p in article.provenance)
    console.print(f"[dim]provenance: {prov}[/dim]", highlight=False)
    if with_raw:
        console.print(Panel(article.raw, title="raw input (verbatim)"))
