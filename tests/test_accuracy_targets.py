"""Issue 4's accuracy targets, asserted on the seed and dev gold files in every test run."""

from __future__ import annotations

import pytest

from marsad.evaluate import evaluate, read_gold
from marsad.pipeline import extract_events
from tests.conftest import shared_file
from tests.test_accuracy import measures

TARGETS = {
    "corpus/seeds.jsonl": {
        "occurred_f1": 0.95,
        "direction": 0.95,
        "date": 0.95,
        "location": 0.90,
        "topics_f1": 0.85,
        "names": 0.90,
        "participants": 0.80,
        "expected_f1": 0.80,
    },
    "corpus/dev.jsonl": {
        "occurred_f1": 0.85,
        "direction": 0.90,
        "date": 0.90,
        "location": 0.80,
        "topics_f1": 0.75,
        "names": 0.80,
        "participants": 0.70,
        "expected_f1": 0.60,
    },
}


@pytest.mark.parametrize("rel", sorted(TARGETS))
def test_targets_hold(rel: str) -> None:
    got = measures(evaluate(read_gold(shared_file(rel)), extract_events))
    short = {k: round(got[k], 3) for k, floor in TARGETS[rel].items() if got[k] < floor}
    assert not short, f"{rel}: below target: {short} (targets {TARGETS[rel]})"
