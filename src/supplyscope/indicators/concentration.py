"""Concentration of shares: the Herfindahl–Hirschman index, defined once for every area.

The assessment computes the same formula inside the engine's SQL (``indicators/tables.py``: the sum of
squared partner shares per product), where the flows live; tests check that the SQL and this function agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, overload

import numpy as np


@overload
def hhi(shares: Iterable[float] | np.ndarray, *, normalise: Literal[False] = ...) -> float: ...
@overload
def hhi(shares: Iterable[float] | np.ndarray, *, normalise: bool) -> float | None: ...
def hhi(shares: Iterable[float] | np.ndarray, *, normalise: bool = False) -> float | None:
    """Herfindahl–Hirschman index ``Σ s²`` of fractional shares, on the 0–1 scale used across supplyscope.

    With ``normalise=True`` the shares are first rescaled to sum to 1 (the concentration *among the known
    suppliers*); ``None`` when they sum to zero. Multiply by 10,000 for the points of the DOJ/FTC Merger
    Guidelines (2023, §2.1). Herfindahl (1950); Hirschman (1945).
    """
    arr = np.asarray(shares if isinstance(shares, np.ndarray) else list(shares), dtype=float)
    if normalise:
        total = float(arr.sum())
        if total <= 0:
            return None
        arr = arr / total
    return float(np.sum(arr * arr))
