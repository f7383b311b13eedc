"""The inputs' versions every report prints: each source loaded into the warehouse, its checksum and load date."""

from __future__ import annotations

import html
from typing import Any

from supplyscope._version import __version__
from supplyscope.data.warehouse import Warehouse


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


def versions_html(versions: list[dict[str, Any]], extra: list[str] | None = None) -> str:
    """The "Inputs" section of an HTML report: supplyscope's version, then each source's version."""
    rows = "".join(
        f"<tr><td class=l>{html.escape(v['source'])}</td><td class=l>{html.escape(v['tables'])}</td>"
        f"<td>{v['rows']:,}</td><td class=l><code>{html.escape(v['checksum'])}</code></td>"
        f"<td class=l>{html.escape(v['loaded'])}</td></tr>"
        for v in versions
    )
    lines = "".join(f"<li>{html.escape(x)}</li>" for x in extra or [])
    return (
        f"<h2 id=inputs>Inputs</h2><p class=note>supplyscope {html.escape(__version__)}. Each source as loaded "
        "into the warehouse (checksum of the file read).</p>"
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
        f"{v['source']}: {v['rows']:,} rows, checksum {v['checksum'] or 'n/a'}, loaded {v['loaded']}" for v in versions
    ]
