"""`marsad serve`: a bilingual web dashboard and HTTP API over the event store."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

# Worker processes are spawned, not forked with the app in hand: `run` hands them the
# store and the token through these variables and each builds its own app (its own
# connection pool and cache) with `app_from_env`.
ENV_DB = "MARSAD_SERVE_DB"
ENV_TOKEN = "MARSAD_SERVE_TOKEN"


def create_app(db: str, token: str | None = None) -> FastAPI:
    """The web app over the store at `db` (read-only unless `token` is given)."""
    from marsad.serve.app import create_app as _create

    return _create(db, token)


def app_from_env() -> FastAPI:
    """The app of one uvicorn worker process, configured by `run` through the environment."""
    return create_app(os.environ[ENV_DB], os.environ.get(ENV_TOKEN) or None)


def run(
    db: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    workers: int = 1,
    log_level: str = "info",
) -> None:
    """Serve the app with uvicorn until interrupted; `workers` > 1 answers in that many processes.

    One Python process uses one core at a time (the GIL), so on a machine with more
    cores parallel workers are what lets throughput grow; they share the listening socket.
    """
    import uvicorn

    if workers <= 1:
        uvicorn.run(create_app(db, token), host=host, port=port, log_level=log_level, proxy_headers=False)
        return
    # Fail here, once, on a bad store, and migrate it before the workers open it.
    create_app(db, token).state.store.engine.dispose()
    os.environ[ENV_DB] = os.path.abspath(db) if "://" not in db else db
    if token:
        os.environ[ENV_TOKEN] = token
    else:
        os.environ.pop(ENV_TOKEN, None)
    uvicorn.run(
        "marsad.serve:app_from_env", factory=True, workers=workers, host=host, port=port, log_level=log_level,
        proxy_headers=False,
    )
