"""Typed records that flow through the pipeline and into the store.

`Event` maps one to one onto the event of the gold format
(`shared/spec/GOLD.md`): `to_gold()` gives exactly that shape, and the extra
fields (evidence offsets, trigger, confidence, provenance, version) extend it.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from marsad.normalize import Normalized, fold

EVENT_TYPES = (
    "CONSULT",
    "AGREE",
    "COOPERATE",
    "AID",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
    "CONCEDE",
    "RETREAT",
)
STATUSES = ("occurred", "expected")
SECTORS = ("GOV", "DIP", "POL", "INT", "MIL", "JUD", "LEG", "IGO", "CVL", "REB")
TOPICS = (
    "counterterrorism",
    "terrorism_financing",
    "extremism",
    "organized_crime",
    "drug_trafficking",
    "money_laundering",
    "human_trafficking",
    "illegal_migration",
    "border_security",
    "cybersecurity",
    "cybercrime",
    "intelligence_sharing",
    "training",
    "hajj_umrah",
    "crime_general",
    "forensics",
    "defense",
    "economic",
    "energy",
    "regional_situation",
)


def doc_id_for(text: str) -> str:
    """Stable id: the same article, whatever its diacritics or spacing, gets one id."""
    canon = " ".join(fold(text).split())
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:16]


@dataclass(slots=True)
class Document:
    """One article. Pipeline stages attach their results to it in order."""

    text: str
    published: date | None = None
    source: str | None = None
    language: str = "ar"
    title: str | None = None
    url: str | None = None
    doc_id: str = ""
    origin: str | None = None  # the file/line it was read from, for messages
    norm: Normalized | None = None
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.doc_id:
            self.doc_id = doc_id_for(self.text)


@dataclass(slots=True)
class Sentence:
    """A sentence as a [start, end) span of the normalised text."""

    index: int
    start: int
    end: int
    text: str  # normalised text of the sentence


@dataclass(slots=True)
class Mention:
    """A lexicon or pattern match in the normalised text.

    `kind` says what matched (country, nisba, city, igo, title, honorific,
    trigger, topic, cue...), `value` the resolved key (ISO3, sector, event
    type...), `rule` the lexicon entry or rule that produced it.
    """

    kind: str
    start: int
    end: int
    surface: str
    value: str
    rule: str
    sentence: int = -1
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Chunk:
    """A party phrase in a sentence: a person, a body, a state or an IGO.

    Spans are in the normalised text; `marker` is the preposition right before
    the phrase ("مع", "الي", "من", "بين"...), which tells its role in a frame.
    """

    kind: str  # person | body | state | igo | dyad | counterpart | nationality
    start: int
    end: int
    sentence: int
    country: str | None = None
    sector: str | None = None
    name: str | None = None
    title: str | None = None
    marker: str = ""
    rules: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Frame:
    """An event frame read off one trigger: type, status and its party chunks.

    `resolve` turns frames into `Event`s (countries filled, dates, places,
    topics, one event per happening).
    """

    type: str
    mode: str | None
    status: str
    trigger: Mention
    sentence: int
    actor: Chunk | None = None
    recipient: Chunk | None = None
    others: list[Chunk] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Party:
    country: str | None = None
    sector: str | None = None
    name: str | None = None
    title: str | None = None


@dataclass(slots=True)
class Location:
    name: str | None = None
    country: str | None = None


@dataclass(slots=True)
class Participant:
    name: str | None = None
    title: str | None = None
    country: str | None = None


@dataclass(slots=True)
class Event:
    """One happening, in the gold record shape plus evidence and provenance."""

    type: str
    status: str = "occurred"
    mode: str | None = None
    actor: Party = field(default_factory=Party)
    recipient: Party = field(default_factory=Party)
    date: str | None = None
    location: Location | None = None
    topics: list[str] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    evidence: str = ""
    evidence_start: int = 0
    evidence_end: int = 0
    trigger: str = ""
    trigger_start: int = 0
    trigger_end: int = 0
    confidence: float = 0.5
    extractor_version: str = ""
    provenance: dict[str, str] = field(default_factory=dict)
    doc_id: str = ""
    event_id: str = ""
    story: str | None = None  # cross-document story id, when linked

    @property
    def date_precision(self) -> str | None:
        """'day', 'month' or 'year', from the shape of `date`."""
        if not self.date:
            return None
        return {10: "day", 7: "month", 4: "year"}.get(len(self.date))

    def flat(self) -> dict[str, Any]:
        """The record as one flat row (actor_country, location_name...): the shape shared
        by the store's events table and the CSV/Parquet exports."""
        loc = self.location or Location()
        return {
            "event_id": self.event_id,
            "doc_id": self.doc_id,
            "type": self.type,
            "mode": self.mode,
            "status": self.status,
            **{f"actor_{k}": v for k, v in asdict(self.actor).items()},
            **{f"recipient_{k}": v for k, v in asdict(self.recipient).items()},
            "date": self.date,
            "date_precision": self.date_precision,
            "location_name": loc.name,
            "location_country": loc.country,
            "evidence": self.evidence,
            "trigger": self.trigger,
            "confidence": self.confidence,
            "extractor_version": self.extractor_version,
        }

    def to_gold(self) -> dict[str, Any]:
        """The record exactly as GOLD.md writes it."""
        return {
            "type": self.type,
            "mode": self.mode,
            "status": self.status,
            "actor": asdict(self.actor),
            "recipient": asdict(self.recipient),
            "date": self.date,
            "location": asdict(self.location) if self.location else None,
            "topics": list(self.topics),
            "participants": [asdict(p) for p in self.participants],
            "evidence": self.evidence,
        }

    def to_record(self) -> dict[str, Any]:
        """Gold shape plus marsad's evidence, provenance and ids."""
        rec = self.to_gold()
        rec.update(
            event_id=self.event_id,
            doc_id=self.doc_id,
            date_precision=self.date_precision,
            evidence_start=self.evidence_start,
            evidence_end=self.evidence_end,
            trigger=self.trigger,
            trigger_start=self.trigger_start,
            trigger_end=self.trigger_end,
            confidence=round(self.confidence, 3),
            extractor_version=self.extractor_version,
            provenance=dict(sorted(self.provenance.items())),
        )
        return rec


def party_from_dict(d: dict[str, Any] | None) -> Party:
    d = d or {}
    return Party(d.get("country"), d.get("sector"), d.get("name"), d.get("title"))


def event_from_dict(d: dict[str, Any]) -> Event:
    """Read a gold (or exported) event record back into an `Event`."""
    loc = d.get("location")
    return Event(
        type=d.get("type") or "",
        status=d.get("status") or "occurred",
        mode=d.get("mode"),
        actor=party_from_dict(d.get("actor")),
        recipient=party_from_dict(d.get("recipient")),
        date=d.get("date"),
        location=Location(loc.get("name"), loc.get("country")) if loc else None,
        topics=list(d.get("topics") or []),
        participants=[
            Participant(p.get("name"), p.get("title"), p.get("country")) for p in d.get("participants") or []
        ],
        evidence=d.get("evidence") or "",
        confidence=float(d.get("confidence", 1.0)),
        extractor_version=d.get("extractor_version", ""),
        provenance=dict(d.get("provenance") or {}),
        doc_id=d.get("doc_id", ""),
        event_id=d.get("event_id", ""),
    )
