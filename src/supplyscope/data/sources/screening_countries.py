"""Country names as the screening lists write them -> ISO3 (the shared resolver in ``codes.country_names``)."""

from __future__ import annotations

from supplyscope.codes.country_names import to_iso3

__all__ = ["to_iso3"]
