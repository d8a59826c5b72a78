"""Read .txt, .html and .jsonl inputs, folders (recursively) and stdin.

Readers never raise on bad input: each yields either a `Document` or a
`Failure` naming the input and the reason, so a batch keeps going and the
store can keep what failed.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from marsad import errors as E
from marsad.errors import Failure
from marsad.model import Document

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
DIR_SUFFIXES = TEXT_SUFFIXES - {".md"} | HTML_SUFFIXES | JSONL_SUFFIXES

_ARABIC = re.compile(r"[\u0600-\u06FF]")
# Share of letters that must be Arabic script: below this the input is not
# an Arabic report (an English page with one Arabic name, say).
MIN_ARABIC_SHARE = 0.3

# Fewer words than this after boilerplate removal is a menu, not a report.
MIN_HTML_WORDS = 8

Item = Document | Failure


def iter_inputs(paths: Iterable[str], max_bytes: int) -> Iterator[Item]:
    """Yield documents and failures for every path ('-' is stdin)."""
    for p in paths:
        if p == "-":
            yield from _guarded(_read_stream(sys.stdin.buffer, "<stdin>", max_bytes), "<stdin>")
            continue
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in DIR_SUFFIXES:
                    yield from _guarded(_read_file(child, max_bytes), str(child))
        elif path.exists():
            yield from _guarded(_read_file(path, max_bytes), str(path))
        else:
            yield Failure(str(path), E.UNREADABLE, "no such file or directory")


def _read_file(path: Path, max_bytes: int) -> Iterator[Item]:
    origin = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield _too_large(origin, size, max_bytes)
            return
        raw = path.read_bytes()
    except OSError as exc:
        yield Failure(origin, E.UNREADABLE, f"cannot read: {exc.strerror or exc}")
        return
    yield from _read_bytes(raw, origin, path.suffix.lower(), max_bytes)


def _guarded(items: Iterator[Item], origin: str) -> Iterator[Item]:
    """A reader that breaks on one input reports it and lets the batch go on."""
    try:
        yield from items
    except Exception as exc:
        yield Failure(origin, E.UNREADABLE, f"could not be read: {exc!r}")


def _read_stream(stream: BinaryIO, origin: str, max_bytes: int) -> Iterator[Item]:
    raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        yield _too_large(origin, len(raw), max_bytes)
        return
    head = raw.lstrip()[:1]
    suffix = ".jsonl" if head == b"{" else ".html" if head == b"<" else ".txt"
    yield from _read_bytes(raw, origin, suffix, max_bytes)


def _too_large(origin: str, size: int, limit: int) -> Failure:
    return Failure(
        origin,
        E.TOO_LARGE,
        f"{size / 1e6:.1f} MB exceeds the size limit of {limit / 1e6:.1f} MB "
        "(raise it with --max-bytes or MARSAD_MAX_BYTES)",
    )


def _decode(raw: bytes, origin: str) -> str | Failure:
    if not raw.strip():
        return Failure(origin, E.EMPTY, "empty input")
    if b"\x00" in raw[:4096]:
        return Failure(origin, E.BINARY, "binary data, not text", raw[:256])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Failure(
            origin,
            E.ENCODING,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "convert it first, e.g. iconv -f cp1256 -t utf-8",
            raw,
        )


def _read_bytes(raw: bytes, origin: str, suffix: str, max_bytes: int) -> Iterator[Item]:
    text = _decode(raw, origin)
    if isinstance(text, Failure):
        yield text
        return
    if suffix in JSONL_SUFFIXES:
        for lineno, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield read_jsonl_line(line, f"{origin}:{lineno}")
        return
    doc = Document(text="")
    if suffix in HTML_SUFFIXES:
        doc = _from_html(text, origin)
        if isinstance(doc, Failure):
            yield doc
            return
    else:
        doc = Document(text=text.strip(), source=Path(origin).name, origin=origin)
    yield _checked(doc, text)


def _from_html(html: str, origin: str) -> Document | Failure:
    import trafilatura

    extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    meta: dict[str, Any] = extracted.as_dict() if extracted is not None else {}
    body = (meta.get("text") or "").strip()
    if len(body.split()) < MIN_HTML_WORDS:
        return Failure(origin, E.NO_TEXT, "no article text found in the HTML (only navigation or boilerplate)", html)
    published = _parse_date(meta.get("date"))
    return Document(
        text=body,
        published=published if isinstance(published, date) else None,
        source=meta.get("sitename") or meta.get("hostname") or Path(origin).name,
        title=meta.get("title"),
        url=meta.get("url"),
        origin=origin,
    )


def _checked(doc: Document, raw: str) -> Item:
    if not doc.text.strip():
        return Failure(doc.origin or "?", E.EMPTY, "empty text", raw)
    letters = [c for c in doc.text[:20000] if c.isalpha()]
    arabic = sum(1 for c in letters if _ARABIC.match(c))
    if not letters or arabic / len(letters) < MIN_ARABIC_SHARE:
        return Failure(doc.origin or "?", E.NOT_ARABIC, "no Arabic text to read", raw)
    return doc


def _parse_date(value: Any) -> date | Failure | None:
    """ISO date (a longer timestamp is cut to its date); None when absent."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        return Failure("", E.BAD_DATE, f"published must be a YYYY-MM-DD string, got {value!r}")
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return Failure("", E.BAD_DATE, f"impossible published date {value!r} (want YYYY-MM-DD)")


def read_jsonl_line(line: str, origin: str) -> Item:
    """One JSONL record: the gold format or `{text, published, source}`."""
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        return Failure(origin, E.BAD_JSON, f"malformed JSON ({exc.msg} at column {exc.colno})", line)
    if not isinstance(rec, dict):
        return Failure(origin, E.BAD_JSON, "a JSONL line must be an object", line)
    text = rec.get("text")
    if not isinstance(text, str):
        return Failure(origin, E.BAD_FIELD, "missing or non-string 'text' field", line)
    published = _parse_date(rec.get("published"))
    if isinstance(published, Failure):
        published.origin, published.raw = origin, line
        return published
    source = rec.get("source")
    doc = Document(
        text=text.strip(),
        published=published,
        source=str(source) if source is not None else None,
        title=rec.get("title") if isinstance(rec.get("title"), str) else None,
        url=rec.get("url") if isinstance(rec.get("url"), str) else None,
        origin=origin,
    )
    return _checked(doc, line)
