"""Integrity checks of the country, city and IGO gazetteer data files."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from marsad.lexicons.loader import read_tsv
from marsad.normalize import normalize_form

LEXICONS = Path(__file__).resolve().parents[1] / "marsad" / "lexicons"


def _words(text: str) -> list[str]:
    return text.split()


UN_MEMBERS = frozenset(row[0] for row in read_tsv(LEXICONS / "states.tsv") if row[1] == "member")
STATES = UN_MEMBERS | {"PSE", "XKX", "TWN"}
IGO_KEYS = {
    "UN",
    "INTERPOL",
    "GCC",
    "ARAB_LEAGUE",
    "CAIM",
    "EU",
    "NATO",
    "OIC",
    "AU",
    "SCO",
    "IMCTC",
    "EUROPOL",
    "AFRIPOL",
    "ASEANAPOL",
    "OTHER",
}

# Common words that must never be read as a country name or nisba.
STOPLIST = {
    "عربي",
    "دولي",
    "وطني",
    "امني",
    "داخلي",
    "خارجي",
    "رسمي",
    "عالمي",
    "اقليمي",
    "محلي",
    "قومي",
    "اسلامي",
    "غربي",
    "شرقي",
    "شمالي",
    "جنوبي",
    "افريقي",
    "اوروبي",
    "اسيوي",
    "خليجي",
    "عسكري",
    "سياسي",
    "مدني",
    "بحري",
    "جوي",
    "عاجي",
    "قمري",
    "بابوي",
    "مجري",
    "ماليه",
    "المدينه",
    "الدوله",
    "المملكه",
    "الجمهوريه",
    "كيف",
    "سيول",
    "الخبر",
}
# "مالي" is the name of Mali (kept, documented in countries.tsv) but never a nisba.
NISBA_STOPLIST = STOPLIST | {"مالي", "سليماني", "لثواني"}
CITY_STOPLIST = STOPLIST | {"صور", "حماه", "العين", "العيون", "امان", "قوم", "سنه", "ميدان", "مدان"}

# Forms that legitimately name two states (none at the moment; keep documented here).
NAME_CONFLICTS_OK: dict[str, set[str]] = {}
# City forms allowed to equal another state's name: Amman (JOR) vs Oman.
CITY_CLASH_OK = {("JOR", "عمان")}


def read_tsv(name: str, ncols: int) -> list[tuple[str, ...]]:
    path = LEXICONS / name
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines and lines[0].startswith("#"), f"{name}: must start with a comment header"
    rows = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = tuple(line.split("\t"))
        assert len(parts) == ncols, f"{name}:{lineno}: {line!r}"
        rows.append(parts)
    return rows


COUNTRIES = read_tsv("countries.tsv", 3)
CITIES = read_tsv("cities.tsv", 3)
IGOS = read_tsv("igos.tsv", 2)
EXTRA = read_tsv("countries_extra.tsv", 3)


def forms_of(rows: list[tuple[str, ...]], kind: str) -> dict[str, set[str]]:
    by_form: dict[str, set[str]] = defaultdict(set)
    for iso3, k, form in rows:
        if k == kind:
            by_form[form].add(iso3)
    return by_form


@pytest.mark.parametrize(
    ("name", "rows"),
    [("countries", COUNTRIES), ("cities", CITIES), ("igos", IGOS), ("extra", EXTRA)],
)
def test_forms_normalised_non_empty_unique(name, rows):
    bad = [r for r in rows if not r[-1] or normalize_form(r[-1]) != r[-1]]
    assert not bad, f"{name}: unnormalised/empty forms: {bad[:10]}"
    dupes = {r for r in rows if rows.count(r) > 1}
    assert not dupes, f"{name}: duplicate rows: {sorted(dupes)[:10]}"


def test_headers_name_sources_and_columns():
    for name in ("countries.tsv", "cities.tsv", "igos.tsv", "countries_extra.tsv"):
        head = (LEXICONS / name).read_text(encoding="utf-8").split("\n", 6)[:6]
        text = "\n".join(head).lower()
        assert "source" in text and "columns" in text, name


def test_country_kinds_and_codes():
    assert {r[1] for r in COUNTRIES} == {"name", "nisba", "capital"}
    assert {r[0] for r in COUNTRIES} == STATES
    assert {r[1] for r in CITIES} == {"capital", "city"}
    assert {r[0] for r in CITIES} <= STATES
    assert {r[0] for r in IGOS} <= IGO_KEYS


def test_every_state_has_name_and_capital():
    for kind in ("name", "capital"):
        have = {iso3 for iso3, k, _ in COUNTRIES if k == kind}
        assert not STATES - have, f"missing {kind}: {sorted(STATES - have)}"


def test_most_states_have_a_nisba():
    have = {iso3 for iso3, k, _ in COUNTRIES if k == "nisba"}
    missing = sorted(STATES - have)
    print("states without nisba:", missing)
    assert len(STATES & have) >= 180, missing


def test_no_common_words():
    bad = [r for r in COUNTRIES if r[1] == "name" and r[2] in STOPLIST]
    bad += [r for r in COUNTRIES if r[1] == "nisba" and r[2] in NISBA_STOPLIST]
    bad += [r for r in CITIES if r[2] in CITY_STOPLIST]
    assert not bad, bad


def test_nisba_length():
    short = [r for r in COUNTRIES if r[1] == "nisba" and len(r[2].replace(" ", "")) < 4]
    assert not short, short


def test_no_name_maps_to_two_states():
    conflicts = {
        form: owners
        for form, owners in forms_of(COUNTRIES, "name").items()
        if len(owners) > 1 and owners != NAME_CONFLICTS_OK.get(form)
    }
    for form, owners in sorted(conflicts.items()):
        print("name conflict:", form, sorted(owners))
    assert not conflicts


def test_city_never_names_another_state():
    names = forms_of(COUNTRIES, "name")
    clashes = [
        (iso3, form, sorted(names[form] - {iso3}))
        for iso3, _, form in CITIES
        if names.get(form, set()) - {iso3} and (iso3, form) not in CITY_CLASH_OK
    ]
    assert not clashes, clashes


def test_capitals_agree_between_files():
    in_countries = {(i, f) for i, k, f in COUNTRIES if k == "capital"}
    in_cities = {(i, f) for i, k, f in CITIES if k == "capital"}
    assert in_countries == in_cities


def test_igo_form_has_one_key():
    owners: dict[str, set[str]] = defaultdict(set)
    for key, form in IGOS:
        owners[form].add(key)
    assert not {f: k for f, k in owners.items() if len(k) > 1}


def test_cities_file_size_sensible():
    assert 500 <= len(CITIES) <= 5000


@pytest.mark.parametrize(
    ("kind", "form", "iso3"),
    [
        ("name", "السعوديه", "SAU"),
        ("name", "المملكه العربيه السعوديه", "SAU"),
        ("name", "جمهوريه باكستان الاسلاميه", "PAK"),
        ("name", "الولايات المتحده الامريكيه", "USA"),
        ("name", "الولايات المتحده الاميركيه", "USA"),
        ("name", "اميركا", "USA"),
        ("name", "دوله الامارات العربيه المتحده", "ARE"),
        ("name", "سلطنه عمان", "OMN"),
        ("name", "عمان", "OMN"),
        ("name", "المملكه المغربيه", "MAR"),
        ("name", "الجزاير", "DZA"),
        ("name", "جمهوريه مصر العربيه", "EGY"),
        ("name", "المملكه المتحده", "GBR"),
        ("name", "قازاقستان", "KAZ"),
        ("name", "تركيه", "TUR"),
        ("name", "روسيا الاتحاديه", "RUS"),
        ("name", "المملكه الاردنيه الهاشميه", "JOR"),
        ("name", "سوريه", "SYR"),
        ("name", "كوسوفو", "XKX"),
        ("name", "فلسطين", "PSE"),
        ("name", "تايوان", "TWN"),
        ("nisba", "امريكي", "USA"),
        ("nisba", "اميركي", "USA"),
        ("nisba", "كازاخستاني", "KAZ"),
        ("nisba", "كازاخي", "KAZ"),
        ("nisba", "سعودي", "SAU"),
        ("nisba", "باكستاني", "PAK"),
        ("nisba", "اماراتي", "ARE"),
        ("nisba", "جزايري", "DZA"),
        ("nisba", "بلجيكي", "BEL"),
        ("nisba", "نمساوي", "AUT"),
        ("nisba", "هنغاري", "HUN"),
        ("nisba", "موريتاني", "MRT"),
        ("capital", "اسلام اباد", "PAK"),
        ("capital", "استانا", "KAZ"),
        ("capital", "آستانا", "KAZ"),
        ("capital", "إسلام آباد", "PAK"),
        ("capital", "نور سلطان", "KAZ"),
        ("capital", "الرياض", "SAU"),
        ("capital", "الرباط", "MAR"),
        ("capital", "الكويت", "KWT"),
        ("capital", "واشنطن", "USA"),
        ("capital", "عمان", "JOR"),
    ],
)
def test_country_spot_checks(kind, form, iso3):
    assert (iso3, kind, normalize_form(form)) in set(COUNTRIES)


@pytest.mark.parametrize(
    ("form", "iso3"),
    [
        ("جده", "SAU"),
        ("مكه المكرمه", "SAU"),
        ("المدينه المنوره", "SAU"),
        ("دبي", "ARE"),
        ("الدار البيضاء", "MAR"),
        ("كراتشي", "PAK"),
        ("بيشاور", "PAK"),
        ("الاسكندريه", "EGY"),
        ("اسطنبول", "TUR"),
        ("الموصل", "IRQ"),
        ("طرابلس", "LBN"),
        ("طرابلس", "LBY"),
    ],
)
def test_city_spot_checks(form, iso3):
    assert normalize_form(form) in {f for i, _, f in CITIES if i == iso3}


@pytest.mark.parametrize("form", ["المدينه", "صور", "الخبر", "امان", "ميدان", "كيف"])
def test_rejected_city_words_absent(form):
    assert form not in {f for _, _, f in CITIES}


@pytest.mark.parametrize(
    ("form", "key"),
    [
        ("الانتربول", "INTERPOL"),
        ("الإنتربول", "INTERPOL"),
        ("منظمة الشرطة الجنائية الدولية", "INTERPOL"),
        ("مجلس التعاون لدول الخليج العربيه", "GCC"),
        ("مجلس التعاون الخليجي", "GCC"),
        ("جامعه الدول العربيه", "ARAB_LEAGUE"),
        ("مجلس وزراء الداخليه العرب", "CAIM"),
        ("الامم المتحده", "UN"),
        ("مجلس الامن", "UN"),
        ("الاتحاد الاوروبي", "EU"),
        ("الاتحاد الاوربي", "EU"),
        ("حلف شمال الاطلسي", "NATO"),
        ("الناتو", "NATO"),
        ("منظمه التعاون الاسلامي", "OIC"),
        ("الاتحاد الافريقي", "AU"),
        ("منظمه شنغهاي للتعاون", "SCO"),
        ("التحالف الاسلامي العسكري لمحاربه الارهاب", "IMCTC"),
        ("اليوروبول", "EUROPOL"),
        ("الافريبول", "AFRIPOL"),
        ("الاسيانابول", "ASEANAPOL"),
    ],
)
def test_igo_spot_checks(form, key):
    assert (key, normalize_form(form)) in set(IGOS)


# Names used both with and without the article in Arabic news.
BARE_AND_AL_OK = {"بيرو", "باراغواي", "اوروغواي", "فيتنام", "سيشل"}


def test_no_bare_duplicate_of_al_name():
    names = set(forms_of(COUNTRIES, "name"))
    bare = {n for n in names if "ال" + n in names} - BARE_AND_AL_OK
    assert not bare, sorted(bare)
    assert "كويت" not in names and "مغرب" not in names


def test_nisba_has_no_article():
    root_al = {"الباني", "الماني"}  # Albanian, German: ال is part of the root
    bad = [r for r in COUNTRIES if r[1] == "nisba" and r[2].startswith("ال")]
    assert {r[2] for r in bad} <= root_al, bad
