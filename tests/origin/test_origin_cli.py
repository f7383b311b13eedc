"""The CLI contract checked from outside: JSON shapes of `origin` and `duty`, and clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from supplyscope.cli import app
from supplyscope.errors import DataError, NotFoundError

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def _json(args: list[str]) -> dict:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_origin_json_shape() -> None:
    out = _json(["origin", str(DATA / "battery_usmca.json"), "--agreement", "USMCA", "--format", "json"])
    for key in ("qualifies", "rule", "trace", "rvc", "non_preferential_origin", "duties", "flip"):
        assert key in out
    assert isinstance(out["qualifies"], bool) and isinstance(out["rule"], str)
    assert isinstance(out["trace"], list) and out["trace"]
    assert set(out["rvc"]) == {"method", "value", "threshold"}
    assert len(out["non_preferential_origin"]) == 3
    assert {"mfn", "preferential", "section301", "section232", "total_rate", "de_minimis_eligible"} <= set(
        out["duties"]
    )
    assert isinstance(out["flip"], list)


def test_duty_json_shape_and_values() -> None:
    args = ["duty", "8507600020", "--origin", "CHN", "--value", "1200", "--date", "2024-06-01"]
    out = _json([*args, "--format", "json"])
    for key in (
        "mfn",
        "preferential",
        "section301",
        "section232",
        "total_rate",
        "duty_usd",
        "de_minimis_eligible",
        "reasons",
    ):
        assert key in out
    # 3.4% MFN (HTS 8507.60.00) + 7.5% List 4A (9903.88.15) on $1,200, entered 2024-06-01
    assert out["mfn"] == pytest.approx(0.034)
    assert out["section301"] == pytest.approx(0.075)
    assert out["duty_usd"] == pytest.approx(round(1200 * 0.109, 2))
    assert out["de_minimis_eligible"] is False


def test_unknown_agreement_names_the_choices() -> None:
    res = runner.invoke(app, ["origin", str(DATA / "battery_usmca.json"), "--agreement", "NAFTA"])
    text = _error_text(res, NotFoundError)
    assert "agreement 'NAFTA'" in text and "USMCA" in text


def test_malformed_hts_names_the_field() -> None:
    res = runner.invoke(app, ["duty", "85076", "--origin", "CHN", "--value", "10"])
    text = _error_text(res, DataError)
    assert "field 'hts10'" in text and "85076" in text


def _error_text(res: Result, kind: type[Exception]) -> str:
    """The supplyscope error a command raised under the test runner (`main()` prints it as one line; the
    entry-point tests below check that)."""
    assert res.exit_code != 0 and "Traceback" not in res.output
    assert isinstance(res.exception, kind), (res.exception, res.output)
    return str(res.exception)


def test_bad_input_exits_cleanly_without_traceback(tmp_path: Path) -> None:
    bom = json.loads((DATA / "battery_usmca.json").read_text())
    bom["materials"][0]["value"] = 500.0
    p = tmp_path / "too_much.json"
    p.write_text(json.dumps(bom))
    exe = Path(sys.executable).parent / "supplyscope"
    res = subprocess.run([str(exe), "origin", str(p)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 5
    assert "Traceback" not in res.stderr
    assert "materials[].value" in res.stderr and "too_much.json" in res.stderr


def test_origin_without_agreement_and_from_csv() -> None:
    out = _json(["origin", str(DATA / "battery_usmca.csv"), "--format", "json"])
    assert out["qualifies"] is False and out["rule"] == "" and out["trace"] == []
    assert out["non_preferential_origin"] == "MEX"
    assert out["duties"]["mfn"] == pytest.approx(0.035) and out["duties"]["preferential"] is None


def test_coverage_command_json() -> None:
    out = _json(["origin-coverage", "--scheme", "japan", "--format", "json"])
    s = out["schemes"][0]
    assert s["scheme"] == "japan" and s["compiled"] + s["partial"] + s["unsupported"] == s["rule_sets"]
