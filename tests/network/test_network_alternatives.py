"""Alternatives for single-sourced products, from a trade table whose basis is stated."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from supplyscope.data.warehouse import Warehouse
from supplyscope.network import TradeBasis, alternatives, trace, trade_basis


def test_alternatives_shares_hand_worked() -> None:
    trade = TradeBasis(
        pd.DataFrame(
            {
                "exporter": ["CHN", "KOR", "JPN", "CHN", "USA"],
                "hs6": ["850760", "850760", "850760", "850760", "282520"],
                "value_usd": [50.0, 30.0, 20.0, 100.0, 9.0],
            }
        ),
        "test table",
    )
    [alt] = alternatives([("8507600020", ["KOR"])], trade, top=2)
    assert alt.hs6 == "850760" and alt.basis == "test table" and alt.current == ("KOR",)
    assert alt.total_usd == 200.0
    assert alt.countries == (("CHN", 0.75, 150.0), ("KOR", 0.15, 30.0))


def test_us_import_basis_takes_slovakia_out_of_eu27(bundled_wh: Warehouse) -> None:
    from supplyscope.data.paths import bundled

    raw = pd.read_parquet(bundled("trade/us_imports_hs10_by_partner_2024.parquet"))
    raw = raw[raw["hs6"] == "850760"].groupby("partner_iso3")["imports_for_consumption_usd"].sum()
    basis = trade_basis(bundled_wh)
    t = basis.exports[basis.exports["hs6"] == "850760"].set_index("exporter")["value_usd"]
    assert t["EU27"] == pytest.approx(raw["EU27"] - raw["SVK"])
    assert t["SVK"] == pytest.approx(raw["SVK"])
    assert t.sum() == pytest.approx(raw.sum() - raw["SVK"])
    assert "USA imports" in basis.basis and "EU27 = the EU less SVK" in basis.basis


def test_trace_lists_alternatives_for_single_sources(make_graph: Any) -> None:
    g = make_graph(
        [
            {"id": "P", "country": "USA"},
            {"id": "A", "country": "KOR"},
            {"id": "B", "country": "JPN"},
            {"id": "C", "country": "CHN"},
        ],
        [
            {"supplier": "A", "buyer": "P", "share": 0.5, "hs": "282520"},
            {"supplier": "B", "buyer": "P", "share": 0.25},
            {"supplier": "C", "buyer": "P", "share": 0.25},
        ],
    )
    trade = TradeBasis(
        pd.DataFrame({"exporter": ["CHL", "CHN"], "hs6": ["282520", "282520"], "value_usd": [3.0, 1.0]}), "test table"
    )
    result = trace(g, trade=trade)
    # only 282520 is single-sourced (850760 has two suppliers)
    assert [a.hs6 for a in result.alternatives] == ["282520"]
    assert result.alternatives[0].current == ("KOR",)
    assert result.alternatives[0].countries == (("CHL", 0.75, 3.0), ("CHN", 0.25, 1.0))
