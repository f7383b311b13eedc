"""The bundled USGS files of the minerals area, read as text tables (parsing is in ``supplyscope.minerals``).

* ``minerals/usgs_mcs2026_world_production_reserves.parquet``: MCS 2026 world tables, one row per
  commodity and country, raw cells as printed (``W``, ``—``, ``NA`` ... kept);
* ``minerals/usgs_mcs2026_us_import_reliance_and_sources.parquet``: US net import reliance and
  import sources;
* ``minerals/us_critical_minerals_list_2022_2025.parquet``: the 2022 and 2025 US lists;
* the bundled location names (through :mod:`supplyscope.codes.countries`), to read USGS country labels.

See ``data/bundled/minerals/PROVENANCE.md`` for sources, versions and caveats.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.errors import DataError

MCS_FILE = "minerals/usgs_mcs2026_world_production_reserves.parquet"
RELIANCE_FILE = "minerals/usgs_mcs2026_us_import_reliance_and_sources.parquet"
LISTS_FILE = "minerals/us_critical_minerals_list_2022_2025.parquet"


def read_text_table(path: Path | str) -> pd.DataFrame:
    """A Parquet (all columns as objects) or UTF-8 CSV (all text) table; :class:`DataError` if unreadable."""
    target = Path(path)
    try:
        if target.suffix == ".parquet":
            return pd.read_parquet(target).astype("object")
        return pd.read_csv(target, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(f"cannot read the table: {exc}", source=str(target)) from None


def mcs_world_path(path: Path | str | None = None) -> Path:
    """``path``, or the bundled MCS 2026 world table."""
    return Path(path) if path is not None else bundled(MCS_FILE)


def read_mcs_world_raw(path: Path | str | None = None) -> pd.DataFrame:
    """The MCS world table as printed (a user's copy at ``path``, else the bundled MCS 2026 file)."""
    return read_text_table(mcs_world_path(path))


def read_reliance_raw() -> tuple[pd.DataFrame, str]:
    """The bundled net-import-reliance and import-sources table, and its path for error messages."""
    path = bundled(RELIANCE_FILE)
    return pd.read_parquet(path), str(path)


def read_critical_lists_raw() -> tuple[pd.DataFrame, str]:
    """The bundled 2022/2025 critical-minerals lists table, and its path for error messages."""
    path = bundled(LISTS_FILE)
    return pd.read_parquet(path), str(path)
