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
def spark() -> SparkEngine:
    """One local Spark session for the whole test run (skipped without PySpark or Java, unless CI requires it)."""
    why = spark_missing()
    if why:
        if os.environ.get("SUPPLYSCOPE_REQUIRE_SPARK") == "1":
            pytest.fail(f"SUPPLYSCOPE_REQUIRE_SPARK=1 but {why}")
        pytest.skip(why)
    from supplyscope.engine.spark_engine import shared_local_engine

    return shared_local_engine()


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
