"""The shipment pipeline on Spark: validation, staging, screening and outputs equal DuckDB's.

Runs on the session ``spark`` fixture: in CI a standalone master and two workers (separate processes,
each with its own SPARK_LOCAL_DIRS, staging passed in ``$SUPPLYSCOPE_SPARK_STAGING``), locally local mode.
Skipped when PySpark or Java is missing, unless ``SUPPLYSCOPE_REQUIRE_SPARK=1``.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from supplyscope.engine import DuckDBEngine, SparkEngine, differences
from supplyscope.errors import ConfigError, DataError
from supplyscope.shipments import (
    IndexScreener,
    TariffLayer,
    find_problems,
    load_settings,
    run,
    screen_file,
    stage_shipments,
)

SMALL = Path(__file__).parent / "data" / "shipments_small.csv"
FILES = ("flagged.parquet", "aggregates.csv", "summary.json")


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
    source = _enlarged(tmp_path)
    settings = load_settings()
    screener = IndexScreener()
    coverage = TariffLayer()
    with DuckDBEngine() as duck:
        staged_d = tmp_path / "staged.parquet"
        assert stage_shipments(source, staged_d, duck) == 300
        n_d, agg_d, facts_d = run(duck, staged_d, settings=settings, screener=screener, coverage=coverage)
        rows_d = duck.sql("SELECT * FROM screened")
    # Spark validates and stages on its executors, into its staging location, and screens there too
    staged_s = spark.scratch("parity-staged")
    assert stage_shipments(source, staged_s, spark) == 300
    n_s, agg_s, facts_s = run(spark, staged_s, settings=settings, screener=screener, coverage=coverage)
    rows_s = spark.sql("SELECT * FROM screened")
    written = spark.to_parquet("SELECT shipment_id FROM screened WHERE risk_flag", tmp_path / "flagged.parquet")
    back = pd.read_parquet(tmp_path / "flagged.parquet")["shipment_id"]
    assert written == len(back) == int(rows_d["risk_flag"].sum())
    assert set(back) == set(rows_d.loc[rows_d["risk_flag"], "shipment_id"])
    assert n_d == n_s == 300
    assert facts_d["distinct_shippers"] == facts_s["distinct_shippers"] == len(rows_d["shipper_name"].unique())
    found = differences("screened", rows_d, rows_s) + differences("aggregates", agg_d, agg_s)
    assert found == [], "\n".join(d.message for d in found)
    # not vacuous: both rules and flags occur in the enlarged set, and the listed shipper was hit
    assert 0 < int(rows_d["risk_flag"].sum()) < 300
    assert agg_d.loc[agg_d["level"] == "total", "duty_forgone_current_usd"].item() > 0
    assert (rows_s["shipper_hit_list"] == "UFLPA").sum() == 30


def _bad_csv(tmp_path: Path) -> Path:
    lines = SMALL.read_text().splitlines()
    lines[2] = lines[2].replace(",air,", ",rail,")  # line 3 of the file
    lines.append(lines[5])  # line 12 repeats the shipment id of line 6
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _bad_parquet(tmp_path: Path) -> Path:
    frame = pd.read_csv(SMALL, dtype=str)
    frame.loc[6, "value_usd"] = "-1"  # record 7
    frame = pd.concat([frame, frame.iloc[[2]]])  # record 11 repeats record 3's id
    path = tmp_path / "bad.parquet"
    frame.to_parquet(path, index=False)
    return path


@pytest.mark.parametrize("make", [_bad_csv, _bad_parquet])
def test_spark_refuses_the_same_rows_as_duckdb(spark: SparkEngine, tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    expected = {(11 if path.suffix == ".parquet" else 12), (3 if path.suffix == ".csv" else 7)}
    with DuckDBEngine() as duck:
        on_duck = find_problems(path, duck)
    on_spark = find_problems(path, spark)
    assert on_spark == on_duck
    assert {p.row for p in on_duck} == expected  # hand-counted rows of the two planted problems
    target = spark.scratch(f"refused-{path.suffix[1:]}")
    with pytest.raises(DataError) as err:
        stage_shipments(path, target, spark)
    assert (err.value.row, err.value.source) == (min(expected), str(path))
    assert not Path(target).exists()  # all or nothing: nothing staged


def test_screen_file_on_spark_writes_the_same_outputs(spark: SparkEngine, tmp_path: Path) -> None:
    source = _enlarged(tmp_path)
    with DuckDBEngine() as duck:
        res_d = screen_file(source, tmp_path / "duck", duck)
    res_s = screen_file(source, tmp_path / "spark", spark)
    assert res_s.rows == res_d.rows == 300
    assert res_s.flagged == res_d.flagged == len(pd.read_parquet(tmp_path / "spark" / "flagged.parquet"))
    agg_d = pd.read_csv(tmp_path / "duck" / "aggregates.csv")
    agg_s = pd.read_csv(tmp_path / "spark" / "aggregates.csv")
    assert differences("aggregates.csv", agg_d, agg_s) == []


def test_screen_file_on_spark_writes_every_output_through_the_location_uri(spark: SparkEngine, tmp_path: Path) -> None:
    """A ``file://`` URI goes the way ``s3a://`` or ``hdfs://`` would: all three files through Spark's
    filesystem layer (the flagged rows by the executors, the summary and aggregates by ``write_text``)."""
    source = _enlarged(tmp_path)
    out = tmp_path / "uri-out"
    res = screen_file(source, out.as_uri(), spark)
    assert set(res.outputs.values()) == {f"{out.as_uri()}/{f}" for f in FILES}
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert json.loads((out / "summary.json").read_text())["rows"] == res.rows == 300
    assert len(pd.read_csv(out / "aggregates.csv")) == len(res.aggregates)
    assert len(pd.read_parquet(out / "flagged.parquet")) == res.flagged


def test_duckdb_refuses_an_output_uri_before_writing(tmp_path: Path) -> None:
    source = _enlarged(tmp_path)
    with DuckDBEngine() as duck, pytest.raises(ConfigError, match="local paths only"):
        screen_file(source, "s3a://bucket/out", duck)


@pytest.fixture()
def cluster(spark: SparkEngine) -> Iterator[SparkEngine]:
    if not spark.master.startswith("spark://"):
        if os.environ.get("SUPPLYSCOPE_REQUIRE_SPARK") == "1":
            pytest.fail("SUPPLYSCOPE_REQUIRE_SPARK=1 but the Spark fixture is not on a standalone cluster")
        pytest.skip("local mode: the multi-process cluster runs in CI or with SUPPLYSCOPE_REQUIRE_SPARK=1")
    yield spark


def test_work_runs_on_two_separate_workers(cluster: SparkEngine) -> None:
    """Each executor's Python worker reports the worker's own SPARK_LOCAL_DIRS: two, neither the driver's."""
    import time

    def where(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            time.sleep(0.3)  # long enough that both executors take tasks
            yield pd.DataFrame({"dirs": [os.environ.get("SPARK_LOCAL_DIRS", "")] * len(batch)})

    with warnings.catch_warnings():  # PySpark's notice about pandas 3 (the data goes through Arrow)
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support", category=FutureWarning)
        frame = cluster.session.range(0, 16, numPartitions=8).mapInPandas(where, "dirs string")
        seen = {r["dirs"] for r in frame.collect()}
    assert len(seen) == 2 and "" not in seen
    assert os.environ.get("SPARK_LOCAL_DIRS") not in seen
