"""One call that runs every analysis of a supply graph and gathers the results for the front ends."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from supplyscope.network.alternatives import Alternative, TradeBasis, alternatives
from supplyscope.network.chokepoints import Structure, structure
from supplyscope.network.flags import Flag, RegionMatcher, Screener, flag_nodes
from supplyscope.network.model import SupplyGraph
from supplyscope.network.rollup import Rollup, tier_rollup


@dataclass
class TraceResult:
    graph: SupplyGraph
    rollup: Rollup
    structure: Structure
    flags: list[Flag]
    alternatives: list[Alternative]

    def to_dict(self, *, max_chokepoints: int | None = None) -> dict[str, object]:
        """The JSON document printed by ``supplyscope trace --format json``."""
        g, r, s = self.graph, self.rollup, self.structure
        ids = g.node_ids()
        chokes = s.chokepoints if max_chokepoints is None else s.chokepoints[:max_chokepoints]
        n_raw = max(len(s.raw_sources), 1)
        top = np.argsort(-s.betweenness, kind="stable")[:10]
        return {
            "graph": {
                "name": g.name,
                "source": g.source,
                "final": g.final,
                "nodes": g.n_nodes,
                "edges": g.n_edges,
                "upstream_nodes": int(s.upstream.sum()),
                "not_connected_to_final": int(g.n_nodes - s.upstream.sum()),
                "raw_material_sources": len(s.raw_sources),
            },
            "tiers": [t.to_dict() for t in r.tiers],
            "chokepoints": [c.to_dict() for c in chokes],
            "flags": [f.to_dict() for f in self.flags],
            "total_by_country": [{"country": c.country, "share": c.share} for c in r.total],
            "total": {"known": r.total_known, "unknown": r.total_unknown, "undisclosed": r.total_undisclosed},
            "betweenness": [
                {
                    "node": str(ids[v]),
                    "betweenness": float(s.betweenness[v]),
                    "normalised": float(s.betweenness[v]) / n_raw,
                }
                for v in top
                if s.betweenness[v] > 0
            ],
            "min_cut": [str(ids[v]) for v in s.min_cut],
            "alternatives": [a.to_dict() for a in self.alternatives],
        }


def trace(
    graph: SupplyGraph,
    *,
    screener: Screener | None = None,
    region: RegionMatcher | None = None,
    trade: TradeBasis | None = None,
    max_paths: int = 20,
) -> TraceResult:
    """Roll-up, chokepoints, screening flags and (given trade data) alternatives for single sources."""
    r = tier_rollup(graph)
    s = structure(graph, r.throughput)
    flags = flag_nodes(graph, r.throughput, screener=screener, region=region, upstream=s.upstream, max_paths=max_paths)
    alts: list[Alternative] = []
    if trade is not None:
        countries = graph.nodes["country"].to_numpy(dtype=object)
        current: dict[str, set[str]] = {}
        hs_all = graph.edges["hs"].to_numpy(dtype=object)
        for single in s.single_sources:
            current.setdefault(single.hs, set())
        if current:
            wanted = np.isin(hs_all, list(current)) & s.upstream[graph.dst]
            for e in np.flatnonzero(wanted).tolist():
                c = str(countries[graph.src[e]])
                if c:
                    current[str(hs_all[e])].add(c)
        alts = alternatives(sorted(current.items()), trade)
    return TraceResult(graph, r, s, flags, alts)
