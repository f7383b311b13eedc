"""The inputs' versions every report prints: each source loaded into the warehouse, its checksum and load date."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from supplyscope._version import __version__
from supplyscope.data.warehouse import Warehouse, file_checksum


def input_versions(wh: Warehouse) -> list[dict[str, Any]]:
    """One row per loaded source: name, tables, rows, checksum (first 12 hex digits) and load date."""
    log = wh.query(
        "SELECT source, STRING_AGG(DISTINCT table_name, ', ' ORDER BY table_name) AS tables, SUM(rows) AS rows, "
        "MIN(checksum) AS checksum, MAX(loaded_at) AS loaded_at FROM load_log GROUP BY source ORDER BY source"
    )
    return [
        {
            "source": str(r.source),
            "tables": str(r.tables),
            "rows": int(r.rows),
            "checksum": str(r.checksum)[:12] if r.checksum else "",
            "loaded": str(r.loaded_at)[:10],
        }
        for r in log.itertuples(index=False)
    ]


def file_version(source: str, path: Path) -> dict[str, Any]:
    """The same row for an input read straight from a file, or a folder of files (checksum over all of them).

    ``tables`` is the file's name, ``rows`` is None and ``loaded`` the file's modification date.
    """
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    if len(files) == 1:
        checksum = file_checksum(files[0])
    else:
        digest = hashlib.sha256()
        for f in files:
            digest.update(f"{f.relative_to(path).as_posix()}\0{file_checksum(f)}\n".encode())
        checksum = digest.hexdigest()
    stamp = max((f.stat().st_mtime for f in files), default=0.0)
    return {
        "source": source,
        "tables": path.name + ("/" if path.is_dir() else ""),
        "rows": None,
        "checksum": checksum[:12],
        "loaded": datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d"),
    }


def inputs_html(files: Mapping[str, Path], wh: Warehouse | None = None, extra: list[str] | None = None) -> str:
    """The "Inputs" section for a report whose inputs are ``files`` (source name → path), and ``wh``'s sources."""
    versions = [file_version(name, path) for name, path in files.items()]
    return versions_html(versions + (input_versions(wh) if wh is not None else []), extra)


def versions_html(versions: list[dict[str, Any]], extra: list[str] | None = None) -> str:
    """The "Inputs" section of an HTML report: supplyscope's version, then each source's version."""
    rows = "".join(
        f"<tr><td class=l>{html.escape(v['source'])}</td><td class=l>{html.escape(v['tables'])}</td>"
        f"<td>{'' if v['rows'] is None else format(v['rows'], ',')}</td>"
        f"<td class=l><code>{html.escape(v['checksum'])}</code></td>"
        f"<td class=l>{html.escape(v['loaded'])}</td></tr>"
        for v in versions
    )
    lines = "".join(f"<li>{html.escape(x)}</li>" for x in extra or [])
    return (
        f"<h2 id=inputs>Inputs</h2><p class=note>supplyscope {html.escape(__version__)}. Each source as loaded "
        "into the warehouse, or read from its file (checksum of the file read; for a file, "
        "the date is the file's).</p>"
        + (f"<ul class=note>{lines}</ul>" if lines else "")
        + (
            "<table><tr><th class=l>source</th><th class=l>tables</th><th>rows</th><th class=l>checksum</th>"
            f"<th class=l>loaded</th></tr>{rows}</table>"
            if rows
            else ""
        )
    )


def versions_lines(versions: list[dict[str, Any]]) -> list[str]:
    """The same, as plain lines for the terminal or a workbook's "about" sheet."""
    return [f"supplyscope {__version__}"] + [
        f"{v['source']}: "
        + ("" if v["rows"] is None else f"{v['rows']:,} rows, ")
        + f"checksum {v['checksum'] or 'n/a'}, "
        + ("file dated" if v["rows"] is None else "loaded")
        + f" {v['loaded']}"
        for v in versions
    ]
