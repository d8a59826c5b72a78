"""Score extracted events against a gold file, exactly as GOLD.md's scoring says.

The extractor sees only each line's `text` and `published`; gold events are
read here and never handed to it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from marsad.model import Document, Event, Location, event_from_dict
from marsad.normalize import fold_name


@dataclass(slots=True)
class GoldDoc:
    doc_id: str
    text: str
    published: date | None
    events: list[Event]
    stories: list[str | None]  # per event: its own story, else the document's


@dataclass(slots=True)
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass(slots=True)
class Ratio:
    hit: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.hit += int(ok)
        self.total += 1

    @property
    def value(self) -> float:
        return self.hit / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"accuracy": round(self.value, 4), "hit": self.hit, "total": self.total}


@dataclass(slots=True)
class Scores:
    occurred: PRF = field(default_factory=PRF)
    expected: PRF = field(default_factory=PRF)
    direction: Ratio = field(default_factory=Ratio)
    date: Ratio = field(default_factory=Ratio)
    location: Ratio = field(default_factory=Ratio)
    names: Ratio = field(default_factory=Ratio)
    topics: PRF = field(default_factory=PRF)
    participants: Ratio = field(default_factory=Ratio)
    story: PRF | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    documents: int = 0

    def as_dict(self) -> dict[str, Any]:
        d = {
            "documents": self.documents,
            "occurred": self.occurred.as_dict(),
            "expected": self.expected.as_dict(),
            "direction": self.direction.as_dict(),
            "date": self.date.as_dict(),
            "location": self.location.as_dict(),
            "names": self.names.as_dict(),
            "topics": self.topics.as_dict(),
            "participants": {"recall": round(self.participants.value, 4),
                             "hit": self.participants.hit, "total": self.participants.total},
        }
        if self.story is not None:
            d["story"] = self.story.as_dict()
        return d


def read_gold(path: Path) -> list[GoldDoc]:
    """Read a gold JSONL file; a malformed line is an error naming the line."""
    docs = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                published = date.fromisoformat(rec["published"]) if rec.get("published") else None
                evs = [event_from_dict(e) for e in rec.get("events") or []]
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise ValueError(f"{path}:{lineno}: not a gold record ({exc})") from exc
            doc_story = rec.get("story")
            stories = [e.get("story") or doc_story for e in rec.get("events") or []]
            docs.append(GoldDoc(str(rec.get("doc_id") or f"line-{lineno}"), rec["text"], published, evs, stories))
    return docs


def dates_compatible(a: str | None, b: str | None) -> bool:
    """Equal at the same precision, or one is null or a prefix (less precise) of the other."""
    if not a or not b:
        return True
    if len(a) == len(b):
        return a == b
    short, long_ = sorted((a, b), key=len)
    return long_.startswith(short)


def _pair(ev: Event) -> tuple[str, str]:
    return tuple(sorted((ev.actor.country or "", ev.recipient.country or "")))  # type: ignore[return-value]


def _compatible(g: Event, p: Event) -> bool:
    return g.type == p.type and _pair(g) == _pair(p) and dates_compatible(g.date, p.date)


def match(gold: list[Event], pred: list[Event]) -> list[tuple[int, int]]:
    """One-to-one matching of gold to predicted events (maximum cardinality).

    Among equally large matchings, candidates are tried best first (same
    direction, same date), so attribute scores see the closest prediction.
    """
    prefs: list[list[int]] = []
    for g in gold:
        cands = [j for j, p in enumerate(pred) if _compatible(g, p)]
        cands.sort(key=lambda j: (pred[j].actor.country != g.actor.country, pred[j].date != g.date,
                                  pred[j].mode != g.mode, norm_name(pred[j].evidence) != norm_name(g.evidence), j))
        prefs.append(cands)
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in prefs[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


def norm_name(s: str | None) -> str:
    """Names compare after Arabic normalisation and with 'عبد ال' spacing folded."""
    return fold_name(s)


def same_place(gl: Location | None, pl: Location | None) -> bool:
    """Locations agree: both absent, or the same country and the same name after normalisation."""
    if gl is None or pl is None:
        return gl is None and pl is None
    return gl.country == pl.country and norm_name(gl.name) == norm_name(pl.name)


def _score_matched(s: Scores, g: Event, p: Event) -> None:
    s.direction.add(g.actor.country == p.actor.country and g.recipient.country == p.recipient.country)
    s.date.add(g.date == p.date)
    s.location.add(same_place(g.location, p.location))
    # Names are compared role by role, after undoing a reversed direction.
    pa, pr = p.actor, p.recipient
    if g.actor.country != pa.country and g.actor.country == pr.country:
        pa, pr = pr, pa
    for gp, pp in ((g.actor, pa), (g.recipient, pr)):
        if gp.name or pp.name:
            s.names.add(norm_name(gp.name) == norm_name(pp.name))
    gt, pt = set(g.topics), set(p.topics)
    s.topics.tp += len(gt & pt)
    s.topics.fp += len(pt - gt)
    s.topics.fn += len(gt - pt)
    pnames = {norm_name(x.name) for x in p.participants if x.name}
    for part in g.participants:
        s.participants.add(norm_name(part.name) in pnames)


def _brief(ev: Event) -> str:
    return f"{ev.type}/{ev.mode or '-'} {ev.actor.country}->{ev.recipient.country} {ev.date or '-'}"


def evaluate(
    gold_docs: Iterable[GoldDoc],
    extract: Callable[[Document], list[Event]],
    linker: Callable[[list[Document]], None] | None = None,
) -> Scores:
    """Run `extract` on each gold text and score it.

    `linker`, when given, sees every document with its predictions once all are extracted and sets
    `Event.story` (cross-document stories); the story score reads those ids.
    """
    s = Scores()
    linked: list[tuple[str, Event, Event, str | None]] = []  # (doc, gold, prediction, gold story)
    predicted: list[Document] = []
    has_story = False
    for gd in gold_docs:
        s.documents += 1
        has_story = has_story or any(gd.stories)
        pred = extract(Document(text=gd.text, published=gd.published))
        predicted.append(Document(text=gd.text, published=gd.published, doc_id=gd.doc_id, events=pred))
        for status, prf in (("occurred", s.occurred), ("expected", s.expected)):
            gi = [i for i, e in enumerate(gd.events) if e.status == status]
            pj = [j for j, e in enumerate(pred) if e.status == status]
            pairs = match([gd.events[i] for i in gi], [pred[j] for j in pj])
            prf.tp += len(pairs)
            prf.fn += len(gi) - len(pairs)
            prf.fp += len(pj) - len(pairs)
            got_g = {gi[a] for a, _ in pairs}
            got_p = {pj[b] for _, b in pairs}
            for a, b in pairs:
                g, p = gd.events[gi[a]], pred[pj[b]]
                if status == "occurred":
                    _score_matched(s, g, p)
                    linked.append((gd.doc_id, g, p, gd.stories[gi[a]]))
                _attribute_errors(s, gd.doc_id, g, p)
            for i in gi:
                if i not in got_g:
                    s.errors.append({"doc": gd.doc_id, "kind": f"miss ({status})", "event": _brief(gd.events[i]),
                                     "evidence": gd.events[i].evidence})
            for j in pj:
                if j not in got_p:
                    s.errors.append({"doc": gd.doc_id, "kind": f"false alarm ({status})", "event": _brief(pred[j]),
                                     "evidence": pred[j].evidence})
    if linker is not None:
        linker(predicted)
    if has_story:
        s.story = _story_scores(linked)
    return s


def _attribute_errors(s: Scores, doc: str, g: Event, p: Event) -> None:
    wrong = []
    if (g.actor.country, g.recipient.country) != (p.actor.country, p.recipient.country):
        wrong.append("direction")
    if g.date != p.date:
        wrong.append(f"date {p.date} != {g.date}")
    gl, pl = g.location, p.location
    if not same_place(gl, pl):
        wrong.append(f"location {pl.name if pl else None} != {gl.name if gl else None}")
    if wrong:
        s.errors.append({"doc": doc, "kind": "attributes", "event": _brief(g), "evidence": p.evidence,
                         "wrong": "; ".join(wrong)})


def _story_scores(linked: list[tuple[str, Event, Event, str | None]]) -> PRF:
    """Pairwise story scores over matched predictions in different documents."""
    prf = PRF()
    for a in range(len(linked)):
        for b in range(a + 1, len(linked)):
            da, ga, pa, sa = linked[a]
            db, gb, pb, sb = linked[b]
            if da == db:
                continue
            same_gold = (
                bool(sa) and sa == sb and ga.type == gb.type and _pair(ga) == _pair(gb)
                and dates_compatible(ga.date, gb.date)
            )
            same_pred = bool(pa.story) and pa.story == pb.story
            if same_gold and same_pred:
                prf.tp += 1
            elif same_pred:
                prf.fp += 1
            elif same_gold:
                prf.fn += 1
    return prf
