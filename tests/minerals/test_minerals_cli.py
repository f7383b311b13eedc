"""The ``supplyscope minerals`` commands: JSON shapes, files written, clean errors."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from supplyscope.errors import ConfigError, NotFoundError, SupplyscopeError
from supplyscope.minerals.cli import register

DATA = Path(__file__).parent / "data"
runner = CliRunner()
# Only this area's commands, registered the way supplyscope.cli does, so other areas' state
# cannot break these tests.
app = typer.Typer()
register(app)


def run(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["minerals", *args])
    assert result.exit_code == 0, result.output
    doc: dict[str, object] = json.loads(result.stdout)
    return doc


def test_concentration_json_contract() -> None:
    doc = run("concentration", "--mineral", "rare-earths", "--format", "json")
    rows = doc["minerals"]
    assert isinstance(rows, list)
    required = {"mineral", "stage", "year", "hhi", "top_country", "top_share", "chn_share"}
    assert all(required <= set(r) for r in rows)
    mining = next(r for r in rows if r["stage"] == "mining")
    assert mining["year"] == 2025
    assert mining["top_country"] == "CHN"
    assert mining["chn_share"] == pytest.approx(270000 / 390000)
    refining = next(r for r in rows if r["stage"] == "refining")
    assert refining["status"] == "unavailable"
    assert refining["hhi"] is None


def test_concentration_all_minerals() -> None:
    doc = run("concentration", "--stage", "mining", "--format", "json")
    rows = doc["minerals"]
    assert isinstance(rows, list)
    assert {r["mineral"] for r in rows} >= {"lithium", "cobalt", "rare-earths", "tin"}
    assert all(r["stage"] == "mining" for r in rows)


def test_coverage_json() -> None:
    doc = run("coverage", "--mineral", "rare-earths", "--coalition", "USA,AUS,JPN", "--format", "json")
    assert set(doc) >= {"supply", "demand", "candidates", "members"}
    supply = doc["supply"]
    assert isinstance(supply, list)
    assert supply[0]["coalition_share"] == pytest.approx(80000 / 390000)


def test_price_floor_and_subsidy_json() -> None:
    doc = run(
        "price-floor", "gallium", "--floor", "120", "--prices", str(DATA / "synthetic_prices.toml"), "--format", "json"
    )
    assert doc["totals"] == {"duty_revenue": 600.0, "cost_to_importers": 600.0}
    doc = run(
        "subsidy", "gallium", "--strike", "110", "--price", "100", "--price", "80", "--volume", "10", "--format", "json"
    )
    assert doc["totals"] == {"budget_cost": 400.0}


def test_stockpile_json() -> None:
    doc = run(
        "stockpile",
        "gallium",
        "--price",
        "500",
        "--annual-volume",
        "36500",
        "--budget",
        "1000000",
        "--days",
        "90",
        "--format",
        "json",
    )
    assert doc["days_cover"] == pytest.approx(20.0)
    assert doc["budget_needed"] == pytest.approx(4_500_000.0)


def test_restriction_scenario_files(tmp_path: Path) -> None:
    toml_out = tmp_path / "s.toml"
    result = runner.invoke(app, ["minerals", "restriction-scenario", "gallium", "--cut", "0.5", "--out", str(toml_out)])
    assert result.exit_code == 0, result.output
    doc = tomllib.loads(toml_out.read_text(encoding="utf-8"))
    assert doc["scenario"][0]["shock"] == [{"country": "CHN", "sector": "C24B", "cut": 0.5}]
    json_doc = run("restriction-scenario", "gallium", "--cut", "0.5")
    assert json_doc == doc


def test_scenario_is_read_by_inputoutput(tmp_path: Path) -> None:
    scenarios = pytest.importorskip("supplyscope.inputoutput.scenarios")
    out = tmp_path / "s.json"
    runner.invoke(app, ["minerals", "restriction-scenario", "rare-earths", "--cut", "0.3", "--out", str(out)])
    (sc,) = scenarios.load_scenarios(out)
    assert {(s.country, s.sector, s.cut) for s in sc.shocks} == {("CHN", "B07", 0.3), ("CHN", "C20", 0.3)}


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["concentration", "--mineral", "unobtainium"], NotFoundError),
        (["concentration", "--stage", "smelting"], NotFoundError),
        (["stockpile", "gallium", "--price", "-5", "--budget", "10"], ConfigError),
        (["stockpile", "gallium", "--price", "5", "--budget", "-10"], ConfigError),
        (["price-floor", "gallium", "--floor", "-1", "--price", "3", "--volume", "1"], ConfigError),
        (["subsidy", "gallium", "--strike", "10", "--price", "-3", "--volume", "1"], ConfigError),
        (["coverage", "--coalition", "nonsense"], NotFoundError),
    ],
)
def test_bad_input_raises_clean_errors(args: list[str], error: type[Exception]) -> None:
    result = runner.invoke(app, ["minerals", *args])
    assert result.exit_code != 0
    assert isinstance(result.exception, error)
    assert isinstance(result.exception, SupplyscopeError)  # the entry point prints these without traceback


def test_report(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = runner.invoke(
        app, ["minerals", "report", "--out", str(out), "--prices", str(DATA / "synthetic_prices.toml")]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Stage concentration" in text
    assert "Price floor and CfD: gallium" in text
    assert "Stockpile: budget for 90 days of import cover" in text
    assert "unavailable" in text


def test_every_command_and_option_is_documented() -> None:
    """docs/minerals.md names every minerals command and every long option (datasette-style check)."""
    import typer.main

    docs = (Path(__file__).parents[2] / "docs" / "minerals.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    minerals = group.commands["minerals"]  # type: ignore[attr-defined]
    for name, cmd in minerals.commands.items():
        assert f"minerals {name}" in docs, name
        for param in cmd.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in docs, f"{name} {opt}"
