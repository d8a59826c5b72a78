"""Load the TSV lexicons (package files plus user folders) once, into one matcher.

Each file starts with `#` comment lines naming its source and columns. A user
folder (``--lexicons DIR`` or ``MARSAD_LEXICONS``) may hold files of the same
names: their rows are added, and a row whose first column starts with ``-``
removes the package row with that form. Every form is normalised on load with
the pipeline's `normalize_form`, so data and text always agree.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick_rs as ac

from marsad.normalize import normalize_form

PACKAGE_DIR = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon row: what a matched form means and where it came from."""

    kind: str  # country, nisba, capital, city, igo, title, honorific, trigger, topic, cue, month, stop
    form: str
    value: str  # ISO3, sector, event type, topic, cue name, month number...
    extra: tuple[str, ...] = ()
    source: str = ""


# (file name, kind). The kind of a countries/cities row is its own second column.
FILES: tuple[tuple[str, str], ...] = (
    ("countries.tsv", "geo"),
    ("cities.tsv", "geo"),
    ("igos.tsv", "igo"),
    ("titles.tsv", "title"),
    ("honorifics.tsv", "honorific"),
    ("sector_cues.tsv", "sector"),
    ("triggers.tsv", "trigger"),
    ("topics.tsv", "topic"),
    ("cues.tsv", "cue"),
    ("months.tsv", "month"),
    ("name_stops.tsv", "stop"),
    ("title_words.tsv", "title_word"),
    ("agencies.tsv", "agency"),
)


def read_tsv(path: Path) -> Iterator[list[str]]:
    """Rows of a lexicon file, comments and blank lines skipped."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.strip() and not line.startswith("#"):
                yield line.split("\t")


def _entries(path: Path, kind: str) -> Iterator[tuple[bool, Entry]]:
    src = f"{path.name}"
    for row in read_tsv(path):
        flag = 1 if kind == "geo" else 0  # the column whose leading '-' marks a removal
        removal = row[flag].startswith("-")
        row[flag] = row[flag].removeprefix("-")
        if kind == "geo":  # iso3, kind, form
            iso3, geo_kind, form = row[0], row[1], row[2]
            geo_kind = "country" if geo_kind == "name" else geo_kind  # a state's own name
            yield removal, Entry(geo_kind, normalize_form(form), iso3, (), src)
        elif kind == "igo":  # key, form
            yield removal, Entry("igo", normalize_form(row[1]), f"IGO:{row[0]}", (), src)
        elif len(row) == 1:
            yield removal, Entry(kind, normalize_form(row[0]), "", (), src)
        else:
            yield removal, Entry(kind, normalize_form(row[0]), row[1], tuple(row[2:]), src)


@dataclass(eq=False)
class Lexicon:
    """All entries, an index by kind, and one Aho-Corasick automaton over every form."""

    entries: dict[str, list[Entry]] = field(default_factory=dict)  # form -> entries
    by_kind: dict[str, list[Entry]] = field(default_factory=dict)
    forms: list[str] = field(default_factory=list)
    automaton: ac.AhoCorasick | None = None

    def add(self, entry: Entry) -> None:
        self.entries.setdefault(entry.form, []).append(entry)

    def remove(self, entry: Entry) -> None:
        kept = [e for e in self.entries.get(entry.form, []) if e.kind != entry.kind]
        self.entries[entry.form] = kept

    def build(self) -> Lexicon:
        self.entries = {f: es for f, es in self.entries.items() if es and f}
        self.forms = sorted(self.entries)
        self.by_kind = {}
        for f in self.forms:
            for e in self.entries[f]:
                self.by_kind.setdefault(e.kind, []).append(e)
        self.automaton = ac.AhoCorasick(self.forms, matchkind=ac.MatchKind.Standard)
        return self

    def forms_of(self, kind: str) -> set[str]:
        return {e.form for e in self.by_kind.get(kind, [])}

    def values_of(self, kind: str) -> dict[str, str]:
        return {e.form: e.value for e in self.by_kind.get(kind, [])}


_lock = threading.Lock()
_cache: dict[tuple[str, ...], Lexicon] = {}


def load(extra_dirs: Iterable[Path] = ()) -> Lexicon:
    """The lexicon for these user folders, built once per process."""
    dirs = tuple(str(Path(d).resolve()) for d in extra_dirs)
    with _lock:
        if dirs not in _cache:
            lex = Lexicon()
            for folder in (PACKAGE_DIR, *map(Path, dirs)):
                for name, kind in FILES:
                    path = folder / name
                    if not path.exists():
                        continue
                    for removal, entry in _entries(path, kind):
                        (lex.remove if removal else lex.add)(entry)
            _cache[dirs] = lex.build()
        return _cache[dirs]
