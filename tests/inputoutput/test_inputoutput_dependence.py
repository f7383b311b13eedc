"""Country dependence checked against hand computations on a 3-region, 2-sector table and a tiny trade table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from supplyscope.errors import DataError, NotFoundError
from supplyscope.inputoutput import IOTable
from supplyscope.inputoutput.dependence import dependence, io_dependence, trade_dependence

NODES = ["A_1", "A_2", "B_1", "B_2", "C_1", "C_2"]


@pytest.fixture(scope="module")
def table() -> IOTable:
    """A buys inputs from B and C and A_1 supplies A_2; B and C buy nothing (so L can be worked by hand).

    x_A = (100, 200). A_1 -> A_2: 100 (a = 0.5). B_1 -> A_1: 5, C_1 -> A_1: 45, B_2 -> A_2: 40, C_2 -> A_2: 30.
    Foreign outputs are 100 each; final demand closes every row.
    """
    Z = np.zeros((6, 6))
    Z[0, 1] = 100.0
    Z[2, 0], Z[4, 0] = 5.0, 45.0
    Z[3, 1], Z[5, 1] = 40.0, 30.0
    x = np.array([100.0, 200.0, 100.0, 100.0, 100.0, 100.0])
    Y = (x - Z.sum(axis=1))[:, np.newaxis]
    return IOTable.create(
        Z=Z,
        Y=Y,
        regions=[n.split("_")[0] for n in NODES],
        sectors=[n.split("_")[1] for n in NODES],
        name="hand-worked 3x2",
        unit="USD",
        x=x,
    )


def test_io_dependence_matches_hand_computation(table: IOTable) -> None:
    # Direct foreign inputs of A: B = 5 + 40 = 45, C = 45 + 30 = 75 (of 120).
    # L_AA = (I - A_AA)^-1 = [[1, .5], [0, 1]]; (L - I)_FA = A_FA L_AA, times x_A = (100, 200):
    # B_1 (5, 5), B_2 (0, 40), C_1 (45, 45), C_2 (0, 30): B = 50, C = 120 (of 170).
    # Leaders: direct A_1 -> C (45 > 5), A_2 -> B (40 > 30); all-tier A_1 -> C (45 > 5), A_2 -> C (75 > 45).
    out = io_dependence(table, "A").set_index("partner")
    assert out.loc["B", "io_direct_share"] == pytest.approx(45 / 120)
    assert out.loc["C", "io_direct_share"] == pytest.approx(75 / 120)
    assert out.loc["B", "io_look_through_share"] == pytest.approx(50 / 170)
    assert out.loc["C", "io_look_through_share"] == pytest.approx(120 / 170)
    assert out.loc["B", "io_top_direct"] == 1 and out.loc["C", "io_top_direct"] == 1
    assert out.loc["B", "io_top_look_through"] == 0 and out.loc["C", "io_top_look_through"] == 2


def test_aggregates_fold_members_and_never_the_importer(table: IOTable) -> None:
    out = io_dependence(table, "A", {"BC": {"A", "B", "C"}})
    assert out["partner"].tolist() == ["BC"]
    assert out.loc[0, "io_direct_share"] == pytest.approx(1.0)
    assert out.loc[0, "io_top_direct"] == 2 and out.loc[0, "io_top_look_through"] == 2


FLOWS = pd.DataFrame(
    {
        "exporter": ["B", "C", "B", "C", "C", "D"],
        "hs6": ["000001", "000001", "000002", "000002", "000003", "000001"],
        "value_usd": [10.0, 5.0, 3.0, 3.0, 7.0, 0.0],
    }
)


def test_trade_dependence_shares_and_leaders() -> None:
    # B = 10 + 3 = 13, C = 5 + 3 + 7 = 15 (of 28); leaders: 000001 -> B, 000002 tie -> B (first code), 000003 -> C.
    out = trade_dependence(FLOWS).set_index("partner")
    assert set(out.index) == {"B", "C"}  # D ships nothing
    assert out.loc["B", "import_share"] == pytest.approx(13 / 28)
    assert out.loc["C", "import_share"] == pytest.approx(15 / 28)
    assert out.loc["B", "top_supplier_products"] == 2 and out.loc["C", "top_supplier_products"] == 1


def test_trade_dependence_refuses_bad_values() -> None:
    bad = FLOWS.assign(value_usd=[10.0, -1.0, 3.0, 3.0, 7.0, 0.0])
    with pytest.raises(DataError, match=r"row 1.*value_usd|value_usd.*row 1"):
        trade_dependence(bad, "flows.csv")
    with pytest.raises(DataError, match="hs6"):
        trade_dependence(FLOWS.drop(columns="hs6"))


def test_dependence_joins_both_bases(table: IOTable) -> None:
    flows = pd.concat([FLOWS, pd.DataFrame({"exporter": ["E"], "hs6": ["000004"], "value_usd": [2.0]})])
    result = dependence(flows, table, "A", year=2024, trade_source="hand")
    rows = {r["partner"]: r for r in result.to_dict()["partners"]}
    assert set(rows) == {"B", "C", "E"}
    assert rows["E"]["io_look_through_share"] is None  # not in the IO table: unknown, not zero
    assert rows["C"]["import_share"] == pytest.approx(15 / 30)
    assert rows["C"]["io_look_through_share"] == pytest.approx(120 / 170)
    assert result.products == 4
    assert [r["partner"] for r in result.to_dict(top=1)["partners"]] == ["C"]
    with pytest.raises(NotFoundError):
        dependence(flows, table, "Z", year=2024, trade_source="hand")
