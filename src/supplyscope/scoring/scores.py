"""Turn indicator values into risks (0–100) and combine them into dimension and overall scores.

Method (documented in docs/scoring.md):

* risk  r_i = 100 · clip((v_i − a_i) / (b_i − a_i), 0, 1), thresholds (a_i = no risk, b_i = full risk);
* dimension D_d = Σ_{i∈d} w_i r_i / Σ_{i∈d} w_i over the indicators available for the entity;
* overall S = Σ_d W_d D_d / Σ_d W_d over the dimensions with at least one available indicator;
* contribution c_i = (W_d / Σ W) · (w_i / Σ_{j∈d} w_j) · r_i, so that R = Σ_i c_i;
* grouped indicators share their group's weight; the substitutability rule gates one risk;
* criticality C turns R into S = scale · R + offset (docs/scoring.md); contributions are scaled
  by the same factor, so S = Σ_i c_i + offset.

An unavailable indicator (NaN) drops out and the remaining weights are renormalised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from supplyscope.config import DIMENSIONS, IndicatorSetting, Settings
from supplyscope.scoring import criticality as crit
from supplyscope.scoring.method import IndicatorGroup, Method

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
    risk_score: pd.Series | None = None
    """R, the score before criticality (equal to ``overall`` when criticality is off)."""
    criticality: pd.Series | None = None
    """C (0–100) per entity, NaN where unknown."""
    scale: np.ndarray | None = None
    """S = scale · R + offset per entity (criticality multiplier, or 1 − weight in weighted mode)."""
    offset: np.ndarray | None = None


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


def group_weights(w: Matrix, avail: Matrix, names: list[str], groups: tuple[IndicatorGroup, ...]) -> Matrix:
    """w_i' = W_g · w_i / Σ_{j ∈ g, available} w_j for members of each group g; others unchanged.

    A group of k redundant indicators then carries its group weight W_g once, not k times.
    """
    out = w.copy()
    for g in groups:
        cols = [names.index(m) for m in g.members if m in names]
        if not cols:
            continue
        sub = np.where(avail[:, cols], w[:, cols], 0.0)
        total = sub.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, cols] = np.where(total > 0, g.weight * w[:, cols] / total, w[:, cols])
    return out


def gate_risk(r: Matrix, names: list[str], indicator: str | None, gate: tuple[str, ...]) -> Matrix:
    """Substitutability rule: r_alt' = r_alt · max_g r_g / 100 over the gate indicators (unchanged if none known)."""
    if indicator is None or indicator not in names or not gate:
        return r
    cols = [names.index(g) for g in gate if g in names]
    if not cols:
        return r
    out = r.copy()
    known = ~np.isnan(r[:, cols]).all(axis=1)
    g = np.nanmax(np.where(np.isnan(r[:, cols]), -np.inf, r[:, cols]), axis=1) / 100.0
    j = names.index(indicator)
    out[:, j] = np.where(known, r[:, j] * g, r[:, j])
    return out


def score(
    values: pd.DataFrame,
    meta: pd.DataFrame,
    settings: Settings,
    dimension_of: dict[str, str],
    method: Method | None = None,
    criticality: pd.Series | None = None,
) -> Scores:
    """Score every row of ``values`` (entities × indicators); ``meta`` holds the override scopes.

    With a ``method``, grouped indicators share their group's weight and the substitutability
    rule gates its indicator's risk; ``criticality`` (C per entity) then turns the risk score R into
    the overall score S under the method's criticality mode.
    """
    names = list(values.columns)
    w, a, b = settings_matrices(meta, names, settings)
    v = values.to_numpy(dtype=float)
    r = risk(v, a, b)
    if method is not None:
        w = group_weights(w, ~np.isnan(r), names, method.groups)
        r = gate_risk(r, names, method.substitutability_indicator, method.substitutability_gate)
    dim_of = np.array([DIMENSIONS.index(dimension_of[nm]) for nm in names])
    dim_w = np.array([settings.dimensions[d] for d in DIMENSIONS])
    dims, overall, contrib = combine(r, w, dim_of, dim_w)
    idx = values.index
    risk_score = overall
    scale = np.ones(len(idx))
    offset = np.zeros(len(idx))
    c = np.full(len(idx), np.nan) if criticality is None else criticality.reindex(idx).to_numpy(dtype=float)
    if method is not None and criticality is not None:
        scale, offset = crit.scale_offset(c, method.criticality)
        overall = risk_score * scale + offset
        contrib = contrib * scale[:, None]

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
        risk_score=pd.Series(risk_score, index=idx),
        criticality=pd.Series(c, index=idx),
        scale=scale,
        offset=offset,
    )
