"""Checks against published aggregates: foreign value-added content and domestic input sourcing.

- Foreign value-added content per unit of output of node ``j``: ``FVA_j = Σ_{i∉c} c_i L_ij`` with
  ``c = v / x`` (value added per unit output). Aggregates weight ``FVA_j`` by gross output (share
  of gross output) or by intermediate exports (sales of ``j`` to other regions' industries), the
  latter a proxy for OECD TiVA's ``EXGR_FVASH`` (foreign VA share of gross exports), which also
  counts final-goods exports that the bundled table does not split by destination.
- Domestic sourcing of inputs (Baldwin et al.): the home share of direct inputs ``Σ_{i∈c} Z_ij``
  and of all-tier inputs ``Σ_{i∈c} (L − I)_ij x_j``, summed over the chosen industries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import IOTable


@dataclass(frozen=True)
class ForeignContent:
    """Foreign value-added content of a country's production."""

    country: str
    share_of_output: float
    share_of_intermediate_exports: float
    domestic_va_share_of_output: float


def foreign_value_added(table: IOTable, country: str) -> ForeignContent:
    """Foreign VA content of ``country``'s gross output and of its intermediate exports."""
    J = table.region_index(country)
    home = table.regions == country
    c = np.divide(table.v, table.x, out=np.zeros(table.n), where=table.x > 0)
    L_J = table.lu.columns(J)
    va = c[:, np.newaxis] * L_J
    fva = va[~home].sum(axis=0)
    dva = va[home].sum(axis=0)
    x_J = table.x[J]
    exports = table.Z[np.ix_(J, np.flatnonzero(~home))].sum(axis=1)
    return ForeignContent(
        country=country,
        share_of_output=float((fva * x_J).sum() / x_J.sum()),
        share_of_intermediate_exports=float((fva * exports).sum() / exports.sum()),
        domestic_va_share_of_output=float((dva * x_J).sum() / x_J.sum()),
    )


@dataclass(frozen=True)
class DomesticSourcing:
    """Share of a country's industries' inputs sourced at home, direct and all-tier."""

    country: str
    industries: tuple[str, ...]
    face_value: float
    look_through: float


def domestic_sourcing(table: IOTable, country: str, prefix: str = "C") -> DomesticSourcing:
    """Home share of inputs for ``country``'s industries whose code starts with ``prefix`` ("C" = manufacturing)."""
    J_all = table.region_index(country)
    J = J_all[np.char.startswith(table.sectors[J_all], prefix)]
    home = table.regions == country
    Z_J = table.Z[:, J]
    L_J = table.lu.columns(J)
    L_J[J, np.arange(len(J))] -= 1.0
    total = L_J * table.x[J][np.newaxis, :]
    return DomesticSourcing(
        country=country,
        industries=tuple(table.sectors[J].tolist()),
        face_value=float(Z_J[home].sum() / Z_J.sum()),
        look_through=float(total[home].sum() / total.sum()),
    )
