"""Chunk each sentence into party phrases: people, bodies, states, IGOs.

Arabic news writes a party as an office and a name in either order, with
honorifics between ("صاحب السمو الملكي الامير X, وزير الداخليه" or "وزير
الداخليه في جمهوريه باكستان الاسلاميه, محسن نقوي"). A title is its head
("وزير", "المدير العام") followed by its genitive chain ("الداخليه",
"للامن الوطني"), conjoined offices ("ووزير الداخليه") and a country
specifier (a nisba, "في/ب + state", "لدي X" for an ambassador's posting).
A name is the run of words that are in no lexicon and are no stop word.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from marsad.lexicons.loader import Lexicon
from marsad.model import Chunk, Document, Mention
from marsad.normalize import fold_name

_TOKEN = re.compile(r"\w+|[^\w\s]")
NAME_LINKS = {"بن", "بنت", "ابن", "ال", "ولد", "ابو", "عبد", "ابي", "اب", "ام", "بو", "دي", "فان", "فون"}
# Preposition words whose object is the following party; clitic markers are read off the word.
MARKERS = {"مع", "بين", "الي", "من", "علي", "عن", "لدي", "في", "و", "ب", "ل"}  # "بـ X" leaves ب alone
GEO_KINDS = {"country", "capital", "city", "igo", "nisba"}
NAME_BREAKERS = {"title", "honorific", "trigger", "cue", "country", "capital", "city", "igo", "month", "topic", "nisba"}
DIPLOMATIC_HEADS = ("سفير", "السفير", "قنصل", "القنصل", "ملحق", "الملحق", "القائم", "قائم", "مبعوث", "المبعوث")
# Dual and plural heads: one phrase names several officials ("وزيرا داخليه مصر والسودان").
DUAL_HEADS = {"وزيرا", "وزيري", "سفيرا", "سفيري", "رييسا", "رييسي", "سفراء", "وزراء"}
# Given names that begin with و, which must not be read as "and" + name.
WAW_NAMES = {"وليد", "وائل", "وحيد", "وسام", "وجدي", "وديع", "وفاء", "وداد", "وهبي", "وهيب", "وصفي", "وضاح"}
# Courtesy adjectives between an office and its holder's name ("وزير الداخليه ... الشقيقه الامير ...").
QUOTES = {'"', "'", "(", "«"}  # a name may stand in quotes or brackets after its office
COURTESY = {"الشقيقه", "الشقيق", "الشقيقتين", "الصديقه", "الصديق", "الصديقتين"}
MAX_TITLE_TOKENS = 14
MIN_SURNAME = 4  # shorter family names collide with common words  # the longest real office chains run about ten words
MAX_NAME_TOKENS = 12  # "عبد العزيز بن سعود بن نايف بن عبد العزيز ال سعود" is eleven


@dataclass(slots=True)
class Tok:
    start: int
    end: int
    text: str

    @property
    def punct(self) -> bool:
        return not (self.text[:1].isalnum() or self.text[:1] == "_")


@dataclass(slots=True)
class Span:
    start: int  # token index
    end: int  # token index, exclusive


@lru_cache(maxsize=4)
def _sets(lex: Lexicon) -> tuple[frozenset[str], frozenset[str], dict[str, str]]:
    return (
        frozenset(lex.forms_of("stop")),
        frozenset(lex.forms_of("title_word")),
        lex.values_of("sector"),
    )


class SentenceChunker:
    """Walks one sentence's tokens and emits its party chunks."""

    def __init__(self, doc: Document, lex: Lexicon, toks: list[Tok], at: dict[int, list[Mention]], sent: int,
                 named: frozenset[str] = frozenset()):
        self.doc, self.lex, self.toks, self.at, self.sent = doc, lex, toks, at, sent
        self.named = named  # states the report names unambiguously (by name or nisba)
        self.stops, self.title_words, self.sector_cues = _sets(lex)
        self.named_dyad_until = -1  # tokens before this are the nisbas naming a dyad
        self.title_tokens = [i for i, t in enumerate(toks) if any(m.kind == "title" for m in at.get(t.start, ()))]

    # -- token helpers -----------------------------------------------------
    def mention(self, k: int, kinds: set[str]) -> Mention | None:
        if k >= len(self.toks):
            return None
        for m in self.at.get(self.toks[k].start, ()):
            if m.kind in kinds:
                return m
        return None

    def after(self, m: Mention) -> int:
        """Index of the first token after mention `m`."""
        k = next(i for i, t in enumerate(self.toks) if t.start == m.start)
        while k < len(self.toks) and self.toks[k].start < m.end:
            k += 1
        return k

    def is_comma(self, k: int) -> bool:
        return k < len(self.toks) and self.toks[k].text in {",", "-"}

    def original(self, a: int, b: int) -> str:
        """Original text of tokens [a, b) (what an analyst reads), without a leading clitic."""
        assert self.doc.norm is not None
        s, e = self.doc.norm.span(self.toks[a].start + self.clitic_len(a), self.toks[b - 1].end)
        return self.doc.text[s:e].strip(" ,،.:\"'«»“”()-")

    def clitic_len(self, k: int) -> int:
        """Length of the conjunction/preposition glued to token k ("و", "ب", "لل"...)."""
        word = self.toks[k].text
        for m in self.at.get(self.toks[k].start, ()):
            form = m.extra.get("form", "")
            core = form[2:] if form.startswith("ال") else form
            idx = word.find(core[:3]) if core else -1
            if idx > 0:
                prefix = word[:idx]
                keep = 2 if prefix.endswith("ال") else (1 if prefix.endswith("لل") else 0)
                return len(prefix) - keep
            return 0
        if word.startswith("و") and len(word) > 4 and word not in WAW_NAMES:
            return 1
        return 0

    # -- chunk readers -----------------------------------------------------
    def run(self) -> list[Chunk]:
        out: list[Chunk] = []
        k = 0
        while k < len(self.toks):
            chunk, nxt = self.read_party(k)
            if chunk is not None:
                chunk.marker = self.marker(k)
                out.append(chunk)
                more = chunk.rules.pop("more_countries", "")
                for iso in more.split():  # "وزيرا داخليه مصر والسودان", "سفراء المغرب وتونس"
                    out.append(
                        Chunk(
                            chunk.kind,
                            chunk.start,
                            chunk.end,
                            chunk.sentence,
                            iso,
                            chunk.sector,
                            None,
                            chunk.title,
                            "و",
                            {"country": "another state of a plural office"},
                        )
                    )
                k = max(nxt, k + 1)
            else:
                k += 1
        return out

    def marker(self, k: int) -> str:
        """The preposition governing the party at token k (a word or a clitic)."""
        prev = self.toks[k - 1].text if k > 0 else ""
        if prev == "من" and k > 1 and self.toks[k - 2].text == "كل":
            return ""  # "وقع كل من X و Y": both are subjects
        if prev in MARKERS:
            return prev
        pre = self.toks[k].text[: self.clitic_len(k)].removeprefix("و").removeprefix("ف")
        return pre[:1] if pre[:1] in {"ب", "ل"} else ""

    def read_party(self, k: int) -> tuple[Chunk | None, int]:
        hon = self.mention(k, {"honorific"})
        title = self.mention(k, {"title"})
        if hon or (title and title.extra.get("x0") == "person"):
            return self.read_person(k)
        if title:
            return self.read_body(k)
        cue = self.mention(k, {"cue"})
        if cue and cue.value == "dyad":
            return self.read_dyad(k, cue)
        if cue and cue.value == "counterpart":
            return self.read_counterpart(k, cue)
        geo = self.mention(k, GEO_KINDS)
        if geo and geo.kind == "igo":
            return self.igo_chunk(k, geo)
        if geo and geo.kind == "country" and self.capital_reading(k, geo):
            return None, self.after(geo)  # "العاصمه الاردنيه عمان" is Amman, a place
        if geo and geo.kind == "country" and k > 0 and self.toks[k - 1].text.isdigit():
            chunk = self.state_chunk(k, geo)  # "اوقفت 26 سوريا": a count of nationals, not the state
            chunk.kind = "nationality"
            return chunk, self.after(geo)
        if geo and geo.kind == "country":
            return self.state_chunk(k, geo), self.after(geo)
        after_capital_word = "العاصمه" in " ".join(t.text for t in self.toks[max(0, k - 3) : k])
        if geo and geo.kind == "capital" and self.marker(k) in {"", "و", "بين"} and not self.prep_before(k) \
                and not after_capital_word:
            chunk = self.state_chunk(k, geo)
            chunk.rules["country"] = f"capital as metonym: {geo.rule}"
            return chunk, self.after(geo)
        if geo and geo.kind == "nisba":
            chunk = self.state_chunk(k, geo)
            chunk.kind = "state" if k < self.named_dyad_until else "nationality"
            return chunk, self.after(geo)
        if not geo and not self.mention(k, NAME_BREAKERS):
            return self.read_named_person(k)
        return None, k + 1

    def read_named_person(self, k: int) -> tuple[Chunk | None, int]:
        """A bare name is a party only when its office follows: "احمد الكروي, القائم بالاعمال"."""
        i = bisect.bisect_left(self.title_tokens, k + 1)
        if i == len(self.title_tokens) or self.title_tokens[i] > k + MAX_NAME_TOKENS + 1:
            return None, k + 1  # no office close enough to follow a name from here
        name = self.read_name(k)
        if name is None or name.end - name.start < 2:
            return None, k + 1
        j = name.end + 1 if self.is_comma(name.end) else name.end
        title = self.mention(j, {"title"})
        if not title or title.extra.get("x0") != "person":
            return None, k + 1
        span = self.read_title(j)
        return self.person_chunk(k, span.end, span, name), span.end

    def igo_chunk(self, k: int, geo: Mention) -> tuple[Chunk, int]:
        """An IGO; with a nationality or capital after it, that state's bureau ("الانتربول المصري",
        "انتربول مصر", "انتربول عمان": bureaus are named after capitals, so عمان is Amman here)."""
        chunk = self.state_chunk(k, geo)
        nxt = self.after(geo)
        nat = self.mention(nxt, {"nisba", "country", "capital"})
        if nat is not None:
            end = self.after(nat)
            capitals = [x.split(":")[1] for x in nat.extra.get("also", "").split() if x.startswith("capital:")]
            country = capitals[0] if nat.kind == "country" and capitals else nat.value
            chunk.kind, chunk.country, chunk.sector = "body", country, "POL"
            chunk.title, chunk.end = self.original(k, end), self.toks[end - 1].end
            chunk.rules["country"] = f"national bureau: {nat.rule}"
            return chunk, end
        return chunk, nxt

    def capital_reading(self, k: int, geo: Mention) -> bool:
        """A state's name that is also a capital ("عمان") reads as the city after "العاصمه", or
        when the report speaks of the capital's state and never otherwise of the other one."""
        alts = [x.split(":")[1] for x in geo.extra.get("also", "").split() if x.startswith(("capital:", "city:"))]
        window = " ".join(t.text for t in self.toks[max(0, k - 3) : k])
        if not alts:
            return False
        return "العاصمه" in window or (any(a in self.named for a in alts) and geo.value not in self.named)

    def prep_before(self, k: int) -> bool:
        return k > 0 and self.toks[k - 1].text in {"في", "الي", "من", "الى"}

    def state_chunk(self, k: int, geo: Mention) -> Chunk:
        is_igo = geo.kind == "igo"
        end = self.after(geo)
        return Chunk(
            kind="igo" if is_igo else "state",
            start=self.toks[k].start,
            end=self.toks[end - 1].end,
            sentence=self.sent,
            country=geo.value,
            sector="IGO" if is_igo else "GOV",
            title=self.original(k, end) if is_igo else None,
            rules={"country": geo.rule},
        )

    def skip_honorifics(self, k: int) -> int:
        """Past honorifics and courtesy words ("الشقيقه", "الصديق") to where the name starts."""
        while True:
            if k < len(self.toks) and (self.toks[k].text in COURTESY or self.toks[k].text in QUOTES):
                k += 1
                continue
            hon = self.mention(k, {"honorific"})
            if not hon:
                return k
            k = self.after(hon)

    def read_person(self, k: int) -> tuple[Chunk, int]:
        start = k
        k = self.skip_honorifics(k)
        title_span: Span | None = None
        name_span: Span | None = None
        if self.mention(k, {"title"}):
            title_span = self.read_title(k)
            k = title_span.end
            j = k + 1 if self.is_comma(k) else k
            h = self.skip_honorifics(j)
            # "رحب وزير الداخليه القطري بسمو الامير X": a governed honorific starts the next party.
            governed = h > j and self.marker(j) in {"ب", "ل"}
            name_span = None if governed else self.read_name(h, titled=h > j)
            if name_span:
                k = name_span.end
                # "الرئيس عبد الفتاح السيسي رئيس جمهوريه مصر العربيه": a fuller office in apposition,
                # unless a name follows it ("..., سفير السعوديه, الامير سلطان": the next person).
                apposed = self.apposed_title(k, strict=True)
                if apposed is not None:
                    title_span, k = apposed, apposed.end
        else:
            name_span = self.read_name(k)
            if name_span:
                k = name_span.end
                apposed = self.apposed_title(k, strict=False)
                if apposed is not None:
                    title_span, k = apposed, apposed.end
        if k == start:
            k = start + 1
        return self.person_chunk(start, k, title_span, name_span), k

    def apposed_title(self, k: int, strict: bool) -> Span | None:
        """An office right after a name (", وزير الداخليه,") that is not the next person's:
        a title followed directly by a name introduces the next person, and so does one
        followed by a comma and a name when the person already has an office (`strict`)."""
        j = k + 1 if self.is_comma(k) else k
        title = self.mention(j, {"title"})
        if title is None or title.extra.get("x0") != "person":
            return None
        cand = self.read_title(j)
        nxt = self.skip_honorifics(cand.end)
        after_comma = self.skip_honorifics(cand.end + 1) if self.is_comma(cand.end) else None
        if self.read_name(nxt, titled=nxt > cand.end) and not self.is_comma(cand.end):
            return None
        if strict and after_comma is not None and self.read_name(after_comma, titled=after_comma > cand.end + 1):
            return None
        return cand

    def read_body(self, k: int) -> tuple[Chunk, int]:
        span = self.read_title(k)
        chunk = self.person_chunk(k, span.end, span, None)
        chunk.kind = "body"
        return chunk, span.end

    def read_dyad(self, k: int, cue: Mention) -> tuple[Chunk | None, int]:
        """ "البلدين" stands for the document's two parties; "الجانبين الكويتي والسعودي" names them."""
        k2 = self.after(cue)
        j, named = k2, 0
        while (m := self.mention(j, {"nisba"})) is not None:
            named += 1
            j = self.after(m)
        if named >= 2:
            self.named_dyad_until = j
            return None, k2
        return Chunk("dyad", cue.start, cue.end, self.sent, rules={"dyad": cue.rule}), k2

    def read_counterpart(self, k: int, cue: Mention) -> tuple[Chunk, int]:
        j = self.after(cue)
        chunk = Chunk("counterpart", cue.start, cue.end, self.sent, rules={"counterpart": cue.rule})
        nis = self.mention(j, {"nisba", "country"})
        if nis:
            chunk.country, chunk.end = nis.value, nis.end
            chunk.rules["country"] = nis.rule
            j = self.after(nis)
        j2 = self.skip_honorifics(j)
        name = self.read_name(j2)
        if name:
            chunk.name = self.original(name.start, name.end)
            chunk.end = self.toks[name.end - 1].end
            j = name.end
        return chunk, j

    def read_title(self, k: int) -> Span:
        """The office: head mention, genitive chain, conjoined offices, country specifier."""
        head = self.mention(k, {"title"})
        assert head is not None
        diplomatic = head.extra.get("form", "").startswith(DIPLOMATIC_HEADS)
        j = self.after(head)
        posting = False
        after_head = True
        specified = False
        head_country: str | None = None
        while j < len(self.toks) and j - k < MAX_TITLE_TOKENS:
            tok = self.toks[j]
            if tok.punct or self.mention(j, {"honorific", "trigger", "month", "cue"}):
                break
            if tok.text in {"لدي", "لدى"}:
                posting = True
                j += 1
                continue
            if tok.text == "في":
                nxt = self.mention(j + 1, {"country", "igo", "title"} | ({"capital", "city"} if diplomatic else set()))
                if not nxt:
                    break
                j += 1
                continue
            geo = self.mention(j, GEO_KINDS)
            if geo:
                if geo.kind in {"capital", "city"} and not (posting or diplomatic) and self.marker(j) in {"ب", "في"}:
                    break
                j = self.after(geo)
                specified = True
                head_country = head_country or geo.value
                continue
            title = self.mention(j, {"title"})
            if title:
                conj = tok.text.startswith("و") and not title.extra.get("form", "").startswith("و")
                # "ووزير الداخليه", "وكيل وزاره" or "القياده العامه لشرطه دبي" continue the office;
                # "بالوزير ..." or a second office after a completed one ("... البحريني سفير مصر")
                # is another party.
                governed = self.marker(j) in {"ب", "ل"} and title.extra.get("x0") == "person"
                # "مقر الوزاره سفير X": after a body, an office held by a person is the next party.
                person_after_body = head.extra.get("x0") == "body" and title.extra.get("x0") == "person" and not conj
                if governed or person_after_body or (specified and not conj and self.own_state(j, head_country)):
                    break
                j = self.after(title)
                after_head = True
                continue
            w = tok.text
            if w in self.stops or w in NAME_LINKS:
                break
            bare = w[1:] if w.startswith("وال") else w
            nxt_def = j + 1 < len(self.toks) and self.toks[j + 1].text.startswith(("ال", "لل"))
            stem = w.removeprefix("و").removeprefix("ل")
            if stem != w and len(stem) >= 4 and stem.endswith("ه") and nxt_def:
                j += 1  # a conjoined office in construct: "ومكافحه المخدرات", "ولمراقبه التراب"
                continue
            # Construct state: a bare noun right after a head, itself followed by an
            # article word, continues the office ("ومدير مراقبه التراب الوطني").
            construct = after_head and j + 1 < len(self.toks) and self.toks[j + 1].text.startswith(("ال", "لل"))
            after_head = False
            if bare.startswith(("ال", "لل")) or bare in self.title_words or construct:
                j += 1
                continue
            break
        return Span(k, j)

    def own_state(self, j: int, country: str | None) -> bool:
        """Does the office starting at token j name a state of its own (another party)?
        "رييس الوزراء القطري وزير الداخليه" is one man; "... البحريني سفير مصر" is two."""
        end = min(len(self.toks), j + MAX_TITLE_TOKENS)
        for i in range(j + 1, end):
            if self.toks[i].punct or self.mention(i, {"honorific"}):
                return False
            geo = self.mention(i, GEO_KINDS)
            if geo is not None:
                return geo.value != country
        return False

    def name_ends_after(self, j: int) -> bool:
        """The token after j closes a name: punctuation, an office, or the end of the sentence."""
        nxt = j + 1
        return nxt >= len(self.toks) or self.toks[nxt].punct or self.mention(nxt, {"title"}) is not None

    def read_name(self, k: int, titled: bool = False) -> Span | None:
        """The name from token k; after an honorific it may start with ال ("الفريق السعيد ...")."""
        j = k
        while j < len(self.toks) and j - k < MAX_NAME_TOKENS:
            tok = self.toks[j]
            w = tok.text
            # After "بن"/"ابو" a word is a name even when it is also a particle ("بن علي").
            after_link = j > k and self.toks[j - 1].text in NAME_LINKS
            stop = w in self.stops or (w[:1] in "بلو" and w[1:] in self.stops)
            if tok.punct or w.isdigit() or (stop and not after_link):
                break
            if self.mention(j, NAME_BREAKERS) and not (j > k and self.toks[j - 1].text in {"عبد", "ابو"}):
                # "عبد الامير" is a name even though "الامير" is also an honorific; a nisba closes
                # a name of two words or more as its family name ("انس خالد المصري,").
                if j - k >= 2 and self.mention(j, {"nisba"}) and self.name_ends_after(j):
                    j += 1
                break
            article = w.startswith(("لل", "وال", "بال", "فال")) or (w.startswith("ال") and not titled)
            if j == k and (article or w in NAME_LINKS - {"عبد", "ابو"}):
                break
            if j > k and len(w) > 3 and w.startswith("و") and w[1:].startswith("ال"):
                break
            if w in self.title_words and j == k:
                break
            j += 1
        while j > k and self.toks[j - 1].text in NAME_LINKS:
            j -= 1
        if j == k or (j - k == 1 and len(self.toks[k].text) < 3):
            return None
        return Span(k, j)

    # -- building the chunk ----------------------------------------------
    def person_chunk(self, start: int, end: int, title: Span | None, name: Span | None) -> Chunk:
        chunk = Chunk("person", self.toks[start].start, self.toks[end - 1].end, self.sent)
        if name:
            chunk.name = self.original(name.start, name.end)
        if title:
            chunk.title = self.original(title.start, title.end)
            self.resolve_title(chunk, title)
        return chunk

    def resolve_title(self, chunk: Chunk, span: Span) -> None:
        head = self.mention(span.start, {"title"})
        assert head is not None
        chunk.sector, chunk.rules["sector"] = head.value, head.rule
        title_norm = " ".join(t.text for t in self.toks[span.start : span.end])
        if head.value != "GOV" or head.extra.get("form", "") not in _GOV_FIXED:
            # The first cue in the office decides ("المدير العام للامن الوطني ومدير مراقبه..." is police).
            hits = [
                (f" {title_norm} ".find(f" {form} "), -len(form), form, sector)
                for form, sector in self.sector_cues.items()
                if f" {form} " in f" {title_norm} "
            ]
            if hits:
                _, _, form, sector = min(hits)
                chunk.sector, chunk.rules["sector"] = sector, f"sector_cues.tsv:{form}"
        posting = False
        head_dual = head.extra.get("form", "") in DUAL_HEADS
        j = span.start
        while j < span.end:
            if self.toks[j].text in {"لدي", "لدى"}:
                posting = True
            geo = self.mention(j, GEO_KINDS)
            more = chunk.rules.get("more_countries", "")
            if geo and head_dual and not posting and chunk.country not in {None, geo.value} and geo.value not in more:
                chunk.rules["more_countries"] = f"{more} {geo.value}".strip()
            if geo and posting and "posting" not in chunk.rules:
                chunk.rules["posting"] = geo.value  # "سفير X لدي Y": Y hosts the envoy
            if geo and not posting and chunk.country is None:
                chunk.country, chunk.rules["country"] = geo.value, f"title specifier: {geo.rule}"
            j = self.after(geo) if geo else j + 1


# Heads whose holder is government whatever the office's words say (a
# minister of defence or of state security is still GOV).
_GOV_FIXED = {
    "وزير",
    "وزيره",
    "الوزير",
    "وزيرا",
    "رئيس الوزراء",
    "رئيس مجلس الوزراء",
    "نائب رئيس الوزراء",
    "نائب رئيس مجلس الوزراء",
    "النائب الاول لرئيس مجلس الوزراء",
    "الملك",
    "ملك",
    "ولي العهد",
    "الرئيس",
    "رئيس الجمهوريه",
    "السلطان",
    "امير",
    "رئيس الحكومه",
    "وزاره",
    "الوزاره",
    "الحكومه",
    "حكومه",
}


def tokenize(text: str) -> list[Tok]:
    return [Tok(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def run(doc: Document, lex: Lexicon) -> Document:
    assert doc.norm is not None
    toks = tokenize(doc.norm.text)
    at: dict[int, list[Mention]] = {}
    for m in doc.mentions:
        at.setdefault(m.start, []).append(m)
    named = frozenset(m.value for m in doc.mentions if m.kind in {"country", "nisba"} and not m.extra.get("also"))
    chunks: list[Chunk] = []
    spans: list[tuple[int, list[Tok]]] = []
    ti = 0
    for s in doc.sentences:
        while ti < len(toks) and toks[ti].start < s.start:
            ti += 1
        tj = ti
        while tj < len(toks) and toks[tj].start < s.end:
            tj += 1
        spans.append((s.index, toks[ti:tj]))
        chunks.extend(SentenceChunker(doc, lex, toks[ti:tj], at, s.index, named).run())
        ti = tj
    chunks = _surnames(chunks, spans, at)
    _propagate_names(chunks)
    doc.chunks = chunks
    return doc


def _surnames(chunks: list[Chunk], spans: list[tuple[int, list[Tok]]], at: dict[int, list[Mention]]) -> list[Chunk]:
    """Once "عبد اللطيف حموشي, المدير العام ..." is introduced, a bare "حموشي" is that person."""
    known: dict[str, Chunk] = {}
    for c in chunks:
        words = (c.name or "").split()
        if c.kind == "person" and len(words) >= 2 and c.title:
            from marsad.normalize import normalize_form

            last = normalize_form(words[-1])
            if len(last) >= MIN_SURNAME and last not in NAME_LINKS:
                known.setdefault(last, c)
    if not known:
        return chunks
    covered = [(c.start, c.end) for c in chunks]
    extra = []
    for sent, toks in spans:
        for t in toks:
            word = t.text
            stem = next(
                (word[len(p) :] for p in ("وب", "ب", "و", "ل") if word.startswith(p) and word[len(p) :] in known), word
            )
            if stem not in known or at.get(t.start) or any(a <= t.start < b for a, b in covered):
                continue
            ref = known[stem]
            extra.append(
                Chunk(
                    "person",
                    t.start,
                    t.end,
                    sent,
                    ref.country,
                    ref.sector,
                    ref.name,
                    ref.title,
                    "",
                    {"country": f"same person as {ref.name}"},
                )
            )
    return sorted(chunks + extra, key=lambda c: (c.sentence, c.start))


def name_key(name: str | None) -> str:
    """The first three words of a name, normalised: enough to recognise a person again
    ("عبدالعزيز بن سعود بن نايف" and "عبدالعزيز بن سعود"), not to confuse two sons of one father."""
    return " ".join(fold_name(name).split()[:3])


def _propagate_names(chunks: list[Chunk]) -> None:
    """A person whose country is known once is known throughout the document."""
    known: dict[str, tuple[str, str]] = {}
    for c in chunks:
        if c.kind == "person" and c.name and c.country:
            known.setdefault(name_key(c.name), (c.country, c.rules.get("country", "")))
    for c in chunks:
        if c.kind == "person" and c.name and not c.country:
            hit = known.get(name_key(c.name))
            if hit:
                c.country, c.rules["country"] = hit[0], f"same person elsewhere in the text ({hit[1]})"
