"""Countries, aggregates, governance indicators (WGI) and country groups."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from supplyscope.config import Settings
from supplyscope.data.paths import bundled

EU27 = "EU27"
WGI_FIELDS = {
    "vae": "wgi_va",
    "pve": "wgi_pv",
    "gee": "wgi_ge",
    "rqe": "wgi_rq",
    "rle": "wgi_rl",
    "cce": "wgi_cc",
}


@lru_cache(maxsize=1)
def locations() -> pd.DataFrame:
    """ISO3 code and English name of every location (Growth Lab classification)."""
    df = pd.read_parquet(bundled("countries/locations.parquet"))
    return df[["iso3_code", "name_short_en", "country_id"]].rename(
        columns={"iso3_code": "iso3", "name_short_en": "name"}
    )


@lru_cache(maxsize=1)
def eu_members() -> tuple[str, ...]:
    """ISO3 codes of the 27 EU member states (Growth Lab 'European Union' group)."""
    members = pd.read_parquet(bundled("countries/group_members.parquet"))
    eu = members[members["group_name"] == "European Union"]
    codes = locations().set_index("country_id").loc[eu["country_id"], "iso3"]
    return tuple(sorted(set(codes)))


def _latest_wgi() -> tuple[int, pd.DataFrame]:
    wgi = pd.read_parquet(bundled("countries/wgi_1996_2021.parquet"))
    year = int(wgi["year"].max())
    latest = wgi[wgi["year"] == year].rename(columns={"code": "iso3", **WGI_FIELDS})
    return year, latest[["iso3", *WGI_FIELDS.values()]]


def countries_frame() -> pd.DataFrame:
    """Rows for the canonical ``countries`` table, including the EU27 aggregate.

    The EU27 aggregate's WGI values are GDP-weighted means of its members (WDI current-USD GDP of
    the WGI year), since the US import table reports the EU as one partner.
    """
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


def groups_frame(settings: Settings) -> pd.DataFrame:
    """Rows for the canonical ``country_groups`` table: configured groups plus US FTA partners."""
    rows = [
        {"group_name": name, "iso3": iso3, "source": f"settings:groups.{name}"}
        for name, group in settings.groups.items()
        for iso3 in group.members
    ]
    rows += [
        {"group_name": "eu27", "iso3": iso3, "source": "Growth Lab group 'European Union'"} for iso3 in eu_members()
    ]
    fta = pd.read_parquet(bundled("countries/us_fta_partners.parquet"))
    src = "US FTA partners: USTR list and HTSUS General Note 3(c)(i) program symbols"
    rows += [{"group_name": "fta", "iso3": iso3, "source": src} for iso3 in sorted(set(fta["partner_iso3"]))]
    return pd.DataFrame(rows).drop_duplicates(["group_name", "iso3"]).reset_index(drop=True)
