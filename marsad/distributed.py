"""Batch extraction on Dask distributed: shards go to workers, results come back to one writer.

Why this shape: extraction is CPU-bound pure Python, so it scales with processes, not
threads; a database wants few writers (SQLite exactly one), so workers never write. Dask
does the scheduling, the retries and the restart of a dead worker; this module plans
shards, keeps a bounded number in flight (the driver's memory stays flat however large
the input) and writes what comes back in batches, each batch one transaction.

Nothing is lost or doubled when a worker dies: a shard's results reach the writer only
through its future, which completes once; Dask re-runs the shard of a dead worker; and
the store inserts by document key (`ON CONFLICT DO NOTHING`), so even a re-run of the
whole command adds nothing.
"""

from __future__ import annotations

import logging
import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad import errors as E
from marsad.config import db_url
from marsad.errors import Failure, MarsadError
from marsad.ingest.archives import Shard, plan_shards, read_shard
from marsad.model import Document
from marsad.store import Store

Reader = Callable[[Shard, int], Iterable[Document | Failure]]
# Documents per write transaction: big enough that commit and round trips vanish next to
# the rows (~40 events, ~2 MB), small enough that a batch is a short lock on SQLite.
BATCH_DOCS = 500
# Shards in flight per worker thread: one running, one queued, one result on its way back.
IN_FLIGHT_PER_THREAD = 3
# A shard whose task errors this often (not a dead worker, which Dask itself retries) is
# recorded as a failure instead of being retried forever.
SHARD_ATTEMPTS = 3


@dataclass(slots=True)
class Tally:
    """What `marsad ingest` reports, whether one process did the work or many."""

    read: int = 0
    new: int = 0
    duplicate: int = 0
    events: int = 0
    failed: int = 0
    seconds: float = 0.0
    startup: float = 0.0  # of `seconds`: starting the cluster and loading the lexicons everywhere
    worker_cpu: float = 0.0  # CPU seconds spent reading and extracting shards, all workers together
    driver_cpu: float = 0.0  # CPU seconds of this process (planning, receiving, writing; and extracting if alone)
    peak_rss_mb: dict[int, float] = field(default_factory=dict)  # worker pid -> peak resident MB

    def counts(self) -> dict[str, int]:
        return {"read": self.read, "new": self.new, "duplicate": self.duplicate, "events": self.events,
                "failed": self.failed}


@dataclass(slots=True)
class ShardResult:
    """One shard, processed on a worker: slim documents with their events, and failures."""

    label: str
    docs: list[Document]
    failures: list[Failure]
    read: int
    skipped: int  # already stored or repeated within the shard: not extracted again
    pid: int
    peak_rss_mb: float
    cpu: float  # CPU seconds the worker spent on this shard


Progress = Callable[[int, Tally, Sequence[Failure]], None]


# -- worker side ------------------------------------------------------------------------------
_STORES: dict[str, Store] = {}


def process_shard(
    shard: Shard, lexicon_dirs: Sequence[Path], max_bytes: int, known_db: str | None, reader: Reader = read_shard
) -> ShardResult:
    """Read and extract one shard (runs on a worker; the only thing it sends back is the result)."""
    from marsad.pipeline import extract

    cpu = time.process_time()
    docs: list[Document] = []
    fails: list[Failure] = []
    for item in reader(shard, max_bytes):
        (fails if isinstance(item, Failure) else docs).append(item)  # type: ignore[arg-type]
    known = _known(known_db, [d.doc_id for d in docs]) if known_db else set()
    out: list[Document] = []
    for doc in docs:
        if doc.doc_id in known:
            continue
        known.add(doc.doc_id)
        try:
            extract(doc, lexicon_dirs)
        except Exception as exc:  # a bug must not lose the document: keep it as a failure
            fails.append(Failure(doc.origin or doc.doc_id, E.EXTRACTION, f"extraction failed: {exc!r}", doc.text))
            continue
        out.append(_slim(doc))
    return ShardResult(shard.label, out, fails, len(docs), len(docs) - len(out) - _extraction_failures(fails),
                       os.getpid(), peak_rss_mb(), time.process_time() - cpu)


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM, not ru_maxrss: a worker spawned by a
    big driver inherits the driver's ru_maxrss across exec, which would hide its own figure."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux, bytes on macOS


def warm(lexicon_dirs: Sequence[Path]) -> None:
    """Load the lexicons before the first shard, on every worker at once."""
    from marsad.lexicons.loader import load

    load(lexicon_dirs)


def _extraction_failures(fails: list[Failure]) -> int:
    return sum(1 for f in fails if f.code == E.EXTRACTION)


def _known(db: str, ids: list[str]) -> set[str]:
    """Ids already stored: a re-run skips their extraction (reads only; the driver writes)."""
    store = _STORES.get(db)
    if store is None:
        store = _STORES[db] = Store(db, create=False)
    return store.existing(ids)


def _slim(doc: Document) -> Document:
    """The document without its pipeline layers: only what the store keeps travels back."""
    return Document(text=doc.text, published=doc.published, source=doc.source, language=doc.language,
                    title=doc.title, url=doc.url, doc_id=doc.doc_id, origin=doc.origin, events=doc.events)


# -- driver side ------------------------------------------------------------------------------
class BatchWriter:
    """The one writer of a run: buffers results and stores them a batch per transaction."""

    def __init__(self, store: Store, version: str, tally: Tally, batch: int = BATCH_DOCS) -> None:
        self.store, self.version, self.tally, self.batch = store, version, tally, batch
        self.docs: list[Document] = []
        self.fails: list[Failure] = []

    def add(self, res: ShardResult) -> None:
        t = self.tally
        t.read += res.read
        t.duplicate += res.skipped
        t.peak_rss_mb[res.pid] = max(t.peak_rss_mb.get(res.pid, 0.0), res.peak_rss_mb)
        t.worker_cpu += res.cpu
        self.docs += res.docs
        self.fail(res.failures)
        if len(self.docs) >= self.batch:
            self.flush()

    def fail(self, fails: Sequence[Failure]) -> None:
        self.tally.failed += len(fails)
        self.fails += fails
        if len(self.fails) >= self.batch:
            self.flush()

    def flush(self) -> None:
        docs, self.docs = self.docs, []
        refused: set[str] = set()
        if docs:
            try:
                new = self.store.add_documents(docs, self.version)
            except Exception:  # one row the database refuses must not sink the batch
                new, refused = self._one_by_one(docs)
            self._count(docs, new, refused)
        fails, self.fails = self.fails, []
        if fails:
            self.store.add_failures(fails)

    def _one_by_one(self, docs: list[Document]) -> tuple[set[str], set[str]]:
        new: set[str] = set()
        refused: set[str] = set()
        for doc in docs:
            try:
                new |= self.store.add_documents([doc], self.version)
            except Exception as exc:  # e.g. a NUL character, which PostgreSQL text cannot hold
                refused.add(doc.doc_id)
                reason = f"could not be stored: {str(exc).splitlines()[0]}"
                self.fail([Failure(doc.origin or doc.doc_id, E.EXTRACTION, reason, doc.text)])
        return new, refused

    def _count(self, docs: list[Document], new: set[str], refused: set[str]) -> None:
        for doc in docs:
            if doc.doc_id in new:
                new.discard(doc.doc_id)  # a repeat of it later in the batch is a duplicate
                self.tally.new += 1
                self.tally.events += len(doc.events)
            elif doc.doc_id not in refused:  # a refused one is already counted as failed
                self.tally.duplicate += 1


def ingest(
    paths: Iterable[str],
    store: Store,
    db: str,
    *,
    workers: int = 0,
    scheduler: str | None = None,
    lexicon_dirs: Sequence[Path] = (),
    max_bytes: int,
    version: str | None = None,
    progress: Progress | None = None,
    reader: Reader = read_shard,
    shards: Iterable[Shard | Failure] | None = None,
    batch: int = BATCH_DOCS,
) -> Tally:
    """Extract every shard of `paths` on `workers` local processes or the cluster at `scheduler`
    (in this process when both are unset) and store the results through one writer.

    `shards` (read by `reader`) replaces the plan of `paths`: the benchmark feeds its own.
    """
    from marsad.pipeline import EXTRACTOR_VERSION

    tally = Tally()
    writer = BatchWriter(store, version or EXTRACTOR_VERSION, tally, batch)
    started, cpu = time.perf_counter(), time.process_time()
    known_db = _reachable(db, scheduler)
    args = (list(lexicon_dirs), max_bytes, known_db, reader)

    def land(item: ShardResult | Failure) -> None:
        if isinstance(item, Failure):
            writer.fail([item])
            n, fails = 1, [item]
        else:
            writer.add(item)
            n, fails = item.read + len(item.failures), item.failures
        tally.seconds = time.perf_counter() - started
        if progress:
            progress(n, tally, fails)

    todo = iter(shards) if shards is not None else plan_shards(paths, max_bytes)
    if not workers and not scheduler:
        warm(args[0])
        tally.startup = time.perf_counter() - started
        for shard in todo:
            land(shard if isinstance(shard, Failure) else process_shard(shard, *args))
    else:
        with _client(workers, scheduler) as client:
            client.run(warm, args[0])
            tally.startup = time.perf_counter() - started
            _run_on_cluster(client, todo, args, land)
    writer.flush()
    tally.seconds = time.perf_counter() - started
    tally.driver_cpu = time.process_time() - cpu
    return tally


def _run_on_cluster(client: Any, shards: Iterator[Shard | Failure], args: tuple[Any, ...],
                    land: Callable[[ShardResult | Failure], None]) -> None:
    """Keep a few shards per worker thread in flight; hand results to the writer in input order.

    Input order makes the stored records those of one process: of an article met twice, the
    first occurrence is kept, whichever worker finished first. A result that lands early
    waits in a window of at most twice the shards in flight, so memory stays bounded.
    """
    from distributed import as_completed

    threads = sum(w["nthreads"] for w in client.scheduler_info()["workers"].values()) or 1
    limit = threads * IN_FLIGHT_PER_THREAD
    pending: dict[str, tuple[int, Shard, int]] = {}  # future key -> (input position, shard, attempt)
    ready: dict[int, ShardResult | Failure] = {}
    cursor = {"next": 0, "write": 0}
    queue = as_completed()

    def submit(seq: int, shard: Shard, attempt: int = 1) -> None:
        fut = client.submit(process_shard, shard, *args, pure=False)
        pending[fut.key] = (seq, shard, attempt)
        queue.add(fut)

    def pump() -> None:
        while True:
            while cursor["write"] in ready:
                land(ready.pop(cursor["write"]))
                cursor["write"] += 1
            before = cursor["next"]
            while len(pending) < limit and cursor["next"] - cursor["write"] < 2 * limit:
                item = next(shards, None)
                if item is None:
                    break
                if isinstance(item, Failure):
                    ready[cursor["next"]] = item
                else:
                    submit(cursor["next"], item)
                cursor["next"] += 1
            if cursor["next"] == before:
                return

    pump()
    for fut in queue:
        seq, shard, attempt = pending.pop(fut.key)
        try:
            ready[seq] = fut.result()
        except Exception as exc:  # KilledWorker after Dask's own retries, or a crash outside a document
            if attempt < SHARD_ATTEMPTS:
                submit(seq, shard, attempt + 1)
                continue
            ready[seq] = Failure(shard.label, E.EXTRACTION, f"shard failed {attempt} times on the cluster: {exc!r}")
        finally:
            fut.release()
        pump()


@contextmanager
def _client(workers: int, scheduler: str | None) -> Iterator[Any]:
    """A client of the cluster at `scheduler`, or of a fresh local cluster of `workers` processes."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise MarsadError("--workers and --scheduler need Dask: pip install 'marsad[scale]'") from exc

    if scheduler:
        with Client(scheduler, timeout="30s") as client:
            yield client
        return
    # One thread per process: the pipeline is pure Python, threads would only share one GIL.
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


def _reachable(db: str, scheduler: str | None) -> str | None:
    """The store's URL as workers can open it to skip stored documents, or None if they cannot."""
    url = db_url(db)
    if url.startswith("sqlite:///"):
        if scheduler:  # a SQLite file is local to this machine; remote workers cannot see it
            return None
        return f"sqlite:///{Path(url.removeprefix('sqlite:///')).resolve()}"
    return url
