"""Stories: the events of different documents that report one real-world happening get one story id.

The interior ministry, the news agency and three papers each report the same
meeting in their own words; the extractor gives one event per document, and
counting them all would count the meeting five times. The linker groups them:

* Only events of the same type and status between the same unordered country
  pair are compared (a *block*), and never two events of one document.
* Hard vetoes keep happenings apart: dates that contradict (GOLD.md's rule),
  reports more than `WINDOW_DAYS` apart, places in different countries, and
  principals who are different people (the Kuwaiti minister is not the
  Kuwaiti under-secretary).
* Support adds up clues that it is the same occasion: the same day, a person
  named in both, the same place, the same topics, shared wording, and the two
  documents already sharing another story. A pair at `LINK` or more is linked.
* Clusters grow best pair first, and two clusters merge only if no pair across
  them is vetoed (complete linkage), so a vague report cannot chain two
  meetings together.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from marsad.dedup import shingle_hashes
from marsad.model import Document, Event
from marsad.normalize import normalize_form
from marsad.store import Store
from marsad.store import sources as S

LINK = 2.0  # total support needed: two independent clues, or one strong (same day) one
SAME_DAY = 2.0  # same kind, same two states, same day: one happening unless a veto says otherwise
SAME_PERSON = 1.0  # a named official in both reports
MORE_PEOPLE = 0.5  # a second shared official
SAME_PLACE = 0.5  # same place name (a capital is common, so it only helps)
SAME_TOPICS = 0.5  # topic sets overlapping by half or more
SHARED_TEXT = 1.0  # 3-gram containment >= TEXT_HIGH: the reports share agency wording
SOME_TEXT = 0.5  # containment >= TEXT_LOW
TEXT_HIGH, TEXT_LOW = 0.15, 0.08  # different reports of one pair's meetings share < 0.13 (dev.jsonl), copies > 0.15
SAME_DOCS = 1.0  # the two documents are already linked through another event (the MoU signed at that meeting)
COPY_TEXT = 2.0  # containment >= TEXT_COPY: one text with another headline, whatever the extractor made of it
TEXT_COPY = 0.4
PLACE_CLASH = -1.5  # named places in two countries: usually two occasions, but extractors misfile venues
WINDOW_DAYS = 30  # reports of one happening appear within weeks of it; a meeting a month later is another one
NAME_RATIO = 0.75  # transliterations of one family name (نقوي / نقفي) differ by about one letter in four
_PARTICLES = {"بن", "بنت", "ابن", "ال", "ولد"}
_ABD = re.compile(r"\bعبد\s+")
_FINAL_A = re.compile(r"ه\b")  # final -a is written ة or ا in names (حننة / حننا); normalize_form made ة into ه


@dataclass(slots=True)
class _Report:
    """One event with what the linker compares: its document's date, people by country, place."""

    event: Event
    doc: Document
    key: str  # stable identity inside this run (event id, else document + position)
    anchor: date | None
    people: dict[str | None, list[tuple[str, ...]]] = field(default_factory=dict)
    principals: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(slots=True)
class LinkResult:
    """Stories found: story id -> its events; `primary` names the event that stands for each story."""

    stories: dict[str, list[Event]]
    primary: dict[str, Event]


def name_key(name: str | None) -> tuple[str, ...]:
    """A person's name as comparable tokens: normalised, 'عبد ال' joined, 'بن'/'آل' dropped."""
    if not name:
        return ()
    return tuple(_name_tokens(normalize_form(name)))


def _name_tokens(form: str) -> list[str]:
    form = _FINAL_A.sub("ا", _ABD.sub("عبد", form))
    return [t for t in form.split() if t not in _PARTICLES]


def same_person(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Same given name and a compatible rest: the shorter name's words in order within the longer one
    (middle names dropped), the same last word, or a near-identical second name (transliteration)."""
    if not a or not b or a[0] != b[0]:
        return False
    short, long_ = sorted((a, b), key=len)
    rest = iter(long_[1:])
    if all(word in rest for word in short[1:]) or a[-1] == b[-1]:
        return True
    return difflib.SequenceMatcher(None, a[1], b[1]).ratio() >= NAME_RATIO


def dates_compatible(a: str | None, b: str | None) -> bool:
    """GOLD.md's rule: equal at the same precision, or one missing or a prefix of the other."""
    if not a or not b:
        return True
    short, long_ = sorted((a, b), key=len)
    return long_.startswith(short) if len(a) != len(b) else a == b


def block_key(ev: Event) -> tuple[str, str, str, str]:
    lo, hi = sorted((ev.actor.country or "", ev.recipient.country or ""))
    return ev.type, ev.status, lo, hi


def link(docs: Sequence[Document], existing: dict[str, str] | None = None) -> LinkResult:
    """Set `story` on every event of `docs` (one story per happening) and return the stories.

    `existing` maps event keys to story ids already stored, so a story keeps its id as it grows.
    """
    reports = [_report(doc, i, ev) for doc in docs for i, ev in enumerate(doc.events)]
    blocks: dict[tuple[str, str, str, str], list[_Report]] = defaultdict(list)
    for r in reports:
        blocks[block_key(r.event)].append(r)
    texts = _TextCache()
    scored: list[tuple[float, str, str, _Report, _Report]] = []
    for members in blocks.values():
        for a, b in _candidate_pairs(members):
            if a.doc.doc_id != b.doc.doc_id and not _veto(a, b, texts):
                scored.append((_support(a, b, texts), *sorted((a.key, b.key)), a, b))
    clusters = _Clusters(reports, texts)
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    clusters.merge_all(s for s in scored if s[0] >= LINK)
    linked_docs = clusters.linked_documents()
    second = [s for s in scored if s[0] < LINK <= s[0] + SAME_DOCS
              and tuple(sorted((s[3].doc.doc_id, s[4].doc.doc_id))) in linked_docs]
    clusters.merge_all(second)
    return clusters.result(existing or {})


def _candidate_pairs(members: list[_Report]) -> Iterator[tuple[_Report, _Report]]:
    """Pairs worth scoring: dated reports only within WINDOW_DAYS of each other (a sorted sweep, so a busy
    country pair costs n·window, not n²); undated reports are compared with everything in the block."""
    dated = sorted((r for r in members if r.anchor), key=lambda r: (r.anchor, r.key))
    undated = [r for r in members if not r.anchor]
    for i, a in enumerate(undated):
        for b in [*undated[i + 1 :], *dated]:
            yield a, b
    for i, a in enumerate(dated):
        for b in dated[i + 1 :]:
            if (b.anchor - a.anchor).days > WINDOW_DAYS:  # type: ignore[operator]
                break
            yield a, b


def _report(doc: Document, index: int, ev: Event) -> _Report:
    key = ev.event_id or f"{doc.doc_id}|{index}|{ev.evidence_start}"
    anchor = date.fromisoformat(ev.date) if ev.date and len(ev.date) == 10 else doc.published
    r = _Report(ev, doc, key, anchor)
    for role in (ev.actor, ev.recipient):
        k = name_key(role.name)
        if k and role.country:
            r.principals[role.country] = k
            r.people.setdefault(role.country, []).append(k)
    for p in ev.participants:
        if k := name_key(p.name):
            r.people.setdefault(p.country, []).append(k)
    return r


def _known(r: _Report, country: str | None, who: tuple[str, ...]) -> bool:
    """Is `who` among the people `r` names for `country` (or for no country: participants often lack one)?"""
    lists = r.people.values() if country is None else (r.people.get(country, []), r.people.get(None, []))
    return any(same_person(who, k) for ks in lists for k in ks)


def _veto(a: _Report, b: _Report, texts: _TextCache) -> bool:
    ea, eb = a.event, b.event
    if a.doc.doc_id == b.doc.doc_id or not dates_compatible(ea.date, eb.date):
        return True
    if a.anchor and b.anchor and abs((a.anchor - b.anchor).days) > WINDOW_DAYS:
        return True
    for country in a.principals.keys() & b.principals.keys():
        pa, pb = a.principals[country], b.principals[country]
        # Not the same person only if neither report names the other's principal anywhere: the extractor
        # sometimes files the right person under the wrong state or role.
        if not (_known(b, None, pa) or _known(a, None, pb) or texts.mentions(b.doc, pa) or texts.mentions(a.doc, pb)):
            return True
    return False


def _support(a: _Report, b: _Report, texts: _TextCache) -> float:
    ea, eb = a.event, b.event
    score = SAME_DAY if ea.date and len(ea.date) == 10 and ea.date == eb.date else 0.0
    shared = {k[:2] for k in (*a.principals.values(), *b.principals.values())
              if (_known(a, None, k) or texts.mentions(a.doc, k)) and (_known(b, None, k) or texts.mentions(b.doc, k))}
    if shared:
        score += SAME_PERSON + (MORE_PEOPLE if len(shared) > 1 else 0.0)
    la, lb = ea.location, eb.location
    if la and lb and la.name and lb.name:
        if normalize_form(la.name) == normalize_form(lb.name):
            score += SAME_PLACE
        elif la.country and lb.country and la.country != lb.country:
            score += PLACE_CLASH
    ta, tb = set(ea.topics), set(eb.topics)
    if ta and tb and len(ta & tb) * 2 >= len(ta | tb):
        score += SAME_TOPICS
    overlap = texts.containment(a.doc, b.doc)
    if overlap >= TEXT_COPY:
        score += COPY_TEXT
    elif overlap >= TEXT_HIGH:
        score += SHARED_TEXT
    elif overlap >= TEXT_LOW:
        score += SOME_TEXT
    return score


class _TextCache:
    """Shingle sets per document, computed once per run (only for documents that meet in a block)."""

    def __init__(self) -> None:
        self._sets: dict[str, np.ndarray] = {}
        self._names: dict[str, str] = {}

    def mentions(self, doc: Document, who: tuple[str, ...]) -> bool:
        """Does the document's text name this person (given name and the next name, as the linker folds them)?"""
        if doc.doc_id not in self._names:
            self._names[doc.doc_id] = " " + " ".join(_name_tokens(normalize_form(doc.text))) + " "
        if len(who) == 1:
            return f" {who[0]} " in self._names[doc.doc_id]
        # Given name, then the next name within two words: "سالم الحارثي" is named by "سالم بن راشد الحارثي".
        pattern = rf" {re.escape(who[0])}(?: \S+){{0,2}} {re.escape(who[1])} "
        return re.search(pattern, self._names[doc.doc_id]) is not None

    def containment(self, a: Document, b: Document) -> float:
        sa, sb = self._get(a), self._get(b)
        if not len(sa) or not len(sb):
            return 0.0
        return len(np.intersect1d(sa, sb, assume_unique=True)) / min(len(sa), len(sb))

    def _get(self, doc: Document) -> np.ndarray:
        if doc.doc_id not in self._sets:
            self._sets[doc.doc_id] = shingle_hashes(doc.text)
        return self._sets[doc.doc_id]


class _Clusters:
    """Complete-linkage union: two clusters join only if no pair across them is vetoed."""

    def __init__(self, reports: list[_Report], texts: _TextCache) -> None:
        self.texts = texts
        self.of = {r.key: r.key for r in reports}
        self.members: dict[str, list[_Report]] = {r.key: [r] for r in reports}

    def merge_all(self, pairs: Iterable[tuple[float, str, str, _Report, _Report]]) -> None:
        for _score, ka, kb, _a, _b in pairs:
            ca, cb = self.of[ka], self.of[kb]
            if ca == cb or any(_veto(x, y, self.texts) for x in self.members[ca] for y in self.members[cb]):
                continue
            keep, gone = sorted((ca, cb))
            for r in self.members.pop(gone):
                self.of[r.key] = keep
                self.members[keep].append(r)

    def linked_documents(self) -> set[tuple[str, str]]:
        pairs = set()
        for ms in self.members.values():
            ids = sorted({r.doc.doc_id for r in ms})
            pairs |= {(x, y) for i, x in enumerate(ids) for y in ids[i + 1 :]}
        return pairs

    def result(self, existing: dict[str, str]) -> LinkResult:
        stories: dict[str, list[Event]] = {}
        primary: dict[str, Event] = {}
        taken: set[str] = set()
        # Bigger stories choose first, so when a story splits the larger part keeps the old id.
        for root in sorted(self.members, key=lambda k: (-len(self.members[k]), k)):
            ms = sorted(self.members[root], key=lambda r: r.key)
            old = Counter(existing[r.key] for r in ms if r.key in existing)
            reuse = [sid for sid, _n in sorted(old.items(), key=lambda x: (-x[1], x[0])) if sid not in taken]
            sid = reuse[0] if reuse else "s" + hashlib.sha256(ms[0].key.encode()).hexdigest()[:19]
            taken.add(sid)
            for r in ms:
                r.event.story = sid
            stories[sid] = [r.event for r in ms]
            primary[sid] = max(ms, key=_richness).event
        return LinkResult(stories, primary)


def _richness(r: _Report) -> tuple[int, int, int, float]:
    """The member that stands for the story: the most precise date, then a place, names, confidence.

    Members are sorted by key first and max() keeps the first of equals, so ties go to the smallest key.
    """
    ev = r.event
    precision = {10: 3, 7: 2, 4: 1}.get(len(ev.date or ""), 0)
    named = sum(1 for p in (ev.actor, ev.recipient) if p.name) + len(ev.participants)
    return precision, int(bool(ev.location and ev.location.name)), named, ev.confidence


def link_documents(docs: Sequence[Document]) -> None:
    """The evaluator's hook: link the predictions of a whole gold file (no store, fresh ids)."""
    link(docs)


@dataclass(slots=True)
class RelinkReport:
    events: int = 0
    stories: int = 0
    multi: int = 0  # stories reported by more than one document


def relink(store: Store, *, full: bool = False) -> RelinkReport:
    """Link the stored events into stories: every block with an unlinked event (or every block, `full`).

    Whole blocks are relinked, so a new report can join an old story; ids already given are kept.
    """
    blocks = S.all_blocks(store) if full else S.unlinked_blocks(store)
    docs = [d for b in sorted(blocks) for d in S.block_documents(store, b)]
    existing = {ev.event_id: ev.story for d in docs for ev in d.events if ev.story}
    res = link(docs, existing)
    rows = [(ev.event_id, sid, ev is res.primary[sid]) for sid, evs in res.stories.items() for ev in evs]
    S.write_stories(store, rows)
    multi = sum(1 for evs in res.stories.values() if len({e.doc_id for e in evs}) > 1)
    return RelinkReport(len(rows), len(res.stories), multi)
