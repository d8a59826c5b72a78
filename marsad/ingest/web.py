"""Fetch article pages politely and turn them into `Document`s or `Failure`s.

Polite: one clear User-Agent, robots.txt obeyed (urllib.robotparser, its
Crawl-delay honoured), at most one request per `rate` seconds to a host,
timeouts on every request, a few retries with exponential backoff for errors
that pass (timeouts, resets, 429, 5xx), conditional GET for feeds, and a size
cap read while streaming. Every way a fetch can fail comes back as a
`Failure` with the URL and a reason an analyst can act on; nothing raises.
Text, title, date, outlet and canonical URL come from trafilatura.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from marsad import __version__
from marsad import errors as E
from marsad.config import Settings
from marsad.errors import Failure
from marsad.ingest.readers import _checked
from marsad.model import Document

# Fetch failure codes (E1xx: the web side; E0xx in marsad.errors are the input side).
# The fetch failure codes live with the others in marsad.errors; re-exported for the fetchers.
NETWORK, TIMEOUT, HTTP_ERROR, NOT_HTML, ROBOTS, BAD_FEED = (
    E.NETWORK, E.TIMEOUT, E.HTTP_ERROR, E.NOT_HTML, E.ROBOTS, E.BAD_FEED
)

USER_AGENT = f"marsad/{__version__} (Arabic security-news event monitor; obeys robots.txt)"
ROBOTS_AGENT = "marsad"
MIN_WORDS = 8  # fewer words after boilerplate removal is a menu or a paywall stub, not a report
MAX_REDIRECTS = 5  # more is a loop or a tracker chain
MAX_RETRY_AFTER = 60.0  # seconds: a longer Retry-After is treated as "later", i.e. a failure now
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(slots=True)
class FetchSettings:
    """How hard and how fast to fetch; environment variables override the defaults (tests, cron)."""

    timeout: float = field(default_factory=lambda: _env_float("MARSAD_FETCH_TIMEOUT", 20.0))
    retries: int = field(default_factory=lambda: int(_env_float("MARSAD_FETCH_RETRIES", 2)))
    backoff: float = field(default_factory=lambda: _env_float("MARSAD_FETCH_BACKOFF", 1.0))  # 1 s, 2 s, 4 s...
    rate: float = field(default_factory=lambda: _env_float("MARSAD_FETCH_RATE", 1.0))  # s between requests to a host
    max_bytes: int = field(default_factory=lambda: Settings().max_bytes)
    user_agent: str = USER_AGENT
    robots: bool = True


@dataclass(slots=True)
class Fetched:
    """An answer worth reading (2xx or 304), with what conditional GET needs next time."""

    url: str
    final_url: str
    status: int
    content: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _Retry(Exception):
    """A failure that may pass: try again after the backoff (or the server's Retry-After)."""

    def __init__(self, failure: Failure, wait: float | None = None) -> None:
        super().__init__(failure.reason)
        self.failure, self.wait = failure, wait


class Fetcher:
    """One HTTP client with per-host pacing and a robots.txt cache; `stop` interrupts its waits."""

    def __init__(
        self, settings: FetchSettings | None = None, *, transport: httpx.BaseTransport | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.settings = settings or FetchSettings()
        self.stop = stop or threading.Event()
        self._client = httpx.Client(
            headers={"User-Agent": self.settings.user_agent, "Accept-Language": "ar,en;q=0.5"},
            timeout=self.settings.timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS, transport=transport,
        )
        self._last: dict[str, float] = {}
        self._delay: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | None] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched | Failure:
        """GET with robots, pacing, retries; conditional when `etag`/`last_modified` are given."""
        if urlsplit(url).scheme not in ("http", "https"):
            return Failure(url, NETWORK, "not an http(s) URL")
        if self.settings.robots and not self._allowed(url):
            return Failure(url, ROBOTS, "disallowed by the site's robots.txt")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        failure: Failure | None = None
        for attempt in range(self.settings.retries + 1):
            try:
                return self._once(url, headers)
            except _Retry as r:
                failure = r.failure
                if attempt == self.settings.retries:
                    break
                wait = r.wait if r.wait is not None else self.settings.backoff * 2**attempt
                if self.stop.wait(wait):
                    break
        assert failure is not None
        if self.settings.retries:
            failure.reason += f" (after {self.settings.retries + 1} tries)"
        return failure

    # -- one request ----------------------------------------------------------------------
    def _once(self, url: str, headers: dict[str, str]) -> Fetched | Failure:
        self._pace(url)
        try:
            with self._client.stream("GET", url, headers=headers) as resp:
                return self._read(url, resp)
        except httpx.TimeoutException as exc:
            reason = f"timed out after {self.settings.timeout:g} s ({type(exc).__name__})"
            raise _Retry(Failure(url, TIMEOUT, reason)) from exc
        except httpx.TooManyRedirects:
            return Failure(url, NETWORK, f"more than {MAX_REDIRECTS} redirects")
        except httpx.TransportError as exc:
            raise _Retry(Failure(url, NETWORK, _network_reason(exc))) from exc

    def _read(self, url: str, resp: httpx.Response) -> Fetched | Failure:
        final = str(resp.url)
        if resp.status_code == 429 or resp.status_code >= 500:
            raise _Retry(Failure(url, HTTP_ERROR, f"HTTP {resp.status_code} {resp.reason_phrase}"),
                         _retry_after(resp.headers.get("Retry-After")))
        if resp.status_code >= 400:
            return Failure(url, HTTP_ERROR, f"HTTP {resp.status_code} {resp.reason_phrase}")
        fetched = Fetched(url, final, resp.status_code, etag=resp.headers.get("ETag"),
                          last_modified=resp.headers.get("Last-Modified"))
        ctype = resp.headers.get("Content-Type", "")
        fetched.content_type = ctype.split(";")[0].strip().lower()
        fetched.charset = resp.charset_encoding
        if resp.status_code == 304:
            return fetched
        declared = int(resp.headers.get("Content-Length") or 0)
        limit = self.settings.max_bytes
        if declared > limit:
            return _too_large(url, declared, limit)
        chunks, size = [], 0
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > limit:
                return _too_large(url, size, limit)
            chunks.append(chunk)
        fetched.content = b"".join(chunks)
        return fetched

    # -- politeness -------------------------------------------------------------------------
    def _pace(self, url: str) -> None:
        host = urlsplit(url).netloc
        gap = max(self.settings.rate, self._delay.get(host, 0.0))
        wait = self._last.get(host, -1e9) + gap - time.monotonic()
        if wait > 0:
            self.stop.wait(wait)
        self._last[host] = time.monotonic()

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        if base not in self._robots:
            self._robots[base] = self._load_robots(base)
        rp = self._robots[base]
        return rp is None or rp.can_fetch(ROBOTS_AGENT, url)

    def _load_robots(self, base: str) -> RobotFileParser | None:
        """RFC 9309: a 4xx robots.txt means no rules; a 5xx means keep out. Unreachable: the page fetch will say."""
        rp = RobotFileParser(base + "/robots.txt")
        self._pace(base)
        try:
            resp = self._client.get(base + "/robots.txt")
        except httpx.HTTPError:
            return None
        if resp.status_code >= 500:
            rp.parse(["User-agent: *", "Disallow: /"])
        elif resp.status_code >= 400:
            return None
        else:
            rp.parse(resp.text.splitlines())
        delay = rp.crawl_delay(ROBOTS_AGENT)
        if delay:
            self._delay[urlsplit(base).netloc] = min(float(delay), 60.0)  # a site's delay, capped at a minute
        return rp


def _network_reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    if any(s in text for s in ("Name or service not known", "nodename nor servname", "getaddrinfo", "No address")):
        return f"DNS lookup failed: {text}"
    if "refused" in text.lower():
        return f"connection refused: {text}"
    return f"network error: {text}"


def _retry_after(value: str | None) -> float | None:
    try:
        wait = float(value) if value else None
    except ValueError:
        return None
    return None if wait is None else min(wait, MAX_RETRY_AFTER)


def _too_large(url: str, size: int, limit: int) -> Failure:
    return Failure(url, E.TOO_LARGE, f"over {limit / 1e6:.1f} MB ({size / 1e6:.1f} MB read); "
                   "raise it with --max-bytes or MARSAD_MAX_BYTES")


# -- page to document -------------------------------------------------------------------------
@dataclass(slots=True)
class PageHint:
    """What the feed said about the item: it wins over the page for the date, fills in for the rest."""

    published: date | None = None
    title: str | None = None
    outlet: str | None = None


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)


def decode_html(content: bytes, declared: str | None) -> str:
    """Valid UTF-8 wins over any declaration (servers often declare the wrong one); then the HTTP header's
    charset, the page's own <meta charset>, cp1256 (the Arabic web's legacy default), trafilatura's guess."""
    from trafilatura.utils import decode_file

    meta = _META_CHARSET.search(content[:4096])
    for enc in ("utf-8", declared, meta.group(1).decode("ascii") if meta else None, "cp1256"):
        if not enc:
            continue
        try:
            return content.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return decode_file(content)


def page_document(fetched: Fetched, hint: PageHint | None = None) -> Document | Failure:
    """Main text, title, date, outlet and canonical URL of an article page (trafilatura)."""
    import trafilatura

    url, hint = fetched.url, hint or PageHint()
    head = fetched.content[:1024].lstrip().lower()
    is_html = fetched.content_type in HTML_TYPES or (
        not fetched.content_type and (head.startswith(b"<!doctype html") or b"<html" in head)
    )
    if not is_html:
        return Failure(url, NOT_HTML, f"not an HTML page (Content-Type {fetched.content_type or 'missing'})",
                       fetched.content[:256])
    html = decode_html(fetched.content, fetched.charset)
    extracted = trafilatura.bare_extraction(
        html, url=fetched.final_url, with_metadata=True, include_comments=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    meta: dict[str, Any] = extracted.as_dict() if extracted is not None else {}
    body = (meta.get("text") or "").strip()
    if len(body.split()) < MIN_WORDS:
        return Failure(url, E.NO_TEXT, "empty after extraction (no article text, only navigation or boilerplate)",
                       fetched.content)
    page_date = _iso_date(meta.get("date"))
    doc = Document(
        text=body,
        published=hint.published or page_date,
        source=meta.get("sitename") or hint.outlet or meta.get("hostname") or urlsplit(fetched.final_url).netloc,
        title=meta.get("title") or hint.title,
        url=meta.get("url") or fetched.final_url,
        origin=url,
    )
    checked = _checked(doc, html)
    if isinstance(checked, Failure):
        checked.origin = url
        checked.reason = "not Arabic: " + checked.reason if checked.code == E.NOT_ARABIC else checked.reason
    return checked


def _iso_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))
