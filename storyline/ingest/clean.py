"""The ingest stage: one `RawInput` to one clean, dated `Article`. A pure function of its input.

Text dumps go straight to the line classifier; HTML goes through trafilatura first and then
the same classifier (trafilatura leaves captions, bylines and ad slots behind). Title, outlet,
author and language come from structured fields when the input has them, else from the text;
each records the rule that produced it. The raw input is kept verbatim on the article.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import replace
from datetime import date

from storyline.ingest import dates, language
from storyline.ingest.dates import copyright_years
from storyline.ingest.html import RULE as HTML_RULE
from storyline.ingest.html import Page, extract_page
from storyline.ingest.lines import LineDecision, classify_lines, is_id_code, normalise
from storyline.ingest.outlet import outlet_from_head_title, outlet_from_text, outlet_from_url
from storyline.ingest.plausibility import gather_evidence
from storyline.ingest.readers import content_id
from storyline.model import Article, Line, Provenance, RawInput

STAGE = "ingest.clean.v1"
KEPT = ("body", "heading")
# Removed lines whose language says nothing (names, dates, codes, menus) are not language-checked.
LANGUAGE_NEUTRAL = frozenset(
    {
        "timestamp",
        "id-code",
        "url-line",
        "navigation",
        "byline",
        "site-name",
        "language-switcher",
        "outside-main-text",
    }
)


def clean_article(
    raw: RawInput,
    *,
    now: date,
    outlet_lines: Mapping[str, AbstractSet[str]] | None = None,
    date_context: date | None = None,
    extensive_dates: bool = True,
    page: Page | None = None,
) -> Article:
    """Clean and date one article.

    `now` is the reference date for plausibility (ingest time); `outlet_lines` maps an outlet to
    lines seen in many of its articles (boilerplate by repetition); `date_context` is a date
    typical of the corpus, used to complete year-less dates. `page` is the input's
    `read_page` when it is already at hand (cleaning the article again), else it is read here.
    """
    page = page if page is not None else read_page(raw, extensive_dates=extensive_dates)
    lines = [t for t, _ in page.lines] if page else raw.body.splitlines()
    title_hint = raw.field("title") or (page.title if page else None)
    outside = _outside_main_text(lines, page) if page else ()
    decision = _decide_lines(lines, title_hint, page, outside, frozenset())
    urls = tuple(u for u in (raw.field("url"), page.url if page else None, *decision.urls) if u)
    prov: list[Provenance] = []
    given = raw.fields_from  # "json" or "feed": the rule prefix of the given fields
    outlet = _first(
        prov,
        "outlet",
        (raw.field("outlet"), f"{given}:outlet", ""),
        (page.sitename if page else None, "html:site-name", ""),
        # the fallbacks are looked for only when the sources before them have nothing
        lambda: (
            outlet_from_head_title(page.head_title, page.title) if page else None,
            "outlet.head-title",
            page.head_title or "" if page else "",
        ),
        (decision.site_name, "outlet.site-name-line", ""),
        lambda: outlet_from_text(
            [ln.clean for ln in decision.lines if ln.clean],
            [ln.text for ln in decision.lines if ln.kind == "removed"],
            decision.id_codes,
        ),
        lambda: (outlet_from_url(urls[0] if urls else None), "outlet.url-host", ""),
    )
    repeated = (outlet_lines or {}).get(outlet or "", frozenset())
    if any(normalise(ln.text) in repeated for ln in decision.lines if ln.kind in KEPT):
        trimmed = _decide_lines(lines, title_hint, page, outside, repeated)
        # Lines an outlet prints in many articles are its boilerplate, unless they are all the
        # story there is: then the article reprints earlier copy (dedup's to mark), and an
        # empty text would lose it.
        if any(ln.kind == "body" for ln in trimmed.lines):
            decision = trimmed

    kept = [ln for ln in decision.lines if ln.kind in ("heading", "body")]
    text = "\n".join(ln.clean for ln in kept)
    title = decision.title
    title_rule = (
        f"{given}:title"
        if raw.field("title")
        else (f"{HTML_RULE}:title" if page and page.title else "clean.lines.v1:headline")
    )
    prov.append(Provenance(field="title", rule=title_rule))
    author = _first(
        prov,
        "author",
        (raw.field("author"), f"{given}:author", ""),
        (page.author if page else None, "html:author", ""),
        (decision.author, "clean.lines.v1:byline", ""),
    )
    lang_field = raw.field("language")
    lang = (
        lang_field.lower()[:2] if lang_field else language.detect_article(f"{title or ''}\n{text}")
    )
    prov.append(
        Provenance(
            field="language", rule=f"{given}:language" if lang_field else "language.detect.v1"
        )
    )

    html_date = page.date if page else None
    published = dates.decide(
        dates.gather_claims(
            field_value=raw.field("published"),
            field_source=f"{given}:published",
            html_date=html_date,
            # read only when they matter (a whole page is long to search)
            copyright_years=(
                copyright_years(raw.body) if dates.is_new_year(html_date) else frozenset()
            ),
            html_fragment=page.fragment if page else False,
            urls=urls,
            id_codes=(*decision.id_codes, *_record_id(raw)),
            timestamp_lines=decision.timestamp_lines,
            timestamp_source="html:timestamp-line" if page else "timestamp-line",
        ),
        gather_evidence(f"{title or ''}\n{text}", now),
        date_context,
    )
    prov.append(_published_provenance(published))
    return Article(
        id=content_id(raw.raw),
        source=raw.source,
        format=raw.format,
        raw=raw.raw,
        container=raw.container,
        url=raw.field("url"),
        canonical_url=page.url if page and page.url != raw.field("url") else None,
        title=title,
        outlet=outlet,
        author=author,
        language=lang,
        text=text,
        headings=tuple(ln.clean for ln in kept if ln.kind == "heading"),
        lines=decision.lines,
        foreign_lines=language.foreign_lines(
            [ln.text for ln in decision.lines if ln.kind != "blank"],
            lang,
            removed=[
                ln.text
                for ln in decision.lines
                if ln.kind == "removed" and ln.reason not in LANGUAGE_NEUTRAL
            ],
        ),
        date_claims=published.claims,
        published=published.value,
        published_confidence=published.confidence,
        provenance=tuple(prov),
        extra_json=raw.extra_json,
    )


def read_page(raw: RawInput, *, extensive_dates: bool = True) -> Page | None:
    """What trafilatura and htmldate find in an HTML input (None for other formats): the
    costly part of cleaning, which does not depend on what other articles say."""
    if raw.format != "html":
        return None
    return extract_page(raw.body, url=raw.field("url"), extensive_dates=extensive_dates)


def redate(article: Article, *, now: date, date_context: date | None) -> Article:
    """The article with its publication date decided again from its own claims, e.g. with a
    corpus context for a year-less date: the same decision `clean_article` makes, without
    cleaning the text again."""
    raw_claims = [(dates.reparse(c), c.source, c.evidence) for c in article.date_claims]
    published = dates.decide(
        [(p, s, e) for p, s, e in raw_claims if p is not None],
        gather_evidence(f"{article.title or ''}\n{article.text}", now),
        date_context,
    )
    prov = tuple(p for p in article.provenance if p.field != "published")
    return replace(
        article,
        date_claims=published.claims,
        published=published.value,
        published_confidence=published.confidence,
        provenance=(*prov, _published_provenance(published)),
    )


def _published_provenance(published: dates.Published) -> Provenance:
    chosen = next((c for c in published.claims if c.verdict == "chosen"), None)
    return Provenance(
        field="published",
        rule=f"{dates.RULE}:{chosen.source}" if chosen else dates.RULE,
        evidence=chosen.evidence if chosen else "no plausible claim",
    )


_Option = tuple[str | None, str, str]  # (value, rule, evidence)


def _first(
    prov: list[Provenance], name: str, *options: _Option | Callable[[], _Option]
) -> str | None:
    """The first option with a value (an option may be a function, called only when no
    option before it has one); records its rule as the field's provenance."""
    for option in options:
        value, rule, evidence = option() if callable(option) else option
        if value:
            prov.append(Provenance(field=name, rule=rule, evidence=evidence))
            return value
    return None


def _record_id(raw: RawInput) -> tuple[str, ...]:
    """A record's id when it looks like a wire id with a date in it ("VNW-20260326-0388")."""
    ident = raw.field("id")
    return (ident,) if ident and is_id_code(ident) else ()


def _decide_lines(
    lines: list[str],
    title_hint: str | None,
    page: Page | None,
    outside: tuple[Line, ...],
    repeated: AbstractSet[str],
) -> LineDecision:
    """Classify the lines; for a page, add its visible lines outside the main text."""
    decision = classify_lines(lines, title_hint=title_hint, outlet_lines=repeated)
    return _with_page(decision, page, outside) if page is not None else decision


def _outside_main_text(lines: list[str], page: Page) -> tuple[Line, ...]:
    """The page's visible lines that are not part of its main-text `lines`, as removed lines
    numbered after them."""
    keys = [normalise(t) for t in lines]
    main, known = " ".join(keys), frozenset(keys)
    # a page line that is a main-text line as it stands needs no search through the text
    outside = [t for t in page.page_lines if (k := normalise(t)) not in known and k not in main]
    return tuple(
        Line(
            no=len(lines) + i,
            text=t,
            kind="removed",
            reason="outside-main-text",
            rule=HTML_RULE,
            origin="page",
        )
        for i, t in enumerate(outside)
    )


def _with_page(decision: LineDecision, page: Page, outside: tuple[Line, ...]) -> LineDecision:
    """Mark trafilatura's headings, and add the page's other visible lines as removed."""
    heads = {normalise(t) for t, is_head in page.lines if is_head}
    lines = [
        Line(no=ln.no, text=ln.text, kind="heading", clean=ln.clean, reason=ln.reason, rule=ln.rule)
        if ln.kind == "body" and normalise(ln.text) in heads
        else ln
        for ln in decision.lines
    ]
    return replace(decision, lines=(*lines, *outside))


def to_json(article: Article) -> str:
    """Stable JSON of an article (for golden files and debugging)."""
    from dataclasses import asdict

    return json.dumps(asdict(article), ensure_ascii=False, sort_keys=True, indent=2)
