"""The ``supplyscope minerals`` commands: JSON shapes, files written, clean errors."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from supplyscope.cli.minerals import register
from supplyscope.data.paths import bundled
from supplyscope.errors import ConfigError, NotFoundError, SupplyscopeError

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
    assert "USGS Mineral Commodity Summaries 2026" in mining["source"]
    # refining from the bundled stage shares: IEA GCMO 2024 as reported, China 92% of refined output 2023
    refining = next(r for r in rows if r["stage"] == "refining")
    assert refining["status"] == "available"
    assert refining["year"] == 2023
    assert refining["chn_share"] == pytest.approx(0.92)
    assert refining["hhi"] == pytest.approx(0.92**2 + 0.05**2 + 0.01**2)  # 0-1 scale, "other" left out
    assert "IEA" in refining["source"] and "[confidence M]" in refining["source"]
    assert "seaisi.org" in refining["note"]


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
    (shock,) = doc["scenario"][0]["shock"]
    assert {k: shock[k] for k in ("country", "sector", "cut", "target")} == {
        "country": "CHN",
        "sector": "C24B",
        "cut": 0.5,
        "target": "exports",
    }
    # gallium's share of CHN C24B, worked independently: USGS MCS 2026 CHN low-purity gallium 2024
    # 839,000 kg x the USGS 2024 import unit value 439 USD/kg, over CHN C24B 2022 output in the ICIO file
    with np.load(bundled("io/oecd_icio2025_y2022_80c50s.npz")) as z:
        output = float(z["gross_output"][list(z["labels"]).index("CHN_C24B")]) * 1e6
    assert shock["share"] == pytest.approx(839_000 * 439 / output)
    assert "439" in shock["share_basis"] and "8112.92.1000" in shock["share_basis"]
    json_doc = run("restriction-scenario", "gallium", "--cut", "0.5")
    assert json_doc == doc


def test_scenario_is_read_by_inputoutput(tmp_path: Path) -> None:
    scenarios = pytest.importorskip("supplyscope.inputoutput.scenarios")
    out = tmp_path / "s.json"
    res = runner.invoke(
        app,
        ["minerals", "restriction-scenario", "gallium", "--cut", "0.3", "--partner", "USA", "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    (sc,) = scenarios.load_scenarios(out)
    (shock,) = sc.shocks
    assert (shock.country, shock.sector, shock.cut, shock.target, shock.partners) == (
        "CHN",
        "C24B",
        0.3,
        "exports",
        ("USA",),
    )
    assert 0 < shock.share < 0.01


def test_production_basis_without_a_price_is_refused() -> None:
    result = runner.invoke(app, ["minerals", "restriction-scenario", "rare-earths", "--cut", "0.3"])
    assert isinstance(result.exception, ConfigError)
    assert "--price" in str(result.exception)


def test_stockpile_volume_is_the_gallium_line() -> None:
    """Volume = 2024 US imports of HTS 8112.92.10.00 only / price, checked two independent ways."""
    raw = pd.read_parquet(bundled("trade/us_imports_hs10_by_partner_2024.parquet"))
    line = raw[raw["hts10"] == "8112921000"]
    # EU27 includes Slovakia, which is also listed on its own: count it once
    value = (
        line["imports_for_consumption_usd"].sum()
        - line.loc[line["partner_iso3"] == "SVK", "imports_for_consumption_usd"].sum()
    )
    doc = run("stockpile", "gallium", "--price", "439", "--budget", "1000000", "--format", "json")
    assert doc["annual_import_volume"] == pytest.approx(value / 439)
    # published: USGS MCS 2026 gallium salient statistics, imports for consumption of metal 2024 = 11,000 kg
    # (rounded) at an average unit value of 439 USD/kg computed by USGS from the same HTS line
    assert doc["annual_import_volume"] == pytest.approx(11_000, rel=0.01)
    assert "8112.92.10.00" in str(doc["volume_basis"])
    whole = raw[raw["hs6"] == "811292"]["imports_for_consumption_usd"].sum()
    assert doc["annual_import_volume"] < 0.05 * whole / 439  # not the whole HS6 (niobium, indium, ...)


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
