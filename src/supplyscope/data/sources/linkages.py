"""Forward linkages by industry from the BEA 2017 detail Use table and the OECD ICIO 2022 table.

For commodity (or ICIO sector) *i* with intermediate uses Z_ij by industry *j* and industry
outputs x_j:

* ``intermediate_share``  = Σ_j Z_ij / (Σ_j Z_ij + final uses except imports): the share of the
  commodity's use that is input to production rather than final demand (a forward linkage in the
  output-weighted sense of Miller and Blair 2009, §12.1, "distribution" coefficients);
* ``productive_use_share`` = (Σ_j Z_ij + fixed investment) / (Σ_j Z_ij + final uses except imports):
  as above, counting private and government fixed investment (BEA columns F02E/N/S, F06E/N/S,
  F07E/N/S, F10E/N/S) as productive use, so capital goods are not mistaken for consumption;
* ``user_output_share``   = Σ_{j : Z_ij / x_j ≥ 0.001} x_j / Σ_j x_j: the share of all industry
  output produced by industries for which the commodity is at least 0.1% of their output;
* ``user_industries``     = #{j : Z_ij / x_j ≥ 0.001};
* ``import_export_ratio`` = imports / exports of the commodity (BEA only; F05000 / F04000).

ICIO values pool all 80 economies (the world's sector), so they serve as a fallback for HS6 codes
with no BEA commodity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from supplyscope.data.sources.io_tables import bea_detail_use, read_npz

USER_THRESHOLD = 0.001
"""Direct input coefficient from which an industry counts as a user of the commodity."""

COLUMNS = [
    "classification",
    "industry",
    "intermediate_share",
    "productive_use_share",
    "user_output_share",
    "user_industries",
    "import_export_ratio",
    "source",
]


INVESTMENT = tuple(f"F{g}{k}00" for g in ("02", "06", "07", "10") for k in ("E", "N", "S"))
"""BEA final-use columns of fixed investment (equipment, intellectual property, structures)."""


def _shares(z: np.ndarray, x: np.ndarray, final_uses: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Intermediate share of use, output share of user industries, count of user industries."""
    inter = z.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip(inter / (inter + final_uses), 0.0, 1.0)
        coef = np.where(x[None, :] > 0, z / x[None, :], 0.0)
    users = coef >= USER_THRESHOLD
    user_out = (users * x[None, :]).sum(axis=1) / x.sum()
    return share, user_out, users.sum(axis=1)


def bea_linkages() -> pd.DataFrame:
    """Forward linkages per BEA 2017 detail commodity (Use table before redefinitions, producer prices).

    Rows are commodities, columns ``1111A0`` … up to ``T001`` industries; ``T008`` (row) is total
    industry output; columns ``F01000`` … ``F10S00`` final uses, ``F05000`` imports (negative).
    """
    use = bea_detail_use().set_index("code")
    cols = list(use.columns)
    ind_cols = cols[: cols.index("T001")]
    final_cols = [c for c in cols if c.startswith("F") and c != "F05000"]
    rows = [r for r in use.index if r in ind_cols or r[:1].isdigit() or r in ("S00101", "S00102", "S00201", "S00202")]
    rows = [r for r in rows if r in use.index and r not in ("T005", "T006", "T008")]
    z = use.loc[rows, ind_cols].fillna(0.0).to_numpy()
    x = use.loc["T008", ind_cols].fillna(0.0).to_numpy()
    final = use.loc[rows, final_cols].fillna(0.0).sum(axis=1).to_numpy()
    share, user_out, n_users = _shares(z, x, final)
    invest = use.loc[rows, [c for c in INVESTMENT if c in cols]].fillna(0.0).sum(axis=1).to_numpy()
    inter = z.sum(axis=1)
    imports = np.clip(-use.loc[rows, "F05000"].fillna(0.0).to_numpy(), 0.0, None)
    exports = np.clip(use.loc[rows, "F04000"].fillna(0.0).to_numpy(), 0.0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        productive = np.clip((inter + invest) / (inter + final), 0.0, 1.0)
        ratio = np.where(exports > 0, imports / exports, np.where(imports > 0, np.inf, np.nan))
    return pd.DataFrame(
        {
            "classification": "BEA2012",
            "industry": rows,
            "intermediate_share": share,
            "productive_use_share": productive,
            "user_output_share": user_out,
            "user_industries": n_users.astype(int),
            "import_export_ratio": ratio,
            "source": "BEA 2017 detail Use table (before redefinitions, producer prices)",
        }
    )[COLUMNS]


def icio_linkages() -> pd.DataFrame:
    """Forward linkages per OECD ICIO 2025 sector, pooling the 80 economies' rows and columns (2022)."""
    f = read_npz()
    z = f["Z"].astype(float)
    go = f["gross_output"].astype(float)
    final = f["final_and_row_demand"].astype(float)
    sectors = f["sectors"].astype(str)
    n_s, n_c = len(sectors), z.shape[0] // len(sectors)
    pooled = z.reshape(n_s, n_c, n_s, n_c).sum(axis=(1, 3))  # sector-major node order
    x = go.reshape(n_s, n_c).sum(axis=1)
    fd = final.reshape(n_s, n_c).sum(axis=1)
    share, user_out, n_users = _shares(pooled, x, fd)
    return pd.DataFrame(
        {
            "classification": "ICIO2025",
            "industry": sectors,
            "intermediate_share": share,
            "productive_use_share": np.nan,
            "user_output_share": user_out,
            "user_industries": n_users.astype(int),
            "import_export_ratio": np.nan,
            "source": "OECD ICIO 2025 release, 2022, 80 economies pooled",
        }
    )[COLUMNS]


def linkage_frame() -> pd.DataFrame:
    """Rows of the canonical ``industry_linkage`` table (BEA commodities and ICIO sectors)."""
    out = pd.concat([bea_linkages(), icio_linkages()], ignore_index=True)
    out["import_export_ratio"] = out["import_export_ratio"].replace([np.inf], 1e9)
    return out
