"""Link HS6 products to IO sectors and report their industries' look-through exposure.

HS6 → OECD ICIO sector through ``supplyscope.codes.concordance.hs6_to_icio`` (HS → ISIC rev.4 →
ICIO sector ranges) and HS6 → BEA detail industry through ``hs6_to_bea`` (HS → NAICS → BEA).
The published concordances carry no weights, so a product mapped to *k* industries weighs each
1/k. A product's exposure is the weighted mean of its industries' exposures:
``FV_p = Σ_s w_ps FV_s``, ``LT_p = Σ_s w_ps LT_s``, ratio ``LT_p / FV_p``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from supplyscope.codes.concordance import hs6_to_bea, hs6_to_icio
from supplyscope.errors import DataError, NotFoundError

from .bea import load_bea
from .exposure import exposure, import_exposure
from .icio import load_icio
from .model import IOTable

PRODUCT_COLUMNS = ("hs6", "sector", "face_value", "look_through", "ratio", "sector_weights")
_HS6 = re.compile(r"^\d{6}$")


def _check_codes(hs6s: list[str]) -> list[str]:
    codes = [str(h).strip() for h in hs6s]
    for pos, code in enumerate(codes, start=1):
        if not _HS6.match(code):
            raise DataError(f"not an HS 6-digit code: {code!r}", source="hs6 list", row=pos, field="hs6")
    return list(dict.fromkeys(codes))


def _weighted(codes: list[str], conc: pd.DataFrame, by_sector: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Concordance-weighted means of ``by_sector`` (index = sector; face_value, look_through)."""
    sub = conc[conc["hs6"].isin(codes)]
    missing = [c for c in codes if c not in set(sub["hs6"])]
    if missing:
        raise NotFoundError(f"HS6 code in the HS→{kind} concordance", missing[0], [])
    absent = sorted(set(sub["industry"]) - set(by_sector.index))
    if absent:
        raise DataError(f"concordance industries not in the IO table: {absent[:8]}", source=kind, field="industry")
    rows = []
    for code in codes:
        part = sub[sub["hs6"] == code].sort_values("weight", ascending=False, kind="stable")
        w = part["weight"].to_numpy()
        vals = by_sector.loc[part["industry"]]
        fv = vals["face_value"].to_numpy()
        lt = vals["look_through"].to_numpy()
        ok = ~(np.isnan(fv) | np.isnan(lt))
        wsum = w[ok].sum()
        face = float((w[ok] * fv[ok]).sum() / wsum) if wsum > 0 else float("nan")
        look = float((w[ok] * lt[ok]).sum() / wsum) if wsum > 0 else float("nan")
        rows.append(
            {
                "hs6": code,
                "sector": str(part["industry"].iloc[0]),
                "face_value": face,
                "look_through": look,
                "ratio": look / face if face > 0 else float("nan"),
                "sector_weights": "|".join(f"{s}:{x:.3f}" for s, x in zip(part["industry"], w, strict=True)),
            }
        )
    return pd.DataFrame(rows, columns=list(PRODUCT_COLUMNS))


def product_exposure(
    hs6s: list[str], country: str = "USA", source: str = "CHN", table: IOTable | None = None
) -> pd.DataFrame:
    """Look-through exposure to ``source`` of the ``country`` industries that make each HS6 product.

    Columns: hs6, sector (largest-weight ICIO sector), face_value, look_through, ratio,
    sector_weights (``"C26:0.333|C27:0.333|…"``). Uses the bundled ICIO 2022 table by default.
    """
    codes = _check_codes(hs6s)
    t = table if table is not None else load_icio()
    by_sector = exposure(t, country, source).set_index("industry")
    return _weighted(codes, hs6_to_icio(), by_sector, "ICIO")


def product_import_exposure(hs6s: list[str], table: IOTable | None = None) -> pd.DataFrame:
    """Imported-input exposure (all sources) of the US BEA detail industries making each HS6 product.

    Same columns as :func:`product_exposure`; ``sector`` is a BEA detail code. Uses the bundled
    BEA 2017 detail tables by default. The concordance gives BEA 2012 codes; the five 2012 codes
    the 2017 tables no longer have (33391A, 335221, 335222, 335224, 335228; 70 HS6 codes touched)
    are left out and the product's remaining weights rescaled to 1. A product with no remaining
    industry raises :class:`NotFoundError`.
    """
    codes = _check_codes(hs6s)
    t = table if table is not None else load_bea("detail2017")
    by_sector = import_exposure(t).set_index("industry")
    conc = hs6_to_bea()
    conc = conc[conc["industry"].isin(by_sector.index)]
    conc = conc.assign(weight=conc["weight"] / conc.groupby("hs6")["weight"].transform("sum"))
    return _weighted(codes, conc, by_sector, "BEA")
