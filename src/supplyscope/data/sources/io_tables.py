"""The bundled input-output files, read as arrays and tables (the model is built in ``supplyscope.inputoutput``).

* ``io/oecd_icio2025_y2022_80c50s.npz``: OECD ICIO 2025 release, 2022, 80 countries × 50 sectors
  (sector-major node order, rest of world dropped upstream; see ``data/bundled/io/PROVENANCE.md``);
* ``io/bea/*.parquet``: BEA Use, Make and Import tables (detail 2017, summary 2023) and industry names.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.errors import DataError

ICIO_2022 = "io/oecd_icio2025_y2022_80c50s.npz"

BEA_FILES: dict[str, tuple[str, str, str, str]] = {
    "detail2017": (
        "io/bea/Detail_Use_2017_PRO_BeforeRedef_17sch.parquet",
        "io/bea/Detail_Make_2017_BeforeRedef_17sch.parquet",
        "io/bea/Detail_Import_2017_BeforeRedef_17sch.parquet",
        "io/bea/Detail_IndustryCodeName_2017.parquet",
    ),
    "summary2023": (
        "io/bea/Summary_Use_2023_PRO_BeforeRedef_17sch.parquet",
        "io/bea/Summary_Make_2023_BeforeRedef_17sch.parquet",
        "io/bea/Summary_Import_2023_BeforeRedef_17sch.parquet",
        "io/bea/Summary_IndustryCodeName_2017.parquet",
    ),
}
"""Use, Make, Import and industry-name files of each bundled BEA table."""


def icio_npz_path(path: Path | str | None = None) -> Path:
    """``path``, or the bundled ICIO 2022 extract."""
    return Path(path) if path is not None else bundled(ICIO_2022)


def read_npz(path: Path | str | None = None) -> dict[str, np.ndarray]:
    """Every array of an ICIO ``.npz`` extract (default: the bundled one); :class:`DataError` if unreadable."""
    target = icio_npz_path(path)
    try:
        with np.load(target, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read the table: {exc}", source=str(target)) from exc


def read_bea_files(table: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Use, Make, Import and names frames of a bundled BEA table (a key of :data:`BEA_FILES`)."""
    use_f, make_f, imp_f, names_f = BEA_FILES[table]
    return (
        pd.read_parquet(bundled(use_f)),
        pd.read_parquet(bundled(make_f)),
        pd.read_parquet(bundled(imp_f)),
        pd.read_parquet(bundled(names_f)),
    )


def bea_detail_use() -> pd.DataFrame:
    """The bundled BEA 2017 detail Use table (before redefinitions, producer prices, USD million), one row per code."""
    return pd.read_parquet(bundled(BEA_FILES["detail2017"][0]))
