"""Chokepoints: hand-built graphs with known articulation points and min-cuts, and networkx as a check."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pytest

from supplyscope.network import structure, tier_rollup
from supplyscope.network.chokepoints import _cut_vertices_and_bridges
from supplyscope.network.graphmath import min_node_cut, subset_betweenness, undirected_pairs
from supplyscope.network.model import SupplyGraph


def _structure(g: SupplyGraph) -> Any:
    return structure(g, tier_rollup(g).throughput)


def _ids(g: SupplyGraph, idx: Any) -> set[str]:
    ids = g.node_ids()
    return {str(ids[i]) for i in idx}


def test_diamond_has_one_node_cut(make_graph: Any) -> None:
    # S1 -> A -> C -> P and S2 -> B -> C -> P: C is the articulation point and the min cut.
    g = make_graph(
        [
            {"id": "P"},
            {"id": "C"},
            {"id": "A"},
            {"id": "B"},
            {"id": "S1", "kind": "source"},
            {"id": "S2", "kind": "source"},
        ],
        [
            {"supplier": "C", "buyer": "P", "share": 1},
            {"supplier": "A", "buyer": "C", "share": 0.5},
            {"supplier": "B", "buyer": "C", "share": 0.5},
            {"supplier": "S1", "buyer": "A", "share": 1},
            {"supplier": "S2", "buyer": "B", "share": 1},
        ],
    )
    s = _structure(g)
    assert _ids(g, s.min_cut) == {"C"}
    assert _ids(g, s.articulation_points) == {"A", "B", "C"}
    ids = g.node_ids()
    assert {(ids[u], ids[v]) for u, v in s.bridges} == {("C", "P"), ("A", "C"), ("B", "C"), ("S1", "A"), ("S2", "B")}
    kinds = {(c.node, c.kind) for c in s.chokepoints}
    assert ("C", "min_cut") in kinds and ("C", "articulation_point") in kinds
    # C is the sole supplier of P: a single source carrying everything
    single = {(x.supplier, x.buyer) for x in s.single_sources}
    assert ("C", "P") in single
    assert next(x for x in s.single_sources if x.supplier == "C").throughput == pytest.approx(1.0)


def test_two_routes_need_two_cuts(make_graph: Any) -> None:
    # S1, S2 -> A -> P and S3 -> B -> P; parallel products between S1 and A are not a bridge.
    g = make_graph(
        [
            {"id": "P"},
            {"id": "A"},
            {"id": "B"},
            {"id": "S1", "kind": "source"},
            {"id": "S2", "kind": "source"},
            {"id": "S3", "kind": "source"},
        ],
        [
            {"supplier": "A", "buyer": "P", "share": 0.5},
            {"supplier": "B", "buyer": "P", "share": 0.5},
            {"supplier": "S1", "buyer": "A", "share": 0.3},
            {"supplier": "S1", "buyer": "A", "share": 0.2, "hs": "282520"},
            {"supplier": "S2", "buyer": "A", "share": 0.5},
            {"supplier": "S3", "buyer": "B", "share": 1},
        ],
    )
    s = _structure(g)
    assert _ids(g, s.min_cut) == {"A", "B"}
    ids = g.node_ids()
    bridges = {(ids[u], ids[v]) for u, v in s.bridges}
    assert ("S1", "A") not in bridges  # two supply edges join them
    assert ("S2", "A") in bridges


def test_source_supplying_the_final_node_directly_is_cut_itself(make_graph: Any) -> None:
    g = make_graph(
        [{"id": "P"}, {"id": "A"}, {"id": "S1", "kind": "source"}, {"id": "S2", "kind": "source"}],
        [
            {"supplier": "A", "buyer": "P", "share": 0.5},
            {"supplier": "S1", "buyer": "A", "share": 1},
            {"supplier": "S2", "buyer": "P", "share": 0.5},
        ],
    )
    assert _ids(g, _structure(g).min_cut) == {"A", "S2"}


def _random_dag(seed: int, n: int = 40, p: float = 0.12) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    src, dst = [], []
    for u in range(1, n):
        for v in range(u):  # edges point to lower numbers; node 0 is the root
            if rng.random() < p:
                src.append(u)
                dst.append(v)
    return np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)


@pytest.mark.parametrize("seed", range(5))
def test_betweenness_matches_networkx_subset(seed: int) -> None:
    src, dst = _random_dag(seed)
    n = 40
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    indeg = np.bincount(dst, minlength=n)
    sources = np.flatnonzero(indeg == 0)
    sources = sources[sources != 0]
    ours = subset_betweenness(src, dst, n, sources, 0)
    theirs = nx.betweenness_centrality_subset(g, sources.tolist(), [0], normalized=False)
    assert ours == pytest.approx(np.array([theirs[i] for i in range(n)]))


@pytest.mark.parametrize("seed", range(5))
def test_min_node_cut_matches_networkx(seed: int) -> None:
    src, dst = _random_dag(seed + 10, n=30, p=0.1)
    n = 30
    indeg = np.bincount(dst, minlength=n)
    sources = np.flatnonzero(indeg == 0)
    sources = sources[sources != 0]
    cut = min_node_cut(src, dst, n, sources, 0)
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    g.add_edges_from(("S", int(s)) for s in sources)
    reachable = nx.has_path(g, "S", 0)
    if not reachable:
        assert len(cut) == 0
        return
    expected = nx.minimum_node_cut(g, "S", 0)
    assert len(cut) == len(expected)
    g.remove_nodes_from(cut.tolist())
    assert not nx.has_path(g, "S", 0)


@pytest.mark.parametrize("seed", range(5))
def test_articulation_points_and_bridges_match_networkx(seed: int) -> None:
    src, dst = _random_dag(seed + 20, n=35, p=0.06)
    lo, hi, mult = undirected_pairs(src, dst)
    aps, bridges = _cut_vertices_and_bridges(35, lo, hi, mult)
    g = nx.Graph()
    g.add_nodes_from(range(35))
    g.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    assert set(aps.tolist()) == set(nx.articulation_points(g))
    assert set(bridges) == {(min(a, b), max(a, b)) for a, b in nx.bridges(g)}
