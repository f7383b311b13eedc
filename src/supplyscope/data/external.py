"""Load full-size downloads (CEPII BACI, UN Comtrade bulk CSV) into the warehouse, all or nothing."""

from __future__ import annotations

from pathlib import Path

from supplyscope.clitools import err_console
from supplyscope.data.warehouse import Warehouse


def load_external(wh: Warehouse, *, baci: Path | None = None, comtrade: Path | None = None) -> dict[str, int]:
    """Read each given download and load its flows into ``trade_flows`` (one transaction per file).

    Country codes without an ISO3 equivalent are kept as ``UNK:<code>`` and reported here.
    """
    from supplyscope.data.sources.baci import read_baci
    from supplyscope.data.sources.comtrade import read_comtrade

    counts: dict[str, int] = {}
    results = []
    if baci is not None:
        results.append(read_baci(baci))
    if comtrade is not None:
        results.append(read_comtrade(comtrade))
    for res in results:
        flows = res.flows if hasattr(res.flows, "columns") else res.flows.to_pandas()
        loaded = wh.load({"trade_flows": flows}, source=res.source, checksum=res.checksum)
        for name, n in loaded.items():
            counts[name] = counts.get(name, 0) + n
        if res.unknown_codes:
            err_console.print(
                f"[yellow]{res.source}: country codes without ISO3 kept as UNK:<code>:[/] {res.unknown_codes}"
            )
    return counts
