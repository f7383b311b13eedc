"""The HTS reader and index, defined once in :mod:`supplyscope.data.sources.hts` and :mod:`supplyscope.tariffs`."""

from __future__ import annotations

from supplyscope.data.sources.hts import BUNDLED_HTS, HTS_SOURCE, HTS_VALID_FROM, load_hts
from supplyscope.tariffs.schedule import HtsSchedule, TariffLine, default_schedule

__all__ = ["BUNDLED_HTS", "HTS_SOURCE", "HTS_VALID_FROM", "HtsSchedule", "TariffLine", "default_schedule", "load_hts"]
