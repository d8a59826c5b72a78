"""A throwaway PostgreSQL server for tests and benchmarks (initdb + pg_ctl in a temp dir).

Tests import the fixtures (`from tests.pg import pg_server, pg_url`); `python -m tests.pg`
starts a server, prints its URL and keeps it until Ctrl-C, for trying marsad on PostgreSQL.
The server listens on a unix socket in its directory and on 127.0.0.1 at a free port,
with trust authentication: it is for this machine and this session only.

In CI (CI=true) a server that cannot start fails the session loudly; on a laptop without
PostgreSQL the tests that need it skip, saying why.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import pytest

# Durability off: a throwaway server is rebuilt each session, and fsync dominates small writes.
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def find_bindir() -> Path | None:
    """Debian keeps initdb/pg_ctl in /usr/lib/postgresql/<major>/bin, off the PATH."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    for cand in sorted(glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True):
        if (Path(cand) / "initdb").exists() and (Path(cand) / "pg_ctl").exists():
            return Path(cand)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(slots=True)
class PgServer:
    """A running server; `url(name)` is a SQLAlchemy URL for one of its databases."""

    root: Path
    bindir: Path
    port: int
    user: str | None  # the OS user the server runs as (root may not run it)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://marsad@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str | None = None) -> str:
        """A fresh, empty database; returns its URL."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=marsad dbname=postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=marsad dbname=postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        _run([str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop"],
             self.user, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def _run(cmd: list[str], user: str | None, check: bool = True) -> subprocess.CompletedProcess[str]:
    res = subprocess.run(cmd, user=user, capture_output=True, text=True, timeout=120)
    if check and res.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}):\n{res.stdout}\n{res.stderr}")
    return res


def start_server(extra_conf: str = "") -> PgServer:
    """initdb + pg_ctl start in a new temp dir; raises RuntimeError saying why it could not."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL binaries not found (apt-get install postgresql)")
    user = None
    root = Path(tempfile.mkdtemp(prefix="marsad-pg-"))
    if os.geteuid() == 0:  # initdb refuses to run as root: run the server as Debian's postgres user
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise RuntimeError("running as root and there is no 'postgres' user to run the server") from exc
        user = "postgres"
        os.chown(root, pw.pw_uid, pw.pw_gid)
    port = _free_port()
    data = root / "data"
    try:
        _run([str(bindir / "initdb"), "-D", str(data), "-U", "marsad", "--auth=trust", "-E", "UTF8",
              "--locale=C.UTF-8", "--no-sync"], user)
        opts = f"-k {root} -p {port} -c listen_addresses=127.0.0.1 {FAST} {extra_conf}"
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "server.log"), "-w",
              "-t", "60", "start"], user)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        log = (root / "server.log").read_text(errors="replace") if (root / "server.log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"{exc}\n{log}") from exc
    return PgServer(root, bindir, port, user)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One server for the whole session: never skipped in CI, skipped locally without binaries."""
    try:
        server = start_server()
    except RuntimeError as exc:
        if in_ci() or find_bindir() is not None:
            pytest.fail(f"could not start the test PostgreSQL server: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL is not installed here ({exc}); CI installs it")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh database per test, dropped afterwards."""
    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url)


def main() -> None:
    """`python -m tests.pg`: a local server to point marsad at, until Ctrl-C."""
    server = start_server()
    url = server.create_database("marsad")
    print(f"PostgreSQL is up; use it with:\n  marsad ingest examples/ --db {url}\n"
          "(Ctrl-C stops it and deletes its data)")
    sys.stdout.flush()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
