"""Countries, aggregates, governance indicators (WGI) and country groups."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from supplyscope.data.paths import bundled

if TYPE_CHECKING:  # pandas is imported inside the functions: the Arrow-only readers stay light to import
    import pandas as pd

EU27 = "EU27"
WGI_FIELDS = {
    "vae": "wgi_va",
    "pve": "wgi_pv",
    "gee": "wgi_ge",
    "rqe": "wgi_rq",
    "rle": "wgi_rl",
    "cce": "wgi_cc",
}


LOCATIONS_FILE = "countries/locations.parquet"
WGI_FILE = "countries/wgi_1996_2021.parquet"


def location_records(columns: list[str]) -> list[dict[str, object]]:
    """Rows of the bundled location table as plain dicts (read with Arrow, for callers that avoid pandas)."""
    import pyarrow.parquet as pq

    records: list[dict[str, object]] = pq.read_table(bundled(LOCATIONS_FILE), columns=columns).to_pylist()
    return records


@lru_cache(maxsize=1)
def _location_table() -> pd.DataFrame:
    import pandas as pd

    return pd.read_parquet(bundled(LOCATIONS_FILE))


@lru_cache(maxsize=1)
def locations() -> pd.DataFrame:
    """ISO3 code, English name, level and alpha-2 code of every location (Growth Lab classification)."""
    df = _location_table()
    return df[["iso3_code", "name_short_en", "country_id", "location_level", "iso2_code"]].rename(
        columns={"iso3_code": "iso3", "name_short_en": "name", "location_level": "level", "iso2_code": "iso2"}
    )


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO 3166 alpha-3 code → English short name (countries only, not regions or groups)."""
    df = locations()
    df = df[df["level"].astype(str) == "country"].dropna(subset=["iso3"])
    return dict(zip(df["iso3"].astype(str), df["name"].astype(str), strict=True))


@lru_cache(maxsize=1)
def iso3_codes() -> frozenset[str]:
    """Every ISO 3166 alpha-3 code of the bundled location table (three upper-case letters)."""
    codes = locations()["iso3"].dropna().astype(str)
    return frozenset(c for c in codes if len(c) == 3 and c.isalpha() and c.isupper())


ISO2_GAPS: dict[str, str] = {"ITA": "it", "NAM": "na", "TWN": "tw"}
"""Alpha-2 codes the bundled location table leaves empty, filled from ISO 3166-1 (Italy IT, Namibia NA, Taiwan TW;
Namibia's ``NA`` was lost as a missing value when the table was made)."""


@lru_cache(maxsize=1)
def iso3_to_iso2() -> dict[str, str]:
    """ISO alpha-3 to lower-case alpha-2 codes, for the locations that have both (gaps: :data:`ISO2_GAPS`)."""
    loc = locations()[["iso3", "iso2"]].dropna()
    table = {str(a): str(b).lower() for a, b in zip(loc["iso3"], loc["iso2"], strict=True)}
    return {**{k: v for k, v in ISO2_GAPS.items() if k in iso3_codes()}, **table}


@lru_cache(maxsize=1)
def eu_members() -> tuple[str, ...]:
    """ISO3 codes of the 27 EU member states (Growth Lab 'European Union' group)."""
    import pandas as pd

    members = pd.read_parquet(bundled("countries/group_members.parquet"))
    eu = members[members["group_name"] == "European Union"]
    codes = locations().set_index("country_id").loc[eu["country_id"], "iso3"]
    return tuple(sorted(set(codes)))


def country_files() -> list[Path]:
    """The bundled files the country groups are read from (for cache keys)."""
    return [bundled("countries/group_members.parquet"), bundled(LOCATIONS_FILE)]


@lru_cache(maxsize=1)
def eu_members_cached() -> tuple[str, ...]:
    """:func:`eu_members` from ``$SUPPLYSCOPE_HOME/cache`` (keyed by the two input files), without pandas when warm."""
    from supplyscope.data.cache import cached_json

    return tuple(str(c) for c in cached_json("eu-members", country_files(), "eu-members-1", lambda: list(eu_members())))


@lru_cache(maxsize=1)
def world_bank_regions() -> dict[str, str]:
    """ISO3 → World Bank region (7 regions, Growth Lab 'wdi_region' groups), e.g. for colouring maps by region."""
    import pandas as pd

    members = pd.read_parquet(bundled("countries/group_members.parquet"))
    wb = members[members["group_type"] == "wdi_region"]
    iso3 = locations().set_index("country_id")["iso3"]
    return {str(iso3[c]): str(g) for c, g in zip(wb["country_id"], wb["group_name"], strict=True) if c in iso3.index}


def _latest_wgi() -> tuple[int, pd.DataFrame]:
    import pandas as pd

    wgi = pd.read_parquet(bundled(WGI_FILE))
    year = int(wgi["year"].max())
    latest = wgi[wgi["year"] == year].rename(columns={"code": "iso3", **WGI_FIELDS})
    return year, latest[["iso3", *WGI_FIELDS.values()]]


def countries_frame() -> pd.DataFrame:
    """Rows for the canonical ``countries`` table, including the EU27 aggregate.

    The EU27 aggregate's WGI values are GDP-weighted means of its members (WDI current-USD GDP of
    the WGI year), since the US import table reports the EU as one partner.
    """
    import numpy as np
    import pandas as pd

    year, wgi = _latest_wgi()
    df = locations()[["iso3", "name"]].merge(wgi, on="iso3", how="left")
    df["wgi_year"] = np.where(df["wgi_va"].notna(), year, np.nan)
    gdp = pd.read_parquet(bundled("countries/wdi.parquet"))
    gdp = gdp[(gdp["year"] == year) & gdp["iso3_code"].isin(eu_members())][["iso3_code", "gdp"]]
    eu = wgi[wgi["iso3"].isin(eu_members())].merge(gdp, left_on="iso3", right_on="iso3_code")
    agg: dict[str, object] = {"iso3": EU27, "name": "European Union (27)", "wgi_year": year}
    for col in WGI_FIELDS.values():
        ok = eu[col].notna() & eu["gdp"].notna()
        agg[col] = float(np.average(eu.loc[ok, col], weights=eu.loc[ok, "gdp"]))
    df["is_aggregate"] = False
    agg["is_aggregate"] = True
    out = pd.concat([df, pd.DataFrame([agg])], ignore_index=True)
    out["wgi_year"] = out["wgi_year"].astype("Int64")
    return out.drop_duplicates("iso3").reset_index(drop=True)


def fta_partners() -> tuple[str, ...]:
    """ISO3 codes of the US free-trade-agreement partners (USTR list, HTSUS General Note 3(c)(i) symbols)."""
    from supplyscope.data.sources.us_fta import us_fta_partners

    return tuple(sorted(set(us_fta_partners()["partner_iso3"].astype(str))))
