"""Human labels for codes shown in reports: indicator names, dimensions, settings."""

from __future__ import annotations

from typing import Any

from supplyscope.config import DIMENSIONS
from supplyscope.indicators.registry import REGISTRY
from supplyscope.report.numbers import number, usd

_WORDS = {
    "hhi": "HHI",
    "fta": "FTA",
    "nes": "n.e.s.",
    "pct": "%",
    "1pct": "1%",
    "top3": "top-3",
    "section301": "Section 301",
    "chn": "CHN",
    "usd": "USD",
    "us": "US",
    "hs6": "HS6",
    "iso3": "ISO3",
}


def label(name: str) -> str:
    """A code name for reading: ``world_export_hhi`` → ``World export HHI``, ``top_share`` → ``Top share``."""
    words = [_WORDS.get(w, w) for w in name.split("_")]
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]])


def indicator_unit(name: str) -> str:
    """The indicator's unit as registered (e.g. ``index 0-1``), or "" for an unknown name."""
    ind = REGISTRY.get(name)
    return "" if ind is None else str(ind.unit)


def dimension_of(name: str, overrides: dict[str, str] | None = None) -> str:
    """The dimension an indicator scores in (a method group can move it)."""
    if overrides and name in overrides:
        return overrides[name]
    ind = REGISTRY.get(name)
    return ind.dimension if ind is not None else "other"


def by_dimension(names: list[str], overrides: dict[str, str] | None = None) -> list[str]:
    """Indicator names ordered by dimension (in :data:`DIMENSIONS` order), then as given."""
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    return sorted(names, key=lambda n: (order.get(dimension_of(n, overrides), len(order)), names.index(n)))


def settings_text(filters: dict[str, Any]) -> str:
    """An assessment's settings as a sentence, e.g. ``import floor $1.0 M; dimension weights: diversity 1, …``."""
    parts: list[str] = []
    if "min_import_usd" in filters:
        parts.append(f"import floor {usd(filters['min_import_usd'])}")
    weights = filters.get("dimension_weights")
    if isinstance(weights, dict):
        parts.append("dimension weights: " + ", ".join(f"{d} {number(w)}" for d, w in weights.items()))
    if "criticality_mode" in filters:
        parts.append(f"criticality applied as: {filters['criticality_mode']}")
    if "classification" in filters:
        parts.append(f"industries: {filters['classification']} concordance")
    known = {"min_import_usd", "dimension_weights", "criticality_mode", "classification"}
    parts += [f"{k.replace('_', ' ')}: {v}" for k, v in filters.items() if k not in known]
    return "; ".join(parts)
