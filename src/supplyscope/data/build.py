"""Build or extend the warehouse: bundled reference data and trade tables, or user-downloaded sources."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from supplyscope.codes import concordance, countries, hs
from supplyscope.config import load_settings
from supplyscope.data.paths import bundled
from supplyscope.data.sources import census, reference
from supplyscope.data.warehouse import Warehouse, file_checksum

Step = tuple[str, Callable[[Warehouse], dict[str, int]]]
BUNDLED_SOURCE = "bundled"


def _reference(name: str, frames: Callable[[], dict[str, pd.DataFrame]], checksum_of: str) -> Step:
    def run(wh: Warehouse) -> dict[str, int]:
        return wh.load(frames(), source=f"{BUNDLED_SOURCE}:{name}", checksum=file_checksum(bundled(checksum_of)))

    return name, run


def _census(wh: Warehouse) -> dict[str, int]:
    res = census.read_census_imports(bundled("trade/us_imports_hs10_by_partner_2024.parquet"))
    return wh.load(res.frames, source=res.source, checksum=res.checksum, detail="; ".join(res.notes))


def _partner_totals(wh: Warehouse) -> dict[str, int]:
    res = census.read_partner_totals(bundled("trade/us_imports_hs2_by_partner_2024.parquet"))
    return wh.load(res.frames, source=res.source, checksum=res.checksum, detail="; ".join(res.notes))


def _tariffs(wh: Warehouse) -> dict[str, int]:
    """HTS 2026 lines and the Section 301 lists, read by the origin package's loaders."""
    from supplyscope.origin.hts import load_hts
    from supplyscope.origin.section301 import load_section301

    counts = {}
    for df, rel in (
        (load_hts(), "tariffs/hts_2026_revision_4.parquet"),
        (load_section301(), "tariffs/section301_china_lists_1_to_4.parquet"),
    ):
        name = "tariff_lines" if "indent" in df.columns else "trade_measures"
        counts.update(wh.load({name: df}, source=str(df["source"].iloc[0]), checksum=file_checksum(bundled(rel))))
    return counts


def _minerals(wh: Warehouse) -> dict[str, int]:
    from supplyscope.minerals import load_into_warehouse

    return load_into_warehouse(wh)


def bundled_steps() -> list[Step]:
    """The steps that load the embedded default data, in order."""
    settings = load_settings()
    return [
        _reference("products", lambda: {"products": hs.products_frame()}, "codes/hs2022_harmonized_system.parquet"),
        _reference(
            "countries",
            lambda: {
                "countries": countries.countries_frame(),
                "country_groups": countries.groups_frame(settings),
            },
            "countries/wgi_1996_2021.parquet",
        ),
        _reference(
            "concordances",
            lambda: {
                "product_industry": concordance.product_industry_frame(),
                "industries": reference.industries_frame(),
            },
            "codes/hs2022_naics.parquet",
        ),
        _reference("icio", lambda: {"world_supply": reference.world_supply_frame()}, reference.ICIO_FILE),
        ("HTS 2026 and Section 301 lists", _tariffs),
        ("census imports (HTS10 x partner)", _census),
        ("census imports (HS2 x all partners)", _partner_totals),
        ("USGS mineral production", _minerals),
    ]


def build_bundled(wh: Warehouse, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Load every bundled source; each step is atomic and re-running it replaces, not duplicates."""
    counts: dict[str, int] = {}
    for name, step in bundled_steps():
        if progress:
            progress(name)
        for table_name, n in step(wh).items():
            counts[table_name] = counts.get(table_name, 0) + n
    return counts


def ensure_built(db: Path | str | None = None) -> Warehouse:
    """Open the warehouse, building it from the bundled data first if it has no trade flows."""
    wh = Warehouse.open(db)
    if wh.count("trade_flows") == 0 or wh.count("products") == 0:
        build_bundled(wh)
    return wh
