"""Chokepoints: single sources, articulation points, bridges, betweenness and the minimum cut.

All analyses look only at the part of the graph upstream of the final product's node.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import rustworkx as rx

from supplyscope.network.graphmath import (
    FloatArray,
    IntArray,
    min_node_cut,
    subset_betweenness,
    undirected_pairs,
    upstream_of,
)
from supplyscope.network.model import SupplyGraph


@dataclass(frozen=True)
class Chokepoint:
    node: str
    kind: str  # single_source | articulation_point | bridge | betweenness | min_cut
    reason: str
    throughput: float
    edge: tuple[str, str] | None = None
    product: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "node": self.node,
            "kind": self.kind,
            "reason": self.reason,
            "throughput": self.throughput,
        }
        if self.edge is not None:
            out["edge"] = list(self.edge)
        if self.product is not None:
            out["product"] = self.product
        return out


@dataclass(frozen=True)
class SingleSource:
    """A (buyer, product) pair bought from one supplier only."""

    buyer: str
    supplier: str
    hs: str
    throughput: float


@dataclass
class Structure:
    """Structural results, node indices refer to ``graph.nodes`` rows."""

    upstream: np.ndarray
    raw_sources: IntArray
    single_sources: list[SingleSource]
    articulation_points: IntArray
    bridges: list[tuple[int, int]]
    betweenness: FloatArray
    min_cut: IntArray
    chokepoints: list[Chokepoint] = field(default_factory=list)


def _cut_vertices_and_bridges(
    m: int, lo: IntArray, hi: IntArray, multiplicity: IntArray
) -> tuple[IntArray, list[tuple[int, int]]]:
    """Articulation points and bridges of the undirected simple graph on ``m`` nodes."""
    g = rx.PyGraph(multigraph=False)
    g.add_nodes_from(range(m))
    g.extend_from_edge_list(list(zip(lo.tolist(), hi.tolist(), strict=True)))
    aps = np.array(sorted(rx.articulation_points(g)), dtype=np.int64)
    found = {(min(pair), max(pair)) for pair in rx.bridges(g)}  # the stub types pairs as tuple[int]
    multi = {(int(a), int(b)) for a, b, c in zip(lo, hi, multiplicity, strict=True) if c > 1}
    return aps, sorted(found - multi)


def raw_material_sources(graph: SupplyGraph, upstream: np.ndarray) -> IntArray:
    """Upstream nodes of kind ``source`` and upstream nodes without mapped suppliers (root excluded)."""
    indeg = np.bincount(graph.dst, minlength=graph.n_nodes)
    is_source = (graph.nodes["kind"] == "source").to_numpy()
    mask = upstream & (is_source | (indeg == 0))
    mask[graph.root] = False
    return np.flatnonzero(mask).astype(np.int64)


def structure(graph: SupplyGraph, throughput: FloatArray, *, top_betweenness: int = 5) -> Structure:
    """Compute every structural chokepoint and a ranked list of :class:`Chokepoint`."""
    n = graph.n_nodes
    ids = graph.node_ids()
    names = graph.nodes["name"].to_numpy(dtype=object)
    up = upstream_of(graph.src, graph.dst, n, graph.root)
    keep = up[graph.src] & up[graph.dst]
    src, dst = graph.src[keep], graph.dst[keep]
    hs = graph.edges["hs"].to_numpy(dtype=object)[keep]
    raw = raw_material_sources(graph, up)

    # single sources: (buyer, product) with one distinct supplier
    frame = pd.DataFrame({"b": dst, "h": hs, "s": src})
    distinct = frame.drop_duplicates()
    counts = distinct.groupby(["b", "h"], sort=False)["s"].transform("size").to_numpy()
    single = distinct[counts == 1]
    singles = [
        SingleSource(str(ids[b]), str(ids[s]), str(h), float(throughput[s]))
        for b, h, s in zip(single["b"].to_numpy(), single["h"].to_numpy(), single["s"].to_numpy(), strict=True)
    ]
    singles.sort(key=lambda x: (-x.throughput, x.supplier, x.hs))

    # articulation points and bridges on the compacted upstream subgraph
    members = np.flatnonzero(up)
    compact = np.full(n, -1, dtype=np.int64)
    compact[members] = np.arange(len(members))
    lo, hi, mult = undirected_pairs(compact[src], compact[dst])
    aps_c, bridges_c = _cut_vertices_and_bridges(len(members), lo, hi, mult)
    aps = members[aps_c] if len(aps_c) else np.zeros(0, dtype=np.int64)
    aps = aps[aps != graph.root]
    bridges: list[tuple[int, int]] = []
    if bridges_c:
        pair = np.array(bridges_c, dtype=np.int64)
        bu, bv = members[pair[:, 0]], members[pair[:, 1]]
        forward = np.isin(bu * n + bv, src * n + dst)  # orient as supply flows: (supplier, buyer)
        bridges = [(int(a), int(b)) if f else (int(b), int(a)) for a, b, f in zip(bu, bv, forward, strict=True)]

    between = subset_betweenness(src, dst, n, raw, graph.root)
    cut = min_node_cut(src, dst, n, raw, graph.root) if len(raw) else np.zeros(0, dtype=np.int64)

    out: list[Chokepoint] = []
    for c in cut:
        out.append(
            Chokepoint(
                str(ids[c]),
                "min_cut",
                f"one of {len(cut)} node(s) whose loss cuts every raw-material source from {graph.final!r}",
                float(throughput[c]),
            )
        )
    for a in sorted(aps.tolist(), key=lambda x: -throughput[x]):
        out.append(
            Chokepoint(
                str(ids[a]),
                "articulation_point",
                f"{names[a]} is an articulation point: removing it splits the supply network; "
                f"{throughput[a]:.1%} of the final product's inputs pass through it",
                float(throughput[a]),
            )
        )
    for u, v in bridges:
        out.append(
            Chokepoint(
                str(ids[u]),
                "bridge",
                f"the link {ids[u]} -> {ids[v]} is a bridge: it is the only connection "
                f"between two parts of the network",
                float(throughput[u]),
                edge=(str(ids[u]), str(ids[v])),
            )
        )
    n_raw = max(len(raw), 1)
    ranked = np.argsort(-between, kind="stable")[:top_betweenness]
    for v in ranked:
        if between[v] <= 0:
            break
        out.append(
            Chokepoint(
                str(ids[v]),
                "betweenness",
                f"betweenness {between[v]:.3g}: on average {between[v] / n_raw:.0%} of the shortest "
                f"paths from the {len(raw)} raw-material source(s) to the final product pass "
                "through it",
                float(throughput[v]),
            )
        )
    for s in singles:
        out.append(
            Chokepoint(
                s.supplier, "single_source", f"only supplier of HS {s.hs} to {s.buyer}", s.throughput, product=s.hs
            )
        )
    return Structure(up, raw, singles, aps.astype(np.int64), bridges, between, cut, out)
