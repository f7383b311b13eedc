"""Where files live: the bundled data inside the package and the user's warehouse home."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from supplyscope.errors import DataError

BUNDLED_DIR = Path(__file__).resolve().parent / "bundled"


def bundled(relative: str) -> Path:
    """Path of a bundled data file, e.g. ``bundled("codes/<file>.parquet")``."""
    path = BUNDLED_DIR / relative
    if not path.exists():
        raise DataError("bundled file is missing; reinstall the package", source=str(path))
    return path


def home() -> Path:
    """Directory for the warehouse and outputs: ``$SUPPLYSCOPE_HOME`` or the user data directory."""
    env = os.environ.get("SUPPLYSCOPE_HOME")
    base = Path(env) if env else Path(platformdirs.user_data_dir("supplyscope"))
    base.mkdir(parents=True, exist_ok=True)
    return base


def default_db() -> Path:
    """Default warehouse file: ``<home>/warehouse.duckdb``."""
    return home() / "warehouse.duckdb"


def tariff_data_files() -> list[Path]:
    """The bundled files that decide a US duty stack: the HTS schedule, the Section 301 lists, the HS 2017 -> 2022
    rows of the 301 successors (cache keys are built from them; country files: ``codes.countries.country_files``)."""
    from supplyscope.data.sources import hs_concordance, hts, section301

    names = (
        hts.BUNDLED_HTS,
        section301.BUNDLED_301,
        hs_concordance.BUNDLED_HS_CHANGES,
    )
    return [bundled(name) for name in names]
