"""Load benchmark for `marsad serve` (not a timed test).

Builds a store of 100,000 synthetic events (bulk insert, a few transactions),
starts `marsad serve` (uvicorn, `--workers N`) on a free loopback port, and
drives it with `wrk` (C, one connection per thread: a few % of one core at these
rates, so the load generator does not steal the server's CPU as a Python client
would on a 2-core machine). 20 concurrent clients replay a fixed, varied mix of
/api/events (filters, search, sort, next pages by cursor) and /api/network
queries until `--seconds` or `--requests` runs out, then the script prints
requests/s, p50/p95/p99 per endpoint and errors as JSON, and stops the server.

    apt-get install wrk
    .venv/bin/python bench/load_serve.py [--events 100000] [--clients 20] [--workers 2] [--seconds 30]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

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


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    """`marsad serve` as a user runs it, minus access logs (one log line per request would be measured too)."""
    code = (
        "from marsad.serve import run; "
        f"run({str(db)!r}, host='127.0.0.1', port={port}, workers={workers}, log_level='warning')"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/events?limit=1", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def request_mix(rng: random.Random) -> tuple[str, dict[str, str]]:
    """70% event listings (filters, search, sort), 30% network views."""
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


def request_paths(n: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        path, params = request_mix(rng)
        out.append(f"{path}?{urlencode(params)}" if params else path)
    return out


# One connection per wrk thread, so a response always answers that thread's last
# request: latency is timed per endpoint here (wrk's own histogram mixes both), and
# 20% of event pages fetch their next page with the cursor they returned, as the
# Python client did. Latencies use CLOCK_MONOTONIC through LuaJIT's ffi. These are
# the raw closed-loop latencies the Python client measured; wrk's own histogram adds
# synthetic samples for coordinated omission (stats_correct), reported beside them.
WRK_LUA = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } marsad_ts;
int clock_gettime(int clk, marsad_ts *tp);
]]
local ts = ffi.new("marsad_ts")
local function now_ms()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads, made = {}, 0
function setup(thread)
  thread:set("id", made)
  made = made + 1
  table.insert(threads, thread)
end

local paths, pos, sent, cap = {}, 0, 0, 0
local last, started, follow = nil, 0, nil
lat_events, lat_network, err_events, err_network, first, finish = {}, {}, 0, 0, nil, 0

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  cap = tonumber(args[2])
  pos = (id * 997) % #paths  -- each client starts at its own place in the shared list
  math.randomseed(1000 + id)
end

function request()
  if follow then
    last, follow = follow, nil
  else
    pos = pos % #paths + 1
    last = paths[pos]
  end
  started = now_ms()
  if not first then first = started end
  return wrk.format("GET", last)
end

function response(status, headers, body)
  finish = now_ms()
  local took = finish - started
  if last:find("/api/events", 1, true) == 1 then
    lat_events[#lat_events + 1] = took
    if status ~= 200 then err_events = err_events + 1 end
    if status == 200 and not last:find("cursor=", 1, true) and math.random() < 0.2 then
      local c = body:match('"next_cursor":%s*"([%w_%-]+)"')
      if c then follow = last .. (last:find("?", 1, true) and "&" or "?") .. "cursor=" .. c end
    end
  else
    lat_network[#lat_network + 1] = took
    if status ~= 200 then err_network = err_network + 1 end
  end
  sent = sent + 1
  if sent >= cap then wrk.thread:stop() end
end

local function pct(sorted, p)
  if #sorted == 0 then return 0 end
  return sorted[math.max(1, math.ceil(p / 100 * #sorted))]
end

function done(summary, latency, requests)
  local parts, every, t0, t1 = {}, {}, nil, 0
  for _, name in ipairs({"events", "network"}) do
    local all, errs = {}, 0
    for _, t in ipairs(threads) do
      for _, v in ipairs(t:get("lat_" .. name)) do
        all[#all + 1] = v
        every[#every + 1] = v
      end
      errs = errs + t:get("err_" .. name)
    end
    table.sort(all)
    parts[#parts + 1] = string.format('"/api/%s": {"requests": %d, "errors": %d, "p50_ms": %.1f, "p95_ms": %.1f, '
      .. '"p99_ms": %.1f, "max_ms": %.1f}', name, #all, errs, pct(all, 50), pct(all, 95), pct(all, 99), pct(all, 100))
  end
  table.sort(every)
  for _, t in ipairs(threads) do
    local f = t:get("first")
    if f and (not t0 or f < t0) then t0 = f end
    t1 = math.max(t1, t:get("finish"))
  end
  local e = summary.errors
  io.write(string.format('MARSAD-RESULT {%s, "seconds": %.3f, "all_p50_ms": %.1f, "all_p95_ms": %.1f, '
    .. '"wrk_corrected_p95_ms": %.1f, "socket_errors": %d}\n', table.concat(parts, ", "), (t1 - (t0 or t1)) / 1000,
    pct(every, 50), pct(every, 95), latency:percentile(95) / 1000, e.connect + e.read + e.write + e.timeout))
end
"""


def run_wrk(base: str, paths: list[str], clients: int, seconds: int, requests: int, tmp: Path) -> dict[str, Any]:
    """Drive the server with wrk; the figures its Lua `done` prints."""
    (tmp / "paths.txt").write_text("\n".join(paths) + "\n")
    (tmp / "load.lua").write_text(WRK_LUA)
    cap = max(1, requests // clients)
    cmd = ["wrk", f"-t{clients}", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", str(tmp / "load.lua"),
           base, "--", str(tmp / "paths.txt"), str(cap)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    line = next((x for x in out.splitlines() if x.startswith("MARSAD-RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{out}")
    return json.loads(line.removeprefix("MARSAD-RESULT "))


def server_cpu_seconds(proc: subprocess.Popen[bytes]) -> float:
    """CPU time used so far by the server and its worker processes: the cost of a request,
    independent of how busy the shared machine is."""
    import psutil

    root = psutil.Process(proc.pid)
    total = 0.0
    for p in [root, *root.children(recursive=True)]:
        try:
            t = p.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system
    return total


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (marsad serve --workers)")
    ap.add_argument("--seconds", type=int, default=30, help="the load stops after this long...")
    ap.add_argument("--requests", type=int, default=100_000, help="...or after this many requests in all")
    ap.add_argument("--db", type=Path, help="reuse (or build once at) this store instead of a temporary one")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        db = args.db or tmp / "bench.db"
        if not db.exists():
            t0 = time.perf_counter()
            build_store(db, args.events)
            print(f"built store: {args.events} events in {time.perf_counter() - t0:.1f}s")
        port = free_port()
        proc = start_server(db, port, args.workers)
        try:
            load_before, cpu_before = loadavg(), server_cpu_seconds(proc)
            res = run_wrk(f"http://127.0.0.1:{port}", request_paths(5000), args.clients, args.seconds, args.requests,
                          tmp)
            cpu = server_cpu_seconds(proc) - cpu_before
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    ev, net = res["/api/events"], res["/api/network"]
    total = ev["requests"] + net["requests"]
    summary = {
        "events": args.events, "clients": args.clients, "workers": args.workers, "requests": total,
        "seconds": res["seconds"], "requests_per_s": round(total / res["seconds"], 1) if res["seconds"] else 0,
        "p50_ms": res["all_p50_ms"], "p95_ms": res["all_p95_ms"], "wrk_corrected_p95_ms": res["wrk_corrected_p95_ms"],
        "errors": ev["errors"] + net["errors"] + res["socket_errors"],
        "server_cpu_ms_per_request": round(1000 * cpu / total, 2) if total else 0,
        "/api/events": ev, "/api/network": net,
        "loadavg_before": load_before, "loadavg_after": loadavg(),
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
