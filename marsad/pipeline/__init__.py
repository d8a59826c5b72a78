"""The extraction pipeline: one `Document` flows through the stages in order.

normalize -> segment -> mentions -> parties -> frames -> resolve. Each stage
reads what earlier stages attached to the document and adds its own layer;
none reaches back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from marsad.lexicons.loader import Lexicon, load
from marsad.model import Document, Event
from marsad.normalize import normalize
from marsad.pipeline import frames, mentions, parties, resolve, segment
from marsad.pipeline.resolve import EXTRACTOR_VERSION


def _normalize(doc: Document, _lex: Lexicon) -> Document:
    doc.norm = normalize(doc.text)
    return doc


def _segment(doc: Document, _lex: Lexicon) -> Document:
    return segment.run(doc)


STAGES: list[tuple[str, Callable[[Document, Lexicon], Document]]] = [
    ("normalize", _normalize),
    ("segment", _segment),
    ("mentions", mentions.run),
    ("parties", parties.run),
    ("frames", frames.run),
    ("resolve", resolve.run),
]


def extract(doc: Document, lexicon_dirs: Iterable[Path] = ()) -> Document:
    """Run every stage on `doc`; its `events` are the result."""
    lex = load(lexicon_dirs)
    for _name, stage in STAGES:
        doc = stage(doc, lex)
    for ev in doc.events:
        ev.doc_id = doc.doc_id
    return doc


def extract_events(doc: Document, lexicon_dirs: Iterable[Path] = ()) -> list[Event]:
    return extract(doc, lexicon_dirs).events


__all__ = ["EXTRACTOR_VERSION", "STAGES", "extract", "extract_events"]
