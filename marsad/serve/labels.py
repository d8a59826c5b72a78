"""Bilingual interface labels and names: countries, IGOs, types, sectors, topics, Hijri dates.

Country names come from CLDR (babel) keyed by ISO2, reached from ISO3 through
pycountry, so every state the gazetteer knows gets a proper Arabic and English
name without a hand-kept list. IGO keys (`IGO:GCC`) are few and named here.
"""

from __future__ import annotations

from functools import lru_cache

LANGS = ("ar", "en")

# key -> (Arabic, English)
UI: dict[str, tuple[str, str]] = {
    "app": ("مرصد", "marsad"),
    "tagline": ("أحداث التعاون الأمني من الأخبار العربية", "Security-cooperation events from Arabic news"),
    "overview": ("نظرة عامة", "Overview"),
    "events": ("الأحداث", "Events"),
    "network": ("الشبكة", "Network"),
    "documents": ("المقالات", "Articles"),
    "failures": ("الإخفاقات", "Failures"),
    "countries": ("الدول", "Countries"),
    "timeline": ("الأحداث حسب الشهر والنوع", "Events by month and type"),
    "top_pairs": ("أنشط الثنائيات", "Busiest country pairs"),
    "topics": ("المواضيع", "Topics"),
    "types": ("أنواع الأحداث", "Event types"),
    "country": ("الدولة", "Country"),
    "pair": ("ثنائي", "Pair"),
    "type": ("النوع", "Type"),
    "status": ("الحالة", "Status"),
    "topic": ("الموضوع", "Topic"),
    "date": ("التاريخ", "Date"),
    "from": ("من", "From"),
    "to": ("إلى", "To"),
    "search": ("بحث", "Search"),
    "text": ("نص", "Text"),
    "filter": ("تصفية", "Filter"),
    "any": ("الكل", "Any"),
    "actor": ("الفاعل", "Actor"),
    "recipient": ("المتلقي", "Recipient"),
    "evidence": ("الدليل", "Evidence"),
    "next": ("الصفحة التالية", "Next page"),
    "first": ("الصفحة الأولى", "First page"),
    "results": ("نتيجة", "results"),
    "article": ("المقال", "Article"),
    "fields": ("الحقول", "Fields"),
    "sector": ("القطاع", "Sector"),
    "name": ("الاسم", "Name"),
    "title": ("المنصب", "Title"),
    "mode": ("الصيغة", "Mode"),
    "precision": ("الدقة", "Precision"),
    "gregorian": ("ميلادي", "Gregorian"),
    "hijri": ("هجري", "Hijri"),
    "location": ("المكان", "Location"),
    "participants": ("المشاركون", "Participants"),
    "confidence": ("الثقة", "Confidence"),
    "sources": ("المصادر", "Sources"),
    "version": ("إصدار المستخرج", "Extractor version"),
    "trigger": ("الكلمة الدالة", "Trigger"),
    "provenance": ("المصدر (القواعد)", "Provenance (rules)"),
    "source": ("المصدر", "Source"),
    "published": ("تاريخ النشر", "Published"),
    "partners": ("الشركاء", "Partners"),
    "topics_time": ("المواضيع عبر الزمن", "Topics over time"),
    "latest": ("أحدث الأحداث", "Latest events"),
    "as_actor": ("فاعلاً", "as actor"),
    "as_recipient": ("متلقياً", "as recipient"),
    "total": ("المجموع", "Total"),
    "json": ("JSON", "JSON"),
    "csv": ("CSV", "CSV"),
    "graphml": ("GraphML", "GraphML"),
    "min_weight": ("أدنى وزن", "Min. weight"),
    "legend": ("المفتاح: الدليل، الكلمة الدالة، الإشارات المحلولة", "Key: evidence, trigger, resolved mentions"),
    "mentions_note": ("مرّر المؤشر فوق إشارة لرؤية قيمتها", "Hover a mention to see what it resolved to"),
    "no_events": ("لا توجد أحداث", "No events"),
    "not_found": ("غير موجود", "Not found"),
    "switch": ("English", "العربية"),
    "net_help": (
        "اسحب العقد لتحريكها، وانقر على دولة لفتح صفحتها. عرض الخط = عدد الأحداث.",
        "Drag nodes to move them; click a country to open its page. Line width = number of events.",
    ),
    "events_of": ("أحداث هذه الدولة", "This country's events"),
    "occurred": ("وقع", "occurred"),
    "expected": ("متوقع", "expected"),
    "day": ("يوم", "day"),
    "month": ("شهر", "month"),
    "year": ("سنة", "year"),
}

TYPES: dict[str, tuple[str, str]] = {
    "CONSULT": ("تشاور", "Consult"),
    "AGREE": ("اتفاق", "Agree"),
    "COOPERATE": ("تعاون", "Cooperate"),
    "AID": ("مساعدة", "Aid"),
    "REQUEST": ("طلب", "Request"),
    "ACCUSE": ("اتهام", "Accuse"),
    "REJECT": ("رفض", "Reject"),
    "THREATEN": ("تهديد", "Threaten"),
    "PROTEST": ("احتجاج", "Protest"),
    "SANCTION": ("عقوبات", "Sanction"),
    "MOBILIZE": ("تعبئة", "Mobilize"),
    "COERCE": ("إكراه", "Coerce"),
    "ASSAULT": ("اعتداء", "Assault"),
    "CONCEDE": ("تنازل", "Concede"),
    "RETREAT": ("تراجع", "Retreat"),
}

SECTORS: dict[str, tuple[str, str]] = {
    "GOV": ("الحكومة", "Government"),
    "DIP": ("الدبلوماسية", "Diplomacy"),
    "POL": ("الشرطة", "Police"),
    "INT": ("الاستخبارات", "Intelligence"),
    "MIL": ("العسكري", "Military"),
    "JUD": ("القضاء", "Judiciary"),
    "LEG": ("التشريعي", "Legislature"),
    "IGO": ("منظمة دولية", "Intergovernmental body"),
    "CVL": ("مدني", "Civilian"),
    "REB": ("متمردون", "Rebels"),
}

TOPICS: dict[str, tuple[str, str]] = {
    "counterterrorism": ("مكافحة الإرهاب", "Counter-terrorism"),
    "terrorism_financing": ("تمويل الإرهاب", "Terrorism financing"),
    "extremism": ("التطرف", "Extremism"),
    "organized_crime": ("الجريمة المنظمة", "Organised crime"),
    "drug_trafficking": ("تهريب المخدرات", "Drug trafficking"),
    "money_laundering": ("غسل الأموال", "Money laundering"),
    "human_trafficking": ("الاتجار بالبشر", "Human trafficking"),
    "illegal_migration": ("الهجرة غير النظامية", "Illegal migration"),
    "border_security": ("أمن الحدود", "Border security"),
    "cybersecurity": ("الأمن السيبراني", "Cybersecurity"),
    "cybercrime": ("الجرائم الإلكترونية", "Cybercrime"),
    "intelligence_sharing": ("تبادل المعلومات", "Intelligence sharing"),
    "training": ("التدريب", "Training"),
    "hajj_umrah": ("الحج والعمرة", "Hajj and Umrah"),
    "crime_general": ("الجريمة", "Crime (general)"),
    "forensics": ("الأدلة الجنائية", "Forensics"),
    "defense": ("الدفاع", "Defence"),
    "economic": ("الاقتصاد", "Economy"),
    "energy": ("الطاقة", "Energy"),
    "regional_situation": ("الوضع الإقليمي", "Regional situation"),
}

IGOS: dict[str, tuple[str, str]] = {
    "UN": ("الأمم المتحدة", "United Nations"),
    "INTERPOL": ("الإنتربول", "INTERPOL"),
    "GCC": ("مجلس التعاون الخليجي", "Gulf Cooperation Council"),
    "ARAB_LEAGUE": ("جامعة الدول العربية", "Arab League"),
    "CAIM": ("مجلس وزراء الداخلية العرب", "Council of Arab Interior Ministers"),
    "EU": ("الاتحاد الأوروبي", "European Union"),
    "NATO": ("حلف شمال الأطلسي", "NATO"),
    "OIC": ("منظمة التعاون الإسلامي", "Organisation of Islamic Cooperation"),
    "AU": ("الاتحاد الأفريقي", "African Union"),
    "SCO": ("منظمة شنغهاي للتعاون", "Shanghai Cooperation Organisation"),
    "IMCTC": ("التحالف الإسلامي العسكري لمحاربة الإرهاب", "Islamic Military Counter Terrorism Coalition"),
    "EUROPOL": ("اليوروبول", "Europol"),
    "AFRIPOL": ("الأفريبول", "AFRIPOL"),
    "ASEANAPOL": ("الآسيانابول", "ASEANAPOL"),
    "OTHER": ("منظمة دولية أخرى", "Other international body"),
}

# ISO3 codes pycountry does not know (user-assigned in ISO 3166).
_ISO2_EXTRA = {"XKX": "XK"}


def lang_of(value: str | None) -> str:
    return value if value in LANGS else "ar"


def ui(key: str, lang: str) -> str:
    pair = UI.get(key)
    return (pair[0] if lang == "ar" else pair[1]) if pair else key


def _pick(table: dict[str, tuple[str, str]], key: str | None, lang: str) -> str:
    if not key:
        return ""
    pair = table.get(key)
    return (pair[0] if lang == "ar" else pair[1]) if pair else key


def type_name(key: str | None, lang: str) -> str:
    return _pick(TYPES, key, lang)


def sector_name(key: str | None, lang: str) -> str:
    return _pick(SECTORS, key, lang)


def topic_name(key: str | None, lang: str) -> str:
    return _pick(TOPICS, key, lang)


@lru_cache(maxsize=4096)
def country_name(code: str | None, lang: str) -> str:
    """Arabic or English name of an ISO3 code or an `IGO:KEY`; the code itself when unknown."""
    if not code:
        return ""
    if code.startswith("IGO:"):
        return _pick(IGOS, code[4:], lang)
    iso2 = _ISO2_EXTRA.get(code.upper())
    if iso2 is None:
        import pycountry

        rec = pycountry.countries.get(alpha_3=code.upper())
        if rec is None:
            return code
        iso2 = rec.alpha_2
    from babel import Locale

    return Locale(lang).territories.get(iso2, code)


def country_names(code: str | None) -> dict[str, str]:
    return {"ar": country_name(code, "ar"), "en": country_name(code, "en")}


def hijri(date_str: str | None, lang: str) -> str:
    """The Hijri form of an ISO date at its precision ('' when out of range or absent)."""
    if not date_str:
        return ""
    from hijridate import Gregorian

    parts = [int(p) for p in date_str.split("-")]
    try:
        if len(parts) == 3:
            h = Gregorian(*parts).to_hijri()
            return f"{h.day} {h.month_name(lang)} {h.year} {h.notation(lang)}"
        if len(parts) == 2:
            import calendar

            first = Gregorian(parts[0], parts[1], 1).to_hijri()
            last = Gregorian(parts[0], parts[1], calendar.monthrange(*parts)[1]).to_hijri()
            return f"{first.month_name(lang)} {first.year} – {last.month_name(lang)} {last.year} {last.notation(lang)}"
        first = Gregorian(parts[0], 1, 1).to_hijri()
        last = Gregorian(parts[0], 12, 31).to_hijri()
        return f"{first.year}–{last.year} {last.notation(lang)}"
    except (ValueError, OverflowError):
        return ""
