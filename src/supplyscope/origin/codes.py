"""HTS/HS code helpers, defined once in :mod:`supplyscope.tariffs.codes` and re-exported for origin rules."""

from __future__ import annotations

from supplyscope.tariffs.codes import (
    ISO3,
    clean_hts,
    clean_iso3,
    dotted,
    in_any,
    in_range,
    level_digits,
    parse_range,
    parse_ranges,
)

__all__ = [
    "ISO3",
    "clean_hts",
    "clean_iso3",
    "dotted",
    "in_any",
    "in_range",
    "level_digits",
    "parse_range",
    "parse_ranges",
]
