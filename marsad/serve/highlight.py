"""Cut an article into runs of text, each tagged with the marks that cover it.

The template renders every run as an escaped `<span>`, so highlighting never
builds HTML from article text. Spans are character offsets into the original
text (the event's evidence and trigger, and the mentions the lexicon matcher
resolves when the page is drawn).
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field

from marsad.model import Document, Event

log = logging.getLogger(__name__)

# Mention kinds worth showing an analyst: places, bodies, titles, topics, triggers.
SHOWN_KINDS = ("country", "capital", "city", "igo", "nisba", "title", "honorific", "topic", "trigger")


@dataclass(slots=True)
class Mark:
    start: int
    end: int
    css: str  # evidence | trigger | m-<kind>
    note: str = ""  # tooltip: what the mention resolved to


@dataclass(slots=True)
class Run:
    text: str
    css: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    anchor: bool = False  # first run of the evidence: scrolled into view


def mentions(doc: Document) -> list[Mark]:
    """Resolved lexicon mentions mapped back to original offsets; [] if the matcher is unavailable."""
    try:
        from marsad.lexicons.loader import load
        from marsad.normalize import normalize
        from marsad.pipeline.mentions import find

        norm = normalize(doc.text)
        found = find(load(), norm.text)
    except Exception:  # the page must still render if a pipeline stage is broken
        log.exception("mention highlighting failed for %s", doc.doc_id)
        return []
    out = []
    for m in found:
        if m.kind not in SHOWN_KINDS:
            continue
        s, e = norm.span(m.start, m.end)
        out.append(Mark(s, e, f"m-{m.kind}", f"{m.kind}: {m.value}"))
    return out


def event_marks(ev: Event, text_len: int) -> list[Mark]:
    marks = []
    if 0 <= ev.evidence_start < ev.evidence_end <= text_len:
        marks.append(Mark(ev.evidence_start, ev.evidence_end, "evidence", "evidence"))
    if 0 <= ev.trigger_start < ev.trigger_end <= text_len:
        marks.append(Mark(ev.trigger_start, ev.trigger_end, "trigger", f"trigger: {ev.type}"))
    return marks


def runs(text: str, marks: list[Mark]) -> list[Run]:
    """Split `text` at every mark boundary; each run lists the marks covering it."""
    cuts = {0, len(text)}
    for m in marks:
        cuts.update((max(0, min(m.start, len(text))), max(0, min(m.end, len(text)))))
    points = sorted(cuts)
    out: list[Run] = []
    anchored = False
    for a, b in itertools.pairwise(points):
        if a == b:
            continue
        cover = [m for m in marks if m.start <= a and b <= m.end]
        css = sorted({m.css for m in cover})
        notes = sorted({m.note for m in cover if m.note and m.css.startswith("m-")} | {
            m.note for m in cover if m.css == "trigger"
        })
        run = Run(text[a:b], css, notes)
        if "evidence" in css and not anchored:
            run.anchor = anchored = True
        out.append(run)
    return out
