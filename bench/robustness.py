"""Robustness run over real text (not a timed test): every SaudiNewsNet article
through the full pipeline, counting crashes, events by type, speed and peak memory.

    .venv/bin/python bench/robustness.py [--limit N] [--corpus ../shared/corpus/saudinewsnet]

Reads the archive with marsad's own shard readers, so ZIP members and JSON
arrays stream: memory stays flat however many articles there are.
"""

from __future__ import annotations

import argparse
import collections
import time
import traceback
from pathlib import Path

import psutil

from marsad.errors import Failure
from marsad.ingest.archives import plan_shards, read_shard
from marsad.pipeline import extract

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "saudinewsnet"
MAX_BYTES = 20 * 1024 * 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    ap.add_argument("--limit", type=int, default=0, help="stop after this many articles (0: all)")
    args = ap.parse_args()
    proc = psutil.Process()
    counts: collections.Counter[str] = collections.Counter()
    docs = crashes = rejected = 0
    peak = proc.memory_info().rss
    t0 = time.perf_counter()
    for shard in plan_shards([str(args.corpus)], MAX_BYTES):
        if isinstance(shard, Failure):
            rejected += 1
            continue
        for item in read_shard(shard, MAX_BYTES):
            if isinstance(item, Failure):
                rejected += 1
                continue
            try:
                counts.update(e.type for e in extract(item).events)
            except Exception:  # the point is to count and show crashes
                crashes += 1
                if crashes <= 3:
                    traceback.print_exc()
            docs += 1
            if docs % 1000 == 0:
                peak = max(peak, proc.memory_info().rss)
            if args.limit and docs >= args.limit:
                break
        if args.limit and docs >= args.limit:
            break
    secs = time.perf_counter() - t0
    peak = max(peak, proc.memory_info().rss)
    print(f"articles {docs}, rejected inputs {rejected}, crashes {crashes}")
    print(f"docs/s {docs / secs:.0f} (one process), peak RSS {peak / 1e6:.0f} MB")
    print("events by type: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))


if __name__ == "__main__":
    main()
