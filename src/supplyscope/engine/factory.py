"""Choose an engine by name."""

from __future__ import annotations

from typing import Any

from supplyscope.engine.base import ENGINE_NAMES, Engine
from supplyscope.engine.duckdb_engine import DuckDBEngine
from supplyscope.errors import NotFoundError


def get_engine(name: str = "duckdb", **options: Any) -> Engine:
    """A new engine: ``"duckdb"`` (embedded default) or ``"spark"`` (needs PySpark and Java).

    ``options`` go to the engine's constructor, e.g. ``threads=2`` for DuckDB or ``master="local[1]"``
    for Spark.
    """
    key = name.strip().lower()
    if key == "duckdb":
        return DuckDBEngine(**options)
    if key == "spark":
        from supplyscope.engine.spark_engine import SparkEngine

        return SparkEngine(**options)
    raise NotFoundError("engine", name, ENGINE_NAMES)
