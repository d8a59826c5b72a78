"""Load benchmark for `marsad serve` (not a timed test).

Builds a store of 100,000 synthetic events (bulk insert, a few transactions),
starts uvicorn on a free loopback port in a subprocess, runs 20 concurrent
clients for a bounded number of requests against /api/events and /api/network,
prints requests/s, p50/p95 latency and errors, then stops the server.

    .venv/bin/python bench/load_serve.py [--events 100000] [--clients 20] [--requests 4000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from marsad.model import EVENT_TYPES, TOPICS
from marsad.normalize import normalize_form
from marsad.store.db import Store
from marsad.store.schema import documents, events, topics

COUNTRIES = (
    "SAU", "PAK", "EGY", "ARE", "QAT", "KWT", "BHR", "OMN", "JOR", "IRQ", "MAR", "DZA", "TUN", "LBY", "SDN",
    "YEM", "TUR", "IRN", "USA", "GBR", "FRA", "DEU", "ITA", "ESP", "RUS", "CHN", "IND", "IDN", "MYS", "BGD",
    "NGA", "KEN", "ETH", "SOM", "MRT", "LBN", "SYR", "PSE", "IGO:GCC", "IGO:UN", "IGO:INTERPOL",
)
WORDS = ("التعاون", "الأمني", "مكافحة", "الإرهاب", "وزير", "الداخلية", "بحث", "اتفاقية", "الحدود", "المخدرات")
EVENTS_PER_DOC = 5
TIME_LIMIT = 300.0  # seconds: the client loop stops here whatever happens


def build_store(path: Path, n_events: int, seed: int = 7) -> None:
    """Bulk-insert synthetic documents, events and topics straight into the store's tables."""
    rng = random.Random(seed)
    store = Store(str(path))
    weights = [1 / (i + 1) for i in range(len(COUNTRIES))]  # a few busy countries, a long tail
    now = datetime.now(UTC).isoformat(timespec="seconds")
    docs, evs, tops = [], [], []
    for i in range(n_events):
        d = i // EVENTS_PER_DOC
        if i % EVENTS_PER_DOC == 0:
            text = " ".join(rng.choice(WORDS) for _ in range(60))
            pub = f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            docs.append({"doc_id": f"d{d:08d}", "text": text, "published": pub, "source": "bench",
                         "language": "ar", "extractor_version": "bench", "ingested_at": now})
        a, b = rng.choices(COUNTRIES, weights, k=2)
        ev_text = " ".join(rng.choice(WORDS) for _ in range(12))
        day = f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        date = None if rng.random() < 0.05 else day  # some events have no date
        evs.append({
            "event_id": f"e{i:09d}", "doc_id": f"d{d:08d}", "type": rng.choice(EVENT_TYPES),
            "status": "occurred" if rng.random() < 0.8 else "expected",
            "actor_country": a, "actor_sector": "GOV", "recipient_country": b if b != a else None,
            "recipient_sector": "GOV", "date": date, "date_precision": "day" if date else None,
            "evidence": ev_text, "evidence_norm": normalize_form(ev_text), "evidence_start": 0,
            "evidence_end": len(ev_text), "trigger": "بحث", "trigger_start": 0, "trigger_end": 3,
            "confidence": round(rng.random(), 3), "extractor_version": "bench", "provenance": "{}",
        })
        for t in rng.sample(TOPICS, rng.randint(0, 2)):
            tops.append({"event_id": f"e{i:09d}", "topic": t})
    with store.engine.begin() as conn:
        for table, rows in ((documents, docs), (events, evs), (topics, tops)):
            for k in range(0, len(rows), 5000):
                conn.execute(table.insert(), rows[k : k + 5000])
    store.engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    code = (
        "import uvicorn; from marsad.serve import create_app; "
        f"uvicorn.run(create_app({str(db)!r}), host='127.0.0.1', port={port}, log_level='warning', access_log=False)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def request_mix(rng: random.Random) -> tuple[str, dict[str, str]]:
    """70% event listings (filters, search, second pages), 30% network views."""
    if rng.random() < 0.7:
        p: dict[str, str] = {}
        r = rng.random()
        if r < 0.3:
            p["country"] = rng.choice(COUNTRIES[:20])
        elif r < 0.45:
            p["pair"] = ",".join(rng.sample(COUNTRIES[:10], 2))
        elif r < 0.6:
            p["type"] = rng.choice(EVENT_TYPES)
        elif r < 0.7:
            p["topic"] = rng.choice(TOPICS)
        elif r < 0.8:
            p["date_from"], p["date_to"] = "2020-01", "2020-12"
        elif r < 0.85:
            p["q"] = rng.choice(WORDS)
        if rng.random() < 0.3:
            p["sort"] = rng.choice(("date", "-confidence"))
        return "/api/events", p
    p = {}
    r = rng.random()
    if r < 0.3:
        p["type"] = rng.choice(EVENT_TYPES)
    elif r < 0.5:
        p["topic"] = rng.choice(TOPICS)
    elif r < 0.7:
        year = rng.randint(2015, 2025)
        p["date_from"], p["date_to"] = f"{year}-01", f"{year}-12"
    return "/api/network", p


async def client(base: str, n: int, seed: int, out: list[tuple[str, float, int, str | None]], deadline: float) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        for _ in range(n):
            if time.monotonic() > deadline:
                return
            path, params = request_mix(rng)
            out.append(await timed(http, path, params))
            last = out[-1]
            if last[2] == 200 and path == "/api/events" and rng.random() < 0.2 and last[3]:
                out.append(await timed(http, path, params | {"cursor": last[3]}))  # the next page


async def timed(http: httpx.AsyncClient, path: str, params: dict[str, str]) -> tuple[str, float, int, str | None]:
    t0 = time.perf_counter()
    nxt = None
    try:
        r = await http.get(path, params=params)
        took = time.perf_counter() - t0
        status = r.status_code
        if status == 200 and path == "/api/events":
            nxt = r.json().get("next_cursor")
    except httpx.HTTPError:
        took, status = time.perf_counter() - t0, -1
    return path, took, status, nxt


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else (values[0] * 1000 if values else 0)


async def load(base: str, clients: int, requests: int) -> list[tuple[str, float, int, str | None]]:
    out: list[tuple[str, float, int, str | None]] = []
    deadline = time.monotonic() + TIME_LIMIT
    per = requests // clients
    await asyncio.gather(*(client(base, per, seed, out, deadline) for seed in range(clients)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=4000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        build_store(db, args.events)
        print(f"built store: {args.events} events in {time.perf_counter() - t0:.1f}s")
        port = free_port()
        proc = start_server(db, port)
        try:
            base = f"http://127.0.0.1:{port}"
            t0 = time.perf_counter()
            res = asyncio.run(load(base, args.clients, args.requests))
            wall = time.perf_counter() - t0
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    lat = [r[1] for r in res]
    errors = sum(1 for r in res if r[2] != 200)
    summary = {
        "events": args.events, "clients": args.clients, "requests": len(res), "seconds": round(wall, 2),
        "requests_per_s": round(len(res) / wall, 1), "p50_ms": round(pct(lat, 50), 1),
        "p95_ms": round(pct(lat, 95), 1), "errors": errors,
    }
    for path in ("/api/events", "/api/network"):
        sub = [r[1] for r in res if r[0] == path]
        summary[path] = {"requests": len(sub), "p50_ms": round(pct(sub, 50), 1), "p95_ms": round(pct(sub, 95), 1)}
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
