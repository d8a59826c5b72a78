"""`marsad serve` in real headless Chromium (Debian's, driven by Playwright), as an analyst uses it.

Saves docs/img/event.png and docs/img/network.png for the README.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_serve import Fixture, build_store, serving

from marsad.serve import create_app

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
IMG = Path(__file__).resolve().parents[1] / "docs" / "img"

playwright_api = pytest.importorskip("playwright.sync_api")
if not shutil.which(CHROMIUM):  # pragma: no cover - CI installs it; say so loudly rather than pass silently
    pytest.fail(f"{CHROMIUM} missing: apt-get install chromium fonts-noto-core", pytrace=False)


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    return build_store(str(tmp_path_factory.mktemp("browser") / "marsad.db"))


@pytest.fixture(scope="module")
def base(fx: Fixture) -> Iterator[str]:
    with serving(create_app(fx.db)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1360, "height": 900}, locale="ar")
    pg = ctx.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.dialogs, pg.errors = dialogs, errors
    yield pg
    assert not errors, errors
    ctx.close()


def test_overview_shows_totals_and_charts(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#n-events").inner_text() == "6"
    assert page.locator("svg.stacked rect").count() >= 5
    assert "باكستان" in page.locator("table.bars").first.inner_text()


def test_filter_events_by_country_then_open_one(page, base: str, fx: Fixture) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/events")
    assert page.locator("#total").inner_text() == "6"
    page.fill("input[name=country]", "PAK")
    page.click("form#filters button[type=submit]")
    page.wait_for_url("**/events?*country=PAK*")
    assert page.locator("#total").inner_text() == "2"
    assert page.locator("table.events tbody tr").count() == 2
    page.locator("table.events tbody tr td.evid").first.click()  # the whole row is a link
    page.wait_for_url(f"**/events/{fx.event_ids['sau_pak:0']}")
    ev = page.locator("#evidence")
    assert "evidence" in (ev.get_attribute("class") or "")
    assert page.locator("#doctext .evidence").first.evaluate("e => getComputedStyle(e).backgroundColor") != (
        "rgba(0, 0, 0, 0)"
    )
    assert page.locator("#doctext .trigger").inner_text() == "استقبل"
    assert page.locator("#doctext .m-nisba").count() >= 2  # السعودي, الباكستاني resolved in place
    assert page.locator("#article").get_attribute("dir") == "rtl"
    fields = page.locator("aside.fields").inner_text()
    assert "المملكة العربية السعودية" in fields and "Saudi Arabia" in fields and "PAK" in fields
    assert "رمضان" in page.locator("#date").inner_text()  # 15 March 2025 = 15 Ramadan 1446
    IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMG / "event.png"), full_page=True)


def test_network_node_opens_country_page(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/network")
    page.wait_for_selector("#netsvg g.node")
    assert page.locator("#netsvg g.node").count() == 8
    assert page.locator("#netsvg line").count() == 5
    IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMG / "network.png"), full_page=True)
    page.locator('#netsvg g.node[data-id="SAU"] circle').click()
    page.wait_for_url("**/countries/SAU")
    assert page.locator("#c-total").inner_text() == "3"
    partners = page.locator("table.bars").first.inner_text()
    assert partners.index("باكستان") < partners.index("الإمارات")
    assert page.locator("table.events tbody tr").count() == 3


def test_language_toggle(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/network")
    page.click("#lang-toggle")
    page.wait_for_url("**lang=en**")
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.wait_for_selector("#netsvg g.node")
    assert "Saudi Arabia" in page.locator("#netsvg").text_content()
    page.goto(base + "/events")  # the choice sticks (cookie)
    assert page.locator("h1").inner_text() == "Events"
    page.click("#lang-toggle")
    assert page.locator("h1").inner_text() == "الأحداث"


def test_hostile_article_is_shown_as_text_never_run(page, base: str, fx: Fixture) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + f"/events/{fx.event_ids['xss:0']}")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    assert page.dialogs == []
    text = page.locator("#doctext").inner_text()
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert '<a href="javascript:alert(1)">' in text
    assert page.locator("#article img, #article script, aside img").count() == 0
    assert page.locator('a[href^="javascript"]').count() == 0
    assert '<script>alert("t")</script>' in page.locator("#article h2").inner_text()
    assert "<img src=x onerror=alert(2)>" in page.locator("#actor").inner_text()
    page.goto(base + "/events?country=QAT")  # the same text in the events table
    page.wait_for_timeout(200)
    assert page.dialogs == []
    assert page.locator("table.events img").count() == 0
