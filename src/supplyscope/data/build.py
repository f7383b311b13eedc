"""Build or extend the warehouse: bundled reference data and trade tables, or user-downloaded sources."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from supplyscope.codes import concordance, countries, hs
from supplyscope.config import Settings, load_settings
from supplyscope.data.paths import bundled
from supplyscope.data.sources import bec, census, linkages, reference
from supplyscope.data.sources.io_tables import ICIO_2022
from supplyscope.data.warehouse import Warehouse, file_checksum

Step = tuple[str, Callable[[Warehouse], dict[str, int]]]
BUNDLED_SOURCE = "bundled"


def _reference(name: str, frames: Callable[[], dict[str, pd.DataFrame]], checksum_of: str) -> Step:
    def run(wh: Warehouse) -> dict[str, int]:
        return wh.load(frames(), source=f"{BUNDLED_SOURCE}:{name}", checksum=file_checksum(bundled(checksum_of)))

    return name, run


def groups_frame(settings: Settings) -> pd.DataFrame:
    """Rows for the canonical ``country_groups`` table: configured groups, the EU27 and the US FTA partners."""
    rows = [
        {"group_name": name, "iso3": iso3, "source": f"settings:groups.{name}"}
        for name, group in settings.groups.items()
        for iso3 in group.members
    ]
    eu_src = "Growth Lab group 'European Union'"
    rows += [{"group_name": "eu27", "iso3": iso3, "source": eu_src} for iso3 in countries.eu_members()]
    src = "US FTA partners: USTR list and HTSUS General Note 3(c)(i) program symbols"
    rows += [{"group_name": "fta", "iso3": iso3, "source": src} for iso3 in countries.fta_partners()]
    return pd.DataFrame(rows).drop_duplicates(["group_name", "iso3"]).reset_index(drop=True)


def _census(wh: Warehouse) -> dict[str, int]:
    res = census.read_census_imports(bundled(census.HS10_FILE))
    return wh.load(res.frames, source=res.source, checksum=res.checksum, detail="; ".join(res.notes))


def _partner_totals(wh: Warehouse) -> dict[str, int]:
    res = census.read_partner_totals(bundled(census.HS2_FILE))
    return wh.load(res.frames, source=res.source, checksum=res.checksum, detail="; ".join(res.notes))


def _tariffs(wh: Warehouse) -> dict[str, int]:
    """HTS 2026 lines and the Section 301 lists, read by the loaders in ``data/sources``."""
    from supplyscope.data.sources.hts import BUNDLED_HTS, load_hts
    from supplyscope.data.sources.section301 import BUNDLED_301, load_section301

    counts = {}
    for df, rel in (
        (load_hts(), BUNDLED_HTS),
        (load_section301(), BUNDLED_301),
    ):
        name = "tariff_lines" if "indent" in df.columns else "trade_measures"
        counts.update(wh.load({name: df}, source=str(df["source"].iloc[0]), checksum=file_checksum(bundled(rel))))
    return counts


def _minerals(wh: Warehouse) -> dict[str, int]:
    from supplyscope.data.sources.usgs_mcs import load_into_warehouse

    return load_into_warehouse(wh)


def bundled_steps() -> list[Step]:
    """The steps that load the embedded default data, in order."""
    settings = load_settings()
    return [
        _reference("products", lambda: {"products": hs.products_frame()}, hs.HS_FILE),
        _reference(
            "countries",
            lambda: {
                "countries": countries.countries_frame(),
                "country_groups": groups_frame(settings),
            },
            countries.WGI_FILE,
        ),
        _reference(
            "concordances",
            lambda: {
                "product_industry": concordance.product_industry_frame(),
                "industries": reference.industries_frame(),
            },
            concordance.HS_NAICS_FILE,
        ),
        _reference("icio", lambda: {"world_supply": reference.world_supply_frame()}, ICIO_2022),
        _reference(
            "criticality inputs",
            lambda: {"product_end_use": bec.end_use_frame(), "industry_linkage": linkages.linkage_frame()},
            bec.BEC_FILE,
        ),
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
    elif wh.count("product_end_use") == 0 or wh.count("industry_linkage") == 0:
        # a warehouse built before these tables existed: add them without rebuilding the rest
        dict(bundled_steps())["criticality inputs"](wh)
    return wh
