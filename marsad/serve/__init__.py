"""`marsad serve`: a bilingual web dashboard and HTTP API over the event store."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(db: str, token: str | None = None) -> FastAPI:
    """The web app over the store at `db` (read-only unless `token` is given)."""
    from marsad.serve.app import create_app as _create

    return _create(db, token)


def run(db: str, host: str = "127.0.0.1", port: int = 8000, token: str | None = None) -> None:
    """Serve the app with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(db, token), host=host, port=port, log_level="info", proxy_headers=False)
