"""Print the evaluator's score sheet for people (the JSON twin is `Scores.as_dict`)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from marsad.evaluate import Scores


def score_sheet(s: Scores, name: str, console: Console, errors: bool = False) -> None:
    t = Table(title=f"marsad eval: {name} ({s.documents} documents)", show_header=True)
    t.add_column("measure")
    t.add_column("score", justify="right")
    t.add_column("detail")
    for label, prf in (("occurred events F1", s.occurred), ("expected events F1", s.expected)):
        t.add_row(
            label,
            f"{prf.f1:.3f}",
            f"P {prf.precision:.3f}  R {prf.recall:.3f}  (tp {prf.tp}, fp {prf.fp}, fn {prf.fn})",
        )
    for label, r in (
        ("direction accuracy", s.direction),
        ("date accuracy", s.date),
        ("location accuracy", s.location),
        ("actor/recipient name accuracy", s.names),
    ):
        t.add_row(label, f"{r.value:.3f}", f"{r.hit}/{r.total}")
    t.add_row("topic micro-F1", f"{s.topics.f1:.3f}", f"P {s.topics.precision:.3f}  R {s.topics.recall:.3f}")
    t.add_row("participant recall", f"{s.participants.value:.3f}", f"{s.participants.hit}/{s.participants.total}")
    if s.story is not None:
        t.add_row("story F1", f"{s.story.f1:.3f}", f"P {s.story.precision:.3f}  R {s.story.recall:.3f}")
    console.print(t)
    # One plain line a script can grep.
    console.print(
        f"occurred F1 {s.occurred.f1:.4f} P {s.occurred.precision:.4f} R {s.occurred.recall:.4f}", highlight=False
    )
    if errors:
        e = Table(title=f"{len(s.errors)} errors", show_lines=True)
        for col in ("doc", "kind", "event", "what", "evidence"):
            e.add_column(col, overflow="fold")
        for row in s.errors:
            e.add_row(row["doc"], row["kind"], row["event"], row.get("wrong", ""), row["evidence"][:300])
        console.print(e)
