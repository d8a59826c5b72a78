"""The `marsad` command: parses options, calls the library, prints.

No business logic lives here. Exit codes: 0 ok, 1 error, 2 usage, 3 some
inputs failed (they are in the failures table).
"""

from __future__ import annotations

import json
import os
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from marsad import __version__
from marsad import errors as E
from marsad.config import DEFAULT_DB, Settings
from marsad.errors import Failure, MarsadError
from marsad.model import Document, Event

app = typer.Typer(
    help="marsad (مرصد): Arabic news to verifiable security-cooperation event data.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
)
out = Console()
err = Console(stderr=True)


class Fmt(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ExportFmt(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"
    graphml = "graphml"


DbOpt = Annotated[
    str,
    typer.Option("--db", envvar="MARSAD_DB", help="SQLite path or SQLAlchemy URL of the store."),
]
LexOpt = Annotated[
    list[Path] | None,
    typer.Option("--lexicons", help="Folder of user lexicon TSVs that add to or override the bundled ones."),
]


def _lexicons(dirs: list[Path] | None) -> list[Path]:
    return list(dirs or []) + Settings().lexicon_dirs


def _version(value: bool) -> None:
    if value:
        out.print(f"marsad {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """marsad (مرصد): Arabic news to verifiable security-cooperation event data."""


def _store(db: str, create: bool = True):
    from marsad.store import Store

    try:
        return Store(db, create=create)
    except MarsadError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(E.EXIT_ERROR) from exc


@app.command()
def ingest(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Files, folders (recursive), '-' for stdin (.txt, .html, .jsonl) or article URLs (http/https).",
    )] = None,
    db: DbOpt = DEFAULT_DB,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", envvar="MARSAD_MAX_BYTES", help="Largest input accepted.")
    ] = Settings().max_bytes,
    lexicons: LexOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    feed: Annotated[list[str] | None, typer.Option(
        "--feed", help="RSS/Atom feed URL, or a file of feed URLs (one a line); its new items are fetched.")] = None,
    workers: Annotated[int, typer.Option("--workers", envvar="MARSAD_WORKERS",
                                         help="Extract on a local Dask cluster of N worker processes.")] = 0,
    scheduler: Annotated[str | None, typer.Option("--scheduler", envvar="MARSAD_SCHEDULER",
                                                  help="Extract on the Dask cluster at tcp://HOST:PORT.")] = None,
) -> None:
    """Read articles, extract their events and store both (a document already stored is skipped)."""
    from marsad.ingest import iter_inputs
    from marsad.ingest.web import is_url
    from marsad.pipeline import EXTRACTOR_VERSION, extract

    if not paths and not feed:
        err.print("[red]error:[/] give files, folders, URLs or --feed")
        raise typer.Exit(E.EXIT_USAGE)
    urls = [p for p in paths or [] if is_url(p)]
    paths = [p for p in paths or [] if not is_url(p)]
    store = _store(db)
    lex = _lexicons(lexicons)
    counts = {"read": 0, "new": 0, "duplicate": 0, "events": 0, "failed": 0}
    started = time.perf_counter()
    with Progress(
        TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(), console=err, disable=quiet or not err.is_terminal,
    ) as progress:
        task = progress.add_task("ingest", total=None, status="")
        on_cluster = bool(workers or scheduler)
        if on_cluster:
            counts = _ingest_on_cluster(paths, store, db, lex, max_bytes, workers, scheduler, progress, task)
        for item in iter(()) if on_cluster else iter_inputs(paths, max_bytes):
            progress.advance(task)
            if isinstance(item, Failure):
                _fail(store, item, counts)
                continue
            counts["read"] += 1
            if store.has_document(item.doc_id):
                counts["duplicate"] += 1
                continue
            try:
                doc = extract(item, lex)
            except Exception as exc:  # a bug must not lose the document: keep it as a failure
                _fail(store, Failure(item.origin or item.doc_id, E.EXTRACTION, f"extraction failed: {exc!r}",
                                     item.text), counts)
                continue
            if store.add_document(doc, EXTRACTOR_VERSION):
                counts["new"] += 1
                counts["events"] += len(doc.events)
            else:
                counts["duplicate"] += 1
            progress.update(task, status=f"{counts['new']} new, {counts['events']} events, {counts['failed']} failed")
    _follow(store, urls, feed or [], lex, max_bytes, counts)
    _summary(counts, db, time.perf_counter() - started)
    if counts["failed"]:
        raise typer.Exit(E.EXIT_PARTIAL)


def _follow(store, urls: list[str], feeds: list[str], lex: list[Path], max_bytes: int,
            counts: dict[str, int]) -> None:
    """Fetch URLs and feed items (when any), then fold near-duplicates and link stories for everything new."""
    from marsad.ingest.feeds import read_feed_list
    from marsad.ingest.web import FetchSettings
    from marsad.watch import Follower, consolidate

    if urls or feeds:
        try:
            feed_urls = [u for f in feeds for u in read_feed_list(f)]
        except OSError as exc:
            err.print(f"[red]error:[/] cannot read the feed list: {exc}")
            raise typer.Exit(E.EXIT_ERROR) from exc
        follower = Follower(store, lexicon_dirs=lex, settings=FetchSettings(max_bytes=max_bytes),
                            on_failure=lambda f: err.print(f"[yellow]failed:[/] {f.message()}"))
        try:
            got = follower.run_once(feed_urls, urls)
        finally:
            follower.close()
        for k in ("new", "duplicate", "events", "failed"):
            counts[k] += getattr(got, k)
        counts["read"] += got.fetched
        return
    dups, _links = consolidate(store)
    counts["new"] -= dups.merged
    counts["duplicate"] += dups.merged


def _fail(store, failure: Failure, counts: dict[str, int]) -> None:
    counts["failed"] += 1
    store.add_failure(failure)
    err.print(f"[yellow]failed:[/] {failure.message()}")


def _summary(counts: dict[str, int], db: str, seconds: float) -> None:
    t = Table(title=f"ingest into {db}", show_header=True)
    for k in (*counts, "docs/s"):
        t.add_column(k, justify="right")
    t.add_row(*(str(v) for v in counts.values()), f"{counts['read'] / max(seconds, 1e-9):.1f}")
    err.print(t)


def _ingest_on_cluster(paths: list[str], store, db: str, lex: list[Path], max_bytes: int,
                       workers: int, scheduler: str | None, progress: Progress, task: TaskID) -> dict[str, int]:
    """`ingest --workers/--scheduler`: the same bar, messages and counts; Dask workers do the extraction."""
    from marsad.distributed import ingest as run

    def show(n: int, tally, fails: list[Failure]) -> None:
        progress.advance(task, n)
        for f in fails:
            err.print(f"[yellow]failed:[/] {f.message()}")
        progress.update(task, status=f"{tally.new} new, {tally.events} events, {tally.failed} failed")

    try:
        tally = run(paths, store, db, workers=workers, scheduler=scheduler, lexicon_dirs=lex, max_bytes=max_bytes,
                    progress=show)
    except (OSError, MarsadError) as exc:  # Dask missing, no scheduler at that address, or it went away
        err.print(f"[red]error:[/] the Dask cluster {scheduler or ''} failed: {exc}")
        raise typer.Exit(E.EXIT_ERROR) from exc
    return tally.counts()


def _read_docs(path: str, max_bytes: int) -> tuple[list[Document], list[Failure]]:
    from marsad.ingest import iter_inputs

    docs: list[Document] = []
    fails: list[Failure] = []
    for item in iter_inputs([path], max_bytes):
        (fails if isinstance(item, Failure) else docs).append(item)  # type: ignore[arg-type]
    return docs, fails


@app.command()
def extract(
    path: Annotated[str, typer.Argument(help="A .txt, .html or .jsonl file, or '-' for stdin.")],
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")] = Fmt.json,
    lexicons: LexOpt = None,
) -> None:
    """Print the events of one file (no database)."""
    from marsad.pipeline import extract as run_extract

    docs, fails = _read_docs(path, Settings().max_bytes)
    for f in fails:
        err.print(f"[yellow]failed:[/] {f.message()}")
    events: list[Event] = []
    for doc in docs:
        events += run_extract(doc, _lexicons(lexicons)).events
    _print_events(events, fmt)
    if fails:
        raise typer.Exit(E.EXIT_PARTIAL)


@app.command()
def explain(
    path: Annotated[str, typer.Argument(help="A .txt, .html or .jsonl file, or '-' for stdin.")],
    lexicons: LexOpt = None,
) -> None:
    """Show each event's sentence with its trigger and mentions marked, and the rule behind every field."""
    from marsad.explain import render
    from marsad.pipeline import extract as run_extract

    docs, fails = _read_docs(path, Settings().max_bytes)
    for f in fails:
        err.print(f"[yellow]failed:[/] {f.message()}")
    for doc in docs:
        render(run_extract(doc, _lexicons(lexicons)), out)
    if fails:
        raise typer.Exit(E.EXIT_PARTIAL)


@app.command()
def events(
    db: DbOpt = DEFAULT_DB,
    country: Annotated[str | None, typer.Option(help="ISO3 code on either side, e.g. SAU.")] = None,
    pair: Annotated[str | None, typer.Option(help="Two ISO3 codes, either order: SAU,PAK.")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="Event type, e.g. CONSULT.")] = None,
    status: Annotated[str | None, typer.Option(help="occurred or expected.")] = None,
    topic: Annotated[str | None, typer.Option(help="A topic, e.g. counterterrorism.")] = None,
    since: Annotated[str | None, typer.Option("--from", help="Earliest date, YYYY[-MM[-DD]].")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Latest date, YYYY[-MM[-DD]].")] = None,
    search: Annotated[str | None, typer.Option("--search", "-s", help="Arabic text in evidence or names.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many events.")] = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")] = Fmt.table,
    per_document: Annotated[bool, typer.Option("--per-document", help=PER_DOC_HELP)] = False,
) -> None:
    """List stored events, filtered (one per story: a meeting five outlets reported is listed once)."""
    store = _store(db, create=False)
    q = _query(country, pair, type_, status, topic, since, until, search, limit)
    q.per_document = per_document
    _print_events(store.events(q), fmt)


PER_DOC_HELP = "Every raw record, one per document that reported it (default: one per story)."


def _query(country, pair, type_, status, topic, since, until, search, limit):
    from marsad.store import EventQuery

    pair_t = None
    if pair:
        parts = [p.strip() for p in pair.replace(";", ",").split(",") if p.strip()]
        if len(parts) != 2:
            err.print("[red]error:[/] --pair takes two ISO3 codes, e.g. --pair SAU,PAK")
            raise typer.Exit(E.EXIT_USAGE)
        pair_t = (parts[0], parts[1])
    return EventQuery(country=country, pair=pair_t, type=type_, status=status, topic=topic,
                      date_from=since, date_to=until, text=search, limit=limit)


def _print_events(evs: list[Event], fmt: Fmt) -> None:
    from marsad.export import write_csv

    if fmt is Fmt.json:
        sys.stdout.write(json.dumps([e.to_record() for e in evs], ensure_ascii=False, indent=2) + "\n")
    elif fmt is Fmt.csv:
        write_csv(evs, sys.stdout)
    else:
        t = Table(show_lines=False, title=f"{len(evs)} events")
        for col in ("type", "mode", "status", "actor", "recipient", "date", "place", "topics", "conf"):
            t.add_column(col, overflow="fold")
        for e in evs:
            t.add_row(
                e.type, e.mode or "", e.status, _who(e.actor), _who(e.recipient), e.date or "",
                (e.location.name or e.location.country or "") if e.location else "",
                ", ".join(e.topics[:4]) + ("…" if len(e.topics) > 4 else ""), f"{e.confidence:.2f}",
            )
        out.print(t)


def _who(p) -> str:
    bits = [p.country or "?"]
    if p.name:
        bits.append(p.name)
    elif p.title:
        bits.append(p.title)
    return " ".join(bits)


@app.command()
def export(
    fmt: Annotated[ExportFmt, typer.Option("--format", "-f", help="csv, jsonl, parquet or graphml.")] = ExportFmt.csv,
    output: Annotated[str, typer.Option("--output", "-o", help="File to write; '-' for stdout.")] = "-",
    db: DbOpt = DEFAULT_DB,
    country: Annotated[str | None, typer.Option(help="ISO3 code on either side.")] = None,
    pair: Annotated[str | None, typer.Option(help="Two ISO3 codes: SAU,PAK.")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="Event type.")] = None,
    status: Annotated[str | None, typer.Option(help="occurred or expected.")] = None,
    topic: Annotated[str | None, typer.Option(help="A topic.")] = None,
    since: Annotated[str | None, typer.Option("--from", help="Earliest date.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Latest date.")] = None,
    per_document: Annotated[bool, typer.Option("--per-document", help=PER_DOC_HELP)] = False,
) -> None:
    """Export stored events for pandas, polars, DuckDB, Gephi... (one per story unless --per-document)."""
    from marsad import export as ex

    store = _store(db, create=False)
    q = _query(country, pair, type_, status, topic, since, until, None, None)
    q.per_document = per_document
    evs = store.events(q)
    if fmt is ExportFmt.parquet and output == "-":
        err.print("[red]error:[/] parquet needs a file: --output events.parquet")
        raise typer.Exit(E.EXIT_USAGE)
    if fmt is ExportFmt.parquet:
        n = ex.write_parquet(evs, Path(output))
    elif fmt is ExportFmt.graphml:
        if output == "-":
            n = ex.write_graphml(evs, sys.stdout.buffer)
        else:
            with open(output, "wb") as fh:
                n = ex.write_graphml(evs, fh)
    else:
        writer = ex.write_csv if fmt is ExportFmt.csv else ex.write_jsonl
        if output == "-":
            n = writer(evs, sys.stdout)
        else:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                n = writer(evs, fh)
    err.print(f"exported {n} {'edges' if fmt is ExportFmt.graphml else 'events'} as {fmt.value}"
              + (f" to {output}" if output != "-" else ""))


@app.command(name="eval")
def eval_(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL (shared/spec/GOLD.md format).", exists=True, dir_okay=False)],
    errors: Annotated[bool, typer.Option("--errors", help="List every miss, false alarm and wrong attribute.")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    lexicons: LexOpt = None,
) -> None:
    """Score marsad's extraction against a gold file (the extractor sees only text and date)."""
    from marsad.evaluate import evaluate, read_gold
    from marsad.pipeline import extract_events
    from marsad.report import score_sheet
    from marsad.stories import link_documents

    try:
        gold_docs = read_gold(gold)
    except ValueError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(E.EXIT_ERROR) from exc
    lex = _lexicons(lexicons)
    scores = evaluate(gold_docs, lambda d: extract_events(d, lex), link_documents)
    if fmt == "json":
        d = scores.as_dict()
        if errors:
            d["errors"] = scores.errors
        sys.stdout.write(json.dumps(d, ensure_ascii=False, indent=2) + "\n")
    else:
        score_sheet(scores, gold.name, out, errors)
        if scores.story is not None:  # one plain line a script can grep, like the occurred line
            st = scores.story
            out.print(f"story F1 {st.f1:.4f} P {st.precision:.4f} R {st.recall:.4f}", highlight=False)


@app.command()
def failures(
    db: DbOpt = DEFAULT_DB,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")] = Fmt.table,
) -> None:
    """List the inputs that could not be processed, with their reasons."""
    rows = _store(db, create=False).failures()
    if fmt is Fmt.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif fmt is Fmt.csv:
        import csv

        w = csv.DictWriter(sys.stdout, fieldnames=["id", "origin", "code", "reason", "raw_bytes", "created_at"])
        w.writeheader()
        w.writerows(rows)
    else:
        t = Table(title=f"{len(rows)} failures")
        for col in ("id", "origin", "code", "reason"):
            t.add_column(col, overflow="fold")
        for r in rows:
            t.add_row(str(r["id"]), r["origin"], r["code"], r["reason"])
        out.print(t)


@app.command()
def reextract(db: DbOpt = DEFAULT_DB, lexicons: LexOpt = None) -> None:
    """Re-run the current extractor over every stored document; its events are replaced in one transaction."""
    from marsad.pipeline import EXTRACTOR_VERSION, extract_events

    store = _store(db, create=False)
    lex = _lexicons(lexicons)
    n = store.replace_events(((d.doc_id, extract_events(d, lex)) for d in store.iter_documents()), EXTRACTOR_VERSION)
    from marsad.stories import relink

    links = relink(store)  # new events have no story yet
    err.print(f"re-extracted with {EXTRACTOR_VERSION}: {n} events in {links.stories} stories")


@app.command()
def watch(
    feeds: Annotated[str, typer.Argument(help="A file of feed URLs (one a line), or one feed URL.")],
    every: Annotated[str, typer.Option("--every", help="Time between polls: 30s, 15m, 1h.")] = "15m",
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit (for cron).")] = False,
    timeout: Annotated[float, typer.Option("--timeout", envvar="MARSAD_FETCH_TIMEOUT",
                                           help="Seconds before a request is given up.")] = 20.0,
    rate: Annotated[float, typer.Option("--rate", envvar="MARSAD_FETCH_RATE",
                                        help="Seconds between two requests to one host.")] = 1.0,
    db: DbOpt = DEFAULT_DB,
    max_bytes: Annotated[int, typer.Option("--max-bytes", envvar="MARSAD_MAX_BYTES", help="Largest page accepted.")] = (
        Settings().max_bytes
    ),
    lexicons: LexOpt = None,
) -> None:
    """Poll feeds until stopped (Ctrl-C): new articles are fetched, stored once, and linked into stories."""
    import threading

    from marsad.ingest.feeds import read_feed_list
    from marsad.ingest.web import FetchSettings
    from marsad.watch import Follower, parse_every, stop_on_signals
    from marsad.watch import watch as run_watch

    try:
        seconds, urls = parse_every(every), read_feed_list(feeds)
    except (ValueError, OSError) as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(E.EXIT_USAGE) from exc
    stop = threading.Event()
    stop_on_signals(stop)
    follower = Follower(_store(db), lexicon_dirs=_lexicons(lexicons), stop=stop,
                        settings=FetchSettings(timeout=timeout, rate=rate, max_bytes=max_bytes),
                        on_failure=lambda f: err.print(f"[yellow]failed:[/] {f.message()}"))

    def cycle(c) -> None:
        err.print(f"polled {c.feeds} feeds ({c.not_modified} unchanged): {c.new} new, {c.duplicate} duplicate, "
                  f"{c.failed} failed, {c.events} events; {c.stories} stories relinked", highlight=False)

    err.print(f"watching {len(urls)} feeds every {every} into {db} (Ctrl-C stops)")
    try:
        run_watch(follower, urls, seconds, once=once, on_cycle=cycle)
    finally:
        follower.close()
    err.print("stopped" if stop.is_set() else "done")


@app.command()
def bench(
    docs: Annotated[int, typer.Option(help="Documents to process (the demo corpus repeated).")] = 10_000,
    corpus: Annotated[Path | None, typer.Option(help="JSONL corpus to repeat instead of the demo corpus.")] = None,
) -> None:
    """Measure extraction speed against a read-and-normalise baseline, and peak memory."""
    from marsad.bench import run_bench

    run_bench(docs, corpus, out)


@app.command()
def serve(
    db: DbOpt = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    token: Annotated[
        str | None, typer.Option(envvar="MARSAD_TOKEN", help="Enables POST /api/documents with it.")
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Server processes answering in parallel (about one per core).")
    ] = 1,
) -> None:
    """Open the web dashboard and HTTP API over the store."""
    from marsad.serve import run

    if not os.path.exists(db) and "://" not in db:
        err.print(f"[red]error:[/] no database at {db} (run `marsad ingest` first or pass --db)")
        raise typer.Exit(E.EXIT_ERROR)
    run(db, host=host, port=port, token=token, workers=workers)


def main() -> None:
    app()
