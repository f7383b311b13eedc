"""Diversity: how concentrated the importer's and the world's supply of a product is."""

from __future__ import annotations

import numpy as np

from supplyscope.indicators.base import Computed, Indicator, Unavailable, column
from supplyscope.indicators.context import Context

HHI_REF = "Herfindahl (1950); Hirschman (1945); US DOJ/FTC Merger Guidelines (2023) §2.1 HHI bands"
IMPORTS = "importer's imports by HS6 and partner (trade_flows)"
WORLD = "world supply by HS6 and country: BACI exporter flows, else OECD ICIO sector output"


def _importer_basis(ctx: Context) -> str:
    return f"{ctx.importer} imports {ctx.y} ({', '.join(ctx.importer_sources)})"


def _world_basis(ctx: Context) -> str:
    return ctx.world_basis


def _effective(ctx: Context) -> Computed:
    hhi = ctx.importer_stats["import_hhi"].astype(float)
    return Computed(1.0 / hhi.where(hhi > 0), _importer_basis(ctx))


def _hhi_change(ctx: Context) -> Computed:
    prev = ctx.previous_importer_stats
    if prev is None:
        raise Unavailable(f"needs a second year of {ctx.importer} imports; only {ctx.years_available()} loaded")
    now = ctx.importer_stats["import_hhi"].astype(float)
    change = now - prev["import_hhi"].astype(float).reindex(now.index)
    return Computed(change.replace([np.inf, -np.inf], np.nan), f"{ctx.y - 1} to {ctx.y}")


INDICATORS = (
    Indicator(
        "import_hhi",
        "diversity",
        "diversity",
        "higher",
        "index 0-1",
        "HHI = Σ_j s_j², s_j = importer's imports from partner j / total imports of the HS6",
        HHI_REF,
        IMPORTS,
        "Concentration of the importer's suppliers.",
        column("importer_stats", "import_hhi", _importer_basis),
    ),
    Indicator(
        "top_supplier_share",
        "diversity",
        "diversity",
        "higher",
        "share 0-1",
        "max_j s_j",
        "OECD (2024) Supply chain resilience: concentration of imports",
        IMPORTS,
        "Share of the largest supplier.",
        column("importer_stats", "top_supplier_share", _importer_basis),
    ),
    Indicator(
        "top3_share",
        "diversity",
        "diversity",
        "higher",
        "share 0-1",
        "sum of the three largest s_j (CR3)",
        "Bain (1951) concentration ratio; OECD (2024)",
        IMPORTS,
        "Share of the three largest suppliers.",
        column("importer_stats", "top3_share", _importer_basis),
    ),
    Indicator(
        "effective_suppliers",
        "diversity",
        "diversity",
        "lower",
        "count",
        "1 / HHI",
        "Adelman (1969) numbers-equivalent of the HHI",
        IMPORTS,
        "Number of equal-sized suppliers with the same concentration.",
        _effective,
    ),
    Indicator(
        "suppliers_above_1pct",
        "diversity",
        "diversity",
        "lower",
        "count",
        "#{j : s_j > 0.01}",
        "European Commission (2021) SWD(2021) 352 strategic dependencies, diversification",
        IMPORTS,
        "Number of partners with more than 1% of imports.",
        column("importer_stats", "suppliers_above_1pct", _importer_basis),
    ),
    Indicator(
        "world_export_hhi",
        "diversity",
        "diversity",
        "higher",
        "index 0-1",
        "Σ_c w_c², w_c = country c's share of world exports (or sector output) of the HS6",
        HHI_REF + "; European Commission (2021) SWD(2021) 352 (global supply concentration)",
        WORLD,
        "Global supply concentration.",
        column("world_stats", "world_export_hhi", _world_basis),
    ),
    Indicator(
        "world_top3_share",
        "diversity",
        "diversity",
        "higher",
        "share 0-1",
        "sum of the three largest w_c",
        "OECD (2024); USITC (2022) supply chain concentration",
        WORLD,
        "Share of the three largest world suppliers.",
        column("world_stats", "world_top3_share", _world_basis),
    ),
    Indicator(
        "import_hhi_change",
        "diversity",
        "diversity",
        "higher",
        "index points",
        "HHI_t − HHI_{t−1}",
        HHI_REF,
        IMPORTS + " for two consecutive years",
        "Whether the importer's supply is concentrating.",
        _hhi_change,
    ),
    Indicator(
        "capable_alternatives",
        "diversity",
        "substitutability",
        "lower",
        "count",
        "#{c : w_c > 0.01, c not a current supplier, c ≠ importer} (EU27 supply counts all members)",
        "European Commission (2021) SWD(2021) 352 substitution potential",
        WORLD + " and " + IMPORTS,
        "World suppliers above 1% that the importer does not buy from today.",
        column("world_stats", "capable_alternatives", _world_basis),
    ),
)
