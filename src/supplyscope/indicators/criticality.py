"""Criticality (economic importance) inputs per HS6, from data only: end use, downstream use, designation.

* ``end_use``: 1 for capital and intermediate goods, 0.5 for mixed, 0 for consumption goods, the
  mean over the product's BEC rev.4 codes (``product_end_use``);
* ``productive_use``: share of the commodity's US use that is intermediate input or fixed
  investment (BEA 2017 Use table), concordance-weighted over the product's BEA industries; where
  no BEA industry matches, the intermediate share of its OECD ICIO sector (80 economies pooled);
* ``breadth``: share of US industry output made by industries that use the commodity for at least
  0.1% of their output (same sources and fallback);
* ``user_industries``: how many BEA industries (or ICIO sectors) use it at that intensity;
* ``designated``: the product is an ore, concentrate or refined form of a mineral on the 2022 or
  2025 US critical minerals list (links from the minerals catalogue).

How these become one criticality score is a scoring choice (:mod:`supplyscope.scoring.criticality`).
"""

from __future__ import annotations

import pandas as pd

from supplyscope.data.warehouse import Warehouse

END_USE_SQL = """
SELECT hs6,
       AVG(CASE end_use WHEN 'consumption' THEN 0.0 WHEN 'mixed' THEN 0.5 ELSE 1.0 END) AS end_use,
       STRING_AGG(DISTINCT end_use, '+' ORDER BY end_use) AS end_use_class
FROM product_end_use GROUP BY hs6
"""

LINKAGE_SQL = """
SELECT pi.hs6,
       SUM(pi.weight * COALESCE(l.productive_use_share, l.intermediate_share))
         / SUM(CASE WHEN COALESCE(l.productive_use_share, l.intermediate_share) IS NOT NULL THEN pi.weight END)
         AS productive_use,
       SUM(pi.weight * l.user_output_share)
         / SUM(CASE WHEN l.user_output_share IS NOT NULL THEN pi.weight END) AS breadth,
       SUM(pi.weight * l.user_industries) / SUM(pi.weight) AS user_industries,
       SUM(pi.weight * LEAST(l.import_export_ratio, 1e6))
         / SUM(CASE WHEN l.import_export_ratio IS NOT NULL THEN pi.weight END) AS import_export_ratio
FROM product_industry pi
JOIN industry_linkage l ON l.classification = pi.classification AND l.industry = pi.industry
WHERE pi.classification = ?
GROUP BY pi.hs6
"""

COLUMNS = [
    "end_use",
    "end_use_class",
    "productive_use",
    "breadth",
    "user_industries",
    "import_export_ratio",
    "linkage_basis",
    "designated",
    "designated_minerals",
]


def criticality_inputs(wh: Warehouse, mineral_links: pd.DataFrame | None) -> pd.DataFrame:
    """One row per HS6 with the columns :data:`COLUMNS` (NaN where the source has no match)."""
    eu = wh.query(END_USE_SQL).set_index("hs6")
    bea = wh.query(LINKAGE_SQL, ["BEA2012"]).set_index("hs6")
    icio = wh.query(LINKAGE_SQL, ["ICIO2025"]).set_index("hs6")
    index = eu.index.union(bea.index).union(icio.index)
    out = pd.DataFrame(index=index)
    out["end_use"] = eu["end_use"].reindex(index).astype(float)
    out["end_use_class"] = eu["end_use_class"].reindex(index)
    has_bea = bea["productive_use"].reindex(index).notna()
    for col in ("productive_use", "breadth", "user_industries"):
        out[col] = bea[col].reindex(index).where(has_bea, icio[col].reindex(index)).astype(float)
    out["import_export_ratio"] = bea["import_export_ratio"].reindex(index).astype(float)
    has_icio = icio["productive_use"].reindex(index).notna()
    basis = pd.Series(None, index=index, dtype=object)
    basis[has_icio] = "OECD ICIO 2022 sector (no BEA match)"
    basis[has_bea] = "BEA 2017 Use table"
    out["linkage_basis"] = basis
    out["designated"] = False
    out["designated_minerals"] = ""
    if mineral_links is not None and not mineral_links.empty:
        listed = mineral_links[mineral_links["designated"].astype(bool)]
        names = listed.groupby("hs6")["mineral"].agg(lambda s: ", ".join(sorted(set(s))))
        out = out.reindex(out.index.union(names.index))
        out["designated"] = out.index.isin(names.index)
        out["designated_minerals"] = names.reindex(out.index).fillna("")
    out.index.name = "hs6"
    return out[COLUMNS]
