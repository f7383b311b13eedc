"""The lists the index is built from: the bundled SDN and UFLPA lists, plus any loaded into a warehouse."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from supplyscope.data.paths import bundled
from supplyscope.errors import DataError
from supplyscope.screening.index import ScreeningIndex
from supplyscope.screening.lists import COLUMNS


@lru_cache(maxsize=1)
def bundled_meta() -> dict[str, dict[str, Any]]:
    """Version, counts, source and caveat of each bundled list (``screening/lists.json``)."""
    meta: dict[str, dict[str, Any]] = json.loads(bundled("screening/lists.json").read_text(encoding="utf-8"))
    return meta


def bundled_entities() -> pd.DataFrame:
    """Every bundled list entry, canonical columns."""
    frames = [pd.read_parquet(bundled(f"screening/{m['file']}")) for m in bundled_meta().values()]
    return pd.concat(frames, ignore_index=True)[COLUMNS]


def warehouse_entities(db: Path | str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Entries loaded into a warehouse, and the version (checksum and load time) of each source."""
    from supplyscope.data.warehouse import Warehouse

    with Warehouse.open(db, read_only=True) as wh:
        df = wh.query("SELECT * FROM screening_entities ORDER BY entity_id")
        log = wh.query(
            "SELECT source, checksum, loaded_at, detail FROM load_log WHERE table_name = 'screening_entities'"
        )
    versions = {
        str(r.source): f"{r.detail or ''}; sha256 {str(r.checksum)[:12]}; loaded {r.loaded_at}".lstrip("; ")
        for r in log.itertuples()
    }
    for col in ("aliases", "addresses", "programs"):
        df[col] = df[col].map(lambda v: list(v) if v is not None else [])
    return df[COLUMNS], versions


def load_index(db: Path | str | None = None, *, include_bundled: bool = True) -> ScreeningIndex:
    """Build the screening index: bundled SDN + UFLPA, plus the lists in warehouse ``db`` if given.

    An entry loaded into the warehouse replaces a bundled entry with the same ``entity_id`` (a newer
    SDN list loaded from the CSL, for instance, supersedes the bundled May 2024 entries). The
    bundled-only index is built once per process and shared (it is never modified after building).
    """
    if db is None and include_bundled:
        return _bundled_index()
    return _build(db, include_bundled)


@lru_cache(maxsize=1)
def _bundled_index() -> ScreeningIndex:
    return _build(None, True)


def _build(db: Path | str | None, include_bundled: bool) -> ScreeningIndex:
    frames: list[pd.DataFrame] = []
    versions: dict[str, str] = {}
    if include_bundled:
        frames.append(bundled_entities())
        versions.update({f"{k} (bundled)": str(m["version"]) for k, m in bundled_meta().items()})
    if db is not None:
        wdf, wver = warehouse_entities(db)
        frames.append(wdf)
        versions.update(wver)
    if not frames:
        raise DataError("no screening lists: keep the bundled lists or give a warehouse with lists loaded")
    df = pd.concat(frames, ignore_index=True)
    df = df.drop_duplicates("entity_id", keep="last")
    return ScreeningIndex(df, versions)
