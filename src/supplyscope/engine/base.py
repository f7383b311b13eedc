"""The engine contract: register tables, run SQL written once in the DuckDB dialect.

An :class:`Engine` holds named tables and answers SQL queries. Queries are always written in
DuckDB's dialect; engines that speak another dialect (Spark) transpile them with sqlglot. Results come
back as Arrow tables (or pandas frames built from them), so both engines hand over the same types.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeAlias, runtime_checkable

import pandas as pd
import pyarrow as pa

Location: TypeAlias = Path | str
"""A file or directory: a local path, or a URI the engine can read (``s3a://…``, ``hdfs://…`` on Spark)."""

TableData: TypeAlias = pd.DataFrame | pa.Table | Location
"""What :meth:`Engine.register` accepts: a pandas frame, an Arrow table, or a Parquet file/directory."""

RowNumbers: TypeAlias = Callable[[int], int]
"""Turns the row key of :meth:`Engine.register_numbered` into the row number shown to the user."""

BatchFunction: TypeAlias = Callable[[pd.DataFrame, Any], pd.DataFrame]
"""``fn(batch, shared)`` for :meth:`Engine.map_table`: one batch of rows in, the mapped rows out."""

ENGINE_NAMES: tuple[str, ...] = ("duckdb", "spark")


@runtime_checkable
class Engine(Protocol):
    """A SQL engine over named tables; queries use the DuckDB dialect."""

    name: str

    def register(self, name: str, data: TableData) -> None:
        """Make ``data`` queryable as table ``name`` (replacing any table of that name)."""
        ...

    def register_numbered(self, name: str, location: Location, row: str, csv_columns: list[str] | None) -> RowNumbers:
        """Expose a Parquet file/directory (``csv_columns=None``) or a CSV file (every column as text) as view
        ``name`` with an extra BIGINT column ``row``: a key that orders rows as in the file. The function
        returned turns a key into the 1-based record number (Parquet) or the line number (CSV, header = 1).
        """
        ...

    def scratch(self, name: str) -> str:
        """A location for an intermediate dataset ``name`` that every worker of the engine can see."""
        ...

    def map_table(self, name: str, query: str, fn: BatchFunction, schema: pa.Schema, shared: Any = None) -> int:
        """Apply ``fn(batch, shared)`` to the rows of ``query``, batch by batch and in parallel where the engine
        can, and keep the result (``schema``) as table ``name``; return its row count. ``shared`` (a picklable
        object, e.g. a screening index) is shipped to each worker once.
        """
        ...

    def materialize(self, name: str, query: str) -> int:
        """Compute ``query`` once and keep the result as table ``name``; return its row count."""
        ...

    def arrow(self, query: str) -> pa.Table:
        """Run ``query`` and return the result as an Arrow table."""
        ...

    def sql(self, query: str) -> pd.DataFrame:
        """Run ``query`` and return the result as a pandas DataFrame."""
        ...

    def to_parquet(self, query: str, path: Location) -> int:
        """Write the result of ``query`` as Parquet (zstd) at ``path``; return the number of rows.

        DuckDB writes one file; Spark writes a directory of part files. Both read back with
        ``pandas.read_parquet(path)``, ``pyarrow.parquet.read_table(path)`` or DuckDB.
        """
        ...

    def write_text(self, location: Location, text: str) -> None:
        """Write a small UTF-8 file made on the driver (a summary, a CSV of aggregates) where
        :meth:`to_parquet` writes: a local path on DuckDB; on Spark the same filesystem its writer resolves
        the location to (``s3a://``, ``hdfs://``, the cluster's default filesystem for a plain path).
        """
        ...

    def remove(self, location: Location) -> None:
        """Delete a file or dataset directory that :meth:`to_parquet` wrote (nothing if it is absent)."""
        ...

    def close(self) -> None:
        """Release the engine's resources (connections, sessions, temporary files)."""
        ...


def as_arrow(data: pd.DataFrame | pa.Table) -> pa.Table:
    """An Arrow table for ``data``, without the pandas index."""
    if isinstance(data, pa.Table):
        return data
    return pa.Table.from_pandas(data, preserve_index=False)
