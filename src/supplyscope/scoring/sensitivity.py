"""Rank intervals under seeded random perturbation of the weights."""

from __future__ import annotations

import numpy as np

from supplyscope.config import DIMENSIONS
from supplyscope.scoring.scores import Scores


def min_ranks(x: np.ndarray) -> np.ndarray:
    """Rank of every value within its row, 1 = smallest, ties share their lowest rank ("min" ranking).

    One stable sort per row; numpy only, so importing the scoring does not import scipy.stats.
    """
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    cols = np.arange(x.shape[1])
    starts = np.ones(x.shape, dtype=bool)
    starts[:, 1:] = xs[:, 1:] != xs[:, :-1]
    first = np.maximum.accumulate(np.where(starts, cols[None, :], 0), axis=1)
    out = np.empty(x.shape, dtype=float)
    np.put_along_axis(out, order, first + 1.0, axis=1)
    return out


def rank_intervals(
    scores: Scores,
    dimension_of: dict[str, str],
    dim_weights: dict[str, float],
    *,
    draws: int = 200,
    sigma: float = 0.25,
    seed: int = 0,
    quantiles: tuple[float, float] = (0.05, 0.95),
    batch: int = 50,
) -> np.ndarray:
    """5th–95th percentile of each entity's rank (1 = highest risk) over ``draws`` weight draws.

    The overall score of each draw is ``scale · R + offset`` as in :func:`scores.score` (criticality
    held fixed while the risk weights vary). Each draw multiplies every indicator weight and every
    dimension weight by an independent log-normal factor exp(N(0, sigma²)), the same for all
    entities, and re-ranks. The draws are evaluated in batches as tensor contractions, the same
    algebra as :func:`scores.combine`.
    """
    rng = np.random.default_rng(seed)
    n = len(scores.index)
    scale = scores.scale if scores.scale is not None else np.ones(n)
    offset = scores.offset if scores.offset is not None else np.zeros(n)
    r = scores.risk.to_numpy()
    avail = ~np.isnan(r)
    w = np.where(avail, scores.weight.to_numpy(), 0.0)
    rw = np.where(avail, r, 0.0) * w
    k = r.shape[1]
    dim_of = np.array([DIMENSIONS.index(dimension_of[n]) for n in scores.indicators])
    onehot = np.zeros((k, len(DIMENSIONS)))
    onehot[np.arange(k), dim_of] = 1.0
    dw = np.array([dim_weights[d] for d in DIMENSIONS])
    ind_f = np.exp(rng.normal(0.0, sigma, size=(draws, k)))
    dim_f = np.exp(rng.normal(0.0, sigma, size=(draws, len(DIMENSIONS))))
    ranks = np.empty((draws, r.shape[0]))
    for start in range(0, draws, batch):
        f = ind_f[start : start + batch]
        m = f[:, :, None] * onehot[None, :, :]  # draws × k × dims
        num = rw @ m  # (n × k) @ (draws × k × dims) -> draws × n × dims
        den = w @ m
        with np.errstate(invalid="ignore", divide="ignore"):
            dims = num / den
        dwd = np.where(den > 0, (dw * dim_f[start : start + batch])[:, None, :], 0.0)
        total = dwd.sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            overall = np.where(total > 0, np.nansum(np.where(den > 0, dims, 0.0) * dwd, axis=2) / total, np.nan)
        overall = np.nan_to_num(overall * scale[None, :] + offset[None, :], nan=-1.0)
        # rounded so that float noise (e.g. another engine's summation order) cannot reorder ties
        ranks[start : start + len(f)] = min_ranks(-np.round(overall, 9))
    lo, hi = np.quantile(ranks, quantiles, axis=0, method="lower")
    return np.stack([lo, hi], axis=1).astype(int)
