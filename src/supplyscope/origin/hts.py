"""Loader for the USITC HTS export and a rate index by HTS8/HTS10.

The loader reads the full USITC export (CSV, gzipped CSV, Parquet with the same columns, or the
USITC JSON export) into the canonical ``tariff_lines`` shape. :class:`HtsSchedule` then answers
"what are the general, special and column 2 rates of this HTS10?" — 10-digit statistical lines
inherit the rates of the line above them, as the HTS prints them.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.errors import DataError, NotFoundError
from supplyscope.origin.codes import clean_hts, dotted
from supplyscope.origin.rates import Rate, parse_rate, parse_special

BUNDLED_HTS = "tariffs/hts_2026_revision_4.parquet"
HTS_SOURCE = "USITC HTS 2026 Basic Edition, Revision 4"
HTS_VALID_FROM = date(2026, 1, 1)

_USITC_COLUMNS = {
    "HTS Number": "hts",
    "Indent": "indent",
    "Description": "description",
    "General Rate of Duty": "general",
    "Special Rate of Duty": "special",
    "Column 2 Rate of Duty": "column2",
}
_JSON_KEYS = {
    "htsno": "hts",
    "indent": "indent",
    "description": "description",
    "general": "general",
    "special": "special",
    "other": "column2",
}


def _read_raw(path: Path) -> pd.DataFrame:
    name = path.name.lower()
    if name.endswith(".parquet"):
        return pd.read_parquet(path)
    if name.endswith(".json") or name.endswith(".json.gz"):
        opener = gzip.open if name.endswith(".gz") else open
        try:
            with opener(path, "rt", encoding="utf-8") as fh:
                rows = json.load(fh)
        except (OSError, json.JSONDecodeError) as exc:
            raise DataError(f"cannot read USITC JSON export: {exc}", source=str(path)) from None
        if not isinstance(rows, list):
            raise DataError("USITC JSON export must be a list of lines", source=str(path))
        df = pd.DataFrame(rows)
        missing = [k for k in _JSON_KEYS if k not in df.columns]
        if missing:
            raise DataError(f"USITC JSON export lacks keys {missing}", source=str(path), field=missing[0])
        return df.rename(columns={k: v for k, v in _JSON_KEYS.items()}).rename(
            columns={v: k for k, v in _USITC_COLUMNS.items()}
        )
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def load_hts(path: str | Path | None = None, *, valid_from: date = HTS_VALID_FROM) -> pd.DataFrame:
    """Read a USITC HTS export into the canonical ``tariff_lines`` frame.

    Rows without an HTS number (the USITC export has a few heading-only rows) are skipped and
    counted in ``df.attrs["skipped_blank"]``; any other malformed row raises :class:`DataError`
    naming the file, the row (1-based data row) and the column.
    """
    p = Path(path) if path is not None else bundled(BUNDLED_HTS)
    raw = _read_raw(p)
    missing = [c for c in _USITC_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"not a USITC HTS export: missing columns {missing}", source=str(p), field=missing[0])
    records = []
    skipped = 0
    for i, rec in enumerate(raw[list(_USITC_COLUMNS)].itertuples(index=False), start=1):
        hts_raw, indent, desc, general, special, col2 = rec
        if hts_raw is None or (isinstance(hts_raw, float)) or str(hts_raw).strip() == "":
            skipped += 1
            continue
        hts = clean_hts(str(hts_raw), field="HTS Number", source=str(p), row=i)
        try:
            ind = int(str(indent).strip())
        except ValueError:
            raise DataError(f"indent {indent!r} is not an integer", source=str(p), row=i, field="Indent") from None
        records.append((hts, valid_from, ind, _s(desc) or "", _s(general), _s(special), _s(col2), p.name))
    df = pd.DataFrame.from_records(
        records, columns=["hts", "valid_from", "indent", "description", "general", "special", "column2", "source"]
    )
    dup = df["hts"].duplicated()
    if dup.any():
        first = int(dup.to_numpy().nonzero()[0][0])
        raise DataError(
            f"duplicate HTS number {df['hts'].iloc[first]}", source=str(p), row=first + 1, field="HTS Number"
        )
    df.attrs["skipped_blank"] = skipped
    return df


def _s(v: object) -> str | None:
    if v is None or (isinstance(v, float) and v != v):
        return None
    s = str(v).strip()
    return s or None


@dataclass(frozen=True)
class TariffLine:
    """The rates that apply to one HTS line (inherited from the rate-bearing line above it)."""

    hts: str
    description: str
    rate_line: str
    general: str | None
    special: str | None
    column2: str | None

    def general_rate(self) -> Rate | None:
        return parse_rate(self.general) if self.general else None

    def column2_rate(self) -> Rate | None:
        return parse_rate(self.column2) if self.column2 else None

    def special_rates(self) -> dict[str, Rate]:
        return parse_special(self.special)


class HtsSchedule:
    """Index of an HTS export: HTS8/HTS10 -> :class:`TariffLine` (built once, queried many times)."""

    def __init__(self, lines: pd.DataFrame) -> None:
        self._lines: dict[str, TariffLine] = {}
        self._desc: dict[str, str] = {}
        stack: list[tuple[int, str, str | None, str | None, str | None]] = []
        for hts, indent, desc, general_raw, special_raw, col2_raw in lines[
            ["hts", "indent", "description", "general", "special", "column2"]
        ].itertuples(index=False):
            general, special, col2 = _s(general_raw), _s(special_raw), _s(col2_raw)
            self._desc[hts] = str(desc)
            if len(hts) == 4:
                stack = []
            while stack and stack[-1][0] >= indent:
                stack.pop()
            if general is not None:
                line = TariffLine(hts, desc, hts, general, special, col2)
                stack.append((indent, hts, general, special, col2))
            else:
                parent = next((s for s in reversed(stack) if s[2] is not None and hts.startswith(s[1][:8])), None)
                line = (
                    TariffLine(hts, desc, parent[1], parent[2], parent[3], parent[4])
                    if parent
                    else TariffLine(hts, desc, hts, None, None, None)
                )
                stack.append((indent, hts, None, None, None))
            if len(hts) in (8, 10):
                self._lines[hts] = line

    def line(self, hts: str) -> TariffLine:
        """Rates for an HTS8 or HTS10 (dots allowed); :class:`NotFoundError` when not in the schedule."""
        code = clean_hts(hts, field="hts", lengths=(8, 10))
        found = self._lines.get(code)
        if found is None and len(code) == 10:
            found = self._lines.get(code[:8])
        if found is None:
            near = sorted(k for k in self._lines if k[:6] == code[:6])
            raise NotFoundError("HTS line", dotted(code), [dotted(k) for k in near])
        return found

    def description(self, hts: str) -> str | None:
        return self._desc.get(hts)

    def __contains__(self, hts: str) -> bool:
        return hts in self._lines


@lru_cache(maxsize=2)
def default_schedule() -> HtsSchedule:
    """The bundled 2026 HTS (Revision 4), indexed once per process."""
    return HtsSchedule(load_hts())
