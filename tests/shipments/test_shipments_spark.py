"""The shipment pipeline gives identical results on DuckDB and on Spark (local mode).

Skipped when PySpark or Java is missing, unless ``SUPPLYSCOPE_REQUIRE_SPARK=1`` (CI).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from supplyscope.engine import DuckDBEngine, SparkEngine, differences
from supplyscope.shipments import IndexScreener, TariffLayer, load_settings, run, stage_shipments

SMALL = Path(__file__).parent / "data" / "shipments_small.csv"


def _enlarged(tmp_path: Path) -> Path:
    """The fixture repeated 30 times with new ids and values spread around the $800 threshold (synthetic)."""
    base = pd.read_csv(SMALL, dtype=str)
    parts = []
    for k in range(30):
        part = base.copy()
        part["shipment_id"] = part["shipment_id"] + f"-{k}"
        part["value_usd"] = (part["value_usd"].astype(float) * (0.5 + k / 20)).round(2).astype(str)
        parts.append(part)
    path = tmp_path / "enlarged.csv"
    pd.concat(parts).to_csv(path, index=False)
    return path


def test_pipeline_identical_on_duckdb_and_spark(spark: SparkEngine, tmp_path: Path) -> None:
    staged = tmp_path / "staged.parquet"
    assert stage_shipments(_enlarged(tmp_path), staged) == 300
    settings = load_settings()
    screener = IndexScreener()
    coverage = TariffLayer()
    with DuckDBEngine() as duck:
        n_d, agg_d, _ = run(duck, staged, settings=settings, screener=screener, coverage=coverage)
        rows_d = duck.sql("SELECT * FROM screened")
    n_s, agg_s, _ = run(spark, staged, settings=settings, screener=screener, coverage=coverage)
    rows_s = spark.sql("SELECT * FROM screened")
    # Spark writes the flagged rows with its own writer (a directory of part files)
    written = spark.to_parquet("SELECT shipment_id FROM screened WHERE risk_flag", tmp_path / "flagged.parquet")
    back = pd.read_parquet(tmp_path / "flagged.parquet")["shipment_id"]
    assert written == len(back) == int(rows_d["risk_flag"].sum())
    assert set(back) == set(rows_d.loc[rows_d["risk_flag"], "shipment_id"])
    assert n_d == n_s == 300
    found = differences("screened", rows_d, rows_s) + differences("aggregates", agg_d, agg_s)
    assert found == [], "\n".join(d.message for d in found)
    # not vacuous: both rules and flags occur in the enlarged set
    assert 0 < int(rows_d["risk_flag"].sum()) < 300
    assert agg_d.loc[agg_d["level"] == "total", "duty_forgone_current_usd"].item() > 0
