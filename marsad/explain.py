"""Show why each event was extracted: its sentence with the trigger and mentions marked,
and the lexicon entry or rule behind every field (the provenance stored with the event)."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from marsad.model import Document

STYLE = {
    "trigger": "bold white on red",
    "country": "bold cyan",
    "nisba": "cyan",
    "capital": "green",
    "city": "green",
    "igo": "magenta",
    "title": "yellow",
    "honorific": "dim",
    "topic": "underline",
    "cue": "italic blue",
}


def render(doc: Document, console: Console) -> None:
    if not doc.events:
        console.print(f"[dim]{doc.origin or doc.doc_id}: no events[/]")
        return
    assert doc.norm is not None
    for i, ev in enumerate(doc.events, 1):
        text = Text(ev.evidence)
        for m in doc.mentions:
            a, b = doc.norm.span(m.start, m.end)
            if ev.evidence_start <= a and b <= ev.evidence_end and m.kind in STYLE:
                style = STYLE["trigger"] if (a, b) == (ev.trigger_start, ev.trigger_end) else STYLE[m.kind]
                text.stylize(style, a - ev.evidence_start, b - ev.evidence_start)
        head = f"{i}. {ev.type}/{ev.mode or '-'} {ev.status}  {ev.actor.country} → {ev.recipient.country}"
        console.print(Panel(text, title=head, subtitle=f"confidence {ev.confidence:.2f}", title_align="right"))
        t = Table(show_header=True, box=None)
        t.add_column("field")
        t.add_column("value", overflow="fold")
        t.add_column("because", overflow="fold", style="dim")
        rows = [
            ("type", ev.type, ev.provenance.get("type", "")),
            ("status", ev.status, ev.provenance.get("status", "no expectation cue: reported as done")),
            ("mode", ev.mode or "", ev.provenance.get("mode", "the trigger's mode")),
            ("actor", _party(ev.actor), ev.provenance.get("actor.country", "")),
            ("recipient", _party(ev.recipient), ev.provenance.get("recipient.country", "")),
            ("arguments", "", ev.provenance.get("arguments", "")),
            ("date", ev.date or "", ev.provenance.get("date", "")),
            ("location", f"{ev.location.name or ''} {ev.location.country or ''}" if ev.location else "", ""),
            ("topics", ", ".join(ev.topics), ""),
            ("participants", "; ".join(f"{p.name} ({p.country})" for p in ev.participants), ""),
        ]
        for row in rows:
            t.add_row(*row)
        console.print(t)


def _party(p) -> str:
    return " | ".join(x for x in (p.country, p.sector, p.name, p.title) if x)
