"""Section 301 (China) list membership by HTS8, with listed codes that no longer exist mapped to successors.

The lists were published in the HTS of 2018-2019; 2026 codes that replaced a listed code are found through
the HS subheading they share: a listed HTS8 missing from the loaded schedule maps to every HTS8 of the
schedule under the same 6-digit subheading (one-to-many when there are several). A listed code whose
subheading no longer exists is reported unmapped. This is a within-subheading concordance, not the
official HS 2017->2022 correlation (which is not bundled), so every successor is flagged approximate.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from supplyscope.tariffs.codes import clean_hts
from supplyscope.tariffs.schedule import HtsSchedule, default_schedule


@dataclass(frozen=True)
class Successor:
    """A listed HTS8 absent from the schedule and the schedule HTS8s that replaced it."""

    listed: str
    lists: tuple[str, ...]
    successors: tuple[str, ...]

    @property
    def one_to_many(self) -> bool:
        return len(self.successors) > 1


class Section301Index:
    """HTS8 -> Section 301 lists (direct, or through a successor mapping), built once."""

    def __init__(self, measures: pd.DataFrame, schedule: HtsSchedule) -> None:
        direct: dict[str, set[str]] = {}
        for hts, lst in measures[["hts", "list"]].itertuples(index=False):
            direct.setdefault(str(hts), set()).add(str(lst))
        current8 = set(schedule.codes(8)) | {c[:8] for c in schedule.codes(10)}
        by6: dict[str, list[str]] = {}
        for c in sorted(current8):
            by6.setdefault(c[:6], []).append(c)
        self.successors: dict[str, Successor] = {}
        self.unmapped: list[str] = []
        via: dict[str, set[str]] = {}
        self._via_from: dict[str, set[str]] = {}
        for listed, lists in sorted(direct.items()):
            if listed in current8:
                continue
            succ = tuple(by6.get(listed[:6], []))
            if not succ:
                self.unmapped.append(listed)
                continue
            self.successors[listed] = Successor(listed, tuple(sorted(lists)), succ)
            for s in succ:
                via.setdefault(s, set()).update(lists)
                self._via_from.setdefault(s, set()).add(listed)
        self._direct = {k: frozenset(v) for k, v in direct.items()}
        self._via = {k: frozenset(v - direct.get(k, set())) for k, v in via.items()}

    def lists_for(self, hts: str) -> frozenset[str]:
        """Lists naming this HTS8 (an HTS10 is looked up by its first 8 digits), successors included."""
        code = clean_hts(hts, field="hts", lengths=(8, 10))[:8]
        return self._direct.get(code, frozenset()) | self._via.get(code, frozenset())

    def successor_of(self, hts: str) -> tuple[str, ...]:
        """Listed (no longer existing) HTS8s whose lists reach ``hts`` through the successor mapping."""
        code = clean_hts(hts, field="hts", lengths=(8, 10))[:8]
        return tuple(sorted(self._via_from.get(code, set()))) if self._via.get(code) else ()

    def __len__(self) -> int:
        return len(self._direct)


@lru_cache(maxsize=1)
def default_index() -> Section301Index:
    """Index of the bundled lists against the bundled HTS."""
    from supplyscope.data.sources.section301 import bundled_section301

    return Section301Index(bundled_section301(), default_schedule())
