"""Date phrasebook: relative, Gregorian (three naming systems), Hijri, numeric, against a publication date."""

from datetime import date

import pytest

from marsad.lexicons.loader import load
from marsad.normalize import normalize_form
from marsad.pipeline.dates import find_dates

PUB = date(2025, 1, 20)  # a Monday


def first(text: str, pub: date | None = PUB) -> str | None:
    refs = find_dates(normalize_form(text), pub, load())
    assert refs, f"no date found in {text!r}"
    return refs[0].value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("اليوم الاثنين", "2025-01-20"),
        ("أمس", "2025-01-19"),
        ("أول أمس", "2025-01-18"),
        ("مساء السبت", "2025-01-18"),
        ("يوم الخميس", "2025-01-16"),
        ("الأحد المقبل", "2025-01-26"),
        ("20 يناير 2025", "2025-01-20"),
        ("٢٠ يناير ٢٠٢٥", "2025-01-20"),
        ("5 كانون الثاني 2025", "2025-01-05"),
        ("3 شباط 2024", "2024-02-03"),
        ("فاتح ماي 2024", "2024-05-01"),
        ("14 يوليوز 2024", "2024-07-14"),
        ("في مايو الماضي", "2024-05"),
        ("في ديسمبر الماضي", "2024-12"),
        ("الشهر المقبل", "2025-02"),
        ("الشهر الماضي", "2024-12"),
        ("العام الحالي", "2025"),
        ("عام 2001", "2001"),
        ("2025/01/12", "2025-01-12"),
        ("12/01/2025", "2025-01-12"),
    ],
)
def test_resolves_against_publication_date(text: str, expected: str) -> None:
    assert first(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 رجب 1446هـ", "2025-01-15"),
        ("1 رمضان 1446 هـ", "2025-03-01"),
        ("10 ذو الحجة 1445", "2024-06-16"),
    ],
)
def test_hijri_dates_convert_to_gregorian(text: str, expected: str) -> None:
    assert first(text) == expected


def test_relative_date_without_publication_date_is_null_but_still_a_time_reference() -> None:
    refs = find_dates(normalize_form("وفي مايو الماضي جرت مباحثات"), None, load())
    assert refs and refs[0].value is None and refs[0].tense == "past"


def test_impossible_dates_are_ignored() -> None:
    assert find_dates(normalize_form("31 فبراير 2025"), PUB, load()) == []
    assert find_dates(normalize_form("2025/13/45"), PUB, load()) == []
