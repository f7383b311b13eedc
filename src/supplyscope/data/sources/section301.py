"""USTR Section 301 (China) list annexes -> the canonical ``trade_measures`` frame.

The bundled file (Lists 1, 2, 3, 4A, 4B) carries each list's chapter 99 heading, start date and rate note.
List 4B never took effect and is left out; 11 chapter 98/99 header rows picked up from the PDFs are
dropped. Both are counted in ``df.attrs``. Product exclusions granted by USTR are not in the file.
:func:`section301_listed` gives HTS8 -> lists from a cache keyed by the file's checksum (no pandas when warm).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supplyscope.data.cache import cached_json
from supplyscope.data.paths import bundled
from supplyscope.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

BUNDLED_301 = "tariffs/section301_china_lists_1_to_4.parquet"
SOURCE_301 = "USTR Section 301 list annexes via mitsuoxv/us-tariffs-on-china@0665b94c"
NOT_IN_FORCE = frozenset({"List 4B"})
COLUMNS = ["list", "hts8", "effective", "rate_note", "chapter99_heading", "is_chapter98_99_header"]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PCT = re.compile(r"(\d+(?:\.\d+)?)\s*%")


def _bool(v: object) -> bool:
    return str(v).strip().lower() in ("true", "1", "yes")


def read_raw(path: str | Path | None = None) -> pd.DataFrame:
    """The list file as stored (all lists, header rows flagged); :class:`DataError` if columns are missing."""
    import pandas as pd

    p = Path(path) if path is not None else bundled(BUNDLED_301)
    try:
        raw = pd.read_parquet(p) if p.suffix == ".parquet" else pd.read_csv(p, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read Section 301 list file: {exc}", source=str(p)) from None
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"not a Section 301 list file: missing columns {missing}", source=str(p), field=missing[0])
    raw.attrs["path"] = str(p)
    return raw


def load_section301(path: str | Path | None = None) -> pd.DataFrame:
    """Rows of the lists in force, in the ``trade_measures`` shape (``rate`` = the list's last rate in its note).

    A malformed HTS8 or date raises :class:`DataError` naming the row and column.
    """
    import pandas as pd

    raw = read_raw(path)
    src = str(raw.attrs.get("path", BUNDLED_301))
    rows = []
    headers = not_in_force = 0
    for i, (lst, hts8, eff, note, _h99, is_hdr) in enumerate(raw[COLUMNS].itertuples(index=False), start=1):
        if _bool(is_hdr):
            headers += 1
            continue
        if lst in NOT_IN_FORCE:
            not_in_force += 1
            continue
        code = re.sub(r"[\s.]", "", str(hts8))
        if not (code.isdigit() and len(code) == 8):
            raise DataError(f"malformed HTS8 {hts8!r}", source=src, row=i, field="hts8")
        if not _DATE.match(str(eff)):
            raise DataError(f"effective date {eff!r} is not YYYY-MM-DD", source=src, row=i, field="effective")
        pcts = _PCT.findall(str(note))
        rate = float(pcts[-1]) / 100.0 if pcts else None
        rows.append(
            (
                f"section301:{lst}",
                code,
                date.fromisoformat(str(eff)),
                "301",
                rate,
                str(lst),
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


@lru_cache(maxsize=1)
def bundled_section301() -> pd.DataFrame:
    """The bundled lists in force, read once per process (do not mutate)."""
    return load_section301()


LISTED_VERSION = "section301-listed-1"
"""Bump when :func:`load_section301`'s filtering changes (invalidates the cache of :func:`section301_listed`)."""


def section301_listed(path: str | Path | None = None) -> dict[str, list[str]]:
    """HTS8 -> the lists in force naming it (sorted), from :func:`load_section301`; cached per file checksum."""
    p = Path(path) if path is not None else bundled(BUNDLED_301)

    def build() -> dict[str, list[str]]:
        out: dict[str, set[str]] = {}
        for hts, lst in load_section301(p)[["hts", "list"]].itertuples(index=False):
            out.setdefault(str(hts), set()).add(str(lst))
        return {k: sorted(v) for k, v in sorted(out.items())}

    doc: dict[str, list[str]] = cached_json("section301-listed", [p], LISTED_VERSION, build)
    return doc


def section301_derived(name: str, version: str, derive: Callable[[], Any]) -> Any:
    """``derive()`` (plain JSON data built from the bundled lists, the bundled HTS and the bundled HS 2017 -> 2022
    rows), cached under ``$SUPPLYSCOPE_HOME/cache`` keyed by the three files' checksums and ``version``."""
    from supplyscope.data.sources.hs_concordance import BUNDLED_HS_CHANGES
    from supplyscope.data.sources.hts import BUNDLED_HTS

    files = [bundled(BUNDLED_301), bundled(BUNDLED_HTS), bundled(BUNDLED_HS_CHANGES)]
    return cached_json(name, files, f"{LISTED_VERSION}:{version}", derive)
