"""Load full-size downloads (CEPII BACI, UN Comtrade bulk CSV) into the warehouse, all or nothing per source."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from supplyscope.clitools import err_console
from supplyscope.data.sources.baci import iter_baci
from supplyscope.data.sources.comtrade import read_comtrade
from supplyscope.data.sources.loadresult import LoadResult, store
from supplyscope.data.warehouse import Warehouse


def _results(baci: Path | None, comtrade: Path | None) -> Iterator[LoadResult]:
    if baci is not None:
        yield from iter_baci(baci, progress=True)  # one year at a time: memory bounded by a year
    if comtrade is not None:
        yield read_comtrade(comtrade)


def load_external(wh: Warehouse, *, baci: Path | None = None, comtrade: Path | None = None) -> dict[str, int]:
    """Load each download into ``trade_flows``, one transaction per source (a BACI year, a Comtrade flow).

    Country codes without an ISO3 equivalent are kept as ``UNK:<code>`` and reported here.
    """
    counts: dict[str, int] = {}
    for res in _results(baci, comtrade):
        counts.update(store(wh, res))
        if len(res.unknown_codes):
            err_console.print(f"[yellow]{res.source}: country codes without ISO3 kept as UNK:<code>[/]")
            err_console.print(res.unknown_codes)
    return counts
