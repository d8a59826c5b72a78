"""Turn frames into events: countries, dyad, host rule, date, place, topics, merging.

Resolution works at document level, because Arabic reports name the two
parties once and then say "البلدين", "الجانبان", "نظيره" or only an office:
the document's dyad (its two most-mentioned states) fills what a sentence
leaves open. One event per happening: frames of the same type, status and
country pair on the same occasion merge, their topics united.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field

from marsad import __version__
from marsad.lexicons.loader import Lexicon
from marsad.model import Chunk, Document, Event, Frame, Location, Mention, Participant, Party
from marsad.pipeline.dates import DateRef, find_dates
from marsad.pipeline.parties import name_key

EXTRACTOR_VERSION = f"marsad-{__version__}"
# How much each kind of mention counts towards a state being one of the document's two parties.
PAIR_GAP = 3  # characters between "بين X" and "وY"
LOCAL_PAIR_REACH = 3  # sentences back that "الجانبان" still points to a pair named with بين
# Offices held by many at once: "وزراء الداخليه العرب" meeting is a session of their council.
COLLECTIVE_TITLES = {"وزراء", "رؤساء", "قادة", "ممثلو", "ممثلي", "وكلاء", "أصحاب", "اصحاب", "مسؤولو", "مسؤولي"}
DYAD_WEIGHT = {"person": 3, "body": 3, "state": 2, "counterpart": 2, "igo": 1, "nationality": 1}
VENUE_WORDS = ("مقر", "ديوان", "قصر")  # "في مكتبه" is too vague to be a place
TWO_PARTY = {"CONSULT", "AGREE", "COOPERATE", "AID", "REQUEST"}


@dataclass(slots=True)
class Draft:
    """A frame being resolved, and the occasion key it merges on."""

    frame: Frame
    event: Event
    occasion: str | None
    own_date: bool
    topic_sentences: set[int] = field(default_factory=set)
    absorbed: list[Frame] = field(default_factory=list)  # frames merged into this one


def run(doc: Document, lex: Lexicon) -> Document:
    dyad = _lead_order(doc.frames, document_dyad(doc.chunks))
    people: dict[str, str] = {}  # person -> state, learnt from the events read so far
    home = next((m for m in doc.mentions if m.kind == "agency"), None)
    if home is not None:  # the reporting agency's state speaks of its own officials without naming it
        people["@home"] = home.value
    pairs = _named_pairs(doc.chunks)
    for f in doc.frames:  # a meeting's two parties are the pair its sentence speaks of ("وتم الاتفاق ...")
        if f.type == "CONSULT" and _explicit_pair(f):
            pairs.setdefault(f.sentence, [f.actor.country, f.recipient.country])  # type: ignore[union-attr]
    drafts = [
        d for f in doc.frames if (d := _draft(doc, f, _local_dyad(pairs, f, dyad), lex, people)) is not None
    ]
    merged = _drop_headlines(_merge(drafts))
    _during_visit(doc, merged)
    _principal_names(doc, merged)
    _locations(doc, merged, lex)
    _dates(doc, merged)
    _topics(doc, merged)
    _participants(doc, merged)
    doc.events = [d.event for d in merged]
    return doc


def document_dyad(chunks: list[Chunk]) -> list[str]:
    """The document's two main states, the one named first first."""
    weight: Counter[str] = Counter()
    first: dict[str, int] = {}
    for c in chunks:
        if c.country and not c.country.startswith("IGO:"):
            weight[c.country] += DYAD_WEIGHT.get(c.kind, 1)
            first.setdefault(c.country, c.start)
        posting = c.rules.get("posting")
        if posting and not posting.startswith("IGO:"):
            weight[posting] += 2
            first.setdefault(posting, c.end)
    top = sorted(weight, key=lambda k: (-weight[k], first[k]))[:2]
    return sorted(top, key=lambda k: first[k])


def _explicit_pair(f: Frame) -> bool:
    """Both parties named in the sentence, as two different states."""
    a, r = f.actor, f.recipient
    if a is None or r is None or "dyad" in {a.kind, r.kind}:
        return False
    return bool(a.country and r.country and a.country != r.country and not a.country.startswith("IGO:"))


def _named_pairs(chunks: list[Chunk]) -> dict[int, list[str]]:
    """Per sentence, two states named together after "بين" ("بين سوريا ولبنان"); `run` adds
    the pair of a meeting stated in the sentence."""
    out: dict[int, list[str]] = {}
    for a, b in itertools.pairwise(chunks):
        if a.sentence != b.sentence or a.marker != "بين" or b.start - a.end > PAIR_GAP:
            continue
        if a.country and b.country and a.country != b.country and not a.country.startswith("IGO:"):
            out.setdefault(a.sentence, [a.country, b.country])
    return out


def _local_dyad(pairs: dict[int, list[str]], f: Frame, dyad: list[str]) -> list[str]:
    """"الجانبان" means the two states named last ("... بين سوريا ولبنان. وشهد الاجتماع توقيع
    اتفاقيه اكد فيها الجانبان ..."), which at a meeting one state hosts for two others is not
    the report's most-mentioned pair."""
    explicit = [c for c in (f.actor, f.recipient) if c is not None and c.kind != "dyad"]
    if explicit:
        return dyad
    for i in range(f.sentence, max(-1, f.sentence - LOCAL_PAIR_REACH), -1):
        if i in pairs:
            return pairs[i]
    return dyad


def _lead_order(frames: list[Frame], dyad: list[str]) -> list[str]:
    """Order the dyad as the report's first two-party frame names its subject and object.

    "البلدين" events follow the party the report leads with (the grammatical
    subject of its first event), even where that subject's country is only
    known through the dyad ("وصل وزير الداخليه الي السعوديه").
    """
    if len(dyad) < 2:
        return dyad
    for f in frames:
        if f.type not in TWO_PARTY or f.actor is None or f.actor.kind == "dyad":
            continue
        a = f.actor.country
        r = f.recipient.country if f.recipient is not None else None
        if a in dyad:
            return [a, _other(dyad, a) or dyad[1]]
        if r in dyad:
            return [_other(dyad, r) or dyad[0], r]
    return dyad


def _other(dyad: list[str], country: str | None) -> str | None:
    """The dyad's other state; for a party outside the dyad (an IGO), the report's leading state."""
    rest = [c for c in dyad if c != country]
    return rest[0] if rest else None


def _party(c: Chunk | None) -> Party:
    if c is None:
        return Party()
    if c.kind == "state":
        return Party(c.country, c.sector or "GOV", None, None)
    return Party(c.country, c.sector, c.name, c.title)


def _draft(doc: Document, f: Frame, dyad: list[str], lex: Lexicon, people: dict[str, str]) -> Draft | None:
    ev = Event(type=f.type, status=f.status, mode=f.mode, extractor_version=EXTRACTOR_VERSION)
    ev.provenance.update({k: v for k, v in f.rules.items()})
    actor, recipient = _party(f.actor), _party(f.recipient)
    for role, p in (("actor", actor), ("recipient", recipient)):
        if p.country is None and people.get(name_key(p.name)):
            p.country = people[name_key(p.name)]
            ev.provenance[f"{role}.country"] = "the same official in an earlier event of the report"
    home = people.get("@home")
    for role, p, other in (("actor", actor, recipient), ("recipient", recipient, actor)):
        chunk = f.actor if role == "actor" else f.recipient
        foreign = other.country != home and not (other.country or "").startswith("IGO:")
        if p.country is None and home and chunk is not None and chunk.kind in {"person", "body"} and p.title \
                and foreign:
            p.country = home
            ev.provenance[f"{role}.country"] = "an office named without a state is the reporting agency's own"
    ev.location = _location(doc, f, lex)
    here = ev.location.country if ev.location else None
    if (
        f.type == "CONSULT"
        and f.mode in {"host", "meet"}
        and actor.country is None
        and here not in {None, recipient.country}
    ):
        actor.country = here  # a host receives at home ("استقبل ... بمقر عمله بالرباط")
        ev.provenance["actor.country"] = "the host's ground: where the meeting took place"
    for p in (actor, recipient):
        if p.name and p.country and name_key(p.name) not in people:
            people[name_key(p.name)] = p.country
    _fill_countries(f, actor, recipient, dyad, ev.provenance)
    ev.actor, ev.recipient = actor, recipient
    if ev.type in {"COERCE", "ASSAULT"}:
        _coerce_countries(doc, f, ev, dyad)
    if not _valid(ev):
        return None
    _evidence(doc, f, ev)
    if ev.type == "CONSULT":
        _host_rule(f, ev)
    refs = _date_refs(doc, f, lex)
    occasion, own = None, False
    if refs:
        ref = refs[0]
        ev.date = ref.value
        ev.provenance["date"] = f"{ref.rule}: {doc.norm.text[ref.start : ref.end] if doc.norm else ''}"
        own = ref.value is not None
        occasion = _occasion(doc, ref)
    s = doc.sentences[f.sentence]
    # Only incidents: in a meeting report "من جهه اخري" just adds a point.
    if (
        occasion is None
        and f.type not in {"CONSULT", "AGREE"}
        and any(
            m.kind == "cue" and m.value == "another" and m.sentence == f.sentence and m.start - s.start < ANOTHER_REACH
            for m in doc.mentions
        )
    ):
        occasion = f"another happening (sentence {f.sentence})"
    ev.confidence = _confidence(f, ev)
    return Draft(f, ev, occasion, own, {f.sentence})


def _fill_countries(f: Frame, actor: Party, recipient: Party, dyad: list[str], prov: dict[str, str]) -> None:
    for chunk, role in ((f.actor, "actor"), (f.recipient, "recipient")):
        if chunk is not None and chunk.country:
            prov[f"{role}.country"] = chunk.rules.get("country", "")
    if f.actor is not None and f.actor.kind == "dyad" and len(dyad) == 2:
        if recipient.country in dyad:  # "اتفق البلدان مع ..." keeps the partner the sentence names
            actor.country = _other(dyad, recipient.country)
        else:
            actor.country, recipient.country = dyad
        actor.sector = recipient.sector = "GOV"
        prov["actor.country"] = prov["recipient.country"] = "the document's two parties (البلدين/الجانبان)"
        return
    if f.type not in TWO_PARTY:
        return  # arrests and attacks take their states from the place (see _coerce_countries)
    igo = next((p for p in (actor, recipient) if p.country and p.country.startswith("IGO:")), None)
    other = recipient if igo is actor else actor
    other_chunk = f.recipient if igo is actor else f.actor
    collective = other_chunk is not None and (other_chunk.title or "").split(" ")[0] in COLLECTIVE_TITLES
    if igo is not None and other.country is None and collective:
        # "عقد وزراء الداخليه العرب اجتماعات مجلس وزراء الداخليه العرب": a session of the body itself.
        if igo is recipient:
            actor.country, actor.sector, actor.title = igo.country, igo.sector, igo.title
            recipient.country = recipient.sector = recipient.title = recipient.name = None
        prov["actor.country"] = "a session of the international body"
        return
    for chunk, party, other in ((f.actor, recipient, f.recipient), (f.recipient, actor, f.actor)):
        posting = chunk.rules.get("posting") if chunk is not None else None
        if posting and party.country is None and other is not None:
            party.country = posting
            prov["actor.country" if party is actor else "recipient.country"] = "the envoy's host country (لدي)"
    if actor.country is None and (f.actor is not None or f.type in TWO_PARTY):
        actor.country = _other(dyad, recipient.country)
        if actor.country:
            prov["actor.country"] = "the document's other party"
            actor.sector = actor.sector or "GOV"
    # A domestic body named without a state ("مخفر", "السلطات") is not the other party of a handover.
    domestic = f.type not in {"CONSULT", "AGREE"} and f.recipient is not None and f.recipient.kind == "body"
    if recipient.country is None and f.type in TWO_PARTY and not domestic:
        recipient.country = _other(dyad, actor.country)
        if recipient.country:
            prov["recipient.country"] = "the document's other party"
            recipient.sector = recipient.sector or "GOV"
            if f.recipient is not None and f.recipient.kind == "counterpart" and not recipient.title:
                recipient.title = actor.title


def _valid(ev: Event) -> bool:
    a, r = ev.actor.country, ev.recipient.country
    if ev.type in TWO_PARTY:
        return bool(a and r and a != r) or bool(a and a.startswith("IGO:"))
    return bool(a or r)


def _evidence(doc: Document, f: Frame, ev: Event) -> None:
    assert doc.norm is not None
    s = doc.sentences[f.sentence]
    ev.evidence_start, ev.evidence_end = doc.norm.span(s.start, s.end)
    ev.evidence = doc.text[ev.evidence_start : ev.evidence_end]
    ev.trigger_start, ev.trigger_end = doc.norm.span(f.trigger.start, f.trigger.end)
    ev.trigger = doc.text[ev.trigger_start : ev.trigger_end]


def _location(doc: Document, f: Frame, lex: Lexicon) -> Location | None:
    """The city (or state, or venue) the sentence places the event in."""
    assert doc.norm is not None
    s = doc.sentences[f.sentence]
    text = doc.norm.text
    inside = [(c.start, c.end) for c in doc.chunks if c.sentence == f.sentence and c.kind in {"person", "body"}]
    best: tuple[int, Mention] | None = None
    for m in doc.mentions:
        if m.sentence != f.sentence or m.kind not in {"capital", "city", "country"}:
            continue
        if any(a <= m.start < b for a, b in inside):
            continue
        core = _core_start(m)
        before = text[max(s.start, m.start - 10) : m.start]
        marked = core > m.start and m.surface[: core - m.start].rstrip("ال")[-1:] in {"ب"}
        # "في العاصمه الباكستانيه اسلام اباد": a place noun shortly before also marks a place.
        place_noun = any(w in text[max(s.start, m.start - 28) : m.start] for w in ("العاصمه", "مدينه", "محافظه"))
        if not (marked or place_noun or before.endswith(("في ", "الي "))):
            continue
        rank = 0 if m.kind in {"capital", "city"} else 1
        if best is None or rank < best[0]:
            best = (rank, m)
    if best is not None:
        m = best[1]
        a, b = doc.norm.span(_core_start(m), m.end)
        country = m.value
        # "عمان" is Oman and Amman: the reading that belongs to one of the parties wins.
        pair = {f.actor.country if f.actor else None, f.recipient.country if f.recipient else None}
        alts = [x.split(":")[1] for x in m.extra.get("also", "").split() if x.split(":")[0] in {"capital", "city"}]
        if country not in pair and any(a2 in pair for a2 in alts):
            country = next(a2 for a2 in alts if a2 in pair)
        return Location(doc.text[a:b], country)
    venue = _venue(doc, f)
    return venue


def _core_start(m: Mention) -> int:
    """Where the lexicon form starts inside the matched word (after its clitics)."""
    form = m.extra.get("form", "")
    idx = m.surface.find(form) if form else -1
    if idx < 0 and form.startswith("ال"):
        idx = m.surface.find(form[2:])
    return m.start + max(idx, 0)


def _venue(doc: Document, f: Frame) -> Location | None:
    """ "في مقر وزاره الداخليه": the venue (with the body it belongs to) when no city is named."""
    assert doc.norm is not None
    s = doc.sentences[f.sentence]
    text = doc.norm.text
    for word in VENUE_WORDS:
        i = text.find(word + " ", s.start, s.end)  # "مقر" the word, not "المقرر" (scheduled)
        if i < 0 or (i > s.start and text[i - 1].isalpha() and text[i - 1] not in "بو"):
            continue
        end = i + len(word)
        body = next((c for c in doc.chunks if c.kind == "body" and 0 < c.start - end <= 2), None)
        if body is not None:
            end = body.end
        elif word == "مقر":
            nxt = text.find(" ", end + 1, s.end)
            end = nxt if nxt > 0 else s.end
        a, b = doc.norm.span(i, end)
        return Location(doc.text[a:b].strip(" ,،."), None)
    return None


def _host_rule(f: Frame, ev: Event) -> None:
    """On one party's ground, that party hosts (GOLD.md's host rule)."""
    loc_c = ev.location.country if ev.location else None
    if ev.mode == "phone":
        return
    if ev.mode == "host":
        if ev.location is not None and ev.location.country is None:
            ev.location.country = ev.actor.country
        return
    if loc_c and loc_c == ev.recipient.country and ev.mode in {"meet", None}:
        ev.actor, ev.recipient = ev.recipient, ev.actor
        for field_ in ("country", "name"):  # the provenance follows the parties
            a, r = ev.provenance.pop(f"actor.{field_}", None), ev.provenance.pop(f"recipient.{field_}", None)
            if a is not None:
                ev.provenance[f"recipient.{field_}"] = a
            if r is not None:
                ev.provenance[f"actor.{field_}"] = r
        ev.mode = "host"
        ev.provenance["mode"] = "host rule: the meeting is on the recipient's ground"
    elif loc_c and loc_c == ev.actor.country and ev.mode == "meet":
        ev.mode = "host"
        ev.provenance["mode"] = "host rule: the meeting is on the actor's ground"
    elif ev.mode == "visit" and ev.location is not None and loc_c is None:
        ev.location.country = ev.recipient.country
    if ev.location is not None and ev.location.country is None and ev.mode == "host":
        ev.location.country = ev.actor.country


def _date_refs(doc: Document, f: Frame, lex: Lexicon) -> list[DateRef]:
    """Time expressions of the trigger's sentence, nearest after the trigger first."""
    assert doc.norm is not None
    s = doc.sentences[f.sentence]
    refs = [
        DateRef(r.start + s.start, r.end + s.start, r.value, r.tense, r.rule)
        for r in find_dates(s.text, doc.published, lex)
    ]
    # An occurred event takes no future date and a planned one no past date.
    unfit = "future" if f.status == "occurred" else "past"
    refs = [r for r in refs if r.tense != unfit]
    # The nearest expression on either side, a little in favour of what follows the verb;
    # one that dates a background event ("منذ ... في 5 يناير") is not the event's.
    context = [m.end for m in doc.mentions if m.sentence == f.sentence and m.kind == "cue" and m.value == "context"]
    refs = [r for r in refs if not any(0 <= r.start - c <= CONTEXT_REACH for c in context)]
    t0, t1 = f.trigger.start, f.trigger.end
    relative = any(r.rule in RECENT_RULES for r in refs)
    pub = doc.published.isoformat() if doc.published else None

    def dateline(r: DateRef) -> bool:
        """ "الرياض, 17 ديسمبر 2024 -- رحب ... يوم الاثنين": the dateline dates the report, not the event."""
        return relative and r.value == pub and r.rule in {"day-month", "numeric"}

    refs.sort(
        key=lambda r: (
            f.status == "expected" and r.tense != "future",  # a plan is dated by its future time
            dateline(r),
            r.start - t1 if r.start >= t1 else (t0 - r.end) + BEFORE_PENALTY,
            _DATE_RANK.get(r.rule, 5),
        )
    )
    if refs:
        # "اليوم الاربعاء 21 يناير": one expression; its most explicit part dates the event.
        top = refs[0]
        near = [top] + [r for r in refs[1:] if min(abs(r.start - top.end), abs(top.start - r.end)) <= SAME_EXPRESSION]
        best = min(near, key=lambda r: _DATE_RANK.get(r.rule, 5))
        if best is not top and best.value and not dateline(best):
            refs.remove(best)
            refs.insert(0, best)
    return refs


def _occasion(doc: Document, ref: DateRef) -> str | None:
    """None for the report's own news (today, this week); else what tells the occasion apart."""
    if ref.rule in RECENT_RULES or ref.tense == "present":
        return None
    if ref.value and doc.published and doc.published.isoformat().startswith(ref.value):
        return None  # "this year", "in March" when published in March: the report's own time
    if ref.value and doc.published and len(ref.value) == 10:
        from datetime import date as _date

        if abs((_date.fromisoformat(ref.value) - doc.published).days) <= RECENT_DAYS:
            return None
    return ref.value or (doc.norm.text[ref.start : ref.end] if doc.norm else "past")


SAME_EXPRESSION = 12  # characters between parts of one date expression ("اليوم الاربعاء 21 يناير")
# Characters a time expression before the trigger counts as farther than one after it.
BEFORE_PENALTY = 15
# How far after "منذ" a date still belongs to the background event it names.
CONTEXT_REACH = 60
ANOTHER_REACH = 25  # "من جهه اخري" opens its sentence
RECENT_RULES = {"today", "yesterday", "weekday", "weekday-next", "tomorrow"}
# A dated mention this close to publication is the report's own news, not an earlier occasion.
RECENT_DAYS = 7
_DATE_RANK = {"day-month": 0, "hijri": 0, "numeric": 0, "today": 1, "yesterday": 1, "weekday": 2}


def _confidence(f: Frame, ev: Event) -> float:
    score = 0.45
    score += 0.2 if f.trigger.extra.get("x2") == "verb" else 0.05
    score += 0.1 if "document's" not in ev.provenance.get("actor.country", "") else -0.05
    score += 0.1 if "document's" not in ev.provenance.get("recipient.country", "") else -0.05
    score += 0.1 if ev.actor.name or ev.recipient.name else 0.0
    return round(min(0.99, max(0.05, score)), 2)


def _pair(ev: Event) -> tuple[str, str]:
    return tuple(sorted((ev.actor.country or "", ev.recipient.country or "")))  # type: ignore[return-value]


def _merge(drafts: list[Draft]) -> list[Draft]:
    """One event per happening: same type, status, pair and occasion."""
    out: list[Draft] = []
    for d in drafts:
        if d.frame.rules.get("anaphoric"):
            # "اللقاء", "هذا الاستقبال": the event already reported,
            # whatever pair this sentence suggests; with none reported yet it is only talk.
            any_status = bool(d.frame.rules.get("continuation"))
            prior = next((o for o in out if o.event.type == d.event.type
                          and (any_status or o.event.status == d.event.status)), None)
            if prior is not None:
                prior.topic_sentences |= d.topic_sentences
                prior.frame.others.extend(d.frame.others)
            if prior is not None or d.event.type in {"ASSAULT", "COERCE"}:
                continue
        key = (d.event.type, d.event.status, _pair(d.event))
        target = next(
            (o for o in out if (o.event.type, o.event.status, _pair(o.event)) == key and o.occasion == d.occasion),
            None,
        )
        if target is None and d.event.type == "CONSULT":
            # A trip during which a meeting is reported is that meeting.
            target = next(
                (
                    o
                    for o in out
                    if o.event.type == "CONSULT"
                    and o.event.status == d.event.status
                    and _pair(o.event) == _pair(d.event)
                    and o.occasion == d.occasion
                    and "visit" in {o.event.mode, d.event.mode}
                ),
                None,
            )
        if target is None:
            out.append(d)
        else:
            _absorb(target, d)
    return out


def _during_visit(doc: Document, drafts: list[Draft]) -> None:
    """Talks "خلال الزياره" (during the visit) are hosted by the state visited, even when only planned."""
    assert doc.norm is not None
    visit = next((d for d in drafts if d.event.type == "CONSULT" and d.event.mode == "visit"
                  and d.event.status == "occurred"), None)
    if visit is None:
        return
    ground = visit.event.location.country if visit.event.location else None
    ground = ground or visit.event.recipient.country
    for d in drafts:
        ev = d.event
        s = doc.sentences[d.frame.sentence]
        during = any(w in doc.norm.text[s.start : s.end] for w in ("خلال الزياره", "خلال زيارته", "اثناء الزياره"))
        if d is visit or ev.type != "CONSULT" or ev.mode != "meet" or not during:
            continue
        if ground in {ev.actor.country, ev.recipient.country}:
            if ev.recipient.country == ground:
                ev.actor, ev.recipient = ev.recipient, ev.actor
            ev.mode = "host"
            ev.provenance["mode"] = "host rule: talks during the visit, on the visited state's ground"


def _principal_names(doc: Document, drafts: list[Draft]) -> None:
    """A meeting read off "البلدين" or "اللقاء" is still between the report's principals: the first
    named official of each state stands in when the sentence names nobody."""
    principal: dict[str, Party] = {}
    for c in doc.chunks:
        if c.kind == "person" and c.name and c.country:
            principal.setdefault(c.country, Party(c.country, c.sector, c.name, c.title))
    for d in drafts:  # officials whose state only an event revealed ("وزير الداخليه محسن نقوي")
        for p in (d.event.actor, d.event.recipient):
            if p.name and p.country:
                principal.setdefault(p.country, p)
    for d in drafts:
        if d.event.type != "CONSULT":
            continue
        for role in ("actor", "recipient"):
            p = getattr(d.event, role)
            c = principal.get(p.country or "")
            if p.name is None and c is not None:
                p.name, p.title, p.sector = c.name, p.title or c.title, c.sector or p.sector
                d.event.provenance[f"{role}.name"] = "the report's principal official of that state"


def _drop_headlines(drafts: list[Draft]) -> list[Draft]:
    """A headline restates the report: its event stands only if the body reports none of its type."""
    body_types = {d.event.type for d in drafts if not d.frame.rules.get("headline")}
    return [d for d in drafts if not (d.frame.rules.get("headline") and d.event.type in body_types)]


def _absorb(t: Draft, d: Draft) -> None:
    te, de = t.event, d.event
    if t.frame.rules.get("headline") and not d.frame.rules.get("headline"):
        # The body's sentence is the better evidence than the headline that announced it,
        # and its parties are named as that sentence writes them.
        t.frame.rules["headline"] = ""
        te.evidence, te.evidence_start, te.evidence_end = de.evidence, de.evidence_start, de.evidence_end
        te.trigger, te.trigger_start, te.trigger_end = de.trigger, de.trigger_start, de.trigger_end
        if {te.actor.country, te.recipient.country} == {de.actor.country, de.recipient.country}:
            te.actor, te.recipient, te.mode = de.actor, de.recipient, de.mode or te.mode
    visited = t.frame.rules.get("destination") or d.frame.rules.get("destination")
    if te.mode == "visit" and de.mode != "visit":
        te.mode, te.actor, te.recipient = de.mode, de.actor, de.recipient
        te.evidence, te.evidence_start, te.evidence_end = de.evidence, de.evidence_start, de.evidence_end
    if te.type == "CONSULT" and te.mode == "meet" and visited in {te.actor.country, te.recipient.country}:
        # Talks during a visit are on the visited party's ground: it hosts (GOLD's host rule).
        if te.recipient.country == visited:
            te.actor, te.recipient = te.recipient, te.actor
        te.mode = "host"
        te.provenance["mode"] = "host rule: the talks took place during a visit to the host"
    for tp in (te.actor, te.recipient):
        # The same state's party in the other frame, whichever role the sentence gave it,
        # if it is the same official (or this frame names none).
        dp = next((p for p in (de.actor, de.recipient) if p.country == tp.country), None)
        if dp is not None and (tp.name is None or name_key(tp.name) == name_key(dp.name)):
            for attr in ("name", "title", "sector"):
                if getattr(tp, attr) is None and getattr(dp, attr) is not None:
                    setattr(tp, attr, getattr(dp, attr))
    # A handover's place is not the arrest's place reported beside it.
    if te.type in {"CONSULT", "AGREE"} and (te.location is None or (te.location.name is None and de.location)):
        te.location = de.location
    if not te.date and de.date:
        te.date, t.own_date = de.date, d.own_date
    te.confidence = max(te.confidence, de.confidence)
    t.topic_sentences |= d.topic_sentences
    t.frame.others.extend(d.frame.others)
    if te.type == "CONSULT":
        # The other officials met during the same visit attend it (GOLD: one event per visit).
        named = {name_key(te.actor.name), name_key(te.recipient.name)}
        t.frame.others.extend(c for c in (d.frame.actor, d.frame.recipient)
                              if c is not None and c.kind == "person" and c.name and name_key(c.name) not in named)
    t.absorbed.append(d.frame)


def _locations(doc: Document, drafts: list[Draft], lex: Lexicon) -> None:
    """Where a sentence names no place: a meeting takes the place another of its sentences
    (or the report) gives on the parties' ground; an agreement takes its meeting's place; a
    visit goes to the capital it names; a host meets at home (its city named elsewhere in
    the report, else just its country); a phone call has no place."""
    for d in drafts:
        ev = d.event
        if ev.mode == "phone":
            ev.location = None
        elif ev.type == "CONSULT" and ev.status == "occurred" and d.occasion is None and not _named(ev.location):
            ev.location = _place_elsewhere(doc, d) or ev.location
    consult = {
        _pair(d.event): d.event.location
        for d in drafts
        if d.event.type == "CONSULT" and d.event.status == "occurred" and d.event.location
    }
    for d in drafts:
        ev = d.event
        if _named(ev.location) and ev.location is not None and ev.location.country is not None:
            continue
        if ev.type == "AGREE" and ev.status == "occurred" and consult.get(_pair(ev)):
            ev.location = consult[_pair(ev)]
            ev.provenance["location"] = "the place of the meeting it belongs to"
        elif ev.type == "CONSULT" and ev.mode == "host" and ev.status == "occurred" and ev.actor.country:
            home = _home_city(doc, ev.actor.country, lex)
            if ev.location is not None and ev.location.name:
                ev.location.country = ev.location.country or ev.actor.country
            elif home is not None:
                ev.location = home
                ev.provenance["location"] = "the host's city named in the report"
            else:
                ev.location = Location(None, ev.actor.country)
                ev.provenance["location"] = "a host receives at home"
        elif ev.type in {"COERCE", "ASSAULT"} and ev.location is None:
            ev.location = _city_in(doc, d.frame.actor)  # "شرطه دبي" arrests in Dubai
            country = ev.actor.country if ev.type == "COERCE" else ev.recipient.country
            if ev.location is None and country and not country.startswith("IGO:"):
                ev.location = Location(None, country)


def _named(loc: Location | None) -> bool:
    return loc is not None and loc.name is not None


def _place_elsewhere(doc: Document, d: Draft) -> Location | None:
    """A place for a meeting from its other sentences, its visit's destination, or the report."""
    pair = {d.event.actor.country, d.event.recipient.country}
    for f in (d.frame, *d.absorbed):
        metonym = f.recipient is not None and "capital as metonym" in f.recipient.rules.get("country", "")
        if f.mode == "visit" and f.recipient is not None and metonym:
            a, b = doc.norm.span(f.recipient.start, f.recipient.end) if doc.norm else (0, 0)
            return Location(doc.text[a:b].strip(" ,،."), f.recipient.country)
    for f in d.absorbed:
        loc = _location(doc, f, None)
        if _named(loc) and loc is not None and loc.country in pair:
            return loc
    for f in doc.frames:
        loc = _location(doc, f, None) if f.type == "CONSULT" and f.status == "occurred" else None
        if _named(loc) and loc is not None and loc.country in pair and loc.country:
            return loc
    return None


def _city_in(doc: Document, chunk: Chunk | None) -> Location | None:
    if chunk is None or doc.norm is None:
        return None
    for m in doc.mentions:
        if chunk.start <= m.start < chunk.end and m.kind in {"city", "capital"}:
            a, b = doc.norm.span(_core_start(m), m.end)
            return Location(doc.text[a:b], m.value)
    return None


def _coerce_countries(doc: Document, f: Frame, ev: Event, dyad: list[str]) -> None:
    """An arrest is made where it happens; an attack hits the state it happens in."""
    here = ev.location.country if ev.location else None
    if here is None:
        geo = [m for m in doc.mentions if m.sentence == f.sentence and m.kind in {"country", "capital", "city"}]
        here = geo[0].value if geo else None
    if ev.type == "COERCE" and ev.actor.country is None and f.actor is not None:
        if here and here != ev.recipient.country:
            ev.actor.country = here
            ev.provenance["actor.country"] = "the state where the arrest took place"
        elif ev.recipient.country:
            ev.actor.country = _other(dyad, ev.recipient.country)
            ev.provenance["actor.country"] = "the report's other state (the nationality's host)"
    if ev.type == "COERCE" and ev.mode == "arrest" and ev.recipient.country is None and doc.norm is not None:
        # "يحمل الجنسيه الايطاليه" names the arrested person's state anywhere in the report.
        nat = next((m for m in doc.mentions if m.kind == "nisba"
                    and doc.norm.text[max(0, m.start - 8) : m.start].endswith(("الجنسيه ", "جنسيه "))), None)
        if nat is not None and nat.value != ev.actor.country:
            ev.recipient.country = nat.value
            ev.provenance["recipient.country"] = f"the nationality the report gives: {nat.rule}"
    if ev.type == "ASSAULT" and ev.recipient.country is None and here:
        ev.recipient.country = here
        ev.provenance["recipient.country"] = "the state where the attack took place"


def _home_city(doc: Document, iso3: str, lex: Lexicon) -> Location | None:
    """The host's capital or a city of its named in the report; "دوله الكويت" names its capital too."""
    assert doc.norm is not None
    capitals = [e.form for e in lex.by_kind.get("capital", []) if e.value == iso3]
    for m in doc.mentions:
        kinds = {m.kind} | {x.split(":")[0] for x in m.extra.get("also", "").split()}
        if m.value == iso3 and kinds & {"capital", "city"}:
            a, b = doc.norm.span(_core_start(m), m.end)
            return Location(doc.text[a:b], iso3)
        if m.value == iso3 and m.kind == "country":
            form = m.extra.get("form", "")
            cap = next((c for c in capitals if form.endswith(" " + c) or form == c), None)
            if cap is not None:
                i = m.surface.rfind(cap)
                a, b = doc.norm.span(m.start + i, m.start + i + len(cap))
                return Location(doc.text[a:b], iso3)
    return None


def _main(drafts: list[Draft]) -> Draft | None:
    """The report's own news: its first occurred event not placed on an earlier occasion."""
    return next((d for d in drafts if d.event.status == "occurred" and d.occasion is None), None)


def _dates(doc: Document, drafts: list[Draft]) -> None:
    """Undated events share the main event's date; the main event falls back to the publication month."""
    main = _main(drafts)
    if main is not None and not main.event.date and main.occasion is None and doc.published:
        main.event.date = doc.published.isoformat()[:7]
        main.event.provenance["date"] = "no time reference: month of publication"
    for d in drafts:
        if d is main or d.event.date or d.event.status != "occurred" or d.occasion is not None:
            continue
        if main is not None and main.event.date:
            d.event.date = main.event.date
            d.event.provenance["date"] = "same occasion as the main event"


def _topics(doc: Document, drafts: list[Draft]) -> None:
    """Topics from the sentences that state each event (the main one reads the whole report)."""
    topic_mentions = [m for m in doc.mentions if m.kind == "topic"]
    # The report's main event (its first occurred one) speaks for the whole report, and so
    # does its main meeting when an agreement was announced first.
    main = _main(drafts)
    meeting = next((d for d in drafts if d.event.status == "occurred" and d.occasion is None
                    and d.event.type == "CONSULT"), None)
    # Sentences that state another occasion (a past meeting) keep their topics to themselves.
    elsewhere = {i for d in drafts if d.occasion is not None for i in d.topic_sentences}
    for d in drafts:
        sentences = set(range(len(doc.sentences))) - elsewhere if d in (main, meeting) else d.topic_sentences
        d.event.topics = sorted({m.value for m in topic_mentions if m.sentence in sentences})
    for d in drafts:
        # The other guests of a multilateral meeting, or the other units of one exercise, share its subjects.
        same_kind = main is not None and (d.event.type, d.event.mode, d.event.status) == (
            main.event.type, main.event.mode, main.event.status)
        if main is not None and d is not main and d.occasion is None and same_kind:
            d.event.topics = list(main.event.topics)


def _participants(doc: Document, drafts: list[Draft]) -> None:
    """Named officials who attended: "وحضر اللقاء ...", "بحضور ...", and the others named in the event's sentence."""
    attend = {m.sentence for m in doc.mentions if m.kind == "cue" and m.value == "attend"}
    main = next(
        (d for d in drafts if d.event.status == "occurred" and d.occasion is None and d.event.type == "CONSULT"), None
    )
    for d in drafts:
        people = list(d.frame.others)
        if d is main:
            people += [c for c in doc.chunks if c.sentence in attend and c.kind == "person" and c.name]
        seen = {name_key(d.event.actor.name), name_key(d.event.recipient.name)}
        out = []
        for c in sorted(people, key=lambda c: c.start):
            k = name_key(c.name)
            if k and k not in seen:
                seen.add(k)
                out.append(Participant(c.name, c.title, c.country))
        d.event.participants = out

