"""Open and fill the DuckDB warehouse. Every load is one transaction: all rows or none."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from supplyscope.data import paths
from supplyscope.data.schema import TABLES, table
from supplyscope.data.validate import check
from supplyscope.errors import DataError


def file_checksum(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def first_row(rows: list[Any]) -> Any:
    """The first row of a fully fetched result, or None.

    Fetching everything (rather than ``fetchone``) leaves no unfinished result on the connection,
    which DuckDB 2 requires before the connection is used for register/unregister.
    """
    return rows[0] if rows else None


def storage_version(path: Path) -> int | None:
    """The storage version number in a DuckDB file's header, or None when it is not a DuckDB file."""
    with path.open("rb") as fh:
        head = fh.read(20)
    if len(head) < 20 or head[8:12] != b"DUCK":
        return None
    return int.from_bytes(head[12:20], "little")


def unreadable(path: Path, exc: duckdb.Error) -> DataError:
    """The one-line error for a warehouse file this DuckDB cannot open (other version, damaged, or locked)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    first = " ".join(" ".join(lines[:2]).split())[:200] or type(exc).__name__
    if "could not set lock" in first.lower() or "conflicting lock" in first.lower():
        return DataError(f"the warehouse is in use by another process ({first})", source=str(path))
    version = storage_version(path) if path.exists() else None
    found = "not a DuckDB file" if version is None else f"DuckDB storage version {version}"
    return DataError(
        f"DuckDB {duckdb.__version__} cannot open this warehouse ({found}: written by another DuckDB version, "
        f"or damaged; {first}); run `supplyscope data build --force` to rebuild it",
        source=str(path),
    )


def remove_warehouse(path: Path | str | None = None) -> None:
    """Delete a warehouse file and its write-ahead log (for ``data build --force``)."""
    target = Path(path) if path is not None else paths.default_db()
    for p in (target, target.with_name(target.name + ".wal")):
        p.unlink(missing_ok=True)


class Warehouse:
    """A DuckDB database holding the canonical tables."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = con
        self.path = path

    @classmethod
    def open(cls, path: Path | str | None = None, *, read_only: bool = False) -> Warehouse:
        """Open (creating if needed) a warehouse file; ``":memory:"`` gives an in-memory one."""
        target = str(path) if path is not None else str(paths.default_db())
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            if read_only and not Path(target).exists():
                raise DataError("warehouse does not exist; run `supplyscope data build`", source=target)
        try:
            con = duckdb.connect(target, read_only=read_only)
        except duckdb.Error as exc:
            raise unreadable(Path(target), exc) from None
        wh = cls(con, target)
        if not read_only:
            wh.create_schema()
        return wh

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def create_schema(self) -> None:
        for t in TABLES.values():
            self.con.execute(t.ddl())

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def load(
        self,
        frames: Mapping[str, pd.DataFrame],
        *,
        source: str,
        checksum: str,
        detail: str | None = None,
    ) -> dict[str, int]:
        """Replace the rows of ``source`` in each table by ``frames``, atomically.

        Reloading the same source replaces its rows instead of duplicating them (tables without a
        ``source`` column are reference tables and are replaced whole). Every frame is
        validated first; a problem raises :class:`DataError` and nothing is written.
        """
        for name, df in frames.items():
            check(df, table(name), source)
        counts: dict[str, int] = {}
        with self.transaction() as con:
            for name, df in frames.items():
                t = table(name)
                frame = df[t.column_names]
                if "source" in t.column_names:
                    con.execute(f'DELETE FROM "{name}" WHERE source = ?', [source])
                else:  # reference tables with one origin are replaced whole
                    con.execute(f'DELETE FROM "{name}"')
                con.register("_incoming", frame)
                try:
                    cols = ", ".join(f'"{c}"' for c in t.column_names)
                    con.execute(f'INSERT INTO "{name}" ({cols}) SELECT {cols} FROM _incoming')
                except duckdb.ConstraintException as exc:
                    raise DataError(f"conflicts with rows already stored: {exc}", source=source) from exc
                except duckdb.ConversionException as exc:
                    raise DataError(f"value cannot be converted: {exc}", source=source) from exc
                finally:
                    con.unregister("_incoming")
                counts[name] = len(frame)
                con.execute(
                    "INSERT OR REPLACE INTO load_log VALUES (?, ?, ?, ?, ?, ?)",
                    [source, name, checksum, len(frame), datetime.now(UTC).replace(tzinfo=None), detail],
                )
        return counts

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run SQL and return a DataFrame."""
        return self.con.execute(sql, params or []).df()

    def count(self, name: str) -> int:
        row = first_row(self.con.execute(f'SELECT count(*) FROM "{table(name).name}"').fetchall())
        return int(row[0]) if row else 0

    def info(self) -> pd.DataFrame:
        """Tables with row counts, years and sources."""
        out = []
        for name, t in TABLES.items():
            n = self.count(name)
            years = ""
            if "year" in t.column_names and n:
                lo, hi = first_row(self.con.execute(f'SELECT min(year), max(year) FROM "{name}"').fetchall()) or (
                    None,
                    None,
                )
                years = f"{lo}" if lo == hi else f"{lo}-{hi}"
            srcs = ""
            if "source" in t.column_names and n:
                srcs = ", ".join(
                    r[0] for r in self.con.execute(f'SELECT DISTINCT source FROM "{name}" ORDER BY 1').fetchall()
                )
            out.append({"table": name, "rows": n, "years": years, "sources": srcs})
        return pd.DataFrame(out)
