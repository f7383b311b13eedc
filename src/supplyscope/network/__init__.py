"""Multi-tier supply maps: tracing, chokepoints, and the country mix at every tier.

from supplyscope.network import read_graph, trace
g = read_graph("graph.json")
result = trace(g)
result.to_dict()["tiers"]
"""

from supplyscope.network.alternatives import Alternative, TradeBasis, alternatives
from supplyscope.network.bom import bom_dict
from supplyscope.network.build import Problem, TableSource, build_graph, check_graph
from supplyscope.network.chokepoints import Chokepoint, Structure, structure
from supplyscope.network.flags import Flag, ListHit, RegionMatcher, Screener, default_screener, flag_nodes
from supplyscope.network.model import KINDS, UNDISCLOSED, UNKNOWN, SupplyGraph
from supplyscope.network.rollup import CountryShare, Rollup, TierMix, tier_rollup
from supplyscope.network.templates import read_graph
from supplyscope.network.trace import TraceResult, trace
from supplyscope.network.tradebasis import trade_basis

__all__ = [
    "KINDS",
    "UNDISCLOSED",
    "UNKNOWN",
    "Alternative",
    "Chokepoint",
    "CountryShare",
    "Flag",
    "ListHit",
    "Problem",
    "RegionMatcher",
    "Rollup",
    "Screener",
    "Structure",
    "SupplyGraph",
    "TableSource",
    "TierMix",
    "TraceResult",
    "TradeBasis",
    "alternatives",
    "bom_dict",
    "build_graph",
    "check_graph",
    "default_screener",
    "flag_nodes",
    "read_graph",
    "structure",
    "tier_rollup",
    "trace",
    "trade_basis",
]
