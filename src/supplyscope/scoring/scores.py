"""Turn indicator values into risks (0–100) and combine them into dimension and overall scores.

Method (documented in docs/scoring.md):

* risk  r_i = 100 · clip((v_i − a_i) / (b_i − a_i), 0, 1), thresholds (a_i = no risk, b_i = full risk);
* dimension D_d = Σ_{i∈d} w_i r_i / Σ_{i∈d} w_i over the indicators available for the entity;
* overall S = Σ_d W_d D_d / Σ_d W_d over the dimensions with at least one available indicator;
* contribution c_i = (W_d / Σ W) · (w_i / Σ_{j∈d} w_j) · r_i, so that S = Σ_i c_i.

An unavailable indicator (NaN) drops out and the remaining weights are renormalised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from supplyscope.config import DIMENSIONS, IndicatorSetting, Settings

Matrix = np.ndarray


def risk(values: Matrix, no_risk: Matrix, full_risk: Matrix) -> Matrix:
    """r = 100 · clip((v − a) / (b − a), 0, 1); NaN stays NaN."""
    with np.errstate(invalid="ignore"):
        out: Matrix = 100.0 * np.clip((values - no_risk) / (full_risk - no_risk), 0.0, 1.0)
    return out


def combine(r: Matrix, w: Matrix, dim_of: np.ndarray, dim_weights: np.ndarray) -> tuple[Matrix, Matrix, Matrix]:
    """Dimension scores (n × 4), overall scores (n) and contributions (n × k) from risks and weights.

    ``r`` and ``w`` are n × k (NaN risk = unavailable); ``dim_of[k]`` is each indicator's dimension
    index; ``dim_weights`` has one weight per dimension.
    """
    avail = ~np.isnan(r)
    wa = np.where(avail, w, 0.0)
    r0 = np.where(avail, r, 0.0)
    n_dim = len(dim_weights)
    onehot = np.zeros((r.shape[1], n_dim))
    onehot[np.arange(r.shape[1]), dim_of] = 1.0
    wsum = wa @ onehot
    with np.errstate(invalid="ignore", divide="ignore"):
        dims = (wa * r0) @ onehot / wsum
    dims[wsum == 0] = np.nan
    dw = np.where(np.isnan(dims), 0.0, dim_weights[None, :])
    dw_total = dw.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.nansum(dims * dw, axis=1) / dw_total[:, 0]
        share_dim = dw / dw_total
        contrib = share_dim[:, dim_of] * wa / wsum[:, dim_of] * r0
    overall[dw_total[:, 0] == 0] = np.nan
    contrib = np.where(avail, contrib, np.nan)
    return dims, overall, contrib


@dataclass
class Scores:
    """Scored entities: inputs, risks, effective settings and results, aligned on ``index``."""

    index: pd.Index
    indicators: list[str]
    values: pd.DataFrame
    risk: pd.DataFrame
    weight: pd.DataFrame
    no_risk: pd.DataFrame
    full_risk: pd.DataFrame
    dimensions: pd.DataFrame
    overall: pd.Series
    contributions: pd.DataFrame


def _scope_keys(meta: pd.DataFrame) -> list[tuple[str, pd.Series]]:
    """(scope, key per entity) from least to most specific."""
    keys = []
    for scope in ("section", "chapter", "heading", "hs6", "industry"):
        if scope in meta.columns:
            keys.append((scope, meta[scope].astype("string")))
    return keys


def settings_matrices(meta: pd.DataFrame, indicators: list[str], settings: Settings) -> tuple[Matrix, Matrix, Matrix]:
    """Weight, no-risk and full-risk matrices (n × k), overrides applied from least to most specific."""
    n, k = len(meta), len(indicators)
    w = np.empty((n, k))
    a = np.empty((n, k))
    b = np.empty((n, k))
    for j, name in enumerate(indicators):
        s: IndicatorSetting = settings.indicators[name]
        w[:, j], a[:, j], b[:, j] = s.weight, s.thresholds[0], s.thresholds[1]
    order = {scope: i for i, (scope, _) in enumerate(_scope_keys(meta))}
    keys = dict(_scope_keys(meta))
    for ov in sorted(settings.overrides, key=lambda o: order.get(o.scope, -1)):
        if ov.scope not in keys:
            continue
        rows = (keys[ov.scope] == ov.value).fillna(False).to_numpy(dtype=bool)
        for name, s in ov.indicators.items():
            if name in indicators and rows.any():
                j = indicators.index(name)
                w[rows, j], a[rows, j], b[rows, j] = s.weight, s.thresholds[0], s.thresholds[1]
    return w, a, b


def score(values: pd.DataFrame, meta: pd.DataFrame, settings: Settings, dimension_of: dict[str, str]) -> Scores:
    """Score every row of ``values`` (entities × indicators); ``meta`` holds the override scopes."""
    names = list(values.columns)
    w, a, b = settings_matrices(meta, names, settings)
    v = values.to_numpy(dtype=float)
    r = risk(v, a, b)
    dim_of = np.array([DIMENSIONS.index(dimension_of[nm]) for nm in names])
    dim_w = np.array([settings.dimensions[d] for d in DIMENSIONS])
    dims, overall, contrib = combine(r, w, dim_of, dim_w)
    idx = values.index

    def frame(m: Matrix) -> pd.DataFrame:
        return pd.DataFrame(m, index=idx, columns=names)

    return Scores(
        index=idx,
        indicators=names,
        values=values,
        risk=frame(r),
        weight=frame(w),
        no_risk=frame(a),
        full_risk=frame(b),
        dimensions=pd.DataFrame(dims, index=idx, columns=list(DIMENSIONS)),
        overall=pd.Series(overall, index=idx),
        contributions=frame(contrib),
    )
