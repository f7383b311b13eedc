"""What an assessment runs on: the importer, the year, which sources, and the base tables.

The base tables are computed once per run by the SQL in :mod:`supplyscope.indicators.tables`
and shared by every indicator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from supplyscope.data.warehouse import Warehouse
from supplyscope.errors import NotFoundError
from supplyscope.indicators import tables
from supplyscope.indicators.criticality import criticality_inputs

RunSQL = Callable[[str], pd.DataFrame]


SCORED_STAGE_SOURCE = "USGS"
"""World supply of mineral-linked products is scored on official USGS stage statistics only."""


@dataclass
class Context:
    """An importer-year assessment over one warehouse (or another SQL engine on the same tables)."""

    warehouse: Warehouse
    importer: str = "USA"
    year: int | None = None
    run_sql: RunSQL | None = None
    notes: list[str] = field(default_factory=list)
    mineral_links: pd.DataFrame | None = None
    """HS6 → mineral links (columns hs6, mineral, stage, designated) from the minerals catalogue, if given."""
    mineral_links_of: Callable[[], pd.DataFrame] | None = None
    """Where to read the mineral links when first needed, if ``mineral_links`` is not given."""

    def __post_init__(self) -> None:
        years = self.years_available()
        if not years:  # the importer has no flows: name the ones that do
            importers = self.sql("SELECT DISTINCT importer FROM trade_flows ORDER BY 1")["importer"].tolist()
            raise NotFoundError("importer", self.importer, importers)
        if self.year is None:
            self.year = max(years)
        elif self.year not in years:
            raise NotFoundError(f"year for importer {self.importer}", self.year, years)

    def sql(self, query: str) -> pd.DataFrame:
        """Run a query on the configured engine (DuckDB by default)."""
        if self.run_sql is not None:
            return self.run_sql(query)
        return self.warehouse.query(query)

    def years_available(self) -> list[int]:
        """Years of the importer's flows (one scan per context; the flows do not change under it)."""
        return list(self._years)

    @cached_property
    def _catalog(self) -> tuple[tuple[int, str, str], ...]:
        """(year, reporter, source) of the importer's flows: one scan answers the years and the sources."""
        rows = self.warehouse.con.execute(
            "SELECT year, reporter, source FROM trade_flows WHERE importer = ? GROUP BY ALL ORDER BY ALL",
            [self.importer],
        ).fetchall()
        return tuple((int(y), str(r), str(s)) for y, r, s in rows)

    @cached_property
    def _years(self) -> tuple[int, ...]:
        return tuple(sorted({y for y, _, _ in self._catalog}))

    @property
    def y(self) -> int:
        assert self.year is not None
        return self.year

    def _sources(self, year: int) -> list[str]:
        own = [s for y, r, s in self._catalog if y == year and r == "importer"]
        return own or [s for y, r, s in self._catalog if y == year and r == "reconciled"]

    @cached_property
    def importer_sources(self) -> list[str]:
        """Sources of the importer's own imports: importer-reported first, else reconciled (BACI)."""
        return self._sources(self.y)

    @cached_property
    def world_sources(self) -> list[str]:
        """Reconciled exporter x importer sources (BACI) for the year, if loaded."""
        rows = self.warehouse.con.execute(  # more than one importer: MIN <> MAX, cheaper than COUNT(DISTINCT)
            "SELECT source FROM trade_flows WHERE year = ? AND reporter = 'reconciled' "
            "GROUP BY source HAVING MIN(importer) <> MAX(importer) ORDER BY source",
            [self.y],
        ).fetchall()
        return [str(s) for (s,) in rows]

    @property
    def world_basis(self) -> str:
        if self.world_sources:
            return f"exporter x HS6 flows ({', '.join(self.world_sources)})"
        return "OECD ICIO 2022 sector gross output by country (no BACI loaded)"

    def has_rows(self, table: str, where: str = "TRUE") -> bool:
        df = self.warehouse.query(f'SELECT COUNT(*) AS n FROM (SELECT 1 FROM "{table}" WHERE {where} LIMIT 1)')
        return bool(df["n"].iloc[0])

    @cached_property
    def importer_stats(self) -> pd.DataFrame:
        return self.sql(tables.importer_stats_sql(self.importer, self.y, self.importer_sources)).set_index("hs6")

    @cached_property
    def previous_importer_stats(self) -> pd.DataFrame | None:
        prev = self.y - 1
        if prev not in self.years_available():
            return None
        return self.sql(tables.importer_stats_sql(self.importer, prev, self._sources(prev))).set_index("hs6")

    @cached_property
    def minerals(self) -> pd.DataFrame | None:
        """The HS6 → mineral links, given or read on first use."""
        if self.mineral_links is None and self.mineral_links_of is not None:
            self.mineral_links = self.mineral_links_of()
        return self.mineral_links

    @cached_property
    def mineral_stages(self) -> list[tuple[str, str, str, int, float]]:
        """(hs6, commodity, stage, year, weight) of mineral-linked HS6 with USGS production data.

        Only USGS statistics are scored (:data:`SCORED_STAGE_SOURCE`): the secondary refining figures in
        ``production`` ("IEA … as reported", confidence M or L) feed the minerals tools and the chokepoint
        flags, not the score. The product's own stage is used when USGS reports it, else the nearest
        upstream stage (refining → mining); the latest year with data; minerals sharing one HS6
        get equal weights.
        """
        links = self.minerals
        if links is None or links.empty or not self.has_rows("production"):
            return []
        avail = self.warehouse.query(
            "SELECT commodity, stage, MAX(year) AS year FROM production "
            f"WHERE amount IS NOT NULL AND amount > 0 AND country <> 'WORLD' AND source LIKE '{SCORED_STAGE_SOURCE}%' "
            "GROUP BY 1, 2"
        )
        latest = {(str(c), str(s)): int(y) for c, s, y in avail.itertuples(index=False)}
        order = ("mining", "refining", "manufacturing")
        rows: dict[str, list[tuple[str, str, int]]] = {}
        for rec in links.itertuples(index=False):
            stage = str(rec.stage)
            upstream = order[: order.index(stage) + 1][::-1] if stage in order else (stage,)
            for st in upstream:
                if (str(rec.mineral), st) in latest:
                    rows.setdefault(str(rec.hs6), []).append((str(rec.mineral), st, latest[(str(rec.mineral), st)]))
                    break
        return [(h, c, s, y, 1.0 / len(v)) for h, v in sorted(rows.items()) for c, s, y in v]

    @cached_property
    def world_stats(self) -> pd.DataFrame:
        """World concentration per HS6; ``world_basis`` says which data each row rests on."""
        base = (
            tables.baci_world_shares_sql(self.y, self.world_sources)
            if self.world_sources
            else tables.icio_world_shares_sql()
        )
        shares = tables.usgs_world_shares_sql(self.mineral_stages, base)
        on_duckdb = self.run_sql is None
        query = tables.world_stats_sql(shares, self.importer, self.y, self.importer_sources, top_k=on_duckdb)
        return self.sql(query).set_index("hs6")

    @cached_property
    def criticality_inputs(self) -> pd.DataFrame:
        """Per HS6: end use (BEC), productive use and breadth of use (BEA, else ICIO), designation."""
        return criticality_inputs(self.warehouse, self.minerals)

    @cached_property
    def tariff_line_stats(self) -> pd.DataFrame:
        return self.sql(tables.tariff_line_stats_sql(self.importer, self.y)).set_index("hs6")

    @cached_property
    def undisclosed(self) -> pd.DataFrame:
        return self.sql(tables.undisclosed_sql(self.importer, self.y, self.importer_sources)).set_index("hs2")

    @cached_property
    def industry_link(self) -> pd.DataFrame:
        return self.sql(tables.industry_link_sql()).set_index("hs6")

    @cached_property
    def mirror(self) -> pd.DataFrame:
        return self.sql(tables.mirror_sql(self.importer, self.y, self.importer_sources)).set_index("hs6")
