"""Find lexicon mentions in the normalised text with one Aho-Corasick pass.

Arabic attaches conjunctions, prepositions, the article and pronouns to the
word, so a lexicon form is accepted inside a longer word only when what is
left over is a valid clitic for that kind of entry: "بالرياض" (ب+ال), "للسعوديه"
(ل+ل with the article's alef dropped), "استقبله" (+ه), "الباكستانيين" (ال+
+ين), "زيارته" (teh marbuta written ت before a pronoun).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick_rs as ac

from marsad.lexicons.loader import Entry, Lexicon
from marsad.model import Document, Mention
from marsad.pipeline.segment import sentence_at

_BASE = {"", "و", "ف", "ب", "ل", "ك", "وب", "فب", "ول", "فل", "وك", "فك"}
_DEF = _BASE | {p + "ال" for p in _BASE} | {"لل", "ولل", "فلل"}
_LAM = {"ل", "ول", "فل"}  # before a form whose article lost its alef: ل+لسعوديه
# No ف: "فيصل" is a name, not ف+يصل; and ل+masdar (لبحث) is purpose, not a verb.
_VERB_PRE = {"", "و", "س", "وس"}
_CUE_PRE = {"", "و", "ف"}
_NISBA_SUF = {"", "ه", "ا", "ين", "ون", "ان", "ات", "تان", "تين", "يين", "يون"}  # ا: "مواطنا فرنسيا"
_PRON = {"ه", "ها", "هم", "هما", "هن", "ي", "نا", "كم"}
_VERB_SUF = {"", "ا", "وا", "ن", "نا", "ت", "تا"} | _PRON
# No ي: "الاجتماعي" (social) is an adjective, not "my meeting".
_NOUN_SUF = {"", "ات", "ا", "اته", "اتها", "اتهم", "ه", "ها", "هم", "هما"}

# kind -> (allowed prefixes, allowed suffixes)
RULES: dict[str, tuple[set[str], set[str]]] = {
    # Names take no article of their own: "التركيه" is the nisba, not ال+"تركيه" (Turkey).
    "country": (_BASE, {""}),
    "capital": (_BASE, {""}),
    "city": (_BASE, {""}),
    "igo": (_BASE, {""}),
    "nisba": (_DEF, _NISBA_SUF),
    "title": (_DEF, {""}),
    "honorific": (_BASE, {""}),
    "topic": (_DEF, {""}),
    "cue": (_CUE_PRE, {""}),
    "month": (_BASE | {"في"}, {""}),
    "trigger": (_VERB_PRE | _DEF, _VERB_SUF | _NOUN_SUF),
    "agency": (_BASE, {""}),
}
# Which kinds compete for the same characters (longest match wins in a layer).
LAYERS = {
    "country": "geo",
    "capital": "geo",
    "city": "geo",
    "igo": "geo",
    "nisba": "geo",
    "title": "title",
    "honorific": "title",
    "trigger": "trigger",
    "topic": "topic",
    "cue": "cue",
    "month": "month",
    "agency": "agency",
}
# When one form has several geo readings, prefer the state, then the body, then the city.
GEO_ORDER = {"country": 0, "igo": 1, "capital": 2, "city": 3, "nisba": 4}
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Key:
    """An automaton key: the lexicon form it stands for and how it was varied."""

    form: str
    variant: str  # "", "lam" (article alef dropped) or "teh" (ة written ت before a pronoun)


class Matcher:
    """The automaton over every form and its clitic variants."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        keys: dict[str, list[Key]] = {}
        for form, entries in lex.entries.items():
            kinds = {e.kind for e in entries}
            if not kinds & set(RULES):
                continue
            keys.setdefault(form, []).append(Key(form, ""))
            if form.startswith("ال") and len(form) > 3:
                keys.setdefault("ل" + form[2:], []).append(Key(form, "lam"))
            if form.endswith("ه") and kinds & {"trigger", "title"}:
                keys.setdefault(form[:-1] + "ت", []).append(Key(form, "teh"))
        self.patterns = sorted(keys)
        self.keys = [keys[p] for p in self.patterns]
        self.automaton = ac.AhoCorasick(self.patterns, matchkind=ac.MatchKind.Standard)


@lru_cache(maxsize=8)
def matcher_for(lex: Lexicon) -> Matcher:
    return Matcher(lex)


def _accept(entry: Entry, key: Key, prefix: str, suffix: str) -> bool:
    if entry.kind not in RULES:
        return False
    pres, sufs = RULES[entry.kind]
    if key.variant == "lam":
        return prefix in _LAM and suffix in sufs
    if key.variant == "teh":
        return prefix in pres and suffix in _PRON
    if entry.form.startswith("ال") and prefix.endswith("ال"):
        return False  # no double article
    if entry.kind == "trigger":
        verb = entry.extra[2:3] == ("verb",)
        if verb and prefix not in _VERB_PRE:
            return False
        return prefix in pres and suffix in (_VERB_SUF if verb else _NOUN_SUF)
    return prefix in pres and suffix in sufs


def find(lex: Lexicon, text: str) -> list[Mention]:
    """All accepted, non-overlapping (per layer) mentions in `text`, by position."""
    m = matcher_for(lex)
    words = [(w.start(), w.end()) for w in _WORD.finditer(text)]
    starts = [w[0] for w in words]
    cands: dict[str, list[tuple[int, int, Entry, Key]]] = {}
    for idx, start, end in m.automaton.find_matches_as_indexes(text, overlapping=True):
        i = bisect.bisect_right(starts, start) - 1
        if i < 0:
            continue
        ws, we = words[i]
        if end > we:  # a multiword form: the word holding its end
            j = bisect.bisect_right(starts, end - 1) - 1
            we = words[j][1]
        prefix, suffix = text[ws:start], text[end:we]
        for key in m.keys[idx]:
            for entry in lex.entries[key.form]:
                if _accept(entry, key, prefix, suffix):
                    # Triggers of different types may share words ("وافقت علي طلب": agreed to a request).
                    layer = f"trigger:{entry.value}" if entry.kind == "trigger" else LAYERS[entry.kind]
                    cands.setdefault(layer, []).append((ws, we, entry, key))
    out: list[Mention] = []
    for layer in sorted(cands):
        out.extend(_resolve_layer(cands[layer], text))
    # A word that is a title or a place is not also a verb: "وزاره" is a ministry, not و+زار+ه.
    nouns = [(m.start, m.end) for m in out if m.kind in {"title", "honorific", "country", "capital", "city", "igo"}]
    out = [m for m in out if not (m.kind == "trigger" and any(a <= m.start and m.end <= b for a, b in nouns))]
    out.sort(key=lambda x: (x.start, -x.end, x.kind))
    return out


def _resolve_layer(cands: list[tuple[int, int, Entry, Key]], text: str) -> list[Mention]:
    """Longest first, then leftmost; one reading per span (geo order breaks ties)."""
    cands.sort(key=lambda c: (-(c[1] - c[0]), c[0], GEO_ORDER.get(c[2].kind, 9), c[2].value))
    taken: list[tuple[int, int]] = []
    out = []
    seen_spans: dict[tuple[int, int], Mention] = {}
    for ws, we, entry, _key in cands:
        span = (ws, we)
        if span in seen_spans:
            seen_spans[span].extra.setdefault("also", "")
            seen_spans[span].extra["also"] += f"{entry.kind}:{entry.value} "
            continue
        if any(ws < e and s < we for s, e in taken):
            continue
        taken.append(span)
        mention = Mention(
            kind=entry.kind,
            start=ws,
            end=we,
            surface=text[ws:we],
            value=entry.value,
            rule=f"{entry.source}:{entry.form}",
            extra={"form": entry.form, **{f"x{i}": v for i, v in enumerate(entry.extra)}},
        )
        seen_spans[span] = mention
        out.append(mention)
    return out


def run(doc: Document, lex: Lexicon) -> Document:
    assert doc.norm is not None
    doc.mentions = find(lex, doc.norm.text)
    for mention in doc.mentions:
        mention.sentence = sentence_at(doc, mention.start)
    return doc
