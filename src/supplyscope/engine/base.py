"""The engine contract: register tables, run SQL written once in the DuckDB dialect.

An :class:`Engine` holds named tables and answers SQL queries. Queries are always written in
DuckDB's dialect; engines that speak another dialect (Spark) transpile them with sqlglot. Results come
back as Arrow tables (or pandas frames built from them), so both engines hand over the same types.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, TypeAlias, runtime_checkable

import pandas as pd
import pyarrow as pa

TableData: TypeAlias = pd.DataFrame | pa.Table | Path
"""What :meth:`Engine.register` accepts: a pandas frame, an Arrow table, or a Parquet file/directory."""

ENGINE_NAMES: tuple[str, ...] = ("duckdb", "spark")


@runtime_checkable
class Engine(Protocol):
    """A SQL engine over named tables; queries use the DuckDB dialect."""

    name: str

    def register(self, name: str, data: TableData) -> None:
        """Make ``data`` queryable as table ``name`` (replacing any table of that name)."""
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

    def to_parquet(self, query: str, path: Path) -> int:
        """Write the result of ``query`` as Parquet (zstd) at ``path``; return the number of rows.

        DuckDB writes one file; Spark writes a directory of part files. Both read back with
        ``pandas.read_parquet(path)``, ``pyarrow.parquet.read_table(path)`` or DuckDB.
        """
        ...

    def close(self) -> None:
        """Release the engine's resources (connections, sessions, temporary files)."""
        ...


def as_arrow(data: pd.DataFrame | pa.Table) -> pa.Table:
    """An Arrow table for ``data``, without the pandas index."""
    if isinstance(data, pa.Table):
        return data
    return pa.Table.from_pandas(data, preserve_index=False)
