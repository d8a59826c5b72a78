"""Take the README's dashboard screenshots from the real demo data.

Builds the demo store as the README's first command does (unless it exists), runs
`marsad serve` on a free loopback port, and has Debian's Chromium (driven by
Playwright, never a downloaded browser) photograph the event page of a real demo
event and the network page:

    apt-get install chromium fonts-noto-core
    .venv/bin/python scripts/screenshots.py [--db /tmp/demo.db] [--out docs/img]
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
MARSAD = [sys.executable, "-c", "from marsad.cli import main; main()"]
SETTLE_MS = 2500  # the network's force layout animates for about two seconds before it rests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_db(db: Path) -> None:
    if not db.exists():
        subprocess.run([*MARSAD, "ingest", str(ROOT / "examples"), "--db", str(db), "-q"], check=True, cwd=ROOT)


def showcase(events: list[dict[str, Any]]) -> str:
    """The most telling event: two countries, a dated record, most topics and participants, most confident."""
    def rank(e: dict[str, Any]) -> tuple[Any, ...]:
        both = bool(e["actor"]["country"] and e["recipient"]["country"])
        return (not both, e["date"] is None, -len(e["topics"]), -len(e["participants"]), -e["confidence"],
                e["event_id"])

    return min(events, key=rank)["event_id"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=Path("/tmp/demo.db"))
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    demo_db(args.db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([*MARSAD, "serve", "--db", str(args.db), "--port", str(port)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                events = httpx.get(base + "/api/events", params={"limit": 500}, timeout=5).json()["events"]
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("marsad serve did not start") from None
                time.sleep(0.2)
        event_id = showcase(events)
        args.out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_context(viewport={"width": 1360, "height": 900}, locale="ar").new_page()
            page.goto(f"{base}/events/{event_id}")
            page.wait_for_selector("#doctext .evidence")
            page.screenshot(path=str(args.out / "demo-event.png"), full_page=True)
            page.goto(f"{base}/network")
            page.wait_for_selector("#netsvg g.node")
            page.wait_for_timeout(SETTLE_MS)
            page.screenshot(path=str(args.out / "demo-network.png"), full_page=True)
            browser.close()
        print(f"event {event_id}: {args.out / 'demo-event.png'}, {args.out / 'demo-network.png'}")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
