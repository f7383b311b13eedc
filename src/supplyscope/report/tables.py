"""HTML tables for every report: readable headers, numbers for reading, ``n/a`` for a missing value."""

from __future__ import annotations

import pandas as pd

from supplyscope.report.labels import label
from supplyscope.report.numbers import NA, missing, share, text


def table_html(df: pd.DataFrame, *, percent: tuple[str, ...] = (), money: tuple[str, ...] = ()) -> str:
    """A plain HTML table with readable headers; shares as percentages, money with thousands separators.

    Every cell goes through :mod:`supplyscope.report.numbers`, so a missing value reads ``n/a`` (never
    ``<NA>`` or ``nan``) and no number is printed in exponent notation.
    """
    shown = pd.DataFrame(index=df.index)
    for col in df.columns:
        fmt = share if col in percent else usd_plain if col in money else plain if _is_year(col) else text
        shown[label(str(col))] = df[col].astype(object).map(fmt)
    return str(shown.to_html(index=False, escape=True, border=0))


def _is_year(col: object) -> bool:
    return str(col) == "year" or str(col).endswith("_year") or str(col).startswith("year_")


def plain(value: object) -> str:
    """A code-like number (a year) without separators; ``n/a`` when missing."""
    return NA if missing(value) else str(int(float(value)))  # type: ignore[arg-type]


def usd_plain(value: object) -> str:
    """A money amount with thousands separators and no decimals (the unit is in the column header)."""
    return NA if missing(value) else f"{float(value):,.0f}"  # type: ignore[arg-type]
