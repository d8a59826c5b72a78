"""Scale-out figures: docs/s on 1 process vs Dask workers, SQLite vs PostgreSQL, and a big run.

    python bench/scale.py corpus [--limit N]          # SaudiNewsNet, 1 process and --workers 2, both stores
    python bench/scale.py scale --docs 1000000        # the corpus repeated with fresh ids into PostgreSQL,
                                                      # then GET /api/events and /api/network p95

Prints figures; it asserts nothing (the test suite holds correctness). PostgreSQL is a
throwaway server started like the tests' (tests/pg.py). Run it from the repository root.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from marsad.config import DEFAULT_MAX_BYTES  # noqa: E402
from marsad.distributed import Tally, ingest, peak_rss_mb  # noqa: E402
from marsad.errors import Failure  # noqa: E402
from marsad.ingest.archives import Shard, plan_shards, read_shard  # noqa: E402
from marsad.ingest.readers import Item  # noqa: E402
from marsad.store import Store  # noqa: E402
from tests.pg import PgServer, start_server  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "saudinewsnet"
# The scale run reports its rate every this many seconds, so a long background run can be followed.
REPORT_EVERY = 60.0


@dataclass(frozen=True, slots=True)
class CopyShard(Shard):
    """A shard of the n-th copy of the corpus: same texts, fresh document ids."""

    copy: int = 0


def read_copy(shard: Shard, max_bytes: int) -> Iterator[Item]:
    """Real-sized documents under fresh ids: copy n of article X is a new document (ids from hashlib)."""
    copy = getattr(shard, "copy", 0)
    for item in read_shard(shard, max_bytes):
        if isinstance(item, Failure):
            item.origin = f"{item.origin}#copy{copy}"
        elif copy:
            item.doc_id = hashlib.sha256(f"{item.doc_id}:{copy}".encode()).hexdigest()[:16]
            item.origin = f"{item.origin}#copy{copy}"
        yield item


def limited(shards: Iterator[Shard | Failure], limit_shards: int | None) -> Iterator[Shard | Failure]:
    for i, s in enumerate(shards):
        if limit_shards is not None and i >= limit_shards:
            return
        yield s


def self_peak_mb() -> float:
    return peak_rss_mb()


class Watch:
    """Progress callback: peak worker memory at 25/50/100 % of the input, periodic rate lines."""

    def __init__(self, total: int | None, label: str, report_every: float | None = None) -> None:
        self.total, self.label, self.report_every = total, label, report_every
        self.done = 0
        self.marks: dict[int, float] = {}
        self.last = time.monotonic()

    def __call__(self, n: int, tally: Tally, _fails: object) -> None:
        self.done += n
        peak = max(tally.peak_rss_mb.values(), default=0.0)
        if self.total:
            for pct in (25, 50, 100):
                if pct not in self.marks and self.done >= self.total * pct / 100 * 0.98:
                    self.marks[pct] = peak
        if self.report_every and time.monotonic() - self.last > self.report_every:
            self.last = time.monotonic()
            rate = tally.read / tally.seconds if tally.seconds else 0
            print(f"  [{self.label}] {tally.seconds:7.0f}s  read {tally.read:,}  new {tally.new:,}  "
                  f"events {tally.events:,}  {rate:.0f} docs/s  peak worker {peak:.0f} MB", flush=True)


def run(label: str, db: str, shards: list[Shard | Failure], workers: int, total: int | None) -> Tally:
    store = Store(db)
    watch = Watch(total, label)
    load0 = os.getloadavg()[0]
    t = ingest([], store, db, workers=workers, max_bytes=DEFAULT_MAX_BYTES, shards=iter(shards), progress=watch)
    rate = t.read / t.seconds
    steady = t.read / (t.seconds - t.startup)
    peaks = ", ".join(f"{v:.0f}" for _, v in sorted(t.peak_rss_mb.items()))
    marks = "  ".join(f"{k}%:{v:.0f}" for k, v in sorted(watch.marks.items()))
    print(f"{label:<24} {t.read:>7,} docs {t.seconds:6.1f} s {rate:6.1f} docs/s ({steady:6.1f} after "
          f"{t.startup:.1f} s start-up)  events {t.events:>6,}  "
          f"failed {t.failed:>4}  peak RSS MB per process [{peaks}]  growth {marks}  driver {self_peak_mb():.0f} MB",
          flush=True)
    extract_cpu = t.worker_cpu  # in one process too, the shard CPU is the reading and extraction CPU
    write_cpu = t.driver_cpu - (0 if workers else t.worker_cpu)
    print(f"{'':<24} CPU per 1000 docs: extraction {1000 * extract_cpu / t.read:.1f} s, driver (plan, receive, "
          f"write) {1000 * write_cpu / t.read:.1f} s; load average {load0:.1f} -> {os.getloadavg()[0]:.1f} "
          f"on {_cores()} cores", flush=True)
    store.engine.dispose()
    return t


def corpus(args: argparse.Namespace) -> None:
    shards = list(limited(plan_shards([str(args.corpus)], DEFAULT_MAX_BYTES), args.limit_shards))
    total = sum(1 for s in shards for _ in read_shard(s, DEFAULT_MAX_BYTES)) if isinstance(shards, list) else None
    print(f"corpus {args.corpus}: {len(shards)} shards, {total:,} inputs; machine cores: {_cores()}", flush=True)
    server = start_server()
    try:
        for name, make in (("sqlite", lambda: _sqlite_db()), ("postgresql", lambda: server.create_database())):
            one = run(f"{name}, 1 process", make(), shards, 0, total)
            two = run(f"{name}, --workers {args.workers}", make(), shards, args.workers, total)
            whole = two.read / two.seconds / (one.read / one.seconds)
            steady = two.read / (two.seconds - two.startup) / (one.read / (one.seconds - one.startup))
            cpu_one = (one.driver_cpu) / one.read
            cpu_two = (two.worker_cpu + two.driver_cpu) / two.read
            print(f"{name}: speed-up with {args.workers} workers {whole:.2f}x end to end, {steady:.2f}x after "
                  f"start-up (same shards, same run); CPU per document {cpu_two / cpu_one:.2f}x that of one "
                  f"process, so on {args.workers} idle cores the bound is "
                  f"{min(args.workers, _cores()) / (cpu_two / cpu_one):.2f}x\n", flush=True)
    finally:
        server.stop()


def scale(args: argparse.Namespace) -> None:
    base = list(plan_shards([str(args.corpus)], DEFAULT_MAX_BYTES))
    per_copy = sum(1 for s in base for i in read_shard(s, DEFAULT_MAX_BYTES) if not isinstance(i, Failure))
    copies = -(-args.docs // per_copy)
    deadline = time.monotonic() + args.max_minutes * 60 if args.max_minutes else None
    print(f"scale: {per_copy:,} documents per copy, {copies} copies for {args.docs:,}; workers {args.workers}; "
          f"time limit {args.max_minutes or 'none'} min", flush=True)

    def shards() -> Iterator[Shard | Failure]:
        for c in range(copies):
            for s in base:
                if deadline and time.monotonic() > deadline:
                    print("  time limit reached: no more shards are submitted", flush=True)
                    return
                if isinstance(s, Shard):
                    yield CopyShard(s.kind, s.path, s.names, s.start, s.stop, s.first_line, s.part, s.parts, copy=c)

    server = start_server()
    try:
        url = server.create_database("scale")
        store = Store(url)
        watch = Watch(None, "scale", REPORT_EVERY)
        server_cpu0 = server_cpu(server)
        t = ingest([], store, url, workers=args.workers, max_bytes=DEFAULT_MAX_BYTES, shards=shards(),
                   reader=read_copy, progress=watch)
        peak = max(t.peak_rss_mb.values(), default=0.0)
        pg_cpu = server_cpu(server) - server_cpu0
        print(f"CPU per 1000 docs: extraction {1000 * t.worker_cpu / t.read:.2f} s (workers), driver "
              f"{1000 * t.driver_cpu / t.read:.2f} s (plan, receive, write), PostgreSQL server "
              f"{1000 * pg_cpu / t.read:.2f} s (insert, key check, indexes, WAL)", flush=True)
        print(f"scale run: {t.read:,} documents read, {t.new:,} stored, {t.events:,} events, {t.failed:,} failed "
              f"in {t.seconds:,.0f} s = {t.read / t.seconds:.1f} docs/s; peak RSS per worker {peak:.0f} MB, "
              f"driver {self_peak_mb():.0f} MB", flush=True)
        print(f"store: {store.count('documents'):,} documents, {store.count('events'):,} events, "
              f"{store.count('failures'):,} failures; {_pg_size(server, url)}", flush=True)
        if t.read < args.docs:
            need = args.docs / (t.read / t.seconds)
            print(f"NOT the full {args.docs:,}: at the measured rate it needs {need / 3600:.1f} h", flush=True)
        api_p95(url, args.requests)
    finally:
        if not args.keep:
            server.stop()
        else:
            print(f"server kept at {server.root} ({url})")


def api_p95(url: str, n: int) -> None:
    """GET /api/events and /api/network against the app over `url`, through real uvicorn + httpx."""
    import httpx
    import uvicorn

    from marsad.serve import create_app
    from tests.conftest_serve import free_port

    app = create_app(url)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    rng = random.Random(7)
    queries = {
        "/api/events": [{}, {"country": "SAU"}, {"type": "CONSULT"}, {"pair": "SAU,USA"},
                        {"topic": "counterterrorism"}],
        "/api/network": [{}, {"type": "AGREE"}, {"from": "2015-07-01", "to": "2015-08-31"}],
    }
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
        for path, variants in queries.items():
            times, codes = [], set()
            for _ in range(n):
                t0 = time.perf_counter()
                r = http.get(path, params=rng.choice(variants))
                times.append((time.perf_counter() - t0) * 1000)
                codes.add(r.status_code)
            times.sort()
            p95 = times[int(0.95 * (len(times) - 1))]
            print(f"GET {path:<13} {n} requests: p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  "
                  f"max {times[-1]:7.1f} ms  statuses {sorted(codes)} (first request includes cold caches)",
                  flush=True)
    server.should_exit = True


def server_cpu(server: PgServer) -> float:
    """CPU seconds of the PostgreSQL server so far: postmaster and its live backends and helpers."""
    import psutil

    pid = int((server.root / "data" / "postmaster.pid").read_text().split()[0])
    procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    total = 0.0
    for p in procs:
        try:
            c = p.cpu_times()
            total += c.user + c.system + c.children_user + c.children_system
        except psutil.NoSuchProcess:
            continue
    return total


def _sqlite_db() -> str:
    return str(Path(tempfile.mkdtemp(prefix="marsad-bench-")) / "bench.db")


def _pg_size(server: PgServer, url: str) -> str:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"host=127.0.0.1 port={server.port} user=marsad dbname={name}") as c:
        size = c.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()
    return f"database size {size[0] if size else '?'}"


def _cores() -> int:
    return len(os.sched_getaffinity(0))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("corpus", help="1 process vs --workers N on the real corpus, SQLite and PostgreSQL")
    c.add_argument("--corpus", type=Path, default=CORPUS)
    c.add_argument("--workers", type=int, default=2)
    c.add_argument("--limit-shards", type=int, default=None, help="Only the first N shards (~500 docs each).")
    s = sub.add_parser("scale", help="The corpus repeated with fresh ids into PostgreSQL, then API latency")
    s.add_argument("--corpus", type=Path, default=CORPUS)
    s.add_argument("--docs", type=int, default=1_000_000)
    s.add_argument("--workers", type=int, default=2)
    s.add_argument("--max-minutes", type=float, default=None, help="Stop submitting work after this long.")
    s.add_argument("--requests", type=int, default=200, help="Requests per endpoint for the p95.")
    s.add_argument("--keep", action="store_true", help="Keep the PostgreSQL server running afterwards.")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `kill` still stops the PostgreSQL server
    corpus(args) if args.cmd == "corpus" else scale(args)


if __name__ == "__main__":
    main()
