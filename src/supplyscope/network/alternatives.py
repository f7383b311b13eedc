"""Alternative source countries for single-sourced products, from trade data.

:func:`alternatives` is a pure function over an ``exports`` table (``exporter``, ``hs6``,
``value_usd``); :mod:`supplyscope.network.tradebasis` reads that table from the warehouse or the
bundled US import table and says which basis it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class TradeBasis:
    """Export values by exporter and HS6, and a plain statement of what they measure."""

    exports: pd.DataFrame  # exporter, hs6, value_usd
    basis: str


@dataclass(frozen=True)
class Alternative:
    hs6: str
    basis: str
    current: tuple[str, ...]  # countries already supplying it in the graph
    countries: tuple[tuple[str, float, float], ...]  # (country, share of basis total, value_usd)
    total_usd: float

    def to_dict(self) -> dict[str, object]:
        return {
            "hs6": self.hs6,
            "basis": self.basis,
            "current": list(self.current),
            "total_usd": self.total_usd,
            "countries": [{"country": c, "share": s, "value_usd": v} for c, s, v in self.countries],
        }


def alternatives(
    products: Iterable[tuple[str, Iterable[str]]], trade: TradeBasis, *, top: int = 10
) -> list[Alternative]:
    """For each (HS code, current supplier countries), the exporters of its HS6 with their shares.

    Shares are of the basis total for that HS6 (all exporters in the table). ``top`` limits how
    many countries are listed; the total is over all of them.
    """
    table = trade.exports.groupby(["hs6", "exporter"], as_index=False)["value_usd"].sum()
    table = table[table["value_usd"] > 0]
    by_hs = dict(tuple(table.groupby("hs6")))
    out: list[Alternative] = []
    seen: set[str] = set()
    for hs, current in products:
        hs6 = hs[:6]
        if hs6 in seen:
            continue
        seen.add(hs6)
        rows = by_hs.get(hs6)
        if rows is None:
            out.append(Alternative(hs6, trade.basis, tuple(sorted(set(current))), (), 0.0))
            continue
        total = float(rows["value_usd"].sum())
        rows = rows.sort_values(["value_usd", "exporter"], ascending=[False, True]).head(top)
        out.append(
            Alternative(
                hs6,
                trade.basis,
                tuple(sorted(set(current))),
                tuple(
                    (str(e), float(v) / total, float(v))
                    for e, v in zip(rows["exporter"], rows["value_usd"], strict=True)
                ),
                total,
            )
        )
    return out
