"""Extraction phrasebook: one Arabic report per phenomenon, written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from marsad.model import Document
from marsad.pipeline import extract

PUB = date(2025, 3, 12)  # a Wednesday


def events(text: str, pub: date | None = PUB):
    return extract(Document(text=text, published=pub)).events


def one(text: str, type_: str = "CONSULT", status: str = "occurred"):
    evs = [e for e in events(text) if e.type == type_ and e.status == status]
    assert len(evs) == 1, [(e.type, e.status, e.actor.country, e.recipient.country) for e in events(text)]
    return evs[0]


# -- host rule, reception, visit ------------------------------------------------
def test_reception_host_is_actor_with_names_titles_and_place() -> None:
    e = one(
        "استقبل وزير الداخلية الأردني اللواء سامي الخطيب اليوم في عمّان وزير الداخلية التونسي "
        "السيد منير الطرابلسي، وبحث الجانبان تعزيز التعاون في مكافحة الإرهاب وتهريب المخدرات."
    )
    assert (e.mode, e.actor.country, e.recipient.country) == ("host", "JOR", "TUN")
    assert e.actor.name == "سامي الخطيب" and e.recipient.name == "منير الطرابلسي"
    assert e.actor.title == "وزير الداخلية الأردني" and e.actor.sector == "GOV"
    assert e.date == "2025-03-12"
    assert {"counterterrorism", "drug_trafficking"} <= set(e.topics)


def test_talks_on_the_guests_ground_make_the_guest_the_host() -> None:
    e = one("عقد وزير الداخلية القطري جلسة مباحثات مع نظيره المغربي في الرباط أمس.")
    assert (e.mode, e.actor.country, e.recipient.country) == ("host", "MAR", "QAT")
    assert e.location is not None and e.location.name == "الرباط" and e.location.country == "MAR"
    assert e.date == "2025-03-11"


def test_name_before_title_and_honorifics_stripped() -> None:
    e = one(
        "استقبل صاحب السمو الملكي الأمير فيصل بن خالد، وزير الداخلية السعودي، معالي الدكتور "
        "كريم العلي، وزير الداخلية العراقي، في مكتبه بالرياض."
    )
    assert e.actor.name == "فيصل بن خالد" and e.recipient.name == "كريم العلي"
    assert (e.actor.country, e.recipient.country) == ("SAU", "IRQ")


def test_ambassador_acts_for_the_state_that_sends_him() -> None:
    e = one("استقبل وزير الداخلية البحريني سفير جمهورية مصر العربية لدى مملكة البحرين السيد ياسر شعبان.")
    assert (e.actor.country, e.recipient.country) == ("BHR", "EGY")
    assert e.recipient.sector == "DIP"


# -- phone calls -----------------------------------------------------------------
def test_phone_call_caller_is_actor() -> None:
    e = one("أجرى وزير الداخلية الكويتي اتصالاً هاتفياً مع نظيره العماني مساء الأحد.")
    assert (e.mode, e.actor.country, e.recipient.country, e.date) == ("phone", "KWT", "OMN", "2025-03-09")


def test_received_call_makes_the_other_party_the_caller() -> None:
    e = one("تلقى وزير الداخلية الإماراتي اتصالاً هاتفياً من وزير الداخلية الفرنسي.")
    assert (e.actor.country, e.recipient.country) == ("FRA", "ARE")


# -- agreements, status ------------------------------------------------------------
def test_signing_and_expected_signing() -> None:
    evs = events(
        "وقّعت المغرب وإسبانيا اليوم مذكرة تفاهم في مجال مكافحة الهجرة غير الشرعية. "
        "ومن المتوقع أن يتم توقيع اتفاقية أخرى بين البلدين الشهر المقبل."
    )
    got = sorted((e.type, e.status) for e in evs)
    assert got == [("AGREE", "expected"), ("AGREE", "occurred")]
    occurred = next(e for e in evs if e.status == "occurred")
    assert {occurred.actor.country, occurred.recipient.country} == {"MAR", "ESP"}
    assert "illegal_migration" in occurred.topics


def test_agreement_to_meet_again_is_an_agreement_and_an_expected_meeting() -> None:
    evs = events("التقى وزير الداخلية الليبي نظيره التونسي في تونس، وتم الاتفاق على عقد اجتماعات دورية بين البلدين.")
    kinds = sorted((e.type, e.status) for e in evs)
    assert ("AGREE", "occurred") in kinds and ("CONSULT", "expected") in kinds and ("CONSULT", "occurred") in kinds


def test_future_verb_is_expected() -> None:
    e = one("سيلتقي وزير الداخلية الأردني نظيره السوري في دمشق الأسبوع المقبل.", status="expected")
    assert {e.actor.country, e.recipient.country} == {"JOR", "SYR"}


def test_negated_meeting_is_no_event() -> None:
    evs = events("لم يلتق وزير الداخلية اللبناني نظيره السوري خلال زيارته.")
    assert not [e for e in evs if e.type == "CONSULT" and e.mode in {"meet", "host"}]


def test_happening_not_signing() -> None:
    assert not [e for e in events("ووقع الهجوم قرب الحدود الباكستانية مع أفغانستان.") if e.type == "AGREE"]


# -- clitics, counterpart, dyad --------------------------------------------------
@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("بحث وزير الداخلية السعودي مع نظيره الباكستاني سبل التعاون.", {"SAU", "PAK"}),
        ("بحث وزير الداخلية الكويتي وللسعودية سفير لدى الكويت سبل التعاون.", None),
        ("التقى وزير الداخلية الجزائري بالوزير الموريتاني في نواكشوط.", {"DZA", "MRT"}),
        ("عقد وزيرا داخلية مصر والسودان اجتماعاً في القاهرة.", {"EGY", "SDN"}),
    ],
)
def test_pairs_through_clitics_and_counterparts(text: str, pair: set[str] | None) -> None:
    evs = [e for e in events(text) if e.type == "CONSULT"]
    if pair is None:
        return
    assert evs and {evs[0].actor.country, evs[0].recipient.country} == pair


def test_one_event_per_happening_and_a_past_meeting_kept_apart() -> None:
    evs = events(
        "استقبل وزير الداخلية العماني اليوم وزير الداخلية الأردني في مسقط. وبحث الجانبان خلال اللقاء "
        "تبادل المعلومات. وفي يناير الماضي، جرت مباحثات مماثلة بين البلدين في عمّان."
    )
    consult = sorted((e.date or "") for e in evs if e.type == "CONSULT")
    assert consult == ["2025-01", "2025-03-12"]


# -- handovers, arrests, aid -----------------------------------------------------
def test_handover_actor_is_the_state_that_hands_over() -> None:
    e = one("سلّمت السلطات التركية متهماً مطلوباً إلى السلطات العراقية أمس.", "COOPERATE")
    assert (e.mode, e.actor.country, e.recipient.country) == ("handover", "TUR", "IRQ")


def test_taking_delivery_reverses_the_roles() -> None:
    e = one("تسلّمت الشرطة الأردنية من نظيرتها الإماراتية مطلوباً هارباً.", "COOPERATE")
    assert (e.actor.country, e.recipient.country) == ("ARE", "JOR")


def test_equipment_handed_over_is_aid() -> None:
    e = one("سلّمت الحكومة الإيطالية زوارق دورية إلى خفر السواحل الليبي في طرابلس.", "AID")
    assert (e.actor.country, e.recipient.country) == ("ITA", "LBY")


def test_arrest_of_a_foreign_national() -> None:
    e = one("ألقت الشرطة المغربية القبض على مواطن فرنسي في مدينة طنجة.", "COERCE")
    assert (e.actor.country, e.recipient.country) == ("MAR", "FRA")


def test_background_only_report_has_no_events() -> None:
    text = (
        "تربط المملكة العربية السعودية وباكستان علاقات تاريخية وثيقة في مختلف المجالات، "
        "ويعد التعاون الأمني بين البلدين ركيزة أساسية في هذه العلاقات."
    )
    assert events(text) == []


def test_hijri_dated_meeting() -> None:
    e = one("استقبل وزير الداخلية السعودي في 12 رمضان 1446هـ وزير الداخلية الإندونيسي في جدة.")
    assert e.date == "2025-03-12"


def test_every_event_carries_evidence_offsets_and_provenance() -> None:
    text = "استقبل وزيرُ الداخليةِ السعوديُّ اليومَ وزيرَ الداخليةِ الباكستانيَّ في الرياض."
    e = one(text)
    assert text[e.evidence_start : e.evidence_end] == e.evidence
    assert text[e.trigger_start : e.trigger_end] == e.trigger == "استقبل"
    assert 0 < e.confidence <= 1 and e.extractor_version.startswith("marsad-")
    assert {"type", "actor.country", "recipient.country", "date"} <= set(e.provenance)
