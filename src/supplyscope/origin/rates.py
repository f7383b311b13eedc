"""HTS rate parsing, defined once in :mod:`supplyscope.tariffs.rates` (re-exported for origin callers)."""

from __future__ import annotations

from supplyscope.tariffs.rates import Component, Rate, apply_rate, parse_rate, parse_special

__all__ = ["Component", "Rate", "apply_rate", "parse_rate", "parse_special"]
