"""CLI contract: the JSON shapes of ``exposure`` and ``shock``, the HTML reports, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from supplyscope.cli import app
from supplyscope.errors import NotFoundError, RuleError
from supplyscope.inputoutput import IOTable, exposure

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def test_exposure_json_shape(icio: IOTable, tmp_path: Path) -> None:
    out = tmp_path / "exp.html"
    res = runner.invoke(app, ["exposure", "--country", "USA", "--source", "CHN", "--format", "json", "--out", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["country"] == "USA" and doc["source"] == "CHN"
    assert len(doc["industries"]) == 50
    first = doc["industries"][0]
    assert {"industry", "face_value", "look_through", "ratio"} <= set(first)
    ref = exposure(icio, "USA", "CHN").set_index("industry")
    c26 = next(r for r in doc["industries"] if r["industry"] == "C26")
    assert c26["look_through"] == pytest.approx(ref.loc["C26", "look_through"])
    text = out.read_text()
    assert "plotly" in text and "<script" in text and out.stat().st_size > 1_000_000  # JS inlined


def test_shock_json_shape(tmp_path: Path) -> None:
    out = tmp_path / "shock.html"
    res = runner.invoke(
        app, ["shock", str(DATA / "scenario_example.toml"), "--format", "json", "--top", "5", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [s["name"] for s in doc["scenarios"]] == ["PRC gallium/germanium restriction", "Electronics halt"]
    impacts = doc["scenarios"][0]["impacts"]
    assert len(impacts) == 5
    assert {"country", "industry", "output_loss", "output_loss_share", "inoperability"} <= set(impacts[0])
    assert impacts[0]["country"] == "CHN" and impacts[0]["industry"] == "C24B"
    losses = [i["output_loss"] for i in impacts]
    assert losses == sorted(losses, reverse=True)
    assert out.exists()


def test_errors_are_supplyscope_errors(tmp_path: Path) -> None:
    res = runner.invoke(app, ["exposure", "--country", "XXX", "--format", "json", "--out", str(tmp_path / "a.html")])
    assert isinstance(res.exception, NotFoundError)
    bad = tmp_path / "bad.toml"
    bad.write_text('[[scenario]]\nname = "a"\n[[scenario.shock]]\ncountry = "CHN"\nsector = "C26"\ncut = 2\n')
    res = runner.invoke(app, ["shock", str(bad), "--format", "json"])
    assert isinstance(res.exception, RuleError)
    assert "cut: must be a number from 0 to 1" in str(res.exception)
