"""Load full-size downloads (CEPII BACI, UN Comtrade bulk CSV) into the warehouse, all or nothing per source."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from supplyscope.data.sources.baci import iter_baci
from supplyscope.data.sources.comtrade import read_comtrade
from supplyscope.data.sources.loadresult import LoadResult, store
from supplyscope.data.warehouse import Warehouse


def _results(baci: Path | None, comtrade: Path | None) -> Iterator[LoadResult]:
    if baci is not None:
        yield from iter_baci(baci)  # one year at a time: memory bounded by a year
    if comtrade is not None:
        yield read_comtrade(comtrade)


def load_external(
    wh: Warehouse,
    *,
    baci: Path | None = None,
    comtrade: Path | None = None,
    on_loaded: Callable[[LoadResult], None] | None = None,
) -> dict[str, int]:
    """Load each download into ``trade_flows``, one transaction per source (a BACI year, a Comtrade flow).

    Country codes without an ISO3 equivalent are kept as ``UNK:<code>``; ``on_loaded`` is called with
    each stored part (its ``unknown_codes`` lists them), so a front end can show progress and report them.
    """
    counts: dict[str, int] = {}
    for res in _results(baci, comtrade):
        counts.update(store(wh, res))
        if on_loaded is not None:
            on_loaded(res)
    return counts
