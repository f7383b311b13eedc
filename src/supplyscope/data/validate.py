"""Frame validation against a canonical table: problems are data, the load is all or nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from supplyscope.data.schema import Table
from supplyscope.errors import DataError

ROW_COLUMN = "_row"
"""Optional column carrying each record's line number in its source file."""


@dataclass(frozen=True)
class Problem:
    """One cell or row that cannot be loaded."""

    row: int | None
    field: str
    message: str


_NUMERIC = ("DOUBLE", "INTEGER", "BIGINT")


def _blank(series: pd.Series) -> pd.Series:
    """True where a text value is empty or whitespace; categoricals are checked through their categories."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        empty = [c for c in series.cat.categories if not str(c).strip()]
        return series.isin(empty) if empty else pd.Series(False, index=series.index)
    return series.astype("string").str.strip().eq("").fillna(False).astype(bool)


def problems(df: pd.DataFrame, table: Table) -> list[Problem]:
    """Every problem in ``df`` against ``table``: missing columns, nulls, non-numbers, duplicate keys."""
    found: list[Problem] = []
    missing = [c for c in table.column_names if c not in df.columns]
    if missing:
        return [Problem(None, m, "column is missing") for m in missing]
    rows = df[ROW_COLUMN] if ROW_COLUMN in df.columns else pd.Series(range(1, len(df) + 1), index=df.index)
    for col in table.columns:
        series = df[col.name]
        if not col.nullable:
            bad = series.isna()
            if col.type == "VARCHAR":
                bad |= _blank(series)
            for r in rows[bad].head(5):
                found.append(Problem(int(r), col.name, "value is required"))
        if col.type in _NUMERIC and not pd.api.types.is_numeric_dtype(series):
            coerced = pd.to_numeric(series, errors="coerce")
            bad = coerced.isna() & series.notna()
            for r, v in zip(rows[bad].head(5), series[bad].head(5), strict=False):
                found.append(Problem(int(r), col.name, f"not a number: {v!r}"))
    if table.key:
        dup = df.duplicated(list(table.key), keep="first")
        for r in rows[dup].head(5):
            found.append(Problem(int(r), ",".join(table.key), "duplicate key"))
    return found


def check(df: pd.DataFrame, table: Table, source: str) -> None:
    """Raise :class:`DataError` naming the first problem (and how many there are)."""
    found = problems(df, table)
    if found:
        first = found[0]
        more = f" ({len(found)} problems shown of possibly more)" if len(found) > 1 else ""
        raise DataError(first.message + more, source=source, row=first.row, field=first.field)
