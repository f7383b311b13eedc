"""Where a Spark session runs and what it is given: settings, spark-submit, and cluster-safe defaults.

No JVM is started: these check the decisions taken before the session is built.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from supplyscope.engine.settings import DEFAULT_MASTER, MASTER_ENV, STAGING_ENV, spark_settings
from supplyscope.engine.spark_engine import LOCAL_SHUFFLE_PARTITIONS, session_master, session_settings
from supplyscope.errors import ConfigError


@pytest.fixture()
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (MASTER_ENV, STAGING_ENV, "PYSPARK_GATEWAY_PORT"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_master_comes_from_the_file_then_the_environment(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    assert spark_settings(empty).master is None  # not named anywhere: decided when the session starts
    named = tmp_path / "named.toml"
    named.write_text('[spark]\nmaster = "spark://10.0.0.5:7077"\nstaging = "s3a://bucket/prefix"\n')
    assert (spark_settings(named).master, spark_settings(named).staging) == (
        "spark://10.0.0.5:7077",
        "s3a://bucket/prefix",
    )
    clean_env.setenv(MASTER_ENV, "spark://127.0.0.1:7177")
    assert spark_settings(named).master == "spark://127.0.0.1:7177"
    bad = tmp_path / "bad.toml"
    bad.write_text('[spark]\nmastr = "local[1]"\n')
    with pytest.raises(ConfigError, match="mastr"):
        spark_settings(bad)


def test_spark_submit_keeps_its_master_unless_one_is_named(clean_env: pytest.MonkeyPatch) -> None:
    assert session_master(None) == DEFAULT_MASTER
    assert session_master("local[1]") == "local[1]"
    clean_env.setenv("PYSPARK_GATEWAY_PORT", "41234")  # what spark-submit sets for the Python it launches
    assert session_master(None) is None
    assert session_master("spark://10.0.0.5:7077") == "spark://10.0.0.5:7077"


def test_a_remote_cluster_gets_no_loopback_driver_and_keeps_its_shuffle_partitions() -> None:
    remote = session_settings("spark://10.0.0.5:7077", None)
    assert "spark.driver.host" not in remote and "spark.driver.bindAddress" not in remote
    assert "spark.sql.shuffle.partitions" not in remote
    assert session_settings("spark://10.0.0.5:7077", 64)["spark.sql.shuffle.partitions"] == "64"
    local = session_settings("local[2]", None)
    assert local["spark.driver.host"] == "127.0.0.1"
    assert local["spark.sql.shuffle.partitions"] == str(LOCAL_SHUFFLE_PARTITIONS)
    assert session_settings("spark://127.0.0.1:7177", 4)["spark.driver.bindAddress"] == "127.0.0.1"
    submitted = session_settings(None, None)  # spark-submit's own master and settings stand
    assert "spark.driver.host" not in submitted and "spark.sql.shuffle.partitions" not in submitted
