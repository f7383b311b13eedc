"""Aggregate product indicator values to industries through the concordance, trade-weighted."""

from __future__ import annotations

import numpy as np
import pandas as pd


def aggregate(values: pd.DataFrame, import_value: pd.Series, links: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Industry values V_I = Σ_p c_Ip M_p V_p / Σ_p c_Ip M_p over products with a value.

    ``links`` has columns hs6, industry, weight (concordance weights summing to 1 per hs6);
    ``import_value`` is M_p per hs6. Returns the industry × indicator values and each industry's
    attributed import value Σ_p c_Ip M_p.
    """
    from scipy import sparse  # here, not at the top: explain and a cached assess never aggregate

    links = links[links["hs6"].isin(values.index)]
    industries = pd.Index(sorted(links["industry"].unique()), name="industry")
    rows = industries.get_indexer(links["industry"])
    cols = values.index.get_indexer(links["hs6"])
    m = import_value.reindex(values.index).fillna(0.0).to_numpy()
    c = sparse.csr_matrix(
        (links["weight"].to_numpy() * m[cols], (rows, cols)), shape=(len(industries), len(values.index))
    )
    v = values.to_numpy(dtype=float)
    has = ~np.isnan(v)
    num = c @ np.where(has, v, 0.0)
    den = c @ has.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        agg = np.where(den > 0, num / den, np.nan)
    attributed = pd.Series(np.asarray(c.sum(axis=1)).ravel(), index=industries)
    return pd.DataFrame(agg, index=industries, columns=values.columns), attributed
