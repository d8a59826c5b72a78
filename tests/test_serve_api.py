"""`marsad serve` HTTP API, called with httpx against a real uvicorn and a real SQLite store."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest_serve import Fixture, build_store, serving

from marsad.model import Event, Party
from marsad.serve import create_app
from marsad.store.db import Store

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    return build_store(str(tmp_path_factory.mktemp("serve") / "marsad.db"))


@pytest.fixture(scope="module")
def http(fx: Fixture) -> Iterator[httpx.Client]:
    with serving(create_app(fx.db)) as base, httpx.Client(base_url=base, timeout=10) as client:
        yield client


# -- events ------------------------------------------------------------------------
def test_events_lists_everything_newest_first(http: httpx.Client) -> None:
    body = http.get("/api/events").json()
    assert body["total"] == 6 and body["count"] == 6
    dates = [e["date"] for e in body["events"]]
    assert dates == ["2025-03-15", "2025-03", "2025-01-05", "2024-11-01", "2024", None]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "PAK"}, 2),
        ({"country": "sau"}, 3),
        ({"pair": "PAK,SAU"}, 2),
        ({"pair": "JOR,EGY"}, 1),
        ({"type": "AGREE"}, 2),
        ({"status": "expected"}, 1),
        ({"topic": "cybersecurity"}, 1),
        ({"date_from": "2025-01", "date_to": "2025-03"}, 3),
        ({"date_to": "2024-12-31"}, 2),
        ({"country": "IGO:GCC"}, 1),
    ],
)
def test_events_filters(http: httpx.Client, params: dict[str, str], expected: int) -> None:
    body = http.get("/api/events", params=params).json()
    assert body["total"] == expected == len(body["events"])


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("مصر", 1),
        ("وقعت", 1),  # the evidence has a shadda (وقّعت): normalisation drops it
        ("والاردن", 1),  # hamza-less query finds والأردن
        ("إتفق", 1),  # a hamza the text does not have still finds واتفق
        ("بن سعود", 1),  # actor name
        ("السودان", 0),
    ],
)
def test_free_text_search_is_arabic_normalised(http: httpx.Client, needle: str, expected: int) -> None:
    assert http.get("/api/events", params={"q": needle}).json()["total"] == expected


def test_cursor_pagination_walks_every_event_once(http: httpx.Client) -> None:
    for sort in ("-date", "date", "-confidence", "confidence"):
        seen, cursor = [], None
        while True:
            params = {"limit": 2, "sort": sort} | ({"cursor": cursor} if cursor else {})
            body = http.get("/api/events", params=params).json()
            seen += [e["event_id"] for e in body["events"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        full = [e["event_id"] for e in http.get("/api/events", params={"sort": sort}).json()["events"]]
        assert seen == full and len(set(seen)) == 6, sort


def test_cursor_pagination_with_country_filter(http: httpx.Client) -> None:
    first = http.get("/api/events", params={"country": "SAU", "limit": 2}).json()
    second = http.get("/api/events", params={"country": "SAU", "limit": 2, "cursor": first["next_cursor"]}).json()
    ids = [e["event_id"] for e in first["events"] + second["events"]]
    assert len(set(ids)) == 3 and second["next_cursor"] is None


def test_events_as_csv(http: httpx.Client, fx: Fixture) -> None:
    r = http.get("/api/events", params={"format": "csv", "country": "EGY"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 1
    assert rows[0]["actor_country"] == "EGY" and rows[0]["topics"] == "border_security;organized_crime"
    assert rows[0]["event_id"] == fx.event_ids["egy_jor:0"]


def test_event_record_has_offsets_provenance_and_names(http: httpx.Client, fx: Fixture) -> None:
    ev = http.get(f"/api/events/{fx.event_ids['sau_pak:0']}").json()
    assert ev["type"] == "CONSULT" and ev["actor"]["country"] == "SAU"
    assert ev["provenance"] == {"actor": "nisba:السعودي", "type": "trigger:استقبل"}
    doc = http.get(f"/api/documents/{fx.doc_ids['sau_pak']}").json()
    assert doc["text"][ev["evidence_start"] : ev["evidence_end"]] == ev["evidence"]
    assert doc["text"][ev["trigger_start"] : ev["trigger_end"]] == "استقبل"
    assert ev["names"]["recipient"] == {"ar": "باكستان", "en": "Pakistan"}
    assert [e["event_id"] for e in doc["events"]] == [fx.event_ids["sau_pak:0"], fx.event_ids["sau_pak:1"]]


# -- countries, network, stats -------------------------------------------------------
def test_country_profile(http: httpx.Client) -> None:
    p = http.get("/api/countries/sau").json()
    assert p["iso3"] == "SAU" and p["total"] == 3 and p["as_actor"] == 2 and p["as_recipient"] == 1
    assert [(x["country"], x["events"]) for x in p["partners"]] == [("PAK", 2), ("ARE", 1)]
    assert p["topics_by_month"]["2025-03"] == {"counterterrorism": 1, "drug_trafficking": 1, "intelligence_sharing": 1}
    assert p["names"]["en"] == "Saudi Arabia" and len(p["latest"]) == 3


def test_network_json_and_filters(http: httpx.Client) -> None:
    net = http.get("/api/network").json()
    edges = {(e["source"], e["target"]): e["weight"] for e in net["edges"]}
    assert edges[("PAK", "SAU")] == 2 and edges[("EGY", "JOR")] == 1 and edges[("ARE", "IGO:GCC")] == 1
    assert {n["id"] for n in net["nodes"]} >= {"SAU", "PAK", "EGY", "JOR", "ARE", "IGO:GCC", "QAT", "KWT"}
    only = http.get("/api/network", params={"type": "AGREE"}).json()
    assert {(e["source"], e["target"]) for e in only["edges"]} == {("PAK", "SAU"), ("EGY", "JOR")}
    period = http.get("/api/network", params={"date_from": "2025-01", "topic": "drug_trafficking"}).json()
    assert [(e["source"], e["target"], e["weight"]) for e in period["edges"]] == [("PAK", "SAU", 1)]


def test_network_as_graphml(http: httpx.Client) -> None:
    r = http.get("/api/network", params={"format": "graphml"})
    assert r.status_code == 200
    root = ET.fromstring(r.text)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) == 8 and len(root.findall(".//g:edge", ns)) == 5


def test_stats(http: httpx.Client) -> None:
    s = http.get("/api/stats").json()
    assert s["documents"] == 4 and s["events"] == 6
    assert s["by_type"] == {"AGREE": 2, "CONSULT": 3, "COOPERATE": 1}
    assert s["by_month"]["2025-03"] == {"AGREE": 1, "CONSULT": 1}
    assert s["top_pairs"][0]["source"] == "PAK" and s["top_pairs"][0]["weight"] == 2


def test_openapi_lists_the_api(http: httpx.Client) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    for p in ("/api/events", "/api/events/{event_id}", "/api/documents/{doc_id}", "/api/countries/{iso3}",
              "/api/network", "/api/stats"):
        assert p in paths


# -- problems, never stack traces ------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "status", "names"),
    [
        ("/api/events?country=Saudi' OR 1=1--", 422, "country"),
        ("/api/events?type=HUG", 422, "type"),
        ("/api/events?date_from=2025/01", 422, "date_from"),
        ("/api/events?limit=100000", 422, "limit"),
        ("/api/events?cursor=not-a-cursor", 422, "cursor"),
        ("/api/events?pair=SAU", 422, "pair"),
        ("/api/events?q=" + "ا" * 500, 422, "q"),
        ("/api/events/nope", 404, "nope"),
        ("/api/documents/abc", 404, "abc"),
        ("/api/countries/XYZ", 404, "XYZ"),
        ("/api/countries/12", 422, "iso3"),
        ("/api/nothing", 404, ""),
    ],
)
def test_errors_are_json_problems(http: httpx.Client, path: str, status: int, names: str) -> None:
    r = http.get(path)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and names in body["detail"]
    assert "Traceback" not in r.text


def test_html_pages_render_and_link_their_json_twin(http: httpx.Client, fx: Fixture) -> None:
    eid = fx.event_ids["sau_pak:0"]
    for page, twin in [("/", "/api/stats"), ("/events?country=SAU", "/api/events?country=SAU"),
                       (f"/events/{eid}", f"/api/events/{eid}"), ("/network", "/api/network"),
                       ("/countries/SAU", "/api/countries/SAU")]:
        r = http.get(page, headers={"accept": "text/html"})
        assert r.status_code == 200, page
        assert f'href="{twin}' in r.text, page
        assert "script-src 'self'" in r.headers["content-security-policy"]
    assert http.get("/events/nope", headers={"accept": "text/html"}).status_code == 404


def test_english_toggle(http: httpx.Client) -> None:
    r = http.get("/?lang=en")
    assert '<html lang="en" dir="ltr">' in r.text and "Busiest country pairs" in r.text
    assert "lang=en" in r.headers["set-cookie"]
    ar = http.get("/?lang=ar")
    assert '<html lang="ar" dir="rtl">' in ar.text and "أنشط الثنائيات" in ar.text


def test_read_only_by_default(http: httpx.Client) -> None:
    r = http.post("/api/documents", json={"text": "نص"}, headers={"authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403 and "read-only" in r.json()["detail"]


# -- ingest (with a token) --------------------------------------------------------------
def fake_extract(doc, lexicon_dirs=()):  # type: ignore[no-untyped-def]
    """Stands in for marsad.pipeline.extract: one CONSULT event on the first sentence."""
    end = doc.text.find(".") + 1 or len(doc.text)
    doc.events = [Event(type="CONSULT", actor=Party("OMN", "GOV"), recipient=Party("IRN", "GOV"), date="2025-06-01",
                        evidence=doc.text[:end], evidence_start=0, evidence_end=end, extractor_version="fake")]
    return doc


@pytest.fixture
def ingest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[httpx.Client, str]]:
    import marsad.pipeline

    monkeypatch.setattr(marsad.pipeline, "extract", fake_extract, raising=False)
    db = str(tmp_path / "ingest.db")
    Store(db).engine.dispose()
    with serving(create_app(db, token=TOKEN)) as base, httpx.Client(base_url=base, timeout=10) as client:
        yield client, db


AUTH = {"authorization": f"Bearer {TOKEN}"}
ARTICLE = "مسقط - استقبل وزير الخارجية العماني نظيره الإيراني في مسقط. وبحثا العلاقات الثنائية."


def test_post_document_stores_it_and_its_events(ingest: tuple[httpx.Client, str]) -> None:
    http, _db = ingest
    r = http.post("/api/documents", json={"text": ARTICLE, "published": "2025-06-01", "source": "العمانية"},
                  headers=AUTH)
    assert r.status_code == 201, r.text
    res = r.json()["results"][0]
    assert res["status"] == "stored" and len(res["events"]) == 1
    assert http.get("/api/events", params={"country": "OMN"}).json()["total"] == 1
    assert http.get("/api/stats").json()["events"] == 1  # caches were cleared
    again = http.post("/api/documents", json={"text": ARTICLE}, headers=AUTH)
    assert again.status_code == 200 and again.json()["results"][0]["status"] == "duplicate"


def test_post_needs_the_token(ingest: tuple[httpx.Client, str]) -> None:
    http, _db = ingest
    assert http.post("/api/documents", json={"text": ARTICLE}).status_code == 401
    wrong = {"authorization": "Bearer wrong"}
    assert http.post("/api/documents", json={"text": ARTICLE}, headers=wrong).status_code == 401


@pytest.mark.parametrize(
    ("body", "code", "says"),
    [
        ({"text": ""}, "E001", "empty"),
        ({"title": "بلا نص"}, "E006", "text"),
        ({"text": "Only English words here, nothing Arabic at all."}, "E008", "Arabic"),
        ({"text": ARTICLE, "published": "2025-13-45"}, "E009", "published"),
        ([1, 2], "E006", "object"),
    ],
)
def test_bad_document_is_a_4xx_naming_the_problem_and_a_failure(
    ingest: tuple[httpx.Client, str], body: object, code: str, says: str
) -> None:
    http, db = ingest
    payload = {"documents": body} if isinstance(body, list) else body
    r = http.post("/api/documents", json=payload, headers=AUTH)
    assert 400 <= r.status_code < 500
    text = r.text
    assert code in text and says in text
    fails = Store(db).failures()
    assert fails and fails[-1]["code"] == code


def test_post_limits(ingest: tuple[httpx.Client, str]) -> None:
    http, _db = ingest
    huge = {"text": "ا" * (3 * 1024 * 1024)}
    assert http.post("/api/documents", json=huge, headers=AUTH).status_code == 413
    many = {"documents": [{"text": ARTICLE + str(i)} for i in range(101)]}
    assert http.post("/api/documents", json=many, headers=AUTH).status_code == 413
    bad = http.post("/api/documents", content=b"{not json", headers=AUTH | {"content-type": "application/json"})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")


def test_batch_reports_each_document(ingest: tuple[httpx.Client, str]) -> None:
    http, _db = ingest
    r = http.post("/api/documents", json={"documents": [{"text": ARTICLE}, {"text": ""}]}, headers=AUTH)
    assert r.status_code == 201
    assert [x["status"] for x in r.json()["results"]] == ["stored", "failed"]
