"""Readers for the OECD Inter-Country Input-Output (ICIO) tables.

Two layouts are read:

- the CSV layout as published by the OECD: one row and one column per ``ISO3_SECTOR`` node,
  final-demand columns ``ISO3_HFCE``, ``ISO3_GFCF``, … and an ``OUT`` column; primary-input rows
  (``TLS``, ``VA``) and an ``OUT`` row;
- the bundled 2022 table (``io/oecd_icio2025_y2022_80c50s.npz``): 80 countries × 50 sectors,
  nodes in **sector-major** order and the OECD rest-of-world region dropped upstream.

Both come out as an :class:`IOTable` in country-major order (all sectors of the first country,
then the next country). When the rest of the world is missing, purchases from it sit in ``v``
(primary inputs) and sales to it in ``Y``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from supplyscope.data.sources.io_tables import icio_npz_path, read_npz
from supplyscope.errors import DataError

from .model import IOTable

ICIO_SECTORS = "io/oecd_icio2025_sector_codes.parquet"
ICIO_UNIT = "USD million, 2022"
ICIO_NAME = "OECD ICIO 2025 release, 2022 (80 countries x 50 sectors)"
OUTPUT_LABELS = ("OUT", "TOTAL", "TOT")
ICIO_BALANCE_RTOL = 0.02
"""Largest accepted gap between the shipped final demand and ``x − Z 1`` (see :func:`load_icio`)."""


def split_label(label: str) -> tuple[str, str]:
    """``"USA_C17_18"`` → ``("USA", "C17_18")``: the region is everything before the first ``_``."""
    region, sep, sector = label.partition("_")
    if not sep or not region or not sector:
        raise ValueError(label)
    return region, sector


def _split_all(labels: list[str], source: str, field: str) -> tuple[list[str], list[str]]:
    regions: list[str] = []
    sectors: list[str] = []
    for pos, label in enumerate(labels):
        try:
            r, s = split_label(label)
        except ValueError:
            raise DataError(f"label {label!r} is not REGION_SECTOR", source=source, row=pos + 2, field=field) from None
        regions.append(r)
        sectors.append(s)
    return regions, sectors


SPLIT_REGIONS = {"CN1": "CHN", "CN2": "CHN", "MX1": "MEX", "MX2": "MEX"}
"""OECD's extended ICIO splits China and Mexico by processing-trade status; these merge them back."""


def aggregate_regions(table: IOTable, mapping: dict[str, str]) -> IOTable:
    """Merge regions (e.g. ``CN1``/``CN2`` → ``CHN``) by summing their nodes' rows and columns.

    Nodes keep the order of the first appearance of each (new region, sector) pair.
    """
    regions = np.array([mapping.get(r, r) for r in table.regions])
    keys = np.char.add(np.char.add(regions, "_"), table.sectors)
    uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    group = rank[inverse]
    G = np.zeros((len(uniq), table.n))
    G[group, np.arange(table.n)] = 1.0
    keep = first[order]
    return IOTable.create(
        Z=G @ table.Z @ G.T,
        Y=G @ table.Y,
        x=G @ table.x,
        v=G @ table.v,
        regions=regions[keep],
        sectors=table.sectors[keep],
        final_demand=table.final_demand,
        name=table.name,
        unit=table.unit,
        sector_names=table.sector_names,
        notes=(*table.notes, f"regions merged: {mapping}"),
    )


def read_icio_csv(path: str | Path, *, unit: str = "USD million", merge_split: bool = True) -> IOTable:
    """Read an ICIO table in the OECD CSV layout (country_industry rows/columns, FD columns, VA/OUT rows).

    Node rows are the row labels that also head a column; every other row except ``OUT`` is a
    primary input (``TLS``, ``VA``, …) and is summed into ``v``. Columns that are neither nodes nor
    ``OUT`` are final demand. The table must list nodes in the same order in rows and columns.
    With ``merge_split`` (default), the extended tables' ``CN1``/``CN2`` and ``MX1``/``MX2`` nodes
    are merged into ``CHN`` and ``MEX`` (:data:`SPLIT_REGIONS`).
    """
    src = str(path)
    try:
        df = pd.read_csv(path, index_col=0)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read the table: {exc}", source=src) from exc
    df.index = df.index.astype(str)
    df.columns = df.columns.astype(str)
    row_labels = df.index.tolist()
    col_set = set(df.columns)
    node_rows = [r for r in row_labels if r in col_set and r not in OUTPUT_LABELS]
    if not node_rows:
        raise DataError("no row label matches a column label; not an ICIO layout", source=src, field="labels")
    orphans = [(k, r) for k, r in enumerate(row_labels) if "_" in r and r not in col_set]
    if orphans:
        k, r = orphans[0]
        raise DataError(
            f"row label {r!r} has no matching column ({len(orphans)} such rows)", source=src, row=k + 2, field="labels"
        )
    row_set = set(node_rows)
    node_cols = [c for c in df.columns if c in row_set]
    if node_cols != node_rows:
        k = next(i for i, (a, b) in enumerate(zip(node_rows, node_cols, strict=True)) if a != b)
        raise DataError(
            f"rows and columns list the nodes in a different order: row {node_rows[k]!r} "
            f"vs column {node_cols[k]!r} at position {k + 1}",
            source=src,
            field="labels",
        )
    out_col = next((c for c in df.columns if c in OUTPUT_LABELS), None)
    out_row = next((r for r in row_labels if r in OUTPUT_LABELS), None)
    fd_cols = [c for c in df.columns if c not in set(node_rows) and c != out_col]
    primary_rows = [r for r in row_labels if r not in set(node_rows) and r != out_row]
    numeric = df.apply(pd.to_numeric, errors="coerce")
    bad = numeric.isna() & df.notna()
    if bad.to_numpy().any():
        r, c = np.argwhere(bad.to_numpy())[0]
        raise DataError(f"not a number: {df.iat[r, c]!r}", source=src, row=int(r) + 2, field=str(df.columns[c]))
    numeric = numeric.fillna(0.0)
    Z = numeric.loc[node_rows, node_rows].to_numpy(dtype=np.float64)
    Y = numeric.loc[node_rows, fd_cols].to_numpy(dtype=np.float64)
    x = numeric.loc[node_rows, out_col].to_numpy(dtype=np.float64) if out_col else None
    if out_row is not None and x is not None:
        x_row = numeric.loc[out_row, node_rows].to_numpy(dtype=np.float64)
        gap = np.abs(x_row - x) > 1e-6 * np.maximum(np.abs(x), 1.0)
        if gap.any():
            first = node_rows[int(np.flatnonzero(gap)[0])]
            raise DataError(f"OUT row and OUT column disagree for {first}", source=src, field=first)
    v = numeric.loc[primary_rows, node_rows].to_numpy(dtype=np.float64).sum(axis=0) if primary_rows else None
    regions, sectors = _split_all(node_rows, src, "labels")
    table = IOTable.create(
        Z=Z,
        Y=Y,
        x=x,
        v=v,
        regions=regions,
        sectors=sectors,
        final_demand=fd_cols,
        name=src,
        unit=unit,
        balance_rtol=1e-6,
    )
    if merge_split and set(regions) & set(SPLIT_REGIONS):
        table = aggregate_regions(table, SPLIT_REGIONS)
    return table


def reorder_country_major(regions: np.ndarray, sectors: np.ndarray) -> np.ndarray:
    """Permutation that sorts nodes by region (first appearance) then sector (first appearance)."""
    r_pos = {r: k for k, r in enumerate(dict.fromkeys(regions.tolist()))}
    s_pos = {s: k for k, s in enumerate(dict.fromkeys(sectors.tolist()))}
    keys = np.array([r_pos[r] * len(s_pos) + s_pos[s] for r, s in zip(regions, sectors, strict=True)])
    return np.argsort(keys, kind="stable")


def read_icio_npz(path: str | Path, *, unit: str = ICIO_UNIT, name: str | None = None) -> IOTable:
    """Read the sector-major ``.npz`` ICIO extract and return it in country-major order.

    ``Y`` is recomputed as ``x − Z 1`` in float64 (the file stores Z in float32); the gap to the
    stored ``final_and_row_demand`` must stay within :data:`ICIO_BALANCE_RTOL` of output, and the
    recomputed ``Y`` must not be negative.
    """
    src = str(path)
    data = read_npz(path)
    need = ("Z", "gross_output", "final_and_row_demand", "value_added", "labels", "sector_names", "sectors")
    missing = [k for k in need if k not in data]
    if missing:
        raise DataError(f"arrays missing: {missing}", source=src, field=missing[0])
    labels = [str(s) for s in data["labels"]]
    regions_l, sectors_l = _split_all(labels, src, "labels")
    regions = np.asarray(regions_l)
    sectors = np.asarray(sectors_l)
    perm = reorder_country_major(regions, sectors)
    Z = data["Z"].astype(np.float64)[np.ix_(perm, perm)]
    x = np.asarray(data["gross_output"], dtype=np.float64)[perm]
    y_file = np.asarray(data["final_and_row_demand"], dtype=np.float64)[perm]
    y = x - Z.sum(axis=1)
    gap = np.abs(y - y_file) > ICIO_BALANCE_RTOL * np.maximum(x, 1.0)
    if gap.any() or (y < -1e-6 * np.maximum(x, 1.0)).any():
        idx = int(np.flatnonzero(gap | (y < 0))[0])
        raise DataError("final demand does not balance with output", source=src, field=labels[perm[idx]])
    y = np.maximum(y, 0.0)
    names = dict(zip((str(s) for s in data["sectors"]), (str(s) for s in data["sector_names"]), strict=True))
    return IOTable.create(
        Z=Z,
        Y=y,
        x=x,
        balance_rtol=1e-6,
        regions=regions[perm],
        sectors=sectors[perm],
        final_demand=["final_and_row_demand"],
        name=name or src,
        unit=unit,
        sector_names=names,
    )


def icio_audit(path: str | Path | None = None) -> dict[str, object]:
    """The cleaning audit stored with the bundled ICIO extract (inactive nodes, capped columns, …)."""
    data = read_npz(path)
    out: dict[str, object] = json.loads(str(data["audit"]))
    return out


@lru_cache(maxsize=1)
def load_icio() -> IOTable:
    """The bundled OECD ICIO 2025-release table for 2022 (80 countries × 50 sectors), cached."""
    return read_icio_npz(icio_npz_path(), name=ICIO_NAME)
