"""Follow the news: poll feeds, fetch their new articles, store each article once, link stories.

State lives in the store, never in memory, so a run killed at any point
resumes without losing or duplicating anything:

1. a feed's new item URLs are queued (`seen_urls`, status pending) *before*
   its ETag/Last-Modified are saved, so a kill in between only refetches the
   feed;
2. an article, its events, its source, its MinHash and its URL's status are
   written in one transaction, so it is either done or still pending;
3. dedup and story linking pick up whatever has no signature or story yet.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import numpy as np

from marsad import dedup
from marsad import errors as E
from marsad.errors import Failure
from marsad.ingest import web
from marsad.ingest.feeds import parse_feed
from marsad.model import Document
from marsad.store import Store
from marsad.store import sources as S
from marsad.stories import RelinkReport, relink

MAX_ATTEMPTS = 3  # a URL that timed out or got a 5xx is retried on the next two polls, then given up
_TRANSIENT = (web.NETWORK, web.TIMEOUT)


@dataclass(slots=True)
class FollowCounts:
    """What one run did; the CLI prints it."""

    feeds: int = 0
    not_modified: int = 0
    queued: int = 0
    fetched: int = 0
    new: int = 0
    duplicate: int = 0
    events: int = 0
    failed: int = 0
    stories: int = 0

    def add(self, other: FollowCounts) -> None:
        for k, v in asdict(other).items():
            setattr(self, k, getattr(self, k) + v)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def consolidate(store: Store, deduper: dedup.Deduper | None = None) -> tuple[dedup.DedupReport, RelinkReport]:
    """After any ingest: fold near-duplicates stored without dedup, then link unlinked events into stories."""
    if deduper is None and not S.unindexed_documents(store):
        rep = dedup.DedupReport()
    else:
        rep = dedup.index_new_documents(store, deduper or dedup.Deduper.from_store(store))
    return rep, relink(store)


class Follower:
    """Fetches feeds and articles into one store; `stop` (set by Ctrl-C) ends it between two articles."""

    def __init__(
        self,
        store: Store,
        *,
        lexicon_dirs: Iterable[Path] = (),
        settings: web.FetchSettings | None = None,
        stop: threading.Event | None = None,
        on_failure: Callable[[Failure], None] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.store = store
        self.lexicon_dirs = list(lexicon_dirs)
        self.stop = stop or threading.Event()
        self.fetcher = web.Fetcher(settings, transport=transport, stop=self.stop)
        self.on_failure = on_failure
        self.counts = FollowCounts()
        self._deduper: dedup.Deduper | None = None

    def close(self) -> None:
        self.fetcher.close()

    @property
    def deduper(self) -> dedup.Deduper:
        if self._deduper is None:  # loaded on first need: a run with nothing new never reads the signatures
            self._deduper = dedup.Deduper.from_store(self.store)
        return self._deduper

    def run_once(self, feeds: Iterable[str] = (), urls: Iterable[str] = (), *, only_given: bool = True) -> FollowCounts:
        """Poll the feeds, fetch the given URLs and every pending item, then dedup and link stories.

        With `only_given`, pending items of other feeds (a killed `watch`) are left for that watch.
        """
        self.counts = FollowCounts()
        feeds, urls = list(dict.fromkeys(feeds)), list(dict.fromkeys(urls))
        S.add_feeds(self.store, feeds)
        self._queue_given(urls)
        for state in S.list_feeds(self.store, feeds):
            if self.stop.is_set():
                break
            self._poll(state)
        self._drain(set(feeds), set(urls), only_given)
        if not self.stop.is_set():
            self.counts.stories = consolidate(self.store, self._deduper)[1].stories
        return self.counts

    # -- feeds ------------------------------------------------------------------------------
    def _queue_given(self, urls: list[str]) -> None:
        for url in urls:
            seen = S.get_seen(self.store, url)
            if seen is None:
                S.queue_urls(self.store, [S.SeenUrl(url)])
            elif seen.status in (S.STORED, S.DUPLICATE):  # already in the store: not fetched again
                self.counts.duplicate += 1
            elif seen.status == S.FAILED:  # asked for again by name: try again
                S.mark_url(self.store, url, S.PENDING, error=seen.error)

    def _poll(self, st: S.FeedState) -> None:
        self.counts.feeds += 1
        got = self.fetcher.get(st.url, etag=st.etag, last_modified=st.last_modified)
        st.last_fetched = _now()
        if isinstance(got, Failure):
            self._feed_problem(st, got)
            return
        st.last_status = got.status
        if got.not_modified:
            self.counts.not_modified += 1
            st.errors, st.last_error = 0, None
            S.save_feed(self.store, st)
            return
        parsed = parse_feed(got.content, got.final_url, got.content_type)
        if isinstance(parsed, Failure):
            self._feed_problem(st, parsed)
            return
        items = [S.SeenUrl(it.url, st.url, title=it.title, outlet=it.outlet,
                           published=it.published.isoformat() if it.published else None) for it in parsed.items]
        self.counts.queued += S.queue_urls(self.store, items)  # before the validators: a kill here refetches
        st.title = parsed.title or st.title
        st.etag, st.last_modified = got.etag, got.last_modified
        if parsed.problem:
            problem = Failure(st.url, web.BAD_FEED, f"broken feed, {len(items)} items recovered: {parsed.problem}")
            self._feed_problem(st, problem)
            return
        st.errors, st.last_error = 0, None
        S.save_feed(self.store, st)

    def _feed_problem(self, st: S.FeedState, failure: Failure) -> None:
        """A feed failing every poll gets one failure row per distinct error, not one per poll."""
        st.errors += 1
        if failure.reason != st.last_error:
            self._report(failure)
        st.last_error = failure.reason
        S.save_feed(self.store, st)

    # -- articles ---------------------------------------------------------------------------
    def _drain(self, feeds: set[str], urls: set[str], only_given: bool) -> None:
        for item in S.pending_urls(self.store):
            if self.stop.is_set():
                return
            if only_given and item.url not in urls and item.feed_url not in feeds:
                continue
            self._article(item)

    def _article(self, item: S.SeenUrl) -> None:
        got = self.fetcher.get(item.url)
        if isinstance(got, Failure):
            self._url_failed(item, got)
            return
        hint = web.PageHint(date.fromisoformat(item.published) if item.published else None, item.title, item.outlet)
        doc = web.page_document(got, hint)
        if isinstance(doc, Failure):
            self._url_failed(item, doc)
            return
        self.counts.fetched += 1
        url = doc.url or got.final_url
        source = S.Source(url, url, doc.source, doc.title, doc.published.isoformat() if doc.published else None)
        known = S.document_url_known(self.store, url)
        if known is not None:  # the same article under another link (canonical URL or redirect target)
            S.add_source(self.store, known, source, seen_url=item.url)
            self.counts.duplicate += 1
            return
        sig, match = dedup.check(self.deduper, doc)
        if match is not None:
            S.add_source(self.store, match.doc_id, replace(source, similarity=round(match.similarity, 3)),
                         seen_url=item.url)
            self.counts.duplicate += 1
            return
        self._store(item, doc, source, sig)

    def _store(self, item: S.SeenUrl, doc: Document, source: S.Source, sig: np.ndarray | None) -> None:
        from marsad.pipeline import EXTRACTOR_VERSION, extract

        if not self.store.has_document(doc.doc_id):
            try:
                doc = extract(doc, self.lexicon_dirs)
            except Exception as exc:  # a bug must not lose the article: keep it as a failure
                self._url_failed(item, Failure(item.url, E.EXTRACTION, f"extraction failed: {exc!r}", doc.text))
                return
        if S.store_document(self.store, doc, EXTRACTOR_VERSION, source, dedup.to_bytes(sig), seen_url=item.url):
            self.deduper.add(doc.doc_id, sig)
            self.counts.new += 1
            self.counts.events += len(doc.events)
        else:
            self.counts.duplicate += 1

    def _url_failed(self, item: S.SeenUrl, failure: Failure) -> None:
        failure.origin = item.url
        self._report(failure)
        transient = failure.code in _TRANSIENT or failure.reason.startswith(("HTTP 5", "HTTP 429"))
        status = S.PENDING if transient and item.attempts + 1 < MAX_ATTEMPTS else S.FAILED
        S.mark_url(self.store, item.url, status, error=f"[{failure.code}] {failure.reason}")

    def _report(self, failure: Failure) -> None:
        self.counts.failed += 1
        self.store.add_failure(failure)
        if self.on_failure is not None:
            self.on_failure(failure)


def watch(
    follower: Follower, feeds: list[str], every: float, *, once: bool = False,
    on_cycle: Callable[[FollowCounts], None] | None = None,
) -> FollowCounts:
    """Poll until `follower.stop` is set (Ctrl-C, SIGTERM) or, with `once`, after one cycle."""
    total = FollowCounts()
    while not follower.stop.is_set():
        counts = follower.run_once(feeds, only_given=False)
        total.add(counts)
        if on_cycle is not None:
            on_cycle(counts)
        if once:
            break
        follower.stop.wait(every)
    return total


def stop_on_signals(stop: threading.Event) -> None:
    """Ctrl-C and SIGTERM finish the current article and stop, instead of dying mid-write."""

    def handler(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")


def parse_every(text: str) -> float:
    """'90', '30s', '15m', '1h', '1d' -> seconds."""
    m = _DURATION.match(text.lower())
    if not m:
        raise ValueError(f"not a duration: {text!r} (try 30s, 15m, 1h)")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
