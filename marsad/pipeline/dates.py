"""Find and resolve date expressions against the publication date.

Covers what Arabic news writes: "اليوم الخميس", "امس", "مساء السبت", weekday
names, "20 يناير 2025", Levantine and Maghrebi month names, "مايو الماضي",
"الشهر المقبل", "فاتح ماي الجاري", Hijri dates ("15 رجب 1446ه", converted
with the Umm al-Qura calendar), numeric dates and bare years. A relative
expression with no publication date gives no date but still marks a time
reference, so a past meeting without a resolvable date stays its own event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from marsad.lexicons.loader import Lexicon

WEEKDAYS = {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6}
_ORDINAL_DAYS = {"فاتح": 1, "مطلع": 1, "اول": 1}


@dataclass(frozen=True, slots=True)
class DateRef:
    """A time expression in a sentence and the date it resolves to (or None)."""

    start: int
    end: int
    value: str | None  # YYYY-MM-DD, YYYY-MM or YYYY
    tense: str  # past | present | future
    rule: str


@lru_cache(maxsize=4)
def _patterns(lex: Lexicon) -> tuple[re.Pattern[str], dict[str, tuple[str, int]]]:
    months = {e.form: (e.value, int(e.extra[0])) for e in lex.by_kind.get("month", [])}
    alt = "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))
    wd = "|".join(WEEKDAYS)
    rel = r"(?: الماضي| المنصرم| الجاري| الحالي| المقبل| القادم)"
    day = r"(?:\d{1,2}|فاتح|مطلع)"
    year = r"(?:19|20)\d\d"
    pat = re.compile(
        rf"(?P<hijri>(?<!\w)(?P<hd>\d{{1,2}}) (?P<hm>{alt}) (?P<hy>1[34]\d\d) ?ه?(?!\w))"
        rf"|(?P<abs>(?<!\w)(?:(?P<d>{day}) (?:من )?)?(?P<m>{alt})(?!\w)(?: ?/ ?\w+)?"
        rf"(?: (?:من )?(?:عام |سنه )?(?P<y>{year})|(?P<rel>{rel}))?)"
        rf"|(?P<num>(?P<n1>\d{{1,4}})[/-](?P<n2>\d{{1,2}})[/-](?P<n3>\d{{2,4}}))"
        rf"|(?P<today>\bاليوم\b|\bحاليا\b)"
        rf"|(?P<yday>\b(?:ال)?امس\b|\bاول امس\b)"
        rf"|(?P<tomorrow>\bغدا\b)"
        rf"|(?P<wd>\b(?:يوم |يومي |يومه |مساء |صباح |ليله |ظهر )?(?:ال)?(?P<wdn>{wd})"
        rf"(?P<wdrel> الماضي| المقبلين| المقبل| القادمين| القادم)?\b)"
        rf"|(?P<period>\b(?:ال)?(?P<unit>شهر|عام|سنه|اسبوع)(?P<prel>{rel})\b)"
        rf"|(?P<year>\b(?:عام|سنه|العام) (?P<yy>{year})\b)"
    )
    return pat, months


def find_dates(text: str, published: date | None, lex: Lexicon) -> list[DateRef]:
    """Every time expression in `text`, resolved against `published`."""
    pat, months = _patterns(lex)
    out = []
    for m in pat.finditer(text):
        ref = _resolve(m, published, months)
        if ref is not None:
            out.append(ref)
    return out


def _iso(d: date, precision: str) -> str:
    return {"day": d.isoformat(), "month": d.isoformat()[:7], "year": d.isoformat()[:4]}[precision]


def _safe_date(y: int, mth: int, d: int) -> date | None:
    try:
        return date(y, mth, d)
    except ValueError:
        return None


def _resolve(m: re.Match[str], pub: date | None, months: dict[str, tuple[str, int]]) -> DateRef | None:
    s, e = m.span()
    g = m.groupdict()
    if g["hijri"]:
        return _hijri(s, e, int(g["hd"]), months[g["hm"]], int(g["hy"]))
    if g["abs"]:
        return _absolute(s, e, g, pub, months)
    if g["num"]:
        a, b, c = int(g["n1"]), int(g["n2"]), int(g["n3"])
        y, mo, d = (a, b, c) if a > 31 else (c if c > 99 else 2000 + c, b, a)
        dt = _safe_date(y, mo, d)
        return DateRef(s, e, dt.isoformat(), _tense(dt, pub), "numeric") if dt else None
    if g["today"]:
        return DateRef(s, e, pub.isoformat() if pub else None, "present", "today")
    if g["yday"]:
        back = 2 if "اول" in g["yday"] else 1
        return DateRef(s, e, (pub - timedelta(days=back)).isoformat() if pub else None, "past", "yesterday")
    if g["tomorrow"]:
        return DateRef(s, e, (pub + timedelta(days=1)).isoformat() if pub else None, "future", "tomorrow")
    if g["wd"]:
        rel = (g["wdrel"] or "").strip()
        ahead = m.string[e : e + 25]  # "يومي الاحد والاثنين المقبلين": the qualifier follows the pair
        if not rel and ahead.startswith(" و") and any(w in ahead for w in ("المقبلين", "القادمين")):
            rel = "المقبلين"
        return _weekday(s, e, WEEKDAYS[g["wdn"]], rel, pub)
    if g["period"]:
        return _period(s, e, g["unit"], g["prel"].strip(), pub)
    if g["year"]:
        y = int(g["yy"])
        return DateRef(s, e, str(y), "past" if not pub or y <= pub.year else "future", "year")
    return None


def _tense(d: date, pub: date | None) -> str:
    if pub is None or d == pub:
        return "present" if pub else "past"
    return "past" if d < pub else "future"


def _hijri(s: int, e: int, d: int, month: tuple[str, int], y: int) -> DateRef | None:
    cal, mo = month
    if cal != "h":
        return None
    from hijridate import Hijri

    try:
        g = Hijri(y, mo, d).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return DateRef(s, e, date(g.year, g.month, g.day).isoformat(), "past", "hijri")


def _absolute(
    s: int, e: int, g: dict[str, str | None], pub: date | None, months: dict[str, tuple[str, int]]
) -> DateRef | None:
    cal, mo = months[g["m"] or ""]
    if cal == "h":
        return None  # a Hijri month without a Hijri year: too vague to place
    day_s, rel = g["d"], (g["rel"] or "").strip()
    day = _ORDINAL_DAYS.get(day_s or "") or (int(day_s) if day_s and day_s.isdigit() else None)
    if g["y"]:
        y = int(g["y"])
    elif pub is None:
        return DateRef(s, e, None, "future" if rel in ("المقبل", "القادم") else "past", "month-relative")
    elif rel in ("المقبل", "القادم"):
        y = pub.year + (1 if mo <= pub.month else 0)
    elif rel in ("الجاري", "الحالي"):
        y = pub.year
    else:  # "مايو الماضي" or a bare month: the latest one not after publication
        y = pub.year if (mo < pub.month or (mo == pub.month and rel != "الماضي")) else pub.year - 1
    if day:
        dt = _safe_date(y, mo, day)
        if dt is None:
            return None
        return DateRef(s, e, dt.isoformat(), _tense(dt, pub), "day-month")
    first = date(y, mo, 1)
    tense = "future" if rel in ("المقبل", "القادم") else "past"
    return DateRef(s, e, _iso(first, "month"), tense, "month")


def _weekday(s: int, e: int, wd: int, rel: str, pub: date | None) -> DateRef:
    if pub is None:
        return DateRef(s, e, None, "future" if rel.startswith(("المقبل", "القادم")) else "past", "weekday")
    if rel in ("المقبل", "القادم", "المقبلين", "القادمين"):
        delta = (wd - pub.weekday()) % 7 or 7
        return DateRef(s, e, (pub + timedelta(days=delta)).isoformat(), "future", "weekday-next")
    back = (pub.weekday() - wd) % 7
    if rel == "الماضي" and back == 0:
        back = 7
    return DateRef(s, e, (pub - timedelta(days=back)).isoformat(), "past" if back else "present", "weekday")


def _period(s: int, e: int, unit: str, rel: str, pub: date | None) -> DateRef:
    future = rel in ("المقبل", "القادم")
    tense = "future" if future else ("present" if rel in ("الجاري", "الحالي") else "past")
    if pub is None:
        return DateRef(s, e, None, tense, "period")
    step = 1 if future else (0 if tense == "present" else -1)
    if unit in ("عام", "سنه"):
        return DateRef(s, e, str(pub.year + step), tense, "period-year")
    if unit == "شهر":
        mo = pub.month + step
        y = pub.year + (mo - 1) // 12
        mo = (mo - 1) % 12 + 1
        return DateRef(s, e, f"{y:04d}-{mo:02d}", tense, "period-month")
    return DateRef(s, e, None, tense, "period-week")
