"""Policy simulators: border-adjusted price floor, price-gap subsidy (CfD) and stockpile.

Pure functions over a price path. No price is shipped: prices, floors, strikes, volumes and budgets
are inputs, given on the command line or in a price-path TOML file::

    [minerals.gallium]
    unit = "USD/kg"                      # price unit; volumes are in the matching quantity unit
    periods = ["2026Q1", "2026Q2"]
    prices = [600.0, 480.0]
    volume = 5000.0                      # optional: imports per period, in the quantity unit
    floor = 550.0                        # optional: price floor used by the report
    strike = 550.0                       # optional: CfD strike used by the report
    annual_volume = 20000.0              # optional: annual imports for the stockpile sizing
    source = "where the prices come from"

Formulas (per period ``t`` with import price ``p_t`` and import volume ``v_t``):

* **Price floor** ``F`` (variable import duty): ``d_t = max(0, F − p_t)``, optionally capped at
  ``cap``. Landed price ``p_t + d_t``. Duty revenue ``d_t · v_t · (1 − e)`` where ``e`` is the share of
  imports exempt (e.g. from coalition partners); cost to importers ``d_t · v_t`` (exempt suppliers
  are assumed to price up to the landed price); price gap closed ``d_t / (F − p_t)`` when ``p_t < F``.
* **Contract for difference** with strike ``K`` on volume ``q_t``: payment ``max(0, K − p_t) · q_t``;
  a two-sided CfD also receives ``(p_t − K) · q_t`` when ``p_t > K``.
* **Stockpile**: daily imports ``v/365``; a budget ``B`` at price ``p`` buys ``B/p`` units, i.e.
  ``days = (B/p) / (v/365)``; ``N`` days of cover cost ``N · v/365 · p``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from supplyscope.config import read_toml
from supplyscope.errors import ConfigError

DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class PricePath:
    """Prices of one mineral over periods, in ``unit`` (e.g. USD/kg)."""

    mineral: str
    periods: tuple[str, ...]
    prices: tuple[float, ...]
    unit: str
    volume: float | None = None
    source: str = ""
    floor: float | None = None
    strike: float | None = None
    annual_volume: float | None = None

    def __post_init__(self) -> None:
        if len(self.periods) != len(self.prices) or not self.prices:
            raise ConfigError(
                "periods and prices must be non-empty lists of equal length", key=f"minerals.{self.mineral}.prices"
            )
        for i, p in enumerate(self.prices):
            non_negative(p, f"minerals.{self.mineral}.prices[{i}]")
        for name in ("volume", "floor", "strike", "annual_volume"):
            value = getattr(self, name)
            if value is not None:
                non_negative(value, f"minerals.{self.mineral}.{name}")


def non_negative(value: float, key: str) -> float:
    """``value`` if it is a finite number ≥ 0, else :class:`ConfigError` naming ``key``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"expected a finite number, got {value!r}", key=key)
    if value < 0:
        raise ConfigError(f"must not be negative, got {value}", key=key)
    return float(value)


def load_price_paths(path: Path | str) -> dict[str, PricePath]:
    """Price paths by mineral key from a TOML file (see the module docstring)."""
    source = str(path)
    data = read_toml(Path(path))
    out: dict[str, PricePath] = {}
    for name, raw in data.get("minerals", {}).items():
        key = f"minerals.{name}"
        if not isinstance(raw, dict) or not isinstance(raw.get("prices"), list):
            raise ConfigError("needs 'prices' (list) and 'periods' (list)", key=key, source=source)
        periods = raw.get("periods", [str(i + 1) for i in range(len(raw["prices"]))])
        try:
            out[name] = PricePath(
                mineral=name,
                periods=tuple(str(p) for p in periods),
                prices=tuple(raw["prices"]),
                unit=str(raw.get("unit", "")),
                volume=raw.get("volume"),
                source=str(raw.get("source", "")),
                floor=raw.get("floor"),
                strike=raw.get("strike"),
                annual_volume=raw.get("annual_volume"),
            )
        except ConfigError as exc:
            raise ConfigError(str(exc), source=source) from None
    if not out:
        raise ConfigError("no [minerals.NAME] tables", key="minerals", source=source)
    return out


def _volumes(volume: float | Sequence[float], n: int, key: str) -> np.ndarray:
    if isinstance(volume, int | float):
        return np.full(n, non_negative(volume, key))
    vols = [non_negative(v, f"{key}[{i}]") for i, v in enumerate(volume)]
    if len(vols) != n:
        raise ConfigError(f"needs {n} volumes (one per period), got {len(vols)}", key=key)
    return np.asarray(vols, dtype=float)


def price_floor(
    path: PricePath,
    floor: float,
    volume: float | Sequence[float],
    *,
    exempt_share: float = 0.0,
    duty_cap: float | None = None,
) -> pd.DataFrame:
    """Border-adjusted price floor over ``path``: duty, landed price, revenue, cost, gap closed."""
    f = non_negative(floor, "floor")
    e = non_negative(exempt_share, "exempt_share")
    if e > 1:
        raise ConfigError(f"must be between 0 and 1, got {e}", key="exempt_share")
    p = np.asarray(path.prices, dtype=float)
    v = _volumes(volume, len(p), "volume")
    gap = np.maximum(0.0, f - p)
    duty = gap if duty_cap is None else np.minimum(gap, non_negative(duty_cap, "duty_cap"))
    closed = np.divide(duty, gap, out=np.full_like(gap, np.nan), where=gap > 0)
    return pd.DataFrame(
        {
            "period": path.periods,
            "import_price": p,
            "floor": f,
            "duty_per_unit": duty,
            "landed_price": p + duty,
            "volume": v,
            "duty_revenue": duty * v * (1.0 - e),
            "cost_to_importers": duty * v,
            "price_gap": gap,
            "gap_closed": closed,
        }
    )


def cfd_subsidy(
    path: PricePath,
    strike: float,
    volume: float | Sequence[float],
    *,
    two_sided: bool = False,
) -> pd.DataFrame:
    """Contract-for-difference payments over ``path``; positive = cost to the budget."""
    k = non_negative(strike, "strike")
    p = np.asarray(path.prices, dtype=float)
    q = _volumes(volume, len(p), "volume")
    diff = k - p
    per_unit = diff if two_sided else np.maximum(0.0, diff)
    payment = per_unit * q
    return pd.DataFrame(
        {
            "period": path.periods,
            "market_price": p,
            "strike": k,
            "payment_per_unit": per_unit,
            "volume": q,
            "budget_cost": payment,
            "cumulative_cost": np.cumsum(payment),
        }
    )


@dataclass(frozen=True)
class StockpileResult:
    """Stockpile sizing for one mineral."""

    mineral: str
    price: float
    annual_import_volume: float
    daily_import_volume: float
    budget: float | None
    days_cover: float | None
    days_target: float | None
    budget_needed: float | None
    units_bought: float | None

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def stockpile(
    mineral: str,
    price: float,
    annual_import_volume: float,
    *,
    budget: float | None = None,
    days: float | None = None,
) -> StockpileResult:
    """Days of import cover bought by ``budget`` and/or the budget for ``days`` of cover."""
    p = non_negative(price, "price")
    if p == 0:
        raise ConfigError("must be positive", key="price")
    v = non_negative(annual_import_volume, "annual_import_volume")
    daily = v / DAYS_PER_YEAR
    b = non_negative(budget, "budget") if budget is not None else None
    n = non_negative(days, "days") if days is not None else None
    if b is None and n is None:
        raise ConfigError("give a budget, a number of days, or both", key="budget")
    units = b / p if b is not None else None
    cover = (units / daily if daily > 0 else math.inf) if units is not None else None
    return StockpileResult(
        mineral=mineral,
        price=p,
        annual_import_volume=v,
        daily_import_volume=daily,
        budget=b,
        days_cover=cover,
        days_target=n,
        budget_needed=n * daily * p if n is not None else None,
        units_bought=units,
    )


def totals(frame: pd.DataFrame, columns: Sequence[str]) -> dict[str, float]:
    """Sum of ``columns`` over the periods of a simulator frame."""
    return {c: float(frame[c].sum()) for c in columns}
