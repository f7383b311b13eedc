"""Reference codes used to validate alert reports: HS 2022 subheadings and ISO 3166 alpha-3 countries.

Both lists come from the bundled foundation data (see ``data/bundled/PROVENANCE.md``) and are read once,
on first use.
"""

from __future__ import annotations

from functools import lru_cache

from supplyscope.data.paths import bundled


@lru_cache(maxsize=1)
def hs6_descriptions() -> dict[str, str]:
    """HS 2022 six-digit subheadings mapped to their descriptions (UN Comtrade nomenclature)."""
    import pandas as pd

    df = pd.read_parquet(bundled("codes/hs2022_harmonized_system.parquet"), columns=["hscode", "description", "level"])
    six = df[df["level"].astype(str) == "6"]
    return dict(zip(six["hscode"].astype(str), six["description"].astype(str), strict=True))


@lru_cache(maxsize=1)
def hs6_sections() -> dict[str, str]:
    """HS 2022 six-digit subheading → HS section (roman numeral)."""
    import pandas as pd

    df = pd.read_parquet(bundled("codes/hs2022_harmonized_system.parquet"), columns=["hscode", "section", "level"])
    six = df[df["level"].astype(str) == "6"]
    return dict(zip(six["hscode"].astype(str), six["section"].astype(str), strict=True))


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO 3166 alpha-3 code → English short name (Growth Lab location list, countries only)."""
    import pandas as pd

    df = pd.read_parquet(
        bundled("countries/locations.parquet"), columns=["iso3_code", "name_short_en", "location_level"]
    )
    df = df[df["location_level"].astype(str) == "country"].dropna(subset=["iso3_code"])
    return dict(zip(df["iso3_code"].astype(str), df["name_short_en"].astype(str), strict=True))
