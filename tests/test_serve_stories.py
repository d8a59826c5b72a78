"""Stories in the API and on the event page: one meeting told by three outlets is one story with three sources."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from marsad.cli import app as cli
from marsad.serve import create_app

REPORTS = [
    (
        "وكالة أ",
        "استقبل وزير الداخلية العماني اليوم في مسقط وزير الداخلية الأردني، وبحث الجانبان مكافحة تهريب المخدرات.",
    ),
    (
        "صحيفة ب",
        "التقى وزير الداخلية الأردني اليوم نظيره العماني في العاصمة مسقط لبحث التعاون في مكافحة المخدرات عبر الحدود.",
    ),
    ("موقع ج", "مسقط - عقد وزير الداخلية العماني جلسة مباحثات مع وزير الداخلية الأردني اليوم تناولت تهريب المخدرات."),
    ("وكالة أ", "سلّمت السلطات التركية أمس متهماً مطلوباً إلى السلطات العراقية بعد القبض عليه في إسطنبول."),
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    from typer.testing import CliRunner

    tmp = tmp_path_factory.mktemp("stories")
    lines = [json.dumps({"text": t, "published": "2025-03-12", "source": s}, ensure_ascii=False) for s, t in REPORTS]
    (tmp / "reports.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = str(tmp / "s.db")
    res = CliRunner().invoke(cli, ["ingest", str(tmp / "reports.jsonl"), "--db", db, "-q"])
    assert res.exit_code == 0, res.output
    return TestClient(create_app(db))


def _meeting(body: dict) -> dict:
    return next(s for s in body["stories"] if s["event"]["type"] == "CONSULT")


def test_stories_list_one_story_per_happening(client: TestClient) -> None:
    body = client.get("/api/stories").json()
    meeting = _meeting(body)
    assert len(meeting["documents"]) == 3 and meeting["sources"]["count"] == 3
    assert {meeting["event"]["actor"]["country"], meeting["event"]["recipient"]["country"]} == {"OMN", "JOR"}
    assert sorted(s["event"]["type"] for s in body["stories"]) == ["COERCE", "CONSULT", "COOPERATE"]
    one = client.get(f"/api/stories/{meeting['story_id']}").json()
    assert one["story_id"] == meeting["story_id"] and one["sources"]["count"] == 3


def test_event_record_and_page_show_the_story_sources(client: TestClient) -> None:
    meeting = _meeting(client.get("/api/stories").json())
    event_id = meeting["event"]["event_id"]
    rec = client.get(f"/api/events/{event_id}").json()
    assert rec["sources"]["count"] == 3
    assert {s["outlet"] for s in rec["sources"]["items"]} >= {"صحيفة ب", "موقع ج"}
    page = client.get(f"/events/{event_id}").text
    assert "(3)" in page and "موقع ج" in page


def test_stories_filter_and_unknown_story(client: TestClient) -> None:
    assert client.get("/api/stories", params={"type": "COOPERATE"}).json()["stories"][0]["event"]["type"] == "COOPERATE"
    assert client.get("/api/stories/nosuchstory").status_code == 404


def test_stats_count_each_story_once(client: TestClient) -> None:
    stats = client.get("/api/stats").json()
    assert stats["documents"] == 4
    assert stats["by_type"] == {"COERCE": 1, "CONSULT": 1, "COOPERATE": 1}
    assert stats["events"] == 3 and stats["by_topic"].get("drug_trafficking") == 1


def test_country_profile_counts_each_story_once(client: TestClient) -> None:
    prof = client.get("/api/countries/OMN").json()
    assert prof["total"] == 1
    assert [(p["country"], p["events"]) for p in prof["partners"]] == [("JOR", 1)]
