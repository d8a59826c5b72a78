"""How fast near-duplicate detection runs: 100,000 synthetic Arabic documents, one core.

The corpus is generated in-process (no data files): groups of one "agency text"
and its syndicated copies (another headline and footer, a few words changed),
so the benchmark also reports how many copies were caught and how many
distinct texts were wrongly merged. Only signature + LSH lookup + insert are
timed; generating the text is not. Throughput is given in CPU time of this one
process (what one core does, whatever else runs on the machine) and in wall
time. Peak memory is the process's maximum RSS.

    .venv/bin/python bench/dedup_bench.py [--docs 100000] [--copies 4]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time
from collections.abc import Iterator
from dataclasses import dataclass

from marsad.dedup import Deduper, signature

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
SEED = 6  # fixed: the same corpus every run


@dataclass(slots=True)
class Doc:
    doc_id: str
    group: int  # documents of one group are copies of one text
    text: str


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    words = {"".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 7))) for _ in range(size * 2)}
    return sorted(words)[:size]


def corpus(n: int, copies: int, rng: random.Random) -> Iterator[Doc]:
    """Groups of 1 + `copies` documents: a 150-300 word text, then copies with boilerplate and 3 words changed."""
    vocab = vocabulary(rng)
    weights = [1 / (i + 1) for i in range(len(vocab))]  # Zipf-like, as in news text
    made, group = 0, 0
    while made < n:
        base = rng.choices(vocab, weights, k=rng.randint(150, 300))
        for c in range(copies + 1):
            if made >= n:
                return
            words = list(base)
            if c:
                for _ in range(3):
                    words[rng.randrange(len(words))] = rng.choice(vocab)
                head = rng.choices(vocab, k=rng.randint(4, 10))
                tail = rng.choices(vocab, k=rng.randint(5, 15))
                words = head + words + tail
            yield Doc(f"d{made}", group, " ".join(words))
            made += 1
        group += 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--copies", type=int, default=4, help="near-duplicates per original")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    rng = random.Random(SEED)
    dedup = Deduper()
    first_of: dict[int, str] = {}
    group_of: dict[str, int] = {}
    caught = missed = wrong = 0
    busy = wall = 0.0
    for doc in corpus(args.docs, args.copies, rng):
        c0, w0 = time.process_time(), time.perf_counter()
        sig = signature(doc.text)
        match = dedup.find(sig)
        if match is None:
            dedup.add(doc.doc_id, sig)
        busy += time.process_time() - c0
        wall += time.perf_counter() - w0
        is_copy = doc.group in first_of
        if match is None:
            missed += is_copy
            first_of.setdefault(doc.group, doc.doc_id)
            group_of[doc.doc_id] = doc.group
        elif group_of[match.doc_id] == doc.group:
            caught += 1
        else:
            wrong += 1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    copies = caught + missed + wrong
    print(f"documents            {args.docs:,} ({len(first_of):,} originals, {copies:,} near-duplicate copies)")
    print(f"dedup throughput     {args.docs / busy:,.0f} docs/s on one core ({busy:.1f} s CPU in signature + LSH)")
    print(f"                     {args.docs / wall:,.0f} docs/s wall clock ({wall:.1f} s; lower on a busy machine)")
    share = caught / max(copies, 1)
    print(f"copies caught        {caught:,} ({share:.2%}); missed {missed:,}; wrongly merged {wrong:,}")
    print(f"index size           {len(dedup):,} signatures")
    print(f"peak memory          {peak_mb:,.0f} MB RSS (corpus generated on the fly, not held)")


if __name__ == "__main__":
    main()
