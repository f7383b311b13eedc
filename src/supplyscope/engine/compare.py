"""Check that two engines return the same result for the same query."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from supplyscope.engine.base import Engine, TableData


@dataclass(frozen=True)
class Difference:
    """One way two query results differ."""

    query: str
    message: str


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted on every column (SQL results have no order unless asked), index reset.

    Strings become Python objects with ``None`` for missing values, so engines that return Arrow
    ``string`` or ``large_string`` compare equal.
    """
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)):
            out[col] = series.astype(object).where(series.notna(), None)
    keys = list(out.columns)
    order = out.astype(str).sort_values(keys, kind="mergesort").index if keys else out.index
    return out.loc[order].reset_index(drop=True)


def differences(name: str, left: pd.DataFrame, right: pd.DataFrame, *, rtol: float = 1e-9) -> list[Difference]:
    """How ``left`` and ``right`` differ: columns, row count, then cell values.

    Integers, strings and booleans must be equal; floats may differ by ``rtol`` (relative), which only
    absorbs summation order: the engines add the same numbers in a different order.
    """
    if list(left.columns) != list(right.columns):
        return [Difference(name, f"columns differ: {list(left.columns)} vs {list(right.columns)}")]
    if len(left) != len(right):
        return [Difference(name, f"row counts differ: {len(left)} vs {len(right)}")]
    a, b = canonical(left), canonical(right)
    found: list[Difference] = []
    for col in a.columns:
        x, y = a[col], b[col]
        if pd.api.types.is_float_dtype(x) or pd.api.types.is_float_dtype(y):
            xv = x.to_numpy(dtype=float, na_value=np.nan)
            yv = y.to_numpy(dtype=float, na_value=np.nan)
            same = np.isclose(xv, yv, rtol=rtol, atol=0.0, equal_nan=True)
        else:
            same = np.array([u == v or (u is None and v is None) for u, v in zip(x, y, strict=True)], dtype=bool)
        if not same.all():
            i = int(np.flatnonzero(~same)[0])
            found.append(
                Difference(
                    name,
                    f"column {col!r} differs in {int((~same).sum())} rows, first at {i}: "
                    f"{x.iloc[i]!r} vs {y.iloc[i]!r}",
                )
            )
    return found


def compare_engines(
    left: Engine,
    right: Engine,
    tables: Mapping[str, TableData],
    queries: Mapping[str, str],
    *,
    rtol: float = 1e-9,
) -> list[Difference]:
    """Register ``tables`` on both engines, run every query on both and list the differences."""
    for table_name, data in tables.items():
        left.register(table_name, data)
        right.register(table_name, data)
    found: list[Difference] = []
    for name, query in queries.items():
        found.extend(differences(name, left.sql(query), right.sql(query), rtol=rtol))
    return found
