"""Supplier screening against the UFLPA Entity List, OFAC's SDN list and the other screening lists.

from supplyscope.screening import load_index, xinjiang_match
idx = load_index()                      # bundled SDN + UFLPA (+ warehouse lists with db=...)
hits = idx.screen("Guangzhou Haige Comm Grp", country="CHN")
xinjiang_match("No. 8 Road, Urumqi")    # -> "urumqi"

The list loaders (``FORMATS``, ``ListLoad``, ``load_list``) are imported on first use: they need
pandas, which screening from the cached index does not.
"""

from __future__ import annotations

from typing import Any

from supplyscope.screening.bundle import bundled_meta, load_index
from supplyscope.screening.index import DEFAULT_THRESHOLD, Hit, ScreeningIndex
from supplyscope.screening.normalize import NormName, normalize_name
from supplyscope.screening.xinjiang import xinjiang_match

_LAZY = ("FORMATS", "ListLoad", "load_list")

__all__ = [
    "DEFAULT_THRESHOLD",
    "FORMATS",
    "Hit",
    "ListLoad",
    "NormName",
    "ScreeningIndex",
    "bundled_meta",
    "load_index",
    "load_list",
    "normalize_name",
    "xinjiang_match",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from supplyscope.screening import lists

        return getattr(lists, name)
    raise AttributeError(name)
