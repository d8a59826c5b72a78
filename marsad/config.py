"""One settings object: paths, limits and lexicon folders."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DB = "marsad.db"
# 20 MB: a news article is a few KB; anything this large is a dump or a
# mistake, and reading it whole would cost memory for nothing.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(slots=True)
class Settings:
    db: str = field(default_factory=lambda: os.environ.get("MARSAD_DB", DEFAULT_DB))
    max_bytes: int = field(default_factory=lambda: _env_int("MARSAD_MAX_BYTES", DEFAULT_MAX_BYTES))
    lexicon_dirs: list[Path] = field(
        default_factory=lambda: [Path(p) for p in os.environ.get("MARSAD_LEXICONS", "").split(os.pathsep) if p]
    )
    # `marsad ingest --workers/--scheduler`: 0 workers and no scheduler = in-process, as before.
    workers: int = field(default_factory=lambda: _env_int("MARSAD_WORKERS", 0))
    scheduler: str | None = field(default_factory=lambda: os.environ.get("MARSAD_SCHEDULER") or None)


def db_url(db: str) -> str:
    """A path becomes a SQLite URL; a SQLAlchemy URL is kept as it is.

    A bare `postgresql://` (as libpq and most hosting panels print it) gets the psycopg 3
    driver marsad installs; SQLAlchemy would otherwise look for psycopg2.
    """
    for bare in ("postgresql://", "postgres://"):
        if db.startswith(bare):
            return "postgresql+psycopg://" + db.removeprefix(bare)
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser()}"
