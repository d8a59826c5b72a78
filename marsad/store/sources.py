"""Store-side state for following the news: feeds, seen URLs, sources, signatures and stories.

Only the store touches the database, so the fetcher (`marsad.watch`), the
near-duplicate index (`marsad.dedup`), the story linker (`marsad.stories`) and
the web layer call these functions and get typed records back. Every write
that must survive a kill happens in one transaction: a fetched article, its
events, its source row, its signature and its seen-URL status land together
or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from marsad.model import Document, Event
from marsad.store.db import EventQuery, Store, _delete_events, _doc_row, _hydrate, _now, _row_document, _write_events
from marsad.store.schema import document_signatures, document_sources, documents, events, feeds, seen_urls

PENDING, STORED, DUPLICATE, FAILED = "pending", "stored", "duplicate", "failed"
BlockKey = tuple[str, str, str, str]  # (type, status, lower country, higher country)


@dataclass(slots=True)
class FeedState:
    """What the store remembers of a feed between polls (for conditional GET and error reports)."""

    url: str
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_fetched: str | None = None
    last_status: int | None = None
    last_error: str | None = None
    errors: int = 0


@dataclass(slots=True)
class SeenUrl:
    """An article URL a feed announced (or a user asked for), with what the feed said about it."""

    url: str
    feed_url: str | None = None
    status: str = PENDING
    doc_id: str | None = None
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    attempts: int = 0
    error: str | None = None


@dataclass(slots=True)
class Source:
    """One outlet/URL (or file) that carried a document; `similarity` is set for near-duplicate copies."""

    locator: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    similarity: float | None = None
    doc_id: str = ""


@dataclass(slots=True)
class Story:
    """One real-world happening: its primary event, every linked event and every source that reported it."""

    story_id: str
    primary: Event
    events: list[Event] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)

    @property
    def documents(self) -> list[str]:
        return sorted({e.doc_id for e in self.events})


# -- feeds ------------------------------------------------------------------------------
def add_feeds(store: Store, urls: Iterable[str]) -> int:
    """Register feeds (already known ones are kept as they are); returns how many are new."""
    new = 0
    with store.engine.begin() as conn:
        for url in dict.fromkeys(urls):
            if conn.execute(select(feeds.c.url).where(feeds.c.url == url)).first() is None:
                conn.execute(feeds.insert().values(url=url, errors=0, added_at=_now()))
                new += 1
    return new


def list_feeds(store: Store, urls: Iterable[str] | None = None) -> list[FeedState]:
    stmt = select(feeds).order_by(feeds.c.url)
    if urls is not None:
        stmt = stmt.where(feeds.c.url.in_(list(urls)))
    with store.engine.connect() as conn:
        return [
            FeedState(r.url, r.title, r.etag, r.last_modified, r.last_fetched, r.last_status, r.last_error, r.errors)
            for r in conn.execute(stmt)
        ]


def save_feed(store: Store, state: FeedState) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            update(feeds).where(feeds.c.url == state.url).values(
                title=state.title, etag=state.etag, last_modified=state.last_modified, last_fetched=state.last_fetched,
                last_status=state.last_status, last_error=state.last_error, errors=state.errors,
            )
        )


# -- seen URLs ----------------------------------------------------------------------------
def queue_urls(store: Store, items: Iterable[SeenUrl]) -> int:
    """Remember newly announced URLs as pending; URLs seen before (any status) are left alone."""
    new = 0
    with store.engine.begin() as conn:
        for it in items:
            if conn.execute(select(seen_urls.c.url).where(seen_urls.c.url == it.url)).first() is not None:
                continue
            conn.execute(
                seen_urls.insert().values(
                    url=it.url, feed_url=it.feed_url, status=PENDING, title=it.title, published=it.published,
                    outlet=it.outlet, attempts=0, first_seen=_stamp(),
                )
            )
            new += 1
    return new


_last_stamp = [""]


def _stamp() -> str:
    """A strictly increasing UTC time with microseconds: pending URLs are fetched in the order feeds gave them."""
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    if now <= _last_stamp[0]:
        now = (datetime.fromisoformat(_last_stamp[0]) + timedelta(microseconds=1)).isoformat(timespec="microseconds")
    _last_stamp[0] = now
    return now


def get_seen(store: Store, url: str) -> SeenUrl | None:
    with store.engine.connect() as conn:
        r = conn.execute(select(seen_urls).where(seen_urls.c.url == url)).first()
    return _seen(r) if r else None


def pending_urls(store: Store, limit: int | None = None) -> list[SeenUrl]:
    """URLs still to fetch, oldest first (a killed run left them pending: the next one picks them up)."""
    stmt = select(seen_urls).where(seen_urls.c.status == PENDING).order_by(seen_urls.c.first_seen, seen_urls.c.url)
    if limit is not None:
        stmt = stmt.limit(limit)
    with store.engine.connect() as conn:
        return [_seen(r) for r in conn.execute(stmt)]


def seen_counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(seen_urls.c.status, func.count()).group_by(seen_urls.c.status))
        return dict(sorted((s, n) for s, n in rows))


def mark_url(store: Store, url: str, status: str, *, error: str | None = None, doc_id: str | None = None) -> None:
    with store.engine.begin() as conn:
        _mark(conn, url, status, error=error, doc_id=doc_id)


def _mark(conn: Connection, url: str, status: str, *, error: str | None = None, doc_id: str | None = None) -> None:
    values = {"status": status, "error": error, "doc_id": doc_id, "fetched_at": _now(),
              "attempts": seen_urls.c.attempts + 1}
    done = conn.execute(update(seen_urls).where(seen_urls.c.url == url).values(**values)).rowcount
    if not done:  # a URL given on the command line was never queued by a feed
        conn.execute(seen_urls.insert().values(url=url, first_seen=_stamp(), **{**values, "attempts": 1}))


def _seen(r: object) -> SeenUrl:
    m = r._mapping  # type: ignore[attr-defined]
    return SeenUrl(m["url"], m["feed_url"], m["status"], m["doc_id"], m["title"], m["published"], m["outlet"],
                   m["attempts"], m["error"])


# -- documents, sources and signatures --------------------------------------------------------
def store_document(
    store: Store, doc: Document, version: str, source: Source, minhash: bytes | None, *, seen_url: str | None = None
) -> bool:
    """Document, events, signature, source and seen-URL status in one transaction; False if the text was stored."""
    with store.engine.begin() as conn:
        exists = conn.execute(select(documents.c.doc_id).where(documents.c.doc_id == doc.doc_id)).first()
        if not exists:
            conn.execute(documents.insert().values(**_doc_row(doc, version)))
            _write_events(conn, doc.doc_id, doc.events)
            if minhash is not None:
                conn.execute(document_signatures.insert().values(doc_id=doc.doc_id, minhash=minhash))
        _add_source(conn, doc.doc_id, source)
        if seen_url:
            _mark(conn, seen_url, DUPLICATE if exists else STORED, doc_id=doc.doc_id)
    return not exists


def add_source(store: Store, doc_id: str, source: Source, *, seen_url: str | None = None) -> None:
    """A near-duplicate copy: keep its URL and outlet on the document already stored."""
    with store.engine.begin() as conn:
        _add_source(conn, doc_id, source)
        if seen_url:
            _mark(conn, seen_url, DUPLICATE, doc_id=doc_id)


def _add_source(conn: Connection, doc_id: str, s: Source) -> None:
    c = document_sources.c
    if conn.execute(select(c.id).where(c.doc_id == doc_id, c.locator == s.locator)).first() is None:
        conn.execute(insert(document_sources).values(
            doc_id=doc_id, locator=s.locator, url=s.url, outlet=s.outlet, title=s.title, published=s.published,
            similarity=s.similarity, added_at=_now(),
        ))


def document_url_known(store: Store, url: str) -> str | None:
    """The document a URL (as a source) already gave, if any: a canonical URL seen from another feed item."""
    with store.engine.connect() as conn:
        return conn.execute(select(document_sources.c.doc_id).where(document_sources.c.url == url)).scalar()


def signatures(store: Store) -> Iterator[tuple[str, bytes]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(document_signatures.c.doc_id, document_signatures.c.minhash)
                            .order_by(document_signatures.c.doc_id))
        yield from ((doc_id, raw) for doc_id, raw in rows)


def unindexed_documents(store: Store) -> list[Document]:
    """Documents stored without a signature (file ingest, the API, older stores): dedup has not seen them."""
    sig = document_signatures.c
    stmt = (
        select(documents)
        .where(~documents.c.doc_id.in_(select(sig.doc_id)))
        .order_by(documents.c.ingested_at, documents.c.doc_id)
    )
    with store.engine.connect() as conn:
        return [_row_document(r._mapping) for r in conn.execute(stmt)]


def index_document(store: Store, doc: Document, minhash: bytes) -> None:
    """Record a document's signature and the source it came with (its URL, else the file it was read from)."""
    with store.engine.begin() as conn:
        conn.execute(document_signatures.insert().values(doc_id=doc.doc_id, minhash=minhash))
        _add_source(conn, doc.doc_id, source_of(doc))


def merge_duplicate(store: Store, dup: Document, into: str, similarity: float) -> None:
    """Fold a near-duplicate document stored by a path without dedup into the original: sources kept, rest gone."""
    with store.engine.begin() as conn:
        c = document_sources.c
        moved = conn.execute(select(document_sources).where(c.doc_id == dup.doc_id)).all()
        conn.execute(document_sources.delete().where(c.doc_id == dup.doc_id))
        for r in [*moved]:
            m = r._mapping
            _add_source(conn, into, Source(m["locator"], m["url"], m["outlet"], m["title"], m["published"], similarity))
        src = source_of(dup)
        src.similarity = similarity
        _add_source(conn, into, src)
        _delete_events(conn, dup.doc_id)
        conn.execute(document_signatures.delete().where(document_signatures.c.doc_id == dup.doc_id))
        conn.execute(documents.delete().where(documents.c.doc_id == dup.doc_id))


def source_of(doc: Document) -> Source:
    return Source(
        locator=doc.url or doc.origin or doc.doc_id, url=doc.url, outlet=doc.source, title=doc.title,
        published=doc.published.isoformat() if doc.published else None,
    )


# -- stories ----------------------------------------------------------------------------------
def _key_cols() -> tuple[object, ...]:
    c = events.c
    lo = func.min(func.coalesce(c.actor_country, ""), func.coalesce(c.recipient_country, ""))
    hi = func.max(func.coalesce(c.actor_country, ""), func.coalesce(c.recipient_country, ""))
    return c.type, c.status, lo, hi


def unlinked_blocks(store: Store) -> set[BlockKey]:
    """(type, status, country pair) of every event not yet given a story: the blocks to relink."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(*_key_cols()).where(events.c.story_id.is_(None)).distinct())
        return {tuple(r) for r in rows}  # type: ignore[misc]


def all_blocks(store: Store) -> set[BlockKey]:
    with store.engine.connect() as conn:
        return {tuple(r) for r in conn.execute(select(*_key_cols()).distinct())}  # type: ignore[misc]


def block_documents(store: Store, block: BlockKey) -> list[Document]:
    """The documents with events in one block, each carrying only that block's events (the linker's input)."""
    typ, status, lo, hi = block
    c = events.c
    pair = or_(
        and_(func.coalesce(c.actor_country, "") == lo, func.coalesce(c.recipient_country, "") == hi),
        and_(func.coalesce(c.actor_country, "") == hi, func.coalesce(c.recipient_country, "") == lo),
    )
    with store.engine.connect() as conn:
        rows = [r._mapping for r in conn.execute(select(events).where(c.type == typ, c.status == status, pair)
                                                 .order_by(c.doc_id, c.evidence_start, c.event_id))]
        evs = _hydrate(conn, rows)
        ids = sorted({e.doc_id for e in evs})
        docs = {}
        for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
            for r in conn.execute(select(documents).where(documents.c.doc_id.in_(chunk))):
                docs[r.doc_id] = _row_document(r._mapping)
    for ev in evs:
        docs[ev.doc_id].events.append(ev)
    return [docs[i] for i in ids]


def write_stories(store: Store, assignments: Iterable[tuple[str, str, bool]]) -> int:
    """Set (event_id, story_id, is_primary) for many events in one transaction."""
    n = 0
    with store.engine.begin() as conn:
        for event_id, story_id, primary in assignments:
            conn.execute(update(events).where(events.c.event_id == event_id)
                         .values(story_id=story_id, story_primary=int(primary)))
            n += 1
    return n


def stories(store: Store, q: EventQuery | None = None, *, limit: int = 50, offset: int = 0) -> list[Story]:
    """Stories whose primary event matches `q` (newest first), each with all its events and sources.

    For `GET /api/stories`: the page is the per-story view of `Store.events`, so filters mean the same.
    """
    base = replace(q or EventQuery(), per_document=False, limit=limit, offset=offset)
    return [_story_for(store, ev) for ev in store.events(base)]


def story(store: Store, story_id: str) -> Story | None:
    with store.engine.connect() as conn:
        rows = [r._mapping for r in conn.execute(select(events).where(events.c.story_id == story_id))]
        evs = _hydrate(conn, rows)
    if not evs:
        return None
    primary = next((e for e, r in zip(evs, rows, strict=True) if r["story_primary"]), evs[0])
    return _story_for(store, primary)


def event_sources(store: Store, event_id: str) -> list[Source]:
    """Every source that reported the event's happening: the documents of its story and their copies."""
    with store.engine.connect() as conn:
        row = conn.execute(select(events.c.doc_id, events.c.story_id).where(events.c.event_id == event_id)).first()
        if row is None:
            return []
        doc_ids = [row.doc_id]
        if row.story_id:
            doc_ids = sorted(set(conn.execute(select(events.c.doc_id).where(events.c.story_id == row.story_id))
                                 .scalars()))
        return _sources(conn, doc_ids)


def _story_for(store: Store, primary: Event) -> Story:
    with store.engine.connect() as conn:
        if primary.story:
            rows = [r._mapping for r in conn.execute(select(events).where(events.c.story_id == primary.story)
                                                     .order_by(events.c.doc_id, events.c.event_id))]
            members = _hydrate(conn, rows)
        else:
            members = [primary]
        srcs = _sources(conn, sorted({e.doc_id for e in members}))
    return Story(primary.story or primary.event_id, primary, members, srcs)


def _sources(conn: Connection, doc_ids: list[str]) -> list[Source]:
    c = document_sources.c
    by_doc: dict[str, list[Source]] = defaultdict(list)
    for r in conn.execute(select(document_sources).where(c.doc_id.in_(doc_ids)).order_by(c.doc_id, c.id)):
        by_doc[r.doc_id].append(Source(r.locator, r.url, r.outlet, r.title, r.published, r.similarity, r.doc_id))
    out: list[Source] = []
    for d in doc_ids:
        if by_doc.get(d):
            out += by_doc[d]
            continue
        doc = conn.execute(select(documents).where(documents.c.doc_id == d)).first()
        if doc is not None:  # stored before sources were kept: the document's own fields stand in
            s = source_of(_row_document(doc._mapping))
            s.doc_id = d
            out.append(s)
    return out
