"""Front ends call the analyses: the shock headline comes from ``inputoutput.shocks``, the stockpile's import
volume from ``minerals.trade``; the figures they print are checked against the inputs directly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from supplyscope.cli import app
from supplyscope.errors import ConfigError
from supplyscope.inputoutput import load_icio
from supplyscope.minerals.trade import import_volume, mineral_lines

SCENARIO = Path(__file__).resolve().parents[2] / "examples" / "shock_gallium_export_restriction.toml"


def test_shock_headline_states_the_country_part_of_the_value_added_loss() -> None:
    result = CliRunner().invoke(app, ["shock", str(SCENARIO), "--country", "USA", "--top", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    sc = json.loads(result.stdout)["scenarios"][0]
    ghosh = next(m for m in sc["methods"] if m["method"] == "ghosh")
    found = re.search(r"world value-added loss ([\d,.]+) \(.*\), of which ([\d,.]+) in USA", sc["headline"])
    assert found is not None, sc["headline"]
    world, usa = (float(g.replace(",", "")) for g in found.groups())
    assert world == pytest.approx(sc["world_value_added_loss"], abs=0.05)
    assert usa == pytest.approx(ghosh["country_value_added_loss"], abs=0.05)
    assert sc["headline"].startswith(sc["name"] + ":") and sc["headline"].endswith("not a forecast.")


def test_country_part_is_the_value_added_ratio_times_the_loss_on_its_nodes() -> None:
    from supplyscope.inputoutput.scenarios import load_scenarios
    from supplyscope.inputoutput.shocks import run_scenarios

    table = load_icio()
    res = run_scenarios(table, load_scenarios(SCENARIO), methods=("ghosh", "leontief"))[0]
    x = np.asarray(table.x, dtype=float)
    ratio = np.where(x > 0, np.asarray(table.v, dtype=float) / np.where(x > 0, x, 1.0), 0.0)
    usa = np.asarray(table.regions) == "USA"
    assert res.country_va_loss("USA") == pytest.approx(float((ratio * res.supply)[usa].sum()))


def test_import_volume_is_the_import_value_over_the_price() -> None:
    lines = mineral_lines("gallium")
    volume, basis = import_volume("gallium", 439.0)
    assert volume == pytest.approx(float(lines["value_usd"].sum()) / 439.0)
    assert "8112.92.10.00" in basis and "no quantities" in basis
    with pytest.raises(ConfigError, match="price > 0") as err:
        import_volume("gallium", 0.0, key="--annual-volume")
    assert err.value.key == "--annual-volume"
