"""Tier-by-tier country roll-up of a supply graph, with HHI at each tier.

Definitions (see docs/network.md):

* the mass of node ``u`` at tier ``k`` is the sum over paths of ``k`` edges from ``u`` to the final
  product's node of the product of edge shares: the share of the final product's purchased inputs
  that trace to ``u`` at that tier;
* a node's *remainder* is the part of its inputs that is not mapped, ``1 - sum of shares into it``;
  at the next tier it counts as **unknown**, as **undisclosed** when the node's country is
  undisclosed, and it ends when the node is a raw-material ``source``;
* the **total** attributes each unit of value to where its trace ends: a source's country (known),
  undisclosed, or unknown (unmapped inputs, or a node of unknown country). The total sums to 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from supplyscope.indicators.concentration import hhi
from supplyscope.network.graphmath import FloatArray, tier_masses
from supplyscope.network.model import UNDISCLOSED, UNKNOWN, SupplyGraph


@dataclass(frozen=True)
class CountryShare:
    country: str
    share: float


@dataclass(frozen=True)
class TierMix:
    """Country mix of one tier; shares are fractions of the final product's inputs."""

    tier: int
    countries: tuple[CountryShare, ...]
    hhi: float | None
    known: float
    unknown: float
    undisclosed: float
    nodes: int

    def to_dict(self) -> dict[str, object]:
        return {
            "tier": self.tier,
            "countries": [{"country": c.country, "share": c.share} for c in self.countries],
            "hhi": self.hhi,
            "known": self.known,
            "unknown": self.unknown,
            "undisclosed": self.undisclosed,
            "nodes": self.nodes,
        }


@dataclass(frozen=True)
class Rollup:
    tiers: tuple[TierMix, ...]
    total: tuple[CountryShare, ...]
    total_known: float
    total_unknown: float
    total_undisclosed: float
    throughput: FloatArray  # per node: share of the final product's inputs passing through it


def _mix(codes: np.ndarray, names: np.ndarray, weights: FloatArray) -> tuple[CountryShare, ...]:
    sums = np.bincount(codes, weights=weights, minlength=len(names))
    order = np.lexsort((names, -sums))
    return tuple(CountryShare(str(names[i]), float(sums[i])) for i in order if sums[i] > 0)


def tier_rollup(graph: SupplyGraph, *, max_tiers: int | None = None) -> Rollup:
    """Country shares at every tier and in total, known/unknown/undisclosed kept apart."""
    n = graph.n_nodes
    country = graph.nodes["country"].to_numpy(dtype=object)
    is_source = (graph.nodes["kind"] == "source").to_numpy()
    undisclosed = country == UNDISCLOSED
    unknown_c = country == UNKNOWN
    known = ~(undisclosed | unknown_c)
    codes_raw, uniques = pd.factorize(country)
    codes, names = codes_raw.astype(np.int64), np.asarray(uniques, dtype=object)
    mapped = np.bincount(graph.dst, weights=graph.share, minlength=n)
    remainder = np.clip(1.0 - mapped, 0.0, None)
    to_unknown = ~is_source & ~undisclosed
    to_undisclosed = ~is_source & undisclosed

    masses, reaches = tier_masses(graph.src, graph.dst, graph.share, n, graph.root, max_tiers)
    tiers: list[TierMix] = []
    k = 1
    while True:
        prev = masses[k - 1] * remainder
        carried_unknown = float(prev[to_unknown].sum())
        carried_undisclosed = float(prev[to_undisclosed].sum())
        if k < len(masses):
            m, reach = masses[k], reaches[k]
        else:
            if carried_unknown <= 0 and carried_undisclosed <= 0:
                break
            m, reach = np.zeros(n), np.zeros(n, dtype=bool)
        kc = np.flatnonzero(known & (m > 0))
        countries = _mix(codes[kc], names, m[kc])
        tiers.append(
            TierMix(
                tier=k,
                countries=countries,
                hhi=hhi(np.array([c.share for c in countries]), normalise=True),
                known=float(m[known].sum()),
                unknown=float(m[unknown_c].sum()) + carried_unknown,
                undisclosed=float(m[undisclosed].sum()) + carried_undisclosed,
                nodes=int(reach.sum()),
            )
        )
        if k >= len(masses):
            break
        k += 1
    through = np.sum(masses, axis=0) if masses else np.zeros(n)
    ends = through * remainder
    origin = is_source & known
    oc = np.flatnonzero(origin & (ends > 0))
    total = _mix(codes[oc], names, ends[oc])
    total_undisclosed = float(ends[undisclosed].sum())
    total_unknown = float(ends[~origin & ~undisclosed].sum())
    return Rollup(
        tiers=tuple(tiers),
        total=total,
        total_known=float(ends[origin].sum()),
        total_unknown=total_unknown,
        total_undisclosed=total_undisclosed,
        throughput=through,
    )
