"""Section 301 lists for origin callers: the loader lives in :mod:`supplyscope.data.sources.section301`, the
index (with successor codes) in :mod:`supplyscope.tariffs.section301`."""

from __future__ import annotations

from supplyscope.data.sources.section301 import BUNDLED_301, NOT_IN_FORCE, SOURCE_301, load_section301
from supplyscope.tariffs.section301 import Section301Index, default_index

__all__ = [
    "BUNDLED_301",
    "NOT_IN_FORCE",
    "SOURCE_301",
    "Section301Index",
    "default_index",
    "load_section301",
    "section301_lists_for",
]


def section301_lists_for(hts: str) -> list[str]:
    """Section 301 lists in force that name this HTS8 (an HTS10 by its first 8 digits), successors included.

    ``section301_lists_for("8507600020")`` -> ``["List 4A"]``. :class:`DataError` (field ``hts``) when malformed.
    """
    return sorted(default_index().lists_for(hts))
