"""``evaluate_bom(..., on=)`` and the ``duties`` of the origin report carry the dated stack, as ``duty`` does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from supplyscope.cli import app
from supplyscope.origin import evaluate_bom, load_bom
from supplyscope.origin.report import DUTY_KEYS

BOM = Path(__file__).parent / "data" / "battery_fails.json"  # made in MEX, HTS 8507.10.00.30, $100, no claim


def test_duties_carry_date_layers_ieepa_and_122() -> None:
    b = load_bom(BOM)
    mid2025 = evaluate_bom(b, None, on="2025-06-01").to_dict()["duties"]
    mid2026 = evaluate_bom(b, None, on="2026-06-01").to_dict()["duties"]
    assert set(DUTY_KEYS) <= set(mid2025)
    # by hand: MFN 3.5% of $100 = $3.50; 2025: + IEEPA Mexico 25% (9903.01.01) = $28.50
    assert (mid2025["date"], mid2025["mfn"], mid2025["ieepa"], mid2025["section122"]) == ("2025-06-01", 0.035, 0.25, 0)
    assert mid2025["duty_usd"] == pytest.approx(28.50) and mid2025["complete"] and mid2025["missing"] == []
    assert [ly["heading"] for ly in mid2025["layers"]] == ["8507.10.00", "9903.01.01"]
    # 2026: IEEPA no longer collected; Section 122 surcharge 10% (9903.03.01) = $13.50
    assert (mid2026["ieepa"], mid2026["section122"]) == (0, 0.10) and mid2026["duty_usd"] == pytest.approx(13.50)
    assert any("not applied" in r and "9903.01.01" in r for r in mid2026["reasons"])


def test_origin_command_prints_and_returns_the_same_stack_as_duty() -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["origin", str(BOM), "--date", "2025-06-01", "--format", "json"])
    assert res.exit_code == 0, res.output
    duties = json.loads(res.output)["duties"]
    res = runner.invoke(app, ["duty", "8507100030", "--origin", "MEX", "--value", "100", "--date", "2025-06-01"])
    duty_cmd = runner.invoke(
        app, ["duty", "8507100030", "--origin", "MEX", "--value", "100", "--date", "2025-06-01", "--format", "json"]
    )
    direct = json.loads(duty_cmd.output)
    assert {k: duties[k] for k in ("date", "ieepa", "section122", "total_rate", "layers")} == {
        k: direct[k] for k in ("date", "ieepa", "section122", "total_rate", "layers")
    }
    table = runner.invoke(app, ["origin", str(BOM), "--date", "2026-06-01"], env={"COLUMNS": "200"})
    assert "IEEPA 0.00%" in table.output and "122 10.00%" in table.output and "on 2026-06-01" in table.output
