"""A country's dependence on each partner, at face value (trade flows) and look-through (input-output).

For an importer ``c`` and a foreign partner ``p``:

- **face value** (bilateral trade by HS6): ``p``'s share of ``c``'s imports,
  ``Σ_h M_ph / Σ_{q,h} M_qh``, and the number of HS6 products of which ``p`` is ``c``'s largest supplier;
- **direct, input-output**: ``p``'s share of the intermediate inputs ``c``'s industries buy abroad,
  ``Σ_{i∈p} Σ_{j∈c} Z_ij / Σ_{i∉c} Σ_{j∈c} Z_ij``;
- **look-through, input-output**: the same share over the inputs needed at every tier,
  ``Σ_{i∈p} Σ_{j∈c} (L − I)_ij x_j`` over the sum for all ``i ∉ c`` (the all-tier sourcing measure of
  Baldwin, Freeman & Theodorakopoulos 2023, as in :func:`~supplyscope.inputoutput.tiva.domestic_sourcing`);
- for both input-output bases, the number of ``c``'s industries for which ``p`` is the largest foreign source.

Input-output shares cover intermediate inputs only: the bundled ICIO table has one final-demand column,
so final-goods imports by destination are not in it. Regions listed in ``aggregates`` (e.g. the EU-27
members when the trade table reports the EU as one partner) are summed into that aggregate.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from supplyscope.errors import DataError, NotFoundError

from .model import IOTable

TRADE_COLUMNS = ("partner", "import_value_usd", "import_share", "top_supplier_products")
IO_COLUMNS = ("partner", "io_direct_share", "io_look_through_share", "io_top_direct", "io_top_look_through")
COLUMNS = (*TRADE_COLUMNS, *IO_COLUMNS[1:])


def trade_dependence(flows: pd.DataFrame, source: str = "trade flows") -> pd.DataFrame:
    """Per partner: import value, import share and HS6 products where it is the largest supplier.

    ``flows`` holds one importer's imports with columns ``exporter``, ``hs6`` and ``value_usd``. Ties for
    the largest supplier go to the partner code that sorts first. Columns: :data:`TRADE_COLUMNS`.
    """
    missing = [c for c in ("exporter", "hs6", "value_usd") if c not in flows.columns]
    if missing:
        raise DataError(f"missing column {missing[0]!r}", source=source, field=missing[0])
    values = pd.to_numeric(flows["value_usd"], errors="coerce")
    bad = np.flatnonzero(~(values >= 0).to_numpy())
    if len(bad):
        raise DataError("value_usd is missing or negative", source=source, row=int(bad[0]), field="value_usd")
    frame = pd.DataFrame({"partner": flows["exporter"].astype(str), "hs6": flows["hs6"].astype(str), "v": values})
    by_pair = frame.groupby(["hs6", "partner"], as_index=False)["v"].sum()
    by_pair = by_pair[by_pair["v"] > 0].sort_values(["hs6", "v", "partner"], ascending=[True, False, True])
    top = by_pair.drop_duplicates("hs6")["partner"].value_counts()
    totals = by_pair.groupby("partner")["v"].sum()
    out = pd.DataFrame(
        {
            "partner": totals.index.astype(str),
            "import_value_usd": totals.to_numpy(),
            "import_share": totals.to_numpy() / totals.sum() if totals.sum() > 0 else np.nan,
            "top_supplier_products": [int(top.get(p, 0)) for p in totals.index],
        }
    )
    return out.sort_values("import_value_usd", ascending=False, ignore_index=True)


def _partner_matrix(
    table: IOTable, importer: str, aggregates: Mapping[str, Collection[str]]
) -> tuple[list[str], np.ndarray]:
    """Foreign partners (aggregates folded) and the 0/1 matrix mapping the table's nodes onto them."""
    member_of = {m: agg for agg, members in aggregates.items() for m in members if m != importer}
    partners = list(dict.fromkeys(member_of.get(r, r) for r in table.region_list if r != importer))
    pos = {p: k for k, p in enumerate(partners)}
    R = np.zeros((len(partners), table.n))
    for node, region in enumerate(table.regions.tolist()):
        if region != importer:
            R[pos[member_of.get(region, region)], node] = 1.0
    return partners, R


def _shares_and_tops(by_partner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each partner's share of the total and the number of columns (industries) it leads."""
    total = by_partner.sum()
    shares = by_partner.sum(axis=1) / total if total > 0 else np.full(by_partner.shape[0], np.nan)
    has_inputs = by_partner.sum(axis=0) > 0
    leaders = np.argmax(by_partner[:, has_inputs], axis=0)
    return shares, np.bincount(leaders, minlength=by_partner.shape[0])


def io_dependence(
    table: IOTable, importer: str, aggregates: Mapping[str, Collection[str]] | None = None
) -> pd.DataFrame:
    """Per foreign partner: direct and look-through shares of the importer's foreign inputs, and industries led.

    Columns: :data:`IO_COLUMNS`; the shares of all partners sum to 1 on each basis.
    """
    J = table.region_index(importer)
    partners, R = _partner_matrix(table, importer, aggregates or {})
    direct = R @ table.Z[:, J]
    L_J = table.lu.columns(J)
    L_J[J, np.arange(len(J))] -= 1.0  # L − I: the inputs, without the unit of own output
    all_tier = R @ (L_J * table.x[J][np.newaxis, :])
    d_share, d_top = _shares_and_tops(direct)
    t_share, t_top = _shares_and_tops(all_tier)
    out = pd.DataFrame(
        {
            "partner": partners,
            "io_direct_share": d_share,
            "io_look_through_share": t_share,
            "io_top_direct": d_top,
            "io_top_look_through": t_top,
        }
    )
    return out.sort_values("io_look_through_share", ascending=False, ignore_index=True)


@dataclass(frozen=True)
class Dependence:
    """An importer's dependence on each partner, with the sources of both bases."""

    importer: str
    year: int
    trade_source: str
    io_table: str
    io_industries: int
    products: int
    partners: pd.DataFrame
    notes: tuple[str, ...] = field(default=())

    def top(self, n: int | None) -> pd.DataFrame:
        """The first ``n`` partners (all when ``n`` is None), ranked by face-value import share."""
        return self.partners if n is None else self.partners.head(n)

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """The JSON contract: one record per partner, missing figures as None."""
        rows = self.top(top).astype(object).where(self.top(top).notna(), None)
        return {
            "importer": self.importer,
            "year": self.year,
            "face_value_source": self.trade_source,
            "look_through_source": self.io_table,
            "products": self.products,
            "io_industries": self.io_industries,
            "partners": rows.to_dict(orient="records"),
            "notes": list(self.notes),
        }


def dependence(
    flows: pd.DataFrame,
    table: IOTable,
    importer: str,
    *,
    year: int,
    trade_source: str,
    aggregates: Mapping[str, Collection[str]] | None = None,
) -> Dependence:
    """Face-value and look-through dependence of ``importer`` on every partner in either source.

    Partners are ranked by face-value import share, then by look-through share; a partner missing from one
    source has None there (it is not a zero: the source does not list it).
    """
    if importer not in table.region_list:
        raise NotFoundError("importer in the input-output table", importer, table.region_list)
    trade = trade_dependence(flows, trade_source)
    io = io_dependence(table, importer, aggregates)
    both = trade.merge(io, on="partner", how="outer")
    both = both.sort_values(["import_share", "io_look_through_share"], ascending=False, na_position="last")
    both = both.reset_index(drop=True)[list(COLUMNS)]
    for col in ("top_supplier_products", "io_top_direct", "io_top_look_through"):
        both[col] = both[col].astype("Int64")
    only_io = int(both["import_share"].isna().sum())
    notes = (
        "Import shares are of the imports in the trade table; partners it does not list have no face-value figure.",
        f"{only_io} partners appear only in the input-output table.",
        "Input-output shares are of intermediate inputs bought abroad (the table has no final demand by country).",
        "Look-through = inputs at every tier, (L - I) x, per Baldwin, Freeman & Theodorakopoulos (2023).",
    )
    return Dependence(
        importer=importer,
        year=year,
        trade_source=trade_source,
        io_table=f"{table.name} ({table.unit})",
        io_industries=len(table.region_index(importer)),
        products=int(flows.loc[flows["value_usd"] > 0, "hs6"].nunique()),
        partners=both,
        notes=notes,
    )
