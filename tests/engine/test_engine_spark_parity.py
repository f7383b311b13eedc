"""The assessment's table-level SQL gives the same numbers on DuckDB and on Spark (local mode).

Runs over the canonical tables built from the bundled data. Skipped when PySpark or Java is missing,
unless ``SUPPLYSCOPE_REQUIRE_SPARK=1`` (CI), which turns the skip into a failure.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from supplyscope.data.export import exported_tables
from supplyscope.data.warehouse import Warehouse
from supplyscope.engine import DuckDBEngine, SparkEngine, TableData, compare_engines
from supplyscope.indicators import tables

TABLES = (
    "trade_flows",
    "tariff_line_flows",
    "partner_totals",
    "countries",
    "country_groups",
    "trade_measures",
    "product_industry",
    "industries",
    "world_supply",
)


@pytest.fixture(scope="module")
def warehouse(bundled_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    copy = tmp_path_factory.mktemp("parity") / "bundled.duckdb"  # a copy: other tests open the original read-write
    shutil.copyfile(bundled_db, copy)
    wh = Warehouse.open(copy, read_only=True)
    yield wh
    wh.close()


def test_indicator_sql_identical_on_duckdb_and_spark(spark: SparkEngine, warehouse: Warehouse, tmp_path: Path) -> None:
    sources = warehouse.query("SELECT DISTINCT source FROM trade_flows ORDER BY 1")["source"].tolist()
    assert sources, "bundled build loaded no trade flows"
    year = int(warehouse.query("SELECT MAX(year) AS y FROM trade_flows")["y"].iloc[0])
    queries = {
        "importer_stats": tables.importer_stats_sql("USA", year, sources),
        "world_stats_icio": tables.world_stats_sql(tables.icio_world_shares_sql(), "USA", year, sources),
        "tariff_line_stats": tables.tariff_line_stats_sql("USA", year),
        "undisclosed": tables.undisclosed_sql("USA", year, sources),
        "industry_link": tables.industry_link_sql(),
    }
    # both engines read the same Parquet export of the canonical tables (what `assess --engine spark` reads)
    data: dict[str, TableData] = dict(exported_tables(warehouse, TABLES, tmp_path / "export"))
    duck = DuckDBEngine()
    try:
        found = compare_engines(duck, spark, data, queries)
        stats = duck.sql(queries["importer_stats"])
    finally:
        duck.close()
    assert found == [], "\n".join(f"{d.query}: {d.message}" for d in found)
    # the comparison is not vacuous: thousands of products with real values
    assert len(stats) > 4000
    assert stats["import_value"].sum() > 1e12


def test_assess_engine_spark_gives_the_same_ranking(spark: SparkEngine, bundled_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`assess --engine spark` end to end: the same values (to float noise), ranks and rank intervals;
    the engine it opens is closed when the assessment is done."""
    import numpy as np

    from supplyscope.api import run

    closed: list[SparkEngine] = []
    close = SparkEngine.close

    def spy(self: SparkEngine) -> None:
        closed.append(self)
        close(self)

    monkeypatch.setattr(SparkEngine, "close", spy)
    duck, ctx_d = run(db=bundled_db, draws=50)
    ctx_d.warehouse.close()
    assert closed == []  # DuckDB: no other engine is opened
    other, ctx_s = run(db=bundled_db, draws=50, engine="spark")
    assert len(closed) == 1 and closed[0] is not spark  # its own engine, closed; the shared session lives on
    assert ctx_s.run_sql is None  # later queries on the context go to the warehouse
    ctx_s.warehouse.close()
    a, b = duck.scores.values, other.scores.values.loc[duck.scores.index]
    np.testing.assert_allclose(b.to_numpy(float), a.to_numpy(float), rtol=1e-9, atol=1e-12)
    assert (other.rank.loc[duck.rank.index] == duck.rank).all()
    pos = other.scores.index.get_indexer(duck.scores.index)
    np.testing.assert_array_equal(other.rank_interval[pos], duck.rank_interval)
