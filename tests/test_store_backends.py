"""One store test suite, run on the embedded SQLite and on a real PostgreSQL server.

Every test takes `backend` (a SQLite path or a `postgresql+psycopg://` URL of a fresh
database); the round-trip suite of tests/test_store_roundtrip.py runs here on both too.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import random
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect

from marsad import errors as E
from marsad.cli import app
from marsad.config import db_url
from marsad.errors import Failure
from marsad.model import Document, Event, Party
from marsad.serve import create_app
from marsad.store import EventQuery, Store
from marsad.store.schema import metadata
from tests import test_store_roundtrip as roundtrip
from tests.conftest import EXAMPLES
from tests.pg import pg_server, pg_url  # noqa: F401 - fixtures

BASE = "استقبل وزير الداخلية السعودي اليوم في الرياض وزير الداخلية الباكستاني وبحث الجانبان مكافحة الإرهاب"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return str(tmp_path / "store.db") if request.param == "sqlite" else request.getfixturevalue("pg_url")


def docs(n: int, start: int = 0) -> list[Document]:
    out = []
    for i in range(start, start + n):
        d = Document(text=f"{BASE} في الاجتماع رقم {i}.")
        d.events = [Event(type="CONSULT", actor=Party("SAU"), recipient=Party("PAK"), evidence=f"{BASE} {i}",
                          topics=["counterterrorism"], extractor_version="t")]
        out.append(d)
    return out


# -- the round-trip suite, on both databases ---------------------------------------------------
@pytest.mark.parametrize("case", [
    "test_ingest_examples_twice_adds_nothing",
    "test_events_formats_and_filters",
    "test_reextract_replaces_events_in_one_transaction",
    "test_reextract_rolls_back_on_failure",
])
def test_roundtrip_suite(case: str, backend: str, runner) -> None:
    fn = getattr(roundtrip, case)
    fn(runner, backend) if "runner" in fn.__code__.co_varnames[: fn.__code__.co_argcount] else fn(backend)


def test_exports_open_in_their_tools(backend: str, runner, tmp_path: Path) -> None:
    roundtrip.test_exports_open_in_their_tools(runner, backend, tmp_path)


# -- schema -------------------------------------------------------------------------------------
def test_migrations_build_the_schema_of_schema_py(backend: str) -> None:
    store = Store(backend)
    insp = inspect(store.engine)
    for table in metadata.sorted_tables:
        assert {c["name"] for c in insp.get_columns(table.name)} == {c.name for c in table.columns}, table.name
        assert {i["name"] for i in insp.get_indexes(table.name)} >= {i.name for i in table.indexes}, table.name
    assert store.schema_version() is not None
    Store(backend)  # opening again migrates nothing and fails nothing


# -- idempotent, batched writes ------------------------------------------------------------------
def test_a_batch_stores_each_document_once_and_says_which_were_new(backend: str) -> None:
    store = Store(backend)
    first = docs(5)
    assert store.add_documents(first, "t") == {d.doc_id for d in first}
    again = docs(3, start=4) + docs(1, start=6)  # 4 stored, 5 and 6 new, 6 twice in the batch
    assert store.add_documents(again, "t") == {again[1].doc_id, again[2].doc_id}
    assert (store.count("documents"), store.count("events")) == (7, 7)
    assert store.existing([d.doc_id for d in docs(9)]) == {d.doc_id for d in docs(7)}
    assert store.add_document(first[0], "t") is False
    (ev,) = store.events(EventQuery(doc_id=first[0].doc_id))
    assert ev.topics == ["counterterrorism"] and ev.actor.country == "SAU"


def test_a_failure_seen_again_is_not_kept_twice(backend: str) -> None:
    store = Store(backend)
    bad = [Failure("a.txt", E.EMPTY, "empty input"), Failure("b.jsonl:2", E.BAD_JSON, "malformed", b"\xff{")]
    assert store.add_failures(bad) == 2
    assert store.add_failures([*bad, Failure("c.txt", E.BINARY, "binary")]) == 1
    rows = store.failures()
    assert [r["origin"] for r in rows] == ["a.txt", "b.jsonl:2", "c.txt"] and rows[1]["raw_bytes"] == 2


def _ingest_in_another_process(db: str, seed: int, barrier: mp.synchronize.Barrier) -> None:
    batch = docs(120)
    random.Random(seed).shuffle(batch)
    store = Store(db)  # both processes may be the one that creates the schema
    barrier.wait()
    for i in range(0, len(batch), 25):
        store.add_documents(batch[i : i + 25], "t")
    store.engine.dispose()


def test_two_processes_ingesting_the_same_documents_at_once_store_each_once(backend: str) -> None:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_ingest_in_another_process, args=(backend, seed, barrier)) for seed in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    store = Store(backend)
    assert (store.count("documents"), store.count("events")) == (120, 120)


# -- every command that takes --db takes the URL --------------------------------------------------
def test_commands_and_the_web_api_work_on_the_url(backend: str, runner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["ingest", str(EXAMPLES), "--db", backend, "-q"]).exit_code == 0
    n = Store(backend).count("events")
    res = runner.invoke(app, ["events", "--db", backend, "-f", "json"])
    assert res.exit_code == 0 and len(json.loads(res.stdout)) == n
    res = runner.invoke(app, ["export", "--db", backend, "-f", "jsonl"])
    assert res.exit_code == 0 and len([ln for ln in res.stdout.splitlines() if ln.startswith("{")]) == n
    assert runner.invoke(app, ["failures", "--db", backend, "-f", "json"]).exit_code == 0
    assert runner.invoke(app, ["reextract", "--db", backend]).exit_code == 0
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("# no feeds yet\n", encoding="utf-8")
    res = runner.invoke(app, ["watch", str(feeds), "--once", "--db", backend])
    assert res.exit_code == 0, res.output
    transport = httpx.ASGITransport(app=create_app(backend))

    async def get(path: str) -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            return await http.get(path)

    import asyncio

    events = asyncio.run(get("/api/events"))
    network = asyncio.run(get("/api/network"))
    assert events.status_code == network.status_code == 200
    assert events.json()["items"] if "items" in events.json() else events.json()
    assert network.json()


def test_a_bare_postgresql_url_gets_the_installed_driver() -> None:
    assert db_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert db_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert db_url("x.db").startswith("sqlite:///")
