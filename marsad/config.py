"""One settings object: paths, limits and lexicon folders."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DB = "marsad.db"
# 20 MB: a news article is a few KB; anything this large is a dump or a
# mistake, and reading it whole would cost memory for nothing.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def config_file() -> dict[str, Any]:
    """Settings from `$MARSAD_CONFIG`, `./marsad.toml` or `~/.config/marsad/config.toml`
    (first found); environment variables and command-line options override them.

    Keys: `lexicons` (a folder or a list of folders) and `max_bytes`.
    """
    import tomllib

    for cand in (os.environ.get("MARSAD_CONFIG"), "marsad.toml", "~/.config/marsad/config.toml"):
        if not cand:
            continue
        path = Path(cand).expanduser()
        if path.is_file():
            try:
                with path.open("rb") as fh:
                    return tomllib.load(fh)
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ValueError(f"{path}: not a valid marsad config file ({exc})") from exc
    return {}


def _config_lexicons() -> list[Path]:
    value = config_file().get("lexicons", [])
    return [Path(v).expanduser() for v in ([value] if isinstance(value, str) else value)]


@dataclass(slots=True)
class Settings:
    db: str = field(default_factory=lambda: os.environ.get("MARSAD_DB", DEFAULT_DB))
    max_bytes: int = field(
        default_factory=lambda: _env_int("MARSAD_MAX_BYTES", int(config_file().get("max_bytes", DEFAULT_MAX_BYTES)))
    )
    lexicon_dirs: list[Path] = field(
        default_factory=lambda: [Path(p) for p in os.environ.get("MARSAD_LEXICONS", "").split(os.pathsep) if p]
        or _config_lexicons()
    )


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
