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


def _fold_char(ch: str) -> str:
    if ch in _DROP:
        return ""
    folded = _FOLD.get(ch)
    if folded is not None:
        return folded
    return ch.lower() if ch.isascii() else ch


def normalize(text: str) -> Normalized:
    """Fold `text` for matching, keeping a map to the original offsets.

    Stray markup (tags) is blanked to spaces so offsets stay valid; runs of
    whitespace other than newlines collapse to one space.
    """
    blanked = _TAG.sub(lambda m: " " * len(m.group(0)), text)
    out: list[str] = []
    offs: list[int] = []
    prev_space = False
    for i, ch in enumerate(blanked):
        f = _fold_char(ch)
        if not f:
            continue
        if f == " " or (f.isspace() and f != "\n"):
            if prev_space:
                continue
            f = " "
            prev_space = True
        else:
            prev_space = f == "\n"
        out.append(f)
        offs.append(i)
    return Normalized("".join(out), tuple(offs))


def normalize_form(form: str) -> str:
    """Normalise a lexicon entry or a query string (no offsets needed)."""
    return " ".join(normalize(html.unescape(form)).text.split())
