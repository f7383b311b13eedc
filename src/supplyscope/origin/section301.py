"""Section 301 (China) lists 1-4A: loader into ``trade_measures`` and HTS8 lookups.

The lists come from the USTR Federal Register annexes (bundled by the foundation). The additional
rate of each list is read from its chapter 99 heading in the HTS itself (e.g. 9903.88.03 "... + 25%"),
so the rate follows the schedule that is loaded. List 4B never took effect and is not applied;
the 11 chapter 98/99 header rows picked up from the PDFs are dropped. Product exclusions granted by
USTR are not in the data: :func:`section301_lists_for` reports list membership only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.errors import DataError
from supplyscope.origin.codes import clean_hts
from supplyscope.origin.hts import HtsSchedule, default_schedule

BUNDLED_301 = "tariffs/section301_china_lists_1_to_4.parquet"
SOURCE_301 = "USTR Section 301 list annexes via mitsuoxv/us-tariffs-on-china@0665b94c"
NOT_IN_FORCE = frozenset({"List 4B"})
_COLUMNS = ["list", "hts8", "effective", "rate_note", "chapter99_heading", "is_chapter98_99_header"]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ListInfo:
    """One Section 301 list: its chapter 99 heading, the rate printed there, and its start date."""

    name: str
    heading: str
    rate: float | None
    rate_text: str | None
    effective: date | None
    note: str


def _bool(v: object) -> bool:
    return str(v).strip().lower() in ("true", "1", "yes")


def load_section301(path: str | Path | None = None, *, schedule: HtsSchedule | None = None) -> pd.DataFrame:
    """Read the Section 301 list file into the canonical ``trade_measures`` frame.

    Rows of lists not in force (List 4B) and chapter 98/99 header rows are left out and counted in
    ``df.attrs`` (``skipped_not_in_force``, ``skipped_headers``). A malformed HTS8 or date raises
    :class:`DataError` naming the row and column.
    """
    p = Path(path) if path is not None else bundled(BUNDLED_301)
    raw = pd.read_parquet(p) if p.suffix == ".parquet" else pd.read_csv(p, dtype=str, keep_default_na=False)
    missing = [c for c in _COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"not a Section 301 list file: missing columns {missing}", source=str(p), field=missing[0])
    infos = list_infos(raw, schedule)
    rows = []
    headers = not_in_force = 0
    for i, (lst, hts8, eff, _note, _h99, is_hdr) in enumerate(raw[_COLUMNS].itertuples(index=False), start=1):
        if _bool(is_hdr):
            headers += 1
            continue
        if lst in NOT_IN_FORCE:
            not_in_force += 1
            continue
        code = clean_hts(str(hts8), field="hts8", source=str(p), row=i, lengths=(8,))
        if not _DATE.match(str(eff)):
            raise DataError(f"effective date {eff!r} is not YYYY-MM-DD", source=str(p), row=i, field="effective")
        info = infos[lst]
        rows.append(
            (
                f"section301:{lst}",
                code,
                date.fromisoformat(str(eff)),
                "301",
                info.rate,
                lst,
                "USTR product exclusions (HTS 9903.88.xx) not in the data",
                SOURCE_301,
            )
        )
    df = pd.DataFrame.from_records(
        rows, columns=["measure", "hts", "valid_from", "kind", "rate", "list", "exclusions", "source"]
    )
    df = df.drop_duplicates(subset=["measure", "hts", "valid_from"]).reset_index(drop=True)
    df.attrs["skipped_headers"] = headers
    df.attrs["skipped_not_in_force"] = not_in_force
    return df


def list_infos(raw: pd.DataFrame, schedule: HtsSchedule | None = None) -> dict[str, ListInfo]:
    """Chapter 99 heading and current rate of each list, read from the HTS."""
    sched = schedule or default_schedule()
    out: dict[str, ListInfo] = {}
    for lst, grp in raw.groupby("list", sort=True):
        heading = str(grp["chapter99_heading"].iloc[0])
        eff = str(grp["effective"].iloc[0])
        rate_text: str | None = None
        rate: float | None = None
        try:
            line = sched.line(heading)
            rate_text = line.general
            parsed = line.general_rate()
            rate = parsed.ad_valorem if parsed is not None else None
        except (DataError, KeyError):
            pass
        out[str(lst)] = ListInfo(
            str(lst),
            heading,
            rate,
            rate_text,
            date.fromisoformat(eff) if _DATE.match(eff) else None,
            str(grp["rate_note"].iloc[0]),
        )
    return out


class Section301Index:
    """HTS8 -> Section 301 lists in force (built once)."""

    def __init__(self, measures: pd.DataFrame, infos: Mapping[str, ListInfo]) -> None:
        self.infos = dict(infos)
        self._by_hts: dict[str, list[str]] = {}
        for hts, lst in measures[["hts", "list"]].itertuples(index=False):
            self._by_hts.setdefault(hts, [])
            if lst not in self._by_hts[hts]:
                self._by_hts[hts].append(lst)

    def lists_for(self, hts: str) -> list[str]:
        code = clean_hts(hts, field="hts", lengths=(8, 10))
        return list(self._by_hts.get(code[:8], []))

    def rate_for(self, lists: list[str]) -> float | None:
        rates = [self.infos[x].rate for x in lists if self.infos[x].rate is not None]
        return max(r for r in rates if r is not None) if rates else None

    def __len__(self) -> int:
        return len(self._by_hts)


@lru_cache(maxsize=1)
def default_index() -> Section301Index:
    raw = pd.read_parquet(bundled(BUNDLED_301))
    return Section301Index(load_section301(), list_infos(raw))


def section301_lists_for(hts: str) -> list[str]:
    """Section 301 lists in force that name this HTS8 (an HTS10 is looked up by its first 8 digits).

    ``section301_lists_for("8507600020")`` -> ``["List 3"]``. Raises :class:`DataError` (field ``hts``)
    for a malformed code.
    """
    return default_index().lists_for(hts)
