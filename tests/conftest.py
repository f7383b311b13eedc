"""Shared fixtures: a private ``$SUPPLYSCOPE_HOME`` and a warehouse built once from the bundled real data."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from supplyscope.data.build import build_bundled
from supplyscope.data.warehouse import Warehouse
from supplyscope.engine import SparkEngine, spark_missing

_HOME_KEY = "SUPPLYSCOPE_HOME"
_HOME_STASH = pytest.StashKey[tuple[str, str | None]]()


def pytest_configure(config: pytest.Config) -> None:
    """Point ``$SUPPLYSCOPE_HOME`` at a fresh directory, so no test reads or writes the user's warehouse.

    Commands run without ``--db`` build the default warehouse there once, and later tests reuse it.
    """
    home = tempfile.mkdtemp(prefix="supplyscope-test-home-")
    config.stash[_HOME_STASH] = (home, os.environ.get(_HOME_KEY))
    os.environ[_HOME_KEY] = home


def pytest_unconfigure(config: pytest.Config) -> None:
    home, previous = config.stash.get(_HOME_STASH, (None, None))
    if home is None:
        return
    shutil.rmtree(home, ignore_errors=True)
    if previous is None:
        os.environ.pop(_HOME_KEY, None)
    else:
        os.environ[_HOME_KEY] = previous


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkEngine]:
    """One Spark engine for the whole test run.

    With ``$SUPPLYSCOPE_SPARK_MASTER`` (CI: a standalone master and two workers started by ``.ci/run``) it
    runs on that cluster and stages data in ``$SUPPLYSCOPE_SPARK_STAGING``. Otherwise, with
    ``SUPPLYSCOPE_REQUIRE_SPARK=1`` it starts its own standalone cluster (master + 2 workers, separate
    processes), and without it uses local mode. Skipped without PySpark or Java, unless CI requires Spark.
    """
    from supplyscope.engine.settings import MASTER_ENV, STAGING_ENV

    required = os.environ.get("SUPPLYSCOPE_REQUIRE_SPARK") == "1"
    why = spark_missing()
    if why:
        if required:
            pytest.fail(f"SUPPLYSCOPE_REQUIRE_SPARK=1 but {why}")
        pytest.skip(why)
    from supplyscope.engine.spark_engine import shared_engine, shared_local_engine
    from supplyscope.engine.standalone import StandaloneCluster

    master = os.environ.get(MASTER_ENV)
    cluster = None
    if master:
        staging = os.environ.get(STAGING_ENV)
        if not staging:
            pytest.fail(f"{MASTER_ENV} is set but {STAGING_ENV} is not: a cluster needs a staging location")
    elif required:
        root = tmp_path_factory.mktemp("spark-cluster")
        cluster = StandaloneCluster(root, workers=2)
        master, staging = cluster.start(), str(root / "staging")
        # engines the code under test creates itself (api.run(engine="spark")) find the cluster's staging too
        os.environ[MASTER_ENV], os.environ[STAGING_ENV] = master, staging
    if master:
        yield shared_engine(master, shuffle_partitions=4, staging=staging)
    else:
        yield shared_local_engine()
    if cluster is not None:
        from supplyscope.engine.spark_engine import stop_shared

        stop_shared()
        cluster.stop()
        os.environ.pop(MASTER_ENV, None)
        os.environ.pop(STAGING_ENV, None)


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a warehouse file holding the bundled real data (built once per test session)."""
    path = tmp_path_factory.mktemp("warehouse") / "bundled.duckdb"
    with Warehouse.open(path) as wh:
        build_bundled(wh)
    return path


@pytest.fixture()
def bundled_wh(bundled_db: Path) -> Iterator[Warehouse]:
    wh = Warehouse.open(bundled_db, read_only=True)
    yield wh
    wh.close()
