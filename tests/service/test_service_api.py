"""The JSON API in process: contract shapes, one error shape, roles, audit, limits, aggregates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from svc_helpers import Client, login, make_users, report

from supplyscope.alerts.auth import Role
from supplyscope.alerts.model import report_checksum
from supplyscope.service import ServiceSettings, create_app
from supplyscope.service.analyses import Unavailable


class MissingAssessment:
    """Stands in for a build without supplyscope.api."""

    def assess(self, importer: str, year: int | None, level: str, top: int | None) -> dict[str, Any]:
        raise Unavailable("the assessment", "supplyscope.api is not part of this build")

    def explain(self, code: str, importer: str, level: str) -> dict[str, Any]:
        raise Unavailable("the assessment", "supplyscope.api is not part of this build")


@pytest.fixture
def env(tmp_path: Path) -> Iterator[tuple[Client, dict[str, str], str]]:
    db = f"sqlite:///{tmp_path / 'alerts.db'}"
    settings = ServiceSettings(db=db, rate_limit=1000, max_body_bytes=8192)
    app = create_app(settings, analyses=MissingAssessment())
    tokens = make_users(db, a=Role.submitter, b=Role.submitter, c=Role.submitter, ana=Role.analyst, boss=Role.admin)
    client = Client(app)
    yield client, tokens, db
    client.close()


def assert_error(resp: Any, status: int, code: str, needle: str = "") -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message", "field", "details"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert needle in body["error"]["message"], body
    assert "Traceback" not in resp.text
    return dict(body["error"])


def test_submit_acknowledges_with_id_and_checksum(env: tuple[Client, dict[str, str], str]) -> None:
    client, tok, _ = env
    body = report()
    resp = client.post("/api/alerts", tok["a"], json=body)
    assert resp.status_code == 201
    ack = resp.json()
    assert set(ack) == {"id", "checksum", "created_at", "duplicate"}
    assert ack["checksum"] == report_checksum(body) and ack["duplicate"] is False
    stored = client.get(f"/api/alerts/{ack['id']}", tok["a"]).json()
    assert {k: stored[k] for k in body} == body
    # idempotent retry with a client reference
    first = client.post("/api/alerts", tok["a"], json={**body, "client_ref": "r-1"}).json()
    again = client.post("/api/alerts", tok["a"], json={**body, "client_ref": "r-1"})
    assert again.status_code == 200 and again.json()["id"] == first["id"] and again.json()["duplicate"]


def test_bad_input_gets_4xx_with_a_clear_message(env: tuple[Client, dict[str, str], str]) -> None:
    client, tok, _ = env
    hdr = {"content-type": "application/json"}
    assert_error(client.post("/api/alerts", tok["a"], content=b'{"hs6": ', headers=hdr), 400, "malformed_json", "JSON")
    err = assert_error(client.post("/api/alerts", tok["a"], json=report(hs6="999999")), 422, "invalid_input", "999999")
    assert err["field"] == "hs6"
    err = assert_error(client.post("/api/alerts", tok["a"], json=report(hs6="12345")), 422, "invalid_input", "hs6")
    assert err["field"] == "hs6"
    err = assert_error(client.post("/api/alerts", tok["a"], json=report(country="XXX")), 422, "invalid_input")
    assert err["field"] == "country"
    assert_error(client.post("/api/alerts", tok["a"], json=report(extra=1)), 422, "invalid_input", "extra")
    big = json.dumps(report(text="x" * 9000)).encode()
    assert_error(client.post("/api/alerts", tok["a"], content=big, headers=hdr), 413, "payload_too_large", "8192")
    assert_error(client.post("/api/alerts", tok["a"], content=b"[1, 2]", headers=hdr), 422, "invalid_input")


def test_authentication_and_roles(env: tuple[Client, dict[str, str], str]) -> None:
    client, tok, _ = env
    assert_error(client.post("/api/alerts", json=report()), 401, "unauthorized", "Bearer")
    assert_error(client.post("/api/alerts", "sst_forged", json=report()), 401, "unauthorized")
    assert_error(client.post("/api/alerts", tok["ana"], json=report()), 403, "forbidden", "submitter")
    assert_error(client.get("/api/users", tok["ana"]), 403, "forbidden")
    assert_error(client.get("/api/aggregates", tok["a"]), 403, "forbidden")


def test_submitters_see_only_their_own_and_analysts_no_confidential(env: tuple[Client, dict[str, str], str]) -> None:
    client, tok, _ = env
    mine = client.post("/api/alerts", tok["a"], json=report(confidential=True)).json()["id"]
    open_b = client.post("/api/alerts", tok["b"], json=report(country="KOR")).json()["id"]
    assert_error(client.get(f"/api/alerts/{mine}", tok["b"]), 404, "not_found")
    assert_error(client.get(f"/api/alerts/{open_b}", tok["a"]), 404, "not_found")
    assert [r["id"] for r in client.get("/api/alerts", tok["b"]).json()["reports"]] == [open_b]
    # a confidential report answers exactly like an unknown id: no 403 that would confirm it exists
    hidden = assert_error(client.get(f"/api/alerts/{mine}", tok["ana"]), 404, "not_found")
    unknown = assert_error(client.get(f"/api/alerts/{mine + 1000}", tok["ana"]), 404, "not_found")
    assert hidden["message"].replace(str(mine), "N") == unknown["message"].replace(str(mine + 1000), "N")
    assert client.get(f"/api/alerts/{open_b}", tok["ana"]).status_code == 200
    listed = client.get("/api/alerts", tok["ana"]).json()["reports"]
    assert [r["id"] for r in listed] == [open_b]
    assert client.get(f"/api/alerts/{mine}", tok["a"]).json()["confidential"] is True


def test_every_raw_read_is_audited(env: tuple[Client, dict[str, str], str]) -> None:
    client, tok, _ = env
    rid = client.post("/api/alerts", tok["a"], json=report()).json()["id"]
    client.get(f"/api/alerts/{rid}", tok["ana"])
    client.get("/api/alerts", tok["ana"])
    client.get(f"/api/alerts/{rid}", tok["a"])
    log = client.get(f"/api/audit?report_id={rid}", tok["boss"]).json()
    actions = sorted(e["action"] for e in log)
    assert actions == ["list", "read", "read", "submit"]
    assert [e["user_id"] for e in log if e["action"] == "submit"] != []
    assert_error(client.get("/api/audit", tok["ana"]), 403, "forbidden")


def test_admin_manages_users(env: tuple[Client, dict[str, str], str]) -> None:
    client, tok, _ = env
    created = client.post("/api/users", tok["boss"], json={"name": "newco", "role": "submitter"})
    assert created.status_code == 201
    body = created.json()
    assert body["user"]["role"] == "submitter" and body["token"].startswith("sst_")
    assert client.post("/api/alerts", body["token"], json=report()).status_code == 201
    uid = body["user"]["id"]
    assert client.post(f"/api/users/{uid}/deactivate", tok["boss"]).json()["active"] is False
    assert_error(client.post("/api/alerts", body["token"], json=report()), 401, "unauthorized")
    client.post(f"/api/users/{uid}/activate", tok["boss"])
    # reactivation does not bring the old token back
    assert_error(client.post("/api/alerts", body["token"], json=report()), 401, "unauthorized")
    assert_error(
        client.post("/api/users", tok["boss"], json={"name": "newco", "role": "analyst"}),
        400,
        "invalid_option",
        "exists",
    )
    assert_error(client.post("/api/users/999/deactivate", tok["boss"]), 404, "not_found")


def test_rate_limit_answers_429(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    app = create_app(ServiceSettings(db=db, rate_limit=3, rate_window_s=60), analyses=MissingAssessment())
    tok = make_users(db, a=Role.submitter)["a"]
    client = Client(app)
    try:
        codes = [client.post("/api/alerts", tok, json=report()).status_code for _ in range(5)]
        assert codes == [201, 201, 201, 429, 429]
        resp = client.post("/api/alerts", tok, json=report())
        assert_error(resp, 429, "rate_limited", "at most 3")
        assert resp.headers["retry-after"] == "60"
    finally:
        client.close()


def test_releases_never_show_cells_below_threshold(env: tuple[Client, dict[str, str], str]) -> None:
    client, tok, _ = env
    # Three submitters report 854231/TWN in two weeks, only "a" reports 284690/CHN: the CHN row must not
    # even be named (it is merged into OTHER), and the OTHER row's cells are hidden.
    for name in ("a", "b", "c"):
        client.post("/api/alerts", tok[name], json=report(start_date="2026-04-06"))
        client.post("/api/alerts", tok[name], json=report(start_date="2026-04-13", severity=2))
    client.post(
        "/api/alerts", tok["a"], json=report(hs6="284690", country="CHN", start_date="2026-04-06", confidential=True)
    )
    assert_error(client.get("/api/releases/latest", tok["ana"]), 404, "not_found", "no release")
    cut = client.post("/api/releases", tok["ana"])
    assert cut.status_code == 201, cut.text
    rel = client.get("/api/releases/latest", tok["ana"]).json()
    assert rel["number"] == 1 and rel["rules"]["min_contributors"] == 3
    table = {(c["row"], c["col"]): c for c in rel["tables"][0]["cells"]}
    assert not any(r == "284690 CHN" for r, _ in table)
    assert table[("OTHER", "2026-W15")]["suppressed"] and table[("OTHER", "TOTAL")]["suppressed"]
    # published counts are perturbed by at most the documented noise
    d = rel["policy"]["max_noise"]
    true = {("854231 TWN", "2026-W15"): 3, ("854231 TWN", "2026-W16"): 3, ("854231 TWN", "TOTAL"): 6}
    true |= {("TOTAL", "2026-W15"): 4, ("TOTAL", "2026-W16"): 3, ("OTHER", "2026-W16"): 0}
    shown = {k: table[k]["value"] for k in true if table[k]["value"] is not None}
    assert shown and all(abs(v - true[k]) <= d for k, v in shown.items()), shown
    assert rel["reports"] is None or abs(rel["reports"] - 7) <= d
    for t in rel["tables"]:
        for c in t["cells"]:
            assert (c["value"] is None) == c["suppressed"]
    # a second release needs three new submitters: one more report from "a" is not enough
    client.post("/api/alerts", tok["a"], json=report(start_date="2026-04-20"))
    assert_error(client.post("/api/releases", tok["ana"]), 409, "conflict", "new submitter")
    assert client.get("/api/aggregates", tok["ana"]).json()["number"] == 1


def test_assessment_unavailable_is_a_clear_503(env: tuple[Client, dict[str, str], str]) -> None:
    client, tok, _ = env
    assert_error(client.get("/api/assess", tok["ana"]), 503, "unavailable", "supplyscope.api")
    assert_error(client.get("/api/explain/854231", tok["ana"]), 503, "unavailable")
    login(client, tok["ana"])
    page = client.get("/")
    assert page.status_code == 503 and "unavailable" in page.text


def test_openapi_lists_the_endpoints(env: tuple[Client, dict[str, str], str]) -> None:
    client, _, _ = env
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/alerts",
        "/api/alerts/{report_id}",
        "/api/aggregates",
        "/api/users",
        "/api/assess",
        "/api/explain/{code}",
        "/api/audit",
        "/api/meta",
    ):
        assert path in spec["paths"], path
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_unknown_routes_and_methods_use_the_error_shape(env: tuple[Client, dict[str, str], str]) -> None:
    client, tok, _ = env
    assert_error(client.get("/api/nothing"), 404, "not_found")
    assert_error(client.request("DELETE", "/api/alerts", tok["a"]), 405, "method_not_allowed")
    assert_error(client.get("/api/alerts/abc", tok["a"]), 422, "invalid_input", "report_id")


def test_internal_errors_do_not_leak_a_trace(tmp_path: Path) -> None:
    class Broken(MissingAssessment):
        def assess(self, importer: str, year: int | None, level: str, top: int | None) -> dict[str, Any]:
            raise RuntimeError("secret internal detail /etc/passwd")

    db = f"sqlite:///{tmp_path / 'a.db'}"
    app = create_app(ServiceSettings(db=db), analyses=Broken())
    tok = make_users(db, ana=Role.analyst)["ana"]
    client = Client(app)
    try:
        resp = client.get("/api/assess", tok)
        err = assert_error(resp, 500, "internal_error")
        assert "secret" not in resp.text and "RuntimeError" not in resp.text and err["details"] == []
    finally:
        client.close()
