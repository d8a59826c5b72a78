"""Normalisation phrasebook: every folding rule, and offsets that map back to the original."""

import pytest

from marsad.normalize import normalize, normalize_form


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("وَقَّعَ", "وقع"),  # tashkeel
        ("الـــرياض", "الرياض"),  # tatweel
        ("أإآٱ", "اااا"),  # alef and hamza seats
        ("مصطفى", "مصطفي"),  # alef maqsura
        ("الداخلية", "الداخليه"),  # teh marbuta
        ("مؤتمر", "موتمر"),
        ("رئيس", "رييس"),
        ("٢٠٢٥", "2025"),  # Arabic-Indic digits
        ("۱۴۴۶", "1446"),  # Persian digits
        ("قال، ثم؛ لماذا؟", "قال, ثم; لماذا?"),  # Arabic punctuation
        ("«مكة»", '"مكة"'.replace("ة", "ه")),  # quotes
        ("ایران", "ايران"),  # Persian yeh
        ("a\u200fb", "ab"),  # bidi marks
        ("<b>نص</b>", "نص"),  # stray markup
        ("  كلمة   أخرى ", "كلمه اخري"),
    ],
)
def test_folding(raw: str, expected: str) -> None:
    assert normalize_form(raw) == expected


def test_offsets_map_back_to_original_text() -> None:
    raw = "استقبلَ الأميرُ في الـرياض"
    n = normalize(raw)
    i = n.text.index("الرياض")
    a, b = n.span(i, i + len("الرياض"))
    assert raw[a:b] == "الـرياض"
    j = n.text.index("الامير")
    a, b = n.span(j, j + len("الامير"))
    assert raw[a:b] == "الأميرُ"[:-1] or raw[a:b] == "الأمير"


def test_every_normalised_char_has_an_offset() -> None:
    raw = "وقّع الجانبانِ ١٢ اتفاقية"
    n = normalize(raw)
    assert len(n.offsets) == len(n.text)
    assert all(0 <= o < len(raw) for o in n.offsets)
    assert list(n.offsets) == sorted(n.offsets)
