"""The web application: HTML pages and a JSON API over one store, read-only.

`create_app(db)` builds it; `storyline serve` runs it with uvicorn on 127.0.0.1. Safety does
not rest on the templates alone: every response carries a Content-Security-Policy that allows
no script at all and nothing from another origin, the Host header must name this machine (so
a web page elsewhere cannot reach the server through DNS rebinding), the database connections
that serve pages are query-only (only the comparison stage's worker stores its own result), and
every parameter has a bound (length, pattern, range).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storyline.web import api, pages
from storyline.web.data import BadQuery, NotFound, Site

STATIC = Path(__file__).parent / "static"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
        b" base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response (plain ASGI: no per-request task overhead)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(db: str | Path, *, hosts: Iterable[str] = ()) -> FastAPI:
    """The app over the store at `db`; `hosts` are Host names accepted besides loopback's."""
    site = Site(db)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        site.close()

    app = FastAPI(
        lifespan=lifespan,
        title="storyline",
        summary="Stories, articles, entities and quotes of a storyline store, read-only.",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url=None,  # the interactive docs load their scripts from a CDN
        redoc_url=None,
    )
    app.state.site = site
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, err: NotFound) -> Any:
        return _error(request, 404, str(err))

    @app.exception_handler(BadQuery)
    async def bad_query(request: Request, err: BadQuery) -> Any:
        return _error(request, 400, str(err))

    app.add_middleware(TrustedHostMiddleware, allowed_hosts=[*LOCAL_HOSTS, *hosts])
    app.add_middleware(SecurityHeaders)
    return app


def _error(request: Request, status: int, message: str) -> HTMLResponse | JSONResponse:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=status)
    return pages.error_page(status, message)
