"""Export restrictions on a 3-country fixture, every figure worked by hand in the comments.

Fixture ``data/icio_3country.csv`` (synthetic). Flows ``Z`` (row sells to column), final demand by
country and output ``x``::

                CHN_C24B CHN_C26 USA_C26 DEU_C26 | CHN_FD USA_FD DEU_FD |   x    v
    CHN_C24B        0      50      20      10    |  100     10     10   |  200  200
    CHN_C26         0       0       0      30    |  150     20      0   |  200  150
    USA_C26         0       0       0      40    |    0    260      0   |  300  280
    DEU_C26         0       0       0       0    |    0      0    400   |  400  320

Scenario: CHN restricts exports of C24B, cut 0.5, product share 0.1, so ``f = 0.05``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from supplyscope.cli.inputoutput import register
from supplyscope.errors import RuleError
from supplyscope.inputoutput import IOTable, Scenario, Shock, parse_scenarios, read_icio_csv, run_scenarios
from supplyscope.inputoutput.shocks import METHODS

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "icio_3country.csv"


@pytest.fixture
def three() -> IOTable:
    return read_icio_csv(FIXTURE)


def _export_ban(partners: tuple[str, ...] = ()) -> Scenario:
    shock = Shock("CHN", "C24B", 0.5, target="exports", partners=partners, share=0.1, share_basis="test")
    return Scenario("ban", (shock,))


def _by_node(table: IOTable, arr: np.ndarray) -> dict[str, float]:
    return {str(k): float(v) for k, v in zip(table.labels, arr, strict=True)}


def test_export_only_ghosh_and_value_added_by_hand(three: IOTable) -> None:
    (res,) = run_scenarios(three, [_export_ban()], methods=METHODS)
    # lost sales of CHN_C24B: f * (exports 20 + 10 to industries, 10 + 10 to foreign final demand) = 2.5;
    # the domestic sale of 50 to CHN_C26 and 100 to CHN final demand are not touched.
    assert _by_node(three, res.direct) == pytest.approx({"CHN_C24B": 2.5, "CHN_C26": 0, "USA_C26": 0, "DEU_C26": 0})
    # buyers lose inputs: USA_C26 0.05*20 = 1.0, DEU_C26 0.05*10 = 0.5; USA_C26 passes 40/300 of its
    # output on to DEU_C26, so DEU_C26 loses 0.5 + 1.0*40/300 = 0.63333.
    ghosh = _by_node(three, res.supply)
    assert ghosh == pytest.approx({"CHN_C24B": 2.5, "CHN_C26": 0.0, "USA_C26": 1.0, "DEU_C26": 0.5 + 40 / 300})
    # value added per unit of output: 200/200, 280/300, 320/400 -> 2.5 + 1.0*280/300 + 0.63333*0.8 = 3.94
    assert res.total_va_loss == pytest.approx(3.94)
    assert res.total_output_loss == pytest.approx(2.5 + 1.0 + 0.5 + 40 / 300)
    # demand side: CHN_C24B buys no inputs, so only its own lost sales, 2.5
    assert res.total_demand_loss == pytest.approx(2.5)
    # forward extraction: x*' = v'(I - B*)^-1 with B*[C24B, USA] = 0.95*20/200, B*[C24B, DEU] = 0.95*10/200:
    # USA 280 + 19 = 299 (loss 1); DEU 320 + 9.5 + 30 + 299*40/300 (loss 0.5 + 40/300); CHN nodes keep x.
    fwd = _by_node(three, res.losses("extraction_forward"))
    assert fwd == pytest.approx({"CHN_C24B": 0.0, "CHN_C26": 0.0, "USA_C26": 1.0, "DEU_C26": 0.5 + 40 / 300})
    # backward extraction: x*_C24B = 50 + 0.95*(20 + 10) + 100 + 0.95*(10 + 10) = 197.5, loss 2.5
    assert _by_node(three, res.losses("extraction_backward"))["CHN_C24B"] == pytest.approx(2.5)
    assert res.losses("extraction_backward").sum() == pytest.approx(2.5)
    # mixed: CHN_C24B output exogenous (-2.5); it buys nothing, so nothing else moves; its final users
    # absorb the whole 2.5 (its industry buyers are served first).
    assert res.losses("mixed").sum() == pytest.approx(2.5)
    assert res.shortfall is not None and res.shortfall[0] == pytest.approx(2.5)


def test_named_partner_and_output_cut_by_hand(three: IOTable) -> None:
    only_usa, output = run_scenarios(
        three,
        [
            _export_ban(("USA",)),
            Scenario("output", (Shock("CHN", "C24B", 0.5, share=0.1, share_basis="test"),)),
        ],
    )
    # to USA only: lost sales 0.05*(20 + 10) = 1.5; USA_C26 loses 1.0, DEU_C26 1.0*40/300
    assert only_usa.total_output_loss == pytest.approx(1.5 + 1.0 + 40 / 300)
    assert only_usa.total_va_loss == pytest.approx(1.5 + 1.0 * 280 / 300 + 40 / 300 * 0.8)
    # output cut (old behaviour): 0.05*200 = 10 at CHN_C24B; buyers lose 2.5 (CHN_C26), 1.0, 0.5;
    # CHN_C26 passes 30/200 on to DEU: DEU loses 0.5 + 1.0*40/300 + 2.5*0.15
    assert output.total_output_loss == pytest.approx(10 + 2.5 + 1.0 + 0.5 + 40 / 300 + 0.375)
    assert output.total_output_loss > 3 * only_usa.total_output_loss


def test_mixed_model_moves_suppliers_by_hand(three: IOTable) -> None:
    (res,) = run_scenarios(three, [Scenario("usa", (Shock("USA", "C26", 0.5, target="exports"),))], methods=METHODS)
    # USA_C26 loses half its exports to DEU_C26: 0.5*40 = 20; it buys 20/300 of its output from CHN_C24B,
    # so CHN_C24B loses 20*20/300 in the mixed model and in Leontief (C24B buys nothing itself).
    mixed = _by_node(three, res.losses("mixed"))
    assert mixed == pytest.approx({"CHN_C24B": 20 * 20 / 300, "CHN_C26": 0.0, "USA_C26": 20.0, "DEU_C26": 0.0})
    assert _by_node(three, res.demand) == pytest.approx(mixed)
    # Ghosh: DEU_C26 loses the 20 of inputs; VA 20*280/300 + 20*0.8
    assert res.total_va_loss == pytest.approx(20 * 280 / 300 + 20 * 0.8)


def test_shock_command_reports_world_value_added(tmp_path: Path) -> None:
    scenario = tmp_path / "ban.toml"
    scenario.write_text(
        '[[scenario]]\nname = "ban"\n[[scenario.shock]]\ncountry = "CHN"\nsector = "C24B"\ncut = 0.5\n'
        'target = "exports"\nshare = 0.1\nshare_basis = "test"\n',
        encoding="utf-8",
    )
    app = typer.Typer()
    register(app)
    res = CliRunner().invoke(
        app, ["shock", str(scenario), "--table", str(FIXTURE), "--format", "json", "--out", str(tmp_path / "r.html")]
    )
    assert res.exit_code == 0, res.output
    (sc,) = json.loads(res.stdout)["scenarios"]
    assert sc["world_value_added_loss"] == pytest.approx(3.94)
    assert "not a forecast" in sc["headline"]
    assert {m["method"] for m in sc["methods"]} == set(METHODS)


@pytest.mark.parametrize(
    ("shock", "message"),
    [
        ({"target": "imports"}, "target: must be one of output, exports"),
        ({"partners": ["USA"]}, "partners are only allowed"),
        ({"target": "exports", "partners": ["CHN"]}, "cannot restrict exports to itself"),
        ({"share": 0.1}, "say how the share was obtained"),
        ({"share": 0}, r"share: must be a number in \(0, 1\]"),
    ],
)
def test_bad_restrictions_are_named(shock: dict[str, object], message: str) -> None:
    doc = {"scenario": [{"name": "a", "shock": [{"country": "CHN", "sector": "C24B", "cut": 0.5, **shock}]}]}
    with pytest.raises(RuleError, match=message):
        parse_scenarios(doc, "f.toml")


def test_unknown_partner_is_named(three: IOTable) -> None:
    with pytest.raises(RuleError, match="unknown country 'JPN'"):
        run_scenarios(three, [_export_ban(("JPN",))])
