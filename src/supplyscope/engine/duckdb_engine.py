"""The embedded default engine: DuckDB, in process."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from supplyscope.data.warehouse import first_row
from supplyscope.engine.base import TableData, as_arrow
from supplyscope.errors import ConfigError, DataError


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class DuckDBEngine:
    """Runs SQL on DuckDB; Arrow and pandas inputs are scanned in place (no copy)."""

    name = "duckdb"

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection | None = None,
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
    ) -> None:
        self._owns = con is None
        self.con = con if con is not None else duckdb.connect(":memory:")
        if threads is not None:
            if threads < 1:
                raise ConfigError("must be at least 1", key="threads")
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit is not None:
            self.con.execute("SET memory_limit = ?", [memory_limit])
        self._held: dict[str, pa.Table] = {}

    def register(self, name: str, data: TableData) -> None:
        if isinstance(data, Path):
            if not data.exists():
                raise DataError("Parquet input does not exist", source=str(data))
            target = str(data / "*.parquet") if data.is_dir() else str(data)
            self.con.execute(
                f"CREATE OR REPLACE VIEW {_quote(name)} AS SELECT * FROM read_parquet({_sql_string(target)})"
            )
            return
        table = as_arrow(data)
        self._held[name] = table  # keep the object alive while DuckDB scans it
        self.con.register(name, table)

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

    def to_parquet(self, query: str, path: Path) -> int:
        if path.is_dir():  # a dataset left by a Spark run of the same output
            shutil.rmtree(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.con.execute(f"COPY ({query}) TO {_sql_string(str(path))} (FORMAT parquet, COMPRESSION zstd)")
        row = first_row(self.con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchall())
        return int(row[0]) if row else 0

    def close(self) -> None:
        for name in list(self._held):
            self.con.unregister(name)
        self._held.clear()
        if self._owns:
            self.con.close()

    def __enter__(self) -> DuckDBEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
