"""USITC Harmonized Tariff Schedule export -> the canonical ``tariff_lines`` frame (plus units of quantity).

Reads the full USITC export (CSV, gzipped CSV, Parquet with the same columns, or the USITC JSON export).
Rows without an HTS number (a few heading-only rows) are skipped and counted; any other malformed row
raises :class:`DataError` naming the file, the 1-based data row and the column.

:func:`hts_rows` gives the same lines as plain rows, parsed once and cached under ``$SUPPLYSCOPE_HOME/cache``
keyed by the file's checksum, so the ``duty`` command does not import pandas. pandas is imported lazily.
"""

from __future__ import annotations

import gzip
import json
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

BUNDLED_HTS = "tariffs/hts_2026_revision_4.parquet"
HTS_SOURCE = "USITC HTS 2026 Basic Edition, Revision 4"
HTS_VALID_FROM = date(2026, 1, 1)
"""First day of the bundled edition (the Basic Edition's date; Revision 4 is its fourth amendment)."""

_USITC_COLUMNS = {
    "HTS Number": "hts",
    "Indent": "indent",
    "Description": "description",
    "General Rate of Duty": "general",
    "Special Rate of Duty": "special",
    "Column 2 Rate of Duty": "column2",
}
_JSON_KEYS = {
    "htsno": "HTS Number",
    "indent": "Indent",
    "description": "Description",
    "general": "General Rate of Duty",
    "special": "Special Rate of Duty",
    "other": "Column 2 Rate of Duty",
    "units": "Unit of Quantity",
}
_CLEAN = re.compile(r"[\s.]")


def _read_raw(path: Path) -> pd.DataFrame:
    import pandas as pd

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
        missing = [k for k in list(_JSON_KEYS)[:6] if k not in df.columns]
        if missing:
            raise DataError(f"USITC JSON export lacks keys {missing}", source=str(path), field=missing[0])
        return df.rename(columns=_JSON_KEYS)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(f"cannot read USITC CSV export: {exc}", source=str(path)) from None


def _s(v: object) -> str | None:
    if v is None or (isinstance(v, float) and v != v):
        return None
    s = str(v).strip()
    return s or None


def _units(v: object) -> str | None:
    """``'["No.","kg"]'`` -> ``'No.;kg'`` (the units of quantity in reporting order)."""
    s = _s(v)
    if s is None:
        return None
    if isinstance(v, list | tuple):
        items = [str(x) for x in v]
    else:
        try:
            parsed = json.loads(s)
            items = [str(x) for x in parsed] if isinstance(parsed, list) else [s]
        except json.JSONDecodeError:
            items = [s]
    items = [i.strip() for i in items if i.strip()]
    return ";".join(items) or None


def load_hts(path: str | Path | None = None, *, valid_from: date = HTS_VALID_FROM, units: bool = False) -> pd.DataFrame:
    """Read a USITC HTS export into the canonical ``tariff_lines`` frame (plus ``units`` of quantity if asked).

    ``df.attrs["skipped_blank"]`` counts rows without an HTS number.
    """
    import pandas as pd

    p = Path(path) if path is not None else bundled(BUNDLED_HTS)
    raw = _read_raw(p)
    missing = [c for c in _USITC_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"not a USITC HTS export: missing columns {missing}", source=str(p), field=missing[0])
    units_col = raw["Unit of Quantity"] if "Unit of Quantity" in raw.columns else pd.Series([None] * len(raw))
    records = []
    skipped = 0
    cols = [*_USITC_COLUMNS]
    for i, (rec, unit_raw) in enumerate(zip(raw[cols].itertuples(index=False), units_col, strict=True), start=1):
        hts_raw, indent, desc, general, special, col2 = rec
        if hts_raw is None or isinstance(hts_raw, float) or str(hts_raw).strip() == "":
            skipped += 1
            continue
        hts = _CLEAN.sub("", str(hts_raw))
        if not hts.isdigit() or len(hts) not in (2, 4, 6, 8, 10):
            raise DataError(f"malformed HTS number {hts_raw!r}", source=str(p), row=i, field="HTS Number")
        try:
            ind = int(str(indent).strip())
        except ValueError:
            raise DataError(f"indent {indent!r} is not an integer", source=str(p), row=i, field="Indent") from None
        records.append(
            (hts, valid_from, ind, _s(desc) or "", _s(general), _s(special), _s(col2), p.name, _units(unit_raw))
        )
    df = pd.DataFrame.from_records(
        records,
        columns=["hts", "valid_from", "indent", "description", "general", "special", "column2", "source", "units"],
    )
    dup = df["hts"].duplicated()
    if dup.any():
        first = int(dup.to_numpy().nonzero()[0][0])
        raise DataError(
            f"duplicate HTS number {df['hts'].iloc[first]}", source=str(p), row=first + 1, field="HTS Number"
        )
    if not units:
        df = df.drop(columns=["units"])
    df.attrs["skipped_blank"] = skipped
    return df


@lru_cache(maxsize=1)
def bundled_hts() -> pd.DataFrame:
    """The bundled HTS 2026 Revision 4, read once per process (do not mutate)."""
    return load_hts(units=True)


HtsRow = tuple[str, int, str, str | None, str | None, str | None, str | None]
"""hts, indent, description, general, special, column2, units (``;``-separated) — as :func:`load_hts` reads them."""
ROWS_VERSION = "hts-rows-1"
"""Bump when the layout of :data:`HtsRow` or the parsing of :func:`load_hts` changes (invalidates the cache)."""


def frame_rows(df: pd.DataFrame) -> list[HtsRow]:
    """The rows of a :func:`load_hts` frame (``units`` optional) as plain tuples."""
    units = df["units"] if "units" in df.columns else [None] * len(df)
    cols = ["hts", "indent", "description", "general", "special", "column2"]
    return [
        (str(h), int(i), str(d), _s(g), _s(sp), _s(c2), _s(u))
        for (h, i, d, g, sp, c2), u in zip(df[cols].itertuples(index=False), units, strict=True)
    ]


def hts_cached(name: str, version: str, derive: Callable[[list[HtsRow]], Any], path: str | Path | None = None) -> Any:
    """``derive(rows)`` of the HTS file ``path`` (the bundled edition by default), which must return plain JSON
    data; cached under ``$SUPPLYSCOPE_HOME/cache`` keyed by the file's SHA-256, :data:`ROWS_VERSION` and
    ``version``, so an unchanged file is neither re-read nor re-derived (and pandas is not imported)."""
    p = Path(path) if path is not None else bundled(BUNDLED_HTS)
    return cached_json(name, [p], f"{ROWS_VERSION}:{version}", lambda: derive(frame_rows(load_hts(p, units=True))))


def hts_rows(path: str | Path | None = None) -> list[HtsRow]:
    """:func:`load_hts` of ``path`` as plain rows, from the cache when the file is unchanged."""
    doc = hts_cached("hts-rows", "", lambda rows: rows, path)
    return [(str(h), int(i), str(d), g, sp, c2, u) for h, i, d, g, sp, c2, u in doc]
