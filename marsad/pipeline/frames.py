"""Build event frames: for each trigger, its type, status and party chunks.

Arabic news is mostly verb-first: "استقبل X Y" (X hosts Y), "وقع X مع Y",
"سلمت X المتهم الي Y". The subject is the first party after a verbal trigger
that no preposition governs; the other party is the one after "مع", "ب",
"الي", "ل", "من" or the next party with another country. Nominal triggers
("جلسه مباحثات", "توقيع") take their parties from "بين X و Y" or from the
clause around them. Status comes from future verbs (س+يفعل), expectation cues
("من المتوقع", "سيتم"), purpose ("لتوقيع"), agreements to do something later
("الاتفاق علي عقد ...") and future dates; negation removes the frame.
"""

from __future__ import annotations

from marsad.lexicons.loader import Lexicon
from marsad.model import Chunk, Document, Frame, Mention
from marsad.pipeline.dates import find_dates

ANAPHORIC_TYPES = {"CONSULT", "ASSAULT"}
STATEMENT_REACH = 160  # characters from "اتفق" to the "علي" that says what was agreed
DESTINATION_REACH = 30  # characters from a visit noun to "ل/الي + state", its destination
HABIT_REACH = 30  # characters around a trigger that "باستمرار" still makes a habit
PASSIVE_REACH = 40  # characters from a nominal arrest to its "من قبل" agent
GENITIVE_GAP = 3  # characters: the genitive party follows its noun directly
OBJECT_GAP = 45  # characters between subject (or verb) and object within one clause
# "بحث"/"ناقش" also mean "search"/"debate": as meetings they need people or states as parties.
DISCUSS_VERBS = {"بحث", "بحثت", "يبحث", "ناقش", "ناقشت"}
PEOPLE = {"person", "dyad", "counterpart", "state", "igo"}
# Nouns that make the body after them a place ("في مقر وزاره الداخليه", "بمبني الوزاره").
VENUE_NOUNS = ("مقر", "ديوان", "مبني", "قصر", "مكتب")
OBJECT_MARKERS = {"مع", "ب", "الي", "ل", "من", "علي", "لدي"}
PAIR_TYPES = {"CONSULT", "AGREE", "COOPERATE", "AID", "REQUEST"}
# How far back (in characters) an expectation or negation cue still governs a trigger.
CUE_REACH = 60
NEGATION_REACH = 20
# "عمليه الترحيل ستتم": an expectation verb right after a nominal trigger governs it.
EXPECTED_AFTER = 12
# A first line this short without a final stop is a headline.
HEADLINE_WORDS = 20
# How far (characters) after a trigger "بين X و Y" still names its parties.
BETWEEN_REACH = 45
# How far (characters) after a handover verb its object (equipment or a person) is named.
EQUIPMENT_REACH = 150
RECEIVE_REACH = 80  # how far before a call "تلقي" (received) still governs it
# How far (characters) from a signing verb the agreement text may stand ("وقع ... اتفاقيه").
DOCUMENT_REACH = 70
DOCUMENT_REACH_AFTER = 180


def run(doc: Document, lex: Lexicon) -> Document:
    assert doc.norm is not None
    by_sentence: dict[int, list[Chunk]] = {}
    for c in doc.chunks:
        by_sentence.setdefault(c.sentence, []).append(c)
    frames: list[Frame] = []
    headline = _headline(doc)
    for m in doc.mentions:
        if m.kind != "trigger":
            continue
        frame = _frame(doc, m, by_sentence.get(m.sentence, []), lex)
        if frame is not None:
            if m.sentence in headline:
                frame.rules["headline"] = "yes"
            _elided_subject(frame, frames)
            frames.append(frame)
            frames.extend(_more_guests(frame, by_sentence.get(m.sentence, [])))
    doc.frames = _drop_nested(frames)
    return doc


def _elided_subject(frame: Frame, previous: list[Frame]) -> None:
    """ "سلمت شرطه دبي ... للسلطات البلجيكيه, كما سلمت للسلطات الفرنسيه": the second verb
    keeps the first one's subject when it names none of its own."""
    if frame.trigger.extra.get("x2") != "verb" or not previous:
        return
    prev = previous[-1]
    if prev.type != frame.type or prev.sentence != frame.sentence or prev.actor is None:
        return
    if frame.actor is None or frame.actor.marker in OBJECT_MARKERS or frame.actor is prev.recipient:
        obj = frame.recipient if frame.recipient is not None and frame.recipient is not prev.actor else frame.actor
        frame.actor, frame.recipient = prev.actor, obj
        frame.rules["arguments"] = "subject carried over from the previous verb of the sentence"


def _headline(doc: Document) -> set[int]:
    """Sentences of a headline: a short first line with no final stop ("شاهدوا.. تفاصيل ...")."""
    assert doc.norm is not None
    text = doc.norm.text
    line_end = text.find("\n")
    if line_end < 0:
        return set()
    line = text[:line_end].strip()
    if not line or len(line.split()) > HEADLINE_WORDS or line[-1] in ".!?":
        return set()
    return {s.index for s in doc.sentences if s.end <= line_end + 1}


def _more_guests(f: Frame, chunks: list[Chunk]) -> list[Frame]:
    """One host receiving several states' envoys: one event per guest state."""
    if f.type != "CONSULT" or f.mode not in {"host", "multilateral"} or f.actor is None or f.recipient is None:
        return []
    seen = {f.actor.country, f.recipient.country}
    out = []
    for c in chunks:
        if (
            c.start <= f.recipient.start
            or c.kind not in {"person", "body", "state"}
            or c.country in seen
            or not c.country
        ):
            continue
        if c.country.startswith("IGO:"):
            continue
        seen.add(c.country)
        g = Frame(f.type, f.mode, f.status, f.trigger, f.sentence, f.actor, c, [], dict(f.rules))
        g.rules["arguments"] = "another guest of the same host"
        out.append(g)
    return out


def _drop_nested(frames: list[Frame]) -> list[Frame]:
    """A nominal trigger inside a verbal frame's clause adds nothing ("عقد ... اجتماعا")."""
    out: list[Frame] = []
    for f in frames:
        dup = next(
            (
                g
                for g in out
                if g.sentence == f.sentence and g.type == f.type and g.status == f.status and _same_parties(g, f)
            ),
            None,
        )
        if dup is None:
            out.append(f)
    return out


def _same_parties(a: Frame, b: Frame) -> bool:
    def key(f: Frame) -> set[int]:
        return {c.start for c in (f.actor, f.recipient) if c is not None}

    return key(a) == key(b) or (not key(b))


def _frame(doc: Document, trig: Mention, chunks: list[Chunk], lex: Lexicon) -> Frame | None:
    assert doc.norm is not None
    mode, role, pos = trig.extra.get("x0"), trig.extra.get("x1", "none"), trig.extra.get("x2", "noun")
    before = doc.norm.text[max(doc.sentences[trig.sentence].start, trig.start - RECEIVE_REACH) : trig.start]
    if role == "reverse" and pos == "verb" and (_prefix(trig).endswith("س") or before.endswith("ان ")):
        role = "agent"  # "ستسلم", "ان تسلم": the present of سلم (hand over), not تسلم (take delivery)
    if mode == "phone" and any(w in before.split() for w in ("تلقي", "تلقت", "وتلقي", "وتلقت")):
        role = "reverse"  # "تلقي ... اتصالا هاتفيا امس من X": X called
    sent = doc.sentences[trig.sentence]
    text = doc.norm.text
    prefix = _prefix(trig)
    if _negated(doc, trig, sent.start) or _context_only(doc, trig, pos):
        return None
    if _cue_near(doc, trig, "habitual", HABIT_REACH, HABIT_REACH):
        return None  # "تنفذ السلطات باستمرار عمليات ترحيل": a habit, not a happening
    if trig.value == "AGREE" and mode == "sign" and not _document_follows(doc, trig):
        return None  # "وقع الهجوم" (it happened), not "وقع اتفاقيه" (signed)
    if trig.value == "AGREE" and mode == "reach" and _agreed_on_a_view(doc, trig):
        return None  # "اتفقا علي ان ..." agrees on a view, not on an action
    if trig.value == "COERCE" and _cue_near(doc, trig, "warrant", 15, 0):
        return None  # "صدر امر بالقبض عليه" is a warrant, not an arrest
    frame_type = trig.value
    if trig.value == "COOPERATE" and mode == "handover":
        handed = _first_cue(doc, trig, ("equipment", "wanted"), EQUIPMENT_REACH)
        if handed == "equipment":
            frame_type, mode = "AID", None  # handing over boats or vehicles is assistance
        elif pos == "noun" and handed is None:
            return None  # "تسليم الرساله": a letter, not a person
    frame = Frame(type=frame_type, mode=mode, status="occurred", trigger=trig, sentence=trig.sentence)
    frame.rules["type"] = trig.rule
    status_rule = _expected(doc, trig, sent.start, prefix, pos, lex)
    if status_rule:
        frame.status, frame.rules["status"] = "expected", status_rule
    # A state after "في"/"ب" is where the event happens, not who takes part in it.
    parties = [
        c
        for c in chunks
        if c.kind != "nationality" and not _is_venue(text, c) and not (c.kind == "state" and c.marker in {"في", "ب"})
    ]
    if frame.type == "COOPERATE":
        parties = [c for c in parties if c.kind != "igo"]  # handed over between states, through INTERPOL
    nationals = [c for c in chunks if c.kind == "nationality"]
    actor, recipient, how = _arguments(trig, role, pos, parties, text)
    if role == "host" and pos == "noun":
        actor, recipient, how = _host_noun(doc, trig, parties, actor, recipient, how)
    explicit = any(c is not None and c.kind not in {"dyad"} for c in (actor, recipient))
    if pos == "noun" and _anaphoric(doc, trig) and not explicit and _cue_near(doc, trig, "continue", 20, 0):
        frame.rules["continuation"] = "the reported event goes on (ستستمر ...)"
    if pos == "noun" and _anaphoric(doc, trig) and not how.startswith("بين"):  # "المشاورات بين X و Y" names its own
        frame.rules["anaphoric"] = "a definite event noun points back to a reported event"
    if frame.type in {"COERCE", "ASSAULT"}:
        actor, recipient, how = _coerce_arguments(trig, parties, nationals, actor, recipient, how)
        agent = _passive_agent(text, trig, parties)
        if agent is not None and frame.type == "COERCE":
            actor, how = agent, how + "; the agent after من قبل"
    if actor is None and recipient is None and pos == "noun" and frame.type != "ASSAULT":
        # A nominal trigger with nobody around it is talk about events ("تعرف النشره بكونها
        # طلبا ... لاعتقاله"), unless it plans something between the report's two parties.
        planned = frame.status == "expected" and frame.type in PAIR_TYPES
        if not planned and not any(c.kind == "dyad" for c in parties):
            return None
    if frame.type == "REQUEST" and (actor is None or not actor.country):
        return None  # a request needs a requesting state the sentence names
    if mode == "visit" and pos == "verb" and (actor is None or actor.kind != "person"):
        return None  # "وصلت معلومات": only people arrive on a visit
    if trig.extra.get("form") in DISCUSS_VERBS and not any(c.kind in PEOPLE for c in (actor, recipient) if c):
        return None  # "مذكره بحث دوليه" is a search warrant; people or states discuss
    if role == "reverse":
        actor, recipient = recipient, actor
        how += "; reversed (the subject receives)"
    frame.actor, frame.recipient = actor, recipient
    if mode == "visit":
        dest = next((c for c in chunks if c.kind == "state" and c.marker in {"ل", "الي"}
                     and 0 <= c.start - trig.end <= DESTINATION_REACH), None)
        if dest is not None and dest.country:
            frame.rules["destination"] = dest.country  # "زيارته لجمهوريه مصر العربيه"
    frame.others = [c for c in parties if c is not actor and c is not recipient and c.kind == "person" and c.name]
    frame.rules["arguments"] = how
    return frame


def _host_noun(
    doc: Document, trig: Mention, parties: list[Chunk], actor: Chunk | None, recipient: Chunk | None, how: str
) -> tuple[Chunk | None, Chunk | None, str]:
    """ "خلال استقباله X": the pronoun is the host; "لدي استقبال X له": X hosts the one named before."""
    assert doc.norm is not None
    before = [c for c in parties if c.end <= trig.start]
    after = [c for c in parties if c.start >= trig.end]
    # The host nouns end in ل, so a final ه is a pronoun: the possessor hosts.
    if trig.surface.endswith(("ه", "ها", "هم")) and before and after:
        return before[-1], after[0], "host noun with possessive: the possessor hosts"
    tail = doc.norm.text[after[0].end : after[0].end + 6] if after else ""
    if after and before and tail.strip().startswith(("له", "لها", "لهم")):
        return after[0], before[-1], "host noun: X receives the one named before (له)"
    if after and before:
        # "استهل المدير ... لقاءاته باستقبال سفير X": the subject of the sentence receives.
        return before[-1], after[0], "host noun: the sentence's subject receives the one named after"
    return actor, recipient, how


def _anaphoric(doc: Document, trig: Mention) -> bool:
    """A definite or demonstrative event noun ("اللقاء", "هذا الاستقبال") points back to a reported event."""
    assert doc.norm is not None
    prefix = _prefix(trig)
    core = trig.surface[len(prefix) :]
    before = doc.norm.text[max(0, trig.start - 8) : trig.start]
    if before.endswith(("هذا ", "هذه ", "عمليه ", "عمليتي ")):
        return True  # "هذه الزياره", "عمليه التوقيف": the one just reported, whatever its type
    definite = prefix.endswith("ال") or (core.startswith("ال") and trig.extra.get("form", "").startswith("ال"))
    # Only nouns naming a happening point back; "القبض علي" or "التوصل الي اتفاق" carry ال themselves.
    return definite and (trig.value in ANAPHORIC_TYPES or trig.extra.get("x0") == "joint_exercise")


def _context_only(doc: Document, trig: Mention, pos: str) -> bool:
    """ "منذ توقيع ..." names a past event as background: not an event of its own."""
    lo = max(0, trig.start - 8)
    return pos == "noun" and any(m.kind == "cue" and m.value == "context" for m in _near(doc, lo, trig.start))


def _passive_agent(text: str, trig: Mention, parties: list[Chunk]) -> Chunk | None:
    """ "بعد القاء القبض عليهما من قبل شرطه دبي": the party after من قبل / من طرف did it."""
    window = text[trig.end : trig.end + PASSIVE_REACH]
    for marker in ("من قبل ", "من طرف "):
        i = window.find(marker)
        if i >= 0:
            at = trig.end + i + len(marker)
            return next((c for c in parties if at <= c.start <= at + 2), None)
    return None


def _agreed_on_a_view(doc: Document, trig: Mention) -> bool:
    """"اتفق X مع Y علي ان ..." / "علي اهميه ...": what follows the first علي is a view, not a deed."""
    assert doc.norm is not None
    end = doc.sentences[trig.sentence].end
    rest = doc.norm.text[trig.start : end]
    i = rest.find(" علي ")
    return i >= 0 and rest[i + 5 :].startswith(("ان ", "اهميه ")) and i <= STATEMENT_REACH


def _first_cue(doc: Document, trig: Mention, cues: tuple[str, ...], reach: int) -> str | None:
    """Which of these cues comes first after the trigger (what was handed over)."""
    end = doc.sentences[trig.sentence].end
    hits = [m for m in _near(doc, trig.end, min(end, trig.end + reach)) if m.kind == "cue" and m.value in cues]
    return min(hits, key=lambda m: m.start).value if hits else None


def _cue_near(doc: Document, trig: Mention, cue: str, before: int, after: int) -> bool:
    """A cue of this name starts within `before` characters before or `after` after the trigger."""
    return any(m.kind == "cue" and m.value == cue for m in _near(doc, max(0, trig.start - before), trig.end + after))


def _document_follows(doc: Document, trig: Mention) -> bool:
    """Signing needs an agreement text within a few words ("وقع الجانبان مذكره تفاهم"); after the
    verb it may stand past both signatories' names ("وقع كل من X, و Y, اتفاقيه")."""
    hi = min(doc.sentences[trig.sentence].end, trig.end + DOCUMENT_REACH_AFTER)
    return any(m.kind == "cue" and m.value == "document" for m in _near(doc, trig.end, hi)) or any(
        m.kind == "cue" and m.value == "document" for m in _near(doc, max(0, trig.start - DOCUMENT_REACH), trig.start)
    )


def _prefix(trig: Mention) -> str:
    form = trig.extra.get("form", "")
    core = form[2:] if form.startswith("ال") else form
    idx = trig.surface.find(core[:3]) if core else 0
    return trig.surface[: max(idx, 0)]


def _negated(doc: Document, trig: Mention, sent_start: int) -> bool:
    lo = max(sent_start, trig.start - NEGATION_REACH)
    return any(
        m.kind == "cue" and m.value == "negation" and lo <= m.start < trig.start for m in _near(doc, lo, trig.start)
    )


def _near(doc: Document, lo: int, hi: int) -> list[Mention]:
    return [m for m in doc.mentions if lo <= m.start < hi]


def _expected(doc: Document, trig: Mention, sent_start: int, prefix: str, pos: str, lex: Lexicon) -> str | None:
    """Why the trigger is planned rather than done, or None."""
    assert doc.norm is not None
    core = trig.surface[len(prefix) :]
    if pos == "verb" and prefix.endswith("س") and core[:1] in "يتن":
        return f"future verb {trig.surface}"
    if pos == "noun" and prefix.removesuffix("ال") in {"ل", "لل"} and trig.value == "AGREE":
        return f"purpose: {trig.surface}"
    lo = max(sent_start, trig.start - CUE_REACH)
    for m in _near(doc, lo, trig.end + EXPECTED_AFTER):
        after_ok = pos == "noun" and not _anaphoric(doc, trig)  # "عمليه الترحيل ستتم", not "هذه الزياره"
        if m.kind == "cue" and m.value == "expected" and (m.start < trig.start or after_ok):
            return f"cues.tsv:{m.extra.get('form')}"
        if m.kind == "trigger" and m.value == "AGREE" and m.extra.get("x0") == "reach" and trig.value != "AGREE":
            between = doc.norm.text[m.end : trig.start]
            if " علي " in f" {between} " and len(between) < 40:
                return f"agreed to hold: {m.surface} ... {trig.surface}"
    window = doc.norm.text[trig.end : min(doc.sentences[trig.sentence].end, trig.end + 80)]
    for ref in find_dates(window, doc.published, lex):
        if ref.tense == "future":
            return f"future date: {window[ref.start : ref.end]}"
    return None


def _is_venue(text: str, c: Chunk) -> bool:
    """A ministry named as the place of a meeting ("في مقر وزاره الداخليه") is no party."""
    before = text[max(0, c.start - 12) : c.start]
    return c.kind == "body" and (c.marker == "في" or any(w in before for w in VENUE_NOUNS))


def _arguments(
    trig: Mention, role: str, pos: str, parties: list[Chunk], text: str
) -> tuple[Chunk | None, Chunk | None, str]:
    before = [c for c in parties if c.end <= trig.start]
    after = [c for c in parties if c.start >= trig.end]
    if role == "genitive" and after and after[0].start - trig.end <= GENITIVE_GAP:
        # "وافقت الحكومه الموريتانيه علي طلب السلطات الليبيه": the requester follows the noun.
        other = before[-1] if before else next((c for c in after[1:]), None)
        return after[0], other, "the party after the noun acts (genitive)"
    # "مباحثات بين X و Y" names the parties only when بين follows the trigger closely;
    # further on it is background ("التعاون الامني بين البلدين").
    between = [c for c in after if c.marker == "بين" and c.start - trig.end <= BETWEEN_REACH]
    if between:
        idx = parties.index(between[0])
        rest = parties[idx + 1 : idx + 2]
        return between[0], rest[0] if rest else None, "بين X و Y"
    if pos == "verb" or role in {"host", "agent", "reverse"}:
        free_after = [c for c in after if c.marker not in OBJECT_MARKERS and c.marker != "بين"]
        subj: Chunk | None = None
        how = ""
        if free_after and (not before or _close(text, trig.end, free_after[0].start)):
            subj, how = free_after[0], "subject after the verb (VSO)"
        elif [c for c in before if c.marker not in OBJECT_MARKERS]:
            subj = [c for c in before if c.marker not in OBJECT_MARKERS][-1]
            how = "subject before the trigger (SVO)"
        elif free_after:
            subj, how = free_after[0], "first party after the trigger"
        obj = _object(after, subj, trig.end)
        if obj is None and subj is not None and subj in after:
            rest = [c for c in after if c.start > subj.start]
            obj = rest[0] if rest else None
        if subj is not None and obj is None and before and before[-1] is not subj:
            obj = before[-1]
        return subj, obj, how + ("; object after a preposition" if obj is not None else "")
    # Nominal trigger: first free party of the clause, then the one "مع" governs ("عقد X مع Y
    # جلسه مباحثات"), else the next one after it.
    first = next((c for c in parties if c.marker not in OBJECT_MARKERS), None)
    with_ = next((c for c in parties if c.marker == "مع" and c is not first), None)
    obj = with_ or _object(after, first, trig.end) or next((c for c in parties if c is not first), None)
    return first, obj, "nominal trigger: first party of the clause and its partner"


def _close(text: str, a: int, b: int) -> bool:
    """The gap between a verb and its subject holds no clause break."""
    gap = text[a:b]
    return len(gap) < 60 and "," not in gap.strip(" ,")[:1]


def _object(after: list[Chunk], subj: Chunk | None, trig_end: int) -> Chunk | None:
    """The first party after the subject, direct ("استقبل X Y") or governed ("مع Y", "الي Y"),
    close enough to belong to the same clause; a party "في ..." is a place, not the other side."""
    edge = subj.end if subj is not None and subj in after else trig_end
    for c in after:
        if c is subj or c.marker == "في" or c.start < edge:
            continue
        return c if c.start - edge <= OBJECT_GAP else None
    return None


def _coerce_arguments(
    trig: Mention, parties: list[Chunk], nationals: list[Chunk], actor: Chunk | None, recipient: Chunk | None, how: str
) -> tuple[Chunk | None, Chunk | None, str]:
    """Arrests: the arresting state acts on the state of the arrested; attacks have a target.

    The arrester is the verb's subject, never a party named after the arrested
    ("... مواطنا فرنسيا مطلوبا للسلطات الفرنسيه"), and never an IGO: INTERPOL
    circulates notices, states arrest.
    """
    if trig.value == "ASSAULT":
        target = recipient or actor
        if target is not None and target.kind == "person" and not target.country:
            target = None
        return None, target, "attack: the target is the recipient"
    near = [n for n in nationals if n.start > trig.start]
    nat = near[0] if near else None
    if nat is None and recipient is not None and recipient.kind == "person" and recipient.country:
        nat = recipient  # a named person whose country the report gives elsewhere
    if actor is not None and (actor.kind == "igo" or (nat is not None and actor.start > nat.start)):
        actor = None
    if actor is None:
        actor = next((c for c in parties if c.kind in {"body", "state", "person"} and c.end <= trig.start), None)
    if nat is not None and (actor is None or nat.country != actor.country):
        return actor, nat, "arrest: actor the arresting body, recipient the nationality"
    return actor, None, "arrest: actor the arresting body"
