"""The JSON API: every HTML page's data, plus token-guarded ingest."""

from __future__ import annotations

import csv
import hmac
import io
import json
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from marsad import __version__
from marsad import errors as E
from marsad.errors import Failure
from marsad.model import Document, Event
from marsad.serve.app import FastJSON, Problem, store_of
from marsad.serve.labels import country_names
from marsad.serve.params import DEFAULT_PAGE, MAX_PAGE, Filters, country_code, filters
from marsad.store import queries, sources

router = APIRouter(prefix="/api", tags=["api"])

MAX_BATCH = 100  # documents per POST: one request stays well under a few seconds of extraction
MAX_EDGES = 2000  # edges per network answer: more is unreadable and slow to draw
ID = r"^[A-Za-z0-9_-]{1,64}$"


def event_json(ev: Event) -> dict[str, Any]:
    rec = ev.to_record()
    rec["names"] = {"actor": country_names(ev.actor.country), "recipient": country_names(ev.recipient.country)}
    return rec


def page_json(page: queries.EventPage, f: Filters, limit: int) -> dict[str, Any]:
    return {
        "total": page.total,
        "count": len(page.events),
        "limit": limit,
        "sort": page.sort,
        "filters": f.as_params(),
        "next_cursor": page.next_cursor,
        "events": [event_json(e) for e in page.events],
    }


def events_page(request: Request, f: Filters, limit: int, cursor: str | None, sort: str) -> queries.EventPage:
    store, eq, cache = store_of(request), f.to_query(), request.app.state.cache
    # The total is an aggregate like the network: cached, since a count over a large
    # store costs more than the page itself. Counted first, it also tells the page
    # query which plan is cheaper.
    total = cache.get(("count", tuple(sorted(f.as_params().items()))), lambda: queries.count_events(store, eq))
    population = cache.get(("count", ()), lambda: queries.count_events(store, Filters().to_query()))
    try:
        page = queries.events_page(
            store, eq, limit=limit, cursor=cursor, sort=sort, with_total=False,
            in_order=queries.reads_in_order(total, population, limit),
        )
    except queries.BadCursor as exc:
        raise Problem(422, "Invalid request", f"cursor: {exc}") from exc
    page.total = total
    return page


CSV_COLUMNS = (
    "event_id", "doc_id", "type", "mode", "status", "actor_country", "actor_sector", "actor_name", "actor_title",
    "recipient_country", "recipient_sector", "recipient_name", "recipient_title", "date", "date_precision",
    "location_name", "location_country", "topics", "confidence", "extractor_version", "evidence",
)


def _cell(value: Any) -> Any:
    # A cell starting with = + @ runs as a formula in spreadsheets: quote it.
    if isinstance(value, str) and value[:1] in ("=", "+", "@", "\t", "\r"):
        return "'" + value
    return value


def events_csv(evs: list[Event]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for ev in evs:
        loc = ev.location
        row = [
            ev.event_id, ev.doc_id, ev.type, ev.mode, ev.status, ev.actor.country, ev.actor.sector, ev.actor.name,
            ev.actor.title, ev.recipient.country, ev.recipient.sector, ev.recipient.name, ev.recipient.title,
            ev.date, ev.date_precision, loc.name if loc else None, loc.country if loc else None,
            ";".join(ev.topics), round(ev.confidence, 3), ev.extractor_version, ev.evidence,
        ]
        w.writerow([_cell(v) for v in row])
    return buf.getvalue()


@router.get("/events", summary="Events matching filters, newest first, with cursor pagination")
def api_events(
    request: Request,
    f: Annotated[Filters, Depends(filters)],
    limit: int = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE),
    cursor: str | None = Query(None, max_length=400, description="next_cursor of the previous page"),
    sort: Literal["-date", "date", "-confidence", "confidence"] = "-date",
    format: Literal["json", "csv"] = "json",
) -> Response:
    page = events_page(request, f, limit, cursor, sort)
    if format == "csv":
        headers = {"content-disposition": 'attachment; filename="events.csv"'}
        if page.next_cursor:
            headers["x-next-cursor"] = page.next_cursor
        return Response(events_csv(page.events), media_type="text/csv; charset=utf-8", headers=headers)
    return FastJSON(page_json(page, f, limit))


@router.get("/events/{event_id}", summary="One event with its evidence offsets, provenance and story sources")
def api_event(request: Request, event_id: str = Path(pattern=ID)) -> dict[str, Any]:
    store = store_of(request)
    ev = queries.get_event(store, event_id)
    if ev is None:
        raise Problem(404, "Not found", f"no event {event_id}")
    rec = event_json(ev)
    srcs = sources.event_sources(store, event_id)
    rec["sources"] = {"count": len(srcs), "items": [asdict(x) for x in srcs]}
    return rec


def story_json(st: sources.Story) -> dict[str, Any]:
    return {
        "story_id": st.story_id,
        "event": event_json(st.primary),
        "events": [{"event_id": e.event_id, "doc_id": e.doc_id, "evidence": e.evidence} for e in st.events],
        "documents": sorted({e.doc_id for e in st.events}),
        "sources": {"count": len(st.sources), "items": [asdict(x) for x in st.sources]},
    }


@router.get("/stories", summary="Stories (one per real-world happening) with their events and documents")
def api_stories(
    request: Request,
    f: Annotated[Filters, Depends(filters)],
    limit: int = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> Response:
    stories = sources.stories(store_of(request), f.to_query(), limit=limit, offset=offset)
    body: dict[str, Any] = {"stories": [story_json(st) for st in stories], "limit": limit, "offset": offset}
    if len(stories) == limit:
        body["next_offset"] = offset + limit
    return FastJSON(body)


@router.get("/stories/{story_id}", summary="One story: every event, document and source that reported it")
def api_story(request: Request, story_id: str = Path(pattern=ID)) -> dict[str, Any]:
    st = sources.story(store_of(request), story_id)
    if st is None:
        raise Problem(404, "Not found", f"no story {story_id}")
    return story_json(st)


def document_json(doc: Document, evs: list[Event]) -> dict[str, Any]:
    return {
        "doc_id": doc.doc_id,
        "title": doc.title,
        "source": doc.source,
        "url": doc.url,
        "published": doc.published.isoformat() if doc.published else None,
        "language": doc.language,
        "text": doc.text,
        "events": [event_json(e) for e in evs],
    }


@router.get("/documents/{doc_id}", summary="A source article and its events")
def api_document(request: Request, doc_id: str = Path(pattern=ID)) -> dict[str, Any]:
    found = queries.document_with_events(store_of(request), doc_id)
    if found is None:
        raise Problem(404, "Not found", f"no document {doc_id}")
    return document_json(*found)


def profile_json(p: queries.CountryProfile) -> dict[str, Any]:
    return {
        "iso3": p.iso3,
        "names": country_names(p.iso3),
        "total": p.total,
        "as_actor": p.as_actor,
        "as_recipient": p.as_recipient,
        "by_type": p.by_type,
        "partners": [asdict(x) | {"names": country_names(x.country)} for x in p.partners],
        "topics_by_month": p.topics_by_month,
        "latest": [event_json(e) for e in p.latest],
    }


def country_profile(request: Request, iso3: str) -> queries.CountryProfile:
    code = country_code(iso3, "iso3")
    cache = request.app.state.cache
    prof = cache.get(("country", code), lambda: queries.country_profile(store_of(request), code))
    if prof is None:
        raise Problem(404, "Not found", f"no events involve {code}")
    return prof


@router.get("/countries/{iso3}", summary="Country profile: partners, topics over time, latest events")
def api_country(request: Request, iso3: str) -> dict[str, Any]:
    return profile_json(country_profile(request, iso3))


def network_data(request: Request, f: Filters, min_weight: int) -> tuple[queries.Network, dict[str, Any]]:
    """The network and its JSON form, cached together (building the JSON costs as much as the query)."""
    eq = f.to_query()
    key = ("network", tuple(sorted(f.as_params().items())), min_weight)

    def compute() -> tuple[queries.Network, dict[str, Any]]:
        net = queries.network(store_of(request), eq, min_weight=min_weight, max_edges=MAX_EDGES)
        return net, network_json(net, f)

    return request.app.state.cache.get(key, compute)


def network_json(net: queries.Network, f: Filters) -> dict[str, Any]:
    return {
        "filters": f.as_params(),
        "nodes": [{"id": k, "weight": v, "names": country_names(k)} for k, v in net.nodes.items()],
        "edges": [asdict(e) for e in net.edges],
    }


def graphml(net: queries.Network) -> str:
    import networkx as nx

    g = nx.Graph()
    for k, v in net.nodes.items():
        names = country_names(k)
        g.add_node(k, weight=v, name_ar=names["ar"], name_en=names["en"])
    for e in net.edges:
        g.add_edge(e.source, e.target, weight=e.weight, types=json.dumps(e.by_type, sort_keys=True))
    return "\n".join(nx.generate_graphml(g))


@router.get("/network", summary="Countries as nodes, cooperation as weighted edges")
def api_network(
    request: Request,
    f: Annotated[Filters, Depends(filters)],
    min_weight: int = Query(1, ge=1, le=1_000_000),
    format: Literal["json", "graphml"] = "json",
) -> Response:
    net, data = network_data(request, f, min_weight)
    if format == "graphml":
        return Response(graphml(net), media_type="application/graphml+xml; charset=utf-8")
    return FastJSON(data)


def stats_data(request: Request) -> queries.Stats:
    return request.app.state.cache.get(("stats",), lambda: queries.stats(store_of(request)))


@router.get("/stats", summary="Totals and counts by type, status, topic and month")
def api_stats(request: Request) -> dict[str, Any]:
    s = stats_data(request)
    out = asdict(s)
    out["top_pairs"] = [
        asdict(e) | {"names": {"source": country_names(e.source), "target": country_names(e.target)}}
        for e in s.top_pairs
    ]
    return out


# -- ingest ------------------------------------------------------------------------
def _authorise(request: Request) -> None:
    token = request.app.state.token
    if not token:
        raise Problem(403, "Ingest disabled", "this server is read-only; start it with --token to accept documents")
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise Problem(401, "Unauthorised", "send the server's token as 'Authorization: Bearer <token>'")


def _ingest_one(request: Request, item: Any, origin: str) -> dict[str, Any]:
    from marsad.ingest.readers import read_jsonl_line

    store = store_of(request)
    got = read_jsonl_line(json.dumps(item, ensure_ascii=False), origin) if isinstance(item, dict) else Failure(
        origin, E.BAD_FIELD, "each document must be a JSON object with a 'text' field", json.dumps(item)[:1000]
    )
    if isinstance(got, Failure):
        store.add_failure(got)
        return {"origin": origin, "status": "failed", "code": got.code, "problem": got.reason}
    try:
        from marsad.pipeline import extract

        doc = extract(got)
    except Exception as exc:  # an extractor bug must not lose the document silently
        fail = Failure(origin, E.EXTRACTION, f"extraction failed: {type(exc).__name__}", got.text)
        store.add_failure(fail)
        return {"origin": origin, "status": "failed", "code": fail.code, "problem": fail.reason}
    stored = store.add_document(doc, __version__)
    return {
        "origin": origin,
        "status": "stored" if stored else "duplicate",
        "doc_id": doc.doc_id,
        "events": [e.event_id for e in doc.events] if stored else [],
    }


@router.post("/documents", status_code=201, summary="Ingest one document or a batch (needs the server's token)")
async def api_ingest(request: Request) -> JSONResponse:
    """Body: `{"text": ..., "published": "YYYY-MM-DD", "source": ..., "title": ..., "url": ...}`
    or `{"documents": [ ... ]}`."""
    _authorise(request)
    if "json" not in request.headers.get("content-type", ""):
        raise Problem(415, "Unsupported media type", "send application/json")
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, "Malformed JSON", str(exc)[:200]) from exc
    batch = isinstance(body, dict) and "documents" in body
    items = body["documents"] if batch else [body]
    if not isinstance(items, list) or not items:
        raise Problem(422, "Invalid request", "documents: want a non-empty list of objects")
    if len(items) > MAX_BATCH:
        raise Problem(413, "Batch too large", f"at most {MAX_BATCH} documents per request")
    from starlette.concurrency import run_in_threadpool

    results = []
    for i, item in enumerate(items):
        results.append(await run_in_threadpool(_ingest_one, request, item, f"api:{i}"))
    if any(r["status"] == "stored" for r in results):
        request.app.state.cache.clear()
    failed = [r for r in results if r["status"] == "failed"]
    if not batch and failed:
        r = failed[0]
        return JSONResponse(
            {"type": "about:blank", "title": "Invalid document", "status": 422,
             "detail": f"{r['problem']} [{r['code']}]", "code": r["code"]},
            status_code=422, media_type="application/problem+json",
        )
    status = 422 if len(failed) == len(results) else 201 if any(r["status"] == "stored" for r in results) else 200
    return JSONResponse({"results": results}, status_code=status)
