"""DuckDB engine, SQL transpilation and result comparison (no Spark needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
import sqlglot

from supplyscope.engine import DuckDBEngine, differences, get_engine, to_spark
from supplyscope.errors import ConfigError, DataError, NotFoundError

FLOWS = pd.DataFrame(
    {
        "hs6": ["850760", "850760", "850760", "280530"],
        "exporter": ["CHN", "KOR", "JPN", "CHN"],
        "v": [60.0, 30.0, 10.0, 5.0],
    }
)
HHI_SQL = """
WITH t AS (SELECT hs6, SUM(v) AS total FROM flows GROUP BY hs6)
SELECT f.hs6, SUM((f.v / t.total) * (f.v / t.total)) AS hhi, CAST(COUNT(*) AS BIGINT) AS n
FROM flows f JOIN t ON f.hs6 = t.hs6 GROUP BY f.hs6 ORDER BY f.hs6
"""


def test_duckdb_runs_sql_over_pandas_arrow_and_parquet(tmp_path: Path) -> None:
    path = tmp_path / "flows.parquet"
    FLOWS.to_parquet(path)
    # hand-worked: shares 0.6, 0.3, 0.1 -> HHI 0.36 + 0.09 + 0.01 = 0.46; one supplier -> 1.0
    for data in (FLOWS, pa.Table.from_pandas(FLOWS), path):
        with DuckDBEngine() as eng:
            eng.register("flows", data)
            out = eng.sql(HHI_SQL)
        assert out["hs6"].tolist() == ["280530", "850760"]
        assert out["hhi"].tolist() == pytest.approx([1.0, 0.46])
        assert out["n"].tolist() == [1, 3]


def test_duckdb_materialize_and_to_parquet(tmp_path: Path) -> None:
    with DuckDBEngine(threads=1) as eng:
        eng.register("flows", FLOWS)
        assert eng.materialize("big", "SELECT * FROM flows WHERE v >= 10") == 3
        n = eng.to_parquet("SELECT exporter, v FROM big ORDER BY v", tmp_path / "o" / "x.parquet")
    assert n == 3
    back = pd.read_parquet(tmp_path / "o" / "x.parquet")
    assert back["v"].tolist() == [10.0, 30.0, 60.0]


def test_missing_parquet_and_unknown_engine_are_clear_errors(tmp_path: Path) -> None:
    with DuckDBEngine() as eng, pytest.raises(DataError, match="does not exist"):
        eng.register("x", tmp_path / "nope.parquet")
    with pytest.raises(NotFoundError, match="duckdb"):
        get_engine("postgres")
    with pytest.raises(ConfigError, match="threads"):
        DuckDBEngine(threads=0)


def test_transpile_rewrites_duckdb_only_syntax() -> None:
    spark = to_spark("SELECT hs6, v FROM t QUALIFY ROW_NUMBER() OVER (PARTITION BY hs6 ORDER BY v DESC) = 1")
    assert "QUALIFY" not in spark.upper()
    assert "ROW_NUMBER()" in spark.upper()
    assert "STARTSWITH" in to_spark("SELECT starts_with(a, '84') FROM t").upper()
    assert "RLIKE" in to_spark("SELECT regexp_matches(a, '^8') FROM t").upper()
    with pytest.raises(ConfigError, match="one SQL statement"):
        to_spark("SELECT 1; SELECT 2")


def test_differences_finds_changed_cells_and_ignores_row_order() -> None:
    a = pd.DataFrame({"k": ["x", "y", None], "v": [1.0, 2.0, 3.0], "n": [1, 2, 3]})
    shuffled = a.iloc[[2, 0, 1]].reset_index(drop=True)
    assert differences("q", a, shuffled) == []
    close = a.assign(v=a["v"] * (1 + 1e-13))
    assert differences("q", a, close) == []
    off = a.assign(v=[1.0, 2.0, 3.1])
    found = differences("q", a, off)
    assert len(found) == 1 and "'v'" in found[0].message
    assert "row counts" in differences("q", a, a.head(2))[0].message
    assert "columns" in differences("q", a, a.rename(columns={"n": "m"}))[0].message


def test_transpile_renames_nested_cte_that_repeats_an_outer_name() -> None:
    # DuckDB scopes the inner ``b``; Spark output hoists CTEs, so the inner one must be renamed.
    q = (
        "WITH b AS (SELECT 5 AS x), a AS (WITH b AS (SELECT 1 AS x) SELECT b.x FROM b) "
        "SELECT a.x AS ax, b.x AS bx FROM a, b"
    )
    spark = to_spark(q)
    assert "b__" in spark
    with DuckDBEngine() as eng:
        assert eng.sql(q).to_dict("records") == [{"ax": 1, "bx": 5}]
        # the rewritten query keeps its meaning: translate it back and run it on DuckDB
        back = sqlglot.transpile(spark, read="spark", write="duckdb")[0]
        assert eng.sql(back).to_dict("records") == [{"ax": 1, "bx": 5}]


def test_missing_pyspark_gives_a_friendly_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from supplyscope.engine import spark_missing

    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark now raises ImportError
    assert spark_missing() == "PySpark is not installed"
    with pytest.raises(ConfigError, match=re.escape("pip install 'pyspark>=3.5'")):
        get_engine("spark")


def test_missing_java_is_detected(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    from supplyscope.engine import spark_missing

    monkeypatch.setenv("JAVA_HOME", str(tmp_path))  # no bin/java there
    monkeypatch.setenv("PATH", str(tmp_path))
    assert spark_missing() is not None and "Java" in str(spark_missing())


def test_duckdb_to_parquet_replaces_a_dataset_directory(tmp_path: Path) -> None:
    target = tmp_path / "flagged.parquet"
    target.mkdir()  # as left by a Spark run of the same output
    FLOWS.to_parquet(target / "part-0.parquet")
    with DuckDBEngine() as eng:
        eng.register("flows", FLOWS)
        assert eng.to_parquet("SELECT * FROM flows WHERE v > 20", target) == 2
    assert target.is_file() and len(pd.read_parquet(target)) == 2
