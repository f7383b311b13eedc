"""BEA Use, Make and Import tables → an industry-by-industry system.

Method (industry-technology assumption; Miller & Blair 2009, §5.3; BEA *Concepts and Methods
of the U.S. Input-Output Accounts*, ch. 12):

- ``U`` commodity × industry use of intermediate inputs, ``F`` commodity × final-demand use,
  ``V`` industry × commodity make table, ``g = V 1`` industry output, ``q = 1′ V`` commodity output;
- market shares ``D = V q̂⁻¹`` (industry × commodity): the share of each commodity made by
  each industry;
- industry-by-industry flows ``Z = D U``, final demand ``Y = D F``, and imported inputs
  ``Z_m = D U_m`` from the import matrix ``U_m``. Then ``A = Z ĝ⁻¹ = D B`` with ``B = U ĝ⁻¹``.

Commodities no domestic industry makes (``q = 0``: non-comparable imports, used and second-hand
goods, rest-of-world adjustment) have a zero column in ``D``: their use drops out of ``Z`` and
counts as a primary input, like value added. BEA's scrap adjustment of ``D`` is not applied.
The published tables hold a few negative intermediate uses (e.g. government enterprises'
inventory adjustments) and negative make entries; the former are moved to an extra final-demand
column ``negative_intermediate_use`` (rows still balance, Z stays non-negative), the latter set to
zero; both are listed in :attr:`IOTable.notes`. Government enterprises with operating losses
(negative gross operating surplus, ``V003*`` row; e.g. state and local passenger transit, whose
intermediate inputs exceed its output) would have columns of ``A`` summing to 1 or more: the loss
is added to their output and booked as final demand in column ``operating_loss_cover`` (the
subsidy that pays for it), so gross operating surplus becomes 0 and the rows still balance.
Rows and columns whose code starts with ``T0`` or ``Total`` are totals; unnamed columns
(read as ``NA``) are totals without a code; both are used only for checks.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from supplyscope.data.sources.io_tables import BEA_FILES, read_bea_files
from supplyscope.errors import DataError, NotFoundError

from .model import IOTable

BEA_TABLES = {
    "detail2017": (*BEA_FILES["detail2017"], "USD million, 2017"),
    "summary2023": (*BEA_FILES["summary2023"], "USD million, 2023"),
}
"""Bundled BEA tables: use, make, import, industry names, unit."""

NEGATIVE_USE_COLUMN = "negative_intermediate_use"
SUBSIDY_COLUMN = "operating_loss_cover"
BEA_BALANCE_RTOL = 0.01
"""Accepted gap between industry output ``g`` and ``Z 1 + Y 1``: the published cells are rounded
to USD 1 million, which for the smallest detail industries adds up to a few percent."""


def _is_total(code: str) -> bool:
    return code.startswith(("T0", "Total")) or code == "NA" or code.startswith("NA.")


def _numeric(df: pd.DataFrame, source: str) -> pd.DataFrame:
    if "code" not in df.columns:
        raise DataError("first column 'code' is missing", source=source, field="code")
    body = df.set_index(df["code"].astype(str)).drop(columns="code")
    body.columns = body.columns.astype(str)
    num = body.apply(pd.to_numeric, errors="coerce")
    bad = num.isna() & body.notna()
    if bad.to_numpy().any():
        r, c = np.argwhere(bad.to_numpy())[0]
        raise DataError(f"not a number: {body.iat[r, c]!r}", source=source, row=int(r) + 2, field=str(body.columns[c]))
    if not body.index.is_unique:
        dup = body.index[body.index.duplicated()][0]
        raise DataError(f"duplicate row code {dup!r}", source=source, field="code")
    return num.fillna(0.0)


def _require(frame: pd.DataFrame, rows: list[str], cols: list[str], source: str) -> pd.DataFrame:
    miss_r = [r for r in rows if r not in frame.index]
    if miss_r:
        raise DataError(f"rows missing: {miss_r[:8]}", source=source, field="code")
    miss_c = [c for c in cols if c not in frame.columns]
    if miss_c:
        raise DataError(f"columns missing: {miss_c[:8]}", source=source, field=miss_c[0])
    return frame.loc[rows, cols]


def industry_by_industry(
    use: pd.DataFrame,
    make: pd.DataFrame,
    imports: pd.DataFrame | None,
    *,
    name: str,
    unit: str,
    region: str = "USA",
    names: dict[str, str] | None = None,
    source: tuple[str, str, str] = ("use", "make", "import"),
) -> IOTable:
    """Build the industry-by-industry system ``Z = D U``, ``Y = D F`` (see the module docstring).

    ``use``/``make``/``imports`` are BEA tables with a first column ``code`` (row code).
    Raises :class:`DataError` naming the file and code when the tables do not fit together.
    """
    u = _numeric(use, source[0])
    m = _numeric(make, source[1])
    industries = [c for c in m.index if not _is_total(c)]
    commodities = [c for c in m.columns if not _is_total(c)]
    V = m.loc[industries, commodities].to_numpy(dtype=np.float64)
    notes: list[str] = []
    neg_v = np.argwhere(V < 0)
    if len(neg_v):
        listed = ", ".join(f"{industries[i]}/{commodities[j]} ({V[i, j]:g})" for i, j in neg_v[:8])
        notes.append(f"{len(neg_v)} negative make entries set to 0: {listed}")
        V = np.maximum(V, 0.0)
    fd_cols = [c for c in u.columns if c not in set(industries) and not _is_total(c)]
    U = _require(u, commodities, industries, source[0]).to_numpy(dtype=np.float64)
    F = _require(u, commodities, fd_cols, source[0]).to_numpy(dtype=np.float64)
    neg_u = np.argwhere(U < 0)
    if len(neg_u):
        listed = ", ".join(f"{commodities[i]}->{industries[j]} ({U[i, j]:g})" for i, j in neg_u[:8])
        notes.append(
            f"{len(neg_u)} negative intermediate uses moved to final demand column '{NEGATIVE_USE_COLUMN}': {listed}"
        )
        F = np.column_stack([F, np.minimum(U, 0.0).sum(axis=1)])
        fd_cols = [*fd_cols, NEGATIVE_USE_COLUMN]
        U = np.maximum(U, 0.0)
    g = V.sum(axis=1)
    q = V.sum(axis=0)
    gos_row = next((r for r in u.index if r.startswith("V003")), None)
    if gos_row is not None:
        gos = u.loc[gos_row].reindex(industries, fill_value=0.0).to_numpy(dtype=np.float64)
        loss = np.maximum(-gos, 0.0)
        if loss.any():
            hit = np.flatnonzero(loss)
            listed = ", ".join(f"{industries[i]} ({loss[i]:g})" for i in hit[:8])
            notes.append(
                f"negative gross operating surplus of {len(hit)} industries added to output and to "
                f"final-demand column '{SUBSIDY_COLUMN}': {listed}"
            )
            g = g + loss
            F_extra = np.zeros((len(commodities), 1))
        else:
            F_extra = None
    else:
        loss = np.zeros(len(industries))
        F_extra = None
    D = V * np.divide(1.0, q, out=np.zeros_like(q), where=q > 0)[np.newaxis, :]
    Z = D @ U
    Y = D @ F
    if F_extra is not None:
        Y = np.column_stack([Y, loss])
        fd_cols = [*fd_cols, SUBSIDY_COLUMN]
    Zm = None
    if imports is not None:
        im = _numeric(imports, source[2])
        Um = _require(im, [c for c in commodities if c in im.index], industries, source[2])
        Um = Um.reindex(commodities, fill_value=0.0)
        Zm = D @ Um.to_numpy(dtype=np.float64)
        Zm = np.minimum(np.maximum(Zm, 0.0), Z)
    gap = np.abs(Z.sum(axis=1) + Y.sum(axis=1) - g) / np.maximum(g, 1.0)
    worst = int(np.argmax(gap))
    notes.append(f"largest row imbalance |g - Z1 - Y1| / g = {gap[worst]:.4f} ({industries[worst]}; rounding)")
    return IOTable.create(
        Z=Z,
        Y=Y,
        x=g,
        regions=[region] * len(industries),
        sectors=industries,
        final_demand=fd_cols,
        name=name,
        unit=unit,
        sector_names=names or {},
        Z_imports=Zm,
        balance_rtol=BEA_BALANCE_RTOL,
        notes=tuple(notes),
    )


@lru_cache(maxsize=4)
def load_bea(table: str = "summary2023") -> IOTable:
    """A bundled BEA table as an industry-by-industry system: ``"detail2017"`` or ``"summary2023"``."""
    if table not in BEA_TABLES:
        raise NotFoundError("BEA table", table, BEA_TABLES)
    use_f, make_f, imp_f, _, unit = BEA_TABLES[table]
    use, make, imports, names_df = read_bea_files(table)
    names = dict(zip(names_df.iloc[:, 0].astype(str), names_df.iloc[:, 1].astype(str), strict=True))
    return industry_by_industry(
        use,
        make,
        imports,
        name=f"BEA {table}",
        unit=unit,
        names=names,
        source=(use_f, make_f, imp_f),
    )
