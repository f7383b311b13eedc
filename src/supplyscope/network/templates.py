"""Read supply graphs from the JSON or CSV templates a sourcing team fills in.

* JSON: one file ``{"name", "note", "final", "final_product", "final_value_usd", "products": [...],
  "nodes": [...], "edges": [...]}``; rows in messages are 1-based positions in each list.
* CSV: a directory with ``nodes.csv``, ``products.csv``, ``edges.csv`` and optionally ``meta.csv``
  (columns ``key,value``); rows in messages are spreadsheet rows (the header is row 1).

Unknown columns or keys are rejected rather than ignored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from supplyscope.errors import DataError
from supplyscope.network.build import ROW, TableSource, build_graph
from supplyscope.network.model import EDGE_COLUMNS, META_KEYS, NODE_COLUMNS, PRODUCT_COLUMNS, SupplyGraph

TABLES: dict[str, tuple[str, ...]] = {"nodes": NODE_COLUMNS, "products": PRODUCT_COLUMNS, "edges": EDGE_COLUMNS}


def _float_or_none(value: Any, source: str, key: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise DataError(f"{value!r} is not a number", source=source, field=key) from None


def read_json(path: Path, *, final: str | None = None) -> SupplyGraph:
    """Read a JSON template; see the module docstring for the layout."""
    label = str(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError("file not found", source=label) from None
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON: {exc.msg}", source=label, row=exc.lineno) from None
    if not isinstance(doc, dict):
        raise DataError("the top level must be an object with nodes, products and edges", source=label)
    extra = set(doc) - set(TABLES) - set(META_KEYS)
    if extra:
        raise DataError(f"unknown key(s) {sorted(extra)}; allowed: {[*TABLES, *META_KEYS]}", source=label)
    frames: dict[str, pd.DataFrame] = {}
    for table, columns in TABLES.items():
        records = doc.get(table)
        if not isinstance(records, list):
            raise DataError(f"'{table}' must be a list of objects", source=label, field=table)
        for i, rec in enumerate(records, start=1):
            if not isinstance(rec, dict):
                raise DataError("each entry must be an object", source=label, row=i, field=table)
            unknown = set(rec) - set(columns)
            if unknown:
                raise DataError(
                    f"unknown field(s) {sorted(unknown)}; allowed: {list(columns)}",
                    source=label,
                    row=i,
                    field=f"{table}.{sorted(unknown)[0]}",
                )
        frame = pd.DataFrame.from_records(records, columns=list(columns)).astype(object)
        frame[ROW] = range(1, len(frame) + 1)
        frames[table] = frame
    sources = {t: TableSource(label, f"{t}.") for t in TABLES} | {"graph": TableSource(label)}
    return build_graph(
        frames["nodes"],
        frames["products"],
        frames["edges"],
        final=final or (str(doc["final"]) if doc.get("final") else None),
        name=str(doc.get("name") or ""),
        final_product=str(doc.get("final_product") or ""),
        final_value_usd=_float_or_none(doc.get("final_value_usd"), label, "final_value_usd"),
        sources=sources,
    )


def _read_csv(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError("file not found", source=str(path)) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read CSV: {exc}", source=str(path)) from None
    unknown = [c for c in frame.columns if c not in columns]
    if unknown:
        raise DataError(
            f"unknown column(s) {unknown}; allowed: {list(columns)}", source=str(path), row=1, field=unknown[0]
        )
    frame[ROW] = range(2, len(frame) + 2)
    return frame


def read_csv_dir(path: Path, *, final: str | None = None) -> SupplyGraph:
    """Read ``nodes.csv``, ``products.csv``, ``edges.csv`` (and ``meta.csv``) from a directory."""
    folder = path if path.is_dir() else path.parent
    frames = {t: _read_csv(folder / f"{t}.csv", cols) for t, cols in TABLES.items()}
    meta: dict[str, str] = {}
    meta_path = folder / "meta.csv"
    if meta_path.exists():
        table = _read_csv(meta_path, ("key", "value"))
        for key, value, row in zip(table["key"], table["value"], table[ROW], strict=True):
            if key not in META_KEYS:
                raise DataError(
                    f"unknown key {key!r}; allowed: {list(META_KEYS)}", source=str(meta_path), row=int(row), field="key"
                )
            meta[key] = value
    graph_label = str(meta_path) if meta_path.exists() else str(folder)
    sources = {t: TableSource(str(folder / f"{t}.csv")) for t in TABLES} | {"graph": TableSource(graph_label)}
    return build_graph(
        frames["nodes"],
        frames["products"],
        frames["edges"],
        final=final or meta.get("final") or None,
        name=meta.get("name", ""),
        final_product=meta.get("final_product", ""),
        final_value_usd=_float_or_none(meta.get("final_value_usd"), graph_label, "final_value_usd"),
        sources=sources,
    )


def read_graph(path: str | Path, *, final: str | None = None) -> SupplyGraph:
    """Read a graph from a ``.json`` template or a directory (or one file) of CSV templates."""
    p = Path(path)
    if p.suffix.lower() == ".json":
        return read_json(p, final=final)
    if p.is_dir() or p.suffix.lower() == ".csv":
        return read_csv_dir(p, final=final)
    raise DataError("expected a .json template or a directory of CSV templates", source=str(p))
