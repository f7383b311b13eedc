"""Dashboard pages in process, with a small synthetic assessment (made-up scores on real HS codes).

The real assessment is exercised by the browser test; here the filters, the login cookie, the alert
form and the aggregates page are checked against records whose answers are known.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from svc_helpers import Client, form_csrf, login, make_users, report

from supplyscope.alerts.auth import Role
from supplyscope.codes.hs import hs6_sections
from supplyscope.errors import NotFoundError
from supplyscope.service import ServiceSettings, create_app


def _record(hs6: str, score: float, security: float, concern: float) -> dict[str, Any]:
    return {
        "hs6": hs6,
        "description": f"synthetic record {hs6}",
        "score": score,
        "rank": 0,
        "rank_interval": [1, 3],
        "dimensions": {"diversity": 10.0, "security": security, "sustainability": 20.0, "transparency": 30.0},
        "indicators": {"concern_share": {"value": concern, "risk": 50.0, "weight": 1.0, "contribution": 1.0}},
    }


# synthetic: 854231 (section XVI), 850760 (XVI), 280530 (VI), 030324 (I)
RECORDS = [
    _record("854231", 70.0, 20.0, 0.1),
    _record("850760", 60.0, 90.0, 0.8),
    _record("280530", 50.0, 80.0, 0.9),
    _record("030324", 40.0, 10.0, 0.6),
]


class Synthetic:
    def assess(self, importer: str, year: int | None, level: str, top: int | None) -> dict[str, Any]:
        return {"importer": importer, "year": 2024, "count": len(RECORDS), "products": RECORDS[: top or None]}

    def explain(self, code: str, importer: str, level: str) -> dict[str, Any]:
        for r in RECORDS:
            if r["hs6"] == code:
                return {
                    **r,
                    "suppliers": [
                        {"country": "TWN", "value_usd": 10.0, "share": 0.75},
                        {"country": "KOR", "value_usd": 3.3, "share": 0.25},
                    ],
                }
        raise NotFoundError("product", code, [r["hs6"] for r in RECORDS])


@pytest.fixture
def env(tmp_path: Path) -> Iterator[tuple[Client, dict[str, str]]]:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    app = create_app(ServiceSettings(db=db), analyses=Synthetic())
    tokens = make_users(db, a=Role.submitter, b=Role.submitter, c=Role.submitter, ana=Role.analyst)
    client = Client(app)
    login(client, tokens["ana"])
    yield client, tokens
    client.close()


def _codes(html: str) -> list[str]:
    return re.findall(r'class="product-link" href="/product/(\d{6})', html)


def test_ranking_filters_by_dimension_section_and_group(env: tuple[Client, dict[str, str]]) -> None:
    client, _ = env
    assert hs6_sections()["854231"] == "XVI" and hs6_sections()["280530"] == "VI"
    assert _codes(client.get("/ranking").text) == ["854231", "850760", "280530", "030324"]
    assert _codes(client.get("/ranking?dimension=security").text) == ["850760", "280530", "854231", "030324"]
    assert _codes(client.get("/ranking?section=XVI").text) == ["854231", "850760"]
    assert _codes(client.get("/ranking?group=concern&min_share=0.7").text) == ["850760", "280530"]
    assert _codes(client.get("/ranking?group=concern&min_share=0.7&section=VI").text) == ["280530"]
    bad = client.get("/ranking?dimension=colour")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "dimension"


def test_home_embeds_the_heatmap_and_serves_plotly_locally(env: tuple[Client, dict[str, str]]) -> None:
    client, _ = env
    html = client.get("/").text
    assert 'id="heatmap"' in html and "/assets/plotly.min.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # no external asset
    js = client.get("/assets/plotly.min.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert len(js.content) > 1_000_000
    assert client.get("/static/dashboard.js").status_code == 200
    assert client.get("/docs").status_code == 404  # FastAPI's Swagger page would load a CDN


def test_drilldown_and_unknown_product(env: tuple[Client, dict[str, str]]) -> None:
    client, _ = env
    page = client.get("/product/850760")
    assert page.status_code == 200 and "synthetic record 850760" in page.text and "75.0%" in page.text
    missing = client.get("/product/010121")
    assert missing.status_code == 404 and "unknown product" in missing.text


def _logout(client: Client) -> None:
    page = client.get("/alerts/new")
    client.post("/logout", data={"csrf": form_csrf(page.text)}, headers={"origin": "http://testserver"})


def test_login_form_and_alert_submission(env: tuple[Client, dict[str, str]]) -> None:
    client, tok = env
    _logout(client)
    assert client.get("/alerts/new").status_code == 303
    csrf = form_csrf(client.get("/login?next=/alerts/new").text)
    same = {"origin": "http://testserver"}
    wrong = client.post("/login", data={"token": "sst_nope", "next": "/alerts/new", "csrf": csrf}, headers=same)
    assert wrong.status_code == 401
    ok = login(client, tok["a"], "/alerts/new")
    assert ok.status_code == 303 and ok.headers["location"] == "/alerts/new"
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert tok["a"] not in cookie  # the cookie names a server-side session, never the token
    page = client.get("/alerts/new")
    form = {k: str(v) for k, v in report().items() if k != "confidential"}
    form["csrf"] = form_csrf(page.text)
    done = client.post("/alerts/new", data=form, headers=same)
    assert done.status_code == 201 and re.search(r'id="report-id">\d+<', done.text)
    bad = client.post("/alerts/new", data={**form, "hs6": "999999"}, headers=same)
    assert bad.status_code == 422 and "hs6" in bad.text
    nonint = client.post("/alerts/new", data={**form, "severity": "high"}, headers=same)
    assert nonint.status_code == 422 and "severity" in nonint.text
    # without the form's token, or from another site, the form is refused and nothing is stored
    assert client.post("/alerts/new", data={**form, "csrf": "forged"}, headers=same).status_code == 403
    assert client.post("/alerts/new", data=form, headers={"origin": "https://evil.example"}).status_code == 403


def test_release_page_shows_no_live_or_exact_counts(env: tuple[Client, dict[str, str]]) -> None:
    client, tok = env
    for who in ("a", "b", "c"):
        client.post("/api/alerts", tok[who], json=report(start_date="2026-04-06"))
    client.post("/api/alerts", tok["a"], json=report(hs6="280530", country="CHN", start_date="2026-04-06"))
    assert "No release has been published yet" in client.get("/alerts").text
    assert client.post("/api/releases", tok["ana"]).status_code == 201
    page = client.get("/alerts")
    assert page.status_code == 200 and "Release 1" in page.text
    assert "reports on file" not in page.text  # no live, exact total: the release's perturbed one, or none
    about = re.search(r"About (\d+) reports \(perturbed\)", page.text)
    assert about is None or abs(int(about.group(1)) - 4) <= 2
    assert "280530 CHN" not in page.text  # a row only one submitter reported is not even named
    assert page.text.count('class="suppressed">x<') >= 4
    _logout(client)
    login(client, tok["a"], "/alerts")
    assert client.get("/alerts").status_code == 403


class SyntheticEntities(Synthetic):
    """The same synthetic records under the typed result's single list key (issue 14's contract)."""

    def assess(self, importer: str, year: int | None, level: str, top: int | None) -> dict[str, Any]:
        return {"importer": importer, "year": 2024, "count": len(RECORDS), "entities": RECORDS[: top or None]}


def test_pages_read_the_single_entities_key(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    app = create_app(ServiceSettings(db=db), analyses=SyntheticEntities())
    client = Client(app)
    try:
        login(client, make_users(db, ana=Role.analyst)["ana"])
        assert _codes(client.get("/ranking").text) == ["854231", "850760", "280530", "030324"]
        assert '"854231 synthetic record 854231"' in client.get("/?top=5").text.replace("&#34;", '"')
    finally:
        client.close()
