"""The CLI as a user meets it: help everywhere, extract/explain/eval/bench/reextract, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.cli import app
from marsad.store import Store
from tests.conftest import EXAMPLES

ARTICLE = EXAMPLES / "articles" / "kuwait-usa-reception.txt"
COMMANDS = ["ingest", "extract", "explain", "events", "export", "eval", "failures", "reextract", "bench", "serve"]


@pytest.mark.parametrize("cmd", [None, *COMMANDS])
def test_help_everywhere(runner, cmd: str | None) -> None:
    res = runner.invoke(app, [*([cmd] if cmd else []), "--help"])
    assert res.exit_code == 0 and "Usage" in res.output


def test_extract_prints_gold_shaped_records(runner) -> None:
    res = runner.invoke(app, ["extract", str(ARTICLE), "-f", "json"])
    assert res.exit_code == 0, res.output
    recs = json.loads(res.stdout)
    assert recs and {
        "type",
        "mode",
        "status",
        "actor",
        "recipient",
        "date",
        "location",
        "topics",
        "participants",
        "evidence",
        "evidence_start",
        "trigger",
        "confidence",
        "provenance",
    } <= set(recs[0])
    text = ARTICLE.read_text(encoding="utf-8")
    assert text[recs[0]["evidence_start"] : recs[0]["evidence_end"]] == recs[0]["evidence"]


def test_extract_from_stdin(runner) -> None:
    res = runner.invoke(app, ["extract", "-", "-f", "csv"], input=ARTICLE.read_text(encoding="utf-8"))
    assert res.exit_code == 0 and res.stdout.startswith("event_id,")


def test_explain_names_the_rules(runner) -> None:
    res = runner.invoke(app, ["explain", str(ARTICLE)])
    assert res.exit_code == 0
    assert "triggers.tsv" in res.stdout and "استقبل" in res.stdout


def test_user_lexicon_folder_adds_a_trigger(runner, tmp_path: Path) -> None:
    text = "احتفى وزير الداخلية القطري بنظيره التونسي في الدوحة اليوم."
    art = tmp_path / "a.txt"
    art.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["extract", str(art), "-f", "json"])
    assert json.loads(res.stdout) == []
    lex = tmp_path / "lex"
    lex.mkdir()
    (lex / "triggers.tsv").write_text("# source: test\nاحتفى\tCONSULT\thost\thost\tverb\n", encoding="utf-8")
    res = runner.invoke(app, ["extract", str(art), "-f", "json", "--lexicons", str(lex)])
    recs = json.loads(res.stdout)
    assert [(r["type"], r["actor"]["country"], r["recipient"]["country"]) for r in recs] == [("CONSULT", "QAT", "TUN")]


def test_eval_on_the_demo_gold(runner) -> None:
    res = runner.invoke(app, ["eval", str(EXAMPLES / "demo.jsonl"), "-f", "json", "--errors"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["documents"] == 16 and 0 <= d["occurred"]["f1"] <= 1 and isinstance(d["errors"], list)
    res = runner.invoke(app, ["eval", str(EXAMPLES / "demo.jsonl")])
    assert "occurred F1" in res.stdout


def test_eval_rejects_a_malformed_gold_file(runner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "نص"\n', encoding="utf-8")
    res = runner.invoke(app, ["eval", str(bad)])
    assert res.exit_code == 1 and "bad.jsonl:1" in res.output


def test_events_without_a_database_is_a_clear_error(runner, tmp_path: Path) -> None:
    res = runner.invoke(app, ["events", "--db", str(tmp_path / "none.db")])
    assert res.exit_code == 1 and "no database" in res.output


def test_reextract_keeps_documents_and_renews_events(runner, db: str) -> None:
    runner.invoke(app, ["ingest", str(EXAMPLES / "articles"), "--db", db, "-q"])
    store = Store(db)
    docs, evs = store.count("documents"), store.count("events")
    res = runner.invoke(app, ["reextract", "--db", db])
    assert res.exit_code == 0
    assert (store.count("documents"), store.count("events")) == (docs, evs)


def test_bench_prints_figures(runner) -> None:
    res = runner.invoke(app, ["bench", "--docs", "40"])
    assert res.exit_code == 0 and "docs/s" in res.stdout and "ratio" in res.stdout


def test_config_file_names_the_lexicon_folder(runner, tmp_path: Path, monkeypatch) -> None:
    lex = tmp_path / "lex"
    lex.mkdir()
    (lex / "triggers.tsv").write_text("# source: test\nاحتفى\tCONSULT\thost\thost\tverb\n", encoding="utf-8")
    art = tmp_path / "a.txt"
    art.write_text("احتفى وزير الداخلية القطري بنظيره التونسي في الدوحة اليوم.", encoding="utf-8")
    (tmp_path / "marsad.toml").write_text(f'lexicons = ["{lex}"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MARSAD_LEXICONS", raising=False)
    res = runner.invoke(app, ["extract", str(art), "-f", "json"])
    assert [r["type"] for r in json.loads(res.stdout)] == ["CONSULT"]
