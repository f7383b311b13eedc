"""Engines for the table-level work: DuckDB (embedded default) or Apache Spark.

SQL is written once, in DuckDB's dialect; :class:`SparkEngine` transpiles it with sqlglot and runs it
on Spark temporary views. :func:`compare_engines` checks both give the same numbers.
"""

from __future__ import annotations

from supplyscope.engine.base import ENGINE_NAMES, Engine, TableData
from supplyscope.engine.compare import Difference, compare_engines, differences
from supplyscope.engine.duckdb_engine import DuckDBEngine
from supplyscope.engine.factory import get_engine
from supplyscope.engine.spark_engine import SparkEngine, spark_missing
from supplyscope.engine.transpile import to_spark

__all__ = [
    "ENGINE_NAMES",
    "Difference",
    "DuckDBEngine",
    "Engine",
    "SparkEngine",
    "TableData",
    "compare_engines",
    "differences",
    "get_engine",
    "spark_missing",
    "to_spark",
]
