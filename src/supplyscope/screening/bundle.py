"""The lists the index is built from (bundled SDN and UFLPA, plus any loaded into a warehouse), and
the on-disk index cache under ``$SUPPLYSCOPE_HOME/cache``, keyed by the lists' checksums."""

from __future__ import annotations

import hashlib
import json
import pickle
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supplyscope._version import __version__
from supplyscope.data.paths import home
from supplyscope.data.sources.screening_meta import bundled_checksums, bundled_meta
from supplyscope.errors import DataError
from supplyscope.screening.index import ScreeningIndex

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["bundled_entities", "bundled_meta", "load_index", "warehouse_entities"]

_CODE = ("cctld.py", "features.py", "index.py", "normalize.py", "vocab.py")


def bundled_entities() -> pd.DataFrame:
    """Every bundled list entry, canonical columns."""
    from supplyscope.data.sources.screening_lists import bundled_entities as entities

    return entities()


def warehouse_versions(db: Path | str) -> dict[str, str]:
    """Version (format, checksum, load time) of each list source loaded into warehouse ``db``."""
    from supplyscope.data.warehouse import Warehouse

    with Warehouse.open(db, read_only=True) as wh:
        log = wh.query(
            "SELECT source, checksum, loaded_at, detail FROM load_log WHERE table_name = 'screening_entities'"
        )
    return {
        str(r.source): f"{r.detail or ''}; sha256 {str(r.checksum)[:12]}; loaded {r.loaded_at}".lstrip("; ")
        for r in log.itertuples()
    }


def warehouse_entities(db: Path | str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Entries loaded into a warehouse, and the version (checksum and load time) of each source."""
    from supplyscope.data.sources.screening_lists import COLUMNS
    from supplyscope.data.warehouse import Warehouse

    with Warehouse.open(db, read_only=True) as wh:
        df = wh.query("SELECT * FROM screening_entities ORDER BY entity_id")
    for col in ("aliases", "addresses", "programs", "countries", "identifiers"):
        if col in df.columns:
            df[col] = df[col].map(lambda v: list(v) if v is not None else [])
    return df[COLUMNS], warehouse_versions(db)


def list_meta(db: Path | str | None, include_bundled: bool) -> list[dict[str, Any]]:
    """One record per list source: list, origin, version, entries, partial flag and caveat."""
    out: list[dict[str, Any]] = []
    if include_bundled:
        for code, m in bundled_meta().items():
            out.append(
                {
                    "list": code,
                    "origin": "bundled",
                    "version": str(m["version"]),
                    "entries": int(m["entries"]),
                    "partial": bool(m.get("partial")),
                    "caveat": str(m["caveat"]) if m.get("partial") else "",
                    "listed_on_note": str(m.get("listed_on_note", "")),
                }
            )
    if db is not None:
        for source, version in warehouse_versions(db).items():
            out.append(
                {
                    "list": source,
                    "origin": "warehouse",
                    "version": version,
                    "entries": None,
                    "partial": False,
                    "caveat": "",
                    "listed_on_note": warehouse_date_note(source),
                }
            )
    return out


def warehouse_date_note(source: str) -> str:
    """``listed_on_note`` of an undated entry loaded into a warehouse from ``source``."""
    return f"the list file loaded as {source} gives no listing date for this entry"


def _code_hash() -> str:
    here = Path(__file__).parent
    h = hashlib.sha256(__version__.encode())
    for name in _CODE:
        h.update((here / name).read_bytes())
    return h.hexdigest()


def cache_key(db: Path | str | None, include_bundled: bool) -> str:
    """Checksums of the lists (bundled files, warehouse load log) and of the matching code."""
    parts: dict[str, Any] = {"code": _code_hash()}
    if include_bundled:
        parts["bundled"] = bundled_checksums()
    if db is not None:
        parts["warehouse"] = warehouse_versions(db)
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:24]


def cache_path(key: str) -> Path:
    return home() / "cache" / f"screening-index-{key}.pkl"


def load_index(db: Path | str | None = None, *, include_bundled: bool = True, cache: bool = True) -> ScreeningIndex:
    """The screening index: bundled SDN + UFLPA, plus the lists in warehouse ``db`` if given.

    An entry loaded into the warehouse replaces a bundled entry with the same ``entity_id``. The
    index is kept in ``$SUPPLYSCOPE_HOME/cache`` keyed by the lists' checksums (and the matching
    code), so it is rebuilt only when a list changes; within a process it is built once.
    """
    key = cache_key(db, include_bundled)
    return _load(str(db) if db is not None else None, include_bundled, key, cache)


@lru_cache(maxsize=4)
def _load(db: str | None, include_bundled: bool, key: str, cache: bool) -> ScreeningIndex:
    path = cache_path(key)
    if cache and path.is_file():
        try:
            with path.open("rb") as fh:
                idx = pickle.load(fh)
            if isinstance(idx, ScreeningIndex):
                return idx
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass  # a stale or broken cache file: rebuild it
    idx = _build(db, include_bundled)
    if cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(idx, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    return idx


def _build(db: Path | str | None, include_bundled: bool) -> ScreeningIndex:
    import pandas as pd

    frames: list[pd.DataFrame] = []
    versions: dict[str, str] = {}
    if include_bundled:
        bdf = bundled_entities()
        notes = {k: str(m.get("listed_on_note", "")) for k, m in bundled_meta().items()}
        frames.append(bdf.assign(listed_on_note=bdf["list"].map(notes)))
        versions.update({f"{k} (bundled)": str(m["version"]) for k, m in bundled_meta().items()})
    if db is not None:
        wdf, wver = warehouse_entities(db)
        frames.append(wdf.assign(listed_on_note=wdf["source"].map(warehouse_date_note)))
        versions.update(wver)
    if not frames:
        raise DataError("no screening lists: keep the bundled lists or give a warehouse with lists loaded")
    df = pd.concat(frames, ignore_index=True)
    df = df.drop_duplicates("entity_id", keep="last")
    idx = ScreeningIndex(df, versions)
    idx.list_meta = list_meta(db, include_bundled)
    return idx
