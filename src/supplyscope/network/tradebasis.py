"""Where the alternatives' trade figures come from: the warehouse's ``trade_flows`` table."""

from __future__ import annotations

from supplyscope.data.warehouse import Warehouse
from supplyscope.errors import DataError
from supplyscope.network.alternatives import TradeBasis


def trade_basis(wh: Warehouse) -> TradeBasis:
    """Flows by exporter and HS6 for the latest year in ``trade_flows``, summed over importers.

    On the bundled data this is US imports for consumption by partner, 2024 (US Census), where the
    Census loader has already taken Slovakia out of the EU27 aggregate (EU27 = the other 26 members).
    """
    if wh.count("trade_flows") == 0:
        raise DataError("the warehouse has no trade flows; run `supplyscope data build`", source="trade_flows")
    year = int(wh.query("SELECT max(year) AS y FROM trade_flows")["y"].iloc[0])
    importers = wh.query("SELECT DISTINCT importer FROM trade_flows WHERE year = ?", [year])["importer"]
    t = wh.query(
        "SELECT exporter, hs6, sum(value_usd) AS value_usd FROM trade_flows WHERE year = ? GROUP BY exporter, hs6",
        [year],
    )
    sources = wh.query("SELECT DISTINCT source FROM trade_flows WHERE year = ?", [year])["source"]
    origin = ", ".join(sorted(str(s) for s in sources))
    if len(importers) == 1:
        basis = f"{importers.iloc[0]} imports by partner, {year} (warehouse trade_flows: {origin})"
    else:
        basis = f"exports to the {len(importers)} importers in the warehouse trade_flows, {year} ({origin})"
    if (t["exporter"] == "EU27").any():
        basis += "; EU27 = the EU less SVK, which is listed on its own"
    return TradeBasis(t, basis)
