"""Read RSS/Atom feeds (feedparser) into typed items: the article URL, title, date and outlet.

feedparser is lenient on purpose: a feed cut off mid-item or declaring the
wrong charset still yields the items before the break, and we keep them (the
problem is still reported). A document that is not a feed at all, or yields
nothing, is a `Failure`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from marsad.errors import Failure
from marsad.ingest.web import BAD_FEED, is_url


@dataclass(slots=True)
class FeedItem:
    url: str
    title: str | None = None
    published: date | None = None
    outlet: str | None = None


@dataclass(slots=True)
class ParsedFeed:
    title: str | None
    items: list[FeedItem] = field(default_factory=list)
    problem: str | None = None  # set when feedparser had to recover (truncated XML, wrong charset...)


def parse_feed(content: bytes, url: str, content_type: str | None = None) -> ParsedFeed | Failure:
    """Items of an RSS/Atom document; relative links resolve against the feed's URL."""
    import feedparser

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(content, response_headers=headers, sanitize_html=False)
    problem = f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}" if parsed.get("bozo") else None
    title = parsed.feed.get("title") or None
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or (entry.get("id") if is_url(entry.get("id") or "") else None)
        if not link or not is_url(link):
            continue
        items.append(FeedItem(link.strip(), entry.get("title") or None, _entry_date(entry), title))
    if not items and (problem or not parsed.get("version")):
        return Failure(url, BAD_FEED, f"not a readable RSS/Atom feed ({problem or 'no feed elements'})",
                       content[:4096])
    return ParsedFeed(title, items, problem)


def _entry_date(entry: dict) -> date | None:  # type: ignore[type-arg]
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t: time.struct_time | None = entry.get(key)
        if t:
            try:
                return date(t.tm_year, t.tm_mon, t.tm_mday)
            except ValueError:
                continue
    return None


def read_feed_list(arg: str) -> list[str]:
    """A feed URL, or a file of feed URLs (one a line; a line starting with '#' is a comment)."""
    if is_url(arg):
        return [arg]
    path = Path(arg)
    urls = []
    for line in path.read_text(encoding="utf-8").splitlines():
        words = line.split()
        if words and not words[0].startswith("#"):
            urls.append(words[0])  # anything after the URL is a note
    return urls
