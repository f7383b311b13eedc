"""HS 2022 six-digit products → industries (BEA 2012 detail, NAICS, OECD ICIO sectors).

The published concordances are one-to-many without weights, so a product that maps to *k*
industries gives each a weight of 1/k. Weights therefore sum to 1 per HS6 code.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from supplyscope.codes.hs import HS_FILE
from supplyscope.data.paths import bundled

HS_NAICS_FILE = "codes/hs2022_naics.parquet"
SECTOR_CODES_FILE = "io/oecd_icio2025_sector_codes.parquet"

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
    df = pd.read_parquet(bundled(HS_NAICS_FILE))
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
    df = pd.read_parquet(bundled(SECTOR_CODES_FILE))
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
def _icio_source_pairs() -> tuple[pd.DataFrame, pd.Series]:
    """(hs6, ICIO sector) pairs as the HS→ISIC4 source gives them, and the HS 2022 descriptions.

    Only HS6 codes that exist in HS 2022 are kept (the source mixes HS versions), and ISIC repair
    classes (division 33) are dropped where the product has a producing industry.
    """
    df = pd.read_parquet(bundled("codes/hs_isic4.parquet"))
    hs22 = pd.read_parquet(bundled(HS_FILE))
    valid = set(hs22.loc[hs22["level"] == "6", "hscode"])
    df = df[df["HS_6d"].isin(valid) & df["ISIC4_4d"].notna()]
    # ISIC division 33 is repair and installation: a goods code reaches it only through the service of
    # repairing the good, so it is dropped wherever the product also maps to a producing division.
    repair = df["ISIC4_4d"].str.startswith("33")
    producing = set(df.loc[~repair, "HS_6d"])
    df = df[~repair | ~df["HS_6d"].isin(producing)]
    sectors = [isic4_to_icio(i, s) for i, s in zip(df["ISIC4_4d"], df["ISIC4_1d"], strict=True)]
    pairs = pd.DataFrame({"hs6": df["HS_6d"].to_numpy(), "industry": sectors}).dropna().drop_duplicates()
    return pairs, hs22.loc[hs22["level"] == "6"].set_index("hscode")["description"]


@lru_cache(maxsize=1)
def hs6_to_icio() -> pd.DataFrame:
    """HS 2022 → OECD ICIO 2025 sector through ISIC rev.4 (concordance ``hs_isic4``), audited, equal weights.

    Implausible sectors for the product's chapter are dropped by :func:`audit_icio_pairs`.
    """
    kept, _ = audit_icio_pairs(*_icio_source_pairs())
    return _equal_weights(kept, "concordance hs_isic4 + ICIO sector ranges, audited", ICIO)


SERVICE_SECTORS: tuple[str, ...] = (
    *("G", "H49", "H50", "H51", "H52", "H53", "I", "J58T60", "J61", "J62_63"),
    *("K", "L", "M", "N", "O", "P", "Q", "R", "S", "T"),
)
"""OECD ICIO 2025 service sectors (ISIC 45-99)."""

AUDIT_RULES: tuple[tuple[str, str], ...] = (
    ("C19", "coke and refined petroleum (ISIC 19) outside HS chapter 27 (mineral fuels)"),
    ("D", "electricity, gas and steam (ISIC 35) outside HS chapter 27"),
    ("E", "water, sewerage and waste (ISIC 36-39) for a product that is not waste or scrap"),
    ("services", "a service sector (ISIC 45-99: repair, publishing, R&D, ...) for a good"),
    ("C31T33", "other manufacturing and repair (ISIC 31-33) for a chemical of HS chapters 28-29"),
)
"""Mappings the HS→ISIC4 source gives that are implausible for the product's chapter (see docs/validation.md)."""


def _rule(hs6: str, sector: str, description: str) -> str | None:
    """The audit rule a (product, sector) pair breaks, or None."""
    chapter = hs6[:2]
    waste = any(w in description.lower() for w in ("waste", "scrap", "residue", "sludge"))
    if sector == "C19" and chapter != "27":
        return AUDIT_RULES[0][1]
    if sector == "D" and chapter != "27":
        return AUDIT_RULES[1][1]
    if sector == "E" and not waste:
        return AUDIT_RULES[2][1]
    if sector in SERVICE_SECTORS and not (chapter == "49" and sector == "J58T60"):
        return AUDIT_RULES[3][1]
    if sector == "C31T33" and chapter in ("28", "29"):
        return AUDIT_RULES[4][1]
    return None


def audit_icio_pairs(pairs: pd.DataFrame, descriptions: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop implausible (hs6, ICIO sector) pairs when the product keeps at least one plausible sector.

    Returns the kept pairs and the audit: one row per dropped pair with the rule it broke and the
    sectors the product keeps. A product whose every sector breaks a rule keeps them all (and is not
    in the audit), so no product loses its mapping.
    """
    reasons = [_rule(h, s, str(descriptions.get(h, ""))) for h, s in zip(pairs["hs6"], pairs["industry"], strict=True)]
    flagged = pd.Series([r is not None for r in reasons], index=pairs.index)
    has_good = (~flagged).groupby(pairs["hs6"]).transform("any")
    drop = flagged & has_good
    kept = pairs[~drop]
    keeps = kept.groupby("hs6")["industry"].agg(lambda s: " ".join(sorted(s)))
    audit = pairs[drop].assign(
        chapter=lambda d: d["hs6"].str[:2],
        reason=[r for r, d in zip(reasons, drop, strict=True) if d],
    )
    audit["kept"] = audit["hs6"].map(keeps)
    return kept.reset_index(drop=True), audit.rename(columns={"industry": "dropped"}).reset_index(drop=True)


def icio_audit() -> pd.DataFrame:
    """The published HS→ICIO audit: every dropped (hs6, sector) pair with its reason and the kept sectors."""
    return audit_icio_pairs(*_icio_source_pairs())[1]


def product_industry_frame() -> pd.DataFrame:
    """Rows for the canonical ``product_industry`` table (BEA, NAICS and ICIO)."""
    return pd.concat([hs6_to_bea(), hs6_to_naics(), hs6_to_icio()], ignore_index=True)
