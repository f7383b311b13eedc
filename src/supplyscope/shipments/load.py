"""Read shipment files (CSV or Parquet) with all-or-nothing validation.

Validation runs in DuckDB, in one pass over the file, so a day of 4 million shipments is checked in
seconds. Every problem is collected (see :func:`find_problems`); :func:`read_shipments` and
:func:`stage_shipments` raise :class:`~supplyscope.errors.DataError` naming the file, the row and the
column of the first one, and return nothing when there is any problem.

Row numbers are the line numbers of the CSV file (the header is line 1, so the first shipment is row
2), or 1-based record numbers in a Parquet file.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from supplyscope.codes import countries
from supplyscope.data.warehouse import first_row
from supplyscope.errors import DataError
from supplyscope.shipments.model import COLUMNS, FIELDS, MODES, SCHEMA, Field

TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")
ROW = "_row"


@dataclass(frozen=True)
class Problem:
    """One cell (or row) that cannot be loaded."""

    row: int | None
    field: str
    message: str
    count: int = 1
    """How many rows have this problem (the row given is the first)."""


def _lit(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _txt(name: str) -> str:
    return f"NULLIF(trim(CAST(\"{name}\" AS VARCHAR)), '')"


def _checks(f: Field) -> list[tuple[str, str]]:
    """``(predicate that is true for a bad value, message)`` for one column."""
    t = _txt(f.name)
    out: list[tuple[str, str]] = []
    if f.required:
        out.append((f"{t} IS NULL", "value is required"))
    if f.kind == "date":
        out.append((f"{t} IS NOT NULL AND TRY_CAST({t} AS DATE) IS NULL", "not a date (YYYY-MM-DD)"))
    elif f.kind == "mode":
        out.append((f"{t} IS NOT NULL AND lower({t}) NOT IN ({_lit(MODES)})", f"mode must be one of {MODES}"))
    elif f.kind == "hts10":
        out.append(
            (
                f"{t} IS NOT NULL AND NOT regexp_full_match(regexp_replace({t}, '[. ]', '', 'g'), '[0-9]{{10}}')",
                "not a 10-digit HTS number",
            )
        )
    elif f.kind == "money":
        v = f"TRY_CAST({t} AS DOUBLE)"
        out.append(
            (
                f"{t} IS NOT NULL AND ({v} IS NULL OR NOT isfinite({v}) OR {v} < 0)",
                "not a non-negative number",
            )
        )
    elif f.kind == "iso3":
        out.append(
            (
                f"{t} IS NOT NULL AND upper({t}) NOT IN (SELECT iso3 FROM _iso3)",
                "not an ISO 3166 alpha-3 country code",
            )
        )
    elif f.kind == "bool":
        out.append(
            (
                f"{t} IS NOT NULL AND lower({t}) NOT IN ({_lit(TRUE_WORDS + FALSE_WORDS)})",
                "not a boolean (true/false, yes/no, 1/0)",
            )
        )
    return out


def _normalised_select() -> str:
    cols = []
    for f in FIELDS:
        t = _txt(f.name)
        expr = {
            "date": f"CAST({t} AS DATE)",
            "mode": f"lower({t})",
            "hts10": f"regexp_replace({t}, '[. ]', '', 'g')",
            "money": f"CAST({t} AS DOUBLE)",
            "iso3": f"upper({t})",
            "bool": f"lower({t}) IN ({_lit(TRUE_WORDS)})",
        }.get(f.kind, t)
        cols.append(f'{expr} AS "{f.name}"')
    return "SELECT " + ", ".join(cols) + f" FROM raw ORDER BY {ROW}"


class _Session:
    """A DuckDB connection with the file exposed as view ``raw`` (all shipment columns + ``_row``)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.con = duckdb.connect(":memory:")
        iso = pa.Table.from_pandas(_iso3_frame(), preserve_index=False)
        self.con.register("_iso3", iso)
        self._iso = iso

    def open_file(self, path: Path) -> None:
        if not path.exists():
            raise DataError("file not found", source=str(path))
        suffix = "".join(path.suffixes).lower()
        try:
            if suffix.endswith(".parquet") or path.is_dir():
                target = str(path / "*.parquet") if path.is_dir() else str(path)
                self.con.execute(
                    f"CREATE VIEW raw0 AS SELECT file_row_number + 1 AS {ROW}, * EXCLUDE (file_row_number) "
                    f"FROM read_parquet({_quote_literal(target)}, file_row_number = true)"
                )
            elif suffix.endswith((".csv", ".csv.gz")):
                header = _csv_header(path)
                spec = "{" + ", ".join(f"{_quote_literal(c)}: 'VARCHAR'" for c in header) + "}"
                self.con.execute(
                    f"CREATE TABLE raw_csv AS SELECT * FROM read_csv({_quote_literal(str(path))}, "
                    f"columns = {spec}, header = true, auto_detect = false, delim = ',', quote = '\"', "
                    "escape = '\"', strict_mode = true, null_padding = false)"
                )
                self.con.execute(f"CREATE VIEW raw0 AS SELECT rowid + 2 AS {ROW}, * FROM raw_csv")
            else:
                raise DataError("unsupported file type; use .csv, .csv.gz or .parquet", source=str(path))
        except duckdb.Error as exc:
            raise DataError(f"cannot be read: {_first_line(exc)}", source=str(path), row=_line_of(exc)) from exc
        self._columns()

    def open_table(self, table: pa.Table) -> None:
        with_rows = table.append_column(ROW, pa.array(range(1, table.num_rows + 1), pa.int64()))
        self._held = with_rows
        self.con.register("raw0", with_rows)
        self._columns()

    def _columns(self) -> None:
        present = [r[0] for r in self.con.execute("SELECT * FROM raw0 LIMIT 0").description]
        unknown = [c for c in present if c not in COLUMNS and c != ROW]
        if unknown:
            raise DataError(
                f"unknown column(s) {unknown}; expected {list(COLUMNS)}", source=self.source, field=unknown[0]
            )
        missing = [f for f in FIELDS if f.name not in present]
        for f in missing:
            if f.required:
                raise DataError("column is missing", source=self.source, row=1, field=f.name)
        fill = ", ".join(f'CAST(NULL AS VARCHAR) AS "{f.name}"' for f in missing)
        self.con.execute(f"CREATE VIEW raw AS SELECT *{', ' + fill if fill else ''} FROM raw0")

    def problems(self) -> list[Problem]:
        checks = [(f.name, pred, msg) for f in FIELDS for pred, msg in _checks(f)]
        parts = []
        for i, (_name, pred, _msg) in enumerate(checks):
            parts.append(f"count(*) FILTER (WHERE {pred}) AS n{i}, min({ROW}) FILTER (WHERE {pred}) AS r{i}")
        row = first_row(self.con.execute("SELECT " + ", ".join(parts) + " FROM raw").fetchall())
        assert row is not None
        found: list[Problem] = []
        for i, (name, _pred, msg) in enumerate(checks):
            n, first = int(row[2 * i]), row[2 * i + 1]
            if n:
                value = first_row(self.con.execute(f'SELECT "{name}" FROM raw WHERE {ROW} = ?', [first]).fetchall())
                shown = repr(value[0]) if value else "?"
                found.append(Problem(int(first), name, f"{msg}, got {shown}", n))
        tid = _txt("shipment_id")
        dup = first_row(
            self.con.execute(
                f"SELECT count(*), min({ROW}), arg_min(id, {ROW}) FROM (SELECT {ROW}, {tid} AS id, "
                f"row_number() OVER (PARTITION BY {tid} ORDER BY {ROW}) AS k FROM raw) "
                "WHERE k > 1 AND id IS NOT NULL"
            ).fetchall()
        )
        if dup and dup[0]:
            found.append(Problem(int(dup[1]), "shipment_id", f"duplicate shipment_id {dup[2]!r}", int(dup[0])))
        return sorted(found, key=lambda p: (p.row if p.row is not None else 0, COLUMNS.index(p.field)))

    def check(self) -> None:
        found = self.problems()
        if found:
            first = found[0]
            total = sum(p.count for p in found)
            more = f" ({total} problems in all)" if total > 1 else ""
            raise DataError(first.message + more, source=self.source, row=first.row, field=first.field)

    def close(self) -> None:
        self.con.close()


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first_line(exc: BaseException) -> str:
    lines = [x.strip() for x in str(exc).strip().splitlines() if x.strip()]
    if not lines:
        return type(exc).__name__
    detail = [x for x in lines[1:] if x.startswith(("Expected Number", "Value with unterminated"))]
    return "; ".join([lines[0], *detail])


def _csv_header(path: Path) -> list[str]:
    """Column names from the first line of a CSV (plain or gzip), checked for blanks and repeats."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), None)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"cannot be read: {exc}", source=str(path), row=1) from exc
    if not header:
        raise DataError("file is empty; expected a header row", source=str(path), row=1)
    names = [h.strip() for h in header]
    for i, name in enumerate(names):
        if not name:
            raise DataError(f"header column {i + 1} has no name", source=str(path), row=1)
        if name in names[:i]:
            raise DataError("column appears twice in the header", source=str(path), row=1, field=name)
    return names


def _line_of(exc: BaseException) -> int | None:
    import re

    m = re.search(r"[Ll]ine:?\s*(\d+)", str(exc))
    return int(m.group(1)) if m else None


def _iso3_frame() -> pd.DataFrame:
    return pd.DataFrame({"iso3": sorted(countries.iso3_codes())})


def find_problems(path: Path) -> list[Problem]:
    """Every problem in a shipment file (empty when it loads cleanly)."""
    s = _Session(str(path))
    try:
        try:
            s.open_file(path)
        except DataError as exc:
            return [Problem(exc.row, exc.field or "", exc.detail)]
        return s.problems()
    finally:
        s.close()


def read_shipments(path: Path) -> pa.Table:
    """A validated, normalised shipment table (schema :data:`~supplyscope.shipments.model.SCHEMA`)."""
    s = _Session(str(path))
    try:
        s.open_file(path)
        s.check()
        return s.con.sql(_normalised_select()).to_arrow_table().cast(SCHEMA)
    finally:
        s.close()


def validate_table(table: pa.Table, source: str = "<table>") -> pa.Table:
    """Validate and normalise an in-memory shipment table (rows numbered from 1)."""
    s = _Session(source)
    try:
        s.open_table(table)
        s.check()
        return s.con.sql(_normalised_select()).to_arrow_table().cast(SCHEMA)
    finally:
        s.close()


def stage_shipments(path: Path, out: Path) -> int:
    """Validate ``path`` and write the normalised shipments to Parquet file ``out``; return the row count.

    Nothing is written when the file has any problem. This streams through DuckDB, so a file larger
    than memory can be staged.
    """
    s = _Session(str(path))
    try:
        s.open_file(path)
        s.check()
        out.parent.mkdir(parents=True, exist_ok=True)
        target = "'" + str(out).replace("'", "''") + "'"
        s.con.execute(f"COPY ({_normalised_select()}) TO {target} (FORMAT parquet, COMPRESSION zstd)")
        row = first_row(s.con.execute("SELECT count(*) FROM read_parquet(?)", [str(out)]).fetchall())
        return int(row[0]) if row else 0
    finally:
        s.close()
