"""The evaluator's matching rules, pinned with hand-made gold and predictions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.evaluate import GoldDoc, dates_compatible, evaluate, match, read_gold
from marsad.model import Event, Location, Participant, Party


def ev(
    type_: str = "CONSULT",
    a: str | None = "SAU",
    r: str | None = "PAK",
    date: str | None = None,
    status: str = "occurred",
    **kw,
) -> Event:
    return Event(type=type_, actor=Party(a), recipient=Party(r), date=date, status=status, **kw)


def score(gold: list[Event], pred: list[Event]):
    doc = GoldDoc("d1", "نص", None, gold, [None] * len(gold))
    return evaluate([doc], lambda _d: pred)


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        ("2025-01-20", "2025-01-20", True),
        ("2025-01-20", "2025-01-21", False),
        ("2025-01", "2025-01-20", True),  # less precise contains the other
        ("2025", "2025-01-20", True),
        ("2025-02", "2025-01-20", False),
        (None, "2025-01-20", True),
        (None, None, True),
        ("2024", "2025-01", False),
    ],
)
def test_date_compatibility(a: str | None, b: str | None, ok: bool) -> None:
    assert dates_compatible(a, b) is ok
    assert dates_compatible(b, a) is ok


def test_pair_is_unordered_but_direction_is_scored() -> None:
    s = score([ev(a="SAU", r="PAK")], [ev(a="PAK", r="SAU")])
    assert (s.occurred.tp, s.occurred.fp, s.occurred.fn) == (1, 0, 0)
    assert s.direction.value == 0.0


def test_type_must_match() -> None:
    s = score([ev("CONSULT")], [ev("AGREE")])
    assert (s.occurred.tp, s.occurred.fp, s.occurred.fn) == (0, 1, 1)


def test_one_to_one_matching() -> None:
    s = score([ev()], [ev(), ev()])
    assert (s.occurred.tp, s.occurred.fp, s.occurred.fn) == (1, 1, 0)
    s = score([ev(date="2025-05"), ev(date="2025-01-20")], [ev(date=None)])
    assert (s.occurred.tp, s.occurred.fn) == (1, 1)


def test_maximum_matching_not_greedy() -> None:
    gold = [ev(date=None), ev(date="2025-05")]
    pred = [ev(date="2025-05-03"), ev(date="2025-01-01")]
    # gold[1] can only take pred[0]; gold[0] must then take pred[1].
    assert len(match(gold, pred)) == 2


def test_expected_events_scored_on_their_own_line() -> None:
    s = score([ev(status="expected"), ev()], [ev(status="expected")])
    assert (s.expected.tp, s.occurred.tp, s.occurred.fn) == (1, 0, 1)


def test_empty_documents() -> None:
    s = score([], [])
    assert (s.occurred.tp, s.occurred.fp, s.occurred.fn) == (0, 0, 0)
    assert s.occurred.f1 == 0.0
    s = score([], [ev()])
    assert s.occurred.fp == 1


def test_attributes_on_matched_events() -> None:
    gold = ev(
        date="2025-01-20",
        location=Location("الرياض", "SAU"),
        topics=["counterterrorism", "training"],
        participants=[Participant("خالد البتال", None, "SAU"), Participant("محمد علي", None, "SAU")],
    )
    gold.actor.name = "عبدالعزيز بن سعود"
    pred = ev(
        date="2025-01-20",
        location=Location("الرياض", "SAU"),
        topics=["counterterrorism", "hajj_umrah"],
        participants=[Participant("خالد البتال", None, "SAU")],
    )
    pred.actor.name = "عبد العزيز بن سعود"  # spacing of عبد ال folds
    s = score([gold], [pred])
    assert s.date.value == 1.0 and s.location.value == 1.0 and s.names.value == 1.0
    assert (s.topics.tp, s.topics.fp, s.topics.fn) == (1, 1, 1)
    assert s.participants.value == 0.5


def test_errors_name_document_and_evidence() -> None:
    s = score([ev(evidence="جملة ذهبية")], [ev("AGREE", evidence="جملة متوقعة")])
    kinds = {e["kind"] for e in s.errors}
    assert kinds == {"miss (occurred)", "false alarm (occurred)"}
    assert all(e["doc"] == "d1" and e["evidence"] for e in s.errors)


def test_extractor_sees_only_text_and_date(tmp_path: Path) -> None:
    line = {
        "doc_id": "x",
        "published": "2025-01-20",
        "source": "s",
        "text": "نص",
        "story": "st",
        "events": [
            {
                "type": "CONSULT",
                "status": "occurred",
                "actor": {"country": "SAU"},
                "recipient": {"country": "PAK"},
                "date": None,
                "topics": [],
                "participants": [],
            }
        ],
    }
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    seen = []

    def spy(doc):
        seen.append(doc)
        return []

    s = evaluate(read_gold(path), spy)
    assert seen[0].text == "نص" and str(seen[0].published) == "2025-01-20"
    assert seen[0].events == [] and s.occurred.fn == 1 and s.story is not None


def test_story_pairs() -> None:
    g1, g2 = ev(date="2025-01-20"), ev(date="2025-01-20")
    p1, p2 = ev(date="2025-01-20"), ev(date="2025-01-20")
    p1.story = p2.story = "s1"
    docs = [GoldDoc("a", "t", None, [g1], ["k"]), GoldDoc("b", "t", None, [g2], ["k"])]
    preds = iter([[p1], [p2]])
    s = evaluate(docs, lambda _d: next(preds))
    assert s.story is not None and (s.story.tp, s.story.fp, s.story.fn) == (1, 0, 0)
