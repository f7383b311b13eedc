"""HS 2022 → BEC rev.4 end use (bundled ``codes/hs6_bec4.parquet``) → canonical ``product_end_use``.

BEC rev.4 categories are grouped into the three basic classes of goods of the System of National
Accounts as in UN Statistics Division (2003), *Classification by Broad Economic Categories, Rev.4*,
ST/ESA/STAT/SER.M/53/Rev.4, Table 2: capital goods (41, 521), intermediate goods (111, 121, 21, 22,
31, 322, 42, 53) and consumption goods (112, 122, 522, 61, 62, 63). Motor spirit (321), passenger
cars (51) and goods not elsewhere specified (7) are not assigned by the manual and are kept as
``mixed``; the bundled source prints 32 undivided for three codes, which are ``mixed`` too.
"""

from __future__ import annotations

import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.errors import DataError

BEC_FILE = "codes/hs6_bec4.parquet"
SOURCE = "insongkim/concordance 2.1.0 hs6_bec4 (UN BEC rev.4)"

SNA_CLASS: dict[str, str] = {
    "41": "capital",
    "521": "capital",
    "111": "intermediate",
    "121": "intermediate",
    "21": "intermediate",
    "22": "intermediate",
    "31": "intermediate",
    "322": "intermediate",
    "42": "intermediate",
    "53": "intermediate",
    "112": "consumption",
    "122": "consumption",
    "522": "consumption",
    "61": "consumption",
    "62": "consumption",
    "63": "consumption",
    "321": "mixed",
    "32": "mixed",
    "51": "mixed",
    "7": "mixed",
}
"""BEC rev.4 category (trailing zeros of the 3-digit code stripped) → SNA basic class."""


def sna_class(bec3: str) -> str:
    """SNA basic class of a three-digit BEC rev.4 code such as ``'220'`` or ``'521'``."""
    for key in (bec3, bec3.rstrip("0"), bec3[:2], bec3[:1]):
        if key in SNA_CLASS:
            return SNA_CLASS[key]
    raise KeyError(bec3)


def end_use_frame() -> pd.DataFrame:
    """Rows of ``product_end_use``: hs6, bec4, end_use (capital/intermediate/consumption/mixed), source.

    The source's one fully empty row is skipped; any other incomplete or unknown row is an error.
    """
    path = bundled(BEC_FILE)
    raw = pd.read_parquet(path)
    empty = raw.isna().all(axis=1)
    raw = raw[~empty]
    rows = []
    for i, rec in raw.iterrows():
        hs6, bec = rec["HS6_6d"], rec["BEC4_3d"]
        if not isinstance(hs6, str) or len(hs6) != 6 or not hs6.isdigit():
            raise DataError(f"not an HS6 code: {hs6!r}", source=str(path), row=int(str(i)) + 2, field="HS6_6d")
        try:
            cls = sna_class(str(bec))
        except KeyError:
            raise DataError(
                f"unknown BEC rev.4 code {bec!r}", source=str(path), row=int(str(i)) + 2, field="BEC4_3d"
            ) from None
        rows.append((hs6, str(bec), cls))
    out = pd.DataFrame(rows, columns=["hs6", "bec4", "end_use"]).drop_duplicates(["hs6", "bec4"])
    out["source"] = SOURCE
    return out.reset_index(drop=True)
