"""HS 2017 -> HS 2022 correlation rows for the Section 301 subheadings that HS 2022 changed.

The bundled file holds the rows of the Growth Lab trade-weighted conversion table (HS 2017 "H5" -> HS 2022
"H6", weight > 0, shares summing to 1 per HS 2017 code) for the 129 HS 2017 subheadings of listed 301 codes
that no longer exist in HTS 2026; ``hs2022_in_hs2017`` says whether the HS 2022 target already existed in
HS 2017 (goods moved into a continuing subheading). Read with the standard library (no pandas).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from supplyscope.data.paths import bundled
from supplyscope.errors import DataError

BUNDLED_HS_CHANGES = "tariffs/hs2017_to_hs2022_section301.csv"
SOURCE_HS_CHANGES = (
    "Harvard Growth Lab HS conversion weights H5->H6 (PyPI atlas-common-data==1.1.1, Apache-2.0), "
    "rows for changed Section 301 subheadings"
)
_COLUMNS = ("hs2017", "hs2022", "weight", "group_id", "hs2022_in_hs2017")


@dataclass(frozen=True)
class HsChange:
    """One HS 2017 -> HS 2022 correlation row: the trade-weighted share of the old code found in the new one."""

    hs2017: str
    hs2022: str
    weight: float
    hs2022_in_hs2017: bool


def _code(v: str, src: str, row: int, name: str) -> str:
    if not (len(v) == 6 and v.isdigit()):
        raise DataError(f"not a 6-digit HS code: {v!r}", source=src, row=row, field=name)
    return v


def load_hs_changes(path: str | Path | None = None) -> tuple[HsChange, ...]:
    """The correlation rows; :class:`DataError` naming the file, row and field for a malformed value."""
    p = Path(path) if path is not None else bundled(BUNDLED_HS_CHANGES)
    src = str(p)
    try:
        with p.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise DataError(f"missing columns {missing}", source=src, field=missing[0])
            rows = list(reader)
    except OSError as exc:
        raise DataError(f"cannot read HS correlation file: {exc}", source=src) from None
    out = []
    for i, r in enumerate(rows, start=1):
        try:
            weight = float(r["weight"])
        except ValueError:
            raise DataError(f"weight {r['weight']!r} is not a number", source=src, row=i, field="weight") from None
        if not 0 < weight <= 1:
            raise DataError(f"weight {weight} is not in (0, 1]", source=src, row=i, field="weight")
        flag = r["hs2022_in_hs2017"].strip().lower()
        if flag not in ("true", "false"):
            raise DataError(f"expected true/false, got {flag!r}", source=src, row=i, field="hs2022_in_hs2017")
        out.append(
            HsChange(_code(r["hs2017"], src, i, "hs2017"), _code(r["hs2022"], src, i, "hs2022"), weight, flag == "true")
        )
    return tuple(out)


@lru_cache(maxsize=1)
def bundled_hs_changes() -> tuple[HsChange, ...]:
    """The bundled rows, read once per process."""
    return load_hs_changes()
