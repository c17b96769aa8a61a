"""The JSON API under /api: the data of every page, described by the OpenAPI schema at
/api/openapi.json. Lists have typed models; a story, an article (the export record, plus
the entity ids its quotes and entities link to) and an entity are open objects, documented in
the README's export table and `storyline.web.data`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel

from storyline.web.data import Site
from storyline.web.pages import ARTICLE_ID, MAX_QUERY, MAX_RESULTS, STORY_ID

router = APIRouter(prefix="/api", tags=["api"])


class Health(BaseModel):
    """The server answers."""

    status: Literal["ok"]


class StorySummary(BaseModel):
    """One story as listed on the home page."""

    id: str
    label: str
    first: str | None
    last: str | None
    articles: int
    events: int
    outlets: dict[str, int]
    languages: dict[str, int]


class SearchHit(BaseModel):
    """A full-text match: the snippet as (text, highlighted) parts."""

    id: str
    title: str | None
    outlet: str | None
    published: str | None
    story: str | None
    snippet: list[tuple[str, bool]]


class EntitySummary(BaseModel):
    """A canonical entity with its variants and how many articles mention it."""

    id: int
    name: str
    label: str
    variants: list[str]
    articles: int


def _site(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


@router.get("/health")
def health() -> Health:
    """Always `{"status": "ok"}`: a liveness check (and the benchmark's baseline)."""
    return Health(status="ok")


@router.get("/stories")
def stories(request: Request, sort: Literal["recent", "size"] = "recent") -> list[StorySummary]:
    """Every story, most recent (latest article) or largest first."""
    return [StorySummary(**row) for row in _site(request).home(sort)]


@router.get("/stories/{story_id}")
def story(request: Request, story_id: Annotated[str, Path(pattern=STORY_ID)]) -> dict[str, Any]:
    """One story: events with their articles and dates, timeline, coverage per day, quotes by
    speaker; `comparison` (claims, conflicts, framing) once `comparison_status` is "ready"
    ("pending" while it is computed, "failed", or "absent" without the comparison stage)."""
    site = _site(request)
    status, comparison = site.comparison(story_id)
    return {**site.story(story_id), "comparison": comparison, "comparison_status": status}


@router.get("/articles/{article_id}")
def article(
    request: Request, article_id: Annotated[str, Path(pattern=ARTICLE_ID)]
) -> dict[str, Any]:
    """One article's export record (id prefixes of 4+ characters are accepted)."""
    record: dict[str, Any] = _site(request).article(article_id)["record"]
    return record


@router.get("/entities")
def entities(request: Request) -> list[EntitySummary]:
    """Every canonical entity, the most widely reported first."""
    return [
        EntitySummary(
            id=e.id, name=e.name, label=e.label, variants=list(e.variants), articles=e.articles
        )
        for e in _site(request).entities()
    ]


@router.get("/entities/{entity_id}")
def entity(request: Request, entity_id: Annotated[int, Path(ge=1, le=2**31)]) -> dict[str, Any]:
    """One entity: variants, quotes it said (as clusters), articles and stories."""
    return _site(request).entity(entity_id)


@router.get("/search")
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY)],
    limit: Annotated[int, Query(ge=1, le=MAX_RESULTS)] = 20,
) -> list[SearchHit]:
    """SQLite FTS5 over titles and clean text (`"a phrase"`, `word*`, `a OR b`)."""
    return [SearchHit(**hit) for hit in _site(request).search(q, limit)]
