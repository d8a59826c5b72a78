"""`marsad bench`: documents per second of the full pipeline against a baseline
pass that only reads and normalises the same text, in one run, and peak memory."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
from rich.console import Console
from rich.table import Table

from marsad.model import Document
from marsad.normalize import normalize
from marsad.pipeline import extract

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo.jsonl"


def _texts(corpus: Path) -> list[str]:
    with corpus.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


def _stream(texts: list[str], n: int) -> Iterator[str]:
    return itertools.islice(itertools.cycle(texts), n)


def run_bench(n: int, corpus: Path | None, console: Console) -> dict[str, float]:
    path = corpus or DEMO
    if not path.exists():
        raise SystemExit(f"no corpus at {path}: pass --corpus FILE.jsonl")
    texts = _texts(path)
    proc = psutil.Process()
    extract(Document(text=texts[0]))  # load lexicons outside the timing
    rss0 = proc.memory_info().rss
    t0 = time.perf_counter()
    chars = 0
    for text in _stream(texts, n):
        chars += len(normalize(text).text)
    base = time.perf_counter() - t0
    peak = rss0
    events = 0
    t1 = time.perf_counter()
    for i, text in enumerate(_stream(texts, n)):
        events += len(extract(Document(text=text)).events)
        if i % 500 == 0:
            peak = max(peak, proc.memory_info().rss)
    full = time.perf_counter() - t1
    peak = max(peak, proc.memory_info().rss)
    res = {
        "documents": n,
        "docs_per_s": n / full,
        "baseline_docs_per_s": n / base,
        "ratio": full / base,
        "events": events,
        "rss_start_mb": rss0 / 1e6,
        "rss_peak_mb": peak / 1e6,
    }
    t = Table(title=f"marsad bench: {n} documents from {path.name} ({len(texts)} distinct), one process")
    t.add_column("measure")
    t.add_column("value", justify="right")
    t.add_row("extraction docs/s", f"{res['docs_per_s']:.0f}")
    t.add_row("baseline (read + normalise) docs/s", f"{res['baseline_docs_per_s']:.0f}")
    t.add_row("time ratio extraction / baseline", f"{res['ratio']:.1f}")
    t.add_row("events extracted", str(events))
    t.add_row("RSS at start / peak (MB)", f"{res['rss_start_mb']:.0f} / {res['rss_peak_mb']:.0f}")
    console.print(t)
    return res
