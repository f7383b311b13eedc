"""What the full-size trade loaders return, and how to store it file by file in the warehouse.

A loader may read several source files at once (one BACI release zip holds one CSV per year; a
Comtrade file holds importer- and exporter-reported rows). Each row's ``source`` column names the
file (and, for Comtrade, the reporting side) it came from, and the warehouse replaces rows *per
source*. :meth:`LoadResult.parts` therefore splits a result into one part per source, and
:func:`store` loads every part, each one all or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
from pandas.api.types import union_categoricals

from supplyscope.data.sources.countrycodes import UNKNOWN_COLUMNS, empty_unknown_report
from supplyscope.data.warehouse import Warehouse

__all__ = ["LoadResult", "store"]


@dataclass(frozen=True)
class LoadResult:
    """Canonical ``trade_flows`` rows read from one public file, with what needs the user's attention.

    Attributes:
        flows: ``trade_flows`` columns plus ``_row`` (the record's line number in its CSV file,
            the header being line 1). String columns are pandas categoricals to keep 10M-row years
            in memory.
        unknown_codes: one row per country code without an ISO3 (``source, role, code, name,
            rows, value_usd``); those rows are kept with the label ``UNK:<code>``.
        source: the name of what was read. Equal to the ``source`` column when the result holds one
            source; otherwise use :meth:`parts` or :func:`store`.
        checksum: SHA-256 of the file read (for several files, of their sorted checksums).
        products: HS code → description, where the source ships a product list (BACI).
        excluded: rows left out on purpose, by rule (e.g. Comtrade partner = World); never errors.
        checksums: SHA-256 per source value, for the load log.
    """

    flows: pd.DataFrame
    unknown_codes: pd.DataFrame
    source: str
    checksum: str
    products: Mapping[str, str] = field(default_factory=dict)
    excluded: Mapping[str, int] = field(default_factory=dict)
    checksums: Mapping[str, str] = field(default_factory=dict)

    def sources(self) -> list[str]:
        """The distinct ``source`` values of the rows, sorted."""
        if self.flows.empty:
            return [self.source]
        return sorted(str(s) for s in pd.unique(self.flows["source"]))

    def parts(self) -> list[LoadResult]:
        """One result per ``source`` value, each loadable with ``Warehouse.load(source=part.source)``."""
        names = self.sources()
        if names == [self.source]:
            return [self]
        out = []
        src_col = self.flows["source"].astype(str)
        for name in names:
            flows = self.flows[src_col == name].reset_index(drop=True)
            unknown = self.unknown_codes[self.unknown_codes["source"] == name].reset_index(drop=True)
            out.append(
                LoadResult(
                    flows=flows,
                    unknown_codes=unknown,
                    source=name,
                    checksum=self.checksums.get(name, self.checksum),
                    products=self.products,
                    excluded=self.excluded if len(names) == 1 else {},
                    checksums={name: self.checksums.get(name, self.checksum)},
                )
            )
        return out


def store(warehouse: Warehouse, result: LoadResult) -> dict[str, int]:
    """Load every part of ``result`` into ``trade_flows``; returns rows stored per source.

    Each part is one warehouse transaction: a bad part raises and leaves that source's rows as they
    were. Reloading a part replaces its rows (no duplicates).
    """
    stored: dict[str, int] = {}
    for part in result.parts():
        detail = f"{len(part.unknown_codes)} unknown country codes" if len(part.unknown_codes) else None
        counts = warehouse.load({"trade_flows": part.flows}, source=part.source, checksum=part.checksum, detail=detail)
        stored[part.source] = counts["trade_flows"]
    return stored


def concat_flows(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate flow frames keeping categorical columns categorical (categories are unioned)."""
    if len(frames) == 1:
        return frames[0]
    if not frames:
        raise ValueError("no frames to concatenate")
    columns: dict[str, object] = {}
    for col in frames[0].columns:
        series = [f[col] for f in frames]
        if all(isinstance(s.dtype, pd.CategoricalDtype) for s in series):
            columns[col] = pd.Series(union_categoricals([s.array for s in series]))
        else:
            columns[col] = pd.concat(series, ignore_index=True)
    return pd.DataFrame(columns)


def concat_unknown(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate unknown-code reports (empty reports are skipped)."""
    kept = [f for f in frames if len(f)]
    if not kept:
        return empty_unknown_report()
    return pd.concat(kept, ignore_index=True)[UNKNOWN_COLUMNS]
