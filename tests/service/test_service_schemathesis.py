"""Property-based API testing with Schemathesis against the app's own OpenAPI spec: no 5xx, ever.

The assessment is replaced by a small synthetic stand-in (fixed made-up records, labelled as such) so
that the run is fast and the fuzzing targets the service layer; the real assessment is exercised in
test_service_api.py and the browser test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from svc_helpers import make_users

from supplyscope.alerts.auth import Role
from supplyscope.errors import NotFoundError
from supplyscope.service import ServiceSettings, create_app

SYNTHETIC = {
    "hs6": "854231",
    "description": "synthetic test record",
    "score": 50.0,
    "rank": 1,
    "rank_interval": [1, 1],
    "dimensions": {"diversity": 40.0, "security": 60.0, "sustainability": 50.0, "transparency": 50.0},
    "indicators": {},
}


class SyntheticAssessment:
    """Synthetic stand-in for supplyscope.api (made-up numbers, for fuzzing only)."""

    def assess(self, importer: str, year: int | None, level: str, top: int | None) -> dict[str, Any]:
        return {"importer": importer, "year": year or 2024, "products": [SYNTHETIC][: top or 1]}

    def explain(self, code: str, importer: str, level: str) -> dict[str, Any]:
        if code != "854231":
            raise NotFoundError("product", code, ["854231"])
        return {**SYNTHETIC, "suppliers": []}


def test_no_server_errors(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'alerts.db'}"
    cfg = ServiceSettings(db=db, rate_limit=100_000, analysis_rate_user=100_000, analysis_rate_address=100_000)
    app = create_app(cfg, analyses=SyntheticAssessment())
    tokens = make_users(db, sub=Role.submitter, boss=Role.admin)
    spec = app.openapi()
    for path, method in (
        ("/api/alerts/{report_id}", "put"),
        ("/api/alerts/{report_id}", "delete"),
        ("/api/releases", "post"),
    ):
        assert "409" in spec["paths"][path][method]["responses"], (path, method)  # documented conflicts
    assert "422" in spec["paths"]["/api/alerts"]["post"]["responses"]
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        ok = getattr(result, "ok", None)
        assert ok is not None, f"the OpenAPI spec has an invalid operation: {result}"
        operations.append(ok())
    assert len(operations) >= 20
    calls: list[tuple[str, str, int]] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: Any) -> None:
            submit = (case.method.upper(), case.path) == ("POST", "/api/alerts")
            token = tokens["sub"] if submit else tokens["boss"]
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            calls.append((case.method, case.path, response.status_code))
            case.validate_response(response, checks=[not_a_server_error])
            if response.status_code >= 400:  # one error shape everywhere
                error = response.json()["error"]
                assert error["status"] == response.status_code and error["message"]

        run()
    assert all(status < 500 for _, _, status in calls)
    statuses = {status for method, path, status in calls if (method, path) == ("POST", "/api/alerts")}
    assert statuses & {400, 422}, statuses  # the fuzzer reached the report validation
    every = {status for _, _, status in calls}
    assert 409 in every or 404 in every, every
