"""Criticality score C (0–100) from its components, and how it enters the overall score.

C = 100 · Σ_k w_k x_k / Σ_k w_k over the available components x_k ∈ [0, 1] (end use, productive
use, breadth / ``breadth_full`` clipped at 1); a product linked to a listed critical mineral gets
C = 100 when ``designation_sets_full`` (the list is itself a government importance × risk finding).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from supplyscope.scoring.method import CriticalitySettings


def criticality_score(inputs: pd.DataFrame, cs: CriticalitySettings) -> pd.Series:
    """C per row of ``inputs`` (columns end_use, productive_use, breadth, designated); NaN if nothing known."""
    parts = {
        "end_use": inputs["end_use"].astype(float),
        "productive_use": inputs["productive_use"].astype(float),
        "breadth": (inputs["breadth"].astype(float) / cs.breadth_full).clip(upper=1.0),
    }
    num = pd.Series(0.0, index=inputs.index)
    den = pd.Series(0.0, index=inputs.index)
    for name, w in cs.components:
        x = parts[name]
        num += (w * x).fillna(0.0)
        den += w * x.notna()
    c = 100.0 * num / den.where(den > 0)
    if cs.designation_sets_full:
        c = c.mask(inputs["designated"].astype(bool), 100.0)
    return c


def multiplier(c: np.ndarray, cs: CriticalitySettings) -> np.ndarray:
    """Factor m with S = m · R in ``multiplier`` mode: floor + (1 − floor) · C/100 (1 where C is unknown)."""
    m = cs.floor + (1.0 - cs.floor) * np.asarray(c, dtype=float) / 100.0
    out: np.ndarray = np.where(np.isnan(m), 1.0, m)
    return out


def scale_offset(c: np.ndarray, cs: CriticalitySettings) -> tuple[np.ndarray, np.ndarray]:
    """Per entity (scale, offset) with S = scale · R + offset under the configured mode.

    ``multiplier``: scale = floor + (1 − floor)·C/100, offset 0; ``weighted``: scale = 1 − weight,
    offset = weight · C; ``off``: scale 1, offset 0. Where C is unknown, S = R.
    """
    n = len(c)
    if cs.mode == "multiplier":
        return multiplier(c, cs), np.zeros(n)
    if cs.mode == "weighted":
        known = ~np.isnan(c)
        return np.where(known, 1.0 - cs.weight, 1.0), np.where(known, cs.weight * np.nan_to_num(c), 0.0)
    return np.ones(n), np.zeros(n)
