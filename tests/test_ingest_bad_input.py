"""Bad inputs: each gets a clear message naming it and a failures-table row; nothing else is lost."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import inspect

from marsad import errors as E
from marsad.cli import app
from marsad.store import Store

GOOD = "استقبل وزير الداخلية السعودي اليوم في الرياض وزير الداخلية الباكستاني وبحث الجانبان مكافحة الإرهاب."


def _ingest(runner, db: str, *paths: str, extra: list[str] | None = None):
    return runner.invoke(app, ["ingest", *paths, "--db", db, "-q", *(extra or [])])


def test_each_bad_input_is_named_and_kept(runner, db: str, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin.txt").write_bytes("استقبل".encode("cp1256") + b"\xff\xfe")
    lines = [
        json.dumps({"text": GOOD, "published": "2025-01-20", "source": "a"}, ensure_ascii=False),
        '{"text": "broken',
        json.dumps({"text": GOOD + " ثانية", "published": "2025-13-45"}, ensure_ascii=False),
        json.dumps({"text": GOOD + " ثالثة", "published": None, "source": "b"}, ensure_ascii=False),
        json.dumps({"published": "2025-01-01"}),
    ]
    (tmp_path / "mixed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = _ingest(runner, db, str(tmp_path))
    assert res.exit_code == E.EXIT_PARTIAL, res.output
    for name in ("empty.txt", "binary.txt", "latin.txt", "mixed.jsonl:2", "mixed.jsonl:3", "mixed.jsonl:5"):
        assert name in res.output, f"{name} not named in: {res.output}"
    store = Store(db)
    rows = store.failures()
    codes = {Path(r["origin"]).name: r["code"] for r in rows}
    assert codes["empty.txt"] == E.EMPTY
    assert codes["binary.txt"] == E.BINARY
    assert codes["latin.txt"] == E.ENCODING
    assert codes["mixed.jsonl:2"] == E.BAD_JSON
    assert codes["mixed.jsonl:3"] == E.BAD_DATE
    assert codes["mixed.jsonl:5"] == E.BAD_FIELD
    assert all(r["raw_bytes"] > 0 for r in rows if r["code"] != E.EMPTY), "raw input must be kept"
    assert store.count("documents") == 2  # the two good lines


def test_oversized_file_is_refused_with_the_limit_and_how_to_raise_it(runner, db: str, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    chunk = (GOOD + "\n").encode("utf-8")
    with big.open("wb") as fh:
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            fh.write(chunk)
    assert big.stat().st_size >= 50 * 1024 * 1024
    res = _ingest(runner, db, str(big), str(_good_file(tmp_path)))
    assert res.exit_code == E.EXIT_PARTIAL
    assert "big.txt" in res.output and "size limit" in res.output and "--max-bytes" in res.output
    store = Store(db)
    assert [r["code"] for r in store.failures()] == [E.TOO_LARGE]
    assert store.count("documents") == 1


def _good_file(tmp_path: Path) -> Path:
    p = tmp_path / "good.txt"
    p.write_text(GOOD, encoding="utf-8")
    return p


def test_html_with_scripts_and_navigation_keeps_only_the_article(runner, db: str, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>خبر</title><script>var x = 'وقع اتفاقية مزيفة';</script></head><body>"
        "<nav><a href='/'>الرئيسية</a> | <a href='/sport'>رياضة</a></nav>"
        f"<article><h1>مباحثات أمنية</h1><p>{GOOD}</p><p>وأكد الجانبان أهمية تبادل المعلومات.</p></article>"
        "<footer>جميع الحقوق محفوظة</footer><script>alert(1)</script></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "nav_only.html").write_text("<html><body><nav>الرئيسية</nav><script>x()</script></body></html>")
    res = _ingest(runner, db, str(tmp_path))
    store = Store(db)
    docs = list(store.iter_documents())
    assert len(docs) == 1
    assert "مزيفة" not in docs[0].text and "alert" not in docs[0].text and "الرياض" in docs[0].text
    assert res.exit_code == E.EXIT_PARTIAL
    assert [Path(r["origin"]).name for r in store.failures()] == ["nav_only.html"]


def test_stdin_and_non_arabic_text(runner, db: str) -> None:
    res = runner.invoke(app, ["ingest", "-", "--db", db, "-q"], input=GOOD)
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["ingest", "-", "--db", db, "-q"], input="This is an English text only.")
    assert res.exit_code == E.EXIT_PARTIAL and "<stdin>" in res.output and "Arabic" in res.output


def test_missing_path_is_a_failure_not_a_crash(runner, db: str) -> None:
    res = _ingest(runner, db, "/no/such/file.txt")
    assert res.exit_code == E.EXIT_PARTIAL
    assert "no such file" in res.output


def test_schema_is_migrated_and_versioned(db: str) -> None:
    store = Store(db)
    assert store.schema_version() is not None
    with store.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    assert {"documents", "events", "event_topics", "participants", "failures", "alembic_version"} <= tables
    assert mode == "wal"
