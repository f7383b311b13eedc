"""Apache Spark as an engine: tables are temporary views, DuckDB-dialect SQL is transpiled.

PySpark is an optional dependency (``pip install 'pyspark>=3.5'``, Java 17 or newer on the PATH or
in ``JAVA_HOME``). Nothing here is a home-made distributed layer: Spark plans and runs every query.

Nothing depends on the driver's disk. Intermediate datasets go to the ``staging`` location, which the
driver and every executor can see (a local path in local mode and in tests, ``s3a://`` or ``hdfs://`` on
a cluster). Small in-memory tables travel inside the query plan (Spark broadcasts them to the joins),
Python work runs on the executors through ``mapInPandas`` with its shared object broadcast once, and row
counts come from distributed counts.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from supplyscope.engine.base import Location, RowNumbers, TableData, as_arrow
from supplyscope.engine.settings import DEFAULT_MASTER, spark_settings
from supplyscope.engine.transpile import to_spark
from supplyscope.errors import ConfigError, DataError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql import SparkSession

LOCAL_SHUFFLE_PARTITIONS = 4
"""Shuffle partitions in local mode (a cluster keeps ``spark.sql.shuffle.partitions`` of its own)."""
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


def _spark_ready(table: pa.Table) -> pa.Table:
    """Spark holds microsecond timestamps only; Arrow and pandas default to nanoseconds."""
    fields = [
        pa.field(f.name, pa.timestamp("us", f.type.tz)) if pa.types.is_timestamp(f.type) else f for f in table.schema
    ]
    return table.cast(pa.schema(fields), safe=False)


def _is_local(master: str) -> bool:
    return master.startswith("local")


def _loopback(master: str) -> bool:
    return any(f"://{host}:" in master for host in ("127.0.0.1", "localhost"))


def _submitted() -> bool:
    """Whether ``spark-submit`` launched this interpreter (its JVM is already up and holds the master)."""
    return bool(os.environ.get("PYSPARK_GATEWAY_PORT"))


def session_master(requested: str | None) -> str | None:
    """The master a new session gets: the one requested (argument or settings), else the one given to
    ``spark-submit`` when it launched this interpreter (``None``: leave it), else :data:`DEFAULT_MASTER`."""
    if requested is None and not _submitted():
        return DEFAULT_MASTER
    return requested


def session_settings(master: str | None, shuffle_partitions: int | None) -> dict[str, str]:
    """The settings a new session gets (``master=None``: whatever ``spark-submit`` was given)."""
    settings = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.session.timeZone": "UTC",
    }
    local = master is not None and _is_local(master)
    if shuffle_partitions is not None or local:  # a cluster keeps its own (AQE coalesces small partitions)
        settings["spark.sql.shuffle.partitions"] = str(shuffle_partitions or LOCAL_SHUFFLE_PARTITIONS)
    if master is not None and (local or _loopback(master)):
        # all on this machine: bind the driver to loopback (a remote cluster's executors must reach it)
        settings |= {"spark.driver.bindAddress": "127.0.0.1", "spark.driver.host": "127.0.0.1"}
    return settings


class SparkEngine:
    """Runs SQL on a Spark session: local mode by default, or a cluster (``master="spark://host:7077"``).

    ``staging`` names a location every executor can read and write (required off local mode); each engine
    keeps its intermediate datasets in its own sub-directory there and deletes it on :meth:`close`. Pass an
    existing ``session`` to reuse it. ``spark.local.dir`` is left to the cluster (``SPARK_LOCAL_DIRS`` of
    each worker) unless ``config`` sets it. ``master=None`` takes ``[spark] master``, else the master of
    ``spark-submit``, else local mode (:func:`session_master`); ``shuffle_partitions=None`` keeps a
    cluster's own setting (:func:`session_settings`).
    """

    name = "spark"

    def __init__(
        self,
        *,
        master: str | None = None,
        shuffle_partitions: int | None = None,
        session: SparkSession | None = None,
        config: Mapping[str, str] | None = None,
        app_name: str = "supplyscope",
        staging: str | None = None,
    ) -> None:
        self._cached: list[SparkDataFrame] = []
        self._local_staging: Path | None = None
        if session is None:
            missing = spark_missing()
            if missing:
                raise ConfigError(f"{missing}; {INSTALL_HINT}", key="engine")
            from pyspark.sql import SparkSession

            session = SparkSession.getActiveSession()  # reuse, and leave it running for whoever started it
        self._owns = session is None
        if session is None:
            session = self._start(master or spark_settings().master, shuffle_partitions, config or {}, app_name)
        self.session = session
        self.master = str(session.sparkContext.master)
        staging = staging or spark_settings().staging
        if staging is None:
            if not _is_local(self.master):
                raise ConfigError(
                    f"Spark master {self.master} needs a staging location every executor can see "
                    "(--staging URI or [spark] staging = 's3a://bucket/prefix')",
                    key="staging",
                )
            self._local_staging = Path(tempfile.mkdtemp(prefix="supplyscope-spark-"))
            staging = str(self._local_staging)
        self.staging = f"{staging.rstrip('/')}/run-{uuid.uuid4().hex[:12]}"

    @staticmethod
    def _start(
        master: str | None, shuffle_partitions: int | None, config: Mapping[str, str], app_name: str
    ) -> SparkSession:
        from pyspark.sql import SparkSession

        builder: Any = SparkSession.builder.appName(app_name)
        master = session_master(master)
        if master is not None:  # else the master given to spark-submit
            builder = builder.master(master)
        settings = session_settings(master, shuffle_partitions)
        # Python workers (mapInPandas) run the driver's interpreter unless PYSPARK_PYTHON says otherwise;
        # PySpark reads the variable, not the setting, when it starts the context
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        settings.update(config)
        for key, value in settings.items():
            builder = builder.config(key, value)
        with _quiet():
            session: SparkSession = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        return session

    # ------------------------------------------------------------------ tables
    def scratch(self, name: str) -> str:
        return f"{self.staging}/{name}"

    def register(self, name: str, data: TableData) -> None:
        if isinstance(data, (Path, str)):
            frame = self.session.read.parquet(self._existing(data))
        else:
            # a small table travels in the plan (a local relation), and Spark broadcasts it to the joins
            with _quiet():
                frame = self.session.createDataFrame(_spark_ready(as_arrow(data)))
        frame.createOrReplaceTempView(name)

    def _existing(self, location: Location) -> str:
        text = str(location)
        if "://" not in text and not Path(text).exists():
            raise DataError("Parquet input does not exist", source=text)
        return text

    def register_numbered(self, name: str, location: Location, row: str, csv_columns: list[str] | None) -> RowNumbers:
        """A file as a view with row key column ``row``; see :meth:`Engine.register_numbered`.

        Parquet: the key is the 1-based record number (file order, files sorted by path). CSV: the key is
        ``monotonically_increasing_id()`` (in file order); converting the key of a reported row to its line
        number counts the rows of the earlier partitions, which runs only when a problem is reported.
        """
        from pyspark.sql import functions as F
        from pyspark.sql.types import StringType, StructField, StructType

        target = self._existing(location)
        if csv_columns is None:
            raw = self.session.read.parquet(target)
            cols = [c for c in raw.columns]
            numbered = raw.select(F.col("_metadata.file_path").alias("_file"), F.col("_metadata.row_index"), *cols)
            if "://" not in target and Path(target).is_file():  # one file: its row index is the record number
                numbered.select((F.col("row_index") + 1).alias(row), *cols).createOrReplaceTempView(name)
                return lambda key: key
            per_file = numbered.groupBy("_file").count().collect()  # Parquet footers: one row per file
            offsets, total = [], 0
            for r in sorted(per_file, key=lambda r: str(r["_file"])):
                offsets.append((str(r["_file"]), total))
                total += int(r["count"])
            if len(offsets) <= 1:
                frame = numbered.select((F.col("row_index") + 1).alias(row), *cols)
            else:
                table = self.session.createDataFrame(offsets, "_file string, _offset long")
                frame = numbered.join(F.broadcast(table), "_file").select(
                    (F.col("_offset") + F.col("row_index") + 1).alias(row), *cols
                )
            frame.createOrReplaceTempView(name)
            return lambda key: key
        schema = StructType([StructField(c, StringType(), True) for c in csv_columns])
        raw = (
            self.session.read.option("header", True)
            .option("quote", '"')
            .option("escape", '"')
            .option("mode", "FAILFAST")
            .option("encoding", "UTF-8")
            .schema(schema)
            .csv(target)
        )
        frame = raw.select(F.monotonically_increasing_id().alias(row), *csv_columns)
        frame.createOrReplaceTempView(name)

        def line(key: int) -> int:
            part, within = key >> 33, key & ((1 << 33) - 1)
            pid = F.spark_partition_id()
            before = raw.select(pid.alias("p")).where(F.col("p") < part).count() if part else 0
            return int(before) + within + 2  # the header is line 1

        return line

    def frame(self, query: str) -> SparkDataFrame:
        """The Spark DataFrame for a DuckDB-dialect query (lazy; nothing runs yet)."""
        return self.session.sql(to_spark(query))

    def materialize(self, name: str, query: str) -> int:
        return self._keep(name, self.frame(query))

    def _keep(self, name: str, frame: SparkDataFrame) -> int:
        frame = frame.cache()
        rows = int(frame.count())  # computes and caches on the executors; only the number comes back
        frame.createOrReplaceTempView(name)
        self._cached.append(frame)
        return rows

    def map_table(
        self,
        name: str,
        query: str,
        fn: Callable[[pd.DataFrame, Any], pd.DataFrame],
        schema: pa.Schema,
        shared: Any = None,
    ) -> int:
        """``fn`` runs on the executors, one Arrow batch at a time (``mapInPandas``); ``shared`` is broadcast once."""
        from pyspark.sql.pandas.types import from_arrow_schema

        box = self.session.sparkContext.broadcast(shared)

        def per_partition(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
            obj = box.value
            for batch in batches:
                if len(batch):
                    yield fn(batch, obj)

        with _quiet():
            mapped = self.frame(query).mapInPandas(per_partition, from_arrow_schema(schema))
            return self._keep(name, mapped)

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

    def to_parquet(self, query: str, path: Location) -> int:
        """Write with Spark's own writer: ``path`` becomes a directory of part files (a Parquet dataset).

        The executors write in parallel; nothing is collected on the driver. The row count is a distributed
        count of what was written (Parquet footers), so it holds on S3 and HDFS as on a local disk.
        """
        target = str(path)
        if "://" not in target:
            local = Path(target)
            if local.is_file():
                local.unlink()
            local.parent.mkdir(parents=True, exist_ok=True)
        with _quiet():
            self.frame(query).write.mode("overwrite").option("compression", "zstd").parquet(target)
        return int(self.session.read.parquet(target).count())

    def _filesystem(self, location: Location) -> tuple[Any, Any]:
        """Hadoop's ``Path`` of ``location`` and its FileSystem, resolved as Spark's own reader and writer do."""
        jvm: Any = self.session.sparkContext._jvm
        jsc: Any = self.session.sparkContext._jsc
        path = jvm.org.apache.hadoop.fs.Path(str(location))
        return path, path.getFileSystem(jsc.hadoopConfiguration())

    def write_text(self, location: Location, text: str) -> None:
        """Through Hadoop's FileSystem of the location, so a cluster's outputs land together (on S3, HDFS
        or a shared mount) and never on the driver's disk alone."""
        path, fs = self._filesystem(location)
        if fs.getScheme() == "file":  # Hadoop's checksummed local filesystem would add a .crc file beside it
            fs = fs.getRaw()
        stream = fs.create(path, True)  # overwrite
        try:
            stream.write(bytearray(text.encode("utf-8")))
        finally:
            stream.close()

    def remove(self, location: Location) -> None:
        path, fs = self._filesystem(location)
        fs.delete(path, True)

    def close(self) -> None:
        for frame in self._cached:
            frame.unpersist()
        self._cached.clear()
        with suppress(Exception):  # a stopped session or an unreachable store: nothing left to clean
            self.remove(self.staging)
        if self._owns:
            self.session.stop()
        if self._local_staging is not None:
            shutil.rmtree(self._local_staging, ignore_errors=True)

    def __enter__(self) -> SparkEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_SHARED: dict[str, SparkEngine] = {}


def shared_engine(master: str = "local[2]", shuffle_partitions: int = 2, staging: str | None = None) -> SparkEngine:
    """One Spark engine per process and master, reused by every caller (tests, notebooks).

    Starting a JVM takes seconds, so tests share this engine instead of starting their own. It is
    stopped when the interpreter exits.
    """
    engine = _SHARED.get(master)
    if engine is None:
        import atexit

        engine = SparkEngine(master=master, shuffle_partitions=shuffle_partitions, staging=staging)
        _SHARED[master] = engine
        atexit.register(engine.close)
    return engine


def stop_shared() -> None:
    """Close every engine :func:`shared_engine` started (before stopping the cluster they run on)."""
    for engine in _SHARED.values():
        engine.close()
    _SHARED.clear()


def shared_local_engine(cores: int = 2, shuffle_partitions: int = 2) -> SparkEngine:
    """:func:`shared_engine` in local mode with ``cores`` cores."""
    return shared_engine(f"local[{cores}]", shuffle_partitions)
