"""Exports: FollowTheMoney round trip, GraphML, and the BOM handed to rules of origin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from followthemoney import model
from network_helpers import EXAMPLES

from supplyscope.errors import DataError
from supplyscope.network import bom_dict, read_graph, tier_rollup
from supplyscope.network.export import from_ftm, to_ftm, write_ftm, write_graphml

NODES = [
    {"id": "P", "name": "Pack plant", "country": "USA", "owner": "Parent Holding", "input_value_usd": 800},
    {"id": "A", "name": "Cell maker", "country": "KOR", "owner": "P", "region": "Chungcheong"},
    {"id": "B", "name": "Hidden supplier", "country": "undisclosed"},
    {"id": "M", "name": "Mine", "country": "AUS", "kind": "source", "address": "Greenbushes", "note": "spodumene"},
]
EDGES = [
    {"supplier": "A", "buyer": "P", "share": 0.625, "tier": 1},
    {"supplier": "B", "buyer": "P", "value_usd": 200.0},
    {"supplier": "M", "buyer": "A", "hs": "253090", "share": 0.5, "note": "contract 2024"},
]


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        a.drop(columns="_row").reset_index(drop=True), b.drop(columns="_row").reset_index(drop=True), check_dtype=False
    )


def test_ftm_round_trip(make_graph: Any, tmp_path: Path) -> None:
    g = make_graph(NODES, EDGES, final_product="850760", final_value_usd=1000.0, name="t")
    path = tmp_path / "g.ftm.json"
    n = write_ftm(g, path)
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert n == len(docs)
    schemata = sorted(d["schema"] for d in docs)
    # 4 nodes + 1 outside owner, 2 ownerships, 3 supply edges
    assert schemata.count("Company") == 5 and schemata.count("Ownership") == 2
    assert schemata.count("EconomicActivity") == 3
    for d in docs:  # every entity is valid FtM
        proxy = model.get_proxy(d)
        assert proxy.schema.name == d["schema"]
    back = from_ftm(docs)
    _same(g.nodes, back.nodes)
    _same(g.products.sort_values("hs"), back.products.sort_values("hs"))  # products travel on the edges
    _same(g.edges, back.edges)
    assert (back.final, back.final_product, back.final_value_usd, back.name) == ("P", "850760", 1000.0, "t")
    assert np.allclose(back.share, g.share)
    # ISO2 country for FtM readers
    mine = next(d for d in docs if d["schema"] == "Company" and d["properties"]["name"] == ["Mine"])
    assert mine["properties"]["country"] == ["au"]


def test_ftm_ids_are_deterministic(make_graph: Any) -> None:
    g = make_graph(NODES, EDGES, name="t")
    assert [e.id for e in to_ftm(g)] == [e.id for e in to_ftm(g)]


def test_graphml_round_trip(make_graph: Any, tmp_path: Path) -> None:
    g = make_graph(NODES, EDGES)
    path = tmp_path / "g.graphml"
    write_graphml(g, path)
    back = nx.read_graphml(path, force_multigraph=True)
    assert set(back.nodes) == set(g.nodes["id"])
    assert back.nodes["B"]["country"] == "UNDISCLOSED"
    edges = {(u, v): d for u, v, d in back.edges(data=True)}
    assert edges[("B", "P")]["share"] == pytest.approx(0.25)
    assert edges[("M", "A")]["hs"] == "253090"


def test_bom_from_rollup(make_graph: Any) -> None:
    g = make_graph(NODES, EDGES, final_product="850760", final_value_usd=1000.0)
    bom = bom_dict(g)
    assert (bom["hts"], bom["value"], bom["country"]) == ("850760", 1000.0, "USA")
    mats = {m["id"]: m for m in bom["materials"]}  # type: ignore[union-attr]
    # input value 800: A supplies 62.5% = 500, B supplies 200 (undisclosed -> XXX, non-originating)
    assert mats["A:850760"]["value"] == pytest.approx(500.0)
    assert mats["A:850760"]["origin"] == "KOR"
    assert mats["B:850760"] == {
        "id": "B:850760",
        "hts": "850760",
        "value": pytest.approx(200.0),
        "origin": "XXX",
        "originating": False,
    }
    sub = mats["A:850760"]["bom"]["materials"]
    assert sub == [{"id": "M:253090", "hts": "253090", "value": pytest.approx(250.0), "origin": "AUS"}]


def test_bom_is_accepted_by_rules_of_origin(make_graph: Any, tmp_path: Path) -> None:
    origin = pytest.importorskip("supplyscope.origin.bom", reason="supplyscope.origin is not installed")
    g = make_graph(NODES, EDGES, final_product="850760", final_value_usd=1000.0)
    path = tmp_path / "bom.json"
    path.write_text(json.dumps(bom_dict(g)), encoding="utf-8")
    bom = origin.load_bom(path)
    assert bom.country == "USA" and bom.value == 1000.0
    assert sorted(m.origin for m in bom.materials) == ["KOR", "XXX"]
    assert sum(m.value for m in bom.materials) == pytest.approx(700.0)


def test_bom_needs_values(make_graph: Any) -> None:
    g = make_graph(NODES, EDGES, final_product="850760")
    with pytest.raises(DataError, match="final_value_usd"):
        bom_dict(g)


def test_example_exports(tmp_path: Path) -> None:
    g = read_graph(EXAMPLES / "ev_battery.json")
    docs = [e.to_dict() for e in to_ftm(g)]
    back = from_ftm(docs)
    assert [t.to_dict() for t in tier_rollup(back).tiers] == [t.to_dict() for t in tier_rollup(g).tiers]
