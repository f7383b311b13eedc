"""The workbench pages in headless Debian Chromium (Playwright), one live server and one browser for the module.

Each test fills a page's form as a user would, reads the result and saves a screenshot under
``$SUPPLYSCOPE_TEST_ARTIFACTS`` (default ``test-artifacts/``) in ``service-pages/``. Skipped without a browser
unless ``SUPPLYSCOPE_REQUIRE_BROWSER=1``. No request may leave the server, and the CSP must block nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from svc_helpers import LiveServer, make_users
from test_service_browser import _chromium

from supplyscope.alerts.auth import Role

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("SUPPLYSCOPE_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "service-pages"
EXAMPLE_MAP = ROOT / "src/supplyscope/network/examples/ev_battery.json"
SLOW = 240_000  # ms: the first request of a page may build the warehouse or factorise the IO table


class Session:
    """A logged-in analyst's page on the live server, with the external requests and CSP reports seen."""

    def __init__(self, page: Any, url: str) -> None:
        self.page = page
        self.url = url
        self.external: list[str] = []
        self.csp: list[str] = []
        page.on("request", lambda r: self.external.append(r.url) if not r.url.startswith(url) else None)
        page.on("console", lambda m: self.csp.append(m.text) if "Content Security Policy" in m.text else None)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def browser_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    chromium = _chromium()
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("pages-browser")
    db = f"sqlite:///{folder / 'alerts.db'}"
    token = make_users(db, ana=Role.analyst)["ana"]
    server = LiveServer(db, folder / "server.log")
    server.start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            session = Session(page, server.url)
            page.goto(server.url + "/login?next=/duty")
            page.fill("input[name=token]", token)
            page.click("#login-form button[type=submit]")
            page.wait_for_url(re.compile(r"/duty$"))
            yield session
            browser.close()
        assert session.external == [], f"the dashboard fetched external resources: {session.external[:5]}"
        assert session.csp == [], f"the Content-Security-Policy blocked something: {session.csp[:3]}"
    finally:
        server.stop()


def _percent(text: str) -> float:
    return float(text.strip().rstrip("%"))


def test_duty_calculator(browser_session: Session) -> None:
    s = browser_session
    s.page.goto(s.url + "/duty")
    s.page.fill("input[name=hts]", "8507600020")
    s.page.fill("input[name=origin]", "CHN")
    s.page.fill("input[name=value]", "1200")
    s.page.fill("input[name=date]", "2026-03-01")
    s.page.click("#duty-submit")
    s.page.wait_for_selector("#duty-total", timeout=SLOW)
    # MFN 3.4% + Section 301 25% + Section 122 10% on US$ 1,200 (entered 2026-03-01)
    assert "US$ 460.80" in s.page.locator("#duty-total").inner_text()
    assert s.page.locator("#duty-layers tbody tr").count() >= 3
    s.shot("duty")


def test_bom_origin_calculator(browser_session: Session) -> None:
    """Paste a BOM, pick USMCA and a date: the verdict, the rule trace and the duty stack of ``evaluate_bom``."""
    from supplyscope.origin.bom import load_bom
    from supplyscope.origin.report import evaluate_bom

    s = browser_session
    bom = ROOT / "tests/origin/data/battery_usmca.json"
    want = evaluate_bom(load_bom(bom), "USMCA", on="2025-06-01").to_dict()
    s.page.goto(s.url + "/duty")
    s.page.fill("textarea[name=bom]", bom.read_text(encoding="utf-8"))
    s.page.select_option("select[name=agreement]", "USMCA")
    s.page.fill("#origin-form input[name=date]", "2025-06-01")
    s.page.click("#origin-submit")
    s.page.wait_for_selector("#origin-result", timeout=SLOW)
    verdict = s.page.locator("#origin-verdict").inner_text()
    assert ("USMCA: qualifies" if want["qualifies"] else "USMCA: does not qualify") in verdict
    assert s.page.locator("#origin-trace tbody tr").count() == len(want["trace"])
    assert s.page.locator("#origin-layers tbody tr").count() == len(want["duties"]["layers"])
    assert "2025-06-01" in s.page.locator("#origin-duty-total").inner_text()
    s.shot("duty-origin")


def test_minerals_price_simulators(browser_session: Session) -> None:
    s = browser_session
    s.page.goto(s.url + "/minerals", timeout=SLOW)
    s.page.select_option("select[name=mineral]", "gallium")
    s.page.fill("input[name=prices]", "400, 600, 450")
    s.page.fill("input[name=volume]", "10")
    s.page.fill("input[name=floor]", "500")
    s.page.fill("input[name=strike]", "550")
    s.page.click("#minerals-submit")
    s.page.wait_for_selector("#price-simulation", timeout=SLOW)
    # worked by hand: floor duty (500 - 400) x 10 + (500 - 450) x 10; CfD (550 - 400) x 10 + (550 - 450) x 10
    assert "1,500.00" in s.page.locator("#floor-total").inner_text()
    assert "2,500.00" in s.page.locator("#cfd-total").inner_text()
    assert s.page.locator("#floor-periods tbody tr").count() == 3
    s.shot("minerals-simulators")


def test_country_view(browser_session: Session) -> None:
    s = browser_session
    s.page.goto(s.url + "/dependence", timeout=SLOW)
    s.page.fill("input[name=top]", "8")
    s.page.click("#dependence-form button[type=submit]")
    s.page.wait_for_selector("#dependence-chart[data-rendered='true']", timeout=SLOW)
    rows = s.page.locator("#dependence tbody tr")
    assert rows.count() == 8
    cells = {rows.nth(i).locator("td").first.inner_text(): rows.nth(i) for i in range(8)}
    china = cells["CHN"].locator("td")
    face, look = _percent(china.nth(2).inner_text()), _percent(china.nth(5).inner_text())
    assert 0 < face < 100 and 0 < look < 100
    s.shot("country-view")


def test_exposure_and_shock(browser_session: Session) -> None:
    s = browser_session
    s.page.goto(s.url + "/exposure", timeout=SLOW)
    s.page.select_option("select[name=shock_country]", "CHN")
    s.page.select_option("select[name=sector]", "C24B")
    s.page.fill("input[name=cut]", "0.5")
    s.page.fill("input[name=top]", "10")
    s.page.click("#exposure-submit")
    s.page.wait_for_selector("#shock-headline", timeout=SLOW)
    assert "value-added loss" in s.page.locator("#shock-headline").inner_text()
    assert s.page.locator("#shock-impacts tbody tr").count() == 10
    s.page.wait_for_selector("#exposure-chart[data-rendered='true']", timeout=60_000)
    s.shot("exposure-shock")


def test_minerals(browser_session: Session) -> None:
    s = browser_session
    s.page.goto(s.url + "/minerals", timeout=SLOW)
    s.page.select_option("select[name=mineral]", "rare-earths")
    s.page.click("#minerals-submit")
    s.page.wait_for_selector("#minerals-chart[data-rendered='true']", timeout=SLOW)
    stages = s.page.locator("#concentration tbody tr").all_inner_texts()
    assert any("refining" in row for row in stages) and any("mining" in row for row in stages)
    s.shot("minerals")


def test_screening_upload(browser_session: Session, tmp_path: Path) -> None:
    s = browser_session
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text("name,country\nXINJIANG ZHONGTAI CHEM CO,CHN\nAcme Widgets,USA\n", encoding="utf-8")
    s.page.goto(s.url + "/screening")
    s.page.set_input_files("input[name=file]", str(suppliers))
    s.page.click("#screening-submit")
    s.page.wait_for_selector("#screening-hits", timeout=SLOW)
    assert "Xinjiang Zhongtai Chemical Co., Ltd." in s.page.locator("#screening-hits").inner_text()
    s.shot("screening")
    decision = s.page.locator("form.decision").first
    decision.locator("select[name=decision]").select_option("escalated")
    decision.locator("input[name=reason]").fill("same name and city as the listed entity")
    decision.locator("button[type=submit]").click()
    s.page.wait_for_selector("#decision-recorded", timeout=60_000)
    assert "escalated" in s.page.locator("#decision-recorded").inner_text()
    s.shot("screening-decision")


def test_supply_map_upload(browser_session: Session) -> None:
    s = browser_session
    s.page.goto(s.url + "/supply-map")
    s.page.set_input_files("input[name=file]", str(EXAMPLE_MAP))
    s.page.click("#supply-map-submit")
    s.page.wait_for_selector("#supply-map-chart[data-rendered='true']", timeout=SLOW)
    assert "nodes" in s.page.locator("#supply-map-summary").inner_text()
    s.shot("supply-map")
