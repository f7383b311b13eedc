"""``GET /api/duty``: the dated duty stack with quantity, unit and a preference claim, through the test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from svc_helpers import Client, make_users

from supplyscope.alerts.auth import Role
from supplyscope.service import ServiceSettings, create_app


@pytest.fixture
def env(tmp_path: Path) -> Iterator[tuple[Client, str]]:
    db = f"sqlite:///{tmp_path / 'alerts.db'}"
    client = Client(create_app(ServiceSettings(db=db, rate_limit=1000, max_body_bytes=8192)))
    yield client, make_users(db, a=Role.submitter)["a"]
    client.close()


def test_duty_takes_the_entry_date(env: tuple[Client, str]) -> None:
    client, tok = env
    q = "/api/duty?hts=8507600020&origin=CHN&value=1200"
    old = client.get(q + "&date=2024-06-01", tok).json()
    new = client.get(q + "&date=2026-03-01", tok).json()
    # List 4A 7.5% in 2024 (9903.88.15); the four-year review raised Li-ion batteries to 25% from 2026-01-01
    assert (old["date"], old["section301"], new["section301"]) == ("2024-06-01", 0.075, 0.25)
    assert old["duty_usd"] == pytest.approx(1200 * (0.034 + 0.075))


def test_duty_quantity_unit_complete_the_total(env: tuple[Client, str]) -> None:
    client, tok = env
    q = "/api/duty?hts=0201100500&origin=AUS&value=100&date=2024-06-01"
    without = client.get(q, tok).json()
    assert without["complete"] is False and "kg" in without["missing"][0]
    with_qty = client.get(q + "&quantity=50&unit=kg", tok).json()
    assert with_qty["complete"] is True and with_qty["duty_usd"] == pytest.approx(50 * 0.044)  # 4.4 cents/kg


def test_duty_agreement_claim(env: tuple[Client, str]) -> None:
    client, tok = env
    q = "/api/duty?hts=6110202079&origin=KOR&value=1000&date=2024-06-01"
    assert client.get(q, tok).json()["duty_usd"] == pytest.approx(165.0)  # MFN 16.5%
    claimed = client.get(q + "&agreement=KORUS&qualifies=true", tok).json()
    assert claimed["duty_usd"] == 0.0 and claimed["agreement"].startswith("KORUS")


def test_duty_bad_inputs_are_4xx_without_traceback(env: tuple[Client, str]) -> None:
    client, tok = env
    for q in ("date=2026-13-01", "date=yesterday", "quantity=-1&unit=kg", "quantity=5"):
        resp = client.get(f"/api/duty?hts=0201100500&origin=AUS&value=100&{q}", tok)
        assert resp.status_code in (400, 422), (q, resp.text)
        assert "Traceback" not in resp.text and "error" in resp.json()
