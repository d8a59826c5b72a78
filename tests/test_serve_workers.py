"""`marsad serve` at scale: worker processes, aggregate caches that follow the store, page plans.

The caches must never show stale totals once something is written, whichever process
wrote it; the cheaper page plan must return exactly what the default plan returns.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import psutil
import pytest
from conftest_serve import Fixture, _event, build_store, free_port, serving

from marsad.model import Document, Party
from marsad.serve import create_app
from marsad.store import queries
from marsad.store.db import EventQuery, Store

TOKEN = "w0rkers-token"
NEWS = "مسقط - بحث وزير الداخلية العماني مع نظيره اليمني التعاون في أمن الحدود."


def add_article(db: str, text: str = NEWS) -> None:
    """Write one OMN-YEM document the way `marsad ingest` does, from this (another) process."""
    store = Store(db)
    doc = Document(text=text, published=date(2025, 6, 1), source="العمانية")
    doc.events = [_event(text, text, "بحث", type="CONSULT", actor=Party("OMN", "GOV"),
                         recipient=Party("YEM", "GOV"), date="2025-06-01", topics=["border_security"],
                         confidence=0.8)]
    assert store.add_document(doc, "test-1")
    store.engine.dispose()


@pytest.fixture
def fx(tmp_path: Path) -> Fixture:
    return build_store(str(tmp_path / "marsad.db"))


# -- the aggregate cache follows the store ----------------------------------------------
def test_cached_aggregates_change_as_soon_as_another_process_ingests(fx: Fixture) -> None:
    with serving(create_app(fx.db)) as base, httpx.Client(base_url=base, timeout=10) as http:
        before = http.get("/api/stats").json()
        assert http.get("/api/events", params={"country": "OMN"}).json()["total"] == 0
        assert http.get("/api/network").json()["edges"]  # cached now
        add_article(fx.db)
        assert http.get("/api/stats").json()["events"] == before["events"] + 1
        assert http.get("/api/events", params={"country": "OMN"}).json()["total"] == 1
        pairs = {(e["source"], e["target"]) for e in http.get("/api/network").json()["edges"]}
        assert ("OMN", "YEM") in pairs
        assert http.get("/api/countries/OMN").json()["total"] == 1


def test_data_version_moves_with_commits_not_with_reads(fx: Fixture) -> None:
    store = Store(fx.db, create=False)
    v0 = queries.data_version(store)
    assert v0 is not None
    store.events()
    queries.count_events(store, EventQuery(country="SAU"))
    assert queries.data_version(store) == v0
    add_article(fx.db)
    assert queries.data_version(store) != v0
    store.engine.dispose()


def test_read_only_server_cannot_write_through_its_connections(fx: Fixture) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    store = Store(fx.db, create=False)
    queries.tune_for_reading(store, read_only=True)
    with store.engine.connect() as conn, pytest.raises(OperationalError, match="readonly"):
        conn.execute(text("DELETE FROM events"))
    assert store.count("events") == 6
    store.engine.dispose()


# -- the page plan ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("matches", "population", "limit", "in_order"),
    [
        (50_000, 100_000, 50, True),  # half the store: the first page is a few rows down the sort index
        (2_000, 100_000, 50, False),  # 2%: reading them all and sorting is cheaper than walking 2,500 rows
        (3, 100_000, 50, False),  # a rare pair: walking would read the whole store
        (6, 6, 50, False),  # a tiny store: either way is instant; the default plan
    ],
)
def test_reads_in_order_only_when_the_filter_matches_many(
    matches: int, population: int, limit: int, in_order: bool
) -> None:
    assert queries.reads_in_order(matches, population, limit) is in_order


@pytest.mark.parametrize("sort", queries.SORTS)
@pytest.mark.parametrize(
    "q",
    [
        EventQuery(),
        EventQuery(country="SAU"),
        EventQuery(pair=("PAK", "SAU")),
        EventQuery(pair=("SAU", "SAU")),
        EventQuery(topic="counterterrorism"),
        EventQuery(type="AGREE", date_from="2024"),
    ],
)
def test_both_page_plans_return_the_same_pages(fx: Fixture, q: EventQuery, sort: str) -> None:
    store = Store(fx.db, create=False)

    def walk(in_order: bool) -> list[str]:
        ids: list[str] = []
        cursor = None
        while True:
            page = queries.events_page(store, q, limit=1, cursor=cursor, sort=sort, in_order=in_order)
            ids += [e.event_id for e in page.events]
            cursor = page.next_cursor
            if not cursor:
                return ids

    assert walk(True) == walk(False) == [e.event_id for e in queries.events_page(store, q, limit=50, sort=sort).events]
    store.engine.dispose()


# -- marsad serve --workers ------------------------------------------------------------------
@pytest.fixture
def two_workers(fx: Fixture) -> Iterator[tuple[str, psutil.Process]]:
    port = free_port()
    cmd = [sys.executable, "-c", "from marsad.cli import main; main()", "serve", "--db", fx.db, "--port", str(port),
           "--workers", "2"]
    proc = subprocess.Popen(cmd, env={**os.environ, "MARSAD_TOKEN": TOKEN})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                if httpx.get(base + "/api/stats", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("marsad serve --workers 2 did not start")
            time.sleep(0.2)
        yield base, psutil.Process(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _workers(parent: psutil.Process) -> list[psutil.Process]:
    """The uvicorn worker processes (spawned children), not multiprocessing's resource tracker."""
    return [p for p in parent.children() if "spawn_main" in " ".join(p.cmdline())]


def test_workers_option_starts_that_many_processes_that_all_serve(
    two_workers: tuple[str, psutil.Process], fx: Fixture
) -> None:
    base, parent = two_workers
    deadline = time.monotonic() + 30
    while len(_workers(parent)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(_workers(parent)) == 2
    with httpx.Client(base_url=base, timeout=10) as http:
        assert http.get("/api/events").json()["total"] == 6
        assert http.get(f"/api/events/{fx.event_ids['sau_pak:0']}").status_code == 200
        # The token reached the workers through the environment: a bad document gets past
        # the token check to validation (422), a wrong token does not (401).
        assert http.post("/api/documents", json={"text": ""},
                         headers={"authorization": f"Bearer {TOKEN}"}).status_code == 422
        assert http.post("/api/documents", json={"text": ""},
                         headers={"authorization": "Bearer nope"}).status_code == 401


def test_every_worker_sees_an_ingest_at_once(two_workers: tuple[str, psutil.Process], fx: Fixture) -> None:
    base, _parent = two_workers
    # Fresh connections spread requests over both workers; warm both caches first.
    for _ in range(10):
        assert httpx.get(base + "/api/stats", timeout=10).json()["events"] == 6
    add_article(fx.db)
    seen = {httpx.get(base + "/api/stats", timeout=10).json()["events"] for _ in range(10)}
    assert seen == {7}
