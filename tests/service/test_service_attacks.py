"""The attacks of issue 16, each reproduced against the service (each failed on the live-aggregate build).

- differencing: fetch, file one confidential report, fetch again;
- the existence oracle: 403 versus 404 for a confidential id, and the audit log's report filter;
- admin token minting: an admin rotating a submitter's token to read its confidential reports;
- login CSRF: a foreign page posting the attacker's token to /login;
- duplicate keys and type coercion in the report body;
- the anonymous stall: analysis endpoints without login or limits.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from svc_helpers import Client, form_csrf, make_users, report

from supplyscope.alerts.auth import Role
from supplyscope.alerts.storage import open_store
from supplyscope.service import ServiceSettings, create_app

Env = tuple[Client, dict[str, str], str]
JSON = {"content-type": "application/json"}


class Cheap:
    """Synthetic stand-in for the assessment (made-up record)."""

    def assess(self, importer: str, year: int | None, level: str, top: int | None) -> dict[str, Any]:
        rows = [{"code": str(i), "score": float(i)} for i in range(300)]
        return {"importer": importer, "level": level, "industries": rows, "products": rows}

    def explain(self, code: str, importer: str, level: str) -> dict[str, Any]:
        return {"code": code, "score": 1.0}


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    db = f"sqlite:///{tmp_path / 'alerts.db'}"
    app = create_app(ServiceSettings(db=db, rate_limit=1000, analysis_rate_user=5), analyses=Cheap())
    tokens = make_users(
        db,
        a=Role.submitter,
        b=Role.submitter,
        c=Role.submitter,
        d=Role.submitter,
        ana=Role.analyst,
        boss=Role.admin,
        boss2=Role.admin,
    )
    client = Client(app)
    yield client, tokens, db
    client.close()


def _cells(body: dict[str, Any]) -> dict[tuple[str, str, str], Any]:
    return {(t["name"], c["row"], c["col"]): c["value"] for t in body["tables"] for c in t["cells"]}


def test_differencing_one_submission_changes_nothing_an_analyst_sees(env: Env) -> None:
    client, tok, _ = env
    for who in ("a", "b", "c"):
        for week in ("2026-04-06", "2026-04-13"):
            client.post("/api/alerts", tok[who], json=report(start_date=week))
    client.post("/api/releases", tok["ana"])
    before = client.get("/api/aggregates", tok["ana"]).json()
    secret = report(hs6="280530", country="CHN", start_date="2026-04-06", severity=5, confidential=True)
    assert client.post("/api/alerts", tok["d"], json=secret).status_code == 201
    after = client.get("/api/aggregates", tok["ana"]).json()
    assert _cells(after) == _cells(before) and after["reports"] == before["reports"]
    # nor can the analyst force a release that isolates it: one new submitter is too few
    assert client.post("/api/releases", tok["ana"]).status_code == 409


def test_exact_total_is_not_published(env: Env) -> None:
    client, tok, _ = env
    for _ in range(20):  # one submitter holds 20 of 22 reports (91%)
        client.post("/api/alerts", tok["a"], json=report(hs6="280530", country="CHN"))
    client.post("/api/alerts", tok["b"], json=report())
    client.post("/api/alerts", tok["c"], json=report(country="KOR"))
    client.post("/api/releases", tok["ana"])
    body = client.get("/api/aggregates", tok["ana"]).json()
    assert all(v is None for v in _cells(body).values())  # every cell suppressed ...
    assert body["reports"] is None  # ... and so is the number of reports


def test_no_existence_oracle_for_confidential_reports(env: Env) -> None:
    client, tok, _ = env
    rid = client.post("/api/alerts", tok["a"], json=report(confidential=True)).json()["id"]
    missing = rid + 999
    for who in ("ana", "boss", "b"):
        hidden, absent = client.get(f"/api/alerts/{rid}", tok[who]), client.get(f"/api/alerts/{missing}", tok[who])
        assert hidden.status_code == absent.status_code == 404
        assert hidden.json()["error"]["message"].replace(str(rid), "#") == absent.json()["error"]["message"].replace(
            str(missing), "#"
        )
    # the audit log does not link the confidential report to its submitter
    assert client.get(f"/api/audit?report_id={rid}", tok["boss"]).json() == []
    assert all(e["report_id"] != rid for e in client.get("/api/audit?limit=5000", tok["boss"]).json())


def test_admin_cannot_mint_a_token_that_reads_confidential_reports(env: Env) -> None:
    client, tok, db = env
    rid = client.post("/api/alerts", tok["a"], json=report(confidential=True)).json()["id"]
    uid = next(u["id"] for u in client.get("/api/users", tok["boss"]).json() if u["name"] == "a")
    resp = client.post(f"/api/users/{uid}/token", tok["boss"])
    assert resp.status_code == 200 and "token" not in resp.json()
    assert not any(v.startswith("sst_") for v in map(str, resp.json().values()))
    assert client.get(f"/api/alerts/{rid}", tok["a"]).status_code == 401  # the old token is dead
    assert client.get(f"/api/alerts/{rid}", tok["boss"]).status_code == 404
    # break-glass: a second admin must approve, the read is logged under the real actor and shown to "a"
    req = client.post("/api/break-glass", tok["boss"], json={"report_id": rid, "reason": "court order 2026-17"})
    assert req.status_code == 201
    gid = req.json()["id"]
    assert client.get(f"/api/break-glass/{gid}/report", tok["boss"]).status_code == 409
    assert client.post(f"/api/break-glass/{gid}/approve", tok["boss"]).status_code == 409
    assert client.post(f"/api/break-glass/{gid}/approve", tok["boss2"]).status_code == 200
    assert client.get(f"/api/break-glass/{gid}/report", tok["boss"]).json()["id"] == rid
    assert client.get(f"/api/break-glass/{gid}/report", tok["boss"]).status_code == 409  # once
    store = open_store(db)
    try:
        new_a = store.rotate_token(uid)  # the operator issues "a" a new token on the server
        boss_id = next(u.id for u in store.users() if u.name == "boss")
    finally:
        store.close()
    seen = client.get("/api/me/access", new_a).json()
    assert any(e["action"] == "break_glass_read" and e["user_id"] == boss_id for e in seen)


def test_one_admin_cannot_remove_the_others(env: Env) -> None:
    client, tok, _ = env
    users = {u["name"]: u["id"] for u in client.get("/api/users", tok["boss"]).json()}
    resp = client.post(f"/api/users/{users['boss2']}/deactivate", tok["boss"])
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "conflict"
    assert client.get("/api/users", tok["boss2"]).status_code == 200


def test_deactivation_revokes_tokens_for_good(env: Env) -> None:
    client, tok, _ = env
    uid = next(u["id"] for u in client.get("/api/users", tok["boss"]).json() if u["name"] == "b")
    client.post(f"/api/users/{uid}/deactivate", tok["boss"])
    client.post(f"/api/users/{uid}/activate", tok["boss"])
    assert client.get("/api/alerts", tok["b"]).status_code == 401


def test_login_csrf_from_another_site_is_refused(env: Env) -> None:
    client, tok, _ = env
    # the attacker's page posts its own token; it has no CSRF token and the browser sends a foreign Origin
    forged = client.post(
        "/login", data={"token": tok["a"], "next": "/alerts/new"}, headers={"origin": "https://evil.example"}
    )
    assert forged.status_code == 403 and "set-cookie" not in {k.lower() for k in forged.headers}
    # even with a token scraped from the form, a foreign Origin is refused
    csrf = form_csrf(client.get("/login").text)
    foreign = client.post(
        "/login", data={"token": tok["a"], "next": "/", "csrf": csrf}, headers={"origin": "https://evil.example"}
    )
    assert foreign.status_code == 403


def test_security_headers_everywhere(env: Env) -> None:
    client, tok, _ = env
    for path, token in (("/login", None), ("/api/alerts", tok["a"]), ("/api/nothing", None), ("/api/meta", None)):
        resp = client.get(path, token)
        assert "frame-ancestors 'none'" in resp.headers["content-security-policy"], path
        assert resp.headers["x-frame-options"] == "DENY" and resp.headers["x-content-type-options"] == "nosniff"
        assert resp.headers["cache-control"] == "no-store", path


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (json.dumps(report(confidential=True)).encode()[:-1] + b', "confidential": false}', "confidential"),
        (json.dumps(report(severity=True)).encode(), "severity"),
        (json.dumps(report(confidential="yes")).encode(), "confidential"),
        (json.dumps(report(start_date=1775174400)).encode(), "start_date"),
        (json.dumps(report(expected_duration_days="14")).encode(), "expected_duration_days"),
        (json.dumps(report(severity=4.0)).encode(), "severity"),
        (json.dumps(report(text="cafe"), ensure_ascii=False).encode().replace(b"cafe", b"caf\xe9"), "body"),
    ],
)
def test_strict_parsing_names_the_field(env: Env, body: bytes, field: str) -> None:
    client, tok, _ = env
    resp = client.post("/api/alerts", tok["a"], content=body, headers=JSON)
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["field"] == field
    assert client.get("/api/alerts", tok["a"]).json()["reports"] == []  # nothing stored


def test_analysis_needs_login_and_is_rate_limited(env: Env) -> None:
    client, tok, _ = env
    assert client.get("/api/explain/854231").status_code == 401
    assert client.get("/api/assess").status_code == 401
    codes = [client.get("/api/explain/854231", tok["ana"]).status_code for _ in range(7)]
    assert codes == [200] * 5 + [429, 429]
    assert client.get("/api/explain/854231", tok["boss"]).status_code == 200  # another user is not blocked


def test_top_returns_exactly_top_industries(env: Env) -> None:
    client, tok, _ = env
    body = client.get("/api/assess?level=industry&top=3", tok["ana"]).json()
    assert len(body["industries"]) == 3 and len(body["products"]) == 3


def test_submitter_lists_corrects_and_withdraws_and_the_next_release_honours_it(env: Env) -> None:
    client, tok, _ = env
    ids = {}
    for who in ("a", "b", "c"):
        ids[who] = client.post("/api/alerts", tok[who], json=report(start_date="2026-04-06")).json()["id"]
    fixed = client.request("PUT", f"/api/alerts/{ids['a']}", tok["a"], json=report(start_date="2026-04-06", severity=2))
    assert fixed.status_code == 200 and fixed.json()["severity"] == 2 and fixed.json()["updated_at"]
    assert client.request("PUT", f"/api/alerts/{ids['b']}", tok["a"], json=report()).status_code == 404  # not yours
    assert client.request("DELETE", f"/api/alerts/{ids['c']}", tok["c"]).status_code == 200
    assert client.request("DELETE", f"/api/alerts/{ids['c']}", tok["c"]).status_code == 409
    assert client.request("PUT", f"/api/alerts/{ids['c']}", tok["c"], json=report()).status_code == 409
    mine = client.get("/api/alerts", tok["c"]).json()["reports"]
    assert [r["withdrawn_at"] is not None for r in mine] == [True]
    for who in ("a", "b", "d"):
        client.post("/api/alerts", tok[who], json=report(start_date="2026-04-13"))
    assert client.post("/api/releases", tok["ana"]).status_code == 201
    stored = open_store(env[2])
    try:
        counted = stored.releases()[-1]["report_ids"]
    finally:
        stored.close()
    assert ids["c"] not in counted and ids["a"] in counted
