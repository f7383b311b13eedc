"""Shock ripple: supply-driven (Ghosh), demand-driven (Leontief), hypothetical extraction, mixed model.

A shock removes the fraction ``f = cut · share`` of the sales of node ``k`` to a set of buyers
``R`` (every buyer for ``target = "output"``; the foreign industries and final-demand columns, or
those of the named partners, for ``target = "exports"``). Its **direct** loss is the lost sales
``d_k = f (Σ_{j∈R} z_kj + Σ_{c∈R} Y_kc)`` (``= f x_k`` for an output cut), and the buyers lose the
inputs ``b_j = f z_kj`` (``j ∈ R``). Then:

- supply-driven (Ghosh, downstream: buyers lose inputs): ``Δx = d + G′ b``, with ``G = x̂⁻¹ L x̂``
  (for an output cut this is ``Δx′ = s′ G`` with ``s = f x_k e_k``; Miller & Blair 2009, ch. 12);
- demand-driven (Leontief, upstream: suppliers lose orders): ``Δx = L d``;
- hypothetical extraction (Dietzenbacher & Lahr 2013): the restricted coefficients are scaled
  by ``1 − f`` (``A*``); backward ``Δx = x − L* y*`` with ``y*`` the final demand left; forward
  ``Δx = x − x*`` with ``x*′ = v′ (I − B*)⁻¹`` (primary inputs fixed);
- mixed model (Miller & Blair 2009, ch. 13): the shocked nodes' outputs are exogenous at
  ``x_k − d_k``, every other node is demand-driven with its final demand fixed;
  the shocked nodes' final users absorb the shortfall ``d_k − Σ_j a_kj Δx_j``;
- value-added loss of each method: ``(v_j / x_j) Δx_j`` (fixed value-added ratios);
- in all, the **direct** part is ``d`` and the **indirect** part ``Δx − d``;
- inoperability (supply-side inoperability input-output model, Leung, Haimes & Santos 2007):
  ``q′ = q′ A + c′``, so ``q′ = c′ L``; it equals the Ghosh relative loss ``Δx_j / x_j``, and is
  capped at 1 (a node cannot lose more than all its output). The demand-side IIM
  (Santos & Haimes 2004) gives ``q = x̂⁻¹ L s``, the Leontief relative loss.

The Ghosh and Leontief solutions of all scenarios are stacked as columns of one right-hand side and
solved against the table's single LU factorisation of ``I − A``; both scale linearly with the cut.
Extraction and the mixed model change the system, so they need one factorisation per scenario.

All of these are indicators under fixed coefficients (no substitution, no price response, no
inventories); none is a forecast. See ``docs/inputoutput.md`` for what each can and cannot claim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.linalg

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
    "value_added_loss",
)

METHODS = ("ghosh", "leontief", "extraction_backward", "extraction_forward", "mixed")
"""Every method :func:`run_scenarios` can run; Ghosh and Leontief always run."""

METHOD_CLAIMS: dict[str, str] = {
    "ghosh": "forward-linkage indicator: output of buyers that would lose the restricted inputs, "
    "if their output fell in proportion to the lost inputs (fixed allocation coefficients)",
    "leontief": "backward-linkage indicator: output of the restricting node and its suppliers "
    "tied to the lost sales (fixed technical coefficients, final demand elsewhere unchanged)",
    "extraction_backward": "hypothetical extraction, demand side: output that depends on the "
    "restricted deliveries, with buyers not replacing them",
    "extraction_forward": "hypothetical extraction, supply side: output downstream of the "
    "restricted deliveries, with primary inputs fixed",
    "mixed": "restricted outputs exogenous, the rest demand-driven: suppliers of the restricting "
    "node lose orders; its final users absorb the shortfall, other industries are served first",
}
"""What each method measures, in one line (for reports and JSON)."""


@dataclass(frozen=True, eq=False)
class ShockResult:
    """Impacts of one scenario on every node (in the table's unit); arrays in the table's node order.

    ``supply`` and ``demand`` are the supply-driven (Ghosh) and demand-driven (Leontief) output
    losses, ``direct`` the direct losses (lost sales) ``d``. ``extra`` holds the output losses of
    the other methods that were run (:data:`METHODS`), ``shortfall`` the final-demand shortfall
    of the mixed model, ``notes`` what the shock could not cover. :attr:`impacts` is the node
    table, sorted by supply-driven loss, largest first.
    """

    scenario: Scenario
    table: IOTable
    direct: FloatArray
    supply: FloatArray
    demand: FloatArray
    extra: dict[str, FloatArray] = field(default_factory=dict)
    shortfall: FloatArray | None = None
    notes: tuple[str, ...] = ()

    @cached_property
    def va_ratio(self) -> FloatArray:
        """Value added per unit of output ``v_j / x_j`` (0 for inactive nodes)."""
        x = self.table.x
        return np.divide(self.table.v, x, out=np.zeros_like(x), where=x > 0)

    def losses(self, method: str) -> FloatArray:
        """Output losses of one method (:data:`METHODS`)."""
        if method == "ghosh":
            return self.supply
        if method == "leontief":
            return self.demand
        if method not in self.extra:
            raise RuleError(f"method {method!r} was not run; run: {', '.join(['ghosh', 'leontief', *self.extra])}")
        return self.extra[method]

    def summary(self, country: str | None = None) -> pd.DataFrame:
        """Per method: world gross-output and value-added loss (and ``country``'s part), with its claim."""
        mask = None if country is None else self.table.regions == country
        rows = []
        for method in ("ghosh", "leontief", *self.extra):
            loss = self.losses(method)
            va = self.va_ratio * loss
            row: dict[str, object] = {
                "method": method,
                "output_loss": float(loss.sum()),
                "value_added_loss": float(va.sum()),
            }
            if mask is not None:
                row["country"] = country
                row["country_output_loss"] = float(loss[mask].sum())
                row["country_value_added_loss"] = float(va[mask].sum())
            row["claim"] = METHOD_CLAIMS[method]
            rows.append(row)
        return pd.DataFrame(rows)

    @property
    def total_va_loss(self) -> float:
        """Σ value-added loss under the Ghosh (forward-linkage) indicator."""
        return float((self.va_ratio * self.supply).sum())

    def country_va_loss(self, country: str) -> float:
        """``country``'s part of :attr:`total_va_loss`."""
        return float((self.va_ratio * self.supply)[self.table.regions == country].sum())

    def headline(self, unit: str, country: str | None = None) -> str:
        """The one-line result: a forward-linkage indicator under fixed coefficients, not a forecast."""
        part = "" if country is None else f", of which {self.country_va_loss(country):,.1f} in {country}"
        return (
            f"{self.scenario.name}: world value-added loss {self.total_va_loss:,.1f} ({unit}){part}; gross output "
            f"{self.total_output_loss:,.1f} summed over all tiers. Forward-linkage (Ghosh) indicator under "
            "fixed coefficients, not a forecast."
        )

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
                "value_added_loss": self.va_ratio[order] * sup,
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


@dataclass(frozen=True)
class Restrictions:
    """The sales a batch of scenarios removes, one column per scenario.

    ``lost_sales`` (n×k) are the direct losses ``d``; ``lost_inputs`` (n×k) the inputs ``b`` the
    buyers lose; ``coeff_cuts`` per scenario the ``(row, buyer columns, fraction)`` cut from ``Z``,
    for the methods that rebuild the system; ``notes`` per scenario.
    """

    lost_sales: FloatArray
    lost_inputs: FloatArray
    coeff_cuts: tuple[tuple[tuple[int, np.ndarray, float], ...], ...]
    notes: tuple[tuple[str, ...], ...]


def fd_regions(table: IOTable) -> list[str | None]:
    """The country of each final-demand column (label prefix before ``_``), None when it has none."""
    regions = set(table.region_list)
    out: list[str | None] = []
    for label in table.final_demand.tolist():
        prefix = str(label).partition("_")[0]
        out.append(prefix if prefix in regions else None)
    return out


def restrictions(table: IOTable, scenarios: list[Scenario]) -> Restrictions:
    """Lost sales and lost inputs of each scenario; :class:`RuleError` names a bad shock."""
    n, k = table.n, len(scenarios)
    D = np.zeros((n, k))
    B = np.zeros((n, k))
    regions = set(table.region_list)
    sectors = set(table.sector_list)
    fd_reg = np.array([r if r is not None else "" for r in fd_regions(table)])
    fd_known = bool((fd_reg != "").all())
    all_cuts: list[tuple[tuple[int, np.ndarray, float], ...]] = []
    all_notes: list[tuple[str, ...]] = []
    for col, sc in enumerate(scenarios):
        seen: set[int] = set()
        cuts: list[tuple[int, np.ndarray, float]] = []
        notes: list[str] = []
        for j, shock in enumerate(sc.shocks, start=1):
            where = f"scenario {sc.name!r}, shock {j}"
            for code in (shock.country, *shock.partners):
                if code not in regions:
                    raise RuleError(f"{where}: unknown country {code!r}; the table has {', '.join(table.region_list)}")
            if shock.sector not in sectors:
                raise RuleError(
                    f"{where}: unknown sector {shock.sector!r}; the table has {', '.join(table.sector_list)}"
                )
            node = table.node(shock.country, shock.sector)
            if node in seen:
                raise RuleError(f"{where}: {shock.country} {shock.sector} is shocked twice")
            seen.add(node)
            f = shock.effective_cut
            if shock.target == "output":
                buyers = np.arange(n)
                D[node, col] = f * table.x[node]
            else:
                dest = np.array(shock.partners) if shock.partners else np.setdiff1d(table.region_list, [shock.country])
                buyers = np.flatnonzero(np.isin(table.regions, dest))
                fd_cols = np.flatnonzero(np.isin(fd_reg, dest))
                D[node, col] = f * (table.Z[node, buyers].sum() + table.Y[node, fd_cols].sum())
                if not fd_known:
                    notes.append(
                        f"{shock.country} {shock.sector}: the table's final demand is not split by country, "
                        "so only intermediate exports are cut (final-demand exports are not modelled)"
                    )
            B[buyers, col] += f * table.Z[node, buyers]
            cuts.append((node, buyers, f))
        all_cuts.append(tuple(cuts))
        all_notes.append(tuple(notes))
    return Restrictions(D, B, tuple(all_cuts), tuple(all_notes))


def direct_losses(table: IOTable, scenarios: list[Scenario]) -> FloatArray:
    """The n×k matrix ``D`` of direct losses (lost sales), one column per scenario."""
    return restrictions(table, scenarios).lost_sales


def supply_driven(table: IOTable, D: FloatArray, B: FloatArray | None = None) -> FloatArray:
    """Ghosh output losses ``Δx = d + G′ b`` for each column; with ``B`` omitted, ``Δx′ = d′ G``."""
    if B is None:
        return iomath.ghosh_solve(table.lu, table.x, D)
    return D + iomath.ghosh_solve(table.lu, table.x, B)


def demand_driven(table: IOTable, S: FloatArray) -> FloatArray:
    """Leontief output losses ``Δx = L s`` for each column of ``S``."""
    return table.lu.solve(S)


def _cut_A(table: IOTable, cuts: tuple[tuple[int, np.ndarray, float], ...]) -> FloatArray:
    A = table.A.copy()
    for node, buyers, f in cuts:
        A[node, buyers] *= 1.0 - f
    return A


def extraction(
    table: IOTable, cuts: tuple[tuple[int, np.ndarray, float], ...], lost_final: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Backward and forward hypothetical-extraction losses of one scenario.

    Backward: ``x − L* (y − lost_final)``; forward: ``x − x*`` with ``x*′ = v′ (I − B*)⁻¹``, solved
    as ``x* = x̂ (I − A*)⁻ᵀ (v / x)`` because ``I − B* = x̂⁻¹ (I − A*) x̂``.
    """
    lu = iomath.leontief_lu(_cut_A(table, cuts))
    x = table.x
    backward = x - lu.solve(table.y - lost_final)
    ratio = np.divide(table.v, x, out=np.zeros_like(x), where=x > 0)
    forward = x - x * lu.solve_left(ratio)
    forward[x == 0] = 0.0
    return backward, forward


def mixed(table: IOTable, lost_sales: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Mixed model: shocked outputs exogenous (lowered by ``lost_sales``), the rest demand-driven.

    Solves ``(I − A) Δx = 0`` on the endogenous rows with ``Δx_e = d_e`` on the exogenous ones;
    returns the output losses and the final-demand shortfall ``d_e − Σ_j a_ej Δx_j`` of the
    exogenous nodes (0 elsewhere).
    """
    exo = np.flatnonzero(lost_sales != 0)
    M = np.eye(table.n) - table.A
    M[exo, :] = 0.0
    M[exo, exo] = 1.0
    rhs = np.zeros(table.n)
    rhs[exo] = lost_sales[exo]
    loss = np.asarray(scipy.linalg.solve(M, rhs, check_finite=False))
    shortfall = np.zeros(table.n)
    shortfall[exo] = lost_sales[exo] - table.A[exo, :] @ loss
    return loss, shortfall


def run_scenarios(
    table: IOTable, scenarios: list[Scenario], methods: tuple[str, ...] = ("ghosh", "leontief")
) -> list[ShockResult]:
    """Run every scenario; Ghosh and Leontief always, the other :data:`METHODS` on request.

    Ghosh and Leontief share the table's factorisation; each extraction or mixed run costs one
    more factorisation per scenario.
    """
    unknown = sorted(set(methods) - set(METHODS))
    if unknown:
        raise RuleError(f"unknown method(s) {unknown}; known: {', '.join(METHODS)}")
    if not scenarios:
        return []
    r = restrictions(table, scenarios)
    sup = supply_driven(table, r.lost_sales, r.lost_inputs)
    dem = demand_driven(table, r.lost_sales)
    out = []
    for k, sc in enumerate(scenarios):
        extra: dict[str, FloatArray] = {}
        shortfall = None
        if "extraction_backward" in methods or "extraction_forward" in methods:
            lost_final = np.zeros(table.n)
            for node, buyers, f in r.coeff_cuts[k]:
                lost_final[node] = r.lost_sales[node, k] - f * table.Z[node, buyers].sum()
            back, fwd = extraction(table, r.coeff_cuts[k], np.maximum(lost_final, 0.0))
            if "extraction_backward" in methods:
                extra["extraction_backward"] = back
            if "extraction_forward" in methods:
                extra["extraction_forward"] = fwd
        if "mixed" in methods:
            extra["mixed"], shortfall = mixed(table, r.lost_sales[:, k])
        out.append(
            ShockResult(
                scenario=sc,
                table=table,
                direct=r.lost_sales[:, k],
                supply=sup[:, k],
                demand=dem[:, k],
                extra=extra,
                shortfall=shortfall,
                notes=r.notes[k],
            )
        )
    return out
