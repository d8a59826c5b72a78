"""Shared helpers for the `marsad serve` tests: a real store with hand-made events, a real server.

Imported by tests/test_serve_api.py and tests/test_serve_browser.py (not a pytest
conftest, so it loads only for them).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import uvicorn

from marsad.model import Document, Event, Location, Participant, Party
from marsad.store.db import Store

SAU_PAK = (
    "الرياض - استقبل وزير الداخلية السعودي الأمير عبدالعزيز بن سعود نظيره الباكستاني محسن نقوي في الرياض. "
    "وبحث الجانبان تعزيز التعاون الأمني في مكافحة الإرهاب وتهريب المخدرات.\n"
    "واتفق الطرفان على تبادل المعلومات بين الأجهزة الأمنية في البلدين."
)
EGY_JOR = (
    "القاهرة - وقّعت مصر والأردن مذكرة تفاهم للتعاون في مجال أمن الحدود ومكافحة الجريمة المنظمة، "
    "خلال زيارة وزير الداخلية الأردني إلى القاهرة."
)
UAE_GCC = "أبوظبي - شاركت الإمارات في اجتماع وزراء داخلية دول مجلس التعاون لبحث الأمن السيبراني."
XSS = (
    "عاجل: <script>alert(1)</script> وزارة الداخلية القطرية تستقبل وفدا كويتيا "
    '<img src=x onerror=alert(1)> لبحث التعاون. <a href="javascript:alert(1)">اضغط هنا</a>'
)


@dataclass(slots=True)
class Fixture:
    db: str
    doc_ids: dict[str, str]
    event_ids: dict[str, str]


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _event(text: str, sentence: str, trigger: str, **kw: object) -> Event:
    s, e = _span(text, sentence)
    ts, te = _span(text, trigger)
    return Event(
        evidence=text[s:e], evidence_start=s, evidence_end=e, trigger=trigger, trigger_start=ts, trigger_end=te,
        extractor_version="test-1", **kw,  # type: ignore[arg-type]
    )


def build_store(path: str) -> Fixture:
    """A store with four articles and six events, written the way ingest writes them."""
    store = Store(path)
    docs: dict[str, Document] = {}

    d = Document(text=SAU_PAK, published=date(2025, 3, 15), source="واس", title="لقاء أمني سعودي باكستاني",
                 url="https://example.org/sau-pak")
    first = SAU_PAK[: SAU_PAK.index("الرياض.") + len("الرياض.")]
    d.events = [
        _event(SAU_PAK, first, "استقبل", type="CONSULT",
               actor=Party("SAU", "GOV", "عبدالعزيز بن سعود", "وزير الداخلية"),
               recipient=Party("PAK", "GOV", "محسن نقوي"),
               date="2025-03-15", location=Location("الرياض", "SAU"), topics=["counterterrorism", "drug_trafficking"],
               participants=[Participant("عبدالعزيز بن سعود", "وزير الداخلية", "SAU"),
                             Participant("محسن نقوي", None, "PAK")],
               confidence=0.92, provenance={"actor": "nisba:السعودي", "type": "trigger:استقبل"}),
        _event(SAU_PAK, "واتفق الطرفان على تبادل المعلومات بين الأجهزة الأمنية في البلدين.", "واتفق", type="AGREE",
               actor=Party("SAU", "GOV"), recipient=Party("PAK", "GOV"), date="2025-03",
               topics=["intelligence_sharing"], confidence=0.7),
    ]
    docs["sau_pak"] = d

    d = Document(text=EGY_JOR, published=date(2024, 11, 2), source="الأهرام", title="مذكرة تفاهم مصرية أردنية")
    d.events = [
        _event(EGY_JOR, EGY_JOR[: EGY_JOR.index("،") + 1], "وقّعت", type="AGREE", mode="mou",
               actor=Party("EGY", "GOV"), recipient=Party("JOR", "GOV"), date="2024-11-01",
               location=Location("القاهرة", "EGY"), topics=["border_security", "organized_crime"], confidence=0.88),
    ]
    docs["egy_jor"] = d

    d = Document(text=UAE_GCC, published=None, source="وام")
    d.events = [
        _event(UAE_GCC, UAE_GCC, "شاركت", type="COOPERATE", actor=Party("ARE", "GOV"),
               recipient=Party("IGO:GCC", "IGO"), date=None, topics=["cybersecurity"], confidence=0.5),
        _event(UAE_GCC, UAE_GCC, "اجتماع", type="CONSULT", status="expected", actor=Party("ARE", "GOV"),
               recipient=Party("SAU", "GOV"), date="2024", topics=[], confidence=0.4),
    ]
    docs["uae_gcc"] = d

    d = Document(text=XSS, published=date(2025, 1, 5), source="<b>مصدر</b>", title='<script>alert("t")</script>',
                 url="javascript:alert(1)")
    d.events = [
        _event(XSS, XSS[: XSS.index("التعاون.") + len("التعاون.")], "تستقبل", type="CONSULT",
               actor=Party("QAT", "GOV", "<img src=x onerror=alert(2)>"), recipient=Party("KWT", "GOV"),
               date="2025-01-05", topics=["crime_general"], confidence=0.6),
    ]
    docs["xss"] = d

    events: dict[str, str] = {}
    for key, doc in docs.items():
        assert store.add_document(doc, "test-1")
        for i, ev in enumerate(doc.events):
            events[f"{key}:{i}"] = ev.event_id
    store.engine.dispose()
    return Fixture(path, {k: v.doc_id for k, v in docs.items()}, events)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(app: object) -> Iterator[str]:
    """Run `app` under a real uvicorn on a free loopback port; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
