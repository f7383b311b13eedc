"""Where the alternatives' trade figures come from: the warehouse, or the bundled US import table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.network.alternatives import TradeBasis

US_IMPORTS = "trade/us_imports_hs10_by_partner_2024.parquet"


def us_imports_2024() -> TradeBasis:
    """US imports for consumption by partner, 2024 (Census; 50 largest partners + EU27).

    Slovakia is reported on its own *and* inside the EU27 aggregate, so its value is subtracted from
    the EU27 row (EU27 then means the other 26 members).
    """
    raw = pd.read_parquet(bundled(US_IMPORTS), columns=["partner_iso3", "hs6", "imports_for_consumption_usd"])
    t = raw.groupby(["partner_iso3", "hs6"], as_index=False)["imports_for_consumption_usd"].sum()
    t.columns = pd.Index(["exporter", "hs6", "value_usd"])
    svk = t[t["exporter"] == "SVK"].set_index("hs6")["value_usd"]
    eu = t["exporter"] == "EU27"
    t.loc[eu, "value_usd"] = t.loc[eu, "value_usd"] - t.loc[eu, "hs6"].map(svk).fillna(0.0)
    return TradeBasis(
        t,
        "US imports for consumption by partner, 2024 (US Census; top 50 partners + EU27, "
        "EU27 = the EU less SVK, which is listed on its own)",
    )


def warehouse_basis(db: Path | str) -> TradeBasis | None:
    """Exports by exporter and HS6 for the latest year in the warehouse's ``trade_flows``, if any."""
    from supplyscope.data.warehouse import Warehouse

    with Warehouse.open(db, read_only=True) as wh:
        if wh.count("trade_flows") == 0:
            return None
        year = int(wh.query("SELECT max(year) AS y FROM trade_flows")["y"].iloc[0])
        importers = wh.query("SELECT DISTINCT importer FROM trade_flows WHERE year = ?", [year])["importer"]
        t = wh.query(
            "SELECT exporter, hs6, sum(value_usd) AS value_usd FROM trade_flows WHERE year = ? GROUP BY exporter, hs6",
            [year],
        )
    if len(importers) == 1:
        basis = f"{importers.iloc[0]} imports by partner, {year} (warehouse trade_flows)"
    else:
        basis = f"exports to the {len(importers)} importers in the warehouse trade_flows, {year}"
    return TradeBasis(t, basis)


def default_basis(db: Path | str | None = None) -> TradeBasis:
    """The warehouse's trade flows when ``db`` has them, else the bundled US import table."""
    if db is not None:
        found = warehouse_basis(db)
        if found is not None:
            return found
    return us_imports_2024()
