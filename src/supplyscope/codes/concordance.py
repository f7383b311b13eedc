"""HS 2022 six-digit products → industries (BEA 2012 detail, NAICS, OECD ICIO sectors).

The published concordances are one-to-many without weights, so a product that maps to *k*
industries gives each a weight of 1/k. Weights therefore sum to 1 per HS6 code.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from supplyscope.data.paths import bundled

BEA = "BEA2012"
NAICS = "NAICS2012"
ICIO = "ICIO2025"


def _equal_weights(pairs: pd.DataFrame, source: str, classification: str) -> pd.DataFrame:
    pairs = pairs.drop_duplicates(["hs6", "industry"])
    counts = pairs.groupby("hs6")["industry"].transform("size")
    out = pairs.assign(weight=1.0 / counts, classification=classification, source=source)
    return out[["hs6", "classification", "industry", "weight", "source"]].reset_index(drop=True)


@lru_cache(maxsize=1)
def hs6_to_naics() -> pd.DataFrame:
    """HS 2022 → NAICS six-digit (insongkim/concordance ``hs6_naics``), equal weights."""
    df = pd.read_parquet(bundled("codes/hs2022_naics.parquet"))
    pairs = df[["HS6_6d", "NAICS_6d"]].dropna().rename(columns={"HS6_6d": "hs6", "NAICS_6d": "industry"})
    return _equal_weights(pairs, "concordance hs6_naics", NAICS)


@lru_cache(maxsize=1)
def naics_to_bea() -> pd.DataFrame:
    """NAICS 2012 six-digit → BEA 2012 detail IO industry (BEA's own concordance)."""
    df = pd.read_parquet(bundled("codes/bea2012_naics2012.parquet"))
    return df[["NAICS2012_6d", "BEA2012"]].dropna().drop_duplicates()


@lru_cache(maxsize=1)
def hs6_to_bea() -> pd.DataFrame:
    """HS 2022 → BEA 2012 detail industry through NAICS.

    A NAICS code absent from BEA's table at six digits is matched on its five-, then four-digit
    prefix. Each HS6's weight is split equally over its NAICS codes, then equally over each
    NAICS code's BEA industries, so weights still sum to 1 per HS6.
    """
    hs = hs6_to_naics()
    bea = naics_to_bea()
    rows = []
    for digits in (6, 5, 4):
        keyed = bea.assign(key=bea["NAICS2012_6d"].str[:digits])[["key", "BEA2012"]].drop_duplicates()
        rows.append(keyed.assign(digits=digits))
    lookup = pd.concat(rows)
    matched = []
    remaining = hs[["hs6", "industry", "weight"]].rename(columns={"industry": "naics"})
    for digits in (6, 5, 4):
        cand = remaining.assign(key=remaining["naics"].str[:digits])
        hit = cand.merge(lookup[lookup["digits"] == digits], on="key")
        matched.append(hit)
        remaining = remaining[~remaining.set_index(["hs6", "naics"]).index.isin(hit.set_index(["hs6", "naics"]).index)]
    m = pd.concat(matched)
    m["split"] = m.groupby(["hs6", "naics"])["BEA2012"].transform("size")
    m["weight"] = m["weight"] / m["split"]
    out = m.groupby(["hs6", "BEA2012"], as_index=False)["weight"].sum().rename(columns={"BEA2012": "industry"})
    out["weight"] = out["weight"] / out.groupby("hs6")["weight"].transform("sum")
    out["classification"] = BEA
    out["source"] = "concordance hs6_naics + BEA bea2012_naics2012"
    return out[["hs6", "classification", "industry", "weight", "source"]]


_ICIO_CODE = re.compile(r"^([A-Z])(\d{2})?(?:(T|_)(\d{2}))?([AB])?$")


@lru_cache(maxsize=1)
def _icio_sectors() -> tuple[str, ...]:
    df = pd.read_parquet(bundled("io/oecd_icio2025_sector_codes.parquet"))
    return tuple(df["code"])


def isic4_to_icio(isic4: str, section: str) -> str | None:
    """Map an ISIC rev.4 class (4 digits) and its section letter to an OECD ICIO 2025 sector code."""
    division = int(isic4[:2])
    group = int(isic4[:3])
    if division == 24:
        return "C24A" if isic4 in ("2410", "2431") else "C24B"
    if division == 30:
        return "C301" if group == 301 else "C302T309"
    for code in _icio_sectors():
        m = _ICIO_CODE.match(code)
        if not m or m.group(2) is None:
            continue
        lo = int(m.group(2))
        hi = int(m.group(4)) if m.group(3) == "T" else lo
        extra = {int(m.group(4))} if m.group(3) == "_" else set()
        if lo <= division <= hi or division in extra:
            return code
    return section if section in _icio_sectors() else None


@lru_cache(maxsize=1)
def hs6_to_icio() -> pd.DataFrame:
    """HS 2022 → OECD ICIO 2025 sector through ISIC rev.4 (concordance ``hs_isic4``), equal weights.

    Only HS6 codes that exist in HS 2022 are kept (the source mixes HS versions), and ISIC repair
    classes (division 33) are dropped where the product has a producing industry.
    """
    df = pd.read_parquet(bundled("codes/hs_isic4.parquet"))
    hs22 = pd.read_parquet(bundled("codes/hs2022_harmonized_system.parquet"))
    valid = set(hs22.loc[hs22["level"] == "6", "hscode"])
    df = df[df["HS_6d"].isin(valid) & df["ISIC4_4d"].notna()]
    # ISIC division 33 is repair and installation: a goods code reaches it only through the service of
    # repairing the good, so it is dropped wherever the product also maps to a producing division.
    repair = df["ISIC4_4d"].str.startswith("33")
    producing = set(df.loc[~repair, "HS_6d"])
    df = df[~repair | ~df["HS_6d"].isin(producing)]
    sectors = [isic4_to_icio(i, s) for i, s in zip(df["ISIC4_4d"], df["ISIC4_1d"], strict=True)]
    pairs = pd.DataFrame({"hs6": df["HS_6d"].to_numpy(), "industry": sectors}).dropna()
    return _equal_weights(pairs, "concordance hs_isic4 + ICIO sector ranges", ICIO)


def product_industry_frame() -> pd.DataFrame:
    """Rows for the canonical ``product_industry`` table (BEA, NAICS and ICIO)."""
    return pd.concat([hs6_to_bea(), hs6_to_naics(), hs6_to_icio()], ignore_index=True)
