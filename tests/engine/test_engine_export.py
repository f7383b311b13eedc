"""`data export --parquet`: the canonical tables as Parquet, written once per warehouse version."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from supplyscope.data.export import export_parquet, exported_tables, read_manifest
from supplyscope.data.warehouse import Warehouse
from supplyscope.engine import DuckDBEngine


def test_export_writes_every_table_and_is_reused_while_the_warehouse_is_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as wh:
        wh.con.execute("CREATE TABLE x_flows AS SELECT * FROM (VALUES ('850760', 60.0), ('280530', 5.0)) t(hs6, v)")
        tables = {r[0] for r in wh.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    with Warehouse.open(db, read_only=True) as wh:
        counts = export_parquet(wh, tmp_path / "out")
        paths = exported_tables(wh, ["x_flows"], tmp_path / "out")
    assert set(counts) == tables and counts["x_flows"] == 2  # every table, the canonical (empty) ones too
    assert read_manifest(tmp_path / "out")["tables"] == counts  # type: ignore[index]
    written = paths["x_flows"].stat().st_mtime_ns
    with Warehouse.open(db, read_only=True) as wh:
        again = exported_tables(wh, ["x_flows"], tmp_path / "out")
    assert again["x_flows"].stat().st_mtime_ns == written  # current export reused, not rewritten
    with DuckDBEngine() as eng:
        eng.register("flows", again["x_flows"])
        assert eng.sql("SELECT sum(v) AS v FROM flows")["v"].item() == 65.0
    assert pd.read_parquet(paths["x_flows"])["hs6"].tolist() == ["850760", "280530"]
