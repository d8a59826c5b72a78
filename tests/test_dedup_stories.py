"""One story per happening: near-duplicate copies are stored once, reports of one meeting share a story.

Every Arabic sentence here was written for these tests (a fictional Omani–Jordanian meeting).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from marsad.cli import app
from marsad.dedup import Deduper, signature
from marsad.evaluate import evaluate, read_gold
from marsad.model import Document, Event, Location, Party
from marsad.pipeline import extract
from marsad.store import EventQuery, Store
from marsad.store import sources as S
from marsad.stories import link, name_key, same_person
from tests.conftest import shared_file

# One meeting in Muscat, as five outlets wrote it.
MEETING = [
    "استقبل وزير الداخلية العماني سالم بن راشد الحارثي اليوم الثلاثاء في مسقط وزير الداخلية الأردني خالد عيسى المومني "
    "والوفد المرافق له، وبحث الجانبان خلال اللقاء تعزيز التعاون في مكافحة تهريب المخدرات وأمن الحدود بين البلدين.",
    "بحث وزير الداخلية الأردني خالد المومني مع نظيره العماني سالم الحارثي في العاصمة مسقط اليوم سبل تطوير العمل "
    "الأمني المشترك، وتناولت المباحثات تبادل المعلومات ومكافحة الجريمة المنظمة.",
    "التقى سالم بن راشد الحارثي وزير الداخلية في سلطنة عمان، صباح اليوم، وزير الداخلية في المملكة الأردنية الهاشمية "
    "خالد عيسى المومني، حيث جرى استعراض علاقات التعاون القائمة بين الوزارتين في المجالات الأمنية.",
    "أجرى وزير الداخلية الأردني خالد عيسى المومني اليوم مباحثات رسمية في مسقط مع وزير الداخلية العماني سالم بن راشد "
    "الحارثي تناولت التنسيق في مكافحة الإرهاب وضبط المنافذ الحدودية.",
    "عقد وزير الداخلية العماني سالم الحارثي ونظيره الأردني خالد المومني جلسة عمل في مسقط اليوم ناقشا فيها التعاون "
    "في مجالات التدريب الشرطي ومكافحة المخدرات.",
]
# The first outlet's full report: the lead above plus details (a copy's boilerplate is a small share of it).
DETAILS = (
    " وأكد الوزيران في ختام اللقاء أهمية مواصلة التشاور الدوري بين الأجهزة الأمنية في البلدين، واتفقا على تشكيل فريق "
    "عمل مشترك يجتمع كل ثلاثة أشهر لمتابعة ملفات تهريب المخدرات عبر الحدود البرية والبحرية، وتبادل الخبرات في مجال "
    "التحقيق الجنائي وتدريب الكوادر الشرطية، كما ناقشا الاستعدادات لمؤتمر إقليمي حول أمن المنافذ يعقد في الخريف المقبل."
)
FULL = MEETING[0] + DETAILS
DAY = date(2025, 3, 4)
MONTH_LATER = date(2025, 4, 8)
BOILERPLATE_HEAD = "وكالة الأنباء المحلية - خاص: "
BOILERPLATE_TAIL = " اقرأ أيضاً: أخبار ذات صلة من قسم الشؤون المحلية وتابعونا على منصاتنا."


def _docs(texts: list[str], published: list[date]) -> list[Document]:
    pairs = enumerate(zip(texts, published, strict=True))
    return [extract(Document(text=t, published=p, source=f"outlet-{i}")) for i, (t, p) in pairs]


def _stories(docs: list[Document]) -> set[str | None]:
    return {ev.story for d in docs for ev in d.events if ev.status == "occurred"}


# -- stories ---------------------------------------------------------------------------------
def test_one_meeting_reported_by_five_outlets_is_one_story() -> None:
    docs = _docs(MEETING, [DAY] * 5)
    assert all(len(d.events) >= 1 for d in docs), "every outlet's report gives an event"
    link(docs)
    assert len(_stories(docs)) == 1


def test_the_same_ministers_a_month_apart_are_two_stories() -> None:
    docs = _docs(MEETING[:2], [DAY, MONTH_LATER])
    link(docs)
    assert len(_stories(docs)) == 2


def test_undated_reports_of_different_officials_stay_apart() -> None:
    a = Document(text="نص أول", doc_id="a")
    b = Document(text="نص ثان", doc_id="b")
    a.events = [Event("CONSULT", actor=Party("KWT", name="جابر خالد الصباح"), recipient=Party("SAU"), doc_id="a",
                      location=Location("الكويت", "KWT"))]
    b.events = [Event("CONSULT", actor=Party("KWT", name="فهد يوسف الصباح"), recipient=Party("SAU"), doc_id="b",
                      location=Location("الكويت", "KWT"))]
    link([a, b])
    assert a.events[0].story != b.events[0].story


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("عبد العزيز بن سعود", "عبدالعزيز بن سعود بن نايف بن عبدالعزيز", True),  # short and full form
        ("محسن نقوي", "محسن نقفي", True),  # two transliterations of one family name
        ("مجدي عبدالغفار", "مجدي عبد الغفار", True),  # عبد spacing
        ("جابر بن خالد الصباح", "فهد يوسف سعود الصباح", False),  # one family, two people
        ("عبدالعزيز بن ابراهيم الفايز", "عبدالعزيز بن سعود", False),  # one given name, two people
    ],
)
def test_names_compare_as_people(one: str, other: str, same: bool) -> None:
    assert same_person(name_key(one), name_key(other)) is same


# -- near-duplicates ---------------------------------------------------------------------------
def test_a_syndicated_copy_is_a_near_duplicate_but_a_rewording_is_not() -> None:
    d = Deduper()
    d.add("original", signature(FULL))
    copy = d.find(signature(BOILERPLATE_HEAD + FULL + BOILERPLATE_TAIL))
    assert copy is not None and copy.doc_id == "original" and copy.similarity >= d.threshold
    assert d.find(signature(MEETING[3])) is None


def test_short_texts_are_never_near_duplicates() -> None:
    # One-line briefs differing only in the guest's country are two reports, not one.
    assert signature("استقبل وزير الداخلية اليوم نظيره الأردني") is None


def _jsonl(path: Path, texts: list[str], published: date) -> Path:
    rows = [{"text": t, "published": published.isoformat(), "source": f"outlet-{i}", "url": f"https://o{i}.test/a"}
            for i, t in enumerate(texts)]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_store_counts_one_per_story_and_keeps_every_source(runner: CliRunner, db: str, tmp_path: Path) -> None:
    texts = [FULL, *MEETING[1:], BOILERPLATE_HEAD + FULL + BOILERPLATE_TAIL]
    res = runner.invoke(app, ["ingest", str(_jsonl(tmp_path / "m.jsonl", texts, DAY)), "--db", db, "-q"])
    assert res.exit_code == 0, res.output
    store = Store(db)
    assert store.count("documents") == 5, "the syndicated copy is folded into its original"
    occurred = EventQuery(status="occurred", type="CONSULT")  # the full report also names an agreement
    assert len(store.events(occurred)) == 1
    occurred.per_document = True
    assert len(store.events(occurred)) == 5
    (story,) = S.stories(store, EventQuery(status="occurred", type="CONSULT"))
    assert len(story.documents) == 5 and len(story.events) == 5
    urls = sorted(s.url for s in S.event_sources(store, story.primary.event_id))
    assert urls == sorted({f"https://o{i}.test/a" for i in range(6)})
    copy = next(s for s in story.sources if s.url == "https://o5.test/a")
    original = next(s for s in story.sources if s.url == "https://o0.test/a")
    assert copy.doc_id == original.doc_id, "both outlets' URLs stay on the one stored text"
    assert max(copy.similarity or 0, original.similarity or 0) >= 0.7  # the one folded in says how close it was
    assert S.story(store, story.story_id) is not None


def test_cli_events_and_export_default_to_one_per_story(runner: CliRunner, db: str, tmp_path: Path) -> None:
    runner.invoke(app, ["ingest", str(_jsonl(tmp_path / "m.jsonl", MEETING, DAY)), "--db", db, "-q"])
    one = json.loads(runner.invoke(app, ["events", "--db", db, "-f", "json", "--status", "occurred"]).stdout)
    raw = json.loads(runner.invoke(app, ["events", "--db", db, "-f", "json", "--status", "occurred",
                                         "--per-document"]).stdout)
    assert (len(one), len(raw)) == (1, 5)
    lines = runner.invoke(app, ["export", "--db", db, "-f", "jsonl", "--status", "occurred"]).stdout.splitlines()
    assert len([ln for ln in lines if ln.startswith("{")]) == 1


def test_ingesting_again_keeps_story_ids(runner: CliRunner, db: str, tmp_path: Path) -> None:
    runner.invoke(app, ["ingest", str(_jsonl(tmp_path / "a.jsonl", MEETING[:3], DAY)), "--db", db, "-q"])
    before = {e.story for e in Store(db).events(EventQuery(per_document=True))}
    runner.invoke(app, ["ingest", str(_jsonl(tmp_path / "b.jsonl", MEETING[3:], DAY)), "--db", db, "-q"])
    after = {e.story for e in Store(db).events(EventQuery(per_document=True, status="occurred"))}
    assert len(before) == 1 and after == before


# -- the evaluator's story line -------------------------------------------------------------------
def _gold(path: Path) -> Path:
    ev = {"type": "CONSULT", "status": "occurred", "actor": {"country": "OMN"}, "recipient": {"country": "JOR"},
          "date": DAY.isoformat()}
    rows = [{"doc_id": f"m{i}", "published": DAY.isoformat(), "text": t, "story": "omn-jor-muscat", "events": [ev]}
            for i, t in enumerate(MEETING)]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_eval_prints_story_f1_on_its_own_line(runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(app, ["eval", str(_gold(tmp_path / "g.jsonl"))])
    assert res.exit_code == 0, res.output
    assert "story F1 1.0000 P 1.0000 R 1.0000" in res.stdout.splitlines()


def test_dev_story_f1_meets_the_target_without_touching_event_f1() -> None:
    from marsad.pipeline import extract_events
    from marsad.stories import link_documents

    gold = read_gold(shared_file("corpus/dev.jsonl"))
    plain = evaluate(gold, extract_events)
    linked = evaluate(gold, extract_events, link_documents)
    assert linked.occurred.f1 == plain.occurred.f1
    assert linked.story is not None and linked.story.f1 >= 0.90, linked.story.as_dict()
