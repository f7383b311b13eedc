"""USTR Section 301 China lists (HTS8 annexes of the Federal Register notices) → ``trade_measures``."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from supplyscope.data.validate import ROW_COLUMN
from supplyscope.errors import DataError

# List 4B was published but suspended before it took effect (84 FR 69447, Dec 2019).
NOT_IN_FORCE = {"List 4B"}


def _rate(note: str, source: str, row: int) -> float:
    m = re.search(r"(\d+(?:\.\d+)?)\s*%", note or "")
    if not m:
        raise DataError(f"no ad valorem rate in {note!r}", source=source, row=row, field="rate_note")
    return float(m.group(1)) / 100.0


def read_section301(path: Path) -> pd.DataFrame:
    """Read the lists table (columns list, hts8, effective, rate_note, chapter99_heading, ...).

    Chapter 98/99 header rows picked up from the PDFs are skipped; List 4B is skipped as it never
    took effect. Every other row must have an 8-digit HTS code and a rate.
    """
    name = path.name
    df = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, dtype=str)
    df = df.assign(**{ROW_COLUMN: np.arange(1, len(df) + 1)})
    for col in ("list", "hts8", "effective", "rate_note"):
        if col not in df.columns:
            raise DataError("column is missing", source=name, field=col)
    header = df.get("is_chapter98_99_header", pd.Series(False, index=df.index)).astype(str).str.lower() == "true"
    df = df[~header & ~df["list"].isin(NOT_IN_FORCE)]
    bad = ~df["hts8"].astype(str).str.fullmatch(r"\d{8}")
    if bad.any():
        r = df[bad].iloc[0]
        raise DataError(f"HTS8 must be 8 digits, got {r['hts8']!r}", source=name, row=int(r[ROW_COLUMN]), field="hts8")
    rates = [_rate(n, name, int(r)) for n, r in zip(df["rate_note"], df[ROW_COLUMN], strict=True)]
    out = pd.DataFrame(
        {
            "measure": "section301:" + df["list"],
            "hts": df["hts8"],
            "valid_from": pd.to_datetime(df["effective"]).dt.date,
            "kind": "301",
            "rate": rates,
            "list": df["list"],
            "exclusions": None,
            "source": f"section301:{name}",
            ROW_COLUMN: df[ROW_COLUMN],
        }
    )
    return out.drop_duplicates(["measure", "hts", "valid_from"]).reset_index(drop=True)
