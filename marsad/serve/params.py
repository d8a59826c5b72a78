"""Query parameters shared by the JSON API and the HTML pages, checked once."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import Query

from marsad.model import EVENT_TYPES, STATUSES, TOPICS
from marsad.serve.app import Problem
from marsad.store.db import EventQuery

CODE = re.compile(r"^(?:[A-Za-z]{3}|IGO:[A-Za-z_]{2,20})$")
DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
MAX_TEXT = 200  # a search phrase, not a document
MAX_PAGE = 500  # rows per page: enough for a table, small enough to answer fast
DEFAULT_PAGE = 50


def country_code(value: str, param: str = "country") -> str:
    if not CODE.match(value):
        raise Problem(422, "Invalid request", f"{param}: want an ISO 3166 alpha-3 code or IGO:KEY, got {value[:40]!r}")
    return value[:4].upper() + value[4:].upper() if value.upper().startswith("IGO:") else value.upper()


@dataclass(slots=True)
class Filters:
    """The event filters as they arrive in a URL (empty strings mean 'not set')."""

    country: str | None = None
    pair: str | None = None
    type: str | None = None
    status: str | None = None
    topic: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    q: str | None = None

    def to_query(self) -> EventQuery:
        eq = EventQuery()
        if self.country:
            eq.country = country_code(self.country)
        if self.pair:
            parts = [p.strip() for p in self.pair.split(",")]
            if len(parts) != 2:
                raise Problem(422, "Invalid request", "pair: want two codes separated by a comma, e.g. SAU,PAK")
            eq.pair = (country_code(parts[0], "pair"), country_code(parts[1], "pair"))
        if self.type:
            if self.type.upper() not in EVENT_TYPES:
                raise Problem(422, "Invalid request", f"type: want one of {', '.join(EVENT_TYPES)}")
            eq.type = self.type.upper()
        if self.status:
            if self.status.lower() not in STATUSES:
                raise Problem(422, "Invalid request", f"status: want one of {', '.join(STATUSES)}")
            eq.status = self.status.lower()
        if self.topic:
            if self.topic not in TOPICS:
                raise Problem(422, "Invalid request", f"topic: unknown topic {self.topic[:40]!r}")
            eq.topic = self.topic
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value:
                if not DATE.match(value):
                    raise Problem(422, "Invalid request", f"{name}: want YYYY, YYYY-MM or YYYY-MM-DD")
                setattr(eq, name, value)
        if self.q:
            if len(self.q) > MAX_TEXT:
                raise Problem(422, "Invalid request", f"q: at most {MAX_TEXT} characters")
            eq.text = self.q.strip() or None
        return eq

    def as_params(self) -> dict[str, str]:
        return {k: v for k, v in {
            "country": self.country, "pair": self.pair, "type": self.type, "status": self.status,
            "topic": self.topic, "date_from": self.date_from, "date_to": self.date_to, "q": self.q,
        }.items() if v}


def filters(
    country: str | None = Query(None, max_length=40, description="ISO3 (or IGO:KEY) as actor or recipient"),
    pair: str | None = Query(None, max_length=90, description="two codes, either direction: SAU,PAK"),
    type: str | None = Query(None, max_length=16, description="event type, e.g. AGREE"),
    status: str | None = Query(None, max_length=16, description="occurred | expected"),
    topic: str | None = Query(None, max_length=40),
    date_from: str | None = Query(None, max_length=10, description="YYYY[-MM[-DD]], inclusive"),
    date_to: str | None = Query(None, max_length=10, description="YYYY[-MM[-DD]], inclusive"),
    q: str | None = Query(None, max_length=MAX_TEXT, description="free text, Arabic-normalised"),
) -> Filters:
    return Filters(country, pair, type, status, topic, date_from, date_to, q)
