"""The embedded default engine: DuckDB, in process."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import re
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from supplyscope.data.warehouse import first_row
from supplyscope.engine.base import BatchFunction, Location, RowNumbers, TableData, as_arrow
from supplyscope.errors import ConfigError, DataError


def _local(location: Location) -> Path:
    """``location`` as a local path: DuckDB writes no URIs (``s3a://``, ``hdfs://``; those are Spark's)."""
    if "://" in str(location):
        raise ConfigError(f"DuckDB writes local paths only, not {location}", key="out")
    return Path(location)


PARALLEL_MIN_ROWS = 20_000
"""Below this many rows :meth:`DuckDBEngine.map_table` stays in process: starting workers costs more.

Measured for shipper screening on the shared 2-core machine at load 5-7 (3 interleaved runs): 2 forked
workers cost 0.0-0.2 CPU-s more than one process and matched its wall time up to 10,000 names (1.53 against
1.45 s at best); at 24,726 names the best run was 2.83 s against 3.73 s, the median 4.02 against 3.74 s (no
free core to gain). Spawned workers (the earlier pool) cost about 2-3 CPU-s more. See docs/performance.md."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class DuckDBEngine:
    """Runs SQL on DuckDB; Arrow and pandas inputs are scanned in place (no copy).

    ``workers`` > 1 runs :meth:`map_table` in that many worker processes (Python work such as name
    screening holds the GIL, so threads would not help); ``None`` means one per core.
    """

    name = "duckdb"

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection | None = None,
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
        workers: int | None = 1,
    ) -> None:
        self._owns = con is None
        self.con = con if con is not None else duckdb.connect(":memory:")
        if threads is not None:
            if threads < 1:
                raise ConfigError("must be at least 1", key="threads")
            self.con.execute(f"SET threads = {int(threads)}")
        if workers is not None and workers < 1:
            raise ConfigError("must be at least 1", key="workers")
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        if memory_limit is not None:
            self.con.execute("SET memory_limit = ?", [memory_limit])
        self._held: dict[str, pa.Table] = {}
        self._scratch: Path | None = None

    def register(self, name: str, data: TableData) -> None:
        if isinstance(data, (Path, str)):
            self.con.execute(f"CREATE OR REPLACE VIEW {_quote(name)} AS SELECT * FROM {_parquet_scan(data)}")
            return
        table = as_arrow(data)
        self._held[name] = table  # keep the object alive while DuckDB scans it
        self.con.register(name, table)

    def register_numbered(self, name: str, location: Location, row: str, csv_columns: list[str] | None) -> RowNumbers:
        """Parquet: ``file_row_number + 1`` (files in name order). CSV: read once into a temporary table,
        every column as text, strict RFC 4180 quoting; the key is the line number (``rowid + 2``)."""
        source = str(location)
        try:
            if csv_columns is None:
                scan = _parquet_scan(location, "file_row_number = true")
                self.con.execute(
                    f"CREATE OR REPLACE VIEW {_quote(name)} AS SELECT file_row_number + 1 AS {_quote(row)}, "
                    f"* EXCLUDE (file_row_number) FROM {scan}"
                )
            else:
                spec = "{" + ", ".join(f"{_sql_string(c)}: 'VARCHAR'" for c in csv_columns) + "}"
                staged = _quote(name + "__csv")
                self.con.execute(
                    f"CREATE OR REPLACE TEMP TABLE {staged} AS SELECT * FROM read_csv({_sql_string(source)}, "
                    f"columns = {spec}, header = true, auto_detect = false, delim = ',', quote = '\"', "
                    "escape = '\"', strict_mode = true, null_padding = false)"
                )
                self.con.execute(
                    f"CREATE OR REPLACE VIEW {_quote(name)} AS SELECT rowid + 2 AS {_quote(row)}, * FROM {staged}"
                )
        except duckdb.Error as exc:
            raise DataError(f"cannot be read: {_first_line(exc)}", source=source, row=_line_of(exc)) from exc
        return lambda key: key

    def scratch(self, name: str) -> str:
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="supplyscope-duckdb-"))
        return str(self._scratch / f"{name}.parquet")

    def map_table(self, name: str, query: str, fn: BatchFunction, schema: pa.Schema, shared: Any = None) -> int:
        frame = self.sql(query)
        n_workers = min(self.workers, max(1, len(frame) // (PARALLEL_MIN_ROWS // 2)))
        if n_workers <= 1:
            parts = [fn(frame, shared)] if len(frame) else []
        else:
            step = -(-len(frame) // (2 * n_workers))  # large chunks: few round trips, some balancing
            chunks = [frame.iloc[i : i + step] for i in range(0, len(frame), step)]
            try:
                with _pool(n_workers, fn, shared) as pool:
                    parts = list(pool.map(_apply, chunks))
            finally:
                _WORKER.clear()
        out = (
            pa.concat_tables([pa.Table.from_pandas(p, schema=schema, preserve_index=False) for p in parts])
            if parts
            else schema.empty_table()
        )
        self.register(name, out)
        return int(out.num_rows)

    def materialize(self, name: str, query: str) -> int:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {_quote(name)} AS {query}")
        row = first_row(self.con.execute(f"SELECT count(*) FROM {_quote(name)}").fetchall())
        return int(row[0]) if row else 0

    def arrow(self, query: str) -> pa.Table:
        result = self.con.sql(query)
        if result is None:
            raise ConfigError("query returns no result set", key="query")
        table: pa.Table = result.to_arrow_table()
        return table

    def sql(self, query: str) -> pd.DataFrame:
        frame: pd.DataFrame = self.arrow(query).to_pandas()
        return frame

    def to_parquet(self, query: str, path: Location) -> int:
        target = _local(path)
        if target.is_dir():  # a dataset left by a Spark run of the same output
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        # COPY reports the rows it wrote: no second read of the file
        row = first_row(
            self.con.execute(
                f"COPY ({query}) TO {_sql_string(str(target))} (FORMAT parquet, COMPRESSION zstd)"
            ).fetchall()
        )
        return int(row[0]) if row else 0

    def write_text(self, location: Location, text: str) -> None:
        target = _local(location)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def remove(self, location: Location) -> None:
        path = Path(str(location))
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)

    def close(self) -> None:
        for name in list(self._held):
            self.con.unregister(name)
        self._held.clear()
        if self._owns:
            self.con.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> DuckDBEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_WORKER: dict[str, Any] = {}


def _pool(n_workers: int, fn: BatchFunction, shared: Any) -> ProcessPoolExecutor:
    """Workers for :meth:`DuckDBEngine.map_table`. On Linux they are forked and share the loaded ``shared``
    (e.g. a screening index) copy-on-write, with no import or unpickling; they run only ``fn`` on pandas
    data, never DuckDB (whose threads do not survive the fork). Elsewhere (macOS, Windows, where fork is
    unsafe or missing) they are spawned and unpickle ``(fn, shared)`` once each."""
    if sys.platform.startswith("linux"):
        _WORKER["fn"], _WORKER["shared"] = fn, shared
        return ProcessPoolExecutor(n_workers, mp_context=multiprocessing.get_context("fork"))
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(n_workers, mp_context=context, initializer=_init, initargs=(pickle.dumps((fn, shared)),))


def _init(payload: bytes) -> None:
    _WORKER["fn"], _WORKER["shared"] = pickle.loads(payload)


def _apply(chunk: pd.DataFrame) -> pd.DataFrame:
    result: pd.DataFrame = _WORKER["fn"](chunk, _WORKER["shared"])
    return result


def _parquet_scan(location: Location, options: str = "") -> str:
    path = Path(location)
    if not path.exists():
        raise DataError("Parquet input does not exist", source=str(location))
    target = str(path / "*.parquet") if path.is_dir() else str(path)
    return f"read_parquet({_sql_string(target)}{', ' + options if options else ''})"


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first_line(exc: BaseException) -> str:
    lines = [x.strip() for x in str(exc).strip().splitlines() if x.strip()]
    if not lines:
        return type(exc).__name__
    detail = [x for x in lines[1:] if x.startswith(("Expected Number", "Value with unterminated"))]
    return "; ".join([lines[0], *detail])


def _line_of(exc: BaseException) -> int | None:
    m = re.search(r"[Ll]ine:?\s*(\d+)", str(exc))
    return int(m.group(1)) if m else None
