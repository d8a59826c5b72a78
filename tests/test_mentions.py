"""Mentions phrasebook: lexicon forms found through Arabic clitics, and words that only look like them."""

from __future__ import annotations

import pytest

from marsad.lexicons.loader import load
from marsad.normalize import normalize_form
from marsad.pipeline.mentions import find


def kinds(text: str) -> list[tuple[str, str]]:
    return [(m.kind, m.value) for m in find(load(), normalize_form(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("بالرياض", ("capital", "SAU")),
        ("وللسعودية", ("country", "SAU")),  # و + ل + (ا)لسعودية
        ("فبالقاهرة", ("capital", "EGY")),
        ("الباكستانيين", ("nisba", "PAK")),
        ("والمغربية", ("nisba", "MAR")),
        ("مواطنا فرنسيا", ("nisba", "FRA")),
        ("جمهورية باكستان الإسلامية", ("country", "PAK")),
        ("إسلام آباد", ("capital", "PAK")),
        ("للإنتربول", ("igo", "IGO:INTERPOL")),
        ("مجلس التعاون لدول الخليج العربية", ("igo", "IGO:GCC")),
    ],
)
def test_geo_through_clitics(text: str, expected: tuple[str, str]) -> None:
    assert expected in kinds(text)


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("استقبله", "CONSULT"),
        ("وأجرى اتصالاً هاتفياً", "CONSULT"),
        ("خلال زيارته", "CONSULT"),
        ("لقاءاته", "CONSULT"),
        ("وقّعا", "AGREE"),
        ("سلّمت", "COOPERATE"),
        ("ألقت القبض", "COERCE"),
    ],
)
def test_triggers_with_clitics_and_pronouns(text: str, trigger: str) -> None:
    assert ("trigger", trigger) in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "فيصل",  # not ف + يصل (arrives)
        "وزارة",  # not و + زار + ة
        "الاجتماعي",  # social, not "my meeting"
        "سلمان",  # a name, not سلم + ان
        "لبحث سبل التعاون",  # purpose (ل + masdar), not a verb
    ],
)
def test_words_that_only_look_like_triggers(text: str) -> None:
    assert not [k for k in kinds(text) if k[0] == "trigger"], kinds(text)


def test_state_names_take_no_article_of_their_own() -> None:
    # "التركية" is the nisba of Turkey, not ال + "تركية" (a name of Turkey).
    assert ("nisba", "TUR") in kinds("القمة التركية الأفريقية")
    assert ("country", "TUR") not in kinds("القمة التركية الأفريقية")
