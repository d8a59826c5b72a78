"""HTML pages. Each one renders the same data its JSON twin under /api returns."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from marsad.model import EVENT_TYPES, STATUSES, TOPICS
from marsad.serve import api, charts, highlight, labels
from marsad.serve.app import HERE, Problem, store_of
from marsad.serve.params import DEFAULT_PAGE, MAX_PAGE, Filters, filters
from marsad.store import queries, sources

router = APIRouter(include_in_schema=False)

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,  # article text is untrusted: everything is escaped unless marked otherwise
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=_env)


def _lang(request: Request) -> str:
    return labels.lang_of(request.query_params.get("lang") or request.cookies.get("lang"))


def _switch_url(request: Request, lang: str) -> str:
    params = dict(request.query_params)
    params["lang"] = "en" if lang == "ar" else "ar"
    return request.url.path + "?" + urlencode(params)


def safe_url(url: str | None) -> str | None:
    """Only http(s) links become hrefs; anything else (javascript:, data:) is shown as text."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    lang = _lang(request)
    ctx.update(
        request=request,
        lang=lang,
        dir="rtl" if lang == "ar" else "ltr",
        t=lambda key: labels.ui(key, lang),
        cname=lambda code: labels.country_name(code, lang),
        tname=lambda key: labels.type_name(key, lang),
        sname=lambda key: labels.sector_name(key, lang),
        topic_name=lambda key: labels.topic_name(key, lang),
        switch_url=_switch_url(request, lang),
        path=request.url.path,
    )
    resp = templates.TemplateResponse(request, name, ctx, status_code=status)
    if request.query_params.get("lang") in labels.LANGS:
        resp.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return resp


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    return render(request, "error.html", status=status, title=title, detail=detail)


@router.get("/", response_class=HTMLResponse)
def overview(request: Request) -> HTMLResponse:
    s = api.stats_data(request)
    lang = _lang(request)
    type_labels = {k: labels.type_name(k, lang) for k in EVENT_TYPES}
    pairs = charts.bars([
        (f"{e.source},{e.target}",
         f"{labels.country_name(e.source, lang)} – {labels.country_name(e.target, lang)}",
         e.weight, "/events?" + urlencode({"pair": f"{e.source},{e.target}"}))
        for e in s.top_pairs
    ])
    topic_rows = sorted(s.by_topic.items(), key=lambda kv: (-kv[1], kv[0]))
    topic_bars = charts.bars([
        (k, labels.topic_name(k, lang), v, "/events?" + urlencode({"topic": k})) for k, v in topic_rows
    ])
    type_bars = charts.bars([
        (k, labels.type_name(k, lang), v, "/events?" + urlencode({"type": k}))
        for k, v in sorted(s.by_type.items(), key=lambda kv: (-kv[1], kv[0]))
    ])
    return render(
        request, "overview.html", stats=s, timeline=charts.stacked(s.by_month, type_labels),
        type_labels=type_labels, pairs=pairs, topic_bars=topic_bars, type_bars=type_bars, twin="/api/stats",
    )


@router.get("/events", response_class=HTMLResponse)
def events_list(
    request: Request,
    f: Annotated[Filters, Depends(filters)],
    limit: int = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE),
    cursor: str | None = Query(None, max_length=400),
    sort: Literal["-date", "date", "-confidence", "confidence"] = "-date",
) -> HTMLResponse:
    page = api.events_page(request, f, limit, cursor, sort)
    base = f.as_params() | ({"sort": sort} if sort != "-date" else {}) | ({"limit": str(limit)} if limit != 50 else {})
    next_url = "/events?" + urlencode(base | {"cursor": page.next_cursor}) if page.next_cursor else None
    twin = "/api/events?" + urlencode(base | ({"cursor": cursor} if cursor else {}))
    return render(
        request, "events.html", page=page, f=f, sort=sort, next_url=next_url, first_url="/events?" + urlencode(base),
        twin=twin, csv_url=twin + "&format=csv", types=EVENT_TYPES, statuses=STATUSES, topics=TOPICS,
        paged=bool(cursor),
    )


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str = Path(pattern=api.ID)) -> HTMLResponse:
    store = store_of(request)
    ev = queries.get_event(store, event_id)
    if ev is None:
        raise Problem(404, "Not found", f"no event {event_id}")
    doc = store.get_document(ev.doc_id)
    if doc is None:
        raise Problem(404, "Not found", f"the article of event {event_id} is missing")
    marks = highlight.event_marks(ev, len(doc.text)) + highlight.mentions(doc)
    lang = _lang(request)
    return render(
        request, "event.html", ev=ev, doc=doc, runs=highlight.runs(doc.text, marks), doc_url=safe_url(doc.url),
        hijri=labels.hijri(ev.date, lang), hijri_pub=labels.hijri(doc.published.isoformat(), lang)
        if doc.published else "", names=labels.country_names, twin=f"/api/events/{ev.event_id}",
        doc_twin=f"/api/documents/{doc.doc_id}", sources=sources.event_sources(store, ev.event_id),
    )


@router.get("/network", response_class=HTMLResponse)
def network_page(
    request: Request, f: Annotated[Filters, Depends(filters)], min_weight: int = Query(1, ge=1, le=1_000_000)
) -> HTMLResponse:
    _net, data = api.network_data(request, f, min_weight)
    params = f.as_params() | ({"min_weight": str(min_weight)} if min_weight > 1 else {})
    twin = "/api/network?" + urlencode(params)
    return render(
        request, "network.html", data=data, f=f, min_weight=min_weight, twin=twin,
        graphml_url="/api/network?" + urlencode(params | {"format": "graphml"}),
        types=EVENT_TYPES, topics=TOPICS, statuses=STATUSES,
    )


@router.get("/countries/{iso3}", response_class=HTMLResponse)
def country_page(request: Request, iso3: str) -> HTMLResponse:
    prof = api.country_profile(request, iso3)
    lang = _lang(request)
    partners = charts.bars([
        (p.country, labels.country_name(p.country, lang), p.events,
         "/events?" + urlencode({"pair": f"{prof.iso3},{p.country}"}))
        for p in prof.partners
    ])
    topic_labels = {k: labels.topic_name(k, lang) for k in TOPICS}
    return render(
        request, "country.html", prof=prof, partners=partners, names=labels.country_names(prof.iso3),
        topics_chart=charts.stacked(prof.topics_by_month, topic_labels), topic_labels=topic_labels,
        twin=f"/api/countries/{prof.iso3}",
    )
