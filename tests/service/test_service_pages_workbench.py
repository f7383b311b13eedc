"""The workbench pages in process, on the bundled real data: their figures against independent computations,
and the attacks their forms must withstand (no CSRF token, a foreign origin, oversized or malformed uploads,
anonymous or under-privileged callers)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest
from svc_helpers import Client, form_csrf, login, make_users

from supplyscope.alerts.auth import Role
from supplyscope.service import ServiceSettings, create_app

EXAMPLE_MAP = Path(__file__).resolve().parents[2] / "src/supplyscope/network/examples/ev_battery.json"
ORIGIN = {"origin": "http://testserver"}
PAGES = ("/dependence", "/exposure", "/duty", "/minerals", "/screening", "/supply-map")


def _text(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</(p|table|section)>', html, re.S)
    assert found is not None, f"no #{element_id} on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


@pytest.fixture(scope="module")
def site(bundled_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Client, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("workbench")
    db = f"sqlite:///{folder / 'alerts.db'}"
    tokens = make_users(db, ana=Role.analyst, sub=Role.submitter)
    settings = ServiceSettings(db=db, warehouse=str(bundled_db), max_upload_bytes=256 * 1024)
    client = Client(create_app(settings))
    yield client, tokens
    client.close()


@pytest.fixture(scope="module")
def analyst(site: tuple[Client, dict[str, str]]) -> Client:
    client, tokens = site
    assert login(client, tokens["ana"]).status_code == 303
    return client


def _upload(client: Client, path: str, name: str, data: bytes, csrf: str | None, **headers: str) -> httpx.Response:
    fields = {"csrf": csrf} if csrf is not None else {}
    return client.post(path, files={"file": (name, data, "application/octet-stream")}, data=fields, headers=headers)


def test_anonymous_callers_are_sent_to_login(bundled_db: Path, tmp_path: Path) -> None:
    client = Client(create_app(ServiceSettings(db=f"sqlite:///{tmp_path / 'a.db'}", warehouse=str(bundled_db))))
    try:
        for path in PAGES:
            got = client.get(path)
            assert got.status_code == 303 and got.headers["location"].startswith("/login"), path
        posted = _upload(client, "/screening", "s.csv", b"name\nAcme\n", "x", **ORIGIN)
        assert posted.status_code == 303
    finally:
        client.close()


def test_dependence_page_shows_the_warehouse_share(analyst: Client, bundled_db: Path) -> None:
    page = analyst.get("/dependence?importer=USA&top=10")
    assert page.status_code == 200
    con = duckdb.connect(str(bundled_db), read_only=True)
    share = con.execute(
        "SELECT sum(value_usd) FILTER (WHERE exporter = 'CHN') / sum(value_usd) FROM trade_flows WHERE importer='USA'"
    ).fetchone()[0]
    con.close()
    row = re.search(r"<tr><td>CHN</td>(.*?)</tr>", page.text, re.S)
    assert row is not None
    assert f"{100 * share:.1f}%" in row.group(1)
    assert page.text.count("<tr><td>") == 10


def test_duty_page_stacks_the_dated_measures(analyst: Client) -> None:
    # 8507.60.00.20 (Li-ion batteries) from China, entered 2026-03-01: MFN 3.4% + Section 301 25% (9903.91.06,
    # from 2026-01-01) + Section 122 10% (2026-02-24 to 2026-07-24) = 38.4% of US$ 1,200 = US$ 460.80.
    page = analyst.get("/duty?hts=8507600020&origin=CHN&value=1200&date=2026-03-01")
    assert page.status_code == 200
    total = _text(page.text, "duty-total")
    assert "US$ 460.80" in total and "38.4%" in total
    assert "9903.91.06" in page.text
    earlier = _text(analyst.get("/duty?hts=8507600020&origin=CHN&value=1200&date=2024-06-01").text, "duty-total")
    assert "38.4%" not in earlier  # the 25% rate and the section 122 surcharge were not in force then


def test_exposure_and_a_zero_cut(analyst: Client) -> None:
    page = analyst.get("/exposure?country=USA&source=CHN&top=5")
    assert page.status_code == 200
    table = re.search(r'id="exposure">.*?<tbody>(.*?)</tbody>', page.text, re.S)
    assert table is not None and table.group(1).count("<tr>") == 5
    zero = analyst.get("/exposure?country=USA&source=CHN&shock_country=CHN&sector=C24B&cut=0&top=5")
    assert "world value-added loss 0.0 (" in _text(zero.text, "shock-headline")  # the CLI's sentence
    half = analyst.get("/exposure?country=USA&source=CHN&shock_country=CHN&sector=C24B&cut=0.5&top=5")
    loss = re.search(r"world value-added loss ([\d,.]+)", _text(half.text, "shock-headline"))
    assert loss is not None and float(loss.group(1).replace(",", "")) > 0
    bad = analyst.get("/exposure?shock_country=CHN&sector=ZZZ&cut=0.5")
    assert bad.status_code == 422 and "sector" in bad.text


def test_minerals_page_reads_the_usgs_stage_table(analyst: Client) -> None:
    page = analyst.get("/minerals?mineral=gallium&price=500&budget=1000000")
    assert page.status_code == 200
    table = _text(page.text, "concentration")
    assert "gallium refining" in table and "USGS" in table
    assert "units bought 2,000" in _text(page.text, "stockpile")  # US$ 1,000,000 / US$ 500 per unit


def test_screening_upload_shows_hits_with_context(analyst: Client) -> None:
    csrf = form_csrf(analyst.get("/screening").text)
    data = b"name,country\nXINJIANG ZHONGTAI CHEM CO,CHN\nAcme Widgets,USA\n"
    page = _upload(analyst, "/screening", "suppliers.csv", data, csrf, **ORIGIN)
    assert page.status_code == 200, page.text
    hits = _text(page.text, "screening-hits")
    assert "Xinjiang Zhongtai Chemical Co., Ltd." in hits
    assert "rows: 2" in _text(page.text, "screening-summary")


def test_review_decisions_extend_the_audit_chain(analyst: Client) -> None:
    from supplyscope.screening.audit import default_audit_path, verify

    csrf = form_csrf(analyst.get("/screening").text)
    data = b"name,country\nXINJIANG ZHONGTAI CHEM CO,CHN\n"
    page = _upload(analyst, "/screening", "one.csv", data, csrf, **ORIGIN).text
    form = dict(re.findall(r'name="(run|row|entity_id)" value="([^"]+)"', page))
    assert set(form) == {"run", "row", "entity_id"}
    before = default_audit_path().read_text(encoding="utf-8").splitlines()

    def decide(**fields: str) -> httpx.Response:
        body = {"csrf": csrf, **form, "decision": "escalated", "reason": "same name and city", **fields}
        return analyst.post("/screening/decision", data=body, headers=ORIGIN)

    done = decide()
    assert done.status_code == 200 and "escalated" in _text(done.text, "decision-recorded")
    after = default_audit_path().read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before) + 1
    last = json.loads(after[-1])
    assert last["command"] == "review" and last["prev"] == json.loads(before[-1])["hash"]
    assert last["decisions"][0]["entity_id"] == form["entity_id"] and last["user"] == "ana"
    assert verify(default_audit_path()).ok
    assert decide(decision="ignored").status_code == 422  # not one of cleared, escalated, confirmed
    assert decide(reason="").status_code == 422
    assert decide(row="2").status_code == 422  # no such hit
    assert decide(run="0" * 32).status_code == 422
    assert decide(csrf="forged").status_code == 403
    assert len(default_audit_path().read_text(encoding="utf-8").splitlines()) == len(after)


def test_supply_map_upload_traces_the_template(analyst: Client) -> None:
    csrf = form_csrf(analyst.get("/supply-map").text)
    raw = EXAMPLE_MAP.read_bytes()
    page = _upload(analyst, "/supply-map", "ev_battery.json", raw, csrf, **ORIGIN)
    assert page.status_code == 200, page.text[-500:]
    template = json.loads(raw)
    assert f"{len(template['nodes'])} nodes" in _text(page.text, "supply-map-summary")
    # tier 1 by hand: the final node's edge shares (fractions of its purchased inputs) summed by supplier country
    country = {n["id"]: n["country"] for n in template["nodes"]}
    direct: dict[str, float] = {}
    for e in template["edges"]:
        if e["buyer"] == template["final"]:
            direct[country[e["supplier"]]] = direct.get(country[e["supplier"]], 0.0) + e["share"]
    top = max(direct, key=lambda c: direct[c])
    tier1 = re.search(r"<tr><td>1</td>.*?</tr>", page.text, re.S)
    assert tier1 is not None and f"{top} {100 * direct[top]:.1f}%" in tier1.group(0)
    assert "min cut" in _text(page.text, "supply-map-chokepoints")


def test_upload_attacks_are_refused(analyst: Client, site: tuple[Client, dict[str, str]]) -> None:
    csrf = form_csrf(analyst.get("/supply-map").text)
    raw = EXAMPLE_MAP.read_bytes()
    for path in ("/screening", "/supply-map"):
        assert _upload(analyst, path, "f", raw, None, **ORIGIN).status_code == 403
        assert _upload(analyst, path, "f", raw, "forged", **ORIGIN).status_code == 403
        foreign = _upload(analyst, path, "f", raw, csrf, origin="https://evil.example")
        assert foreign.status_code == 403
        big = _upload(analyst, path, "big.csv", b"x" * (300 * 1024), csrf, **ORIGIN)
        assert big.status_code == 413 and "limit" in big.json()["error"]["message"]
    bad = _upload(analyst, "/supply-map", "broken.json", b"{not json", csrf, **ORIGIN)
    message = re.search(r'class="error"[^>]*>([^<]*)', bad.text)
    assert bad.status_code == 422 and message is not None
    assert "broken.json" in message.group(1) and "\n" not in message.group(1) and "Traceback" not in bad.text
    bad_csv = _upload(analyst, "/screening", "s.csv", b"company\nAcme\n", csrf, **ORIGIN)
    assert bad_csv.status_code == 422 and "s.csv" in bad_csv.text


def test_submitters_may_not_upload(bundled_db: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    token = make_users(db, sub=Role.submitter)["sub"]
    client = Client(create_app(ServiceSettings(db=db, warehouse=str(bundled_db))))
    try:
        login(client, token)
        page = client.get("/screening")
        assert page.status_code == 403
        csrf = form_csrf(client.get("/alerts/new").text)
        posted = _upload(client, "/screening", "s.csv", b"name\nAcme\n", csrf, **ORIGIN)
        assert posted.status_code == 403
    finally:
        client.close()


ORIGIN_DATA = Path(__file__).resolve().parents[1] / "origin" / "data"


def _origin_form(client: Client, fields: dict[str, str], file: tuple[str, bytes] | None = None) -> httpx.Response:
    csrf = form_csrf(client.get("/duty").text)
    files = {"file": (file[0], file[1], "application/octet-stream")} if file else {"file": ("", b"", "text/plain")}
    return client.post("/duty/origin", data={"csrf": csrf, **fields}, files=files, headers=ORIGIN)


def test_origin_calculator_pasted_and_uploaded(analyst: Client) -> None:
    """The page shows what ``evaluate_bom`` finds for the same BOM, agreement and date, pasted or uploaded."""
    from supplyscope.origin.bom import load_bom
    from supplyscope.origin.report import evaluate_bom
    from supplyscope.service.pages import _usd

    for name, verdict in (("battery_usmca", "qualifies"), ("battery_fails", "does not qualify")):
        path = ORIGIN_DATA / f"{name}.json"
        want = evaluate_bom(load_bom(path), "USMCA", on="2025-06-01").to_dict()
        assert (verdict == "qualifies") is bool(want["qualifies"])
        page = _origin_form(
            analyst, {"bom": path.read_text(encoding="utf-8"), "agreement": "USMCA", "date": "2025-06-01"}
        )
        assert page.status_code == 200, page.text
        assert f"USMCA: {verdict}" in _text(page.text, "origin-verdict")
        total = _text(page.text, "origin-duty-total")
        assert "2025-06-01" in total and _usd(want["duties"]["duty_usd"]) in total
        assert want["non_preferential_origin"] in _text(page.text, "origin-nonpref")
    csv = ORIGIN_DATA / "battery_usmca.csv"
    want = evaluate_bom(load_bom(csv), "USMCA", on="2025-06-01").to_dict()
    page = _origin_form(analyst, {"agreement": "USMCA", "date": "2025-06-01"}, (csv.name, csv.read_bytes()))
    assert page.status_code == 200, page.text
    assert ("USMCA: qualifies" if want["qualifies"] else "does not qualify") in _text(page.text, "origin-verdict")


def test_origin_calculator_refuses_bad_forms(analyst: Client) -> None:
    bad = _origin_form(analyst, {"bom": '{"hts": "8507.10", "value": -5}', "agreement": "USMCA"})
    assert bad.status_code == 422 and "the pasted BOM" in bad.text
    assert _origin_form(analyst, {"bom": "", "agreement": "USMCA"}).status_code == 422
    assert _origin_form(analyst, {"bom": "{}", "agreement": "NAFTA-2"}).status_code == 422
    no_token = analyst.post("/duty/origin", data={"bom": "{}"}, files={"file": ("", b"", "text/plain")}, headers=ORIGIN)
    assert no_token.status_code == 403


def test_minerals_price_simulators_worked_by_hand(analyst: Client) -> None:
    query = "mineral=gallium&prices=400,600,450&volume=10&floor=500&strike=550&unit=USD/kg"
    page = analyst.get(f"/minerals?{query}")
    assert page.status_code == 200, page.text
    # floor 500: duty (500 - 400) x 10 + 0 + (500 - 450) x 10 = 1,500
    assert "1,500.00" in _text(page.text, "floor-total")
    # one-sided CfD at 550: (550 - 400) x 10 + 0 + (550 - 450) x 10 = 2,500
    assert "2,500.00" in _text(page.text, "cfd-total")
    # two-sided: the producer pays back (600 - 550) x 10 = 500 in period 2
    two = analyst.get(f"/minerals?{query}&two_sided=on")
    assert "2,000.00" in _text(two.text, "cfd-total")
    missing = analyst.get("/minerals?mineral=gallium&prices=400,600&floor=500")
    assert missing.status_code == 422 and "volume" in missing.text
