"""Section 232 coverage for origin callers, from the one dated definition in :mod:`supplyscope.tariffs`."""

from __future__ import annotations

from datetime import date

from supplyscope.tariffs.codes import clean_hts
from supplyscope.tariffs.measures import Measure, default_config
from supplyscope.tariffs.section301 import default_index

__all__ = ["section232_covered", "section232_measures_for"]


def section232_measures_for(hts: str, on: date | None = None) -> list[Measure]:
    """The Section 232 measures (any country) whose product scope covers ``hts`` and that are in force ``on``."""
    code = clean_hts(hts, field="hts", lengths=(6, 8, 10))
    day = on or date.today()
    lists = default_index().lists_for(code) if len(code) >= 8 else frozenset()
    return [
        m
        for m in default_config().measures
        if m.program == "232" and m.kind != "flag" and m.in_force(day) and m.covers_product(code, lists)
    ]


def section232_covered(hts: str, on: date | None = None) -> bool:
    """True when a Section 232 measure in force ``on`` (default today) covers the HTS code."""
    return bool(section232_measures_for(hts, on))
