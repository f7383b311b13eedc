"""The bundled refining / processing-stage shares (``minerals/refining_stage_shares.csv``).

One row per mineral, stage, year and country: the country's share of world output at that stage in
percent (``share_pct``; ``>75`` is a lower bound), with a confidence label (H, M, L: see
``minerals/PROVENANCE.md``), the basis and a citation for every figure. ``Other countries`` and
``World total`` (= 100) are aggregate rows, so the shares load like a USGS world table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.errors import DataError

REFINING_FILE = "minerals/refining_stage_shares.csv"
REFINING_COLUMNS = (
    "mineral",
    "stage",
    "year",
    "country",
    "share_pct",
    "status",
    "confidence",
    "basis",
    "source",
    "citation",
)
CONFIDENCE = ("H", "M", "L")
STATUSES = ("reported", "derived", "lower_bound")
UNIT = "percent of world output at this stage"
_SHARE = re.compile(r"^(>)?(\d+(?:\.\d+)?)$")


def refining_path(path: Path | str | None = None) -> Path:
    """``path``, or the bundled refining-stage table."""
    return Path(path) if path is not None else bundled(REFINING_FILE)


def read_refining_shares(path: Path | str | None = None) -> pd.DataFrame:
    """The stage-share rows, checked; columns :data:`REFINING_COLUMNS` plus ``amount``, ``unit``, ``_row``.

    ``amount`` is the share in percent as a number (the bound for ``>N``). A bad cell raises
    :class:`DataError` naming the file, row and field; nothing is dropped.
    """
    target = refining_path(path)
    source = str(target)
    try:
        raw = pd.read_csv(target, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise DataError("file not found", source=source) from None
    missing = [c for c in REFINING_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"missing column(s) {missing}", source=source, field=missing[0])
    amounts: list[float] = []
    for i, rec in enumerate(raw.to_dict("records")):
        row = i + 2
        for col in REFINING_COLUMNS:
            if not str(rec[col]).strip():
                raise DataError("value is required", source=source, row=row, field=col)
        m = _SHARE.match(str(rec["share_pct"]).strip())
        if not m or not 0 <= float(m.group(2)) <= 100:
            raise DataError(
                f"expected a percentage 0-100 (or >N), got {rec['share_pct']!r}",
                source=source,
                row=row,
                field="share_pct",
            )
        if bool(m.group(1)) != (rec["status"] == "lower_bound"):
            raise DataError("'>N' and status lower_bound go together", source=source, row=row, field="status")
        if rec["status"] not in STATUSES:
            raise DataError(f"status must be one of {STATUSES}", source=source, row=row, field="status")
        if rec["confidence"] not in CONFIDENCE:
            raise DataError(f"confidence must be one of {CONFIDENCE}", source=source, row=row, field="confidence")
        if not str(rec["year"]).isdigit():
            raise DataError(f"year must be an integer, got {rec['year']!r}", source=source, row=row, field="year")
        amounts.append(float(m.group(2)))
    out = raw.assign(amount=amounts, unit=UNIT, _row=range(2, len(raw) + 2))
    out["year"] = out["year"].astype("int64")
    listed = out[~out["country"].isin(["World total"])]
    over = listed.groupby(["mineral", "stage", "year"])["amount"].sum()
    if (over > 100.5).any():
        key = over[over > 100.5].index[0]
        raise DataError(f"shares of {key} add up to {over[key]:g}% (> 100)", source=source, field="share_pct")
    return out
