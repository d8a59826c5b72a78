"""`marsad watch`: polls resume from the store; a kill loses and duplicates nothing; Ctrl-C stops cleanly.

The feeds and pages come from a local server on 127.0.0.1 (see test_web_ingest.LocalSite).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marsad.ingest.web import FetchSettings
from marsad.store import Store
from marsad.store import sources as S
from marsad.store.schema import document_sources
from marsad.watch import Follower, parse_every
from tests.test_web_ingest import LocalSite, page, rss

ROOT = Path(__file__).resolve().parent.parent
# Eight different short reports (sentences written for this test), so none is a near-copy of another.
SENTENCES = [
    "افتتحت مديرية الأمن العام في عمّان اليوم مركزاً جديداً لتدريب عناصر الدفاع المدني على عمليات الإنقاذ.",
    "ضبطت دوريات خفر السواحل قارباً يحمل كميات من البضائع المهربة قرب الساحل الشرقي فجر اليوم.",
    "أعلنت وزارة الداخلية عن إطلاق خدمة إلكترونية لتجديد جوازات السفر دون الحاجة إلى مراجعة المكاتب.",
    "نظمت أكاديمية الشرطة ورشة عمل حول التحقيق في الجرائم الإلكترونية بمشاركة خبراء من عدة دول.",
    "استقبل مدير الأمن العام وفداً من الصليب الأحمر لبحث برامج التوعية في المدارس والجامعات.",
    "أطلقت إدارة المرور حملة لتوعية السائقين بمخاطر استخدام الهاتف أثناء القيادة على الطرق السريعة.",
    "أنهت فرق الحماية المدنية تمريناً مشتركاً لمواجهة الحرائق في المباني المرتفعة وسط المدينة.",
    "كرّمت قيادة الشرطة عدداً من منتسبيها المتميزين في حفل أقيم بمقر القيادة بحضور كبار الضباط.",
]
N = len(SENTENCES)


def _article(i: int) -> str:
    return page(f"خبر رقم {i}", SENTENCES[i], SENTENCES[(i + 3) % N])


@pytest.fixture
def feed_site(tmp_path: Path) -> Iterator[tuple[LocalSite, Path]]:
    site = LocalSite().start()
    items = []
    for i in range(N):
        site.add(f"/a/{i}.html", _article(i), delay=0.25)  # slow enough to kill the watcher mid-run
        items.append((f"{site.base}/a/{i}.html", f"خبر {i}", "Wed, 05 Mar 2025 08:00:00 GMT"))
    site.add("/feed.xml", rss("أخبار الأمن", items), ctype="application/rss+xml", etag='"feed-v1"')
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# test feed\n{site.base}/feed.xml\n", encoding="utf-8")
    yield site, feeds
    site.stop()


def _watch(feeds: Path, db: str, *args: str, stderr: object = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MARSAD_FETCH_RATE": "0", "MARSAD_FETCH_TIMEOUT": "3", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-c", "from marsad.cli import main; main()", "watch", str(feeds), "--db", db, *args]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=stderr, cwd=ROOT)  # type: ignore[arg-type]


def _count_docs(db: str) -> int:
    """Read-only peek while the watcher writes (no Store: opening one would run migrations alongside it)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:  # not created or not migrated yet
        return 0


def _wait_for_docs(db: str, n: int, proc: subprocess.Popen[bytes], limit: float = 60.0) -> int:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if (got := _count_docs(db)) >= n:
            return got
        time.sleep(0.02)
    return _count_docs(db)


def test_kill_mid_run_then_restart_loses_and_duplicates_nothing(feed_site: tuple[LocalSite, Path], db: str) -> None:
    site, feeds = feed_site
    proc = _watch(feeds, db, "--every", "1s")
    try:
        got = _wait_for_docs(db, 2, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert 2 <= got < N, "the watcher was killed mid-run"
    restart = _watch(feeds, db, "--once")
    assert restart.wait(timeout=120) == 0
    store = Store(db)
    assert store.count("documents") == N
    assert S.seen_counts(store) == {S.STORED: N}
    assert not S.pending_urls(store)
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(document_sources)).scalar_one() == N
    refetched = [i for i in range(N) if site.hits[f"/a/{i}.html"] > 1]
    assert len(refetched) <= 1 and all(site.hits[f"/a/{i}.html"] <= 2 for i in range(N)), site.hits
    # A third run finds the feed unchanged (conditional GET) and fetches no article.
    hits = site.hits.copy()
    assert _watch(feeds, db, "--once").wait(timeout=120) == 0
    assert site.hits["/feed.xml"] == hits["/feed.xml"] + 1
    assert all(site.hits[f"/a/{i}.html"] == hits[f"/a/{i}.html"] for i in range(N))
    assert Store(db).count("documents") == N


def test_ctrl_c_stops_cleanly(feed_site: tuple[LocalSite, Path], db: str, tmp_path: Path) -> None:
    _site, feeds = feed_site
    log = tmp_path / "watch.log"
    with log.open("wb") as fh:
        proc = _watch(feeds, db, "--every", "60s", stderr=fh)
        try:
            assert _wait_for_docs(db, 1, proc) >= 1
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
    assert "stopped" in log.read_text(encoding="utf-8")
    store = Store(db)
    stored = S.seen_counts(store).get(S.STORED, 0)
    assert stored == store.count("documents"), "every article is either stored or still pending, never half"


def test_a_broken_feed_is_one_failure_row_per_distinct_error(db: str) -> None:
    site = LocalSite().start()
    try:
        store = Store(db)
        follower = Follower(store, settings=FetchSettings(retries=0, rate=0))
        for _ in range(3):
            follower.run_once([site.base + "/gone.xml"])
        follower.close()
    finally:
        site.stop()
    (state,) = S.list_feeds(store)
    assert state.errors == 3 and "HTTP 404" in (state.last_error or "")
    assert len(store.failures()) == 1


def test_a_transient_error_is_retried_on_the_next_polls_then_stored(db: str) -> None:
    site = LocalSite().start()
    try:
        site.add("/a/x.html", page("خبر", SENTENCES[0], SENTENCES[1]), fail_first=2)
        site.add("/feed.xml", rss("أخبار", [(site.base + "/a/x.html", "خبر", "Wed, 05 Mar 2025 08:00:00 GMT")]),
                 ctype="application/rss+xml")
        store = Store(db)
        follower = Follower(store, settings=FetchSettings(retries=0, rate=0))
        results = [follower.run_once([site.base + "/feed.xml"]).new for _ in range(3)]
        follower.close()
    finally:
        site.stop()
    assert results == [0, 0, 1]
    assert S.get_seen(store, site.base + "/a/x.html").status == S.STORED


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("30s", 30), ("15m", 900), ("1h", 3600), ("0.5s", 0.5)])
def test_durations(text: str, seconds: float) -> None:
    assert parse_every(text) == seconds


def test_a_bad_duration_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_every("soon")
