"""Section 301 (China) list membership by HTS8, with listed codes that no longer exist mapped to successors.

The lists were published in the HTS of 2018-2019. A listed HTS8 missing from the loaded schedule is mapped:

- when its 6-digit subheading still exists, to every HTS8 of the schedule under it ("same HS6");
- when HS 2022 changed that subheading, through the HS 2017 -> HS 2022 correlation
  (:mod:`supplyscope.data.sources.hs_concordance`) to every HTS8 under the new HS 2022 subheadings it went to.
  Subheadings that already existed in HS 2017 (goods merged into a continuing code) are not extended: their
  HTS8 keep their own list status, and the listed code is reported unmapped with that reason.

A successor is one-to-many when there are several; every successor is approximate (an HTS8 under the new
subheading may hold goods the list did not name).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from supplyscope.data.sources.hs_concordance import HsChange
from supplyscope.tariffs.codes import clean_hts
from supplyscope.tariffs.schedule import HtsSchedule, default_schedule

if TYPE_CHECKING:
    import pandas as pd

INDEX_VERSION = "section301-index-1"
"""Bump when :class:`Section301Index` building changes (invalidates the cached index)."""
SAME_HS6 = "same HS6"
HS2022 = "HS 2017->2022 correlation"


@dataclass(frozen=True)
class Successor:
    """A listed HTS8 absent from the schedule and the schedule HTS8s that replaced it.

    ``via`` holds the HS 2022 subheadings reached and the trade-weighted share of the old code in each
    (``(hs6, 1.0)`` for a same-HS6 mapping).
    """

    listed: str
    lists: tuple[str, ...]
    successors: tuple[str, ...]
    method: str = SAME_HS6
    via: tuple[tuple[str, float], ...] = ()

    @property
    def one_to_many(self) -> bool:
        return len(self.successors) > 1


def _listed(measures: pd.DataFrame | Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    if isinstance(measures, Mapping):
        return {str(k): {str(x) for x in v} for k, v in measures.items()}
    direct: dict[str, set[str]] = {}
    for hts, lst in measures[["hts", "list"]].itertuples(index=False):
        direct.setdefault(str(hts), set()).add(str(lst))
    return direct


class Section301Index:
    """HTS8 -> Section 301 lists (direct, or through a successor mapping), built once.

    ``measures``: HTS8 -> lists (see :func:`supplyscope.data.sources.section301.section301_listed`) or the
    ``trade_measures`` frame of :func:`~supplyscope.data.sources.section301.load_section301`. ``hs_changes``:
    the HS 2017 -> 2022 rows (none: codes whose subheading changed stay unmapped).
    """

    def __init__(
        self,
        measures: pd.DataFrame | Mapping[str, Iterable[str]],
        schedule: HtsSchedule,
        hs_changes: Iterable[HsChange] = (),
    ) -> None:
        direct = _listed(measures)
        current8 = set(schedule.codes(8)) | {c[:8] for c in schedule.codes(10)}
        by6: dict[str, list[str]] = {}
        for c in sorted(current8):
            by6.setdefault(c[:6], []).append(c)
        changes: dict[str, list[HsChange]] = {}
        for ch in hs_changes:
            changes.setdefault(ch.hs2017, []).append(ch)
        self.successors: dict[str, Successor] = {}
        self.unmapped: list[str] = []
        self.unmapped_reason: dict[str, str] = {}
        via: dict[str, set[str]] = {}
        self._via_from: dict[str, set[str]] = {}
        for listed, lists in sorted(direct.items()):
            if listed in current8:
                continue
            old6 = listed[:6]
            reached: tuple[tuple[str, float], ...]
            if old6 in by6:
                succ, method, reached = tuple(by6[old6]), SAME_HS6, ((old6, 1.0),)
            else:
                new = [ch for ch in changes.get(old6, []) if not ch.hs2022_in_hs2017 and ch.hs2022 in by6]
                succ = tuple(c for ch in new for c in by6[ch.hs2022])
                method, reached = HS2022, tuple((ch.hs2022, ch.weight) for ch in new)
            if not succ:
                kept = sorted(ch.hs2022 for ch in changes.get(old6, []) if ch.hs2022_in_hs2017)
                self.unmapped.append(listed)
                self.unmapped_reason[listed] = (
                    f"HS 2017 {old6} went into continuing subheading(s) {', '.join(kept)}, whose HTS8 keep their "
                    "own list status"
                    if kept
                    else f"HS 2017 {old6} has no HS 2022 correlation row"
                )
                continue
            self.successors[listed] = Successor(listed, tuple(sorted(lists)), succ, method, reached)
            for s in succ:
                via.setdefault(s, set()).update(lists)
                self._via_from.setdefault(s, set()).add(listed)
        self._direct: Mapping[str, Collection[str]] = {k: frozenset(v) for k, v in direct.items()}
        self._via: Mapping[str, Collection[str]] = {k: frozenset(v - direct.get(k, set())) for k, v in via.items()}

    def to_state(self) -> dict[str, Any]:
        """The built index as plain JSON data (for the cache; see :meth:`from_state`)."""
        return {
            "direct": {k: sorted(v) for k, v in self._direct.items()},
            "via": {k: sorted(v) for k, v in self._via.items()},
            "via_from": {k: sorted(v) for k, v in self._via_from.items()},
            "successors": [
                [s.listed, list(s.lists), list(s.successors), s.method, [list(x) for x in s.via]]
                for s in self.successors.values()
            ],
            "unmapped": self.unmapped_reason,
        }

    @classmethod
    def from_state(cls, doc: dict[str, Any]) -> Section301Index:
        """An index from :meth:`to_state` data, without rebuilding it."""
        self = cls.__new__(cls)
        self._direct = doc["direct"]  # lists, made sets on look-up: the cached index loads without rebuilding
        self._via = doc["via"]
        self._via_from = doc["via_from"]
        self.successors = {
            r[0]: Successor(r[0], tuple(r[1]), tuple(r[2]), r[3], tuple((str(h), float(w)) for h, w in r[4]))
            for r in doc["successors"]
        }
        self.unmapped_reason = dict(doc["unmapped"])
        self.unmapped = sorted(self.unmapped_reason)
        return self

    def lists_for(self, hts: str) -> frozenset[str]:
        """Lists naming this HTS8 (an HTS10 is looked up by its first 8 digits), successors included."""
        code = clean_hts(hts, field="hts", lengths=(8, 10))[:8]
        return frozenset(self._direct.get(code, ())) | frozenset(self._via.get(code, ()))

    def successor_of(self, hts: str) -> tuple[str, ...]:
        """Listed (no longer existing) HTS8s whose lists reach ``hts`` through the successor mapping."""
        code = clean_hts(hts, field="hts", lengths=(8, 10))[:8]
        return tuple(sorted(self._via_from.get(code, set()))) if self._via.get(code) else ()

    def __len__(self) -> int:
        return len(self._direct)


@lru_cache(maxsize=1)
def default_index() -> Section301Index:
    """Index of the bundled lists against the bundled HTS, with the bundled HS 2017 -> 2022 rows; built once and
    cached under ``$SUPPLYSCOPE_HOME/cache`` keyed by the three files' checksums."""
    from supplyscope.data.sources.hs_concordance import bundled_hs_changes
    from supplyscope.data.sources.section301 import section301_derived, section301_listed

    def build() -> dict[str, Any]:
        return Section301Index(section301_listed(), default_schedule(), bundled_hs_changes()).to_state()

    return Section301Index.from_state(section301_derived("section301-index", INDEX_VERSION, build))
