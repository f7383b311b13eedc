"""Helpers for the network tests (a uniquely named module: the tests directories are not packages)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "supplyscope" / "network" / "examples"


def write_graph(path: Path, nodes: list[dict[str, Any]], edges: list[dict[str, Any]], **meta: Any) -> Path:
    """Write a JSON template; every edge's product defaults to HS 850760."""
    hs = sorted({str(e.get("hs", "850760")) for e in edges} | {"850760"})
    doc = {
        "products": [{"hs": h, "description": f"product {h}"} for h in hs],
        "nodes": nodes,
        "edges": [{"hs": "850760", **e} for e in edges],
        **meta,
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path
