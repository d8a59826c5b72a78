"""Read-side queries the HTTP API needs beyond `Store.events`.

Every function takes a `Store`, reads through `store.engine` with SQLAlchemy
Core (so every value is a bound parameter) and returns typed records. The web
layer never builds SQL itself.
"""

from __future__ import annotations

import base64
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import and_, case, event, func, or_, select

from marsad.model import Document, Event
from marsad.store.db import EventQuery, Store, _conditions, _hydrate
from marsad.store.schema import documents, events, failures, topics

SORTS = ("-date", "date", "-confidence", "confidence")
# Reading a 100,000-event store (about 120 MB) through a memory map skips a read() and a
# copy per page; 256 MiB of address space covers stores several times that size.
MMAP_BYTES = 256 * 1024 * 1024
# Per connection, so kept modest (several connections per worker): the OS page cache
# behind the memory map holds the rest, shared by every worker.
CACHE_KIB = 16 * 1024


class BadCursor(ValueError):
    """A pagination cursor that was not produced by `events_page`."""


@dataclass(slots=True)
class EventPage:
    events: list[Event]
    total: int
    next_cursor: str | None
    sort: str


@dataclass(slots=True)
class Partner:
    country: str
    events: int
    by_type: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class CountryProfile:
    iso3: str
    total: int
    as_actor: int
    as_recipient: int
    by_type: dict[str, int]
    partners: list[Partner]
    topics_by_month: dict[str, dict[str, int]]  # month -> topic -> count
    latest: list[Event]


@dataclass(slots=True)
class Edge:
    source: str
    target: str
    weight: int
    by_type: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class Network:
    nodes: dict[str, int]  # country -> number of events it takes part in (within the edges)
    edges: list[Edge]


@dataclass(slots=True)
class Stats:
    documents: int
    events: int
    failures: int
    by_type: dict[str, int]
    by_status: dict[str, int]
    by_topic: dict[str, int]
    by_month: dict[str, dict[str, int]]  # month -> type -> count
    top_pairs: list[Edge]


# -- events, with keyset pagination -------------------------------------------
def _encode_cursor(sort: str, key: Any, event_id: str) -> str:
    raw = json.dumps([sort, key, event_id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        s, key, eid = json.loads(raw)
    except (ValueError, TypeError) as exc:
        raise BadCursor("cursor is not one this server produced") from exc
    if s != sort or not isinstance(eid, str) or not (key is None or isinstance(key, (str, int, float))):
        raise BadCursor("cursor does not belong to this sort order")
    return key, eid


def _after(sort: str, key: Any, eid: str) -> Any:
    """The keyset condition 'comes after (key, eid)' for the sort order.

    Dates can be NULL: descending order puts them last, ascending first, so the
    NULL block needs its own branch.
    """
    c = events.c
    desc = sort.startswith("-")
    col = c.date if sort.endswith("date") else c.confidence
    id_after = c.event_id < eid if desc else c.event_id > eid
    if key is None:
        if desc:
            return and_(col.is_(None), id_after)
        return or_(and_(col.is_(None), id_after), col.is_not(None))
    beyond = col < key if desc else col > key
    cond = or_(beyond, and_(col == key, id_after))
    return or_(cond, col.is_(None)) if desc and col is c.date else cond


def _order(sort: str) -> list[Any]:
    c = events.c
    col = c.date if sort.endswith("date") else c.confidence
    if sort.startswith("-"):
        return [col.desc().nulls_last(), c.event_id.desc()]
    return [col.asc().nulls_first(), c.event_id.asc()]


def _branches(q: EventQuery) -> list[list[Any]]:
    """The filter as one or more disjoint condition lists.

    A country filter means actor OR recipient, a pair means (a, b) OR (b, a); SQLite
    answers an OR by merging index lookups and then sorting every match, which for a
    busy country or pair is thousands of wide rows. Split in branches, each side reads
    its own (country, date, event_id) index already in order and stops after one page.
    """
    c = events.c
    if q.pair:
        rest = _conditions(replace(q, pair=None))
        a, b = (x.upper() for x in q.pair)
        ways = [(a, b)] if a == b else [(a, b), (b, a)]
        return [[*rest, c.actor_country == x, c.recipient_country == y] for x, y in ways]
    if not q.country:
        return [_conditions(q)]
    rest = _conditions(replace(q, country=None))
    code = q.country.upper()
    return [
        [*rest, c.actor_country == code],
        [*rest, c.recipient_country == code, or_(c.actor_country != code, c.actor_country.is_(None))],
    ]


def _sort_rows(rows: list[Any], sort: str) -> list[Any]:
    """Order merged branch rows exactly as `_order` does in SQL (stable two-pass sort)."""
    desc = sort.startswith("-")
    col = "date" if sort.endswith("date") else "confidence"
    rows = sorted(rows, key=lambda r: r["event_id"], reverse=desc)
    return sorted(rows, key=lambda r: (r[col] is not None, r[col] if r[col] is not None else ""), reverse=desc)


def reads_in_order(matches: int, population: int, limit: int) -> bool:
    """Whether a page is cheaper read along the sort order than through the filter's indexes.

    Walking the sort index reads about `limit * population / matches` rows before a page is
    full; using the filter's index reads and sorts all `matches` rows. The walk wins when
    matches exceed sqrt(limit * population): about 2,300 of 100,000 events for a page of 50.
    """
    return matches * matches > (limit + 1) * population


def events_page(
    store: Store,
    q: EventQuery,
    *,
    limit: int,
    cursor: str | None = None,
    sort: str = "-date",
    with_total: bool = True,
    in_order: bool = False,
) -> EventPage:
    """One page of events matching `q`, and the cursor of the next page.

    `in_order` (see `reads_in_order`): the filter matches many events, so tell SQLite's
    planner, which has no statistics on a store it only reads, that its terms are
    likely true; it then walks the sort index and stops after one page instead of
    sorting thousands of rows (50 to 100 times faster for a busy country or topic).
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    after = [_after(sort, *_decode_cursor(cursor, sort))] if cursor else []
    branches = _branches(q)
    if in_order and store.engine.dialect.name == "sqlite":
        branches = [[func.likely(cond) for cond in conds] for conds in branches]
    with store.engine.connect() as conn:
        rows = []
        for conds in branches:
            stmt = select(events).where(*conds, *after).order_by(*_order(sort)).limit(limit + 1)
            rows += [r._mapping for r in conn.execute(stmt)]
        if len(branches) > 1:
            rows = _sort_rows(rows, sort)
        more = len(rows) > limit
        rows = rows[:limit]
        evs = _hydrate(conn, rows)
        total = -1
        if with_total:
            total = conn.execute(select(func.count()).select_from(events).where(*_conditions(q))).scalar_one()
    nxt = None
    if more and rows:
        last = rows[-1]
        nxt = _encode_cursor(sort, last["date"] if sort.endswith("date") else last["confidence"], last["event_id"])
    return EventPage(evs, total, nxt, sort)


def tune_for_reading(store: Store, *, read_only: bool) -> None:
    """SQLite settings for a long-lived server: memory-mapped reads, a larger page cache, and
    `query_only` when it never writes, so a bug in a read path cannot change the store."""
    if store.engine.dialect.name != "sqlite":
        return

    def pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        if read_only:
            cur.execute("PRAGMA query_only=ON")
        cur.close()

    event.listen(store.engine, "connect", pragmas)
    store.engine.dispose()  # the pool's connections were opened (to migrate) without them


def data_version(store: Store) -> tuple[int, ...] | None:
    """A fingerprint that changes whenever anyone commits to the store; None when it cannot tell.

    SQLite in WAL mode appends every commit to the -wal file and checkpoints it into the
    main file, so their sizes and modification times move with the data, whichever process
    wrote it. Two stat() calls cost microseconds: cheap enough to check on every request.
    (A reader closing the last connection may checkpoint: a needless refresh, never a stale one.)
    """
    url = store.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    out: list[int] = []
    for path in (url.database, url.database + "-wal"):
        try:
            st = os.stat(path)
        except OSError:
            out += [0, 0]
        else:
            out += [st.st_mtime_ns, st.st_size]
    return tuple(out)


def count_events(store: Store, q: EventQuery) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(events).where(*_conditions(q))).scalar_one()


def get_event(store: Store, event_id: str) -> Event | None:
    with store.engine.connect() as conn:
        rows = [r._mapping for r in conn.execute(select(events).where(events.c.event_id == event_id))]
        return _hydrate(conn, rows)[0] if rows else None


def document_with_events(store: Store, doc_id: str) -> tuple[Document, list[Event]] | None:
    doc = store.get_document(doc_id)
    if doc is None:
        return None
    return doc, store.events(EventQuery(doc_id=doc_id))


# Counts are one per story: a happening reported by five outlets counts once.
_ONCE_PER_STORY = or_(events.c.story_primary.is_(None), events.c.story_primary == 1)


# -- country profile -----------------------------------------------------------
def country_profile(store: Store, iso3: str, *, latest: int = 20, partners: int = 30) -> CountryProfile | None:
    """Partners ranked by events together, topics by month and the latest events."""
    iso3 = iso3.upper()
    c = events.c
    once = _ONCE_PER_STORY
    involved = and_(or_(c.actor_country == iso3, c.recipient_country == iso3), once)
    partner = case((c.actor_country == iso3, c.recipient_country), else_=c.actor_country)
    with store.engine.connect() as conn:
        as_actor = conn.execute(select(func.count()).where(c.actor_country == iso3, once)).scalar_one()
        as_recipient = conn.execute(select(func.count()).where(c.recipient_country == iso3, once)).scalar_one()
        total = conn.execute(select(func.count()).where(involved)).scalar_one()
        if total == 0:
            return None
        by_type = dict(
            conn.execute(select(c.type, func.count()).where(involved).group_by(c.type).order_by(c.type)).all()
        )
        pmap: dict[str, Partner] = {}
        prow = select(partner.label("p"), c.type, func.count()).where(involved, partner.is_not(None), partner != iso3)
        for p, typ, n in conn.execute(prow.group_by(partner, c.type)):
            rec = pmap.setdefault(p, Partner(p, 0))
            rec.events += n
            rec.by_type[typ] = n
        month = func.substr(c.date, 1, 7)
        tstmt = (
            select(month, topics.c.topic, func.count())
            .select_from(events.join(topics, topics.c.event_id == c.event_id))
            .where(involved, c.date.is_not(None))
            .group_by(month, topics.c.topic)
            .order_by(month, topics.c.topic)
        )
        tbm: dict[str, dict[str, int]] = defaultdict(dict)
        for m, t, n in conn.execute(tstmt):
            tbm[m][t] = n
    ranked = sorted(pmap.values(), key=lambda p: (-p.events, p.country))[:partners]
    for p in ranked:
        p.by_type = dict(sorted(p.by_type.items()))
    recent = store.events(EventQuery(country=iso3, limit=latest))
    return CountryProfile(iso3, total, as_actor, as_recipient, by_type, ranked, dict(tbm), recent)


# -- network and stats -----------------------------------------------------------
def _pair_columns() -> tuple[Any, Any]:
    c = events.c
    lo = case((c.actor_country < c.recipient_country, c.actor_country), else_=c.recipient_country)
    hi = case((c.actor_country < c.recipient_country, c.recipient_country), else_=c.actor_country)
    return lo, hi


def network(store: Store, q: EventQuery, *, min_weight: int = 1, max_edges: int = 500) -> Network:
    """Countries as nodes, undirected edges weighted by the events between them."""
    c = events.c
    lo, hi = _pair_columns()
    conds = [*_conditions(q), c.actor_country.is_not(None), c.recipient_country.is_not(None)]
    conds.append(c.actor_country != c.recipient_country)
    stmt = select(lo, hi, c.type, func.count()).where(*conds).group_by(lo, hi, c.type)
    emap: dict[tuple[str, str], Edge] = {}
    with store.engine.connect() as conn:
        for a, b, typ, n in conn.execute(stmt):
            e = emap.setdefault((a, b), Edge(a, b, 0))
            e.weight += n
            e.by_type[typ] = n
    edges = sorted(
        (e for e in emap.values() if e.weight >= min_weight), key=lambda e: (-e.weight, e.source, e.target)
    )[:max_edges]
    nodes: dict[str, int] = defaultdict(int)
    for e in edges:
        e.by_type = dict(sorted(e.by_type.items()))
        nodes[e.source] += e.weight
        nodes[e.target] += e.weight
    return Network(dict(sorted(nodes.items())), edges)


def stats(store: Store, *, top_pairs: int = 15) -> Stats:
    """Totals and counts by type, status, topic and month (month x type for the timeline),
    one per story: a meeting reported by five outlets counts once."""
    c = events.c
    month = func.substr(c.date, 1, 7)
    once = _ONCE_PER_STORY
    with store.engine.connect() as conn:
        n_docs = conn.execute(select(func.count()).select_from(documents)).scalar_one()
        n_events = conn.execute(select(func.count()).select_from(events).where(once)).scalar_one()
        n_fail = conn.execute(select(func.count()).select_from(failures)).scalar_one()
        by_type = dict(conn.execute(select(c.type, func.count()).where(once).group_by(c.type).order_by(c.type)).all())
        by_status = dict(
            conn.execute(select(c.status, func.count()).where(once).group_by(c.status).order_by(c.status)).all()
        )
        tstmt = (select(topics.c.topic, func.count()).join(events, events.c.event_id == topics.c.event_id)
                 .where(once).group_by(topics.c.topic).order_by(topics.c.topic))
        by_topic = dict(conn.execute(tstmt).all())
        bm: dict[str, dict[str, int]] = defaultdict(dict)
        mstmt = (select(month, c.type, func.count()).where(c.date.is_not(None), once)
                 .group_by(month, c.type).order_by(month))
        for m, t, n in conn.execute(mstmt):
            bm[m][t] = n
    net = network(store, EventQuery(), max_edges=top_pairs)
    return Stats(n_docs, n_events, n_fail, by_type, by_status, by_topic, dict(bm), net.edges)
