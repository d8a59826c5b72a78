"""Write events as CSV, JSONL, Parquet or GraphML for analysis elsewhere.

Flat rows (one per event, `actor_country`, `topics` ...) suit CSV, pandas,
polars and DuckDB; JSONL keeps the nested record; GraphML is the country
network (states as nodes, events as weighted edges) for Gephi or networkx.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from marsad.model import Event

FLAT_FIELDS = [
    "event_id",
    "doc_id",
    "type",
    "mode",
    "status",
    "actor_country",
    "actor_sector",
    "actor_name",
    "actor_title",
    "recipient_country",
    "recipient_sector",
    "recipient_name",
    "recipient_title",
    "date",
    "date_precision",
    "location_name",
    "location_country",
    "topics",
    "participants",
    "evidence",
    "trigger",
    "confidence",
    "extractor_version",
]


def flat(ev: Event) -> dict[str, Any]:
    """One event as a flat row; topics stay a list, participants a JSON string."""
    return {
        **ev.flat(),
        "topics": list(ev.topics),
        "participants": json.dumps([asdict(p) for p in ev.participants], ensure_ascii=False),
    }


def write_csv(events: Iterable[Event], out: IO[str]) -> int:
    w = csv.DictWriter(out, fieldnames=FLAT_FIELDS)
    w.writeheader()
    n = 0
    for ev in events:
        row = flat(ev)
        row["topics"] = ";".join(row["topics"])
        w.writerow(row)
        n += 1
    return n


def write_jsonl(events: Iterable[Event], out: IO[str]) -> int:
    n = 0
    for ev in events:
        out.write(json.dumps(ev.to_record(), ensure_ascii=False) + "\n")
        n += 1
    return n


def write_parquet(events: Iterable[Event], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [flat(ev) for ev in events]
    schema = pa.schema(
        [
            (f, pa.list_(pa.string()))
            if f == "topics"
            else (f, pa.float64())
            if f == "confidence"
            else (f, pa.string())
            for f in FLAT_FIELDS
        ]
    )
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path)
    return len(rows)


def network(events: Iterable[Event]) -> Any:
    """Countries as nodes; one weighted edge per country pair, with counts by type."""
    import networkx as nx

    g = nx.Graph()
    for ev in events:
        a, b = ev.actor.country, ev.recipient.country
        if not a or not b or a == b:
            continue
        for node in (a, b):
            if node not in g:
                g.add_node(node, label=node)
        if g.has_edge(a, b):
            g[a][b]["weight"] += 1
        else:
            g.add_edge(a, b, weight=1)
        key = f"n_{ev.type.lower()}"
        g[a][b][key] = g[a][b].get(key, 0) + 1
    return g


def write_graphml(events: Iterable[Event], out: IO[bytes]) -> int:
    import networkx as nx

    g = network(events)
    buf = io.BytesIO()
    nx.write_graphml(g, buf)
    out.write(buf.getvalue())
    return g.number_of_edges()
