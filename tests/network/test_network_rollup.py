"""Tier roll-up: hand-worked graphs and a check against direct path enumeration."""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

import networkx as nx
import numpy as np
import pytest

from supplyscope.indicators.concentration import hhi
from supplyscope.network import UNDISCLOSED, tier_rollup
from supplyscope.network.model import SupplyGraph


def _mix(t: Any) -> dict[str, float]:
    return {c.country: c.share for c in t.countries}


def test_two_tier_hand_worked(make_graph: Any) -> None:
    # P buys 60% from A (CHN) and 40% from B (KOR); A buys half from M1 (AUS), half from M2 (CHL);
    # B buys everything from M1.  Tier 2: AUS = .6*.5 + .4*1 = .7, CHL = .3.
    g = make_graph(
        [
            {"id": "P", "country": "USA"},
            {"id": "A", "country": "CHN"},
            {"id": "B", "country": "KOR"},
            {"id": "M1", "country": "AUS", "kind": "source"},
            {"id": "M2", "country": "CHL", "kind": "source"},
        ],
        [
            {"supplier": "A", "buyer": "P", "share": 0.6},
            {"supplier": "B", "buyer": "P", "share": 0.4},
            {"supplier": "M1", "buyer": "A", "share": 0.5},
            {"supplier": "M2", "buyer": "A", "share": 0.5},
            {"supplier": "M1", "buyer": "B", "share": 1.0},
        ],
    )
    r = tier_rollup(g)
    assert [t.tier for t in r.tiers] == [1, 2]
    assert _mix(r.tiers[0]) == pytest.approx({"CHN": 0.6, "KOR": 0.4})
    assert _mix(r.tiers[1]) == pytest.approx({"AUS": 0.7, "CHL": 0.3})
    assert r.tiers[0].hhi == pytest.approx(0.6**2 + 0.4**2)
    assert r.tiers[1].hhi == pytest.approx(0.7**2 + 0.3**2)
    assert {c.country: c.share for c in r.total} == pytest.approx({"AUS": 0.7, "CHL": 0.3})
    assert r.total_unknown == pytest.approx(0.0)


def test_unknown_and_undisclosed_kept_apart(make_graph: Any) -> None:
    # P maps 80% of its inputs: A (CHN) 50%, U (undisclosed) 30%; 20% unmapped.
    # A maps 60% to mine M (AUS); A's other 40% is unmapped.
    g = make_graph(
        [
            {"id": "P", "country": "USA"},
            {"id": "A", "country": "CHN"},
            {"id": "U", "country": "undisclosed"},
            {"id": "M", "country": "AUS", "kind": "source"},
        ],
        [
            {"supplier": "A", "buyer": "P", "share": "50%"},
            {"supplier": "U", "buyer": "P", "share": 0.3},
            {"supplier": "M", "buyer": "A", "share": 0.6},
        ],
    )
    assert g.nodes.set_index("id").loc["U", "country"] == UNDISCLOSED
    r = tier_rollup(g)
    t1, t2 = r.tiers
    assert _mix(t1) == pytest.approx({"CHN": 0.5})
    assert (t1.known, t1.unknown, t1.undisclosed) == pytest.approx((0.5, 0.2, 0.3))
    assert _mix(t2) == pytest.approx({"AUS": 0.3})
    # tier 2: A's unmapped 0.5 * 0.4 is unknown; U's suppliers are undisclosed too
    assert (t2.known, t2.unknown, t2.undisclosed) == pytest.approx((0.3, 0.2, 0.3))
    assert {c.country: c.share for c in r.total} == pytest.approx({"AUS": 0.3})
    assert (r.total_known, r.total_unknown, r.total_undisclosed) == pytest.approx((0.3, 0.4, 0.3))


def test_values_become_shares(make_graph: Any) -> None:
    # values only: shares are value / sum of values into the buyer, or / input_value_usd when given
    g = make_graph(
        [
            {"id": "P", "country": "USA", "input_value_usd": 1000},
            {"id": "A", "country": "CHN"},
            {"id": "B", "country": "KOR"},
            {"id": "C", "country": "JPN"},
        ],
        [
            {"supplier": "A", "buyer": "P", "value_usd": 300},
            {"supplier": "B", "buyer": "P", "value_usd": 200},
            {"supplier": "C", "buyer": "A", "value_usd": 5},
        ],
    )
    r = tier_rollup(g)
    assert _mix(r.tiers[0]) == pytest.approx({"CHN": 0.3, "KOR": 0.2})
    assert r.tiers[0].unknown == pytest.approx(0.5)
    assert _mix(r.tiers[1]) == pytest.approx({"JPN": 0.3})  # C is all of A's mapped value


def test_hhi_scale() -> None:
    assert hhi(np.array([1.0]), normalise=True) == 1.0
    assert hhi(np.array([0.25, 0.25]), normalise=True) == pytest.approx(0.5)  # renormalised to 50/50
    assert hhi(np.array([0.25, 0.25])) == pytest.approx(0.125)  # as given
    assert hhi(np.array([0.0]), normalise=True) is None


def _random_graph(
    rng: np.random.Generator, layers: list[int], countries: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes = [{"id": "R", "country": "USA"}]
    edges: list[dict[str, Any]] = []
    prev = ["R"]
    all_down = ["R"]
    for depth, width in enumerate(layers, start=1):
        layer = [f"L{depth}_{i}" for i in range(width)]
        for nid in layer:
            kind = "source" if depth == len(layers) or rng.random() < 0.2 else "facility"
            c = countries[int(rng.integers(len(countries)))]
            nodes.append({"id": nid, "country": c, "kind": kind})
        for buyer in all_down:
            if buyer != "R" and any(n["id"] == buyer and n["kind"] == "source" for n in nodes):
                continue
            # choose suppliers from this layer (and so create paths of different lengths)
            k = int(rng.integers(0, min(3, width) + 1))
            picks = rng.choice(layer, size=k, replace=False) if k else []
            # each layer may take at most 1/len(layers) of the buyer's inputs, so shares stay <= 100%
            w = rng.dirichlet(np.ones(k + 1))[:k] / len(layers) if k else []
            for s, share in zip(picks, w, strict=True):
                edges.append({"supplier": str(s), "buyer": buyer, "share": float(share)})
        prev = layer
        all_down = all_down + prev
    return nodes, edges


def _by_enumeration(g: SupplyGraph) -> tuple[dict[int, dict[str, float]], dict[str, float]]:
    """Independent computation: enumerate every path to the root and multiply shares."""
    dg = nx.DiGraph()
    for s, d, sh in zip(g.edges["supplier"], g.edges["buyer"], g.edges["share"], strict=True):
        dg.add_edge(s, d, share=sh)
    country = dict(zip(g.nodes["id"], g.nodes["country"], strict=True))
    tiers: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    through: dict[str, float] = defaultdict(float)
    through[g.final] = 1.0
    for node in dg.nodes:
        if node == g.final:
            continue
        for path in nx.all_simple_paths(dg, node, g.final):
            w = float(np.prod([dg.edges[a, b]["share"] for a, b in itertools.pairwise(path)]))
            tiers[len(path) - 1][country[node]] += w
            through[node] += w
    return tiers, through


@pytest.mark.parametrize("seed", range(6))
def test_rollup_matches_path_enumeration(make_graph: Any, seed: int) -> None:
    rng = np.random.default_rng(seed)
    nodes, edges = _random_graph(rng, [3, 4, 4, 3], ["CHN", "KOR", "AUS", ""])
    g = make_graph(nodes, edges, final="R")
    r = tier_rollup(g)
    tiers, through = _by_enumeration(g)
    for t in r.tiers:
        expected = {c: v for c, v in tiers.get(t.tier, {}).items() if c}
        assert _mix(t) == pytest.approx(expected)
        assert t.known == pytest.approx(sum(expected.values()))
    ids = list(g.nodes["id"])
    for nid, w in through.items():
        assert r.throughput[ids.index(nid)] == pytest.approx(w)
    # the total is a full decomposition of the final product's inputs
    assert r.total_known + r.total_unknown + r.total_undisclosed == pytest.approx(1.0)
