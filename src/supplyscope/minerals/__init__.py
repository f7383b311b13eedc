"""Critical minerals: stage concentration, partner coverage, price floors, subsidies and stockpiles.

Data: USGS Mineral Commodity Summaries 2026 world tables (bundled), US critical-minerals lists,
US imports for consumption 2024 by HS code and HTS10 line, refining-stage shares. Analyses are pure
functions on frames; the bundled files are read by loaders under ``supplyscope.data.sources``
(``usgs``, ``refining``, ``usgs_unit_values``, ``census_hts10``).
"""

from __future__ import annotations

from supplyscope.codes.minerals import (
    STAGES,
    HsCode,
    Mineral,
    load_catalog,
    load_hs_codes,
    resolve_mineral,
)
from supplyscope.data.sources.usgs_mcs import (
    load_into_warehouse,
    load_production,
    parse_value,
    read_mcs_world,
    read_stage_table,
    to_production,
)
from supplyscope.indicators.concentration import hhi
from supplyscope.minerals.concentration import concentration_panel, stage_concentration, world_shares
from supplyscope.minerals.coverage import Coverage, partner_coverage
from supplyscope.minerals.groups import CountryGroup, concern_group, resolve_group
from supplyscope.minerals.links import chokepoint_flags, flag_frame, scenario_from_restriction
from supplyscope.minerals.policy import (
    PricePath,
    StockpileResult,
    cfd_subsidy,
    load_price_paths,
    price_floor,
    stockpile,
)
from supplyscope.minerals.reliance import critical_lists, import_reliance, import_sources, list_status
from supplyscope.minerals.trade import load_mineral_imports, mineral_imports, read_us_imports

__all__ = [
    "STAGES",
    "CountryGroup",
    "Coverage",
    "HsCode",
    "Mineral",
    "PricePath",
    "StockpileResult",
    "cfd_subsidy",
    "chokepoint_flags",
    "concentration_panel",
    "concern_group",
    "critical_lists",
    "flag_frame",
    "hhi",
    "import_reliance",
    "import_sources",
    "list_status",
    "load_catalog",
    "load_hs_codes",
    "load_into_warehouse",
    "load_mineral_imports",
    "load_price_paths",
    "load_production",
    "mineral_imports",
    "parse_value",
    "partner_coverage",
    "price_floor",
    "read_mcs_world",
    "read_stage_table",
    "read_us_imports",
    "resolve_group",
    "resolve_mineral",
    "scenario_from_restriction",
    "stage_concentration",
    "stockpile",
    "to_production",
    "world_shares",
]
