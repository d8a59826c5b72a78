"""Input as shards: pieces small enough for one worker task, read where they are processed.

The driver only lists files, ZIP members and line boundaries (`plan_shards`); a worker
opens its shard and decodes and validates it with the functions of `readers.py`
(`read_shard`), so no process ever holds the whole corpus. Shards are plain frozen
dataclasses: they pickle in a few bytes and name their input in failure messages.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from marsad import errors as E
from marsad.errors import Failure
from marsad.ingest.readers import (
    DIR_SUFFIXES,
    JSONL_SUFFIXES,
    Item,
    _checked,
    _decode,
    _guarded,
    _parse_date,
    _read_bytes,
    _read_file,
    _too_large,
    read_jsonl_line,
)
from marsad.model import Document

# ~2 MB of input per task: about 500 real news articles (SaudiNewsNet averages 4 KB of
# JSON each), i.e. a few seconds of extraction, so tasks are long next to Dask's ~1 ms
# overhead yet short enough that a killed worker costs little and two workers finish together.
SHARD_BYTES = 2 * 1024 * 1024
# Many small .txt/.html files travel together, at most this many per task.
MAX_FILES_PER_SHARD = 256
ARCHIVE_SUFFIXES = {".zip"}

Kind = Literal["files", "members", "lines", "array"]


@dataclass(frozen=True, slots=True)
class Shard:
    """One task's worth of input.

    files: `names` are file paths. members: `names` are members of the ZIP at `path`.
    lines: the JSONL lines of `path` starting in bytes [start, stop), the first is line `first_line`.
    array: items i with i % parts == part of the JSON array in `path` (or its member `names[0]`).
    """

    kind: Kind
    path: str = ""
    names: tuple[str, ...] = ()
    start: int = 0
    stop: int = 0
    first_line: int = 1
    part: int = 0
    parts: int = 1

    @property
    def label(self) -> str:
        if self.kind == "files":
            return self.names[0] + (f" (+{len(self.names) - 1} files)" if len(self.names) > 1 else "")
        if self.kind == "lines":
            return f"{self.path}:{self.first_line}+"
        where = f"{self.path}!{self.names[0]}" if self.names else self.path
        return f"{where} (part {self.part + 1}/{self.parts})" if self.kind == "array" else where


# -- planning (driver side: never reads contents, only sizes, names and newlines) ---------------
def plan_shards(paths: Iterable[str], max_bytes: int, shard_bytes: int = SHARD_BYTES) -> Iterator[Shard | Failure]:
    """Shards for every path (folders recursively, ZIPs by member), in a stable order."""
    group: list[str] = []
    size = 0
    for p in paths:
        for path, fail in _walk(p):
            if fail is not None:
                yield fail
                continue
            suffix = path.suffix.lower()
            if suffix in ARCHIVE_SUFFIXES:
                yield from _zip_shards(path, max_bytes, shard_bytes)
            elif suffix in JSONL_SUFFIXES:
                yield from _json_file_shards(path, max_bytes, shard_bytes)
            else:
                group.append(str(path))
                size += _size(path)
                if len(group) >= MAX_FILES_PER_SHARD or size >= shard_bytes:
                    yield Shard("files", names=tuple(group))
                    group, size = [], 0
    if group:
        yield Shard("files", names=tuple(group))


def _walk(p: str) -> Iterator[tuple[Path, Failure | None]]:
    if p == "-":
        yield Path(p), Failure("<stdin>", E.UNREADABLE, "stdin cannot be split across workers; save it to a file first")
        return
    path = Path(p)
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and child.suffix.lower() in DIR_SUFFIXES | ARCHIVE_SUFFIXES:
                yield child, None
    elif path.exists():
        yield path, None
    else:
        yield path, Failure(str(path), E.UNREADABLE, "no such file or directory")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the worker reports why it cannot read it


def _json_file_shards(path: Path, max_bytes: int, shard_bytes: int) -> Iterator[Shard | Failure]:
    try:
        with path.open("rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
            size = os.fstat(fh.fileno()).st_size
            if head == b"[":
                yield from _array_shards(str(path), (), size, max_bytes, shard_bytes)
            else:
                yield from _line_shards(fh, str(path), size, shard_bytes)
    except OSError as exc:
        yield Failure(str(path), E.UNREADABLE, f"cannot read: {exc.strerror or exc}")


def _line_shards(fh: Any, path: str, size: int, shard_bytes: int) -> Iterator[Shard]:
    """Cut a JSONL file at line ends every ~shard_bytes, counting lines so origins say `file:line`."""
    start, first = 0, 1
    while start < size:
        fh.seek(min(start + shard_bytes, size))
        fh.readline()  # on to the end of the line we landed in
        stop = fh.tell()
        yield Shard("lines", path, start=start, stop=stop, first_line=first)
        fh.seek(start)
        left = stop - start
        while left:
            chunk = fh.read(min(left, 1 << 20))
            first += chunk.count(b"\n")
            left -= len(chunk)
        start = stop


def _array_shards(
    path: str, names: tuple[str, ...], size: int, max_bytes: int, shard_bytes: int
) -> Iterator[Shard | Failure]:
    where = f"{path}!{names[0]}" if names else path
    if size > max_bytes:  # every task of the array parses it whole, so the per-input limit applies
        yield _too_large(where, size, max_bytes)
        return
    parts = max(1, -(-size // shard_bytes))
    for part in range(parts):
        yield Shard("array", path, names, part=part, parts=parts)


def _zip_shards(path: Path, max_bytes: int, shard_bytes: int) -> Iterator[Shard | Failure]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            group: list[str] = []
            for info in sorted(infos, key=lambda i: i.filename):
                suffix = Path(info.filename).suffix.lower()
                if suffix == ".json" and _zip_head(zf, info) == b"[":
                    yield from _array_shards(str(path), (info.filename,), info.file_size, max_bytes, shard_bytes)
                elif suffix in DIR_SUFFIXES:
                    group.append(info.filename)
                    if len(group) >= MAX_FILES_PER_SHARD:
                        yield Shard("members", str(path), tuple(group))
                        group = []
            if group:
                yield Shard("members", str(path), tuple(group))
    except (OSError, zipfile.BadZipFile) as exc:
        yield Failure(str(path), E.UNREADABLE, f"not a readable ZIP archive: {exc}")


def _zip_head(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with zf.open(info) as fh:
        return fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")[:1]


# -- reading (worker side) --------------------------------------------------------------------
def read_shard(shard: Shard, max_bytes: int) -> Iterator[Item]:
    """Documents and failures of one shard; like `iter_inputs`, never raises on bad input."""
    if shard.kind == "files":
        for name in shard.names:
            yield from _guarded(_read_file(Path(name), max_bytes), name)
    elif shard.kind == "lines":
        yield from _guarded(_read_lines(shard, max_bytes), shard.label)
    elif shard.kind == "members":
        yield from _guarded(_read_members(shard, max_bytes), shard.path)
    else:
        yield from _guarded(_read_array(shard), shard.label)


def _read_lines(shard: Shard, max_bytes: int) -> Iterator[Item]:
    with open(shard.path, "rb") as fh:
        fh.seek(shard.start)
        lineno = shard.first_line
        while fh.tell() < shard.stop:
            raw = fh.readline()
            origin = f"{shard.path}:{lineno}"
            lineno += 1
            if len(raw) > max_bytes:
                yield _too_large(origin, len(raw), max_bytes)
                continue
            text = _decode(raw, origin)
            if isinstance(text, Failure):
                if text.code != E.EMPTY:  # blank lines are skipped, as by the JSONL reader
                    yield text
                continue
            yield read_jsonl_line(text, origin)


def _read_members(shard: Shard, max_bytes: int) -> Iterator[Item]:
    with zipfile.ZipFile(shard.path) as zf:
        for name in shard.names:
            origin = f"{shard.path}!{name}"
            info = zf.getinfo(name)
            if info.file_size > max_bytes:
                yield _too_large(origin, info.file_size, max_bytes)
                continue
            yield from _guarded(_read_bytes(zf.read(name), origin, Path(name).suffix.lower(), max_bytes), origin)


def _read_array(shard: Shard) -> Iterator[Item]:
    where = f"{shard.path}!{shard.names[0]}" if shard.names else shard.path
    if shard.names:
        with zipfile.ZipFile(shard.path) as zf:
            raw = zf.read(shard.names[0])
    else:
        raw = Path(shard.path).read_bytes()
    text = _decode(raw, where)
    del raw
    if isinstance(text, Failure):
        yield text
        return
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        if shard.part == 0:  # one failure for the whole array, not one per part
            yield Failure(where, E.BAD_JSON, f"malformed JSON array ({exc.msg} at line {exc.lineno})")
        return
    del text
    for i in range(shard.part, len(items), shard.parts):
        yield read_record(items[i], f"{where}[{i}]")


def read_record(rec: Any, origin: str) -> Item:
    """One article object: marsad's `{text, published, source, title, url}` or SaudiNewsNet's
    `{content, date_extracted, source, title, url}` (its extraction day stands for the
    publication day, which it usually is)."""
    if not isinstance(rec, dict):
        return Failure(origin, E.BAD_JSON, "an array item must be an object", _raw(rec))
    text = rec.get("text", rec.get("content"))
    if not isinstance(text, str):
        return Failure(origin, E.BAD_FIELD, "missing or non-string 'text' (or 'content') field", _raw(rec))
    published = _parse_date(rec.get("published", rec.get("date_extracted")))
    if isinstance(published, Failure):
        published.origin, published.raw = origin, _raw(rec)
        return published

    def _str(key: str) -> str | None:
        value = rec.get(key)
        return value if isinstance(value, str) else None

    doc = Document(text=text.strip(), published=published, source=_str("source"), title=_str("title"),
                   url=_str("url"), origin=origin)
    item = _checked(doc, "")
    if isinstance(item, Failure):
        item.raw = _raw(rec)  # serialised only for the few that fail: the failures table keeps it
    return item


def _raw(rec: Any) -> str:
    return json.dumps(rec, ensure_ascii=False)
