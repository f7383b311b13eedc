"""Face-value and look-through exposure (Baldwin, Freeman & Theodorakopoulos, NBER w31820).

For an industry ``j`` of country ``c`` and a source country ``s`` (``i ∈ s`` its nodes):

- face value  ``FV_sj = Σ_{i∈s} A_ij / Σ_i A_ij``: the share of ``j``'s direct intermediate
  inputs bought from ``s`` (what trade statistics see);
- look-through ``LT_sj = Σ_{i∈s} (L − I)_ij / Σ_i (L − I)_ij``: the share of ``s`` in all the
  inputs, at every tier, needed per unit of ``j``'s output (``L − I`` removes the unit of
  ``j``'s own final output and keeps the inputs);
- hidden-exposure ratio ``LT_sj / FV_sj`` (undefined when ``FV_sj = 0``).

Only the columns ``L[:, J]`` of country ``c`` are solved for, from the table's LU factorisation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from supplyscope.errors import NotFoundError

from ._types import FloatArray
from .model import IOTable

COLUMNS = ("industry", "industry_name", "source", "face_value", "look_through", "ratio")


def _region_matrix(table: IOTable) -> tuple[list[str], FloatArray]:
    regions = table.region_list
    pos = {r: k for k, r in enumerate(regions)}
    R = np.zeros((len(regions), table.n))
    R[[pos[r] for r in table.regions], np.arange(table.n)] = 1.0
    return regions, R


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def exposure_table(table: IOTable, country: str) -> pd.DataFrame:
    """Exposure of every industry of ``country`` to every source region (the country itself included).

    Columns: industry, industry_name, source, face_value, look_through, ratio. Shares are in [0, 1];
    the rows of one industry sum to 1 over sources (when it has inputs).
    """
    J = table.region_index(country)
    regions, R = _region_matrix(table)
    A_J = table.A[:, J]
    L_J = table.lu.columns(J)
    L_J[J, np.arange(len(J))] -= 1.0  # L − I
    face = _ratio(R @ A_J, A_J.sum(axis=0)[np.newaxis, :])
    look = _ratio(R @ L_J, L_J.sum(axis=0)[np.newaxis, :])
    sectors = table.sectors[J]
    n_src = len(regions)
    return pd.DataFrame(
        {
            "industry": np.tile(sectors, n_src),
            "industry_name": [table.sector_names.get(s, s) for s in np.tile(sectors, n_src)],
            "source": np.repeat(regions, len(J)),
            "face_value": face.ravel(),
            "look_through": look.ravel(),
            "ratio": _ratio(look.ravel(), face.ravel()),
        },
        columns=list(COLUMNS),
    )


def exposure(table: IOTable, country: str, source: str) -> pd.DataFrame:
    """Exposure of each industry of ``country`` to one ``source`` country, in the table's sector order."""
    if source not in table.region_list:
        raise NotFoundError("source country", source, table.region_list)
    if source == country:
        raise NotFoundError("foreign source country", source, [r for r in table.region_list if r != country])
    full = exposure_table(table, country)
    return full[full["source"] == source].reset_index(drop=True)


def foreign_share(table: IOTable, country: str) -> pd.DataFrame:
    """Per industry of ``country``: foreign (all other regions) face-value and look-through input shares."""
    full = exposure_table(table, country)
    home = full[full["source"] == country].set_index("industry")
    out = pd.DataFrame(
        {
            "industry": home.index,
            "industry_name": home["industry_name"].to_numpy(),
            "face_value": 1.0 - home["face_value"].to_numpy(),
            "look_through": 1.0 - home["look_through"].to_numpy(),
        }
    )
    out["ratio"] = _ratio(out["look_through"].to_numpy(), out["face_value"].to_numpy())
    return out


def import_exposure(table: IOTable) -> pd.DataFrame:
    """Imported-input exposure for a single-region table with an import matrix (BEA).

    With domestic coefficients ``A_d = (Z − Z_m) x̂⁻¹``, ``L_d = (I − A_d)⁻¹`` and imported inputs
    per unit of output ``m′ = 1′ Z_m x̂⁻¹``: face value ``m_j / Σ_i A_ij``; look-through
    ``(m′ L_d)_j / ((m′ L_d)_j + Σ_i (L_d − I)_ij)``, the imported share of all inputs at every
    domestic tier (imports are not traced further back).
    """
    from . import iomath

    if table.Z_imports is None:
        raise NotFoundError("import matrix of table", table.name, [])
    A = table.A
    A_m = iomath.calc_A(table.Z_imports, table.x)
    lu_d = iomath.leontief_lu(A - A_m)
    m = A_m.sum(axis=0)
    m_total = lu_d.solve_left(m)
    dom_total = lu_d.solve_left(np.ones(table.n)) - 1.0
    face = _ratio(m, A.sum(axis=0))
    look = _ratio(m_total, m_total + dom_total)
    return pd.DataFrame(
        {
            "industry": table.sectors,
            "industry_name": [table.sector_names.get(s, s) for s in table.sectors],
            "face_value": face,
            "look_through": look,
            "ratio": _ratio(look, face),
        }
    )
