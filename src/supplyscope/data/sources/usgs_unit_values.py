"""Published USGS unit values (prices) of minerals, bundled as ``minerals/usgs_mcs2026_unit_values.csv``.

Only prices that USGS prints in a Mineral Commodity Summaries chapter are shipped, each with its
label and citation (e.g. gallium: average unit value of US imports of HTS 8112.92.1000, dollars per
kilogram). No price is estimated here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.errors import DataError

UNIT_VALUES_FILE = "minerals/usgs_mcs2026_unit_values.csv"
COLUMNS = ("mineral", "year", "price", "unit", "label", "source", "citation")


@dataclass(frozen=True)
class UnitValue:
    """One published price: ``price`` in ``unit`` for ``mineral`` in ``year``."""

    mineral: str
    year: int
    price: float
    unit: str
    label: str
    source: str
    citation: str


@lru_cache(maxsize=2)
def read_unit_values(path: Path | str | None = None) -> tuple[UnitValue, ...]:
    """Every bundled unit value; a bad cell raises :class:`DataError` with file, row and field."""
    target = Path(path) if path is not None else bundled(UNIT_VALUES_FILE)
    source = str(target)
    raw = pd.read_csv(target, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"missing column(s) {missing}", source=source, field=missing[0])
    out: list[UnitValue] = []
    for i, rec in enumerate(raw.to_dict("records")):
        try:
            year, price = int(rec["year"]), float(rec["price"])
        except ValueError:
            field = "year" if not str(rec["year"]).isdigit() else "price"
            raise DataError(f"not a number: {rec[field]!r}", source=source, row=i + 2, field=field) from None
        if price <= 0:
            raise DataError("price must be positive", source=source, row=i + 2, field="price")
        out.append(UnitValue(rec["mineral"], year, price, rec["unit"], rec["label"], rec["source"], rec["citation"]))
    return tuple(out)


def unit_value(mineral: str, year: int) -> UnitValue | None:
    """The bundled USGS unit value of ``mineral`` in ``year``, or None when USGS publishes none here."""
    return next((u for u in read_unit_values() if u.mineral == mineral and u.year == year), None)
