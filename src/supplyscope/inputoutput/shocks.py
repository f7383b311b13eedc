"""Shock ripple: supply-driven (Ghosh), demand-driven (Leontief) and inoperability (IIM).

A shock cuts a fraction ``c_k`` of the supply of node ``k``; its direct output loss is
``s_k = c_k x_k``. With ``s`` the vector of direct losses:

- supply-driven (Ghosh, downstream: buyers lose inputs): ``Δx′ = s′ G``, with ``G = x̂⁻¹ L x̂``;
- demand-driven (Leontief, upstream: suppliers lose orders): ``Δx = L s``;
- in both, the **direct** part is ``s`` itself and the **indirect** part ``Δx − s``;
- inoperability (supply-side inoperability input-output model, Leung, Haimes & Santos 2007):
  ``q′ = q′ A + c′``, so ``q′ = c′ L``; it equals the Ghosh relative loss ``Δx_j / x_j``, and is
  capped at 1 (a node cannot lose more than all its output). The demand-side IIM
  (Santos & Haimes 2004) gives ``q = x̂⁻¹ L s``, the Leontief relative loss.

All scenarios of one call are stacked as columns of one right-hand side and solved against the
table's single LU factorisation of ``I − A``. Both linear models scale linearly with the cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from supplyscope.errors import RuleError

from . import iomath
from ._types import FloatArray
from .model import IOTable
from .scenarios import Scenario

IMPACT_COLUMNS = (
    "country",
    "industry",
    "industry_name",
    "output",
    "output_loss",
    "output_loss_share",
    "inoperability",
    "direct_loss",
    "indirect_loss",
    "demand_loss",
    "demand_direct_loss",
    "demand_indirect_loss",
    "demand_inoperability",
)


@dataclass(frozen=True, eq=False)
class ShockResult:
    """Impacts of one scenario on every node (in the table's unit); arrays in the table's node order.

    ``supply`` and ``demand`` are the supply-driven (Ghosh) and demand-driven (Leontief) output
    losses, ``direct`` the direct losses ``s``. :attr:`impacts` is the same as a table, sorted by
    supply-driven loss, largest first.
    """

    scenario: Scenario
    table: IOTable
    direct: FloatArray
    supply: FloatArray
    demand: FloatArray

    @property
    def total_output_loss(self) -> float:
        """Σ supply-driven output loss."""
        return float(self.supply.sum())

    @property
    def total_demand_loss(self) -> float:
        """Σ demand-driven output loss."""
        return float(self.demand.sum())

    def _frame(self, order: np.ndarray) -> pd.DataFrame:
        t = self.table
        x = t.x[order]
        sup, dem, s = self.supply[order], self.demand[order], self.direct[order]
        sup_share = np.divide(sup, x, out=np.zeros_like(sup), where=x > 0)
        dem_share = np.divide(dem, x, out=np.zeros_like(dem), where=x > 0)
        return pd.DataFrame(
            {
                "country": t.regions[order],
                "industry": t.sectors[order],
                "industry_name": [t.sector_names.get(str(k), str(k)) for k in t.sectors[order]],
                "output": x,
                "output_loss": sup,
                "output_loss_share": sup_share,
                "inoperability": np.minimum(sup_share, 1.0),
                "direct_loss": s,
                "indirect_loss": sup - s,
                "demand_loss": dem,
                "demand_direct_loss": s,
                "demand_indirect_loss": dem - s,
                "demand_inoperability": np.minimum(dem_share, 1.0),
            },
            columns=list(IMPACT_COLUMNS),
        )

    @cached_property
    def impacts(self) -> pd.DataFrame:
        """All nodes, largest supply-driven loss first (ties keep the table order)."""
        return self._frame(np.argsort(-self.supply, kind="stable"))

    def top(self, n: int = 20, country: str | None = None) -> pd.DataFrame:
        """The ``n`` most affected nodes by supply-driven output loss (same order as :attr:`impacts`).

        With ``country``, only that country's industries are ranked.
        """
        nodes = np.arange(len(self.supply)) if country is None else self.table.region_index(country)
        loss = self.supply[nodes]
        if n >= len(nodes):
            return self._frame(nodes[np.lexsort((nodes, -loss))])
        # keys: -loss, then node position (the stable tie order of ``impacts``)
        edge = loss[np.argpartition(-loss, n - 1)[:n]].min()
        pool = np.flatnonzero(loss >= edge)
        return self._frame(nodes[pool[np.lexsort((pool, -loss[pool]))][:n]])


def direct_losses(table: IOTable, scenarios: list[Scenario]) -> FloatArray:
    """The n×k matrix ``S`` of direct losses ``s_k = c_k x_k`` (one column per scenario)."""
    S = np.zeros((table.n, len(scenarios)))
    regions = set(table.region_list)
    sectors = set(table.sector_list)
    for col, sc in enumerate(scenarios):
        seen: set[int] = set()
        for j, shock in enumerate(sc.shocks, start=1):
            where = f"scenario {sc.name!r}, shock {j}"
            if shock.country not in regions:
                raise RuleError(
                    f"{where}: unknown country {shock.country!r}; the table has {', '.join(table.region_list)}"
                )
            if shock.sector not in sectors:
                raise RuleError(
                    f"{where}: unknown sector {shock.sector!r}; the table has {', '.join(table.sector_list)}"
                )
            node = table.node(shock.country, shock.sector)
            if node in seen:
                raise RuleError(f"{where}: {shock.country} {shock.sector} is shocked twice")
            seen.add(node)
            S[node, col] = shock.cut * table.x[node]
    return S


def supply_driven(table: IOTable, S: FloatArray) -> FloatArray:
    """Ghosh output losses ``Δx′ = s′ G`` for each column of ``S``."""
    return iomath.ghosh_solve(table.lu, table.x, S)


def demand_driven(table: IOTable, S: FloatArray) -> FloatArray:
    """Leontief output losses ``Δx = L s`` for each column of ``S``."""
    return table.lu.solve(S)


def run_scenarios(table: IOTable, scenarios: list[Scenario]) -> list[ShockResult]:
    """Run every scenario against one factorisation; returns one :class:`ShockResult` each."""
    if not scenarios:
        return []
    S = direct_losses(table, scenarios)
    sup = supply_driven(table, S)
    dem = demand_driven(table, S)
    return [
        ShockResult(scenario=sc, table=table, direct=S[:, k], supply=sup[:, k], demand=dem[:, k])
        for k, sc in enumerate(scenarios)
    ]
