"""Reader for the bundled US free-trade-agreement partner table (``countries/us_fta_partners.parquet``)."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from supplyscope.data.paths import bundled

US_FTA_PARTNERS = "countries/us_fta_partners.parquet"


@lru_cache(maxsize=1)
def us_fta_names() -> tuple[str, ...]:
    """Names of the US FTAs in force, as the partner table spells them (``USMCA``, ``KORUS FTA``, ...)."""
    df = pd.read_parquet(bundled(US_FTA_PARTNERS), columns=["agreement"])
    return tuple(sorted({str(a) for a in df["agreement"]}))


@lru_cache(maxsize=1)
def us_fta_partners() -> pd.DataFrame:
    """One row per agreement x partner: agreement, hts_special_program_codes (``;``-separated), partner_iso3."""
    return pd.read_parquet(bundled(US_FTA_PARTNERS))
