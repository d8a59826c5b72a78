"""SQLite (WAL) or any SQLAlchemy database holding documents, events and failures.

One transaction per document on ingest; re-extraction replaces a corpus's
events in one transaction; ingesting the same document twice stores it once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, create_engine, event, func, or_, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import functions

from marsad.config import db_url
from marsad.errors import Failure, MarsadError
from marsad.model import Document, Event, Location, Participant, Party
from marsad.normalize import normalize_form
from marsad.store.schema import documents, events, failures, participants, topics

MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant works: it names the lock that serialises migrations of one PostgreSQL database.
_MIGRATION_LOCK = 0x6D61727361
# Rows per IN (...) lookup: well under SQLite's and PostgreSQL's bound-parameter limits.
_CHUNK = 500


@dataclass(slots=True)
class EventQuery:
    """Filters shared by the CLI, the exports and the HTTP API."""

    country: str | None = None
    pair: tuple[str, str] | None = None
    type: str | None = None
    status: str | None = None
    topic: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    text: str | None = None
    doc_id: str | None = None
    limit: int | None = None
    offset: int = 0
    # False: one event per story (its primary); True: every raw record, one per document that reported it.
    per_document: bool = False


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def event_id_for(doc_id: str, index: int, ev: Event) -> str:
    """Stable id from the document, the event's place in it and its core fields."""
    key = f"{doc_id}|{index}|{ev.type}|{ev.status}|{ev.actor.country}|{ev.recipient.country}|{ev.evidence_start}"
    return hashlib.sha256(key.encode()).hexdigest()[:20]


class Store:
    """Open (and migrate) a store from a path or SQLAlchemy URL."""

    def __init__(self, db: str, *, create: bool = True) -> None:
        url = db_url(db)
        if url.startswith("sqlite:///") and not create:
            path = Path(url.removeprefix("sqlite:///"))
            if not path.exists():
                raise MarsadError(f"no database at {path} (run `marsad ingest` first or pass --db)")
        self.engine: Engine = create_engine(url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.migrate()

    # -- schema -------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the schema to the newest migration (Alembic)."""
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(cfg).get_current_head()
        if self.schema_version() == head:
            return
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Two ingests opening a fresh database at once: the second waits, then finds head.
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            elif conn.dialect.name == "sqlite":
                # pysqlite runs DDL outside any transaction; take the write lock first so a second process
                # opening the same fresh file waits here and then finds the schema at head.
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def schema_version(self) -> str | None:
        from sqlalchemy import inspect, text

        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    # -- writing ------------------------------------------------------------
    def has_document(self, doc_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(documents.c.doc_id).where(documents.c.doc_id == doc_id)).first() is not None

    def existing(self, doc_ids: Iterable[str]) -> set[str]:
        """The ids among `doc_ids` already stored (lets a worker skip extracting them)."""
        ids, found, key = sorted(set(doc_ids)), set(), documents.c.doc_id
        with self.engine.connect() as conn:
            for i in range(0, len(ids), _CHUNK):
                found |= set(conn.scalars(select(key).where(key.in_(ids[i : i + _CHUNK]))))
        return found

    def add_document(self, doc: Document, version: str) -> bool:
        """Store a document and its events; False when it was already there."""
        return bool(self.add_documents([doc], version))

    def add_documents(self, docs: Sequence[Document], version: str) -> set[str]:
        """Store documents and their events in one transaction; returns the ids that were new.

        The document key decides (`INSERT ... ON CONFLICT DO NOTHING`), so a re-run or a
        second process ingesting the same article at the same moment stores it once: on
        PostgreSQL the later insert waits for the earlier commit, then skips. Rows go in key
        order, so two concurrent batches always lock in the same order and cannot deadlock.
        """
        first: dict[str, Document] = {}
        for d in docs:
            first.setdefault(d.doc_id, d)
        rows = [_doc_row(first[k], version) for k in sorted(first)]
        if not rows:
            return set()
        with self.engine.begin() as conn:
            new = _insert_new_documents(conn, rows)
            _write_many(conn, [(k, first[k].events) for k in sorted(new)])
        return new

    def replace_events(self, results: Iterable[tuple[str, list[Event]]], version: str) -> int:
        """Swap the events of many documents in one transaction; returns events written."""
        written = 0
        with self.engine.begin() as conn:
            for doc_id, evs in results:
                _delete_events(conn, doc_id)
                _write_events(conn, doc_id, evs)
                conn.execute(
                    documents.update().where(documents.c.doc_id == doc_id).values(extractor_version=version)
                )
                written += len(evs)
        return written

    def add_failure(self, failure: Failure) -> None:
        self.add_failures([failure])

    def add_failures(self, fails: Sequence[Failure]) -> int:
        """Keep failures in one transaction; one already kept (same origin, code, reason) is not
        added again, so re-running a batch over the same bad inputs adds nothing. Returns rows added."""
        keys = {(f.origin, f.code, f.reason): f for f in fails}
        if not keys:
            return 0
        with self.engine.begin() as conn:
            origins = sorted({k[0] for k in keys})
            for i in range(0, len(origins), _CHUNK):
                cols = (failures.c.origin, failures.c.code, failures.c.reason)
                stmt = select(*cols).where(failures.c.origin.in_(origins[i : i + _CHUNK]))
                for row in conn.execute(stmt):
                    keys.pop(tuple(row), None)
            rows = [
                {"origin": f.origin, "code": f.code, "reason": f.reason, "created_at": _now(),
                 "raw": f.raw.encode("utf-8", "replace") if isinstance(f.raw, str) else f.raw}
                for f in keys.values()
            ]
            if rows:
                conn.execute(failures.insert(), rows)
        return len(rows)

    # -- reading ------------------------------------------------------------
    def iter_documents(self) -> Iterator[Document]:
        with self.engine.connect() as conn:
            for row in conn.execute(select(documents).order_by(documents.c.doc_id)):
                yield _row_document(row._mapping)

    def get_document(self, doc_id: str) -> Document | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(documents).where(documents.c.doc_id == doc_id)).first()
        return _row_document(row._mapping) if row else None

    def events(self, q: EventQuery | None = None) -> list[Event]:
        """Events matching `q`, newest first, each with topics and participants."""
        q = q or EventQuery()
        stmt = select(events).where(*_conditions(q)).order_by(
            events.c.date.desc().nulls_last(), events.c.doc_id, events.c.evidence_start, events.c.event_id
        )
        if q.limit is not None:
            stmt = stmt.limit(q.limit).offset(q.offset)
        with self.engine.connect() as conn:
            rows = [r._mapping for r in conn.execute(stmt)]
            return _hydrate(conn, rows)

    def count(self, table: str) -> int:
        tab = {"documents": documents, "events": events, "failures": failures}[table]
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(tab)).scalar_one()

    def failures(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(failures).order_by(failures.c.id))
            return [
                {k: v for k, v in r._mapping.items() if k != "raw"} | {"raw_bytes": len(r.raw or b"")}
                for r in rows
            ]


@compiles(functions.min, "postgresql")
@compiles(functions.max, "postgresql")
def _pg_scalar_min_max(element: Any, compiler: Any, **kw: Any) -> str:
    """SQLite's scalar min(a, b) / max(a, b) are LEAST / GREATEST on PostgreSQL; one argument stays the aggregate."""
    if len(element.clauses) > 1:
        name = "LEAST" if isinstance(element, functions.min) else "GREATEST"
        return f"{name}({compiler.process(element.clauses, **kw)})"
    return compiler.visit_function(element, **kw)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, and much faster
    cur.close()


def _doc_row(doc: Document, version: str) -> dict[str, Any]:
    return {
        "doc_id": doc.doc_id,
        "text": doc.text,
        "published": doc.published.isoformat() if doc.published else None,
        "source": doc.source,
        "title": doc.title,
        "url": doc.url,
        "language": doc.language,
        "origin": doc.origin,
        "extractor_version": version,
        "ingested_at": _now(),
    }


def _row_document(m: Any) -> Document:
    from datetime import date

    return Document(
        text=m["text"],
        published=date.fromisoformat(m["published"]) if m["published"] else None,
        source=m["source"],
        title=m["title"],
        url=m["url"],
        language=m["language"],
        doc_id=m["doc_id"],
        origin=m["origin"],
    )


def _delete_events(conn: Connection, doc_id: str) -> None:
    ids = select(events.c.event_id).where(events.c.doc_id == doc_id)
    conn.execute(topics.delete().where(topics.c.event_id.in_(ids)))
    conn.execute(participants.delete().where(participants.c.event_id.in_(ids)))
    conn.execute(events.delete().where(events.c.doc_id == doc_id))


def _insert_new_documents(conn: Connection, rows: list[dict[str, Any]]) -> set[str]:
    """Insert the rows whose key is not stored yet; the ids actually inserted."""
    key = documents.c.doc_id
    if conn.dialect.name in ("postgresql", "sqlite"):
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(documents).on_conflict_do_nothing(index_elements=[key]).returning(key)
        return set(conn.execute(stmt, rows).scalars())
    # Other databases: check then insert (not safe against a concurrent writer of the same key).
    have = set(conn.scalars(select(key).where(key.in_([r["doc_id"] for r in rows]))))
    fresh = [r for r in rows if r["doc_id"] not in have]
    if fresh:
        conn.execute(documents.insert(), fresh)
    return {r["doc_id"] for r in fresh}


def _write_events(conn: Connection, doc_id: str, evs: list[Event]) -> None:
    _write_many(conn, [(doc_id, evs)])


def _write_many(conn: Connection, results: Iterable[tuple[str, list[Event]]]) -> None:
    """The events of many documents in three multi-row inserts (events, topics, participants)."""
    ev_rows, topic_rows, part_rows = [], [], []
    for doc_id, evs in results:
        for i, ev in enumerate(evs):
            ev.doc_id = doc_id
            ev.event_id = event_id_for(doc_id, i, ev)
            ev_rows.append(_event_row(ev))
            topic_rows += [{"event_id": ev.event_id, "topic": t} for t in sorted(set(ev.topics))]
            part_rows += [
                {"event_id": ev.event_id, "name": p.name, "title": p.title, "country": p.country}
                for p in ev.participants
            ]
    for table, rows in ((events, ev_rows), (topics, topic_rows), (participants, part_rows)):
        if rows:
            conn.execute(table.insert(), rows)


def _event_row(ev: Event) -> dict[str, Any]:
    return {
        **ev.flat(),
        "evidence_norm": normalize_form(ev.evidence),
        "evidence_start": ev.evidence_start,
        "evidence_end": ev.evidence_end,
        "trigger_start": ev.trigger_start,
        "trigger_end": ev.trigger_end,
        "provenance": json.dumps(ev.provenance, ensure_ascii=False, sort_keys=True),
        "story_id": ev.story,
    }


def _row_party(r: Any, role: str) -> Party:
    return Party(r[f"{role}_country"], r[f"{role}_sector"], r[f"{role}_name"], r[f"{role}_title"])


def _conditions(q: EventQuery) -> list[Any]:
    c = events.c
    conds: list[Any] = []
    if q.country:
        conds.append(or_(c.actor_country == q.country.upper(), c.recipient_country == q.country.upper()))
    if q.pair:
        a, b = (x.upper() for x in q.pair)
        conds.append(
            or_(
                and_(c.actor_country == a, c.recipient_country == b),
                and_(c.actor_country == b, c.recipient_country == a),
            )
        )
    if q.type:
        conds.append(c.type == q.type.upper())
    if q.status:
        conds.append(c.status == q.status.lower())
    if q.topic:
        conds.append(c.event_id.in_(select(topics.c.event_id).where(topics.c.topic == q.topic)))
    if q.date_from:
        conds.append(c.date >= q.date_from)
    if q.date_to:
        # '2025-01' <= '2025-01-31' sorts right; pad so a day in the last month counts.
        conds.append(c.date <= q.date_to + "~")
    if q.text:
        needle = f"%{normalize_form(q.text)}%"
        conds.append(
            or_(c.evidence_norm.like(needle), c.actor_name.like(needle), c.recipient_name.like(needle))
        )
    if q.doc_id:
        conds.append(c.doc_id == q.doc_id)
    if not q.per_document and not q.doc_id:
        # One row per story: its primary, or any event not linked yet (NULL), which is a story of its own.
        conds.append(or_(c.story_primary.is_(None), c.story_primary == 1))
    return conds


def _hydrate(conn: Connection, rows: list[Any]) -> list[Event]:
    ids = [r["event_id"] for r in rows]
    tmap: dict[str, list[str]] = {}
    pmap: dict[str, list[Participant]] = {}
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        topic_rows = select(topics.c.event_id, topics.c.topic).where(topics.c.event_id.in_(chunk))
        for eid, topic in conn.execute(topic_rows):
            tmap.setdefault(eid, []).append(topic)
        part_rows = select(participants).where(participants.c.event_id.in_(chunk)).order_by(participants.c.id)
        for p in conn.execute(part_rows):
            pmap.setdefault(p.event_id, []).append(Participant(p.name, p.title, p.country))
    out = []
    for r in rows:
        placed = r["location_name"] or r["location_country"]
        loc = Location(r["location_name"], r["location_country"]) if placed else None
        out.append(
            Event(
                type=r["type"],
                status=r["status"],
                mode=r["mode"],
                actor=_row_party(r, "actor"),
                recipient=_row_party(r, "recipient"),
                date=r["date"],
                location=loc,
                topics=sorted(tmap.get(r["event_id"], [])),
                participants=pmap.get(r["event_id"], []),
                evidence=r["evidence"],
                evidence_start=r["evidence_start"],
                evidence_end=r["evidence_end"],
                trigger=r["trigger"] or "",
                trigger_start=r["trigger_start"] or 0,
                trigger_end=r["trigger_end"] or 0,
                confidence=r["confidence"],
                extractor_version=r["extractor_version"],
                provenance=json.loads(r["provenance"] or "{}"),
                doc_id=r["doc_id"],
                event_id=r["event_id"],
                story=r.get("story_id"),
            )
        )
    return out
