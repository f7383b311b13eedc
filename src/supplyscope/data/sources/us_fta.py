"""Reader for the bundled US free-trade-agreement partner table (``countries/us_fta_partners.parquet``)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from supplyscope.data.cache import cached_json
from supplyscope.data.paths import bundled

if TYPE_CHECKING:
    import pandas as pd

US_FTA_PARTNERS = "countries/us_fta_partners.parquet"


@lru_cache(maxsize=1)
def us_fta_names() -> tuple[str, ...]:
    """Names of the US FTAs in force, as the partner table spells them (``USMCA``, ``KORUS FTA``, ...)."""
    import pandas as pd

    df = pd.read_parquet(bundled(US_FTA_PARTNERS), columns=["agreement"])
    return tuple(sorted({str(a) for a in df["agreement"]}))


@lru_cache(maxsize=1)
def us_fta_partners() -> pd.DataFrame:
    """One row per agreement x partner: agreement, hts_special_program_codes (``;``-separated), partner_iso3."""
    import pandas as pd

    return pd.read_parquet(bundled(US_FTA_PARTNERS))


@lru_cache(maxsize=1)
def us_fta_program_rows() -> tuple[tuple[str, str, str], ...]:
    """(agreement, hts_special_program_codes, partner_iso3) rows, cached per file checksum (no pandas when warm)."""
    cols = ["agreement", "hts_special_program_codes", "partner_iso3"]

    def build() -> list[list[str]]:
        return [[str(x) for x in r] for r in us_fta_partners()[cols].itertuples(index=False)]

    doc = cached_json("us-fta-programs", [bundled(US_FTA_PARTNERS)], "us-fta-programs-1", build)
    return tuple((str(a), str(c), str(i)) for a, c, i in doc)
