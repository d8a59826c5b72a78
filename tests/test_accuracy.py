"""The accuracy gate: scores on the shared gold files never drop more than 0.02
below the recorded baseline (tests/accuracy_baseline.json).

Record a new baseline after an improvement with
``MARSAD_RECORD_BASELINE=1 python -m pytest tests/test_accuracy.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from marsad.evaluate import Scores, evaluate, read_gold
from marsad.pipeline import extract_events
from tests.conftest import EXAMPLES, shared_file

BASELINE = Path(__file__).with_name("accuracy_baseline.json")
TOLERANCE = 0.02  # the rule: a drop of more than this fails
FILES = ["corpus/seeds.jsonl", "corpus/dev.jsonl", "corpus/dev-b.jsonl", "examples/demo.jsonl"]


def measures(s: Scores) -> dict[str, float]:
    return {
        "occurred_f1": s.occurred.f1,
        "expected_f1": s.expected.f1,
        "direction": s.direction.value,
        "date": s.date.value,
        "location": s.location.value,
        "names": s.names.value,
        "topics_f1": s.topics.f1,
        "participants": s.participants.value,
    }


@pytest.mark.parametrize("rel", FILES)
def test_no_regression(rel: str) -> None:
    path = EXAMPLES.parent / rel if rel.startswith("examples/") else shared_file(rel)
    got = measures(evaluate(read_gold(path), extract_events))
    print(f"\n{rel}: " + "  ".join(f"{k} {v:.3f}" for k, v in got.items()))
    base = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    if os.environ.get("MARSAD_RECORD_BASELINE"):
        base[rel] = {k: round(v, 4) for k, v in got.items()}
        BASELINE.write_text(json.dumps(base, indent=2, sort_keys=True) + "\n")
        return
    assert rel in base, f"no baseline for {rel}: record one"
    drops = {k: (base[rel][k], round(v, 4)) for k, v in got.items() if v < base[rel][k] - TOLERANCE}
    assert not drops, f"{rel}: scores dropped below the baseline (baseline, now): {drops}"
