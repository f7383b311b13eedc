"""Reference tables built from the bundled files: products, countries, groups, industries, world supply."""

from __future__ import annotations

import numpy as np
import pandas as pd

from supplyscope.codes import concordance
from supplyscope.codes.concordance import SECTOR_CODES_FILE
from supplyscope.data.paths import bundled
from supplyscope.data.sources.io_tables import bea_detail_use, read_npz


def world_supply_frame() -> pd.DataFrame:
    """Gross output by country and ICIO sector, 2022 (USD; the file is in USD million).

    The basis for world-supply indicators until exporter x HS6 flows (BACI) are loaded. The OECD
    rest-of-world region was dropped upstream, so "world" means the 80 ICIO economies.
    """
    z = read_npz()
    labels = z["labels"].astype(str)
    output = z["gross_output"] * 1e6
    country, _, sector = np.char.partition(labels, "_").T
    return pd.DataFrame(
        {
            "year": 2022,
            "country": country,
            "sector": sector,
            "output_usd": output,
            "source": "OECD ICIO 2025 release, 2022 gross output",
        }
    )


def import_penetration() -> pd.Series:
    """Imports / (output − exports + imports) per BEA 2017 detail commodity (Use table, USD million).

    In the bundled Use table, column ``NA.1`` is total commodity output (T007) and ``NA`` total
    final uses (T019); ``F04000`` are exports and ``F05000`` imports (negative).
    """
    use = bea_detail_use().set_index("code")
    imports = -use["F05000"]
    supply = use["NA.1"] - use["F04000"] + imports
    share = (imports / supply.where(supply > 0)).clip(lower=0.0)
    return share.dropna()


def industries_frame() -> pd.DataFrame:
    """BEA 2012 detail industries with names, upstreamness (2012) and import penetration (2017)."""
    names = pd.read_parquet(bundled("codes/bea2012_desc.parquet"))
    names = names.rename(columns={names.columns[0]: "industry", names.columns[1]: "name"})[["industry", "name"]]
    up = pd.read_parquet(bundled("codes/upstream_us_detailed.parquet"))
    up = up[up["YEAR"] == up["YEAR"].max()].rename(columns={"CODE": "industry", "GVC_Ui": "upstreamness"})
    up["upstreamness"] = up["upstreamness"].astype(float)
    pen = import_penetration().rename("import_penetration").rename_axis("industry").reset_index()
    bea = names.merge(up[["industry", "upstreamness"]], on="industry", how="left").merge(pen, on="industry", how="left")
    bea["classification"] = concordance.BEA
    sectors = pd.read_parquet(bundled(SECTOR_CODES_FILE))
    icio = pd.DataFrame(
        {
            "classification": concordance.ICIO,
            "industry": sectors["code"],
            "name": sectors["economic_activity"],
            "upstreamness": np.nan,
            "import_penetration": np.nan,
        }
    )
    naics = pd.read_parquet(bundled("codes/naics2017_desc.parquet"))
    naics = naics.rename(columns={naics.columns[0]: "industry", naics.columns[1]: "name"})
    naics = naics[naics["industry"].str.len() == 6].assign(
        classification=concordance.NAICS, upstreamness=np.nan, import_penetration=np.nan
    )
    cols = ["classification", "industry", "name", "upstreamness", "import_penetration"]
    out = pd.concat([bea[cols], icio[cols], naics[cols]], ignore_index=True)
    return out.drop_duplicates(["classification", "industry"]).reset_index(drop=True)
