"""The European Commission's 2021 dependency screen (SWD(2021) 352) applied to one importer, with US analogues.

SWD(2021) 352 final (Commission Staff Working Document "Strategic dependencies and capacities",
5 May 2021) flags an HS6 product when three criteria hold at once: (1) extra-EU imports are
concentrated, HHI > 0.4; (2) extra-EU imports are important in total EU demand, share > 0.5;
(3) extra-EU imports are hard to substitute with EU production, proxied by extra-EU imports over
EU exports of the product > 1. It flagged 137 of about 5,200 products.

US analogues used here (the importer's own trade replaces extra-EU trade):
(1) ``import_hhi`` of the importer's imports > 0.4 (same data, same formula);
(2) ``import_penetration`` > 0.5: imports / (output − exports + imports) of the product's BEA
    2017 commodities, concordance-weighted (BEA Use table; the EU uses trade-based demand);
(3) imports / exports of the product's BEA 2017 commodities > 1 (BEA Use table columns F05000 and
    F04000): commodity-level, not HS6-level, because the bundled data hold US imports only.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

REFERENCE = (
    "European Commission (2021) Strategic dependencies and capacities, SWD(2021) 352 final, "
    "accompanying COM(2021) 350 (Updating the 2020 New Industrial Strategy), Brussels, 5 May 2021"
)


@dataclass(frozen=True)
class Criterion:
    """One of the three criteria: indicator column, threshold and the US analogue's wording."""

    name: str
    column: str
    threshold: float
    eu: str
    us: str


CRITERIA = (
    Criterion("concentration", "import_hhi", 0.4, "HHI of extra-EU imports > 0.4", "HHI of the importer's imports"),
    Criterion(
        "importance_in_demand",
        "import_penetration",
        0.5,
        "extra-EU imports / total EU demand > 0.5",
        "BEA 2017 import penetration of the product's commodities",
    ),
    Criterion(
        "substitutability",
        "import_export_ratio",
        1.0,
        "extra-EU imports / EU exports > 1",
        "BEA 2017 imports / exports of the product's commodities",
    ),
)


def flag(values: pd.DataFrame) -> pd.DataFrame:
    """Per entity: the three criterion values, whether each holds, and ``flagged`` (all three hold).

    ``values`` holds the columns named by :data:`CRITERIA`; a missing value fails its criterion
    (the product is not flagged for lack of data, and ``missing`` says which criteria lacked data).
    """
    out = pd.DataFrame(index=values.index)
    flagged = pd.Series(True, index=values.index)
    missing = pd.Series("", index=values.index)
    for c in CRITERIA:
        v = values[c.column].astype(float)
        ok = v > c.threshold
        out[c.column] = v
        out[f"{c.name}_met"] = ok
        flagged &= ok
        missing = missing.where(v.notna(), missing + (c.name + " "))
    out["flagged"] = flagged
    out["missing"] = missing.str.strip()
    return out
