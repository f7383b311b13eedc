"""Apache Spark as an engine: tables are temporary views, DuckDB-dialect SQL is transpiled.

PySpark is an optional dependency (``pip install 'pyspark>=3.5'``, Java 17 or newer on the PATH or
in ``JAVA_HOME``). Nothing here is a home-made distributed layer: Spark plans and runs every query.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from supplyscope.engine.base import TableData, as_arrow
from supplyscope.engine.transpile import to_spark
from supplyscope.errors import ConfigError, DataError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql import SparkSession

INSTALL_HINT = "the Spark engine needs PySpark and Java 17+: pip install 'pyspark>=3.5' and install a JDK"


def spark_missing() -> str | None:
    """Why Spark cannot run here (``None`` when PySpark and Java are both available)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and (Path(java_home) / "bin" / "java").exists()) and shutil.which("java") is None:
        return "no Java runtime found (set JAVA_HOME or put java on the PATH)"
    return None


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence PySpark's notice that it does not yet fully support pandas 3 (conversions go via Arrow)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support", category=FutureWarning)
        yield


def _to_parquet_file(table: pa.Table, path: Path) -> None:
    # Spark reads microsecond timestamps only; Arrow/pandas default to nanoseconds.
    pq.write_table(table, path, compression="zstd", coerce_timestamps="us", allow_truncated_timestamps=True)


class SparkEngine:
    """Runs SQL on a Spark session (local mode by default).

    ``master`` is a Spark master URL (``local[2]`` = two cores in this process's JVM); pass an
    existing ``session`` to run on a cluster. In-memory inputs are handed to Spark as Parquet files in a
    temporary directory, which Spark reads natively (scales better than pickling rows through Py4J).
    """

    name = "spark"

    def __init__(
        self,
        *,
        master: str = "local[2]",
        shuffle_partitions: int = 4,
        session: SparkSession | None = None,
        config: Mapping[str, str] | None = None,
        app_name: str = "supplyscope",
    ) -> None:
        self._cached: list[SparkDataFrame] = []
        if session is None:
            missing = spark_missing()
            if missing:
                raise ConfigError(f"{missing}; {INSTALL_HINT}", key="engine")
        self._tmp = Path(tempfile.mkdtemp(prefix="supplyscope-spark-"))
        if session is not None:
            self.session = session
            self._owns = False
            return
        from pyspark.sql import SparkSession

        active = SparkSession.getActiveSession()
        if active is not None:  # reuse, and leave it running for whoever started it
            self.session = active
            self._owns = False
            return

        builder: Any = SparkSession.builder.master(master).appName(app_name)
        settings = {
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.shuffle.partitions": str(shuffle_partitions),
            "spark.sql.execution.arrow.pyspark.enabled": "true",
            "spark.sql.session.timeZone": "UTC",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.driver.host": "127.0.0.1",
            "spark.local.dir": str(self._tmp / "spark-local"),
        }
        settings.update(config or {})
        for key, value in settings.items():
            builder = builder.config(key, value)
        with _quiet():
            self.session = builder.getOrCreate()
        self.session.sparkContext.setLogLevel("ERROR")
        self._owns = True

    def register(self, name: str, data: TableData) -> None:
        if isinstance(data, Path):
            if not data.exists():
                raise DataError("Parquet input does not exist", source=str(data))
            path = data
        else:
            path = self._tmp / "tables" / f"{name}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            _to_parquet_file(as_arrow(data), path)
        frame = self.session.read.parquet(str(path))
        frame.createOrReplaceTempView(name)

    def frame(self, query: str) -> SparkDataFrame:
        """The Spark DataFrame for a DuckDB-dialect query (lazy; nothing runs yet)."""
        return self.session.sql(to_spark(query))

    def materialize(self, name: str, query: str) -> int:
        frame = self.frame(query).cache()
        rows = int(frame.count())
        frame.createOrReplaceTempView(name)
        self._cached.append(frame)
        return rows

    def arrow(self, query: str) -> pa.Table:
        frame = self.frame(query)
        with _quiet():
            if hasattr(frame, "toArrow"):  # PySpark 4
                table: pa.Table = frame.toArrow()
            else:  # PySpark 3.5: through pandas (Arrow-enabled)
                table = pa.Table.from_pandas(frame.toPandas(), preserve_index=False)
        return table

    def sql(self, query: str) -> pd.DataFrame:
        frame: pd.DataFrame = self.arrow(query).to_pandas()
        return frame

    def to_parquet(self, query: str, path: Path) -> int:
        """Write with Spark's own writer: ``path`` becomes a directory of part files (a Parquet dataset).

        The executors write in parallel; nothing is collected on the driver.
        """
        if path.exists() and path.is_file():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        with _quiet():
            self.frame(query).write.mode("overwrite").option("compression", "zstd").parquet(str(path))
        return sum(pq.ParquetFile(part).metadata.num_rows for part in sorted(path.glob("*.parquet")))

    def close(self) -> None:
        for frame in self._cached:
            frame.unpersist()
        self._cached.clear()
        if self._owns:
            self.session.stop()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> SparkEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_SHARED: dict[str, SparkEngine] = {}


def shared_local_engine(cores: int = 2, shuffle_partitions: int = 2) -> SparkEngine:
    """One Spark engine per process for ``local[cores]``, reused by every caller (tests, notebooks).

    Starting a JVM takes seconds, so tests share this engine instead of starting their own. It is
    stopped when the interpreter exits.
    """
    key = f"local[{cores}]"
    engine = _SHARED.get(key)
    if engine is None:
        import atexit

        engine = SparkEngine(master=key, shuffle_partitions=shuffle_partitions)
        _SHARED[key] = engine
        atexit.register(engine.close)
    return engine
