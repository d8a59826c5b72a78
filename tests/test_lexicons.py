"""Integrity of the hand-written lexicons: normalised, unique, known values."""

from __future__ import annotations

import pytest

from marsad.lexicons.loader import FILES, PACKAGE_DIR, load, read_tsv
from marsad.model import EVENT_TYPES, SECTORS, TOPICS
from marsad.normalize import normalize_form

HAND = [name for name, kind in FILES if kind not in {"geo", "igo"}]


@pytest.mark.parametrize("name", HAND)
def test_forms_are_normalised_and_unique(name: str) -> None:
    rows = list(read_tsv(PACKAGE_DIR / name))
    assert rows, f"{name} is empty"
    keys = [tuple(r[:2]) for r in rows]
    assert len(keys) == len(set(keys)), f"duplicate rows in {name}"
    for r in rows:
        assert normalize_form(r[0]) == r[0], f"{name}: {r[0]!r} is not normalised"


@pytest.mark.parametrize("name", [n for n, _ in FILES])
def test_files_say_their_source(name: str) -> None:
    head = (PACKAGE_DIR / name).read_text(encoding="utf-8").splitlines()[:6]
    assert any("source" in line.lower() for line in head), f"{name} must name its source"


def test_values_are_from_the_spec() -> None:
    for r in read_tsv(PACKAGE_DIR / "triggers.tsv"):
        assert r[1] in EVENT_TYPES and r[4] in {"verb", "noun"}
        assert r[3] in {"agent", "host", "reverse", "none", "genitive"}
    for r in read_tsv(PACKAGE_DIR / "topics.tsv"):
        assert r[1] in TOPICS
    for name in ("titles.tsv", "sector_cues.tsv"):
        for r in read_tsv(PACKAGE_DIR / name):
            assert r[1] in SECTORS


def test_user_folder_adds_and_removes(tmp_path) -> None:
    (tmp_path / "triggers.tsv").write_text("# source: test\nاحتفي\tCONSULT\thost\thost\tverb\n-زار\t\t\t\t\n",
                                           encoding="utf-8")
    lex = load([tmp_path])
    assert "احتفي" in lex.forms_of("trigger")
    assert "زار" not in lex.forms_of("trigger")
    assert "زار" in load().forms_of("trigger")
