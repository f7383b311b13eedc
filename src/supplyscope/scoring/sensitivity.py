"""Rank intervals under seeded random perturbation of the weights."""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

from supplyscope.config import DIMENSIONS
from supplyscope.scoring.scores import Scores, combine


def rank_intervals(
    scores: Scores,
    dimension_of: dict[str, str],
    dim_weights: dict[str, float],
    *,
    draws: int = 200,
    sigma: float = 0.25,
    seed: int = 0,
    quantiles: tuple[float, float] = (0.05, 0.95),
) -> np.ndarray:
    """5th–95th percentile of each entity's rank (1 = highest risk) over ``draws`` weight draws.

    Each draw multiplies every indicator weight and every dimension weight by an independent
    log-normal factor exp(N(0, sigma²)), the same for all entities, and re-ranks.
    """
    rng = np.random.default_rng(seed)
    r = scores.risk.to_numpy()
    w = scores.weight.to_numpy()
    dim_of = np.array([DIMENSIONS.index(dimension_of[n]) for n in scores.indicators])
    dw = np.array([dim_weights[d] for d in DIMENSIONS])
    ranks = np.empty((draws, len(scores.index)))
    for t in range(draws):
        wf = w * np.exp(rng.normal(0.0, sigma, size=w.shape[1]))[None, :]
        df = dw * np.exp(rng.normal(0.0, sigma, size=dw.shape[0]))
        _, overall, _ = combine(r, wf, dim_of, df)
        ranks[t] = rankdata(-np.nan_to_num(overall, nan=-1.0), method="min")
    lo, hi = np.quantile(ranks, quantiles, axis=0, method="lower")
    return np.stack([lo, hi], axis=1).astype(int)
