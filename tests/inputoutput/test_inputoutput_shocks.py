"""Shock scenarios: hand-worked values, zero shock, linearity, batch = one-by-one, file errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from supplyscope.errors import ConfigError, RuleError
from supplyscope.inputoutput import IOTable, Scenario, Shock, load_scenarios, parse_scenarios, run_scenarios

DATA = Path(__file__).parent / "data"


def _one(country: str, sector: str, cut: float, name: str = "s") -> Scenario:
    return Scenario(name=name, shocks=(Shock(country, sector, cut),))


def test_hand_worked_miller_blair(miller_blair: IOTable) -> None:
    res = run_scenarios(miller_blair, [_one("R1", "S", 0.1)])[0].impacts.set_index("country")
    det = 0.7575
    # s = (100, 0); Ghosh: s' G = 100 * (0.95, 0.50) / det; Leontief: L s = 100 * (0.95, 0.20) / det
    assert res.loc["R1", "output_loss"] == pytest.approx(95 / det)
    assert res.loc["R2", "output_loss"] == pytest.approx(50 / det)
    assert res.loc["R2", "demand_loss"] == pytest.approx(20 / det)
    assert res.loc["R1", "direct_loss"] == pytest.approx(100.0)
    assert res.loc["R2", "direct_loss"] == 0.0
    assert res.loc["R1", "indirect_loss"] == pytest.approx(95 / det - 100)
    # supply-side IIM q' = c' L = 0.1 * (0.95, 0.25) / det
    assert res.loc["R2", "inoperability"] == pytest.approx(0.1 * 0.25 / det)
    assert res.loc["R2", "output_loss_share"] == pytest.approx(res.loc["R2", "output_loss"] / 2000)


def test_zero_shock_changes_nothing(icio: IOTable) -> None:
    res = run_scenarios(icio, [_one("CHN", "C24B", 0.0)])[0]
    assert np.abs(res.impacts[["output_loss", "demand_loss", "inoperability"]].to_numpy()).max() == 0.0


def test_linear_scaling_and_additivity(icio: IOTable) -> None:
    a, b, both = run_scenarios(
        icio,
        [
            _one("CHN", "C24B", 0.1, "a"),
            _one("TWN", "C26", 0.3, "b"),
            Scenario("both", (Shock("CHN", "C24B", 0.2), Shock("TWN", "C26", 0.6))),
        ],
    )
    cols = ["output_loss", "demand_loss", "direct_loss", "indirect_loss"]
    get = {r.scenario.name: r.impacts.set_index(["country", "industry"])[cols] for r in (a, b, both)}
    combined = (get["a"] + get["b"]).mul(2.0).reindex(get["both"].index)
    np.testing.assert_allclose(get["both"].to_numpy(), combined.to_numpy(), rtol=1e-9, atol=1e-6)


def test_batch_equals_one_by_one(icio: IOTable) -> None:
    scen = [_one("CHN", "C24B", 0.5, "x"), _one("USA", "C26", 0.2, "y")]
    batch = run_scenarios(icio, scen)
    single = run_scenarios(icio, scen[1:])[0]
    np.testing.assert_allclose(batch[1].impacts["output_loss"], single.impacts["output_loss"], rtol=1e-12)


def test_scenario_files() -> None:
    toml = load_scenarios(DATA / "scenario_example.toml")
    js = load_scenarios(DATA / "scenario_example.json")
    assert toml[0] == js[0]
    assert toml[1].shocks[1] == Shock("TWN", "C26", 0.2)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({}, "expected a list under the key 'scenario'"),
        ({"scenario": [{"shock": [{"country": "CHN", "sector": "C26", "cut": 0.1}]}]}, r"scenario\[1\]\.name"),
        (
            {"scenario": [{"name": "a", "shock": [{"country": "CHN", "sector": "C26", "cut": 1.5}]}]},
            r"scenario\[1\]\.shock\[1\]\.cut: must be a number from 0 to 1, got 1\.5",
        ),
        ({"scenario": [{"name": "a", "shock": [{"country": "CHN", "cut": 0.1}]}]}, "missing key 'sector'"),
        (
            {"scenario": [{"name": "a", "shock": [{"country": "CHN", "sector": "C26", "cut": 0.1, "x": 1}]}]},
            r"unknown keys \['x'\]",
        ),
        ({"scenario": [{"name": "a", "shock": []}]}, "at least one shock"),
    ],
)
def test_bad_scenarios_are_named(doc: object, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        parse_scenarios(doc, "f.toml")


def test_unknown_node_and_bad_file(icio: IOTable, tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="scenario 's', shock 1: unknown sector 'C99'"):
        run_scenarios(icio, [_one("CHN", "C99", 0.1)])
    with pytest.raises(RuleError, match="unknown country 'XXX'"):
        run_scenarios(icio, [_one("XXX", "C26", 0.1)])
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"scenario": 3})[:-1])
    with pytest.raises(RuleError, match=r"bad\.json: line 1: invalid JSON"):
        load_scenarios(bad)
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text("[[scenario]\nname=1")
    with pytest.raises(ConfigError, match=r"bad\.toml.*not valid TOML"):
        load_scenarios(bad_toml)


def test_top_equals_head_of_full_table(icio: IOTable) -> None:
    res = run_scenarios(icio, [_one("CHN", "C24B", 0.3)])[0]
    top = res.top(25)
    head = res.impacts.head(25).reset_index(drop=True)
    assert top[["country", "industry"]].equals(head[["country", "industry"]])
    np.testing.assert_array_equal(top["output_loss"].to_numpy(), head["output_loss"].to_numpy())
    # many nodes have zero loss in a zero shock: ties keep table order
    zero = run_scenarios(icio, [_one("CHN", "C24B", 0.0)])[0]
    assert zero.top(5)["country"].tolist() == zero.impacts.head(5)["country"].tolist()


def test_top_for_one_country(icio: IOTable) -> None:
    res = run_scenarios(icio, [_one("CHN", "C24B", 0.3)])[0]
    usa = res.top(10, "USA")
    assert set(usa["country"]) == {"USA"}
    full = res.impacts[res.impacts["country"] == "USA"].head(10)
    assert usa["industry"].tolist() == full["industry"].tolist()
