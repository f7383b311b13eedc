"""HS 2022 nomenclature: descriptions, chapters, headings and sections."""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.errors import DataError

HS_VERSION = "HS2022"
HS_FILE = "codes/hs2022_harmonized_system.parquet"
_HS6 = re.compile(r"^\d{6}$")


def normalise_hs6(code: str | int) -> str:
    """Return a 6-digit HS string with leading zeros; ``'8507.60'`` and ``85076`` are accepted."""
    text = re.sub(r"[.\s]", "", str(code))
    if text.isdigit() and len(text) == 5:
        text = "0" + text
    if not _HS6.match(text):
        raise DataError(f"not a 6-digit HS code: {code!r}", field="hs6")
    return text


@lru_cache(maxsize=1)
def nomenclature() -> pd.DataFrame:
    """HS 2022 codes at levels 2, 4 and 6 with section, description and parent."""
    df = pd.read_parquet(bundled(HS_FILE))
    df = df[df["level"].isin(["2", "4", "6"])].copy()
    df["level"] = df["level"].astype(int)
    df = df.rename(columns={"hscode": "code"})
    df["chapter"] = df["code"].str[:2]
    df["heading"] = df["code"].where(df["level"] < 4, df["code"].str[:4])
    df.loc[df["level"] == 2, "heading"] = None
    return df.reset_index(drop=True)


@lru_cache(maxsize=1)
def sections() -> pd.DataFrame:
    """The 21 HS sections (roman numeral, name)."""
    return pd.read_parquet(bundled("codes/hs2022_sections.parquet"))


@lru_cache(maxsize=1)
def hs6_descriptions() -> dict[str, str]:
    """HS 2022 six-digit subheadings mapped to their descriptions (UN Comtrade nomenclature)."""
    six = nomenclature()[nomenclature()["level"] == 6]
    return dict(zip(six["code"].astype(str), six["description"].astype(str), strict=True))


@lru_cache(maxsize=1)
def hs6_sections() -> dict[str, str]:
    """HS 2022 six-digit subheading → HS section (roman numeral)."""
    six = nomenclature()[nomenclature()["level"] == 6]
    return dict(zip(six["code"].astype(str), six["section"].astype(str), strict=True))


def products_frame() -> pd.DataFrame:
    """Rows for the canonical ``products`` table."""
    df = nomenclature()
    return pd.DataFrame(
        {
            "code": df["code"],
            "hs_version": HS_VERSION,
            "level": df["level"],
            "description": df["description"],
            "parent": df["parent"],
            "section": df["section"],
            "chapter": df["chapter"],
            "heading": df["heading"],
        }
    )
