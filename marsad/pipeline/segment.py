"""Split the normalised text into sentences (spans), keeping offsets."""

from __future__ import annotations

import re

from marsad.model import Document, Sentence

# A sentence ends at . ! ? ; or a line break, but not at a dot between digits
# (17.5) or in a one-letter abbreviation (د. for Dr.).
_END = re.compile(r"(?<!\d)(?<!\b\w)[.!?;](?!\d)|\n+")


def run(doc: Document) -> Document:
    assert doc.norm is not None, "normalize must run first"
    text = doc.norm.text
    sentences: list[Sentence] = []
    start = 0
    for m in _END.finditer(text):
        _add(sentences, text, start, m.end())
        start = m.end()
    _add(sentences, text, start, len(text))
    doc.sentences = sentences
    return doc


def _add(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(len(out), start, end, text[start:end]))


def sentence_at(doc: Document, pos: int) -> int:
    """Index of the sentence holding normalised offset `pos` (binary search)."""
    lo, hi = 0, len(doc.sentences) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s = doc.sentences[mid]
        if pos < s.start:
            hi = mid - 1
        elif pos >= s.end:
            lo = mid + 1
        else:
            return mid
    return max(0, min(lo, len(doc.sentences) - 1))
