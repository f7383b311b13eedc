"""Reading templates: the shipped examples load, and bad input names the file, row and field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from network_helpers import EXAMPLES, write_graph

from supplyscope.errors import DataError
from supplyscope.network import read_graph, tier_rollup

NODES = [{"id": "P", "country": "USA"}, {"id": "A", "country": "CHN"}, {"id": "B", "country": "KOR"}]


def _csv_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "csv"
    shutil.copytree(EXAMPLES / "ev_battery_csv", folder)
    return folder


def test_json_and_csv_examples_agree() -> None:
    gj = read_graph(EXAMPLES / "ev_battery.json")
    gc = read_graph(EXAMPLES / "ev_battery_csv")
    assert gj.final == gc.final == "PACK_USA"
    assert gj.n_edges == gc.n_edges and gj.n_nodes == gc.n_nodes
    rj, rc = tier_rollup(gj), tier_rollup(gc)
    assert [t.to_dict() for t in rj.tiers] == [t.to_dict() for t in rc.tiers]


def test_example_cell_shares_are_the_census_partner_shares() -> None:
    """Tier 1 of the example equals the US 2024 import shares of HS 850760 (independent recomputation)."""
    import pandas as pd

    from supplyscope.data.paths import bundled

    t = pd.read_parquet(bundled("trade/us_imports_hs10_by_partner_2024.parquet"))
    t = t[t["hs6"] == "850760"].groupby("partner_iso3")["imports_for_consumption_usd"].sum()
    t["EU27"] -= t["SVK"]
    shares = t / t.sum()
    tier1 = tier_rollup(read_graph(EXAMPLES / "ev_battery.json")).tiers[0]
    for c in tier1.countries:
        assert c.share == pytest.approx(shares[c.country], abs=1e-8)
    assert tier1.unknown == pytest.approx(float(shares[shares < 0.01].sum()), abs=1e-8)


def test_dangling_edge_names_the_row(tmp_path: Path) -> None:
    p = write_graph(
        tmp_path / "g.json",
        NODES,
        [{"supplier": "A", "buyer": "P", "share": 0.5}, {"supplier": "Z", "buyer": "P", "share": 0.2}],
    )
    with pytest.raises(DataError) as err:
        read_graph(p)
    assert err.value.row == 2 and err.value.field == "edges.supplier" and err.value.source == str(p)
    assert "'Z' is not a known node" in str(err.value)


def test_negative_value_in_csv_names_the_spreadsheet_row(tmp_path: Path) -> None:
    folder = _csv_copy(tmp_path)
    lines = (folder / "edges.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    assert header[:4] == ["supplier", "buyer", "hs", "share"]
    lines[0] += ",value_usd"
    lines = [lines[0]] + [line + "," for line in lines[1:]]
    lines[4] = lines[4] + "-5"  # spreadsheet row 5
    (folder / "edges.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_graph(folder)
    assert (err.value.row, err.value.field) == (5, "value_usd")
    assert err.value.source == str(folder / "edges.csv")
    assert "negative value -5" in str(err.value)


def test_unknown_country_code(tmp_path: Path) -> None:
    nodes = [*NODES[:2], {"id": "B", "country": "XYZ"}]
    p = write_graph(tmp_path / "g.json", nodes, [{"supplier": "B", "buyer": "P", "share": 1}])
    with pytest.raises(DataError) as err:
        read_graph(p)
    assert (err.value.row, err.value.field) == (3, "nodes.country")
    assert "unknown country code 'XYZ'" in str(err.value)


def test_shares_over_one_hundred_percent(tmp_path: Path) -> None:
    p = write_graph(
        tmp_path / "g.json",
        NODES,
        [{"supplier": "A", "buyer": "P", "share": "70%"}, {"supplier": "B", "buyer": "P", "share": 0.4}],
    )
    with pytest.raises(DataError, match=r"shares into 'P' add up to 1\.1 .*rows 1, 2"):
        read_graph(p)


def test_cycle_is_reported_with_its_rows(tmp_path: Path) -> None:
    p = write_graph(
        tmp_path / "g.json",
        [*NODES, {"id": "C", "country": "JPN"}],
        [
            {"supplier": "A", "buyer": "P", "share": 0.5},
            {"supplier": "B", "buyer": "A", "share": 0.5},
            {"supplier": "C", "buyer": "B", "share": 0.5},
            {"supplier": "A", "buyer": "C", "share": 0.5},
        ],
    )
    with pytest.raises(DataError) as err:
        read_graph(p)
    msg = str(err.value)
    assert "cycle" in msg and "rows [2, 3, 4]" in msg
    assert "A -> C -> B -> A" in msg or "B -> A -> C -> B" in msg or "C -> B -> A -> C" in msg


def test_self_loop_and_bad_share_and_unknown_field(tmp_path: Path) -> None:
    p = write_graph(tmp_path / "a.json", NODES, [{"supplier": "P", "buyer": "P", "share": 0.5}])
    with pytest.raises(DataError, match="supplies itself"):
        read_graph(p)
    p = write_graph(tmp_path / "b.json", NODES, [{"supplier": "A", "buyer": "P", "share": 1.5}])
    with pytest.raises(DataError, match=r"share 1\.5 is outside 0\.\.1"):
        read_graph(p)
    p = write_graph(tmp_path / "c.json", NODES, [{"supplier": "A", "buyer": "P", "share": 0.5, "price": 3}])
    with pytest.raises(DataError) as err:
        read_graph(p)
    assert err.value.field == "edges.price"


def test_final_node_must_be_clear(tmp_path: Path) -> None:
    p = write_graph(tmp_path / "g.json", NODES, [{"supplier": "A", "buyer": "P", "share": 0.5}])
    with pytest.raises(DataError, match="2 nodes supply nobody"):
        read_graph(p)  # B is isolated, so both P and B are sinks
    assert read_graph(p, final="P").final == "P"


def test_problems_count_is_reported(tmp_path: Path) -> None:
    edges = [{"supplier": f"X{i}", "buyer": "P", "share": 0.1} for i in range(3)]
    p = write_graph(tmp_path / "g.json", NODES, edges)
    with pytest.raises(DataError, match="2 more problems not shown"):
        read_graph(p)


def test_not_json(tmp_path: Path) -> None:
    p = tmp_path / "g.json"
    p.write_text("{nodes: ]", encoding="utf-8")
    with pytest.raises(DataError, match="not valid JSON"):
        read_graph(p)
    p.write_text(json.dumps([1, 2]), encoding="utf-8")
    with pytest.raises(DataError, match="top level"):
        read_graph(p)


def test_share_resolution_is_exact(make_graph: Any) -> None:
    g = make_graph(
        NODES, [{"supplier": "A", "buyer": "P", "value_usd": 30}, {"supplier": "B", "buyer": "P", "value_usd": 70}]
    )
    assert np.allclose(sorted(g.share), [0.3, 0.7])
