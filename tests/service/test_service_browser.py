"""Headless Chromium against a live server with the real assessment: heat map, drill-down, alert form.

Uses Debian's chromium (``SUPPLYSCOPE_CHROMIUM`` or ``chromium`` on PATH) driven by Playwright. Without a
browser the test is skipped, unless ``SUPPLYSCOPE_REQUIRE_BROWSER=1`` (CI), where it fails. Screenshots go
to ``$SUPPLYSCOPE_TEST_ARTIFACTS`` (default ``test-artifacts/service`` in the repository).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from svc_helpers import LiveServer, make_users

from supplyscope.alerts.auth import Role
from supplyscope.alerts.storage import open_store

ARTIFACTS = Path(os.environ.get("SUPPLYSCOPE_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))


def _chromium() -> str:
    required = os.environ.get("SUPPLYSCOPE_REQUIRE_BROWSER") == "1"
    path = os.environ.get("SUPPLYSCOPE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path or not Path(path).exists():
        if required:
            pytest.fail("SUPPLYSCOPE_REQUIRE_BROWSER=1 but no chromium found (run .ci/service-deps.sh)")
        pytest.skip("browser test needs Debian's chromium (apt-get install chromium) or SUPPLYSCOPE_CHROMIUM")
    return path


def test_dashboard_heatmap_drilldown_and_alert_form(tmp_path: Path) -> None:
    chromium = _chromium()
    from playwright.sync_api import sync_playwright

    out = ARTIFACTS / "service"
    out.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{tmp_path / 'alerts.db'}"
    token = make_users(db, acme=Role.submitter)["acme"]
    server = LiveServer(db, tmp_path / "server.log")
    server.start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            external: list[str] = []
            page.on("request", lambda r: external.append(r.url) if not r.url.startswith(server.url) else None)

            csp: list[str] = []
            page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)

            # 0. every page needs a login: the form carries a CSRF token, the cookie a server-side session
            page.goto(server.url + "/?top=20")
            page.wait_for_url(re.compile(r"/login\?next=/"))
            page.goto(server.url + "/login?next=/alerts/new")  # a light page, not the cold assessment
            page.fill("input[name=token]", token)
            page.click("#login-form button[type=submit]")
            page.wait_for_url(re.compile(r"/alerts/new$"))

            # 1. the heat map renders (plotly draws it client-side from the app's own plotly.js, under the CSP)
            page.goto(server.url + "/?top=20", timeout=240_000)
            page.wait_for_selector("#heatmap[data-rendered='true']", timeout=60_000)
            assert page.locator("#heatmap .hm, #heatmap image").count() >= 1
            assert page.locator("#top-products tbody tr").count() == 20
            page.screenshot(path=str(out / "1-heatmap.png"), full_page=True)

            # 2. clicking a heat-map cell opens that product's drill-down
            box = page.locator("#heatmap .nsewdrag").first.bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + box["width"] * 0.1, box["y"] + 12)
            page.wait_for_url(re.compile(r"/product/\d{6}"), timeout=240_000)
            code = re.search(r"/product/(\d{6})", page.url)
            assert code is not None
            assert code.group(1) in page.locator("#product-title").inner_text()
            page.wait_for_selector("#suppliers[data-rendered='true']", timeout=60_000)
            assert page.locator("#indicators tbody tr").count() > 5
            page.screenshot(path=str(out / "2-drilldown.png"), full_page=True)

            # 3. log in with a token and file an alert through the form
            page.goto(server.url + "/login?next=/alerts/new")
            page.fill("input[name=token]", token)
            page.click("#login-form button[type=submit]")
            page.wait_for_url(re.compile(r"/alerts/new$"))
            page.fill("input[name=hs6]", "854231")
            page.fill("input[name=country]", "TWN")
            page.fill("input[name=region]", "Hsinchu")
            page.select_option("select[name=kind]", "natural_disaster")
            page.fill("input[name=start_date]", "2026-04-03")
            page.fill("input[name=expected_duration_days]", "14")
            page.select_option("select[name=severity]", "4")
            page.fill("textarea[name=text]", "submitted from the browser test")
            page.click("#submit-alert")
            page.wait_for_selector("#report-id")
            report_id = int(page.locator("#report-id").inner_text())
            checksum = page.locator("#report-checksum").inner_text()
            page.screenshot(path=str(out / "3-alert-filed.png"), full_page=True)

            # a bad HS code is refused with the field named
            page.goto(server.url + "/alerts/new")
            page.fill("input[name=hs6]", "999999")
            page.fill("input[name=country]", "TWN")
            page.fill("input[name=start_date]", "2026-04-03")
            page.fill("input[name=expected_duration_days]", "1")
            page.click("#submit-alert")
            page.wait_for_selector("#form-error")
            assert "hs6" in page.locator("#form-error").inner_text()

            # logging out ends the session on the server
            page.click("#logout-form button[type=submit]")
            page.goto(server.url + "/alerts/new")
            page.wait_for_url(re.compile(r"/login"))
            browser.close()
        assert external == [], f"the dashboard fetched external resources: {external[:5]}"
        assert csp == [], f"the Content-Security-Policy blocked something: {csp[:3]}"
    finally:
        server.stop()
    store = open_store(db)
    try:
        stored = store.report(report_id)
    finally:
        store.close()
    assert stored is not None and stored.hs6 == "854231" and stored.checksum == checksum
    assert stored.text == "submitted from the browser test"
