"""Web pages and feeds, fetched only from a server these tests start on 127.0.0.1.

Every page and feed is written here (original Arabic sentences), including
broken ones: a truncated feed, wrong charsets, redirects, 404, a slow page,
a PDF, an English page, a menu-only page, an oversized page, a robots.txt ban.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from click.testing import Result
from typer.testing import CliRunner

from marsad.cli import app
from marsad.errors import EMPTY, NO_TEXT, NOT_ARABIC, TOO_LARGE
from marsad.ingest import web
from marsad.ingest.feeds import parse_feed
from marsad.store import EventQuery, Store
from marsad.store import sources as S

LEAD = (
    "استقبل وزير الداخلية العماني سالم بن راشد الحارثي اليوم الثلاثاء في مسقط وزير الداخلية الأردني خالد عيسى المومني "
    "والوفد المرافق له، وبحث الجانبان خلال اللقاء تعزيز التعاون في مكافحة تهريب المخدرات وأمن الحدود بين البلدين."
)
DETAILS = (
    "وأكد الوزيران في ختام اللقاء أهمية مواصلة التشاور الدوري بين الأجهزة الأمنية في البلدين، واتفقا على تشكيل فريق "
    "عمل مشترك يجتمع كل ثلاثة أشهر لمتابعة ملفات التهريب عبر الحدود البرية والبحرية، وتبادل الخبرات في مجال التحقيق "
    "الجنائي وتدريب الكوادر الشرطية، كما ناقشا الاستعدادات لمؤتمر إقليمي حول أمن المنافذ يعقد في الخريف المقبل."
)
OTHER_OUTLET = (
    "بحث وزير الداخلية الأردني خالد المومني مع نظيره العماني سالم الحارثي في العاصمة مسقط اليوم سبل تطوير العمل "
    "الأمني المشترك، وتناولت المباحثات تبادل المعلومات ومكافحة الجريمة المنظمة والتنسيق بين مراكز الشرطة الحدودية."
)
CUSTOMS = (
    "أعلنت الإدارة العامة للجمارك في مسقط اليوم عن افتتاح مختبر جديد لفحص الشحنات المشبوهة في الميناء الرئيسي، "
    "ويضم المختبر أجهزة حديثة للكشف عن المواد المحظورة وفريقاً من الفنيين المدربين على التعامل معها بسرعة ودقة."
)
ENGLISH = "The ministry opened a new training centre today and officials discussed the schedule for next year. " * 3


def page(title: str, *paragraphs: str, published: str | None = "2025-03-04", canonical: str | None = None,
         site: str = "صحيفة الخليج التجريبية", charset: str = "utf-8") -> str:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    canon = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="{charset}"><title>{title}</title>'
        f'<meta property="og:site_name" content="{site}">{meta}{canon}</head><body>'
        '<nav><a href="/">الرئيسية</a> | <a href="/sport">رياضة</a> | <a href="/econ">اقتصاد</a></nav>'
        f"<article><h1>{title}</h1>{body}</article><footer>جميع الحقوق محفوظة</footer></body></html>"
    )


def rss(title: str, items: list[tuple[str, str, str]], *, cut: int | None = None) -> bytes:
    """RSS 2.0: items are (link, title, RFC 822 date); `cut` truncates the XML after that many bytes."""
    body = "".join(f"<item><title>{t}</title><link>{link}</link><pubDate>{d}</pubDate></item>" for link, t, d in items)
    xml = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
           f"<link>http://127.0.0.1/</link><description>أخبار</description>{body}</channel></rss>").encode()
    return xml[:cut] if cut else xml


@dataclass
class Route:
    body: bytes | Callable[[], bytes] = b""
    status: int = 200
    ctype: str = "text/html; charset=utf-8"
    delay: float = 0.0
    etag: str | None = None
    fail_first: int = 0  # answer 503 this many times first
    location: str | None = None


@dataclass
class LocalSite:
    """A tiny web site on 127.0.0.1 with a hit counter, request times and User-Agents per path."""

    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    times: dict[str, list[float]] = field(default_factory=dict)
    agents: set[str] = field(default_factory=set)
    base: str = ""

    def add(self, path: str, body: str | bytes | Callable[[], bytes] = b"", **kw: object) -> str:
        self.routes[path] = Route(body.encode() if isinstance(body, str) else body, **kw)  # type: ignore[arg-type]
        return self.base + path

    def start(self) -> LocalSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:  # quiet test output
                pass

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                site.hits[path] += 1
                site.times.setdefault(path, []).append(time.monotonic())
                site.agents.add(self.headers.get("User-Agent", ""))
                r = site.routes.get(path)
                if r is None:
                    return self._send(404, b"not found", "text/plain")
                if r.delay:
                    time.sleep(r.delay)
                if r.fail_first > 0:
                    r.fail_first -= 1
                    return self._send(503, b"busy", "text/plain")
                if r.etag and self.headers.get("If-None-Match") == r.etag:
                    return self._send(304, b"", r.ctype, {"ETag": r.etag})
                extra = {"ETag": r.etag} if r.etag else {}
                if r.location:
                    extra["Location"] = r.location
                body = r.body() if callable(r.body) else r.body
                return self._send(r.status, body, r.ctype, extra)

            def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                if status != 304:
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeouts)
                        self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def free_port() -> int:
    """A port nothing listens on (for 'connection refused')."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalSite]:
    for k, v in {"MARSAD_FETCH_TIMEOUT": "0.5", "MARSAD_FETCH_RATE": "0", "MARSAD_FETCH_RETRIES": "1",
                 "MARSAD_FETCH_BACKOFF": "0.05"}.items():
        monkeypatch.setenv(k, v)
    s = LocalSite().start()
    s.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", ctype="text/plain")
    yield s
    s.stop()


def _ingest(runner: CliRunner, db: str, *args: str) -> Result:
    return runner.invoke(app, ["ingest", *args, "--db", db, "-q"])


def _failures(db: str) -> dict[str, tuple[str, str]]:
    return {r["origin"]: (r["code"], r["reason"]) for r in Store(db).failures()}


# -- pages --------------------------------------------------------------------------------------
def test_a_page_url_gives_text_title_date_outlet_and_canonical_url(runner: CliRunner, db: str, site: LocalSite) -> None:
    canonical = site.base + "/news/omn-jor"
    url = site.add("/news/1.html", page("لقاء أمني عماني أردني", LEAD, DETAILS, canonical=canonical))
    res = _ingest(runner, db, url)
    assert res.exit_code == 0, res.output
    store = Store(db)
    (doc,) = list(store.iter_documents())
    assert "الحارثي" in doc.text and "الرئيسية" not in doc.text  # main text without the menu
    assert (doc.title, doc.published.isoformat(), doc.url, doc.source) == (
        "لقاء أمني عماني أردني", "2025-03-04", canonical, "صحيفة الخليج التجريبية")
    assert any(e.type == "CONSULT" and {e.actor.country, e.recipient.country} == {"OMN", "JOR"}
               for e in store.events())
    assert any("marsad/" in ua for ua in site.agents), "a clear User-Agent is sent"


def test_wrong_charset_declared_either_way_is_read_right(runner: CliRunner, db: str, site: LocalSite) -> None:
    a = site.add("/utf8-says-1256.html", page("خبر أول", LEAD), ctype="text/html; charset=windows-1256")
    b = site.add("/1256-says-utf8.html", page("خبر ثان", CUSTOMS, charset="windows-1256").encode("cp1256"),
                 ctype="text/html; charset=utf-8")
    assert _ingest(runner, db, a, b).exit_code == 0
    texts = [d.text for d in Store(db).iter_documents()]
    assert any("الحارثي" in t for t in texts) and any("مختبر" in t for t in texts)


def test_a_redirect_is_followed_and_the_final_url_kept(runner: CliRunner, db: str, site: LocalSite) -> None:
    final = site.add("/news/moved.html", page("خبر الجمارك", CUSTOMS))
    old = site.add("/old-link.html", status=301, location="/news/moved.html")
    assert _ingest(runner, db, old).exit_code == 0
    (doc,) = list(Store(db).iter_documents())
    assert doc.url == final


@pytest.mark.parametrize(
    ("path", "route", "code", "reason"),
    [
        ("/missing.html", None, web.HTTP_ERROR, "HTTP 404"),
        ("/broken.html", {"status": 500}, web.HTTP_ERROR, "HTTP 503"),
        ("/slow.html", {"body": page("بطيء", LEAD), "delay": 2.0}, web.TIMEOUT, "timed out"),
        ("/report.pdf", {"body": b"%PDF-1.4 binary", "ctype": "application/pdf"}, web.NOT_HTML, "not an HTML page"),
        ("/english.html", {"body": page("News", ENGLISH)}, NOT_ARABIC, "not Arabic"),
        ("/menu.html", {"body": "<html><body><nav><a href='/'>الرئيسية</a></nav></body></html>"}, NO_TEXT,
         "empty after extraction"),
        ("/big.html", {"body": page("كبير", LEAD * 1000)}, TOO_LARGE, "MB"),
        ("/private/secret.html", {"body": page("سري", LEAD)}, web.ROBOTS, "robots.txt"),
        ("/loop.html", {"status": 302, "location": "/loop.html"}, web.NETWORK, "redirects"),
    ],
)
def test_each_fetch_failure_is_a_failure_row_with_url_and_reason(
    runner: CliRunner, db: str, site: LocalSite, path: str, route: dict | None, code: str, reason: str,
) -> None:
    if route is not None:
        if route.get("status") == 500:
            route = {"fail_first": 99}
        site.add(path, **route)
    url = site.base + path
    res = runner.invoke(app, ["ingest", url, "--db", db, "-q", "--max-bytes", "200000"])
    assert res.exit_code == 3, res.output
    got = _failures(db)
    assert url in got and got[url][0] == code and reason in got[url][1], got
    assert url in runner.invoke(app, ["failures", "--db", db, "-f", "json"]).stdout
    assert S.get_seen(Store(db), url).status in (S.FAILED, S.PENDING)


def test_connection_refused_and_dns_failures_are_named(runner: CliRunner, db: str, site: LocalSite) -> None:
    url = f"http://127.0.0.1:{free_port()}/news.html"
    assert _ingest(runner, db, url).exit_code == 3
    assert _failures(db)[url][0] == web.NETWORK

    def no_such_host(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    with web.Fetcher(web.FetchSettings(retries=0), transport=httpx.MockTransport(no_such_host)) as f:
        got = f.get("http://no-such-host.invalid/a.html")
    assert got.code == web.NETWORK and got.reason.startswith("DNS lookup failed")


def test_a_5xx_is_retried_with_backoff_then_stored(runner: CliRunner, db: str, site: LocalSite) -> None:
    url = site.add("/flaky.html", page("خبر متعثر", LEAD, DETAILS), fail_first=1)
    assert _ingest(runner, db, url).exit_code == 0
    assert site.hits["/flaky.html"] == 2 and Store(db).count("documents") == 1


def test_requests_to_one_host_are_spaced_by_the_rate_limit(site: LocalSite) -> None:
    for i in range(3):
        site.add(f"/p{i}.html", page("خبر", CUSTOMS))
    with web.Fetcher(web.FetchSettings(rate=0.25, retries=0)) as f:
        for i in range(3):
            assert isinstance(f.get(f"{site.base}/p{i}.html"), web.Fetched)
    stamps = sorted(t for i in range(3) for t in site.times[f"/p{i}.html"])
    assert all(b - a >= 0.2 for a, b in itertools.pairwise(stamps))  # 0.05 s for connection jitter


# -- feeds --------------------------------------------------------------------------------------
def _news_feed(site: LocalSite) -> str:
    site.add("/news/1.html", page("لقاء أمني عماني أردني", LEAD, DETAILS, published="2025-03-02"))
    site.add("/news/2.html", page("مباحثات أردنية عمانية", OTHER_OUTLET, site="وكالة أنباء تجريبية"))
    site.add("/copy/1.html", page("نقلاً عن الوكالة", "خاص - مسقط:", LEAD, DETAILS, "تابعونا على منصاتنا",
                                  site="موقع ثالث"))
    items = [
        ("/news/1.html", "لقاء أمني", "Tue, 04 Mar 2025 09:00:00 GMT"),
        ("/news/2.html", "مباحثات", "Tue, 04 Mar 2025 10:00:00 GMT"),
        ("/copy/1.html", "نسخة", "Tue, 04 Mar 2025 11:00:00 GMT"),
    ]
    return site.add("/feed.xml", rss("أخبار الأمن", [(site.base + p, t, d) for p, t, d in items]),
                    ctype="application/rss+xml", etag='"v1"')


def test_feed_items_stored_once_with_every_source_and_one_story(runner: CliRunner, db: str, site: LocalSite) -> None:
    feed = _news_feed(site)
    res = _ingest(runner, db, "--feed", feed)
    assert res.exit_code == 0, res.output
    store = Store(db)
    assert store.count("documents") == 2, "the syndicated copy is kept as a source, not a document"
    docs = {d.url: d for d in store.iter_documents()}
    first = docs[site.base + "/news/1.html"]
    assert first.published.isoformat() == "2025-03-04", "the feed's date wins over the page's"
    consult = EventQuery(type="CONSULT", status="occurred")
    (ev,) = store.events(consult)
    sources = {s.url: s for s in S.event_sources(store, ev.event_id)}
    assert set(sources) == {site.base + p for p in ("/news/1.html", "/news/2.html", "/copy/1.html")}
    assert sources[site.base + "/copy/1.html"].similarity >= 0.7
    consult.per_document = True
    assert len(store.events(consult)) == 2


def test_second_poll_uses_conditional_get_and_fetches_nothing(runner: CliRunner, db: str, site: LocalSite) -> None:
    feed = _news_feed(site)
    _ingest(runner, db, "--feed", feed)
    before = (Store(db).count("documents"), Store(db).count("events"), site.hits.copy())
    assert _ingest(runner, db, "--feed", feed).exit_code == 0
    after_hits = site.hits
    assert (Store(db).count("documents"), Store(db).count("events")) == before[:2]
    articles = [p for p in after_hits if p not in ("/feed.xml", "/robots.txt")]
    assert after_hits["/feed.xml"] == 2 and all(after_hits[p] == before[2][p] == 1 for p in articles)
    (state,) = S.list_feeds(Store(db))
    assert state.etag == '"v1"' and state.last_status == 304 and state.errors == 0


def test_a_feed_list_file_is_read(runner: CliRunner, db: str, site: LocalSite, tmp_path: Path) -> None:
    feed = _news_feed(site)
    listing = tmp_path / "feeds.txt"
    listing.write_text(f"# our feeds\n{feed}  الخليج\n\n", encoding="utf-8")
    assert _ingest(runner, db, "--feed", str(listing)).exit_code == 0
    assert Store(db).count("documents") == 2


def test_truncated_feed_keeps_items_before_the_break_and_says_so(runner: CliRunner, db: str, site: LocalSite) -> None:
    site.add("/news/9.html", page("خبر الجمارك", CUSTOMS))
    xml = rss("مقطوع", [(site.base + "/news/9.html", "جمارك", "Tue, 04 Mar 2025 09:00:00 GMT"),
                        (site.base + "/news/10.html", "آخر", "Tue, 04 Mar 2025 10:00:00 GMT")])
    feed = site.add("/truncated.xml", xml[: xml.index(b"/news/10.html")], ctype="application/rss+xml")
    res = _ingest(runner, db, "--feed", feed)
    assert res.exit_code == 3
    assert Store(db).count("documents") == 1
    code, reason = _failures(db)[feed]
    assert code == web.BAD_FEED and "1 items recovered" in reason


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (page("ليست خلاصة", CUSTOMS), "text/html"),  # a page given as a feed
        ("", "application/rss+xml"),  # empty
        ("<?xml version='1.0'?><rss><channel><item><title>مقطوع", "application/rss+xml"),  # cut before any link
    ],
)
def test_an_unreadable_feed_is_a_failure(runner: CliRunner, db: str, site: LocalSite, body: str, ctype: str) -> None:
    feed = site.add("/bad-feed.xml", body, ctype=ctype)
    assert _ingest(runner, db, "--feed", feed).exit_code == 3
    assert _failures(db)[feed][0] == web.BAD_FEED


def test_atom_feeds_and_relative_links_parse() -> None:
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>وكالة</title>'
        '<entry><title>خبر</title><link href="/a/1.html"/><id>tag:x,2025:1</id>'
        "<updated>2025-03-04T08:00:00Z</updated></entry></feed>"
    ).encode()
    parsed = parse_feed(atom, "http://127.0.0.1:9/feed.atom", "application/atom+xml")
    assert [(i.url, i.published.isoformat(), i.outlet) for i in parsed.items] == [
        ("http://127.0.0.1:9/a/1.html", "2025-03-04", "وكالة")]


def test_no_inputs_is_a_usage_error(runner: CliRunner, db: str) -> None:
    assert runner.invoke(app, ["ingest", "--db", db]).exit_code == 2


def test_empty_page_body_is_named(site: LocalSite) -> None:
    url = site.add("/empty.html", "<html><body></body></html>")
    with web.Fetcher() as f:
        got = f.get(url)
    doc = web.page_document(got)
    assert doc.code in (NO_TEXT, EMPTY)
