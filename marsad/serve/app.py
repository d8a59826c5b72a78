"""The FastAPI application: wiring, limits, security headers and problem responses.

Routes live in `api.py` (JSON) and `pages.py` (HTML); both read the store only
through `marsad.store.db` and `marsad.store.queries`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marsad import __version__
from marsad.store import queries
from marsad.store.db import Store

try:  # serialises a page of 50 events several times faster than the json module
    import orjson
except ImportError:  # pragma: no cover - optional: FastJSON falls back to the json module
    orjson = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
HERE = Path(__file__).parent

# 2 MB per request: a batch of a few hundred news articles; anything larger is a dump.
MAX_BODY = 2 * 1024 * 1024
# Aggregates (network, stats, totals) over a large store cost tens to hundreds of ms and
# analysts reload them far more often than data lands, so they are cached until the store
# changes; on a database server, whose changes the app cannot see cheaply, for this long.
CACHE_SECONDS = 30.0

# Threads answering sync routes. SQLite reads are short; on a small machine more
# threads only fight over the GIL and outgrow the store's pool of 5 connections
# (connections past the pool are opened and closed per request).
WORKER_THREADS = 5

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class Problem(Exception):
    """An error the client caused or should know about, sent as application/problem+json."""

    def __init__(self, status: int, title: str, detail: str = "", **extra: Any) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.extra = status, title, detail, extra


class FastJSON(JSONResponse):
    """JSON through orjson when installed (UTF-8, compact, like Starlette's), else the json module."""

    def render(self, content: Any) -> bytes:
        if orjson is None:
            return super().render(content)
        return orjson.dumps(content)


def problem_response(status: int, title: str, detail: str = "", **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return FastJSON(body, status_code=status, media_type="application/problem+json")


class AggregateCache:
    """A thread-safe cache for aggregate queries (counts, network, stats, profiles), per worker process.

    Entries are tagged with the store's data version (`queries.data_version`) and dropped
    as soon as it moves, so an ingest by this process, another worker or `marsad ingest`
    shows at once, and an unchanged store never recomputes them. Where the store cannot
    tell its version (a database server), entries live `fallback_seconds`.
    """

    def __init__(self, version: Callable[[], Any], fallback_seconds: float, size: int = 1024) -> None:
        self.version, self.fallback_seconds, self.size = version, fallback_seconds, size
        self._data: dict[Any, tuple[Any, float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        now, version = time.monotonic(), self.version()
        with self._lock:
            hit = self._data.get(key)
        if hit and hit[0] == version and (version is not None or now - hit[1] < self.fallback_seconds):
            return hit[2]
        value = compute()  # tagged with the version read before computing: a commit meanwhile refreshes it
        with self._lock:
            if len(self._data) >= self.size:
                self._data.clear()
            self._data[key] = (version, now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class LimitsMiddleware:
    """Refuse bodies over `MAX_BODY` (declared or streamed) and add security headers."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await _too_large(self.max_body)(scope, receive, send)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_body:
                    raise Problem(413, "Request too large", f"the body exceeds {self.max_body} bytes")
            return msg

        async def secure_send(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                ]
                msg["headers"] = list(msg.get("headers", [])) + extra
            await send(msg)

        await self.app(scope, limited_receive, secure_send)


def _too_large(limit: int) -> JSONResponse:
    return problem_response(413, "Request too large", f"the body exceeds {limit} bytes")


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")


def _error(request: Request, status: int, title: str, detail: str, **extra: Any) -> Any:
    if _wants_html(request):
        from marsad.serve.pages import error_page

        return error_page(request, status, title, detail)
    return problem_response(status, title, detail, **extra)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Any:
        return _error(request, exc.status, exc.title, exc.detail, **exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Any:
        title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "HTTP error")
        return _error(request, exc.status_code, title, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Any:
        errors = [
            {"param": ".".join(str(p) for p in e.get("loc", ())[1:]) or "body", "problem": e.get("msg", "")}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['param']}: {e['problem']}" for e in errors)
        return _error(request, 422, "Invalid request", detail, errors=errors)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Any:
        log.exception("unhandled error on %s", request.url.path)
        return _error(request, 500, "Internal error", "the server could not answer this request; see its log")


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    yield


def create_app(db: str, token: str | None = None) -> FastAPI:
    """The marsad web app over the store at `db`; POST /api/documents only when `token` is set."""
    from marsad.serve import api, pages

    app = FastAPI(
        title="marsad",
        version=__version__,
        description="Security-cooperation events extracted from Arabic news. "
        "Every HTML page has a JSON twin under /api.",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=_lifespan,
        default_response_class=FastJSON,
    )
    store = Store(db, create=False)
    queries.tune_for_reading(store, read_only=not token)
    app.state.store = store
    app.state.token = token or None
    app.state.cache = AggregateCache(lambda: queries.data_version(store), CACHE_SECONDS)
    app.add_middleware(LimitsMiddleware)
    _install_handlers(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    return app


def store_of(request: Request) -> Store:
    return request.app.state.store


def html(content: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(content, status_code=status)
