"""Export the warehouse's canonical tables as Parquet, once, for engines that read files (Spark).

``supplyscope data export --parquet DIR`` writes ``DIR/<table>.parquet`` for every table and a
``manifest.json`` naming the warehouse it came from (path, size, modification time) and each table's row
count. :func:`exported_tables` reuses an export while the warehouse is unchanged, so ``assess --engine
spark`` reads Parquet that was written once instead of copying every table through the driver per run.
DuckDB writes the files (no Spark, no pandas): the export streams table by table.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from supplyscope.data.paths import home
from supplyscope.data.warehouse import Warehouse, first_row
from supplyscope.errors import DataError

MANIFEST = "manifest.json"


def warehouse_identity(wh: Warehouse) -> dict[str, Any]:
    """What identifies the warehouse's content: its resolved path, size and modification time."""
    if wh.path == ":memory:":
        raise DataError("an in-memory warehouse cannot be exported once and reused; open a file", source=wh.path)
    st = Path(wh.path).stat()
    return {"warehouse": str(Path(wh.path).resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def table_names(wh: Warehouse) -> list[str]:
    """Every base table of the warehouse, by name."""
    rows = wh.con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def export_parquet(wh: Warehouse, out: Path, tables: Sequence[str] | None = None) -> dict[str, int]:
    """Write each table (all when ``tables`` is None) to ``out/<table>.parquet``; return the rows written."""
    known = table_names(wh)
    chosen = list(tables) if tables is not None else known
    missing = [t for t in chosen if t not in known]
    if missing:
        raise DataError(f"no such table(s) {missing} in the warehouse", source=wh.path)
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).unlink(missing_ok=True)  # an interrupted export never looks complete
    counts: dict[str, int] = {}
    for name in chosen:
        target = str(out / f"{name}.parquet").replace("'", "''")
        quoted = '"' + name.replace('"', '""') + '"'
        row = first_row(
            wh.con.execute(f"COPY (SELECT * FROM {quoted}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)").fetchall()
        )
        counts[name] = int(row[0]) if row else 0
    manifest = {**warehouse_identity(wh), "tables": counts}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return counts


def read_manifest(directory: Path) -> dict[str, Any] | None:
    """The manifest of an export (``None`` when the directory holds no complete export)."""
    path = directory / MANIFEST
    if not path.is_file():
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"unreadable export manifest: {exc}", source=str(path)) from exc
    return data


def default_export_dir(wh: Warehouse) -> Path:
    """``$SUPPLYSCOPE_HOME/export/<key of the warehouse identity>``."""
    key = hashlib.sha256(json.dumps(warehouse_identity(wh), sort_keys=True).encode()).hexdigest()[:16]
    return home() / "export" / key


def exported_tables(wh: Warehouse, tables: Sequence[str], directory: Path | None = None) -> dict[str, Path]:
    """Parquet files of ``tables`` from an export of this warehouse, written now only if none is current.

    ``directory`` (for example a shared disk a cluster can read) defaults to :func:`default_export_dir`.
    """
    where = directory if directory is not None else default_export_dir(wh)
    manifest = read_manifest(where)
    current = (
        manifest is not None
        and {k: manifest.get(k) for k in ("warehouse", "size", "mtime_ns")} == warehouse_identity(wh)
        and all(t in manifest.get("tables", {}) for t in tables)
    )
    if not current:
        earlier = set((manifest or {}).get("tables", {})) & set(table_names(wh))
        export_parquet(wh, where, sorted(set(tables) | earlier))
    return {t: where / f"{t}.parquet" for t in tables}
