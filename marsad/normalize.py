"""Arabic normalisation with an offset map back to the original text.

Matching works on a normalised copy of the text (no diacritics or tatweel,
one shape for alef/hamza/yeh/teh marbuta, ASCII digits and punctuation), but
every record must point at the original characters an analyst can read. So
`normalize` returns both the normalised string and, for every normalised
character, the index of the original character it came from. This module is
the only place that knows the folding rules; lexicon loaders call
`normalize_form` so data and text always agree.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# Characters dropped entirely: tashkeel (U+064B-U+065F), superscript alef,
# tatweel, Quranic marks, bidi and zero-width controls, soft hyphen.
_DROP = set(
    [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640", "\u06d6", "\u06d7", "\u06d8", "\u06d9", "\u06da", "\u06db", "\u06dc"]
    + ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c"]
    + ["\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff", "\u00ad"]
)

# One-to-one foldings. Hamza seats fold to their bare letter because Arabic
# news spells the same name both ways (إسلام آباد / اسلام اباد).
_FOLD = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ى": "ي",
    "ی": "ي",
    "ئ": "ي",
    "ې": "ي",
    "ة": "ه",
    "ۃ": "ه",
    "ؤ": "و",
    "ک": "ك",
    "ڪ": "ك",
    "گ": "ك",
    "پ": "ب",
    "چ": "ج",
    "ژ": "ز",
    "ڤ": "ف",
    "،": ",",
    "؛": ";",
    "؟": "?",
    "٪": "%",
    "٫": ".",
    "٬": ",",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "″": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "–": "-",
    "—": "-",
    "ـ": "",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u3000": " ",
    "\t": " ",
}
for _i in range(10):
    _FOLD[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    _FOLD[chr(0x06F0 + _i)] = str(_i)  # Persian digits

_TAG = re.compile(r"<[^>]{0,500}>")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text and, per character, its index in the original."""

    text: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised [start, end) span to the original text."""
        if start >= len(self.offsets):
            last = self.offsets[-1] + 1 if self.offsets else 0
            return last, last
        o_start = self.offsets[start]
        o_end = self.offsets[end - 1] + 1 if end > start else o_start
        return o_start, o_end


# One translation table for every folding: deletions map to None, and ASCII letters lower.
_TABLE: dict[int, str | None] = {ord(c): None for c in _DROP}
_TABLE.update({ord(k): (v or None) for k, v in _FOLD.items()})
_TABLE.update({c: chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})
_SPACE_RUN = re.compile(r"\s+")


def fold(text: str) -> str:
    """The folded text without offsets (markup blanked, whitespace left as it is)."""
    return _TAG.sub(lambda m: " " * len(m.group(0)), text).translate(_TABLE)


def normalize(text: str) -> Normalized:
    """Fold `text` for matching, keeping a map to the original offsets.

    Stray markup (tags) is blanked to spaces so offsets stay valid; runs of
    whitespace other than newlines collapse to one space. The folding is one
    `str.translate`; only whitespace runs are walked character by character.
    """
    blanked = _TAG.sub(lambda m: " " * len(m.group(0)), text)
    folded = blanked.translate(_TABLE)
    kept = [i for i, ch in enumerate(blanked) if _TABLE.get(ord(ch), 0) is not None]
    pieces: list[str] = []
    offs: list[int] = []
    last = 0
    for run in _SPACE_RUN.finditer(folded):
        a, b = run.span()
        pieces.append(folded[last:a])
        offs.extend(kept[last:a])
        prev_space = False
        for j in range(a, b):
            ch = folded[j]
            if ch == "\n":
                pieces.append("\n")
                offs.append(kept[j])
                prev_space = True
            elif not prev_space:
                pieces.append(" ")
                offs.append(kept[j])
                prev_space = True
        last = b
    pieces.append(folded[last:])
    offs.extend(kept[last:])
    return Normalized("".join(pieces), tuple(offs))


def normalize_form(form: str) -> str:
    """Normalise a lexicon entry or a query string (no offsets needed)."""
    return " ".join(fold(html.unescape(form)).split())


def fold_name(name: str | None) -> str:
    """A person's name for comparison: normalised, with "عبد ال" spacing folded ("عبد العزيز" = "عبدالعزيز")."""
    return normalize_form(name or "").replace("عبد ال", "عبدال")
