"""The demo corpus round-trips through ingest, events, export and re-extraction."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pyarrow.parquet as pq
import pytest

from marsad.cli import app
from marsad.model import Document, Event, Party
from marsad.store import EventQuery, Store
from tests.conftest import EXAMPLES


def test_ingest_examples_twice_adds_nothing(runner, db: str) -> None:
    res = runner.invoke(app, ["ingest", str(EXAMPLES), "--db", db, "-q"])
    assert res.exit_code == 0, res.output
    store = Store(db)
    n_docs, n_events = store.count("documents"), store.count("events")
    assert n_docs >= 16 and n_events > 0
    res = runner.invoke(app, ["ingest", str(EXAMPLES), "--db", db, "-q"])
    assert res.exit_code == 0
    assert (store.count("documents"), store.count("events")) == (n_docs, n_events)


def test_events_formats_and_filters(runner, db: str) -> None:
    runner.invoke(app, ["ingest", str(EXAMPLES), "--db", db, "-q"])
    res = runner.invoke(app, ["events", "--db", db, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert res.exit_code == 0 and rows and {"type", "actor_country", "evidence"} <= set(rows[0])
    res = runner.invoke(app, ["events", "--db", db, "--format", "json", "--type", "CONSULT"])
    recs = json.loads(res.stdout)
    assert recs and all(r["type"] == "CONSULT" for r in recs)
    assert all({"evidence_start", "trigger", "confidence", "extractor_version", "provenance"} <= set(r) for r in recs)
    some = recs[0]["actor"]["country"]
    res = runner.invoke(app, ["events", "--db", db, "--format", "json", "--country", some])
    assert all(some in (r["actor"]["country"], r["recipient"]["country"]) for r in json.loads(res.stdout))
    res = runner.invoke(app, ["events", "--db", db])
    assert res.exit_code == 0 and "events" in res.stdout


def test_exports_open_in_their_tools(runner, db: str, tmp_path: Path) -> None:
    runner.invoke(app, ["ingest", str(EXAMPLES), "--db", db, "-q"])
    n = Store(db).count("events")
    pq_path = tmp_path / "e.parquet"
    assert runner.invoke(app, ["export", "--db", db, "-f", "parquet", "-o", str(pq_path)]).exit_code == 0
    table = pq.read_table(pq_path)
    assert table.num_rows == n and "topics" in table.column_names
    gm = tmp_path / "e.graphml"
    assert runner.invoke(app, ["export", "--db", db, "-f", "graphml", "-o", str(gm)]).exit_code == 0
    g = nx.read_graphml(gm)
    assert g.number_of_nodes() >= 2 and all("weight" in d for *_, d in g.edges(data=True))
    res = runner.invoke(app, ["export", "--db", db, "-f", "jsonl"])
    assert len([ln for ln in res.stdout.splitlines() if ln.startswith("{")]) == n


def test_reextract_replaces_events_in_one_transaction(db: str) -> None:
    store = Store(db)
    doc = Document(text="نص تجريبي عن لقاء أمني في الرياض")
    doc.events = [
        Event(type="CONSULT", actor=Party("SAU"), recipient=Party("PAK"), evidence="x", extractor_version="old")
    ]
    assert store.add_document(doc, "old")
    assert not store.add_document(doc, "old")  # same text: stored once
    new = [
        Event(
            type="AGREE",
            actor=Party("SAU"),
            recipient=Party("PAK"),
            evidence="y",
            topics=["training"],
            extractor_version="new",
        )
    ]
    assert store.replace_events([(doc.doc_id, new)], "new") == 1
    evs = store.events(EventQuery())
    assert [(e.type, e.topics, e.extractor_version) for e in evs] == [("AGREE", ["training"], "new")]


def test_reextract_rolls_back_on_failure(db: str) -> None:
    store = Store(db)
    doc = Document(text="نص تجريبي آخر")
    doc.events = [Event(type="CONSULT", actor=Party("SAU"), recipient=Party("PAK"), evidence="x")]
    store.add_document(doc, "v1")

    def results():
        yield doc.doc_id, [Event(type="AGREE", actor=Party("SAU"), recipient=Party("PAK"), evidence="y")]
        raise RuntimeError("extractor crashed half way")

    with pytest.raises(RuntimeError):
        store.replace_events(results(), "v2")
    assert [e.type for e in store.events()] == ["CONSULT"]


def test_same_text_with_other_diacritics_is_one_document() -> None:
    assert Document(text="وقّع الجانبان").doc_id == Document(text="وقع  الجانبان").doc_id
