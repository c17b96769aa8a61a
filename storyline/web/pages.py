"""The HTML pages: home (stories, search), story, article, entity, entities.

Server-rendered with Jinja2 (autoescaping on: article text is data, never markup) and readable
without JavaScript. A rendered page is kept with the data it shows (`Site.cached`) until the
store changes, so a story of hundreds of articles is rendered once, not once per visitor.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined

from storyline.web import svg
from storyline.web.data import Site

router = APIRouter(include_in_schema=False)
MAX_QUERY = 200  # characters of a search query (FTS5 cost grows with its terms)
MAX_RESULTS = 50
STORY_ID = r"^S\d{1,9}$"
ARTICLE_ID = r"^[0-9a-f]{4,16}$"
HTML = "text/html; charset=utf-8"

env = Environment(
    loader=PackageLoader("storyline.web", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
env.globals.update(
    timeline_chart=svg.timeline_chart,
    stacked_bars=svg.stacked_bars,
    meter=svg.meter,
    swatch=svg.swatch,
)


def _site(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


@dataclass(frozen=True, slots=True)
class Rendered:
    """A page as sent: its UTF-8 bytes and the same gzipped, both made once per store version
    (a story page of 200 articles is some 400 kB of HTML, a tenth of that gzipped)."""

    plain: bytes
    gzipped: bytes

    @classmethod
    def of(cls, html: str) -> Rendered:
        body = html.encode("utf-8")
        return cls(body, gzip.compress(body, compresslevel=6, mtime=0))


def _page(request: Request, site: Site, key: Any, template: str, **context: Any) -> Response:
    page = site.cached(
        ("html", key), lambda: Rendered.of(env.get_template(template).render(**context))
    )
    headers = {"Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(page.gzipped, media_type=HTML, headers=headers)
    return Response(page.plain, media_type=HTML, headers=headers)


def error_page(status: int, message: str) -> HTMLResponse:
    """An error as a page of its own (the message is escaped like everything else)."""
    html = env.get_template("error.html").render(status=status, message=message)
    return HTMLResponse(html, status_code=status)


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    q: Annotated[str | None, Query(max_length=MAX_QUERY)] = None,
    sort: Literal["recent", "size"] = "recent",
) -> Response:
    """Stories by recency or size; with `q`, search results first."""
    site = _site(request)
    query = (q or "").strip()
    return _page(
        request,
        site,
        ("home", sort, query),
        "home.html",
        stories=site.home(sort),
        sort=sort,
        query=query,
        results=site.search(query, MAX_RESULTS) if query else None,
    )


@router.get("/story/{story_id}", response_class=HTMLResponse)
def story(request: Request, story_id: Annotated[str, Path(pattern=STORY_ID)]) -> Response:
    """One story: events, timeline, coverage, sources side by side, quotes, comparison."""
    site = _site(request)
    data = site.story(story_id)
    status, comparison = site.comparison(story_id)
    return _page(
        request,
        site,
        ("story", story_id, status),
        "story.html",
        s=data,
        comparison=comparison,
        comparison_status=status,
    )


@router.get("/article/{article_id}", response_class=HTMLResponse)
def article(request: Request, article_id: Annotated[str, Path(pattern=ARTICLE_ID)]) -> Response:
    """One article: highlighted text, quotes, entities, time expressions, date claims and
    the removed boilerplate."""
    site = _site(request)
    data = site.article(article_id)
    return _page(request, site, ("article", data["record"]["id"]), "article.html", a=data)


@router.get("/entities", response_class=HTMLResponse)
def entities(request: Request) -> Response:
    """Every canonical person, organisation and place."""
    site = _site(request)
    return _page(request, site, "entities", "entities.html", entities=site.entities())


@router.get("/entity/{entity_id}", response_class=HTMLResponse)
def entity(request: Request, entity_id: Annotated[int, Path(ge=1, le=2**31)]) -> Response:
    """One entity: variants, quotes, stories, articles."""
    site = _site(request)
    data = site.entity(entity_id)
    return _page(request, site, ("entity", entity_id), "entity.html", e=data)
