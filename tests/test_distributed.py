"""Sharded input and extraction on a real Dask cluster: same records as one process, nothing lost or doubled.

The articles here are synthetic (built from one template sentence), never copied from a corpus.
"""

from __future__ import annotations

import json
import os
import signal
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from marsad import errors as E
from marsad.cli import app
from marsad.distributed import ingest
from marsad.errors import Failure
from marsad.ingest import iter_inputs
from marsad.ingest.archives import Shard, plan_shards, read_shard
from marsad.ingest.readers import Item
from marsad.model import Document
from marsad.store import Store
from tests.conftest import EXAMPLES
from tests.pg import pg_server, pg_url  # noqa: F401 - fixtures

MAX = 20 * 1024 * 1024
COUNTRIES = ("الباكستاني", "المصري", "الأردني", "الكويتي", "العراقي", "التونسي", "المغربي", "الإماراتي")


def article(i: int) -> str:
    """A distinct Arabic report per i (the counterpart and a numbered detail vary)."""
    other = COUNTRIES[i % len(COUNTRIES)]
    return (f"استقبل وزير الداخلية السعودي اليوم في الرياض وزير الداخلية {other} وبحث الجانبان "
            f"مكافحة الإرهاب وتهريب المخدرات في الاجتماع رقم {i}.")


def write_inputs(root: Path, n: int = 60) -> dict[str, int]:
    """A JSONL file with bad lines, a SaudiNewsNet-style ZIP of a JSON array, and .txt files."""
    root.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"text": article(i), "published": "2025-01-20", "source": "s"}, ensure_ascii=False)
             for i in range(n // 2)]
    lines[3] = '{"text": "broken'  # malformed JSON
    lines[7] = json.dumps({"text": "An English report with no Arabic in it at all."})  # not Arabic
    lines.append(lines[0])  # the same article twice: stored once
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = [{"source": "was", "url": f"https://example.org/{i}", "date_extracted": "2015-07-21 10:00:00",
              "title": f"خبر {i}", "author": "", "content": article(i)} for i in range(n // 2, n - 4)]
    items.append({"content": "", "date_extracted": "2015-07-21 10:00:00"})  # empty text
    with zipfile.ZipFile(root / "2015-07-21.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("2015-07-21.json", json.dumps(items, ensure_ascii=False))
    for i in range(n - 4, n):
        (root / f"a{i}.txt").write_text(article(i), encoding="utf-8")
    return {"docs": n - 2, "failures": 3}  # n articles minus the two bad lines; plus the empty content


def counts(db: str) -> tuple[int, int, int]:
    store = Store(db)
    try:
        return store.count("documents"), store.count("events"), store.count("failures")
    finally:
        store.engine.dispose()


# -- shards -----------------------------------------------------------------------------------
def test_jsonl_shards_read_exactly_what_the_file_reader_reads(tmp_path: Path) -> None:
    write_inputs(tmp_path)
    path = str(tmp_path / "feed.jsonl")
    shards = list(plan_shards([path], MAX, shard_bytes=700))
    assert len(shards) > 3 and all(isinstance(s, Shard) and s.kind == "lines" for s in shards)

    def key(items: Iterator[Item]) -> list[tuple[str, str]]:
        return [(i.origin or "", i.code if isinstance(i, Failure) else i.doc_id) for i in items]

    sharded = [x for s in shards for x in key(read_shard(s, MAX))]  # type: ignore[arg-type]
    assert sharded == key(iter_inputs([path], MAX))


def test_json_array_parts_cover_each_item_once(tmp_path: Path) -> None:
    write_inputs(tmp_path)
    shards = [s for s in plan_shards([str(tmp_path / "2015-07-21.zip")], MAX, shard_bytes=1000)]
    assert len(shards) > 1 and {s.kind for s in shards if isinstance(s, Shard)} == {"array"}
    items = [i for s in shards for i in read_shard(s, MAX)]  # type: ignore[arg-type]
    origins = sorted(i.origin or "" for i in items)
    assert len(origins) == len(set(origins)) == 27
    doc = next(i for i in items if isinstance(i, Document))
    assert str(doc.published) == "2015-07-21" and doc.source == "was" and doc.title and doc.url
    assert [i.code for i in items if isinstance(i, Failure)] == [E.EMPTY]


def test_an_array_above_the_size_limit_is_refused_not_loaded(tmp_path: Path) -> None:
    write_inputs(tmp_path)
    (fail,) = plan_shards([str(tmp_path / "2015-07-21.zip")], max_bytes=100)
    assert isinstance(fail, Failure) and fail.code == E.TOO_LARGE


# -- same records, one process or many ----------------------------------------------------------
def test_in_process_shards_store_what_plain_ingest_stores(runner, tmp_path: Path) -> None:
    plain, sharded = str(tmp_path / "plain.db"), str(tmp_path / "sharded.db")
    assert runner.invoke(app, ["ingest", str(EXAMPLES), "--db", plain, "-q"]).exit_code == 0
    tally = ingest([str(EXAMPLES)], Store(sharded), sharded, max_bytes=MAX)
    assert tally.counts()["new"] == Store(plain).count("documents")
    ids = [sorted(e.event_id for e in Store(db).events()) for db in (plain, sharded)]
    assert ids[0] == ids[1] and ids[0]


def test_cli_workers_gives_the_same_summary_as_one_process(runner, tmp_path: Path) -> None:
    write_inputs(tmp_path / "in")
    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    r1 = runner.invoke(app, ["ingest", str(tmp_path / "in" / "feed.jsonl"), "--db", one, "-q"])
    r2 = runner.invoke(app, ["ingest", str(tmp_path / "in" / "feed.jsonl"), "--db", two, "-q", "--workers", "2"])
    assert r1.exit_code == r2.exit_code == E.EXIT_PARTIAL, r2.output
    def summary(output: str) -> list[list[str]]:  # header and counts; docs/s (the last cell) differs
        rows = [ln for ln in output.splitlines() if "┃" in ln or "│" in ln]
        return [ln.replace("┃", "│").split("│")[1:-2] for ln in rows]

    assert summary(r1.output) == summary(r2.output) and len(summary(r1.output)) == 2
    assert "feed.jsonl:4" in r2.output and counts(one) == counts(two)


def test_a_document_that_fails_on_a_worker_is_kept_with_its_reason(tmp_path: Path) -> None:
    db = str(tmp_path / "f.db")
    tally = ingest(["unused"], Store(db), db, max_bytes=MAX, shards=[Shard("files", names=("x",))],
                   reader=_reader_with_a_poisoned_document)
    (row,) = Store(db).failures()
    assert row["code"] == E.EXTRACTION and "extraction failed" in row["reason"] and row["origin"] == "poison"
    assert (tally.read, tally.new, tally.failed) == (2, 1, 1)


def _reader_with_a_poisoned_document(_shard: Shard, _max: int) -> Iterator[Item]:
    yield Document(text=article(1))
    yield Document(text=article(2), published="not a date", origin="poison")  # type: ignore[arg-type]


# -- a real cluster, and a worker killed mid-run -----------------------------------------------
def _slow_reader(shard: Shard, max_bytes: int) -> Iterator[Item]:
    """The real reader, slowed so the run is still going when a worker is killed."""
    for item in read_shard(shard, max_bytes):
        time.sleep(0.05)
        yield item


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return str(tmp_path / "k.db") if request.param == "sqlite" else request.getfixturevalue("pg_url")


def test_kill_9_of_a_worker_mid_run_loses_and_doubles_nothing(backend: str, tmp_path: Path) -> None:
    expected = write_inputs(tmp_path / "in")
    shards = list(plan_shards([str(tmp_path / "in")], MAX, shard_bytes=600))
    assert len(shards) >= 6
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        addrs = sorted(client.scheduler_info()["workers"])
        pids = client.run(os.getpid)
        killed: list[int] = []

        def kill_one(_n: int, _tally: object, _fails: object) -> None:
            if not killed:  # after the first result: the other shards are still running or queued
                killed.append(pids[addrs[0]])
                os.kill(pids[addrs[0]], signal.SIGKILL)

        store = Store(backend)
        tally = ingest([], store, backend, scheduler=cluster.scheduler_address, max_bytes=MAX,
                       shards=shards, reader=_slow_reader, progress=kill_one)
        assert killed and tally.counts()["failed"] == expected["failures"]
        after = counts(backend)
        assert after[:1] + after[2:] == (expected["docs"], expected["failures"])
        assert after[1] == tally.events > 0
        again = ingest([], store, backend, scheduler=cluster.scheduler_address, max_bytes=MAX, shards=shards)
        assert again.new == 0 and counts(backend) == after
        store.engine.dispose()
